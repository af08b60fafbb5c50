import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseCfnSignalArgs, ResourceSignalError, ResourceSignals } from '../../src/deploy/resource-signals';
import { ExitCode } from '../../src/errors';
import { mapStack } from '../../src/model/map-stack';
import { Topology } from '../../src/model/topology';
import { SHIMS_DIR } from '../../src/paths';
import { CFN_SIGNAL_SOCKET, ControlServer } from '../../src/runtime/control-server';
import { readStack, REFERENCE } from '../fixtures';
import { describeWhen } from '../machine-requirements';

const topology: Topology = mapStack(readStack(REFERENCE));
const web = topology.hosts.find(h => h.name === 'web1')!;
const [app1, app2] = topology.hosts.filter(h => h.name.startsWith('app'));
const group = app1.logicalId;
const STACK = ['--stack', topology.stackName, '--region', topology.region];

describe('parseCfnSignalArgs', () => {
  test.each([
    [['--stack', 'S', '--resource', 'R', '-e', '0'], { stack: 'S', resource: 'R', success: true }],
    [['--stack=S', '--resource=R', '--exit-code', '2', '--reason', 'it broke'], { stack: 'S', resource: 'R', success: false, reason: 'it broke' }],
    [['-s', 'false', '--stack', 'S', '--resource', 'R', '-i', 'i-1'], { success: false, id: 'i-1' }],
    // --exit-code decides, and --success is then ignored.
    [['-s', 'false', '-e', '0', '--stack', 'S', '--resource', 'R'], { success: true }],
    [['--stack', 'S', '--resource', 'R'], { success: true }],
  ])('%j', (argv, expected) => {
    expect(parseCfnSignalArgs(argv)).toMatchObject(expected);
  });

  test.each([
    [['--stack'], '--stack needs a value'],
    [['--wait-condition', 'x'], 'unknown argument --wait-condition'],
    [['-e', 'zero'], '--exit-code zero: expected a whole number'],
  ])('fails on %j', (argv, message) => {
    expect(() => parseCfnSignalArgs(argv)).toThrow(message);
  });
});

