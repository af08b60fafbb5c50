import { LocalDeployment } from './deployment';
import { Host } from '../model/topology';

/** What a scale-in did. */
export interface ScaleInReport {
  /** The hosts whose instances were terminated. */
  readonly terminated: string[];
  /** From the deregistration until the last of them was stopped. */
  readonly drainSeconds: number;
}

/** Options of {@link scaleIn}. */
export interface ScaleInOptions {
  readonly log: (line: string) => void;
}

/**
 * Lowers the capacity of a running Auto Scaling group, as a scale-in does on AWS: Auto Scaling picks
 * the instances (from the Availability Zone with the most, the newest there) and terminates them:
 * each is deregistered from its target groups, drained, stopped and removed
 * ({@link LocalDeployment.terminateInstance}).
 *
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-termination-policies.html
 */
export async function scaleIn(deployment: LocalDeployment, group: string, capacity: number, options: ScaleInOptions): Promise<ScaleInReport> {
  const running = deployment.runningInstances(group);
  if (running.length === 0) throw new Error(`${group} is not an Auto Scaling group of the deployment with running instances`);
  if (!Number.isInteger(capacity) || capacity < 0 || capacity >= running.length) {
    throw new Error(`${group} runs ${running.length} instances: scaling in needs a capacity from 0 to ${running.length - 1}, got ${capacity}`);
  }
  const leaving = chooseInstancesToTerminate(running, running.length - capacity);
  const started = Date.now();
  options.log(`${group}: scaling in from ${running.length} to ${capacity}; draining ${leaving.map(h => h.name).join(', ')}`);
  await Promise.all(leaving.map(h => deployment.terminateInstance(h.name)));
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
