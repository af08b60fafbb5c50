/**
 * Health checker of a local balancer. Runs inside the balancer's namespace: checks every target
 * each interval (a TCP connection, or an HTTP GET whose status the matcher allows), applies the
 * healthy/unhealthy thresholds, and on every change swaps the balancer's DNAT map in one nftables
 * transaction, or, for an Application Load Balancer, rewrites the HTTP proxy's configuration and
 * has it reload (SIGUSR2 to its master). Writes the targets' states to a JSON file and one line per
 * transition to stdout.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import { BalancerConfig, BalancerListenerConfig, balancerRuleset, Deregistrations, deregistrationsFile, Registrations, registrationsFile, statusMatches, targetsInService } from '../balancer-rules';
import { haproxyConfig } from '../haproxy-config';
import { afterCheck, afterDeregistration, isDeregistered, reconcileRegistrations, REGISTERED, TargetHealthRecord } from '../target-health';

const config: BalancerConfig = JSON.parse(fs.readFileSync(process.argv[2], 'utf-8'));
/** The listeners with their targets as registered now: the tool registers and removes targets at run time. */
const listeners: Array<Omit<BalancerListenerConfig, 'targets'> & { targets: BalancerListenerConfig['targets'] }> = config.listeners.map(l => ({ ...l, targets: [...l.targets] }));
let health = new Map<string, TargetHealthRecord>();
const key = (arn: string, id: string) => `${arn} ${id}`;
for (const l of listeners) {
  for (const t of l.targets) health.set(key(l.targetGroupArn, t.id), REGISTERED);
}

function probe(address: string, check: BalancerListenerConfig['check']): Promise<boolean> {
  return check.protocol === 'HTTP' ? probeHttp(address, check) : probeTcp(address, check.port, check.timeoutMs);
}

/** One HTTP GET of the check's path; passes when the status matches, within the timeout. */
function probeHttp(address: string, check: BalancerListenerConfig['check']): Promise<boolean> {
  return new Promise(resolve => {
    let settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolve(ok);
    };
    const req = http.get({
      host: address,
      port: check.port,
      path: check.path ?? '/',
      agent: false,
      timeout: check.timeoutMs,
      headers: { 'User-Agent': 'ELB-HealthChecker/2.0' },
    }, res => {
      res.resume();
      done(statusMatches(check.matcher ?? '200', res.statusCode ?? 0));
    });
    req.on('timeout', () => done(false));
    req.on('error', () => done(false));
  });
}

