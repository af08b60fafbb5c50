import * as fs from 'fs';
import type { TargetHealth } from './deployment';
import { Balancer, Host, Topology } from '../model/topology';
import { BalancerTiming, balancerConfig } from '../runtime/agents';
import { Deregistrations, deregistrationsFile, Registrations, registrationsFile } from '../runtime/balancer-rules';
import { runIn, sleep } from '../runtime/exec';

/** How the deployment reaches its balancers' files and their health checkers' view. */
export interface BalancerFiles {
  /** The state file of a balancer's health checker, by balancer name. */
  stateFile(balancer: string): string;
  /** The targets of every target group, by target group ARN, as the balancers see them now. */
  targetHealth(): Record<string, TargetHealth[]>;
}

/**
 * Hands every balancer's health checker the targets registered now with each of its target
 * groups (the topology's), in one atomic write per balancer.
 */
export function writeRegistrations(topology: Topology, files: BalancerFiles, timing: BalancerTiming) {
  for (const b of topology.balancers) {
    const config = balancerConfig(b, topology, files.stateFile(b.name), timing);
    const registrations: Registrations = Object.fromEntries(config.listeners.map(l => [l.targetGroupArn, l.targets]));
    writeAtomically(registrationsFile(files.stateFile(b.name)), JSON.stringify(registrations));
  }
}

/** The listeners, with their balancers, whose target group has the host as a target. */
export function listenersOf(topology: Topology, host: Host): Array<{ balancer: Balancer; listener: Balancer['listeners'][number] }> {
  return topology.balancers.flatMap(b => b.listeners.map(listener => ({ balancer: b, listener })))
    .filter(({ listener }) => listener.targetGroup.targets.includes(host.name));
}

/** Sets the deregistration state of hosts in the target groups of the given listeners. */
export function setDeregistrations(files: BalancerFiles, hosts: Host[],
  listeners: Array<{ balancer: Balancer; listener: Balancer['listeners'][number] }>, state: 'draining' | 'unused') {
  for (const balancer of new Set(listeners.map(l => l.balancer.name))) {
    const file = deregistrationsFile(files.stateFile(balancer));
    const current: Deregistrations = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf-8')) : {};
    for (const { listener } of listeners.filter(l => l.balancer.name === balancer)) {
      for (const h of hosts.filter(x => listener.targetGroup.targets.includes(x.name))) current[`${listener.targetGroup.arn} ${h.instanceId}`] = state;
    }
    writeAtomically(file, JSON.stringify(current));
  }
}

/** Waits until every balancer reports the targets in a state (it writes it once its rules are in place). */
export async function waitForTargetState(files: BalancerFiles, instanceIds: string[], state: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const targets = Object.values(files.targetHealth()).flat().filter(t => instanceIds.includes(t.id));
    if (targets.length > 0 && targets.every(t => t.state === state)) return;
    if (Date.now() > deadline) throw new Error(`the balancers did not report ${instanceIds.join(', ')} ${state} within ${timeoutMs / 1000}s`);
    await sleep(20);
  }
}

/**
 * Waits until a deregistered target's connections are closed, or its target groups' deregistration
 * delay (scaled) is over: ELB completes a deregistration as soon as the target has no connection
 * left. Connections are counted twice in a row, so that one whose handshake was under way counts too.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#deregistration-delay
 */
export async function drainConnections(namespace: string, groups: Array<Balancer['listeners'][number]['targetGroup']>, timeScale: number) {
  const ports = groups.map(g => g.port);
  const deadline = Date.now() + Math.max(0, ...groups.map(g => g.deregistrationDelaySeconds)) * 1000 * timeScale;
  let idle = 0;
  while (Date.now() < deadline && idle < 2) {
    idle = openConnections(namespace, ports) === 0 ? idle + 1 : 0;
    await sleep(50);
  }
}

/** Established connections to the given local ports inside a host. */
function openConnections(namespace: string, ports: number[]): number {
  const filter = ports.map(p => `sport = :${p}`).join(' or ');
  const r = runIn(namespace, 'ss', ['-Htn', 'state', 'established', `( ${filter} )`], { allowFailure: true });
  return r.stdout.split('\n').filter(l => l.trim()).length;
}

function writeAtomically(file: string, text: string) {
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}
