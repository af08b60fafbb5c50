import { describeChanges, notApplicable } from '../../src/deploy/update';
import { AutoScalingGroup, Topology } from '../../src/model/topology';
import { TopologyChanges } from '../../src/model/topology-diff';

const ASSOCIATION = { logicalId: 'Assoc', documentName: 'Doc', steps: [] };
const ROLLING = { maxBatchSize: 1, minInstancesInService: 2, pauseTimeSeconds: 2400, waitOnResourceSignals: true };
const withGroup = (rollingUpdate?: typeof ROLLING, maxSize = 3) =>
  ({ groups: [{ logicalId: 'Group', maxSize, ...(rollingUpdate ? { rollingUpdate } : {}) } as AutoScalingGroup] } as Topology);
const NONE: TopologyChanges = { associations: [], capacities: [], launchTemplates: [], noEffect: [], unsupported: [] };

describe('an update\'s plan', () => {
  test('association re-runs and new capacities are applied; they are described with their targets and rate controls', () => {
    const changes: TopologyChanges = {
      ...NONE,
      associations: [{
        logicalId: 'Assoc',
        documentName: 'Doc',
        association: ASSOCIATION,
        previous: ASSOCIATION,
        hosts: ['app1', 'app2'],
        maxConcurrency: '1',
        maxErrors: '0',
        changed: ['parameters or assets'],
      }],
      capacities: [{ group: 'Group', from: 2, to: 4 }],
      noEffect: ['the stack\'s outputs (no running host reads them)'],
    };

    expect(notApplicable(changes, withGroup())).toEqual([]);
    expect(describeChanges(changes)).toEqual([
      '  association Assoc (Doc): parameters or assets changed; runs again on app1, app2, MaxConcurrency 1, MaxErrors 0',
      '  Group: DesiredCapacity 2 -> 4 (scale-out)',
      '  needs nothing on the running hosts: the stack\'s outputs (no running host reads them)',
    ]);
  });

  test('a new launch template of a group with an AutoScalingRollingUpdate is applied', () => {
    const changes: TopologyChanges = { ...NONE, launchTemplates: [{ group: 'Group', hosts: ['app1', 'app2'] }] };
    expect(notApplicable(changes, withGroup(ROLLING))).toEqual([]);
  });

  test('fails on a new launch template whose new UpdatePolicy keeps as many instances in service as MaxSize, naming the limit', () => {
    const changes: TopologyChanges = { ...NONE, launchTemplates: [{ group: 'Group', hosts: ['app1', 'app2'] }] };

    expect(notApplicable(changes, withGroup(ROLLING, 2)))
      .toEqual(['Group: AutoScalingRollingUpdate MinInstancesInService 2: it must be less than the group\'s MaxSize 2']);
  });

  test('a new launch template without an AutoScalingRollingUpdate and unsupported changes are listed as what it cannot apply, each named', () => {
    const changes: TopologyChanges = {
      ...NONE,
      launchTemplates: [{ group: 'Group', hosts: ['app1', 'app2'] }],
      unsupported: ['security group Sg: it changed'],
    };

    expect(notApplicable(changes, withGroup())).toEqual([
      'security group Sg: it changed',
      'Group: a new launch template without an AutoScalingRollingUpdate UpdatePolicy (the local deploy applies a launch template only by a rolling replacement)',
    ]);
    expect(describeChanges(changes)).toEqual([
      '  Group: its launch template changed; its UpdatePolicy replaces app1, app2',
    ]);
  });
});
