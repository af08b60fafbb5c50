/**
 * End-to-end tests: real namespaces, nftables, provisioning (the web server's shell script, the
 * fleet's playbook with ansible-playbook), Apache, uWSGI. They need root on Linux and skip (saying
 * so) otherwise. Every request goes to 127.0.0.1 or to addresses inside the namespaces the tool
 * created, and every loop is bounded.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  CLI, deploymentId, HeldDeployment, leftovers, leftoversAfter, namespacedPids, readState, runTool, sleep, startHeld, stop, tcpProbe,
} from './harness';
import { TargetHealth } from '../../src/deploy/deployment';
import { mapStack } from '../../src/model/map-stack';
import { DownloadContentStep } from '../../src/model/ssm-documents';
import { get } from '../../src/runtime/http-client';
import { RUN_ROOT } from '../../src/runtime/naming';
import { parseServiceUnit } from '../../src/runtime/systemd-unit';
import { editedFixture, readStack, REFERENCE } from '../fixtures';
import { describeWhen, IS_ROOT } from '../machine-requirements';

// The fixture's own health check and restart settings; its checks run every second locally.
const FIXTURE = mapStack(readStack(REFERENCE));
const HEALTH_CHECK = FIXTURE.balancers[0].listeners[0].targetGroup.healthCheck;
const TIME_SCALE = 1 / HEALTH_CHECK.intervalSeconds;
const INTERVAL_MS = 1000;
const { unhealthyThreshold: UNHEALTHY_THRESHOLD, healthyThreshold: HEALTHY_THRESHOLD } = HEALTH_CHECK;
// The unit the playbook installs on the app hosts, from its asset.
const PLAYBOOK_ASSET = (FIXTURE.hosts[1].associations[0].steps.find(s => s.action === 'aws:downloadContent') as DownloadContentStep).asset.path;
const RESTART_SEC = parseServiceUnit(fs.readFileSync(path.join(PLAYBOOK_ASSET, 'files', 'uwsgi.service'), 'utf-8')).restart.restartSeconds;

const describeAsRoot = describeWhen(IS_ROOT, 'root on Linux (network namespaces, nftables): run it as root, e.g. with sudo');

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
  }, 900_000);

  afterAll(async () => {
    if (held) await stop(held.child);
  });

  test('each host\'s association ran as SSM Agent would: document, step, exit code, duration; the play recap', () => {
    const output = held.output();
    expect(output).toMatch(/web1 +WebServerProvisioning\w+ \(AWS-RunShellScript\) 0\.aws:runShellScript: exit 0 in \d+\.\ds/);
    for (const app of ['app1', 'app2']) {
      expect(output).toMatch(new RegExp(`${app} +AppFleetProvisioning\\w+ \\(\\S+ProvisioningDocument\\S+\\) downloadPlaybook: exit 0 in \\d+\\.\\ds`));
      expect(output).toMatch(new RegExp(`${app} +AppFleetProvisioning\\w+ \\(\\S+\\) runPlaybook: exit 0 in \\d+\\.\\ds  play recap: ok=\\d+ changed=[1-9]\\d* unreachable=0 failed=0`));
    }
    // What the script and the playbook asked systemd for: the servers run from the units they installed.
    expect(output).toMatch(/systemctl: .*web1 start httpd\.service/);
    expect(output).toMatch(/app1 start uwsgi\.service/);
  });

  test('each log group the hosts\' CloudWatch agents name is collected, one stream per instance, with its lines after the requests', () => {
    const logs = path.join(RUN_ROOT, held.state.id, 'logs');
    const streams = (group: RegExp) => {
      const dirs = fs.readdirSync(logs).filter(d => group.test(d));
      return dirs.flatMap(d => fs.readdirSync(path.join(logs, d)).map(f => fs.readFileSync(path.join(logs, d, f), 'utf-8')));
    };
    // The web server's three files (one instance), the fleet's two (two instances each).
    expect(fs.readdirSync(logs)).toHaveLength(5);
    const [access] = streams(/logsaccesslog/);
    // The deploy's 4 requests, after the provisioning script's own checks, in httpd's combined format.
    expect(access.split('\n').filter(l => /^\S+ - - \[[^\]]+\] "GET \/ HTTP\/1\.1" 200 /.test(l)).length).toBeGreaterThanOrEqual(4);
    expect(streams(/logserrorlog/)[0]).toMatch(/AH00489|resuming normal operations/);
    const uwsgi = streams(/logsuwsgilog/);
    expect(uwsgi).toHaveLength(2);
    for (const text of uwsgi) expect(text).toMatch(/spawned uWSGI master process/);
    const provisioning = streams(/logsprovisioninglog/);
    expect(provisioning).toHaveLength(3);
    expect(provisioning.filter(t => /PLAY RECAP/.test(t))).toHaveLength(2);
    expect(provisioning.filter(t => /^serving: httpd answers through the upstream/m.test(t))).toHaveLength(1);
    // The summary names every stream with its line count, and nothing failed.
    const summary = held.output().split('\n').filter(l => /^ {2}\S+ +i-[0-9a-f]{17} \(\S+\) \/\S+: \d+ lines$/.test(l));
    expect(summary).toHaveLength(7);
    expect(held.output()).not.toMatch(/^FAILED/m);
  });

  test('each host has files of its own: what provisioning wrote is there, not on this machine', () => {
    const inHost = (name: string, command: string) => spawnSync('nsenter', [`--target=${host(name).initPid}`, '--mount', '--uts', 'sh', '-c', command], { encoding: 'utf-8' }).stdout;
    expect(inHost('web1', 'cat /etc/os-release')).toMatch(/^NAME="Amazon Linux"$/m);
    expect(inHost('web1', 'hostname')).toBe(`ip-${host('web1').address.replace(/\./g, '-')}.local-1.compute.internal\n`);
    expect(inHost('web1', 'ls /etc/httpd/conf.d')).toBe('nlb-tiers-uwsgi-proxy.conf\n');
    expect(inHost('app1', 'id -un flaskapp; stat -c "%U %G %a" /opt/nlb-tiers/uwsgi.ini')).toBe('flaskapp\nroot flaskapp 640\n');
    expect(inHost('app1', 'LC_ALL=C ls /opt/nlb-tiers')).toBe('app\napp-secrets.json\napp_environment.py\napp_secrets.py\nenvironment.json\nuwsgi.ini\nuwsgi_reload.py\nvenv\n');
    expect(inHost('app1', 'stat -c "%U %G %a" /opt/nlb-tiers/uwsgi_reload.py')).toBe('root root 755\n');
    // The web server has no app: only cfn-signal, which its script installs (aws-cfn-bootstrap) to signal.
    expect(inHost('web1', 'ls /opt /opt/aws/bin')).toBe('/opt:\naws\n\n/opt/aws/bin:\ncfn-signal\n');
    expect(fs.existsSync('/etc/httpd') || fs.existsSync('/opt/nlb-tiers') || fs.existsSync('/opt/aws/bin/cfn-signal')).toBe(false);
    expect(fs.readFileSync('/etc/passwd', 'utf-8')).not.toMatch(/^flaskapp:/m);
  });

  test('systemctl reload of the app in its host: the same uWSGI master, all new workers, and it serves', async () => {
    const inHost = (command: string) => spawnSync('nsenter', [`--target=${host('app1').initPid}`, '--mount', '--uts', '--net', 'sh', '-c', command], { encoding: 'utf-8' });
    const mainPid = () => /^MainPID=(\d+)$/m.exec(inHost('systemctl show uwsgi').stdout)![1];
    const workers = (pid: string) => inHost(`pgrep -P ${pid} | sort`).stdout.trim().split('\n').filter(Boolean);
    const master = mainPid();
    const before = workers(master);
    expect(before.length).toBeGreaterThan(0);

    // The unit's ExecReload= runs as the app user with $MAINPID, and returns once new workers serve.
    expect(inHost('systemctl reload uwsgi').status).toBe(0);

    expect(mainPid()).toBe(master);
    const after = workers(master);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter(w => before.includes(w))).toEqual([]);
    const results = await requests(url, 10);
    expect(results.map(r => r.status)).toEqual(Array(10).fill(200));
  });

  test('reprovision changes nothing and restarts nothing, while requests keep succeeding', async () => {
    const servers = () => readState(held.state.id)!.processes.filter(p => /\/(httpd|uwsgi)$/.test(p.name)).map(p => `${p.name}:${p.pid}`).sort();
    const before = servers();
    expect(before).toHaveLength(3);
    const reprovision = runTool(['reprovision', held.state.id]);
    let done = false;
    void reprovision.then(() => (done = true));
    // A bounded loop: at most 400 requests or 60 s, ending 1 s after the run.
    const statuses: Array<number | undefined> = [];
    const deadline = Date.now() + 60_000;
    let doneAt: number | undefined;
    while (statuses.length < 400 && Date.now() < deadline && (doneAt === undefined || Date.now() - doneAt < 1000)) {
      statuses.push((await get(url, 5000)).status);
      if (done && doneAt === undefined) doneAt = Date.now();
      await sleep(20);
    }
    const { code, output } = await reprovision;
    expect(code).toBe(0);
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter(x => x !== 200)).toEqual([]);
    for (const app of ['app1', 'app2']) expect(output).toMatch(new RegExp(`${app} .* runPlaybook: exit 0 .* play recap: ok=\\d+ changed=0 unreachable=0 failed=0`));
    expect(output).toMatch(/web1 .* 0\.aws:runShellScript: exit 0/);
    expect(output).not.toMatch(/Ansible changed/);
    // No unit was started, stopped, restarted or reloaded: the web script saw its file unchanged and did not reload httpd.
    expect(output).toMatch(/systemctl: no unit started, stopped, restarted or reloaded/);
    expect(servers()).toEqual(before);
  });

  test('answers through 127.0.0.1 from every app instance', async () => {
    // Each connection is placed by a hash, as an NLB places flows: 20 requests all reach one of two
    // instances once in half a million runs.
    const results = await requests(url, 20);
    expect(results.map(r => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map(r => r.body)).size).toBe(2);
    expect(results.map(r => r.body).sort()).toEqual(expect.arrayContaining([`${host('app1').instanceId} version 1`, `${host('app2').instanceId} version 1`]));
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

  test('a killed uWSGI is marked unhealthy; then every request succeeds; it restarts and rejoins', async () => {
    const app1 = host('app1');
    const uwsgi = held.state.processes.find(p => p.name === 'app1/uwsgi')!;
    // The test can only see the target out of service if the balancer notices before the restart.
    expect(INTERVAL_MS * UNHEALTHY_THRESHOLD).toBeLessThan(RESTART_SEC * 1000);
    expect(targets(held).every(t => t.state === 'healthy')).toBe(true);

    process.kill(uwsgi.pid, 'SIGKILL');
    // After how many failed checks is the health checker's own unit test; here, only that it happens.
    await waitFor('app1 unhealthy', 10 * INTERVAL_MS * UNHEALTHY_THRESHOLD, () => targets(held).find(t => t.id === app1.instanceId)!.state === 'unhealthy');

    const results = await requests(url, 10);
    expect(results.map(r => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(results.map(r => r.body))).toEqual(new Set([`${host('app2').instanceId} version 1`]));

    // Restart=on-failure after RestartSec: the supervisor starts it again; the balancer takes it back after passing checks.
    // A bound that only catches a hang: a loaded machine starts uWSGI slowly.
    const rejoinBound = 5 * (RESTART_SEC * 1000 + INTERVAL_MS * (HEALTHY_THRESHOLD + 1)) + 60_000;
    await waitFor('app1 healthy again', rejoinBound, () => targets(held).find(t => t.id === app1.instanceId)!.state === 'healthy');
    const after = await requests(url, 20);
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
    const r = spawnSync(process.execPath, [CLI, 'deploy', REFERENCE.dir, REFERENCE.stack, '--publish-port', '0', '--requests', '20'], { encoding: 'utf-8', timeout: 600_000 });
    expect(r.stdout).toMatch(/Summary: 20\/20 succeeded, 0 errors, 2 distinct instance ids/);
    expect(r.stdout).toMatch(/^Logs, collected as the CloudWatch agent would ship them, into /m);
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

  test('a shell script that exits non-zero: exit 6, the host, document, step and command named, everything torn down', async () => {
    const dir = editedFixture(REFERENCE, t => {
      const commands: string[] = t.Resources.WebServerProvisioningC974554E.Properties.Parameters.commands;
      commands.splice(commands.indexOf('set -euo pipefail') + 1, 0, 'ls /etc/httpd/conf.d/missing.conf');
    });
    const before = namespacedPids();
    const { code, output } = await runTool(['deploy', dir, REFERENCE.stack, '--publish-port', '0']);
    expect(code).toBe(6);
    expect(output).toMatch(/Provisioning failed on web1 \(i-[0-9a-f]{17}\):\n {2}association WebServerProvisioning\w+ \(document AWS-RunShellScript\), step 0\.aws:runShellScript: exit 2 after/);
    expect(output).toMatch(/failed command: ls \/etc\/httpd\/conf\.d\/missing\.conf \(line \d+, exit 2\)/);
    expect(output).toMatch(/last lines of stderr:\n {4}ls: cannot access '\/etc\/httpd\/conf\.d\/missing\.conf': No such file or directory/);
    expect(output).toContain('Torn down');
    expect(await leftoversAfter({ id: deploymentId(output)!, processes: [] })).toEqual([]);
    expect([...namespacedPids()].filter(pid => !before.has(pid))).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a playbook task that fails: exit 6, the host, document, step and task named, everything torn down', async () => {
    const dir = editedFixture(REFERENCE, () => undefined);
    const playbook = path.join(dir, path.basename(PLAYBOOK_ASSET), 'playbook.yml');
    fs.writeFileSync(playbook, fs.readFileSync(playbook, 'utf-8').replace('  tasks:\n', [
      '  tasks:',
      '    - name: Read a file the image does not have',
      '      ansible.builtin.command: cat /etc/nlb-tiers-missing.conf',
      '      changed_when: false',
      '',
    ].join('\n')));
    const before = namespacedPids();
    const { code, output } = await runTool(['deploy', dir, REFERENCE.stack, '--publish-port', '0']);
    expect(code).toBe(6);
    // The first run that fails signals FAILURE, which fails the deploy at once: either app host may be first.
    expect(output).toMatch(/AppFleetASG\w+ received a FAILURE signal from app[12] \(i-[0-9a-f]{17}\): provisioning failed on i-[0-9a-f]{17}: 'ansible-playbook .*' exited with status 2/);
    expect(output).toMatch(/Provisioning failed on app[12] \(i-[0-9a-f]{17}\):\n {2}association AppFleetProvisioning\w+ \(document \S+ProvisioningDocument\S+\), step runPlaybook: exit 2 after/);
    expect(output).toMatch(/failed task: Read a file the image does not have: non-zero return code/);
    expect(output).toMatch(/play recap: ok=\d+ changed=0 unreachable=0 failed=1/);
    expect(output).toContain('Torn down');
    expect(await leftoversAfter({ id: deploymentId(output)!, processes: [] })).toEqual([]);
    expect([...namespacedPids()].filter(pid => !before.has(pid))).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('8 app hosts are provisioned and serve', async () => {
    // How long they take, and how much CPU, is measured by `nlb-tiers-local bench` (docs/benchmarks.md).
    const { code, output } = await runTool(['deploy', REFERENCE.dir, REFERENCE.stack, '--publish-port', '0', '--requests', '24', '--desired-capacity', '8'], 900_000);
    expect(output).toMatch(/Summary: 24\/24 succeeded, 0 errors/);
    expect(code).toBe(0);
    expect(output.match(/app\d +AppFleetProvisioning\w+ .* runPlaybook: exit 0/g)).toHaveLength(8);
    expect(output).toContain('Torn down');
  }, 900_000);

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
    // The tool as in its package: lib/ (with the shims and AWS documents) and its manifest (its version).
    const packageDir = path.join(path.dirname(CLI), '..', '..');
    for (const d of ['lib', 'package.json']) fs.cpSync(path.join(packageDir, d), path.join(dir, d), { recursive: true });
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
