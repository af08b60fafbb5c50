import { mapStack } from '../../src/model/map-stack';
import { balancerConfig } from '../../src/runtime/agents';
import { balancerRuleset, BalancerListenerConfig, statusMatches, targetsInService } from '../../src/runtime/balancer-rules';
import { HTTPS_WEB_FLEET, readStack, REFERENCE } from '../fixtures';

const topology = mapStack(readStack(REFERENCE));
const [, app1, app2] = topology.hosts;
const nlb = topology.balancers[0];

describe('balancer rules', () => {
  const config = balancerConfig(nlb, topology, '/tmp/x.json', { healthCheckTimeScale: 0.1 });
  const [listener] = config.listeners;

  test('timing is scaled, thresholds are not', () => {
    // The example app checks every 5 s: every 500 ms at the default scale of 0.1.
    expect(listener.check).toEqual({ protocol: 'TCP', initialHealthyThreshold: 2, port: 9090, intervalMs: 500, timeoutMs: 400, healthyThreshold: 2, unhealthyThreshold: 2 });
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

describe('statusMatches (an HTTP health check\'s matcher)', () => {
  test.each([
    ['200', 200, true],
    ['200', 204, false],
    ['200,202', 202, true],
    ['200-299', 299, true],
    ['200-299', 300, false],
    ['200,300-302', 301, true],
    ['200,300-302', 404, false],
  ])('%s with status %d: %s', (matcher, status, expected) => {
    expect(statusMatches(matcher, status)).toBe(expected);
  });
});

describe('balancerConfig of an Application Load Balancer', () => {
  const fleet = mapStack(readStack(HTTPS_WEB_FLEET));
  const alb = fleet.balancers.find(b => b.type === 'application')!;
  const [listener] = balancerConfig(alb, fleet, '/tmp/x.json', { healthCheckTimeScale: 0.1 }).listeners;

  test('checks with an HTTP GET of the path, the matcher, one pass for a new target, and the interval scaled like the NLB\'s', () => {
    expect(listener.check).toEqual({
      protocol: 'HTTP',
      path: '/nlb-tiers-health',
      matcher: '200',
      initialHealthyThreshold: 1,
      port: 80,
      intervalMs: 1000,
      timeoutMs: 500,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
    });
    expect(listener.targets.map(t => t.port)).toEqual([80, 80]);
  });
});
