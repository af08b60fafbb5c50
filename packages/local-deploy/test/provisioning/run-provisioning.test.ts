import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExitCode } from '../../src/errors';
import { HostProvisioning } from '../../src/provisioning/association-runner';
import { describeFailure, describeProvisioning, ProvisioningError } from '../../src/provisioning/run-provisioning';

function result(outputDir: string): HostProvisioning {
  return {
    host: 'app1',
    instanceId: 'i-0123456789abcdef0',
    succeeded: false,
    durationMs: 2500,
    runs: [{
      association: 'AppFleetProvisioning',
      documentName: 'Stack-Document-ABC',
      succeeded: false,
      steps: [
        { name: 'downloadPlaybook', action: 'aws:downloadContent', exitCode: 0, timedOut: false, durationMs: 40, outputDir },
        {
          name: 'runPlaybook',
          action: 'aws:runShellScript',
          exitCode: 2,
          timedOut: false,
          durationMs: 2400,
          outputDir,
          ansible: {
            recap: { ok: 1, changed: 0, unreachable: 0, failed: 1, skipped: 0, rescued: 0, ignored: 0 },
            changedTasks: [],
            failedTask: { name: 'Deploy uwsgi.ini', message: 'Could not find or access uwsgi.ini' },
          },
        },
      ],
    }],
  };
}

describe('provisioning reports', () => {
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbt-output-'));
  fs.writeFileSync(path.join(outputDir, 'stdout'), Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
  fs.writeFileSync(path.join(outputDir, 'stderr'), '');

  test('one line per step: host, association, document, step, exit code, duration, and the play recap', () => {
    expect(describeProvisioning([result(outputDir)])).toEqual([
      '  app1   AppFleetProvisioning (Stack-Document-ABC) downloadPlaybook: exit 0 in 0.0s',
      '  app1   AppFleetProvisioning (Stack-Document-ABC) runPlaybook: exit 2 in 2.4s  play recap: ok=1 changed=0 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0',
    ]);
  });

  test('a failure names the host, the document, the step, its exit code, the failed task and the last lines of output', () => {
    const text = describeFailure(result(outputDir));
    expect(text).toMatch(/^Provisioning failed on app1 \(i-0123456789abcdef0\):\n {2}association AppFleetProvisioning \(document Stack-Document-ABC\), step runPlaybook: exit 2 after 2\.4s\n/);
    expect(text).toContain('  failed task: Deploy uwsgi.ini: Could not find or access uwsgi.ini');
    expect(text).toMatch(/last lines of stdout:\n {4}line 6\n[^]*\n {4}line 20$/);
    expect(text).not.toContain('line 5\n');
    expect(text).not.toContain('last lines of stderr');
  });

  test('ProvisioningError ends the deploy with the deploy-failed exit code', () => {
    expect(new ProvisioningError([result(outputDir)]).exitCode).toBe(ExitCode.DEPLOY_FAILED);
  });
});
