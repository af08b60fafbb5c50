/**
 * End-to-end tests of `update`: one deployment of the app at version 1, held up by `deploy --hold`,
 * is updated to other templates of its stack while wrk loads its web server at concurrency 32
 * (from the deployment's own Internet namespace, from before the update starts until it ended). They need root on Linux and wrk, and skip (saying so) otherwise. Requests go into the
 * namespaces the tool created only; every loop is bounded.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HeldDeployment, leftoversAfter, readState, runTool, sleep, startHeld, stop, ToolRun } from './harness';
import { parseWrkOutput, wrkArgs, wrkScript } from '../../src/bench/wrk';
import { sendRequests } from '../../src/checks/http-requests';
import { DeploymentNames } from '../../src/runtime/naming';
import { APP_VERSIONS, editedFixture } from '../fixtures';
import { describeWhen, IS_ROOT } from '../machine-requirements';

const HAS_WRK = spawnSync('sh', ['-c', 'command -v wrk']).status === 0;
const describeAsRoot = describeWhen(IS_ROOT && HAS_WRK,
  'root on Linux (network namespaces, nftables) and wrk: run it as root, e.g. with sudo, after nlb-tiers-local preflight --install-packages');

const CONCURRENCY = 32;
/** The longest load: an update that runs longer is a hang (wrk stops there on its own). */
const MAX_LOAD_SECONDS = 600;

/** The load while an update ran. */
interface Load {
  readonly requests: number;
  /** Responses other than 200, and connect, read, write errors and timeouts. */
  readonly failed: number;
  readonly non2xx: number;
  readonly socketErrors: number;
  readonly seconds: number;
}

/**
 * Runs `update` while wrk loads the web server from the deployment's Internet namespace; wrk starts
 * before the update and is stopped (SIGINT: it reports what it measured) once the update ended.
 */
