import { mapStack } from '../../src/model/map-stack';
import { internetGatewayRuleset, securityGroupRuleset } from '../../src/runtime/firewall';
import { HTTPS_WEB_FLEET, readStack, REFERENCE } from '../fixtures';

const topology = mapStack(readStack(REFERENCE));
const [web, app1] = topology.hosts;
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

describe('internetGatewayRuleset with an internet-facing Application Load Balancer', () => {
  const fleet = mapStack(readStack(HTTPS_WEB_FLEET));
  const alb = fleet.balancers.find(b => b.type === 'application')!;

  test('its public address (on the Internet side) maps to its private one; the internal NLB gets none', () => {
    expect(alb.publicAddress).toBe('203.0.113.200');
    expect(fleet.balancers.find(b => b.type === 'network')!.publicAddress).toBeUndefined();
    const rules = internetGatewayRuleset(fleet, 'v-internet');
    expect(rules).toContain(`ip daddr 203.0.113.200 dnat ip to ${alb.address}`);
    expect(rules.match(/dnat ip to/g)).toHaveLength(1);
  });
});
