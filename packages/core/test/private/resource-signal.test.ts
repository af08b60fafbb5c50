import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderSignalOnExit } from '../../src/private/resource-signal';

/** Runs `body` after the rendered lines, with cfn-signal and curl replaced by stand-ins; returns cfn-signal's arguments and the exit status. */
function run(body: string, cfnSignalExit = 0, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signal-on-exit-'))): { signal: string; status: number } {
  const log = path.join(dir, 'signal');
  fs.rmSync(log, { force: true });
  fs.writeFileSync(path.join(dir, 'cfn-signal'), `#!/bin/bash\necho "$*" > "${log}"\nexit ${cfnSignalExit}\n`, { mode: 0o755 });
  // The metadata service's answers, without sending anything.
  fs.writeFileSync(path.join(dir, 'curl'), '#!/bin/bash\ncase "$*" in *api/token*) echo token;; *instance-id*) echo i-0abc;; esac\n', { mode: 0o755 });
  const script = ['set -euo pipefail', renderSignalOnExit({ stack: 'Stack', resource: 'Group', region: 'eu-west-1' }), body].join('\n');
  // A script file, as SSM Agent runs a step.
  fs.writeFileSync(path.join(dir, 'script.sh'), script);
  let status = 0;
  try {
    execFileSync('/bin/bash', [path.join(dir, 'script.sh')], { env: { PATH: `${dir}:/usr/bin:/bin`, CFN_SIGNAL: path.join(dir, 'cfn-signal'), NLBT_SIGNAL_MARKERS: path.join(dir, 'signalled') }, stdio: 'pipe' });
  } catch (e) {
    status = (e as { status: number }).status;
  }
  return { signal: fs.existsSync(log) ? fs.readFileSync(log, 'utf-8').trim() : '', status };
}

describe('renderSignalOnExit', () => {
  test('signals SUCCESS with the instance id when the script ends with status 0', () => {
    expect(run('echo serving')).toEqual({ signal: '--stack Stack --resource Group --region eu-west-1 --id i-0abc --exit-code 0', status: 0 });
  });

  test('signals FAILURE naming the command that failed and its status, and the script keeps its status', () => {
    expect(run('grep -q serving /dev/null')).toEqual({
      signal: "--stack Stack --resource Group --region eu-west-1 --id i-0abc --exit-code 1 --reason provisioning failed on i-0abc: 'grep -q serving /dev/null' exited with status 1",
      status: 1,
    });
  });

  test('signals FAILURE with the reason a script gives with nlbt_fail', () => {
    expect(run('nlbt_fail "the app does not answer"').signal).toMatch(/--exit-code 1 --reason provisioning failed on i-0abc: the app does not answer$/);
  });

  test('a signal CloudFormation refuses (a resource already complete) does not change the run\'s outcome', () => {
    expect(run('echo serving', 1)).toMatchObject({ status: 0 });
    expect(run('false', 1)).toMatchObject({ status: 1 });
  });

  test('a later run of the same instance sends no signal once one was delivered, whatever its outcome', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signal-on-exit-'));
    expect(run('echo serving', 0, dir).signal).toMatch(/--exit-code 0$/);
    expect(run('echo serving', 0, dir)).toEqual({ signal: '', status: 0 });
    expect(run('false', 0, dir)).toEqual({ signal: '', status: 1 });
  });

  test('a signal CloudFormation refused is sent again by the next run', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signal-on-exit-'));
    expect(run('echo serving', 1, dir).signal).toMatch(/--exit-code 0$/);
    expect(run('echo serving', 0, dir).signal).toMatch(/--exit-code 0$/);
  });
});
