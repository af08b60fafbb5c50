/**
 * End-to-end sweep: every value a prop accepts works when deployed. One deployment brings up a
 * tier for each upstream port that once failed or borders on one (80, 443, 1023: uWSGI needs
 * CAP_NET_BIND_SERVICE; 3031: mod_proxy_uwsgi drops the port; 1024, 65535) with web servers on
 * port 80 and 8080; then each example of the README is deployed as written. Every web server must
 * answer 200 from every app instance behind it. Needs root on Linux (see ../machine-requirements.ts);
 * requests go to 127.0.0.1 only, and every loop is bounded.
 */
import * as fs from 'fs';
import { HeldDeployment, leftoversAfter, startHeld, stop } from './harness';
import { mapStack } from '../../src/model/map-stack';
import { Host } from '../../src/model/topology';
import { get } from '../../src/runtime/http-client';
import { PORTS, readmeApps, readStack } from '../fixtures';
import { describeWhen, IS_ROOT } from '../machine-requirements';

const describeAsRoot = describeWhen(IS_ROOT, 'root on Linux (network namespaces, nftables): run it as root, e.g. with sudo');

/**
 * The sweep's app (packages/example-app/src/ports/ports-app.ts) names each tier's constructs after
 * its upstream port: `Port<port>Web`, `Port<port>Fleet`.
 */
const PORTS_TOPOLOGY = mapStack(readStack(PORTS));
const UPSTREAM_PORTS = PORTS_TOPOLOGY.hosts.map(h => /^Port(\d+)Web/.exec(h.logicalId)?.[1]).filter(p => p !== undefined).map(Number);
/** CAP_NET_BIND_SERVICE (linux/capability.h: capability 10). */
const NET_BIND_SERVICE = 2n ** 10n;
/** At most this many requests per web server; at least MIN_REQUESTS, and until every instance answered. */
const MAX_REQUESTS = 40;
const MIN_REQUESTS = 10;

/** The answers of one web server: bounded in count and time, until every expected instance answered. */
async function sweep(url: string, instanceIds: string[]): Promise<Answer[]> {
  const results: Answer[] = [];
  const deadline = Date.now() + 60_000;
  const seen = () => new Set(results.map(r => r.body));
  while (results.length < MAX_REQUESTS && Date.now() < deadline && (results.length < MIN_REQUESTS || !instanceIds.every(id => seen().has(id)))) {
    results.push(await get(url, 5000));
  }
  return results;
}

/** What the web servers answered, as `status body` lines grouped by count, for a readable failure. */
function answers(results: Answer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    const key = `${r.status ?? r.error} ${(r.body ?? '').slice(0, 60)}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** What a request answered. */
type Answer = Awaited<ReturnType<typeof get>>;

/** The effective capabilities and user of a process, from the kernel. */
function credentials(pid: number): { uid: number; effective: bigint; ambient: bigint } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf-8');
  const field = (name: string) => new RegExp(`^${name}:\\s+(\\S+)`, 'm').exec(status)![1];
  return { uid: Number(field('Uid')), effective: BigInt(`0x${field('CapEff')}`), ambient: BigInt(`0x${field('CapAmb')}`) };
}

describeAsRoot('every port a prop accepts, in one deployment', () => {
  const hostsOf = (prefix: string) => PORTS_TOPOLOGY.hosts.filter(h => h.logicalId.startsWith(prefix));
  const instanceId = (host: Host) => held.state.hosts.find(h => h.name === host.name)!.instanceId;
  let held: HeldDeployment;
  let started: number;

  beforeAll(async () => {
    started = Date.now();
    held = await startHeld(PORTS.dir, PORTS.stack);
  }, 360_000);

  afterAll(async () => {
    if (!held) return;
    await stop(held.child);
    expect(await leftoversAfter(held.state)).toEqual([]);
    // eslint-disable-next-line no-console
    console.log(`ports sweep: ${UPSTREAM_PORTS.length} tiers deployed, requested and torn down in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  test('covers the ports that failed, their neighbours, and web servers on port 80 and another port', () => {
    expect(UPSTREAM_PORTS).toEqual(expect.arrayContaining([80, 443, 1023, 1024, 3031, 65535]));
    const served = new Set(held.state.endpoints.map(e => e.servedPort));
    expect(served.has(80)).toBe(true);
    expect(served.size).toBeGreaterThan(1);
  });

  test.each(UPSTREAM_PORTS)('upstream port %d: its web server answers 200 from every app instance behind it', async port => {
    const [web] = hostsOf(`Port${port}Web`);
    const ids = hostsOf(`Port${port}Fleet`).map(instanceId);
    expect(ids.length).toBeGreaterThan(0);
    const endpoint = held.state.endpoints.find(e => e.host === web.name)!;
    expect(web.publishedPorts).toEqual([endpoint.servedPort]);
    const results = await sweep(endpoint.url, ids);
    expect(answers(results)).toEqual(Object.fromEntries(ids.map(id => [`200 ${id} version 1`, expect.any(Number)])));
  });

  test.each(UPSTREAM_PORTS)('upstream port %d: uWSGI runs as the app user, with CAP_NET_BIND_SERVICE only below 1024', port => {
    for (const app of hostsOf(`Port${port}Fleet`)) {
      const uwsgi = held.state.processes.find(p => p.name === `${app.name}/uwsgi`)!;
      const c = credentials(uwsgi.pid);
      expect(c.uid).not.toBe(0);
      const expected = port < 1024 ? NET_BIND_SERVICE : 0n;
      expect({ effective: c.effective, ambient: c.ambient }).toEqual({ effective: expected, ambient: expected });
    }
  });
});

describeAsRoot('every example of the README, deployed as written', () => {
  const apps = readmeApps();

  test('the README has the compositions the sweep is meant to cover', () => {
    expect(apps.map(a => a.stack)).toEqual(expect.arrayContaining(['WebAppTiers', 'FleetOnly', 'WebOnly']));
  });

  test.each(apps.map(a => [a.stack, a] as const))('%s: every web server answers 200 from every app instance', async (_stack, app) => {
    // The app instances: the hosts without an Elastic IP.
    const appHosts = mapStack(readStack(app)).hosts.filter(h => !h.elasticIp).map(h => h.name);
    expect(appHosts.length).toBeGreaterThan(0);
    const held = await startHeld(app.dir, app.stack);
    try {
      const ids = held.state.hosts.filter(h => appHosts.includes(h.name)).map(h => h.instanceId);
      expect(held.state.endpoints.length).toBeGreaterThan(0);
      for (const endpoint of held.state.endpoints) {
        const results = await sweep(endpoint.url, ids);
        expect(answers(results)).toEqual(Object.fromEntries(ids.map(id => [`200 ${id} version 1`, expect.any(Number)])));
      }
    } finally {
      await stop(held.child);
    }
    expect(await leftoversAfter(held.state)).toEqual([]);
  }, 360_000);
});
