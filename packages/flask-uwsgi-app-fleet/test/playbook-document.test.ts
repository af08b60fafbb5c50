import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PLAYBOOK_ARCHIVE, PLAYBOOK_DIR, playbookDocumentContent, renderPlaybookScript } from '../src/private/playbook-document';

/** What the SSM agent does to a step's inputs before it runs them: `{{ Name }}` becomes the parameter's value. */
function fillParameters(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for {{ ${name} }}`);
    return values[name];
  });
}

/**
 * Runs the document's shell step in a scratch folder: the archive is a real zip of a playbook
 * folder, and the commands the script may call (dnf, ansible-playbook) are stand-ins that log
 * their calls. `ansible` says whether ansible-playbook is on PATH before the script runs.
 */
function runStep(params: { InstallAnsible: string; ExtraVariables?: string }, ansible: boolean, ansibleExit = 0) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-document-'));
  const bin = path.join(scratch, 'bin');
  const calls = path.join(scratch, 'calls');
  fs.mkdirSync(bin);
  const source = path.join(scratch, 'source');
  fs.mkdirSync(source);
  fs.writeFileSync(path.join(source, 'playbook.yml'), '- hosts: all\n');
  fs.mkdirSync(path.join(source, 'files'));
  fs.writeFileSync(path.join(source, 'files', 'uwsgi.ini'), '[uwsgi]\n');
  const archive = path.join(scratch, 'playbook.zip');
  execFileSync('/usr/bin/python3', ['-c', 'import shutil,sys; shutil.make_archive(sys.argv[1][:-4], "zip", sys.argv[2])', archive, source]);
  const playbookDir = path.join(scratch, 'playbook');
  fs.mkdirSync(playbookDir);
  fs.writeFileSync(path.join(playbookDir, 'left-over.yml'), 'from an earlier run\n');

  const stub = (name: string, body = '') => fs.writeFileSync(path.join(bin, name),
    `#!/bin/bash\necho "${name} $* (in $PWD)" >> "${calls}"\n${body}\n`, { mode: 0o755 });
  const ansiblePlaybook = path.join(scratch, 'ansible-playbook');
  fs.writeFileSync(ansiblePlaybook, `#!/bin/bash\necho "ansible-playbook $* (in $PWD, sees $(ls | tr '\\n' ' '))" >> "${calls}"\nexit ${ansibleExit}\n`, { mode: 0o755 });
  // dnf "installs" ansible-core by putting ansible-playbook on PATH.
  stub('dnf', `cp "${ansiblePlaybook}" "${bin}/"`);
  if (ansible) fs.copyFileSync(ansiblePlaybook, path.join(bin, 'ansible-playbook'));
  // Only these commands are on PATH: whatever this machine has installed (an ansible-playbook of
  // its own, say) must not change what the script sees.
  for (const tool of ['python3', 'rm', 'mkdir', 'cp', 'ls', 'tr', 'tee', 'date', 'dirname', 'mktemp', 'cat', 'cmp', 'install', 'grep']) {
    fs.symlinkSync(`/usr/bin/${tool}`, path.join(bin, tool));
  }
  // The CloudWatch agent's package and control script.
  stub('rpm', 'exit 1');
  stub('yum');
  stub('amazon-cloudwatch-agent-ctl');
  stub('cfn-signal');
  // The metadata service's answers, without sending anything.
  fs.writeFileSync(path.join(bin, 'curl'), '#!/bin/bash\ncase "$*" in *api/token*) echo token;; *instance-id*) echo i-0abc;; esac\n', { mode: 0o755 });

  const step = playbookDocumentContent(1800).mainSteps as any[];
  const script = fillParameters(renderPlaybookScript({ archive, playbookDir }),
    { ExtraVariables: 'SSM=True', AppSecrets: '{"DB":{"source":"ssm","id":"/app/db","region":"eu-west-1"}}', SignalStack: 'Stack', SignalResource: 'FleetGroup', SignalRegion: 'eu-west-1', CloudWatchAgentConfig: AGENT_CONFIG, ...params });
  expect(step[1].inputs.runCommand).toEqual(renderPlaybookScript().split('\n'));
  const file = path.join(scratch, '_script.sh');
  fs.writeFileSync(file, script, { mode: 0o755 });
  const result = spawnSync(file, {
    cwd: scratch,
    env: {
      PATH: bin,
      CFN_SIGNAL: path.join(bin, 'cfn-signal'),
      NLBT_SIGNAL_MARKERS: path.join(scratch, 'signalled'),
      CWAGENT_CTL: path.join(bin, 'amazon-cloudwatch-agent-ctl'),
      CWAGENT_CONFIG: path.join(scratch, 'cwagent.json'),
      NLBT_PROVISIONING_LOG: path.join(scratch, 'provisioning.log'),
    },
    encoding: 'utf-8',
  });
  const allCalls = fs.existsSync(calls) ? fs.readFileSync(calls, 'utf-8').trim().split('\n') : [];
  return {
    status: result.status,
    stderr: result.stderr,
    calls: allCalls.filter(c => !AGENT_CALL.test(c)),
    agentCalls: allCalls.filter(c => AGENT_CALL.test(c)),
    playbookDir,
    scratch,
  };
}

