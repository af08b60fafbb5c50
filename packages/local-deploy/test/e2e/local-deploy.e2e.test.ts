/**
 * End-to-end tests: real namespaces, nftables, Apache, uWSGI. They need root on Linux and skip
 * (saying so) otherwise. Every request goes to 127.0.0.1 or to addresses inside the namespaces the
 * tool created, and every loop is bounded.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLI, HeldDeployment, IS_ROOT, leftovers, leftoversAfter, readState, sleep, startHeld, stop, tcpProbe } from './harness';
import { get } from '../../src/checks/http-requests';
import { mapStack } from '../../src/model/map-stack';
import { UwsgiService } from '../../src/model/topology';
import { TargetHealth } from '../../src/runtime/deployment';
import { editedFixture, readStack, REFERENCE } from '../fixtures';

// The fixture's own health check and restart settings; its checks run every second locally.
const FIXTURE = mapStack(readStack(REFERENCE));
const HEALTH_CHECK = FIXTURE.balancers[0].listeners[0].targetGroup.healthCheck;
const TIME_SCALE = 1 / HEALTH_CHECK.intervalSeconds;
const INTERVAL_MS = 1000;
const { unhealthyThreshold: UNHEALTHY_THRESHOLD, healthyThreshold: HEALTHY_THRESHOLD } = HEALTH_CHECK;
const RESTART_SEC = (FIXTURE.hosts.flatMap(h => h.services).find(s => s.kind === 'uwsgi') as UwsgiService).restart.restartSeconds;

const describeAsRoot = IS_ROOT ? describe : describe.skip;
if (!IS_ROOT) {
  // eslint-disable-next-line no-console
  console.log('Skipping the end-to-end tests of the local deploy: they need root on Linux (network namespaces, nftables).');
}

function targets(held: HeldDeployment): TargetHealth[] {
  const [balancer] = held.state.balancers;
  return Object.values<TargetHealth[]>(JSON.parse(fs.readFileSync(balancer.stateFile, 'utf-8')).targetGroups).flat();
}

async function waitFor(what: string, timeoutMs: number, condition: () => boolean): Promise<number> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
  return Date.now() - start;
}

async function requests(url: string, count: number) {
  const results = [];
  for (let i = 0; i < count; i++) results.push(await get(url, 5000));
  return results;
}

describeAsRoot('a deployment of the reference architecture', () => {
  let held: HeldDeployment;
  let url: string;
  const host = (name: string) => held.state.hosts.find(h => h.name === name)!;

  beforeAll(async () => {
    held = await startHeld(REFERENCE.dir, REFERENCE.stack, ['--health-check-time-scale', String(TIME_SCALE)]);
    url = held.state.endpoints[0].url;
  }, 360_000);

  afterAll(async () => {
    if (held) await stop(held.child);
  });

  test('answers through 127.0.0.1 from every app instance', async () => {
    const results = await requests(url, 10);
    expect(results.map(r => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(results.map(r => r.body)).size).toBe(2);
    expect(results.map(r => r.body).sort()).toEqual(expect.arrayContaining([host('app1').instanceId, host('app2').instanceId]));
  });

  test('from outside, only the web server\'s port answers', () => {
    const internet = held.state.namespaces.find(n => n.endsWith('-internet'))!;
    const eip = held.state.endpoints[0].elasticIp;
    const nlb = held.state.balancers[0];
    expect(tcpProbe(internet, eip, 80)).toBe('open');
    for (const port of [22, 9090]) expect(tcpProbe(internet, eip, port)).not.toBe('open');
    expect(tcpProbe(internet, host('app1').address, 9090)).not.toBe('open');
    expect(tcpProbe(internet, nlb.address, 9090)).not.toBe('open');
  });

  test('the web host reaches the balancer but not the app hosts', () => {
    const web = host('web1').namespace;
    expect(tcpProbe(web, held.state.balancers[0].address, 9090)).toBe('open');
    expect(tcpProbe(web, host('app1').address, 9090)).toBe('timeout');
    expect(tcpProbe(web, host('app2').address, 9090)).toBe('timeout');
  });

  test('app hosts accept the uwsgi port from the balancer only', () => {
    const nlb = held.state.balancers[0];
    expect(tcpProbe(nlb.namespace, host('app1').address, 9090)).toBe('open');
    expect(tcpProbe(host('app2').namespace, host('app1').address, 9090)).toBe('timeout');
    expect(tcpProbe(host('app1').namespace, host('app2').address, 9090)).toBe('timeout');
  });

  test('app hosts see the balancer\'s address as the TCP source', async () => {
    const nlb = held.state.balancers[0].address;
    const apps = [host('app1'), host('app2')];
    // Counts new connections to the uwsgi port by source, before the security group filter.
    const table = [
      'table inet source_probe {',
      '  chain count {',
      '    type filter hook prerouting priority -175; policy accept;',
      `    ip saddr ${nlb} tcp dport 9090 ct state new counter`,
      `    ip saddr != ${nlb} tcp dport 9090 ct state new counter`,
      '  }',
      '}',
    ].join('\n');
    for (const app of apps) spawnSync('ip', ['netns', 'exec', app.namespace, 'nft', '-f', '-'], { input: table });
    const results = await requests(url, 10);
    expect(results.every(r => r.status === 200)).toBe(true);
    let fromBalancer = 0;
    for (const app of apps) {
      const listing = spawnSync('ip', ['netns', 'exec', app.namespace, 'nft', 'list', 'table', 'inet', 'source_probe'], { encoding: 'utf-8' }).stdout;
      spawnSync('ip', ['netns', 'exec', app.namespace, 'nft', 'delete', 'table', 'inet', 'source_probe']);
      const [balancerCount, otherCount] = [...listing.matchAll(/counter packets (\d+)/g)].map(m => Number(m[1]));
      fromBalancer += balancerCount;
      expect(otherCount).toBe(0);
    }
    expect(fromBalancer).toBeGreaterThanOrEqual(10);
  });

  test('a killed uWSGI is marked unhealthy within interval x threshold; then every request succeeds; it restarts and rejoins', async () => {
    const app1 = host('app1');
    const uwsgi = held.state.processes.find(p => p.name === 'app1/uwsgi')!;
    // The test can only see the target out of service if the balancer notices before the restart.
    expect(INTERVAL_MS * UNHEALTHY_THRESHOLD).toBeLessThan(RESTART_SEC * 1000);
    expect(targets(held).every(t => t.state === 'healthy')).toBe(true);

    process.kill(uwsgi.pid, 'SIGKILL');
    const detectedMs = await waitFor('app1 unhealthy', 10_000, () => targets(held).find(t => t.id === app1.instanceId)!.state === 'unhealthy');
    // One check may already be under way when the process dies: allow one check's own duration.
    expect(detectedMs).toBeLessThanOrEqual(INTERVAL_MS * UNHEALTHY_THRESHOLD + 300);

    const results = await requests(url, 10);
    expect(results.map(r => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(results.map(r => r.body))).toEqual(new Set([host('app2').instanceId]));

    // Restart=on-failure after RestartSec: the supervisor starts it again; the balancer takes it back after passing checks.
    const rejoinBound = RESTART_SEC * 1000 + INTERVAL_MS * (HEALTHY_THRESHOLD + 1) + 5000;
    await waitFor('app1 healthy again', rejoinBound, () => targets(held).find(t => t.id === app1.instanceId)!.state === 'healthy');
    const after = await requests(url, 10);
    expect(after.every(r => r.status === 200)).toBe(true);
    expect(new Set(after.map(r => r.body)).size).toBe(2);
  });

  test('SIGTERM tears everything down', async () => {
    // The state file as written last holds the restarted uWSGI's pid too.
    const state = readState(held.state.id)!;
    expect(state.processes.find(p => p.name === 'app1/uwsgi')!.restarts).toBe(1);
    const code = await stop(held.child);
    expect(code).toBe(130);
    expect(held.output()).toContain('Torn down');
    expect(leftovers(state)).toEqual([]);
    expect(await get(url, 1000)).toMatchObject({ error: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describeAsRoot('the command line', () => {
  test('a second run in a row deploys, sends its requests, and exits 0', () => {
    const r = spawnSync(process.execPath, [CLI, 'deploy', REFERENCE.dir, REFERENCE.stack, '--publish-port', '0', '--requests', '10'], { encoding: 'utf-8', timeout: 120_000 });
    expect(r.stdout).toMatch(/Summary: 10\/10 succeeded, 0 errors, 2 distinct instance ids/);
    expect(r.status).toBe(0);
  });

  test('SIGINT while coming up tears down what was made', async () => {
    const child = spawn(process.execPath, [CLI, 'deploy', REFERENCE.dir, REFERENCE.stack, '--publish-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', d => (output += d));
    child.stderr!.on('data', d => (output += d));
    await waitFor('bring-up started', 60_000, () => output.includes('Creating'));
    const id = /deployment ([0-9a-f]+)/.exec(output)![1];
    const state = readState(id) ?? { id, ownerPid: child.pid!, stackName: '', namespaces: [], hosts: [], balancers: [], processes: [], endpoints: [] };
    const code = await stop(child, 'SIGINT');
    expect(code).toBe(130);
    expect(await leftoversAfter({ ...state, processes: readState(id)?.processes ?? state.processes })).toEqual([]);
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf-8' }).stdout).not.toContain(`nlbt-${id}-`);
  });

  test('an interrupted run is cleaned up by the next one', async () => {
    const held = await startHeld(REFERENCE.dir, REFERENCE.stack);
    await stop(held.child, 'SIGKILL');
    const state = JSON.parse(fs.readFileSync(`/run/nlb-tiers-local/${held.state.id}/state.json`, 'utf-8'));
    expect(leftovers(state).length).toBeGreaterThan(0);

    const r = spawnSync(process.execPath, [CLI, 'clean'], { encoding: 'utf-8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(held.state.id);
    // SIGKILLed processes may take a moment to be reaped.
    expect(await leftoversAfter(state)).toEqual([]);
  });

  test('unsupported resources: a list, exit code 5, nothing started', () => {
    const dir = editedFixture(REFERENCE, t => {
      t.Resources.Queue = { Type: 'AWS::SQS::Queue', Properties: {} };
    });
    const before = spawnSync('ip', ['netns', 'list'], { encoding: 'utf-8' }).stdout;
    const r = spawnSync(process.execPath, [CLI, 'deploy', dir, REFERENCE.stack], { encoding: 'utf-8', timeout: 60_000 });
    expect(r.status).toBe(5);
    expect(r.stderr).toMatch(/Queue \(AWS::SQS::Queue\): no local equivalent/);
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf-8' }).stdout).toBe(before);
  });

  test('not root: a clear message, exit code 3, nothing started', () => {
    // A copy everyone can read, run as the unprivileged user "nobody".
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlb-tiers-nobody-'));
    fs.cpSync(path.dirname(CLI), path.join(dir, 'lib'), { recursive: true });
    fs.cpSync(REFERENCE.dir, path.join(dir, 'assembly'), { recursive: true });
    spawnSync('chmod', ['-R', 'a+rX', dir]);
    const before = spawnSync('ip', ['netns', 'list'], { encoding: 'utf-8' }).stdout;
    // The copy finds its dependencies (the assembly schema) where the workspace installed them.
    const nodeModules = path.resolve(require.resolve('@aws-cdk/cloud-assembly-schema/package.json'), '..', '..', '..');
    const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, path.join(dir, 'lib', 'cli', 'main.js'),
      'deploy', path.join(dir, 'assembly'), REFERENCE.stack], { encoding: 'utf-8', timeout: 60_000, env: { ...process.env, NODE_PATH: nodeModules } });
    expect(r.stderr).toMatch(/needs root .*Nothing was started/);
    expect(r.status).toBe(3);
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf-8' }).stdout).toBe(before);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
