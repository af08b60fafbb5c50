import { chooseInstancesToTerminate } from '../../src/deploy/scaling';
import { Host } from '../../src/model/topology';
import { BalancerListenerConfig, TargetState, targetsInService } from '../../src/runtime/balancer-rules';

/** An instance of a group, in a zone; the rest of a host does not matter to these rules. */
const host = (name: string, zone: string) => ({ name, metadata: { availabilityZone: zone } }) as unknown as Host;

describe('chooseInstancesToTerminate (Auto Scaling\'s default termination policy, locally)', () => {
  test('takes from the zone with the most instances, the newest there first', () => {
    const running = [host('app1', 'a'), host('app2', 'b'), host('app3', 'a')];

    expect(chooseInstancesToTerminate(running, 1).map(h => h.name)).toEqual(['app3']);
  });

  test('keeps the zones balanced when it takes several; a tie goes to the first zone by name', () => {
    const running = [host('app1', 'a'), host('app2', 'b'), host('app3', 'a'), host('app4', 'b'), host('app5', 'a')];

    expect(chooseInstancesToTerminate(running, 3).map(h => h.name)).toEqual(['app5', 'app3', 'app4']);
  });
});

describe('targetsInService with deregistered targets', () => {
  const listener: BalancerListenerConfig = {
    port: 9090,
    targetGroupArn: 'arn:tg',
    targets: ['i-1', 'i-2', 'i-3'].map((id, i) => ({ id, address: `10.0.2.${10 + i}`, port: 9090 })),
    check: { protocol: 'TCP', initialHealthyThreshold: 2, port: 9090, intervalMs: 500, timeoutMs: 500, healthyThreshold: 2, unhealthyThreshold: 2 },
  };
  const states = (s: Record<string, TargetState>) => (id: string) => s[id];

  test('a draining target gets no new connection while it is healthy', () => {
    expect(targetsInService(listener, states({ 'i-1': 'healthy', 'i-2': 'healthy', 'i-3': 'draining' })).map(t => t.id)).toEqual(['i-1', 'i-2']);
  });

  test('failing open sends to every registered target, never to a draining or unused one', () => {
    expect(targetsInService(listener, states({ 'i-1': 'unhealthy', 'i-2': 'draining', 'i-3': 'unused' })).map(t => t.id)).toEqual(['i-1']);
  });
});