function probeTcp(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect({ host: address, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Takes up the deregistrations the tool wrote since the last look: a draining target leaves the
 * DNAT map at once (flows already placed keep it, through conntrack) and is no longer checked.
 */
let deregistrationsSeen = '';
function readDeregistrations(): boolean {
  const file = deregistrationsFile(config.stateFile);
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf-8') : '';
  if (text === deregistrationsSeen) return false;
  deregistrationsSeen = text;
  const wanted: Deregistrations = text ? JSON.parse(text) : {};
  let changed = false;
  for (const [k, state] of Object.entries(wanted)) {
    const h = health.get(k);
    if (h) changed = update(k, afterDeregistration(h, state)) || changed;
  }
  return changed;
}

/**
 * Takes up the registrations the tool wrote since the last look: a new target starts its checks
 * in the initial state (no traffic until it is healthy, unless the balancer fails open); the
 * others keep their health; a removed target is forgotten.
 */
let registrationsSeen = '';
function readRegistrations(): boolean {
  const file = registrationsFile(config.stateFile);
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf-8') : '';
  if (text === registrationsSeen || !text) return false;
  registrationsSeen = text;
  const wanted: Registrations = JSON.parse(text);
  for (const l of listeners) {
    const targets = wanted[l.targetGroupArn];
    if (targets) l.targets = targets;
  }
  health = reconcileRegistrations(health, listeners.flatMap(l => l.targets.map(t => key(l.targetGroupArn, t.id))));
  // A deregistration written before the registration changed applies to what is registered now.
  deregistrationsSeen = '';
  readDeregistrations();
  process.stdout.write(`${new Date().toISOString()} registered: ${listeners.map(l => `${l.targetGroupArn.split('/')[1]} ${l.targets.map(t => t.id).join(', ')}`).join('; ')}\n`);
  return true;
}

function apply() {
  const inService = (l: BalancerListenerConfig) => targetsInService(l, id => health.get(key(l.targetGroupArn, id))!.state);
  if (config.proxy) {
    writeProxyConfig(inService);
  } else {
    execFileSync('nft', ['-f', '-'], { input: balancerRuleset({ address: config.address, listeners }, inService) });
  }
  const state = {
    updatedAt: new Date().toISOString(),
    // An unused target is no longer in its target group, as DescribeTargetHealth shows it.
    targetGroups: Object.fromEntries(listeners.map(l => [l.targetGroupArn, l.targets
      .filter(t => health.get(key(l.targetGroupArn, t.id))!.state !== 'unused')
      .map(t => {
        const h = health.get(key(l.targetGroupArn, t.id))!;
        return { id: t.id, address: t.address, port: t.port, state: h.state, reason: h.reason };
      })])),
  };
  fs.writeFileSync(`${config.stateFile}.tmp`, JSON.stringify(state, null, 2));
  fs.renameSync(`${config.stateFile}.tmp`, config.stateFile);
}

/** The proxy's configuration with the targets in service; a running proxy reloads it. */
function writeProxyConfig(inService: (l: BalancerListenerConfig) => BalancerListenerConfig['targets']) {
  const { configFile, tls, ...proxy } = config.proxy!;
  const text = haproxyConfig({
    ...proxy,
    forwards: listeners.map(l => ({
      port: l.port, ...(tls[l.port] ? { tls: tls[l.port] } : {}), targetGroupArn: l.targetGroupArn, targets: inService(l),
    })),
  });
  fs.writeFileSync(`${configFile}.tmp`, text);
  fs.renameSync(`${configFile}.tmp`, configFile);
  reloadProxy();
}

/** The proxy master's PID this agent last had reload; a new master (restarted) is told once too. */
let proxyPid: number | undefined;
function reloadProxy(onlyIfNew = false) {
  const file = config.proxy!.pidFile;
  const pid = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf-8').trim()) : NaN;
  if (!Number.isInteger(pid) || pid <= 1 || (onlyIfNew && pid === proxyPid)) return;
  proxyPid = pid;
  try {
    process.kill(pid, 'SIGUSR2');
  } catch {
    // Not running (any more): the supervisor restarts it, and it reads the file as written.
  }
}

async function checkListener(l: BalancerListenerConfig) {
  let changed = readRegistrations();
  changed = readDeregistrations() || changed;
  const checked = l.targets.filter(t => !isDeregistered(health.get(key(l.targetGroupArn, t.id))!.state));
  const results = await Promise.all(checked.map(t => probe(t.address, l.check)));
  checked.forEach((t, i) => {
    const k = key(l.targetGroupArn, t.id);
    // A target removed while its check ran is no longer tracked.
    if (health.has(k)) changed = update(k, afterCheck(health.get(k)!, results[i], l.check)) || changed;
  });
  if (changed) apply();
}

/** Records a target's new health; true (and one line on stdout) when its state changed. */
function update(k: string, next: TargetHealthRecord): boolean {
  const previous = health.get(k)!;
  health.set(k, next);
  if (previous.state === next.state) return false;
  process.stdout.write(`${new Date().toISOString()} ${k.split(' ')[1]} ${previous.state} -> ${next.state}\n`);
  return true;
}

readRegistrations();
apply();
for (const l of listeners) {
  const tick = () => {
    void checkListener(l).finally(() => setTimeout(tick, l.check.intervalMs));
  };
  tick();
}
// Registrations and deregistrations take effect within 50 ms, not at the next health check.
setInterval(() => {
  const registered = readRegistrations();
  if (readDeregistrations() || registered) apply();
  // A proxy that started while the file was being rewritten reloads it once.
  if (config.proxy) reloadProxy(true);
}, 50);
process.on('SIGTERM', () => process.exit(0));
