import * as fs from 'fs';
import { LocalDeployment } from './deployment';
import { Host } from '../model/topology';
import { Deregistrations, deregistrationsFile } from '../runtime/balancer-rules';
import { runIn, sleep } from '../runtime/exec';

/** What a scale-in did. */
export interface ScaleInReport {
  /** The hosts whose instances were terminated. */
  readonly terminated: string[];
  /** From the deregistration until the last of them was stopped. */
  readonly drainSeconds: number;
}

/** Options of {@link scaleIn}. */
export interface ScaleInOptions {
  /** Deregistration delays are multiplied by this, as the health checks' timing is. */
  readonly timeScale: number;
  readonly log: (line: string) => void;
}

/** The instances of an Auto Scaling group that still run, per deployment. */
const terminatedHosts = new WeakMap<LocalDeployment, Set<string>>();

/**
 * Lowers the capacity of a running Auto Scaling group, as a scale-in does on AWS: Auto Scaling picks
 * the instances (from the Availability Zone with the most, the newest there), deregisters them
 * from their target groups and waits for the deregistration to complete before terminating them.
 * The balancer stops placing new connections on a deregistered target at once; the connections it
 * already placed go on until they close or the target group's deregistration delay is over (ELB
 * completes the deregistration as soon as a target has no connection left). Then the instance's
 * processes stop.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#deregistration-delay
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-termination-policies.html
 */
export async function scaleIn(deployment: LocalDeployment, group: string, capacity: number, options: ScaleInOptions): Promise<ScaleInReport> {
  const terminated = terminatedHosts.get(deployment) ?? new Set<string>();
  terminatedHosts.set(deployment, terminated);
  const running = deployment.topology.hosts.filter(h => h.logicalId === group && !terminated.has(h.name));
  if (running.length === 0) throw new Error(`${group} is not an Auto Scaling group of the deployment with running instances`);
  if (!Number.isInteger(capacity) || capacity < 0 || capacity >= running.length) {
    throw new Error(`${group} runs ${running.length} instances: scaling in needs a capacity from 0 to ${running.length - 1}, got ${capacity}`);
  }
  const leaving = chooseInstancesToTerminate(running, running.length - capacity);
  const started = Date.now();
  const listeners = deployment.topology.balancers.flatMap(b => b.listeners.map(l => ({ balancer: b.name, listener: l })))
    .filter(({ listener }) => leaving.some(h => listener.targetGroup.targets.includes(h.name)));

  setDeregistrations(deployment, leaving, listeners, 'draining');
  options.log(`${group}: scaling in from ${running.length} to ${capacity}; draining ${leaving.map(h => h.name).join(', ')}`);
  // Until the balancers have taken the targets out of their DNAT maps, new connections still come.
  await waitForState(deployment, leaving.map(h => h.instanceId), 'draining');
  await Promise.all(leaving.map(async host => {
    const groups = listeners.filter(({ listener }) => listener.targetGroup.targets.includes(host.name)).map(({ listener }) => listener.targetGroup);
    const ports = groups.map(g => g.port);
    const delays = groups.map(g => g.deregistrationDelaySeconds);
    const deadline = Date.now() + Math.max(0, ...delays) * 1000 * options.timeScale;
    // The connections the balancer placed on the target before: wait until they are closed (twice
    // in a row, so that a connection whose handshake was under way counts too).
    let idle = 0;
    while (Date.now() < deadline && idle < 2) {
      idle = openConnections(deployment.names.namespace(host.name), ports) === 0 ? idle + 1 : 0;
      await sleep(50);
    }
    await deployment.stopHost(host.name);
    terminated.add(host.name);
  }));
  setDeregistrations(deployment, leaving, listeners, 'unused');
  const drainSeconds = (Date.now() - started) / 1000;
  options.log(`${group}: ${leaving.map(h => h.name).join(', ')} drained and stopped after ${drainSeconds.toFixed(1)}s`);
  return { terminated: leaving.map(h => h.name), drainSeconds };
}

/**
 * Auto Scaling's default termination policy, as far as the local deploy can tell instances apart:
 * first the Availability Zone with the most instances, then the newest instance there (all share
 * one launch template, and local instances have no billing hour).
 */
export function chooseInstancesToTerminate(running: Host[], count: number): Host[] {
  const left = [...running];
  const chosen: Host[] = [];
  for (let i = 0; i < count; i++) {
    const byZone = new Map<string, Host[]>();
    for (const h of left) byZone.set(h.metadata.availabilityZone, [...byZone.get(h.metadata.availabilityZone) ?? [], h]);
    const zone = [...byZone.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0][1];
    const newest = zone[zone.length - 1];
    chosen.push(newest);
    left.splice(left.indexOf(newest), 1);
  }
  return chosen;
}

function setDeregistrations(deployment: LocalDeployment, hosts: Host[],
  listeners: Array<{ balancer: string; listener: LocalDeployment['topology']['balancers'][number]['listeners'][number] }>, state: 'draining' | 'unused') {
  for (const balancer of new Set(listeners.map(l => l.balancer))) {
    const stateFile = deployment.state.balancers.find(b => b.name === balancer)!.stateFile;
    const file = deregistrationsFile(stateFile);
    const current: Deregistrations = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf-8')) : {};
    for (const { listener } of listeners.filter(l => l.balancer === balancer)) {
      for (const h of hosts.filter(x => listener.targetGroup.targets.includes(x.name))) current[`${listener.targetGroup.arn} ${h.instanceId}`] = state;
    }
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(current));
    fs.renameSync(`${file}.tmp`, file);
  }
}

/** Waits until every balancer reports the targets in a state (it writes it once its rules are in place). */
async function waitForState(deployment: LocalDeployment, instanceIds: string[], state: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const targets = Object.values(deployment.targetHealth()).flat().filter(t => instanceIds.includes(t.id));
    if (targets.length > 0 && targets.every(t => t.state === state)) return;
    if (Date.now() > deadline) throw new Error(`the balancers did not report ${instanceIds.join(', ')} ${state} within ${timeoutMs / 1000}s`);
    await sleep(20);
  }
}

/** Established connections to the given local ports inside a host. */
function openConnections(namespace: string, ports: number[]): number {
  const filter = ports.map(p => `sport = :${p}`).join(' or ');
  const r = runIn(namespace, 'ss', ['-Htn', 'state', 'established', `( ${filter} )`], { allowFailure: true });
  return r.stdout.split('\n').filter(l => l.trim()).length;
}
