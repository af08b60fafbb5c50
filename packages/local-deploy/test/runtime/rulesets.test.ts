import { mapStack } from '../../src/model/map-stack';
import { ApacheService } from '../../src/model/topology';
import { balancerConfig } from '../../src/runtime/agents';
import { apacheConfig } from '../../src/runtime/apache';
import { balancerRuleset, BalancerListenerConfig, targetsInService } from '../../src/runtime/balancer-rules';
import { internetGatewayRuleset, securityGroupRuleset } from '../../src/runtime/firewall';
import { readStack, REFERENCE } from '../fixtures';

const topology = mapStack(readStack(REFERENCE));
const [web, app1, app2] = topology.hosts;
const nlb = topology.balancers[0];

describe('securityGroupRuleset', () => {
  test('an app host admits the uwsgi port from the balancer only, and drops the rest', () => {
    const rules = securityGroupRuleset(topology, app1, false);
    expect(rules).toContain(`ip saddr { ${nlb.address} } tcp dport 9090 counter accept`);
    expect(rules).not.toContain(web.address);
    expect(rules).toMatch(/counter drop\n {2}\}\n {2}chain egress/);
    expect(rules).not.toContain('chain forward');
  });

  test('the web server admits port 80 from anywhere', () => {
    expect(securityGroupRuleset(topology, web, false)).toMatch(/\n {4}tcp dport 80 counter accept/);
  });

  test('the balancer admits the listener port from the web server and filters what it forwards', () => {
    const rules = securityGroupRuleset(topology, nlb, true);
    expect(rules).toContain(`ip saddr { ${web.address} } tcp dport 9090 counter accept`);
    expect(rules).toContain('chain forward');
  });

  test('the Internet gateway maps the Elastic IP to the web server and nothing else', () => {
    const rules = internetGatewayRuleset(topology, 'v-internet');
    expect(rules).toContain(`ip daddr ${web.elasticIp} dnat ip to ${web.address}`);
    expect(rules.match(/dnat ip to/g)).toHaveLength(1);
    expect(rules).toContain('iifname "v-internet" counter drop');
  });
});

describe('balancer rules', () => {
  const config = balancerConfig(nlb, topology, '/tmp/x.json', { healthCheckTimeScale: 0.1 });
  const [listener] = config.listeners;

  test('timing is scaled, thresholds are not', () => {
    expect(listener.check).toEqual({ port: 9090, intervalMs: 1000, timeoutMs: 1000, healthyThreshold: 2, unhealthyThreshold: 2 });
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

describe('apacheConfig', () => {
  const service = web.services[0] as ApacheService;

  test('a private instance with the modules the proxy needs, and the association\'s file included', () => {
    const conf = apacheConfig('/run/x/httpd', service, web);
    for (const m of ['mpm_event', 'authz_core', 'proxy', 'proxy_uwsgi']) expect(conf).toContain(`LoadModule ${m}_module`);
    expect(conf).toContain('Listen 80');
    expect(conf).toContain('Include "/run/x/httpd/conf.d/*.conf"');
  });

  test('no second Listen 80 when the proxy configuration has one', () => {
    expect(apacheConfig('/d', { ...service, proxyConfig: 'Listen 80\n' }, web)).not.toContain('Listen 80');
  });
});
