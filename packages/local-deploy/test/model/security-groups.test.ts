import { portsOpenTo } from '../../src/model/security-groups';
import { SecurityGroup, SecurityGroupRule } from '../../src/model/topology';

function rule(protocol: string, fromPort: number, toPort: number, cidr: string): SecurityGroupRule {
  return { protocol, fromPort, toPort, peer: { cidr } };
}

describe('portsOpenTo', () => {
  const groups: SecurityGroup[] = [
    { logicalId: 'Web', ingress: [rule('tcp', 80, 80, '0.0.0.0/0'), rule('tcp', 443, 443, '203.0.113.0/24'), rule('tcp', 22, 22, '10.0.0.0/16')], egress: [] },
    { logicalId: 'Other', ingress: [rule('tcp', 8080, 8080, '0.0.0.0/0'), rule('tcp', 1000, 2000, '0.0.0.0/0')], egress: [] },
  ];

  test('the single TCP ports a member\'s groups open to an Internet address', () => {
    expect(portsOpenTo('203.0.113.2', ['Web'], groups)).toEqual([80, 443]);
    expect(portsOpenTo('198.51.100.7', ['Web'], groups)).toEqual([80]);
  });

  test('port ranges and groups the member is not in publish nothing', () => {
    expect(portsOpenTo('203.0.113.2', ['Other'], groups)).toEqual([8080]);
    expect(portsOpenTo('203.0.113.2', [], groups)).toEqual([]);
  });
});