/** The calls that install and start the CloudWatch agent. */
const AGENT_CALL = /^(rpm|yum|amazon-cloudwatch-agent-ctl) /;
/** An agent configuration as the association passes it: JSON on one line. */
const AGENT_CONFIG = '{"logs":{"logs_collected":{"files":{"collect_list":[{"file_path":"/var/log/nlb-tiers/uwsgi.log","log_group_name":"uwsgi","log_stream_name":"{instance_id}"}]}}}}';

describe('the fleet document', () => {
  test('downloads the archive to a file path, then runs the playbook step with the run timeout', () => {
    const content = playbookDocumentContent(1800) as any;

    expect(content.schemaVersion).toBe('2.2');
    expect(content.mainSteps.map((s: any) => [s.action, s.name])).toEqual([
      ['aws:downloadContent', 'downloadPlaybook'],
      ['aws:runShellScript', 'runPlaybook'],
    ]);
    expect(content.mainSteps[0].inputs).toEqual({ sourceType: 'S3', sourceInfo: '{{ SourceInfo }}', destinationPath: PLAYBOOK_ARCHIVE });
    expect(content.mainSteps[1].inputs.timeoutSeconds).toBe('{{ TimeoutSeconds }}');
    expect(content.parameters.TimeoutSeconds.default).toBe('1800');
    expect(content.parameters.InstallAnsible).toMatchObject({ allowedValues: ['True', 'False'], default: 'True' });
  });

  test('every {{ parameter }} the steps use is declared, and every declared one is used', () => {
    const content = playbookDocumentContent(1800) as any;

    const used = new Set([...JSON.stringify(content.mainSteps).matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map(m => m[1]));
    expect([...used].sort()).toEqual(Object.keys(content.parameters).sort());
  });

  test('the script reads the archive the download step wrote and extracts it where it runs the playbook', () => {
    const script = renderPlaybookScript();

    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(script).toContain(`archive='${PLAYBOOK_ARCHIVE}'`);
    expect(script).toContain(`playbook_dir='${PLAYBOOK_DIR}'`);
  });
});

describe('the playbook step', () => {
  test('installs ansible-core with dnf when the image has no Ansible, then runs the playbook locally from a fresh copy', () => {
    const { status, calls, playbookDir } = runStep({ InstallAnsible: 'True' }, false);

    expect(status).toBe(0);
    expect(calls[0]).toMatch(/^dnf install -y ansible-core /);
    expect(calls[1]).toBe(`ansible-playbook --inventory localhost, --connection local --extra-vars SSM=True -v playbook.yml (in ${playbookDir}, sees files playbook.yml )`);
    // The secrets' references, from the AppSecrets parameter, are where the playbook copies them from.
    expect(JSON.parse(fs.readFileSync(path.join(playbookDir, 'files', 'app_secrets.json'), 'utf-8'))).toEqual({ DB: { source: 'ssm', id: '/app/db', region: 'eu-west-1' } });
    expect(calls[2]).toMatch(/^cfn-signal --stack Stack --resource FleetGroup --region eu-west-1 --id i-0abc --exit-code 0 /);
  });

  test('installs the CloudWatch agent, writes the association\'s configuration and starts it, before the playbook runs', () => {
    const { status, agentCalls, scratch } = runStep({ InstallAnsible: 'True' }, true);

    expect(status).toBe(0);
    const conf = path.join(scratch, 'cwagent.json');
    expect(agentCalls.map(c => c.replace(/ \(in .*\)$/, ''))).toEqual([
      'rpm -q amazon-cloudwatch-agent', 'yum install -y amazon-cloudwatch-agent', `amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -c file:${conf} -s`,
    ]);
    expect(fs.readFileSync(conf, 'utf-8')).toBe(AGENT_CONFIG + '\n');
    const log = fs.readFileSync(path.join(scratch, 'provisioning.log'), 'utf-8');
    expect(log).toMatch(/^provisioning run started at /m);
    expect(log).toMatch(/^changed: .*cwagent\.json$/m);
  });

  test('uses the Ansible the image has, installing nothing', () => {
    const { status, calls } = runStep({ InstallAnsible: 'True' }, true);

    expect(status).toBe(0);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatch(/^ansible-playbook /);
    expect(calls[1]).toMatch(/^cfn-signal .* --exit-code 0 /);
  });

  test('a failed playbook run fails the step with its status and signals FAILURE naming the command', () => {
    const { status, calls } = runStep({ InstallAnsible: 'True' }, true, 2);

    expect(status).toBe(2);
    expect(calls[1]).toMatch(/^cfn-signal --stack Stack --resource FleetGroup --region eu-west-1 --id i-0abc --exit-code 1 --reason provisioning failed on i-0abc: 'ansible-playbook --inventory localhost, --connection local --extra-vars 'SSM=True' -v playbook.yml' exited with status 2 /);
  });

  test('fails with a clear message when the image has no Ansible and installAnsible is false', () => {
    const { status, stderr, calls } = runStep({ InstallAnsible: 'False' }, false);

    expect(status).toBe(1);
    expect(stderr).toContain('ansible-playbook is not on this image and installAnsible is false');
    expect(calls).toEqual([expect.stringMatching(/^cfn-signal --stack Stack --resource FleetGroup --region eu-west-1 --id i-0abc --exit-code 1 --reason provisioning failed on i-0abc: ansible-playbook is not on this image and installAnsible is false/)]);
  });
});
