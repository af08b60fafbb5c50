import { afterCheck, afterDeregistration, reconcileRegistrations, REGISTERED, TargetHealthRecord } from '../../src/runtime/target-health';

const THRESHOLDS = { healthyThreshold: 3, unhealthyThreshold: 2 };

/** The states a target goes through for a run of check results (true: passed). */
function states(checks: boolean[], from: TargetHealthRecord = REGISTERED, thresholds: Parameters<typeof afterCheck>[2] = THRESHOLDS): string[] {
  let h = from;
  return checks.map(passed => (h = afterCheck(h, passed, thresholds)).state);
}

describe('target health', () => {
  test('a new target is initial until healthyThreshold checks in a row pass', () => {
    expect(REGISTERED).toMatchObject({ state: 'initial', reason: 'Elb.RegistrationInProgress' });
    expect(states([true, true, true, true])).toEqual(['initial', 'initial', 'healthy', 'healthy']);
  });

  test('with an initial healthy threshold of 1 (ALB), a new target is healthy after its first passed check; later recoveries need healthyThreshold', () => {
    const alb = { ...THRESHOLDS, initialHealthyThreshold: 1 };
    expect(states([true, false, false, true, true, true], REGISTERED, alb)).toEqual(['healthy', 'healthy', 'unhealthy', 'unhealthy', 'unhealthy', 'healthy']);
    expect(states([false, true], REGISTERED, alb)).toEqual(['initial', 'healthy']);
  });

  test('a failure resets the run of successes', () => {
    expect(states([true, true, false, true, true, true])).toEqual(['initial', 'initial', 'initial', 'initial', 'initial', 'healthy']);
  });

  test('a new target that never passed stays initial until it fails unhealthyThreshold checks', () => {
    expect(states([false, false, false])).toEqual(['initial', 'unhealthy', 'unhealthy']);
  });

  test('a healthy target becomes unhealthy after unhealthyThreshold failures in a row, and healthy again after healthyThreshold passes', () => {
    const healthy = [true, true, true];
    expect(states([...healthy, false, true, false, false]).slice(3)).toEqual(['healthy', 'healthy', 'healthy', 'unhealthy']);
    expect(states([...healthy, false, false, true, true, true]).slice(3)).toEqual(['healthy', 'unhealthy', 'unhealthy', 'unhealthy', 'healthy']);
  });

  test('the reason follows the state', () => {
    let h = REGISTERED;
    for (const passed of [false, false]) h = afterCheck(h, passed, THRESHOLDS);
    expect(h).toMatchObject({ state: 'unhealthy', reason: 'Target.FailedHealthChecks' });
    for (const passed of [true, true, true]) h = afterCheck(h, passed, THRESHOLDS);
    expect(h).toMatchObject({ state: 'healthy', reason: '' });
  });

  test('thresholds of 1 decide on the first check', () => {
    const one = { healthyThreshold: 1, unhealthyThreshold: 1 };
    expect(afterCheck(REGISTERED, true, one).state).toBe('healthy');
    expect(afterCheck(REGISTERED, false, one).state).toBe('unhealthy');
  });

  test('a deregistered target drains, then is unused; checks no longer count', () => {
    let h = REGISTERED;
    for (const passed of [true, true, true]) h = afterCheck(h, passed, THRESHOLDS);
    const draining = afterDeregistration(h, 'draining');
    expect(draining).toMatchObject({ state: 'draining', reason: 'Target.DeregistrationInProgress' });
    // A verdict that arrives after the deregistration does not bring the target back.
    expect(afterCheck(draining, false, THRESHOLDS)).toBe(draining);
    expect(afterCheck(draining, true, THRESHOLDS)).toBe(draining);
    const unused = afterDeregistration(draining, 'unused');
    expect(unused).toMatchObject({ state: 'unused', reason: 'Target.NotRegistered' });
    expect(afterDeregistration(unused, 'unused')).toBe(unused);
  });
});

describe('reconcileRegistrations (targets registered while the balancer runs)', () => {
  const healthy: TargetHealthRecord = { state: 'healthy', reason: '', successes: 5, failures: 0 };
  const unhealthy: TargetHealthRecord = { state: 'unhealthy', reason: 'Target.FailedHealthChecks', successes: 0, failures: 3 };

  test('a new target starts as just registered; the others keep their state and their run of checks', () => {
    const before = new Map([['tg i-1', healthy], ['tg i-2', unhealthy]]);
    const after = reconcileRegistrations(before, ['tg i-1', 'tg i-2', 'tg i-3']);
    expect([...after]).toEqual([['tg i-1', healthy], ['tg i-2', unhealthy], ['tg i-3', REGISTERED]]);
  });

  test('a target no longer registered is forgotten', () => {
    const after = reconcileRegistrations(new Map([['tg i-1', healthy], ['tg i-2', unhealthy]]), ['tg i-2']);
    expect([...after.keys()]).toEqual(['tg i-2']);
  });
});
