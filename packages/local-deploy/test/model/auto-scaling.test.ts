import { freeAddress, launchedHost, launchSubnet, nextHostName, rollingReplacementBatches, withHost, withoutHost } from '../../src/model/auto-scaling';
import { rollingUpdatePolicy } from '../../src/model/hosts';
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

describe('the fleet\'s UpdatePolicy as mapped', () => {
  test('replaces one instance at a time, keeps its desired capacity (below MaxSize) in service, and waits for signals', () => {
    // MaxSize 2 = DesiredCapacity here: MinInstancesInService must stay below MaxSize.
    expect(group.rollingUpdate).toEqual({
      maxBatchSize: 1,
      minInstancesInService: Math.min(group.desiredCapacity, group.maxSize - 1),
      pauseTimeSeconds: expect.any(Number),
      waitOnResourceSignals: true,
    });
    expect(group.rollingUpdate!.pauseTimeSeconds).toBeGreaterThan(0);
    expect(group.rollingUpdate!.pauseTimeSeconds).toBeLessThanOrEqual(3600);
  });
});

describe('rollingUpdatePolicy (CloudFormation\'s defaults and limits)', () => {
  test('defaults: batches of 1, none kept in service, no pause; PT5M when it waits for signals', () => {
    expect(rollingUpdatePolicy({})).toEqual({ maxBatchSize: 1, minInstancesInService: 0, pauseTimeSeconds: 0, waitOnResourceSignals: false });
    expect(rollingUpdatePolicy({ WaitOnResourceSignals: true }).pauseTimeSeconds).toBe(300);
    expect(rollingUpdatePolicy({ MaxBatchSize: '2', MinInstancesInService: '1', PauseTime: 'PT10M' }))
      .toEqual({ maxBatchSize: 2, minInstancesInService: 1, pauseTimeSeconds: 600, waitOnResourceSignals: false });
  });

  test('names a value CloudFormation refuses', () => {
    expect(() => rollingUpdatePolicy({ PauseTime: 'PT2H' })).toThrow(/PauseTime "PT2H": at most PT1H/);
    expect(() => rollingUpdatePolicy({ MaxBatchSize: 0 })).toThrow(/MaxBatchSize 0: expected a whole number of at least 1/);
    expect(() => rollingUpdatePolicy({ MinInstancesInService: 'x' })).toThrow(/MinInstancesInService "x"/);
  });
});

describe('rollingReplacementBatches (AutoScalingRollingUpdate\'s order)', () => {
  test('MinInstancesInService = desired: each batch launches a new instance before it terminates an old one', () => {
    expect(rollingReplacementBatches(['app1', 'app2'], 4, { maxBatchSize: 1, minInstancesInService: 2 })).toEqual([
      { launchFirst: 1, terminate: ['app1'], launchAfter: 0 },
      { launchFirst: 1, terminate: ['app2'], launchAfter: 0 },
    ]);
  });

  test('MinInstancesInService 0: terminates a batch, then launches its replacements', () => {
    expect(rollingReplacementBatches(['a1', 'a2', 'a3'], 3, { maxBatchSize: 2, minInstancesInService: 0 })).toEqual([
      { launchFirst: 0, terminate: ['a1', 'a2'], launchAfter: 2 },
      { launchFirst: 0, terminate: ['a3'], launchAfter: 1 },
    ]);
  });

  test('launches above the desired capacity only as far as MinInstancesInService needs, within MaxSize', () => {
    // 4 running, keep 3, MaxSize 5: batches of 2 need 1 launched first; MaxSize caps a batch at MaxSize - Min.
    expect(rollingReplacementBatches(['a1', 'a2', 'a3', 'a4'], 5, { maxBatchSize: 2, minInstancesInService: 3 })).toEqual([
      { launchFirst: 1, terminate: ['a1', 'a2'], launchAfter: 1 },
      { launchFirst: 1, terminate: ['a3', 'a4'], launchAfter: 1 },
    ]);
    expect(rollingReplacementBatches(['a1', 'a2', 'a3', 'a4'], 5, { maxBatchSize: 4, minInstancesInService: 4 })
      .map(b => b.terminate)).toEqual([['a1'], ['a2'], ['a3'], ['a4']]);
  });

  test('refuses MinInstancesInService not below MaxSize', () => {
    expect(() => rollingReplacementBatches(['a1', 'a2'], 2, { maxBatchSize: 1, minInstancesInService: 2 }))
      .toThrow(/MinInstancesInService 2: it must be less than the group's MaxSize 2/);
  });
});

describe('rollingReplacementBatches of some of the running instances (a rollback)', () => {
  test('counts every running instance toward MinInstancesInService', () => {
    // 2 running, 1 of them replaced, keep 1: it may go first.
    expect(rollingReplacementBatches(['app3'], 2, { maxBatchSize: 1, minInstancesInService: 1 }, 2))
      .toEqual([{ launchFirst: 0, terminate: ['app3'], launchAfter: 1 }]);
  });
});
