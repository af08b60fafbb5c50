import { InstanceHealthView, unhealthyInstances } from '../../src/deploy/group-health';
import { AutoScalingGroup } from '../../src/model/topology';

const group = (healthCheckType: 'EC2' | 'ELB', grace: number) => ({ logicalId: 'Fleet', healthCheckType, healthCheckGracePeriodSeconds: grace }) as AutoScalingGroup;
const view = (over: Partial<InstanceHealthView>): InstanceHealthView => ({
  host: 'app1', instanceId: 'i-1', group: 'Fleet', launchedAt: 0, running: true, targetStates: ['healthy'], ...over,
});

describe('unhealthyInstances (Auto Scaling\'s health checks)', () => {
  test('a machine that is down is unhealthy under either type, even within the grace period', () => {
    for (const type of ['EC2', 'ELB'] as const) {
      expect(unhealthyInstances([view({ running: false })], [group(type, 2400)], 1000, 0.1)).toEqual([
        { host: 'app1', instanceId: 'i-1', group: 'Fleet', reason: 'EC2 status checks: its machine is down (its init exited)' },
      ]);
    }
  });

  test('an unhealthy target replaces its instance under ELB once the scaled grace period since launch is over', () => {
    const groups = [group('ELB', 2400)];
    const sick = view({ launchedAt: 10_000, targetStates: ['unhealthy'] });
    // 2400 s x0.05 = 120 s after the launch.
    expect(unhealthyInstances([sick], groups, 10_000 + 119_900, 0.05)).toEqual([]);
    const [verdict] = unhealthyInstances([sick], groups, 10_000 + 120_000, 0.05);
    expect(verdict.reason).toBe('ELB health checks: its target is unhealthy (Target.FailedHealthChecks), 120s after its launch (grace period 2400s x0.05)');
  });

  test('under EC2 an unhealthy target is not the group\'s concern', () => {
    expect(unhealthyInstances([view({ targetStates: ['unhealthy'] })], [group('EC2', 0)], 1e9, 1)).toEqual([]);
  });

  test('a target that is initial, draining or healthy is not unhealthy; one unhealthy target group of two is', () => {
    const groups = [group('ELB', 0)];
    for (const state of ['initial', 'draining', 'healthy', 'unused'] as const) {
      expect(unhealthyInstances([view({ targetStates: [state] })], groups, 1, 1)).toEqual([]);
    }
    expect(unhealthyInstances([view({ targetStates: ['healthy', 'unhealthy'] })], groups, 1, 1)).toHaveLength(1);
  });

  test('an instance of no known group is left alone', () => {
    expect(unhealthyInstances([view({ group: 'Other', running: false })], [group('ELB', 0)], 1, 1)).toEqual([]);
  });
});
