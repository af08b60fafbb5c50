import { freeAddress, launchedHost, launchSubnet, nextHostName, withHost } from '../../src/model/auto-scaling';
import { mapStack } from '../../src/model/map-stack';
import { Topology } from '../../src/model/topology';
import { diffTopologies, isEmpty, mappingOfRunning, withNewAssociations, withNewGroup } from '../../src/model/topology-diff';
import { APP_VERSIONS, editedFixture, readStack } from '../fixtures';

const version = (dir: string) => mapStack(readStack({ dir, stack: APP_VERSIONS.stack }));
const V1 = version(APP_VERSIONS.v1);
const V2 = version(APP_VERSIONS.v2);
const GROUP = V1.hosts.find(h => h.name === 'app1')!.logicalId;
const APP_ASSOCIATION = V1.hosts.find(h => h.name === 'app1')!.associations[0].logicalId;

/** Version 1 with its template edited, mapped as an update of a deployment that runs `held` maps it. */
function edited(edit: (template: any) => void, held: Topology = V1): Topology {
  const dir = editedFixture({ dir: APP_VERSIONS.v1, stack: APP_VERSIONS.stack }, edit);
  return mapStack(readStack({ dir, stack: APP_VERSIONS.stack }), mappingOfRunning(held));
}

/** A deployment of `held` after Auto Scaling launched `count` more instances of the group, as the deployment launches them. */
function launched(held: Topology, count: number): Topology {
  let t = held;
  for (let i = 0; i < count; i++) {
    const group = t.groups.find(g => g.logicalId === GROUP)!;
    const subnet = launchSubnet(group, t);
    const taken = new Set([...t.hosts, ...t.balancers].map(x => x.address));
    t = withHost(t, launchedHost(group, subnet, { name: nextHostName(group.role, t.hosts.map(h => h.name)), instanceId: `i-0${i}`, address: freeAddress(subnet, taken) }));
  }
  return t;
}

const scaleOut = (to: number) => (t: any) => Object.assign(t.Resources[GROUP].Properties, { DesiredCapacity: String(to), MaxSize: String(to) });

function resourceOfType(template: any, type: string): any {
  return Object.values(template.Resources).find((r: any) => r.Type === type);
}

