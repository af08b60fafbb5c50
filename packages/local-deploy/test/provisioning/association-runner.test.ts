import { mapStack } from '../../src/model/map-stack';
import { DownloadContentStep, RunShellScriptStep } from '../../src/model/ssm-documents';
import { downloadDestination, folderName, orchestrationFolder, shellInvocation, stepExitCode } from '../../src/provisioning/association-runner';
import { ProvisioningTarget } from '../../src/provisioning/target';
import { readStack, REFERENCE } from '../fixtures';

const topology = mapStack(readStack(REFERENCE));
const app1 = topology.hosts.find(h => h.name === 'app1')!;
const [download, run] = app1.associations[0].steps as [DownloadContentStep, RunShellScriptStep];

/** A host whose command lines show where they would enter it. */
const target: ProvisioningTarget = {
  host: app1,
  hostDir: '/run/nlb-tiers-local/test/app1',
  enter: (argv, workingDirectory) => ['enter', `--wd=${workingDirectory}`, '--', ...argv],
  path: inHost => `/proc/1/root${inHost}`,
};
const COMMAND_ID = '6f1f6c8e-7d3a-4b8e-9f51-0a1b2c3d4e5f';

describe('how the association runner runs a document\'s steps', () => {
  test('each step runs in its own orchestration folder, named as SSM Agent names it', () => {
    expect(folderName('0.aws:runShellScript')).toBe('0.awsrunShellScript');
    expect(orchestrationFolder(app1.instanceId, COMMAND_ID, '0.aws:runShellScript'))
      .toBe(`/var/lib/amazon/ssm/${app1.instanceId}/document/orchestration/${COMMAND_ID}/0.awsrunShellScript`);
  });

  test('a shell step without workingDirectory runs its script by bash in the orchestration folder, with the step\'s timeout', () => {
    const orchestration = orchestrationFolder(app1.instanceId, COMMAND_ID, run.name);
    expect(run.workingDirectory).toBe('');
    const i = shellInvocation(target, run, orchestration, { region: topology.region });
    expect(i.script).toBe(`${orchestration}/_script.sh`);
    expect(i.argv).toEqual(['enter', `--wd=${orchestration}`, '--', '/bin/bash', '-c', i.script]);
    expect(i.timeoutMs).toBe(run.timeoutSeconds * 1000);
  });

  test('a workingDirectory is where the script runs', () => {
    const i = shellInvocation(target, { ...run, workingDirectory: '/opt/app' }, '/var/lib/amazon/ssm/x', { region: topology.region });
    expect(i.argv.slice(0, 2)).toEqual(['enter', '--wd=/opt/app']);
  });

  test('the environment is the agent\'s, with the instance and region, and the tool\'s additions on top', () => {
    const i = shellInvocation(target, run, '/o', { region: 'eu-west-1', environment: { ANSIBLE_PIPELINING: 'True', LANG: 'C' } });
    expect(i.env).toEqual({
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      LANG: 'C',
      AWS_SSM_INSTANCE_ID: app1.instanceId,
      AWS_SSM_REGION_NAME: 'eu-west-1',
      BASH_ENV: '/o/.nlb-tiers-errtrap.sh',
      ANSIBLE_PIPELINING: 'True',
    });
    expect(i.env).not.toHaveProperty('HOME');
  });

  test('exit codes: the process\'s own, 124 after the timeout killed it, 128 + the signal otherwise', () => {
    expect(stepExitCode(0, null, false)).toBe(0);
    expect(stepExitCode(2, null, false)).toBe(2);
    expect(stepExitCode(null, 'SIGKILL', true)).toBe(124);
    expect(stepExitCode(null, 'SIGTERM', false)).toBe(143);
    expect(stepExitCode(null, 'SIGKILL', false)).toBe(137);
  });

  test('downloadContent: the fleet\'s playbook goes to its destinationPath, a file', () => {
    const orchestration = orchestrationFolder(app1.instanceId, COMMAND_ID, download.name);
    expect(downloadDestination(download, orchestration, () => false)).toBe('/var/lib/nlb-tiers/playbook.zip');
  });

  test('downloadContent: an existing folder receives the object under its own name; a relative path is in the orchestration folder', () => {
    const step = { sourcePath: 'https://s3.amazonaws.com/bucket/abc.zip', destinationPath: '' };
    const isFolder = (p: string) => ['/o', '/o/dir', '/srv'].includes(p);
    expect(downloadDestination(step, '/o', isFolder)).toBe('/o/abc.zip');
    expect(downloadDestination({ ...step, destinationPath: 'dir' }, '/o', isFolder)).toBe('/o/dir/abc.zip');
    expect(downloadDestination({ ...step, destinationPath: 'file.zip' }, '/o', isFolder)).toBe('/o/file.zip');
    expect(downloadDestination({ ...step, destinationPath: '/srv' }, '/o', isFolder)).toBe('/srv/abc.zip');
    expect(downloadDestination({ ...step, destinationPath: '../up.zip' }, '/o/x', isFolder)).toBe('/o/up.zip');
  });
});
