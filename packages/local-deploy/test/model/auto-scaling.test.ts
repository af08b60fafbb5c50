import { freeAddress, launchedHost, launchSubnet, nextHostName, withHost, withoutHost } from '../../src/model/auto-scaling';
import { mapStack } from '../../src/model/map-stack';
import { Host, Topology } from '../../src/model/topology';
import { readStack, REFERENCE } from '../fixtures';

const topology = mapStack(readStack(REFERENCE));
const group = topology.groups.find(g => g.role === 'app')!;
const zoneOf = (subnet: string) => topology.subnets.find(s => s.logicalId === subnet)!.availabilityZone;
const [subnetA, subnetB] = group.subnets.map(id => topology.subnets.find(s => s.logicalId === id)!);
const appHosts = () => topology.hosts.filter(h => h.logicalId === group.logicalId);
const newHost = (name: string, subnet = subnetA, address = '10.0.99.10') => launchedHost(group, subnet, { name, instanceId: `i-${name}`, address });

describe('the fleet\'s Auto Scaling group as mapped', () => {
  test('checks its targets\' health after a grace period of the provisioning timeout, in two zones', () => {
    expect(group).toMatchObject({ healthCheckType: 'ELB', healthCheckGracePeriodSeconds: 2400, minSize: 2, maxSize: 2, tokensRequired: true });
    expect(new Set(group.subnets.map(zoneOf)).size).toBe(2);
    expect(group.targetGroupArns).toEqual([topology.balancers[0].listeners[0].targetGroup.arn]);
    expect(group.associations.map(a => a.logicalId)).toEqual(appHosts()[0].associations.map(a => a.logicalId));
    expect(group.hostsEntries).toEqual(appHosts()[0].hostsEntries);
  });
});

describe('launchSubnet (Auto Scaling keeps the zones balanced)', () => {
  test('a replacement goes to the zone the terminated instance leaves', () => {
    const [app1, app2] = appHosts();
    for (const leaving of [app1, app2]) {
      const rest = { ...topology, hosts: topology.hosts.filter(h => h !== leaving) };
      expect(launchSubnet(group, rest).availabilityZone).toBe(leaving.metadata.availabilityZone);
    }
  });

  test('with the zones even, the zone of the group\'s first subnet; then the other one', () => {
    const even = launchSubnet(group, topology);
    expect(even.logicalId).toBe(subnetA.logicalId);
    const after = withHost({ ...topology, groups: [group] } as Topology, newHost('app3', even));
    expect(launchSubnet(group, after).logicalId).toBe(subnetB.logicalId);
  });

  test('names a subnet the topology lacks', () => {
    expect(() => launchSubnet({ ...group, subnets: ['Nowhere'] }, topology)).toThrow(/its subnet Nowhere is not in the topology/);
  });
});

describe('freeAddress', () => {
  test('the lowest address from .10 up that no host ever had', () => {
    const subnet = { logicalId: 'S', cidr: '10.0.2.0/24' };
    expect(freeAddress(subnet, new Set())).toBe('10.0.2.10');
    expect(freeAddress(subnet, new Set(['10.0.2.10', '10.0.2.11', '10.0.2.13']))).toBe('10.0.2.12');
  });

  test('fails on a full subnet, naming it (the last address is reserved)', () => {
    const subnet = { logicalId: 'Tiny', cidr: '10.0.3.0/28' };
    const taken = new Set(Array.from({ length: 6 }, (_, i) => `10.0.3.${10 + i}`));
    expect(freeAddress(subnet, new Set([...taken].slice(0, 4)))).toBe('10.0.3.14');
    expect(() => freeAddress(subnet, new Set([...taken].slice(0, 5)))).toThrow('subnet Tiny (10.0.3.0/28) has no free address left');
  });
});

describe('nextHostName', () => {
  test('one above the highest number of the role ever used, whatever else is named', () => {
    expect(nextHostName('app', ['web1', 'app1', 'app2', 'nlb1'])).toBe('app3');
    expect(nextHostName('app', ['app1', 'app7', 'application2'])).toBe('app8');
    expect(nextHostName('app', ['web1'])).toBe('app1');
  });
});

describe('withHost and withoutHost', () => {
  test('a launched instance carries its group\'s launch template, tags\' associations and hosts entries, and registers with its target groups', () => {
    const host: Host = newHost('app3', subnetB, '10.0.3.20');
    expect(host).toMatchObject({
      logicalId: group.logicalId,
      subnet: subnetB.logicalId,
      securityGroups: group.securityGroups,
      publishedPorts: [],
      metadata: { instanceId: 'i-app3', availabilityZone: subnetB.availabilityZone, localIpv4: '10.0.3.20', tokensRequired: true },
    });
    expect(host.elasticIp).toBeUndefined();

    const grown = withHost(topology, host);
    expect(grown.hosts.map(h => h.name)).toEqual([...topology.hosts.map(h => h.name), 'app3']);
    expect(grown.balancers[0].listeners[0].targetGroup.targets).toEqual(['app1', 'app2', 'app3']);
    // The input is not changed.
    expect(topology.balancers[0].listeners[0].targetGroup.targets).toEqual(['app1', 'app2']);

    const shrunk = withoutHost(grown, 'app1');
    expect(shrunk.hosts.map(h => h.name)).not.toContain('app1');
    expect(shrunk.balancers[0].listeners[0].targetGroup.targets).toEqual(['app2', 'app3']);
  });

  test('refuses a name that is taken', () => {
    expect(() => withHost(topology, newHost('app1'))).toThrow('a host named app1 is already in the topology');
  });
});
