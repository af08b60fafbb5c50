import { CloudAssembly } from '../../src/assembly/cloud-assembly';
import { mapStack, UnsupportedResourcesError } from '../../src/model/map-stack';
import { editedFixture, readStack, REFERENCE } from '../fixtures';

describe('mapLoadBalancers', () => {
  const topology = mapStack(readStack(REFERENCE));

  test('one balancer host in the first subnet of the NLB, after the hosts of that subnet', () => {
    const [nlb] = topology.balancers;
    expect(nlb).toMatchObject({ name: 'nlb1', address: '10.0.2.11', subnet: topology.hosts[1].subnet });
    expect(nlb.dnsName).toMatch(/^internal-/);
  });

  test.each([
    ['a TLS listener', (t: any) => { t.Resources.AppTierListenerB7422D7D.Properties.Protocol = 'TLS'; }, /listener AppTierListenerB7422D7D uses TLS/],
    ['HTTP health checks', (t: any) => { t.Resources.AppTierTargetGroup8EE5AC9B.Properties.HealthCheckProtocol = 'HTTP'; }, /checks health with HTTP/],
    ['IP targets', (t: any) => { t.Resources.AppTierTargetGroup8EE5AC9B.Properties.TargetType = 'ip'; }, /target type ip/],
    ['an internet-facing NLB', (t: any) => { t.Resources.AppTier86AA572A.Properties.Scheme = 'internet-facing'; }, /an internet-facing NLB/],
  ])('fails on %s, naming it', (_what, edit, message) => {
    const dir = editedFixture(REFERENCE, edit);
    expect(() => mapStack(CloudAssembly.read(dir).stack(REFERENCE.stack))).toThrow(UnsupportedResourcesError);
    expect(() => mapStack(CloudAssembly.read(dir).stack(REFERENCE.stack))).toThrow(message);
  });
});
