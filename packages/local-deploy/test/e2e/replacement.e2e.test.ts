/**
 * End-to-end test of Auto Scaling's replacement of unhealthy instances, under load: an app host
 * whose machine dies, and an app that dies for good, are each replaced by a new instance, which is
 * provisioned and then serves. One held deployment of the example app (2 app hosts) serves both
 * cases; wrk loads it through the web server at concurrency 32 throughout. Needs root on Linux and
 * skips (saying so) otherwise. Requests go to 127.0.0.1 or into the namespaces the tool created;
 * every loop is bounded in count and time.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HeldDeployment, leftoversAfter, readState, startHeld, stop } from './harness';
import { CLOCK_TICKS } from '../../src/bench/cpu';
import { parseWrkOutput, WrkReport, wrkArgs, wrkScript, wrkShellCommand } from '../../src/bench/wrk';
import { get } from '../../src/checks/http-requests';
import { mapStack } from '../../src/model/map-stack';
import { NAMESPACE_PREFIX } from '../../src/runtime/naming';
import { readStack, REFERENCE } from '../fixtures';
import { describeWhen, IS_ROOT } from '../machine-requirements';

const FIXTURE = mapStack(readStack(REFERENCE));
const GROUP = FIXTURE.groups.find(g => g.role === 'app')!;
/**
 * Health checks every 5 s x0.05 (250 ms); the group's grace period, 2400 s, becomes 120 s and the
 * CreationPolicy's timeout the same: ample for provisioning three hosts on 2 shared cores.
 */
const TIME_SCALE = 0.05;
const CONCURRENCY = 32;
/** Each wrk run lasts this long; runs follow each other until the replacement serves, and one more. */
const RUN_SECONDS = 3;
/** The most a case may take; far above what it needs (a hang ends here, not the test's time). */
const CASE_BOUND_MS = 600_000;

const describeAsRoot = describeWhen(IS_ROOT, 'root on Linux (network namespaces, nftables): run it as root, e.g. with sudo');

/** One wrk run through the web server's Elastic IP, from the deployment's Internet namespace. */
function wrkRun(held: HeldDeployment, script: string): Promise<WrkReport & { startedAt: number }> {
  const endpoint = held.state.endpoints[0];
  const url = `http://${endpoint.elasticIp}:${endpoint.servedPort}/`;
  const args = wrkArgs({ url, connections: CONCURRENCY, durationSeconds: RUN_SECONDS, timeoutSeconds: 5, failures: true }, script);
  const startedAt = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', `${NAMESPACE_PREFIX}${held.state.id}-internet`, ...wrkShellCommand(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_SECONDS * 1000 + 20_000);
    child.on('close', code => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`wrk exited with ${code}:\n${out}`));
      else resolve({ ...parseWrkOutput(out, CLOCK_TICKS), startedAt });
    });
  });
}

/** What a case measured. */
interface CaseResult {
  readonly requests: number;
  readonly failed: number;
  /** From the failure until the last failed request. */
  readonly secondsUntilNoneFail: number;
  /** The replacement's name and instance id, and when the tool said it was in service. */
  readonly replacement: { host: string; instanceId: string; inServiceAt: number };
  /** From the failure until the tool said the replacement was in service (seen at the end of a wrk run). */
  readonly secondsUntilInService: number;
}

/**
 * Loads the deployment with wrk runs, one after another, while `fail` breaks `host`, until the tool
 * says that a replacement of `host` is in service and a whole run after that has passed.
 */
async function underLoad(held: HeldDeployment, host: string, fail: () => void): Promise<CaseResult> {
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nlbt-wrk-')), 'failures.lua');
  fs.writeFileSync(script, wrkScript(true));
  const replaced = new RegExp(`: ${host} replaced by (\\w+) \\((i-[0-9a-f]{17})\\), in service`);
  const runs: Array<WrkReport & { startedAt: number }> = [await wrkRun(held, script)];
  const failedAt = Date.now();
  fail();
  let replacement: CaseResult['replacement'] | undefined;
  const deadline = failedAt + CASE_BOUND_MS;
  while (Date.now() < deadline) {
    const run = await wrkRun(held, script);
    runs.push(run);
    const m = replaced.exec(held.output());
    if (m && !replacement) replacement = { host: m[1], instanceId: m[2], inServiceAt: Date.now() };
    // A run that started after the replacement was in service ends the case.
    if (replacement && run.startedAt > replacement.inServiceAt) break;
  }
  fs.rmSync(path.dirname(script), { recursive: true, force: true });
  if (!replacement) throw new Error(`no replacement of ${host} was in service within ${CASE_BOUND_MS / 1000}s:\n${held.output().slice(-4000)}`);
  const lastFailure = Math.max(0, ...runs.map(r => r.lastFailureAt));
  const result = {
    requests: runs.reduce((n, r) => n + r.requests, 0),
    failed: runs.reduce((n, r) => n + r.non2xx + r.socketErrors, 0),
    secondsUntilNoneFail: lastFailure > failedAt ? (lastFailure - failedAt) / 1000 : 0,
    replacement,
    secondsUntilInService: (replacement.inServiceAt - failedAt) / 1000,
  };
  expect(runs[0].non2xx + runs[0].socketErrors).toBe(0);
  // The last run began once the replacement was in service: nothing failed in it.
  const last = runs[runs.length - 1];
  expect(last.non2xx + last.socketErrors).toBe(0);
  return result;
}