async function updateUnderLoad(held: HeldDeployment, assembly: string): Promise<{ update: ToolRun; load: Load; log: string }> {
  const endpoint = held.state.endpoints[0];
  const url = `http://${endpoint.elasticIp}:${endpoint.servedPort}/`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlb-tiers-update-load-'));
  const script = path.join(dir, 'wrk.lua');
  fs.writeFileSync(script, wrkScript(true));
  const internet = new DeploymentNames(held.state.id).internetNamespace;
  // `ip netns exec` execs wrk in place: the signal reaches wrk itself.
  const wrk = spawn('ip', ['netns', 'exec', internet, 'wrk',
    ...wrkArgs({ url, connections: CONCURRENCY, durationSeconds: MAX_LOAD_SECONDS, timeoutSeconds: 5, failures: true }, script)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  wrk.stdout!.on('data', d => (out += d));
  wrk.stderr!.on('data', d => (out += d));
  const ended = new Promise<void>(resolve => wrk.on('close', () => resolve()));
  try {
    await sleep(1000);
    const logFrom = held.output().length;
    const update = await runTool(['update', held.state.id, assembly, APP_VERSIONS.stack]);
    // What the holding process printed while it applied the update (launches, signals, health, besides the update's own lines).
    const log = held.output().slice(logFrom);
    await sleep(1000);
    wrk.kill('SIGINT');
    const killer = setTimeout(() => wrk.kill('SIGKILL'), 15_000);
    await ended;
    clearTimeout(killer);
    const report = parseWrkOutput(out, 100);
    const load = {
      requests: report.requests,
      failed: report.non2xx + report.socketErrors,
      non2xx: report.non2xx,
      socketErrors: report.socketErrors,
      seconds: report.durationSeconds,
    };
    const kinds = Object.entries(report.socketErrorKinds).map(([k, n]) => `${n} ${k}`).join(', ');
    // eslint-disable-next-line no-console
    console.log(`update to ${path.basename(assembly)} under wrk -c ${CONCURRENCY}: ${load.requests} requests in ${load.seconds.toFixed(1)}s, `
      + `${load.failed} failed (${load.non2xx} non-200 ${JSON.stringify(report.failedStatuses)}, ${load.socketErrors} socket errors: ${kinds}); `
      + `latency p99 ${report.p99Ms.toFixed(0)} ms, max ${report.maxLatencyMs.toFixed(0)} ms`
      + (load.failed > 0 ? `\n${failureWindow(held, report.firstFailureAt, report.lastFailureAt, log)}` : ''));
    return { update, load, log };
  } finally {
    if (wrk.exitCode === null) wrk.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What the deployment logged around failed requests, for a reader of a failed run: the holding
 * process's lines, the web servers' httpd error log and the app servers' uWSGI log (reloads and errors).
 */
function failureWindow(held: HeldDeployment, firstFailureAt: number, lastFailureAt: number, holdLog: string): string {
  const names = new DeploymentNames(held.state.id);
  const hosts = readState(held.state.id)?.hosts ?? held.state.hosts;
  const tail = (file: string, pattern: RegExp) => {
    try {
      return fs.readFileSync(file, 'latin1').split('\n').filter(l => pattern.test(l)).slice(-40).join('\n');
    } catch {
      return `(${file}: not readable)`;
    }
  };
  const at = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : 'none');
  return [
    `first failed response at ${at(firstFailureAt)}, last at ${at(lastFailureAt)} (socket errors carry no time)`,
    '--- the holding process', holdLog.trim().split('\n').slice(-60).join('\n'),
    ...hosts.filter(h => /^web\d+$/.test(h.name)).flatMap(h => [`--- ${h.name}: httpd error_log`,
      tail(path.join(names.hostDir(h.name), 'fs', 'var', 'upper', 'log', 'httpd', 'error_log'), /\S/)]),
    ...hosts.filter(h => /^app\d+$/.test(h.name)).flatMap(h => [`--- ${h.name}: uWSGI log (reloads, spawns, errors)`,
      tail(path.join(names.hostDir(h.name), 'fs', 'var', 'upper', 'log', 'nlb-tiers', 'uwsgi.log'), /killing|buried|reload|spawned|error|OOPS|HTTP\/1\.\d [45]|listen|socket/i)]),
  ].join('\n');
}

/** The answers of 48 requests through the web server (each on a new connection, so that every instance answers). */
async function answers(held: HeldDeployment): Promise<string[]> {
  const summary = await sendRequests(held.state.endpoints[0].url, 48, 5000);
  expect(summary.errors).toBe(0);
  return summary.results.map(r => r.body);
}

/** The lines of `log` that match `patterns`, each the first after the one before (an empty string for one missing): in order, they equal the patterns' own. */
function inOrder(log: string, patterns: string[]): string[] {
  const lines = log.split('\n');
  let from = 0;
  return patterns.map(p => {
    const i = lines.findIndex((line, n) => n >= from && line.includes(p));
    if (i < 0) return '';
    from = i + 1;
    return p;
  });
}

function instanceIdOf(held: HeldDeployment, host: string): string {
  return held.state.hosts.find(h => h.name === host)!.instanceId;
}

/** The instances of the app fleet's group in the deployment's current state. */
function groupHosts(held: HeldDeployment) {
  return readState(held.state.id)!.hosts.filter(h => /^app\d+$/.test(h.name));
}

/**
 * A template edit: a new launch template (another instance type), and the capacity and UpdatePolicy the
 * fleet declares for `desired` instances (MaxSize one above, MinInstancesInService = DesiredCapacity).
 */
function withNewLaunchTemplate(desired: number): (template: any) => void {
  return t => {
    const launchTemplate: any = Object.values(t.Resources).find((r: any) => r.Type === 'AWS::EC2::LaunchTemplate');
    launchTemplate.Properties.LaunchTemplateData.InstanceType = 't4g.small';
    const group: any = Object.values(t.Resources).find((r: any) => r.Type === 'AWS::AutoScaling::AutoScalingGroup');
    Object.assign(group.Properties, { DesiredCapacity: String(desired), MaxSize: String(desired + 1) });
    group.UpdatePolicy.AutoScalingRollingUpdate.MinInstancesInService = desired;
  };
}

describeAsRoot('update of a deployment held up by deploy --hold', () => {
  let held: HeldDeployment;

  beforeAll(async () => {
    held = await startHeld(APP_VERSIONS.v1, APP_VERSIONS.stack);
  }, 900_000);

  afterAll(async () => {
    if (!held) return;
    expect(await stop(held.child)).toBe(130);
    expect(await leftoversAfter(held.state)).toEqual([]);
  }, 120_000);

  test('a change it cannot apply (a security group rule) is listed with exit 7, and nothing changes, not even the new launch template', async () => {
    const topology = fs.readFileSync(new DeploymentNames(held.state.id).topologyFile, 'utf-8');
    const dir = editedFixture({ dir: APP_VERSIONS.v2, stack: APP_VERSIONS.stack }, t => {
      const launchTemplate: any = Object.values(t.Resources).find((r: any) => r.Type === 'AWS::EC2::LaunchTemplate');
      launchTemplate.Properties.LaunchTemplateData.InstanceType = 't4g.small';
      const ingress: any = Object.values(t.Resources).find((r: any) => r.Type === 'AWS::EC2::SecurityGroupIngress');
      ingress.Properties.FromPort = 1;
    });

    const { code, output } = await runTool(['update', held.state.id, dir, APP_VERSIONS.stack]);
    fs.rmSync(dir, { recursive: true, force: true });

    // The launch template alone would be applied (a rolling replacement): only the rule is listed.
    expect(output).toMatch(/The update cannot be applied to the running deployment; nothing was changed:\n {2}- security group \w+: it changed(?!\n {2}- )/);
    expect(output).not.toMatch(/running AppFleetProvisioning|: launching app\d/);
    expect(code).toBe(7);
    expect(fs.readFileSync(new DeploymentNames(held.state.id).topologyFile, 'utf-8')).toBe(topology);
    expect(new Set(await answers(held))).toEqual(new Set(['app1', 'app2'].map(h => `${instanceIdOf(held, h)} version 1`)));
  }, 300_000);

  test('a new app version rolls out one instance at a time under load with 0 failed requests; then every instance answers with it', async () => {
    const { update, load } = await updateUnderLoad(held, APP_VERSIONS.v2);

    expect(update.output).toMatch(/association AppFleetProvisioning\w+ \(\S+\): parameters or assets changed; runs again on app1, app2, MaxConcurrency 1, MaxErrors 0/);
    // One at a time: app2 starts once app1 ended, with its reload.
    expect(update.output).toMatch(/ {2}app1 \(i-[0-9a-f]{17}\): running AppFleetProvisioning\w+\n(?:.*\n)* {2}app1: succeeded; Ansible changed: [^\n]*; systemctl: reload uwsgi(?:\.service)?\n(?:.*\n)* {2}app2 \(i-[0-9a-f]{17}\): running/);
    expect(update.code).toBe(0);
    expect(load.requests).toBeGreaterThan(0);
    expect(load.failed).toBe(0);
    expect(new Set(await answers(held))).toEqual(new Set(['app1', 'app2'].map(h => `${instanceIdOf(held, h)} version 2`)));
  }, 900_000);

  test('a new version whose playbook fails stops after the first instance, exits 6 naming it and the task; the others keep the version they had', async () => {
    const { update, load } = await updateUnderLoad(held, APP_VERSIONS.v3Failing);

    expect(update.output).toMatch(/The update failed and was rolled back: association AppFleetProvisioning\w+ failed on app1 \((i-[0-9a-f]{17})\); it did not run on app2, which kept the version they had/);
    expect(update.output).toMatch(/Provisioning failed on app1 \(i-[0-9a-f]{17}\):\n(?:.*\n)* {2}failed task: Install uWSGI and Flask, pinned, into a virtualenv: /);
    expect(update.output).not.toMatch(/app2 \(i-[0-9a-f]{17}\): running/);
    expect(update.code).toBe(6);
    // Every failed request is counted (and reported above): the failed playbook stopped before the app changed.
    expect(load.requests).toBeGreaterThan(0);
    expect(load.failed).toBe(0);
    expect(new Set(await answers(held))).toEqual(new Set(['app1', 'app2'].map(h => `${instanceIdOf(held, h)} version 2`)));
  }, 900_000);

  test('a new launch template and UpdatePolicy replace the instances one at a time under load with 0 failed requests; then every instance is new and answers', async () => {
    const before = groupHosts(held);
    expect(before.map(h => h.name)).toEqual(['app1', 'app2']);
    const dir = editedFixture({ dir: APP_VERSIONS.v2, stack: APP_VERSIONS.stack }, withNewLaunchTemplate(2));

    const { update, load, log } = await updateUnderLoad(held, dir);
    fs.rmSync(dir, { recursive: true, force: true });

    expect(update.output).toMatch(/AppFleetASG\w+: its launch template changed; its UpdatePolicy replaces app1, app2\n/);
    expect(update.output).toMatch(/AppFleetASG\w+: replacing app1, app2 in 2 batches of at most 1, at least 2 in service, each new instance signalling within/);
    // One at a time: each old instance is terminated only after its replacement signalled, in turn.
    expect(update.output).toMatch(/AppFleetASG\w+: app1, app2 replaced by app3, app4/);
    expect(update.code).toBe(0);
    const signalThenTerminate = [1, 2].flatMap(i => [`app${i + 2}   signalled SUCCESS`, `terminating app${i}, replaced by the new launch template`]);
    expect(inOrder(log, signalThenTerminate)).toEqual(signalThenTerminate);
    expect(load.requests).toBeGreaterThan(0);
    expect(load.failed).toBe(0);
    const after = groupHosts(held);
    expect(after.map(h => h.name)).toEqual(['app3', 'app4']);
    expect(after.filter(h => before.some(b => b.instanceId === h.instanceId))).toEqual([]);
    const bodies = new Set(await answers(held));
    expect(bodies).toEqual(new Set(after.map(h => `${h.instanceId} version 2`)));
  }, 900_000);

  test('a new DesiredCapacity scales the group out 2 -> 4 under load with 0 failed requests; the new instances serve the running version', async () => {
    // The same launch template as the replacement left, the capacity and UpdatePolicy the fleet declares for 4 instances:
    // the stable addresses of the running instances and the balancer map this template back to them.
    const dir = editedFixture({ dir: APP_VERSIONS.v2, stack: APP_VERSIONS.stack }, withNewLaunchTemplate(4));

    const { update, load, log } = await updateUnderLoad(held, dir);
    fs.rmSync(dir, { recursive: true, force: true });

    expect(update.output).toMatch(/AppFleetASG\w+: DesiredCapacity 2 -> 4 \(scale-out\)/);
    expect(update.output).toMatch(/AppFleetASG\w+: scaling out from 2 to 4/);
    expect(update.output).not.toMatch(/its launch template changed/);
    // Both launched at once; each in service (its target healthy: the balancer sends it requests) once provisioned.
    const launchedThenServing = ['launching app5 (', 'launching app6 (', `: app5 (${readState(held.state.id)!.hosts.find(h => h.name === 'app5')?.instanceId}) in service`];
    expect(inOrder(log, launchedThenServing)).toEqual(launchedThenServing);
    expect(log).toMatch(/: app6 \(i-[0-9a-f]{17}\) in service/);
    expect(update.code).toBe(0);
    expect(load.requests).toBeGreaterThan(0);
    expect(load.failed).toBe(0);
    expect(groupHosts(held).map(h => h.name)).toEqual(['app3', 'app4', 'app5', 'app6']);
    const bodies = await answers(held);
    expect(new Set(bodies.map(b => b.replace(/^i-[0-9a-f]{17} /, '')))).toEqual(new Set(['version 2']));
    expect(new Set(bodies).size).toBe(4);
  }, 900_000);
});
