import { mapHosts } from '../../src/model/hosts';
import { LocalIdentities } from '../../src/model/local-identities';
import { identifyResources } from '../../src/model/references';
import { resourceKind } from '../../src/model/resource-kinds';
import { mapSubnets, SubnetAddresses } from '../../src/model/subnets';
import { UnsupportedResources } from '../../src/model/unsupported';
import { readStack, REFERENCE } from '../fixtures';

function hostsOf(stack = readStack(REFERENCE), desiredCapacity?: number) {
  const resources = stack.template.Resources!;
  const ids = new LocalIdentities(stack.stackName, 'local-1', '123456789012');
  const ignored = Object.entries(resources).filter(([id, r]) => resourceKind(id, r)?.kind === 'ignored').map(([logicalId, r]) => ({ logicalId, type: r.Type, reason: '' }));
  const identified = identifyResources(stack, ids, ignored);
  const network = mapSubnets(stack.template, identified.resolver());
  const references = identified.with(network.values);
  const unsupported = new UnsupportedResources(id => resources[id]?.Type);
  const roles = new Map([['WebServer6E276FE3', 'web'], ['AppFleetASG62DF6EAA', 'app']]);
  const addresses = new SubnetAddresses();
  const result = mapHosts({ resources, references, ids, subnets: network.subnets, addresses, unsupported, roles, desiredCapacity });
  return { ...result, unsupported };
}

describe('mapHosts', () => {
  const { hosts, values, ignored, unsupported } = hostsOf();

  test('an instance and the desired instances of a group, named by role, spread over the group\'s subnets', () => {
    expect(hosts.map(h => [h.name, h.address])).toEqual([['web1', '10.0.0.10'], ['app1', '10.0.2.10'], ['app2', '10.0.3.10']]);
    expect(unsupported.list).toEqual([]);
  });

  test('the Elastic IP is part of the host as built, and of its metadata', () => {
    const [web] = hosts;
    expect(web.elasticIp).toBe('203.0.113.11');
    expect(web.metadata.publicIpv4).toBe('203.0.113.11');
    expect(hosts[1].elasticIp).toBeUndefined();
  });

  test('the values that only placement gives: private and public IPs, for Ref and Fn::GetAtt', () => {
    expect(values.WebServer6E276FE3).toEqual({ attributes: { PrivateIp: '10.0.0.10', AvailabilityZone: hosts[0].metadata.availabilityZone, PublicIp: '203.0.113.11' } });
    expect(values.WebServerElasticIp17ACDE27).toEqual({ ref: '203.0.113.11', attributes: { PublicIp: '203.0.113.11' } });
  });

  test('a desired capacity replaces the group\'s, the instances spread over its subnets in turn', () => {
    const scaled = hostsOf(readStack(REFERENCE), 5).hosts.filter(h => h.name.startsWith('app'));
    expect(scaled.map(h => h.address)).toEqual(['10.0.2.10', '10.0.3.10', '10.0.2.11', '10.0.3.11', '10.0.2.12']);
    expect(new Set(scaled.map(h => h.instanceId)).size).toBe(5);
  });

  test('the NAT gateway\'s Elastic IP needs nothing locally', () => {
    expect(ignored).toEqual([expect.objectContaining({ logicalId: 'VpcPublicSubnet1EIPD7E02669', reason: expect.stringMatching(/NAT gateway/) })]);
  });
});