/** The instance ids that answer through the published web server (24 requests). */
/** The instance ids that answer (the default app answers `<instance id> version <n>`). */
async function answering(held: HeldDeployment): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let i = 0; i < 24; i++) {
    const r = await get(held.state.endpoints[0].url, 5000);
    if (r.status === 200) ids.add(r.body.trim().split(' ')[0]);
  }
  return ids;
}

function namespaces(): string[] {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf-8' }).stdout.split('\n').map(l => l.split(' ')[0]).filter(Boolean);
}

describeAsRoot('Auto Scaling replaces an unhealthy instance, under load', () => {
  let held: HeldDeployment;

  beforeAll(async () => {
    held = await startHeld(REFERENCE.dir, REFERENCE.stack, ['--health-check-time-scale', String(TIME_SCALE)]);
  }, 900_000);

  afterAll(async () => {
    if (!held) return;
    const state = readState(held.state.id) ?? held.state;
    await stop(held.child);
    expect(await leftoversAfter(state)).toEqual([]);
  }, 120_000);

  test('an app host whose machine dies (its init killed) is replaced in its zone; the replacement serves and failures stop', async () => {
    const state = readState(held.state.id)!;
    const app1 = state.hosts.find(h => h.name === 'app1')!;

    const r = await underLoad(held, 'app1', () => process.kill(app1.initPid!, 'SIGKILL'));

    console.log(`kill of app1's init under wrk -c ${CONCURRENCY}: ${r.failed} of ${r.requests} requests failed, `
      + `the last ${r.secondsUntilNoneFail.toFixed(2)} s after the kill; ${r.replacement.host} in service after at most ${r.secondsUntilInService.toFixed(1)} s`);
    expect(held.output()).toMatch(new RegExp(`${GROUP.logicalId}: terminating app1 \\(${app1.instanceId}\\) and launching a replacement: EC2 status checks: its machine is down`));
    // Auto Scaling keeps the zones balanced: the replacement goes to the zone app1 leaves.
    const zone = FIXTURE.hosts.find(h => h.name === 'app1')!.metadata.availabilityZone;
    expect(held.output()).toMatch(new RegExp(`launching ${r.replacement.host} \\(${r.replacement.instanceId}\\) at [\\d.]+ in \\w+ \\(${zone}\\)`));
    const after = readState(held.state.id)!;
    expect(after.hosts.map(h => h.name)).toEqual(expect.arrayContaining(['app2', r.replacement.host]));
    expect(after.hosts.map(h => h.name)).not.toContain('app1');
    expect(namespaces()).not.toContain(app1.namespace);
    expect(fs.existsSync(`/etc/netns/${app1.namespace}`)).toBe(false);
    const replacement = after.hosts.find(h => h.name === r.replacement.host)!;
    expect(after.namespaces).toContain(replacement.namespace);
    expect(await answering(held)).toEqual(new Set([after.hosts.find(h => h.name === 'app2')!.instanceId, r.replacement.instanceId]));
  }, CASE_BOUND_MS + 120_000);

  test('an app that dies for good (uWSGI stopped) is replaced once its target is unhealthy past the grace period; the replacement serves', async () => {
    const state = readState(held.state.id)!;
    const app2 = state.hosts.find(h => h.name === 'app2')!;

    const r = await underLoad(held, 'app2', () => {
      const stopped = spawnSync('nsenter', [`--target=${app2.initPid}`, '--mount', '--net', '--uts', '--', 'systemctl', 'stop', 'uwsgi'], { encoding: 'utf-8', timeout: 30_000 });
      expect(stopped.status).toBe(0);
    });

    console.log(`uWSGI of app2 stopped for good under wrk -c ${CONCURRENCY}: ${r.failed} of ${r.requests} requests failed, `
      + `the last ${r.secondsUntilNoneFail.toFixed(2)} s after the stop; ${r.replacement.host} in service after at most ${r.secondsUntilInService.toFixed(1)} s`);
    expect(held.output()).toMatch(new RegExp(`terminating app2 \\(${app2.instanceId}\\) and launching a replacement: ELB health checks: its target is unhealthy`));
    const after = readState(held.state.id)!;
    expect(after.hosts.map(h => h.name)).not.toContain('app2');
    expect(namespaces()).not.toContain(app2.namespace);
    const ids = await answering(held);
    expect(ids).toContain(r.replacement.instanceId);
    expect(ids).not.toContain(app2.instanceId);
  }, CASE_BOUND_MS + 120_000);
});
