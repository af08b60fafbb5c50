/**
 * End-to-end test of Auto Scaling's replacement of unhealthy instances, under load: an app host
 * whose machine dies, and an app that dies for good, are each replaced by a new instance, which is
 * provisioned and then serves. One held deployment of the example app (2 app hosts) serves both
 * cases; wrk loads it through the web server at concurrency 32 throughout. Needs root on Linux and
 * skips (saying so) otherwise. Requests go to 127.0.0.1 or into the namespaces the tool created;
 * every loop is bounded in count and time.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { HeldDeployment, readState, startHeld, stopHeld } from './harness';
import { CASE_BOUND_MS, CONCURRENCY, underLoad } from './under-load';
import { mapStack } from '../../src/model/map-stack';
import { get } from '../../src/runtime/http-client';
import { readStack, REFERENCE } from '../fixtures';
import { describeWhen, IS_ROOT } from '../machine-requirements';

const FIXTURE = mapStack(readStack(REFERENCE));
const GROUP = FIXTURE.groups.find(g => g.role === 'app')!;
/**
 * Health checks every 5 s x0.05 (250 ms); the group's grace period, 2400 s, becomes 120 s and the
 * CreationPolicy's timeout the same: ample for provisioning three hosts on 2 shared cores.
 */
const TIME_SCALE = 0.05;

const describeAsRoot = describeWhen(IS_ROOT, 'root on Linux (network namespaces, nftables): run it as root, e.g. with sudo');

/** The web server's Elastic IP, which wrk loads from the Internet namespace. */
function elasticIpUrl(held: HeldDeployment): string {
  const endpoint = held.state.endpoints[0];
  return `http://${endpoint.elasticIp}:${endpoint.servedPort}/`;
}

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

  afterAll(() => stopHeld(held), 120_000);

  test('an app host whose machine dies (its init killed) is replaced in its zone; the replacement serves and failures stop', async () => {
    const state = readState(held.state.id)!;
    const app1 = state.hosts.find(h => h.name === 'app1')!;

    const r = await underLoad(held, elasticIpUrl(held), 'app1', () => process.kill(app1.initPid!, 'SIGKILL'));

    console.log(`kill of app1's init under wrk -c ${CONCURRENCY}: ${r.failed} of ${r.requests} requests failed, `
      + `the last at most ${r.secondsUntilNoneFail.toFixed(2)} s after the kill; ${r.replacement.host} in service after at most ${r.secondsUntilInService.toFixed(1)} s`);
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

    const r = await underLoad(held, elasticIpUrl(held), 'app2', () => {
      const stopped = spawnSync('nsenter', [`--target=${app2.initPid}`, '--mount', '--net', '--uts', '--', 'systemctl', 'stop', 'uwsgi'], { encoding: 'utf-8', timeout: 30_000 });
      expect(stopped.status).toBe(0);
    });

    console.log(`uWSGI of app2 stopped for good under wrk -c ${CONCURRENCY}: ${r.failed} of ${r.requests} requests failed, `
      + `the last at most ${r.secondsUntilNoneFail.toFixed(2)} s after the stop; ${r.replacement.host} in service after at most ${r.secondsUntilInService.toFixed(1)} s`);
    expect(held.output()).toMatch(new RegExp(`terminating app2 \\(${app2.instanceId}\\) and launching a replacement: ELB health checks: its target is unhealthy`));
    const after = readState(held.state.id)!;
    expect(after.hosts.map(h => h.name)).not.toContain('app2');
    expect(namespaces()).not.toContain(app2.namespace);
    const ids = await answering(held);
    expect(ids).toContain(r.replacement.instanceId);
    expect(ids).not.toContain(app2.instanceId);
  }, CASE_BOUND_MS + 120_000);
});
