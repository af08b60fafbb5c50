import { mapStack } from '../../src/model/map-stack';
import { balancerConfig } from '../../src/runtime/agents';
import { balancerRuleset, BalancerListenerConfig, targetsInService } from '../../src/runtime/balancer-rules';
import { readStack, REFERENCE } from '../fixtures';

const topology = mapStack(readStack(REFERENCE));
const [, app1, app2] = topology.hosts;
const nlb = topology.balancers[0];

describe('balancer rules', () => {
  const config = balancerConfig(nlb, topology, '/tmp/x.json', { healthCheckTimeScale: 0.1 });
  const [listener] = config.listeners;

  test('timing is scaled, thresholds are not', () => {
    // The example app checks every 5 s: every 500 ms at the default scale of 0.1.
    expect(listener.check).toEqual({ port: 9090, intervalMs: 500, timeoutMs: 400, healthyThreshold: 2, unhealthyThreshold: 2 });
    expect(listener.targets.map(t => t.address)).toEqual([app1.address, app2.address]);
  });

  test('DNAT over a flow hash to the targets in service, SNAT to the balancer', () => {
    const rules = balancerRuleset(config, l => l.targets);
    expect(rules).toContain(`ip daddr ${nlb.address} tcp dport 9090 counter dnat ip to jhash ip saddr . tcp sport . ip daddr . tcp dport mod 2`);
    expect(rules).toContain(`map { 0 : ${app1.address} . 9090, 1 : ${app2.address} . 9090 }`);
    expect(rules).toContain(`ct status dnat ct original ip daddr ${nlb.address} counter snat ip to ${nlb.address}`);
  });

  test('only healthy targets receive traffic; with none healthy, all do (fail open)', () => {
    const state = (healthy: string[]) => (id: string) => (healthy.includes(id) ? 'healthy' as const : 'unhealthy' as const);
    const l: BalancerListenerConfig = listener;
    expect(targetsInService(l, state([app2.instanceId])).map(t => t.address)).toEqual([app2.address]);
    expect(targetsInService(l, state([])).map(t => t.address)).toEqual([app1.address, app2.address]);
  });
});
