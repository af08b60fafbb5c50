import { LocalIdentities } from '../../src/model/local-identities';
import { identifyResources } from '../../src/model/references';
import { readStack, REFERENCE } from '../fixtures';

const stack = readStack(REFERENCE);
const ids = new LocalIdentities(stack.stackName, 'local-1', '123456789012');

describe('identifyResources', () => {
  const references = identifyResources(stack, ids, [{ logicalId: 'ProvisioningLogsC90BA49E', type: 'AWS::S3::Bucket', reason: 'logs' }]);

  test('every resource has the ids AWS would give it, in their shapes', () => {
    expect(references.ref('WebServer6E276FE3')).toMatch(/^i-[0-9a-f]{17}$/);
    expect(references.getAtt('AppTier86AA572A', 'DNSName')).toMatch(/^internal-.*\.elb\.local-1\.amazonaws\.com$/);
    expect(references.ref('AppTierTargetGroup8EE5AC9B')).toMatch(/^arn:aws:elasticloadbalancing:local-1:123456789012:targetgroup\//);
  });

  test('parameters resolve to their defaults', () => {
    const [parameter] = Object.keys(stack.template.Parameters!);
    expect(references.ref(parameter)).toBe(stack.template.Parameters![parameter].Default);
  });

  test('an ignored resource still has a name and any attribute', () => {
    expect(references.ref('ProvisioningLogsC90BA49E')).toBe('nlbtiersreferencearchitecture-provisioninglogsc90ba49e');
    expect(references.getAtt('ProvisioningLogsC90BA49E', 'Arn')).toMatch(/^arn:aws:local:local-1:/);
  });

  test('with() returns a new set and leaves the original as it was', () => {
    const placed = references.with({ WebServer6E276FE3: { attributes: { PrivateIp: '10.0.0.10' } } });
    expect(placed.getAtt('WebServer6E276FE3', 'PrivateIp')).toBe('10.0.0.10');
    expect(placed.getAtt('WebServer6E276FE3', 'InstanceId')).toBe(references.ref('WebServer6E276FE3'));
    expect(references.getAtt('WebServer6E276FE3', 'PrivateIp')).toBeUndefined();
  });

  test('logicalIdOf finds the resource behind a Ref or an attribute value', () => {
    expect(references.logicalIdOf(references.ref('AppFleetSecurityGroup48C6C968'))).toBe('AppFleetSecurityGroup48C6C968');
    expect(references.logicalIdOf(references.getAtt('AppTier86AA572A', 'DNSName'))).toBe('AppTier86AA572A');
    expect(references.logicalIdOf('nothing')).toBeUndefined();
  });
});
