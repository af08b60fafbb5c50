/**
 * End-to-end test of the HTTPS web fleet (integ/integ.https-web-fleet.ts): an Application Load
 * Balancer (HAProxy, TLS with a certificate of the deployment's own CA) in front of two Apache
 * servers in two zones, the internal NLB and two app servers. One held deployment serves every
 * case: the certificate chain and the redirect, then, under wrk at concurrency 32 through HTTPS, a
 * web server whose machine dies and one whose Apache stops for good, each replaced by the group.
 * Needs root on Linux and skips (saying so) otherwise. Requests go only into the namespaces the
 * tool created; every loop is bounded in count and time.
 */
import { spawnSync } from 'child_process';
import { HELD_REQUESTS, HeldDeployment, readState, startHeld, stopHeld } from './harness';
import { CASE_BOUND_MS, CONCURRENCY, underLoad } from './under-load';
import { InternetSite } from '../../src/deploy/deployment';
import { mapStack } from '../../src/model/map-stack';
import { HTTPS_WEB_FLEET, readStack } from '../fixtures';
import { describeWhen, IS_ROOT } from '../machine-requirements';

const FIXTURE = mapStack(readStack(HTTPS_WEB_FLEET));
const WEB_GROUP = FIXTURE.groups.find(g => g.role === 'web')!;
/**
 * Health checks every 10 s x0.05 (500 ms); the groups' grace periods and CreationPolicy timeouts
 * scale the same way, which leaves ample time to provision the hosts on 2 shared cores.
 */
const TIME_SCALE = 0.05;

const describeAsRoot = describeWhen(IS_ROOT, 'root on Linux (network namespaces, nftables): run it as root, e.g. with sudo');

/** Runs a command in the deployment's Internet namespace, as a client on the Internet would (bounded). */
function fromInternet(site: InternetSite, command: string[], input = '') {
  return spawnSync('ip', ['netns', 'exec', site.client.namespace, ...command], { encoding: 'utf-8', input, timeout: 30_000 });
}

/** `openssl s_client`'s verdict on the site's certificate chain, with the given trusted CAs. */
function verifyChain(site: InternetSite, caArgs: string[]): string {
  const { hostname } = new URL(site.url);
  const r = fromInternet(site, ['openssl', 's_client', '-connect', `${hostname}:443`, '-servername', hostname, '-verify_hostname', hostname, ...caArgs], 'Q\n');
  return /Verify return code: (\d+ \([^)]*\))/.exec(r.stdout)?.[1] ?? `no verdict:\n${r.stdout}\n${r.stderr}`;
}

/** The instance ids of the app servers that answer 24 HTTPS requests, by curl from the Internet namespace, trusting the local CA. */
function answering(site: InternetSite): Set<string> {
  const ids = new Set<string>();
  for (let i = 0; i < 24; i++) {
    const r = fromInternet(site, ['curl', '-sS', '--max-time', '5', '--cacert', site.client.caFile!, site.url]);
    if (r.status === 0) ids.add(r.stdout.trim().split(' ')[0]);
  }
  return ids;
}

function webHosts(held: HeldDeployment): string[] {
  return readState(held.state.id)!.hosts.filter(h => h.group === WEB_GROUP.logicalId).map(h => h.name);
}