describe('ResourceSignals', () => {
  test('the reference architecture waits for its web server\'s one signal and its group\'s two, within each CreationPolicy\'s timeout', () => {
    expect(topology.signals).toEqual([
      { logicalId: group, count: 2, timeoutSeconds: 2400, hosts: ['app1', 'app2'] },
      { logicalId: web.logicalId, count: 1, timeoutSeconds: 2400, hosts: ['web1'] },
    ]);
  });

  test('completes once every resource has its count of SUCCESS signals, counted by unique id', async () => {
    const signals = new ResourceSignals(topology, () => undefined);
    const done = signals.wait(1);

    expect(signals.receive(app1, [...STACK, '--resource', group, '-e', '0', '--id', app1.instanceId]).exitCode).toBe(0);
    // The same instance again counts once.
    signals.receive(app1, [...STACK, '--resource', group, '-e', '0', '--id', app1.instanceId]);
    signals.receive(web, [...STACK, '--resource', web.logicalId, '-e', '0']);
    expect(signals.describe()).toEqual([
      `  ${group}: 1 of 2 SUCCESS signals (app1 SUCCESS, app1 SUCCESS)`,
      `  ${web.logicalId}: 1 of 1 SUCCESS signals (web1 SUCCESS)`,
    ]);
    signals.receive(app2, [...STACK, '--resource', group, '-e', '0', '--id', app2.instanceId]);

    await expect(done).resolves.toBeUndefined();
    // A complete resource takes no more signals, as CloudFormation refuses them.
    expect(signals.receive(app2, [...STACK, '--resource', group, '-e', '0'])).toMatchObject({
      exitCode: 1, stderr: `ValidationError: Resource ${group} is in CREATE_COMPLETE state and cannot be signaled\n`,
    });
  });

  test('fails at the first FAILURE signal, naming the resource, the host, its instance and the reason', async () => {
    const signals = new ResourceSignals(topology, () => undefined);
    const done = signals.wait(1);

    signals.receive(app2, [...STACK, '--resource', group, '-e', '1', '--reason', 'the app does not answer']);

    const error = await done.catch(e => e);
    expect(error).toBeInstanceOf(ResourceSignalError);
    expect(error.exitCode).toBe(ExitCode.DEPLOY_FAILED);
    expect(error.message).toBe(`${group} received a FAILURE signal from app2 (${app2.instanceId}): the app does not answer`);
    expect(signals.failure).toBe(error);
  });

  test('fails when the scaled timeout passes first, naming the instances that did not signal', async () => {
    // 2400 s x 0.00005 = 0.12 s.
    const signals = new ResourceSignals(topology, () => undefined);
    const done = signals.wait(0.00005);
    signals.receive(app1, [...STACK, '--resource', group, '-e', '0']);
    signals.receive(web, [...STACK, '--resource', web.logicalId, '-e', '0']);

    await expect(done).rejects.toThrow(`${group} received 1 of 2 SUCCESS signals within 0.1s (its CreationPolicy's 2400s, x0.00005 locally); no signal from app2 (${app2.instanceId})`);
  });

  test('takes a complete group\'s signals again during its rolling update, and not after it', async () => {
    const signals = new ResourceSignals(topology, () => undefined);
    const created = signals.wait(1);
    for (const h of [app1, app2]) signals.receive(h, [...STACK, '--resource', group, '-e', '0']);
    signals.receive(web, [...STACK, '--resource', web.logicalId, '-e', '0']);
    await created;

    signals.beginUpdate(group);
    const waited = signals.waitForUpdateSignals(group, ['app3', 'app4'], Date.now() + 60_000);
    const app3 = { ...app1, name: 'app3', instanceId: 'i-3' };
    const app4 = { ...app2, name: 'app4', instanceId: 'i-4' };
    expect(signals.receive(app3, [...STACK, '--resource', group, '-e', '0']).exitCode).toBe(0);
    expect(signals.receive(app4, [...STACK, '--resource', group, '-e', '1', '--reason', 'no answer']).exitCode).toBe(0);
    const got = await waited;
    expect(got.get('app3')).toMatchObject({ status: 'SUCCESS', uniqueId: 'i-3', update: true });
    expect(got.get('app4')).toMatchObject({ status: 'FAILURE', reason: 'no answer' });
    signals.endUpdate(group);

    expect(signals.receive(app3, [...STACK, '--resource', group, '-e', '0']).stderr).toMatch(/CREATE_COMPLETE state and cannot be signaled/);
    // Update signals do not count toward the CreationPolicy.
    expect(signals.describe()[0]).toMatch(/2 of 2 SUCCESS signals/);
  });

  test('a rolling update\'s wait ends at its deadline with no signal for a silent instance', async () => {
    const signals = new ResourceSignals(topology, () => undefined);
    signals.beginUpdate(group);
    const got = await signals.waitForUpdateSignals(group, ['app3'], Date.now() + 50);
    expect(got.get('app3')).toBeUndefined();
  });

  test.each([
    [['--stack', 'OtherStack', '--resource', 'X', '-e', '0'], /^ValidationError: Stack with id OtherStack does not exist/],
    [['--stack', topology.stackName, '--region', 'eu-west-1', '--resource', 'X', '-e', '0'], /^ValidationError: Stack with id .* does not exist \(in eu-west-1/],
    [[...STACK, '--resource', 'NoSuchResource', '-e', '0'], /^ValidationError: Resource NoSuchResource of stack .* has no CreationPolicy waiting for signals/],
    [[...STACK, '-e', '0'], /^cfn-signal: --stack and --resource are required/],
    [[...STACK, '--resource'], /^cfn-signal: --resource needs a value/],
  ])('refuses %j as CloudFormation would, counting nothing', (argv, message) => {
    const signals = new ResourceSignals(topology, () => undefined);

    const answer = signals.receive(web, argv);

    expect(answer.exitCode).toBe(1);
    expect(answer.stderr).toMatch(message);
    expect(signals.received).toEqual([]);
  });
});

describeWhen(fs.existsSync('/usr/bin/python3'), '/usr/bin/python3 (Debian package python3)')('the cfn-signal shim', () => {
  const shim = path.join(SHIMS_DIR, 'usr', 'lib', 'nlb-tiers-local', 'packages', 'aws-cfn-bootstrap', 'root', 'opt', 'aws', 'bin', 'cfn-signal');

  /** Runs the shim as a host's provisioning script would, against a control folder of its own. */
  function cfnSignal(controlDir: string, argv: string[]): Promise<{ status: number | null; stderr: string }> {
    return new Promise(resolve => {
      const child = spawn(shim, argv, { env: { PATH: '/usr/bin:/bin', NLBT_CONTROL_DIR: controlDir, PYTHONPATH: path.join(SHIMS_DIR, 'usr', 'lib', 'nlb-tiers-local') } });
      let stderr = '';
      child.stderr.on('data', d => stderr += d);
      child.on('exit', status => resolve({ status, stderr }));
    });
  }

  test('hands its arguments to the deployment, which counts the signal, and exits with the answer', async () => {
    const controlDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbt-control-'));
    const signals = new ResourceSignals(topology, () => undefined);
    const server = new ControlServer(path.join(controlDir, CFN_SIGNAL_SOCKET), 'cfn-signal', async argv => signals.receive(web, argv), e => { throw e; });
    await server.listen();
    try {
      expect(await cfnSignal(controlDir, [...STACK, '--resource', web.logicalId, '--exit-code', '1', '--reason', 'httpd has no proxy_uwsgi_module'])).toEqual({ status: 0, stderr: '' });
      expect(signals.received).toEqual([{ resource: web.logicalId, host: 'web1', uniqueId: web.instanceId, status: 'FAILURE', reason: 'httpd has no proxy_uwsgi_module' }]);
      expect(await cfnSignal(controlDir, [...STACK, '--resource', web.logicalId, '-e', '0'])).toEqual({
        status: 1, stderr: `ValidationError: Resource ${web.logicalId} is in CREATE_FAILED state and cannot be signaled\n`,
      });
    } finally {
      await server.close();
    }
  });

  test('fails, saying so, where no deployment listens', async () => {
    const controlDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbt-control-'));

    const { status, stderr } = await cfnSignal(controlDir, [...STACK, '--resource', web.logicalId, '-e', '0']);

    expect(status).toBe(1);
    expect(stderr).toMatch(/^cfn-signal: cannot reach CloudFormation \(.*cfn-signal\.sock: /);
  });
});
