import { BalancerListenerConfig, TargetState } from './balancer-rules';

/** A target's health as a balancer's health checker tracks it. */
export interface TargetHealthRecord {
  readonly state: TargetState;
  /** The reason code DescribeTargetHealth gives for the state (empty when healthy). */
  readonly reason: string;
  /** Consecutive checks passed, and failed, up to the last one. */
  readonly successes: number;
  readonly failures: number;
}

/** A target just registered: no check has passed or failed yet. */
export const REGISTERED: TargetHealthRecord = { state: 'initial', reason: 'Elb.RegistrationInProgress', successes: 0, failures: 0 };

/**
 * The health of a target after one health check: `healthyThreshold` consecutive successes make it
 * healthy (`initialHealthyThreshold` a just registered one: an ALB's passes one check),
 * `unhealthyThreshold` consecutive failures unhealthy; a target that never passed stays
 * `initial` until it fails as many checks as a healthy one would. A deregistered (draining or
 * unused) target is no longer checked: a verdict that arrives after its deregistration does not count.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html (HealthyThresholdCount, UnhealthyThresholdCount)
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html (target health states)
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html ("After your target is registered, it must pass one health check to be considered healthy")
 */
export function afterCheck(health: TargetHealthRecord, passed: boolean,
  thresholds: Pick<BalancerListenerConfig['check'], 'healthyThreshold' | 'unhealthyThreshold'> & { readonly initialHealthyThreshold?: number }): TargetHealthRecord {
  if (isDeregistered(health.state)) return health;
  if (passed) {
    const successes = health.successes + 1;
    const needed = health.state === 'initial' ? thresholds.initialHealthyThreshold ?? thresholds.healthyThreshold : thresholds.healthyThreshold;
    const healthy = health.state !== 'healthy' && successes >= needed;
    return { ...health, successes, failures: 0, ...(healthy ? { state: 'healthy', reason: '' } : {}) };
  }
  const failures = health.failures + 1;
  const unhealthy = health.state !== 'unhealthy' && failures >= thresholds.unhealthyThreshold;
  return { ...health, failures, successes: 0, ...(unhealthy ? { state: 'unhealthy', reason: 'Target.FailedHealthChecks' } : {}) };
}

/** The health of a target the tool deregistered: draining first (open connections go on), then unused. */
export function afterDeregistration(health: TargetHealthRecord, state: 'draining' | 'unused'): TargetHealthRecord {
  if (health.state === state) return health;
  return { ...health, state, reason: state === 'draining' ? 'Target.DeregistrationInProgress' : 'Target.NotRegistered' };
}

/** Whether a target is out of its target group's checks (deregistered). */
export function isDeregistered(state: TargetState): boolean {
  return state === 'draining' || state === 'unused';
}

/**
 * The health records after the registered targets changed: a target still registered keeps its
 * record (its state and its run of checks), a new one starts as just registered, and one no longer
 * registered is dropped. Keys are `<target group ARN> <target id>`.
 */
export function reconcileRegistrations(health: ReadonlyMap<string, TargetHealthRecord>,
  registered: Iterable<string>): Map<string, TargetHealthRecord> {
  return new Map([...registered].map(k => [k, health.get(k) ?? REGISTERED]));
}
