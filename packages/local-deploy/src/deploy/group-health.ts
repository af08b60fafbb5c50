import { AutoScalingGroup } from '../model/topology';
import { TargetState } from '../runtime/balancer-rules';

/** What Auto Scaling knows of one InService instance of a group when it checks its health. */
export interface InstanceHealthView {
  readonly host: string;
  readonly instanceId: string;
  readonly group: string;
  /** When it was launched (ms since the epoch): the grace period starts then, as it enters InService without a lifecycle hook. */
  readonly launchedAt: number;
  /** Whether its machine runs (EC2's status checks): its init is alive. */
  readonly running: boolean;
  /** Its targets' states in the group's target groups. */
  readonly targetStates: TargetState[];
}

/** An instance Auto Scaling finds unhealthy, and why. */
export interface UnhealthyInstance {
  readonly host: string;
  readonly instanceId: string;
  readonly group: string;
  readonly reason: string;
}

/**
 * The instances Auto Scaling marks unhealthy, and therefore terminates and replaces: one whose
 * machine no longer runs (EC2 status checks, always on); under the `ELB` health check type also one
 * whose target a load balancer reports `unhealthy`, once the group's health check grace period
 * (multiplied by `timeScale`, as the health checks are) since its launch is over. A target that is
 * still `initial`, or draining, is not unhealthy.
 *
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-health-checks.html
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-check-grace-period.html
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-add-elb-healthcheck.html
 */
export function unhealthyInstances(instances: InstanceHealthView[], groups: AutoScalingGroup[], now: number, timeScale: number): UnhealthyInstance[] {
  const out: UnhealthyInstance[] = [];
  for (const i of instances) {
    const group = groups.find(g => g.logicalId === i.group);
    if (!group) continue;
    const verdict = { host: i.host, instanceId: i.instanceId, group: i.group };
    if (!i.running) {
      out.push({ ...verdict, reason: 'EC2 status checks: its machine is down (its init exited)' });
      continue;
    }
    const graceMs = group.healthCheckGracePeriodSeconds * 1000 * timeScale;
    if (group.healthCheckType === 'ELB' && now - i.launchedAt >= graceMs && i.targetStates.includes('unhealthy')) {
      out.push({
        ...verdict,
        reason: `ELB health checks: its target is unhealthy (Target.FailedHealthChecks), ${seconds((now - i.launchedAt) / 1000)} after its launch `
          + `(grace period ${group.healthCheckGracePeriodSeconds}s x${timeScale})`,
      });
    }
  }
  return out;
}

function seconds(s: number): string {
  return `${Number(s.toFixed(1))}s`;
}