describeAsRoot('The HTTPS web fleet behind an Application Load Balancer', () => {
  let held: HeldDeployment;
  let site: InternetSite;

  beforeAll(async () => {
    held = await startHeld(HTTPS_WEB_FLEET.dir, HTTPS_WEB_FLEET.stack, ['--health-check-time-scale', String(TIME_SCALE)]);
    site = held.state.sites[0];
  }, 900_000);

  afterAll(() => stopHeld(held), 120_000);

  test('deploy sends its requests to the HTTPS site from the Internet side, trusting the local CA, and all succeed', () => {
    expect(site.url).toBe('https://nlb-tiers-integ.example.com/');
    expect(held.output()).toContain(`Sending ${HELD_REQUESTS} requests to ${site.url}`);
    expect(held.output()).toContain(`Summary: ${HELD_REQUESTS}/${HELD_REQUESTS} succeeded, 0 errors, 2 distinct instance ids`);
  });

  test('the certificate chain verifies against the deployment\'s CA, and against nothing else', () => {
    expect(verifyChain(site, ['-CAfile', site.client.caFile!])).toBe('0 (ok)');
    // Without the local CA (only the machine's own trust store), the chain (the server's certificate
    // and the CA's, as a load balancer sends its chain) ends in a root that nothing trusts.
    expect(verifyChain(site, [])).toBe('19 (self-signed certificate in certificate chain)');
  });

  test('HTTP answers a permanent redirect to the same URL over HTTPS', () => {
    const { hostname } = new URL(site.url);
    const r = fromInternet(site, ['curl', '-sS', '--max-time', '5', '-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', `http://${hostname}/a/b?c=1`]);
    expect(r.stdout).toMatch(new RegExp(`^301 https://${hostname.replace(/\./g, '\\.')}(:443)?/a/b\\?c=1$`));
  });

  test('a web server whose machine dies is replaced in its zone; failures stop once it is out of the target group, and the replacement serves', async () => {
    const state = readState(held.state.id)!;
    const web1 = state.hosts.find(h => h.name === 'web1')!;
    const apps = new Set(state.hosts.filter(h => h.group !== WEB_GROUP.logicalId && h.group).map(h => h.instanceId));

    const r = await underLoad(held, site.url, 'web1', () => process.kill(web1.initPid!, 'SIGKILL'));

    console.log(`kill of web1's init under wrk -c ${CONCURRENCY} through HTTPS: ${r.failed} of ${r.requests} requests failed, `
      + `the last at most ${r.secondsUntilNoneFail.toFixed(2)} s after the kill; ${r.replacement.host} in service after at most ${r.secondsUntilInService.toFixed(1)} s`);
    expect(held.output()).toMatch(new RegExp(`${WEB_GROUP.logicalId}: terminating web1 \\(${web1.instanceId}\\) and launching a replacement: EC2 status checks: its machine is down`));
    expect(webHosts(held)).toEqual(expect.arrayContaining(['web2', r.replacement.host]));
    expect(webHosts(held)).not.toContain('web1');
    expect(answering(site)).toEqual(apps);
  }, CASE_BOUND_MS + 120_000);

  test('a web server whose Apache stops for good fails the load balancer\'s HTTP health checks and is replaced; the replacement serves', async () => {
    const state = readState(held.state.id)!;
    const web2 = state.hosts.find(h => h.name === 'web2')!;
    const apps = new Set(state.hosts.filter(h => h.group !== WEB_GROUP.logicalId && h.group).map(h => h.instanceId));

    const r = await underLoad(held, site.url, 'web2', () => {
      const stopped = spawnSync('nsenter', [`--target=${web2.initPid}`, '--mount', '--net', '--uts', '--', 'systemctl', 'stop', 'httpd'], { encoding: 'utf-8', timeout: 30_000 });
      expect(stopped.status).toBe(0);
    });

    console.log(`httpd of web2 stopped for good under wrk -c ${CONCURRENCY} through HTTPS: ${r.failed} of ${r.requests} requests failed, `
      + `the last at most ${r.secondsUntilNoneFail.toFixed(2)} s after the stop; ${r.replacement.host} in service after at most ${r.secondsUntilInService.toFixed(1)} s`);
    expect(held.output()).toMatch(new RegExp(`terminating web2 \\(${web2.instanceId}\\) and launching a replacement: ELB health checks: its target is unhealthy`));
    expect(webHosts(held)).not.toContain('web2');
    expect(answering(site)).toEqual(apps);
  }, CASE_BOUND_MS + 120_000);
});