describe('diffTopologies', () => {
  test('the same template, from another assembly folder, changes nothing', () => {
    expect(isEmpty(diffTopologies(V1, version(editedFixture({ dir: APP_VERSIONS.v1, stack: APP_VERSIONS.stack }, () => undefined))))).toBe(true);
  });

  test('a new app version re-runs the app association on its targets, one at a time, stopping at the first failure; nothing else', () => {
    const changes = diffTopologies(V1, V2);

    expect(changes.associations).toEqual([{
      logicalId: APP_ASSOCIATION,
      documentName: expect.any(String),
      association: V2.groups[0].associations[0],
      previous: V1.groups[0].associations[0],
      hosts: ['app1', 'app2'],
      maxConcurrency: '1',
      maxErrors: '0',
      changed: ['parameters or assets'],
    }]);
    expect(changes).toMatchObject({ capacities: [], launchTemplates: [], unsupported: [] });
  });

  test('new rate controls alone re-run the association', () => {
    const changes = diffTopologies(V1, edited(t => t.Resources[APP_ASSOCIATION].Properties.MaxConcurrency = '50%'));

    expect(changes.associations).toEqual([expect.objectContaining({ logicalId: APP_ASSOCIATION, maxConcurrency: '50%', changed: ['rate controls'] })]);
    expect(changes.unsupported).toEqual([]);
  });

  test('a new DesiredCapacity is a scale-out of the group from the instances it runs, and nothing else', () => {
    const changes = diffTopologies(V1, edited(t => Object.assign(t.Resources[GROUP].Properties, { DesiredCapacity: '4', MaxSize: '4' })));

    expect(changes.capacities).toEqual([{ group: GROUP, from: 2, to: 4 }]);
    expect(changes.unsupported).toEqual([]);
    expect(changes.associations).toEqual([]);
  });

  test('a lower DesiredCapacity and MinSize is a scale-in; the new limits need nothing more', () => {
    const changes = diffTopologies(V1, edited(t => Object.assign(t.Resources[GROUP].Properties, { DesiredCapacity: '1', MinSize: '1' })));

    expect(changes.capacities).toEqual([{ group: GROUP, from: 2, to: 1 }]);
    expect(changes.noEffect).toEqual([`${GROUP}: its MinSize and MaxSize (its 1 instances are within them)`]);
    expect(changes.unsupported).toEqual([]);
  });

  test('a new launch template replaces the group\'s instances, and nothing else', () => {
    const changes = diffTopologies(V1, edited(t => resourceOfType(t, 'AWS::EC2::LaunchTemplate').Properties.LaunchTemplateData.InstanceType = 't4g.small'));

    expect(changes.launchTemplates).toEqual([{ group: GROUP, hosts: ['app1', 'app2'] }]);
    expect(changes).toMatchObject({ associations: [], capacities: [], unsupported: [] });
  });

  test('after a scale-out, the same template maps to what runs: the balancer and the hosts keep their addresses, nothing changed', () => {
    // The deployment scaled out 2 -> 4: the new instances took addresses after the balancer's.
    const four = edited(scaleOut(4));
    const held = launched(withNewGroup(V1, four, GROUP), 2);
    expect(held.hosts.filter(h => h.logicalId === GROUP)).toHaveLength(4);

    const next = edited(scaleOut(4), held);

    expect(next.balancers.map(b => b.address)).toEqual(V1.balancers.map(b => b.address));
    expect(next.hosts.map(h => h.address)).toEqual(held.hosts.map(h => h.address));
    expect(diffTopologies(held, next)).toEqual({ associations: [], capacities: [], launchTemplates: [], noEffect: [], unsupported: [] });
  });

  test('after a scale-out, a new launch template and UpdatePolicy replace the group\'s instances by the new policy, and nothing else', () => {
    const held = launched(withNewGroup(V1, edited(scaleOut(3)), GROUP), 1);

    const next = edited(t => {
      resourceOfType(t, 'AWS::EC2::LaunchTemplate').Properties.LaunchTemplateData.InstanceType = 't4g.small';
      Object.assign(t.Resources[GROUP].Properties, { DesiredCapacity: '3', MaxSize: '4' });
      t.Resources[GROUP].UpdatePolicy.AutoScalingRollingUpdate.MinInstancesInService = 3;
    }, held);
    const changes = diffTopologies(held, next);

    expect(changes).toEqual({
      associations: [],
      capacities: [],
      launchTemplates: [{ group: GROUP, hosts: ['app1', 'app2', 'app3'] }],
      noEffect: [`${GROUP}: its MinSize and MaxSize (its 3 instances are within them)`],
      unsupported: [],
    });
    expect(withNewGroup(held, next, GROUP).groups[0].rollingUpdate).toEqual({ ...V1.groups[0].rollingUpdate, minInstancesInService: 3 });
  });

  test('a new UpdatePolicy alone replaces no instance and needs nothing on the running hosts', () => {
    const changes = diffTopologies(V1, edited(t => t.Resources[GROUP].UpdatePolicy.AutoScalingRollingUpdate.MaxBatchSize = 2));

    expect(changes).toEqual({
      associations: [],
      capacities: [],
      launchTemplates: [],
      noEffect: [`${GROUP}: its UpdatePolicy (it governs how a later new launch template replaces its instances)`],
      unsupported: [],
    });
  });

  test('a change to a resource the local deploy ignores (an IAM policy) changes nothing locally', () => {
    const changes = diffTopologies(V1, edited(t => resourceOfType(t, 'AWS::IAM::Policy').Properties.PolicyDocument.Statement.push(
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' })));

    expect(isEmpty(changes)).toBe(true);
  });

  test('a new CreationPolicy timeout needs nothing on a running deployment', () => {
    const changes = diffTopologies(V1, edited(t => t.Resources[GROUP].CreationPolicy.ResourceSignal.Timeout = 'PT20M'));

    expect(changes.noEffect).toEqual([`${GROUP}: its CreationPolicy (it applies only when the resource is created)`]);
    expect(changes.unsupported).toEqual([]);
  });

  test('a changed security group rule is listed as unsupported, by its group', () => {
    const changes = diffTopologies(V1, edited(t => {
      const ingress: any = Object.values(t.Resources).find((r: any) => r.Type === 'AWS::EC2::SecurityGroupIngress');
      ingress.Properties.FromPort = 1;
    }));

    expect(changes.unsupported).toEqual([expect.stringMatching(/^security group \w+: it changed$/)]);
  });

  test('instances Auto Scaling launched and terminated since are the group\'s: they run the association again', () => {
    const app1 = V1.hosts.find(h => h.name === 'app1')!;
    const replaced = { ...V1, hosts: [...V1.hosts.filter(h => h.name !== 'app1'), { ...app1, name: 'app3', instanceId: 'i-0123456789abcdef0', address: '10.0.3.99' }] };

    const changes = diffTopologies(replaced, V2);

    expect(changes.associations.map(a => a.hosts)).toEqual([['app2', 'app3']]);
    expect(changes.unsupported).toEqual([]);
  });

  test('withNewAssociations: the running hosts and the groups run the new associations; nothing else of the deployment changes', () => {
    const changes = diffTopologies(V1, V2);
    const updated = withNewAssociations(V1, V2, changes.associations);

    expect(updated.hosts.map(h => [h.name, h.address, h.instanceId])).toEqual(V1.hosts.map(h => [h.name, h.address, h.instanceId]));
    expect(updated.hosts.find(h => h.name === 'app1')!.associations).toEqual(V2.groups[0].associations);
    expect(updated.groups[0].associations).toEqual(V2.groups[0].associations);
    expect(isEmpty(diffTopologies(updated, V2))).toBe(true);
  });

  test('another stack is not an update of this one', () => {
    expect(diffTopologies(V1, { ...V2, stackName: 'Other' }).unsupported).toEqual(['the stack: the deployment runs NlbTiersAppVersions, the assembly\'s is Other']);
  });
});
