import { UnsupportedFeatureError } from '../../src/errors';
import { UnsupportedResources, UnsupportedResourcesError } from '../../src/model/unsupported';

describe('UnsupportedResources', () => {
  const types: Record<string, string> = { Queue: 'AWS::SQS::Queue', Nlb: 'AWS::ElasticLoadBalancingV2::LoadBalancer' };

  test('guard turns an UnsupportedFeatureError into an entry naming the resource', () => {
    const unsupported = new UnsupportedResources(id => types[id]);
    expect(unsupported.guard('Nlb', () => {
      throw new UnsupportedFeatureError('an internet-facing NLB');
    })).toBeUndefined();
    expect(unsupported.guard('Queue', () => 42)).toBe(42);
    expect(unsupported.list).toEqual([{ logicalId: 'Nlb', type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', reason: 'an internet-facing NLB' }]);
  });

  test('fails with the bug itself when the mapping has one: no entry, the stack trace kept', () => {
    const unsupported = new UnsupportedResources(id => types[id]);
    const bug = new TypeError("Cannot read properties of undefined (reading 'Port')");
    expect(() => unsupported.guard('Nlb', () => {
      throw bug;
    })).toThrow(bug);
    expect(unsupported.list).toEqual([]);
  });

  test('throwIfAny lists every entry', () => {
    const unsupported = new UnsupportedResources(id => types[id]);
    unsupported.add('Queue', 'no local equivalent');
    unsupported.add('Nlb', 'an internet-facing NLB');
    expect(() => unsupported.throwIfAny('Stack')).toThrow(UnsupportedResourcesError);
    expect(() => unsupported.throwIfAny('Stack')).toThrow(/Queue \(AWS::SQS::Queue\): no local equivalent\n {2}- Nlb \(.*\): an internet-facing NLB/);
    expect(() => new UnsupportedResources(id => types[id]).throwIfAny('Stack')).not.toThrow();
  });
});
