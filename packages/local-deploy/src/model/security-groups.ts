import { SecurityGroup, SecurityGroupRule } from './topology';
import { Template } from '../assembly/cloud-assembly';
import { IntrinsicResolver } from '../assembly/intrinsics';
import { UnsupportedFeatureError } from '../errors';
import { cidrContains } from './ipv4';

/** CloudFormation's implicit egress rule of a group created without `SecurityGroupEgress`. */
const ALLOW_ALL_EGRESS: SecurityGroupRule = { protocol: '-1', fromPort: 0, toPort: 65535, peer: { cidr: '0.0.0.0/0' } };

/**
 * Collects every security group with its inline rules and the standalone
 * `SecurityGroupIngress`/`SecurityGroupEgress` resources that name it.
 * `groupIdToLogicalId` maps the local group ids back to logical ids.
 */
export function mapSecurityGroups(template: Template, resolver: IntrinsicResolver,
  groupIdToLogicalId: (id: string) => string | undefined): SecurityGroup[] {
  const resources = template.Resources ?? {};
  const groups = new Map<string, { ingress: SecurityGroupRule[]; egress: SecurityGroupRule[] }>();
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::EC2::SecurityGroup') continue;
    const p = resolver.resolve(r.Properties ?? {});
    groups.set(logicalId, {
      ingress: (p.SecurityGroupIngress ?? []).map((rule: any) => toRule(rule, 'Source', groupIdToLogicalId)),
      // The "match no traffic" rule that allowAllOutbound: false writes is an icmp rule to 255.255.255.255/32; keep it, it matches nothing.
      egress: p.SecurityGroupEgress ? p.SecurityGroupEgress.map((rule: any) => toRule(rule, 'Destination', groupIdToLogicalId)) : [ALLOW_ALL_EGRESS],
    });
  }
  for (const r of Object.values(resources)) {
    const direction = r.Type === 'AWS::EC2::SecurityGroupIngress' ? 'ingress' : r.Type === 'AWS::EC2::SecurityGroupEgress' ? 'egress' : undefined;
    if (!direction) continue;
    const p = resolver.resolve(r.Properties ?? {});
    const owner = groupIdToLogicalId(p.GroupId);
    const group = owner ? groups.get(owner) : undefined;
    if (!group) throw new UnsupportedFeatureError(`a ${r.Type} names the group ${p.GroupId}, which is not in the stack`);
    group[direction].push(toRule(p, direction === 'ingress' ? 'Source' : 'Destination', groupIdToLogicalId));
  }
  return [...groups.entries()].map(([logicalId, g]) => ({ logicalId, ...g }));
}

function toRule(p: any, peerSide: 'Source' | 'Destination', groupIdToLogicalId: (id: string) => string | undefined): SecurityGroupRule {
  const protocol = String(p.IpProtocol).toLowerCase();
  const all = protocol === '-1';
  const groupId = p[`${peerSide}SecurityGroupId`];
  let peer: SecurityGroupRule['peer'];
  if (groupId) {
    const peerGroup = groupIdToLogicalId(groupId);
    if (!peerGroup) throw new UnsupportedFeatureError(`a rule names the security group ${groupId}, which is not in the stack`);
    peer = { securityGroup: peerGroup };
  } else if (p.CidrIp) {
    peer = { cidr: p.CidrIp };
  } else if (p.CidrIpv6) {
    // No local host has an IPv6 address: the rule can never match.
    peer = { cidr: '::/0' };
  } else {
    throw new UnsupportedFeatureError(`a security group rule has no peer this tool understands: ${JSON.stringify(p)}`);
  }
  return {
    protocol,
    fromPort: all ? 0 : Number(p.FromPort ?? 0),
    toPort: all ? 65535 : Number(p.ToPort ?? 65535),
    peer,
    description: p.Description,
  };
}

/**
 * The single TCP ports that a member's groups open to an Internet address: what its Elastic IP
 * serves to the Internet (port ranges are left out: nothing to publish one by one).
 */
export function portsOpenTo(address: string, groupIds: string[], groups: SecurityGroup[]): number[] {
  const ports = groups.filter(g => groupIds.includes(g.logicalId)).flatMap(g => g.ingress)
    .filter(r => (r.protocol === 'tcp' || r.protocol === '-1') && 'cidr' in r.peer && !r.peer.cidr.includes(':') && cidrContains(r.peer.cidr, address))
    .filter(r => r.protocol === 'tcp' && r.fromPort === r.toPort)
    .map(r => r.fromPort);
  return [...new Set(ports)].sort((a, b) => a - b);
}
