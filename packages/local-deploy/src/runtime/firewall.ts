import { runIn } from './exec';
import { Balancer, Host, SecurityGroupRule, Topology } from '../model/topology';

/** A namespace whose traffic its security groups filter. */
type Member = Pick<Host | Balancer, 'name' | 'address' | 'securityGroups'>;

/**
 * Renders the nftables ruleset of one host or balancer from its security groups: stateful, default
 * deny in both directions, as a security group is. Ingress is checked in prerouting before the
 * balancer's DNAT, so it sees the listener port the client asked for. Pure: returns text.
 */
export function securityGroupRuleset(topology: Topology, member: Member, forwards: boolean): string {
  const groups = topology.securityGroups.filter(g => member.securityGroups.includes(g.logicalId));
  const ingress = groups.flatMap(g => g.ingress).map(r => ruleLine(topology, r, 'saddr')).filter(Boolean);
  const egress = groups.flatMap(g => g.egress).map(r => ruleLine(topology, r, 'daddr')).filter(Boolean);
  const lines = [
    // Declaring then deleting makes the load replace the table in one transaction: the rules are
    // loaded again when a peer group's members change (an instance launched or terminated).
    'table inet security_groups {}',
    'delete table inet security_groups',
    'table inet security_groups {',
    '  chain ingress {',
    '    type filter hook prerouting priority -150; policy accept;',
    '    iif lo accept',
    '    ct state established,related accept',
    ...ingress.map(l => `    ${l}`),
    '    counter drop',
    '  }',
    '  chain egress {',
    '    type filter hook output priority 0; policy accept;',
    '    oif lo accept',
    '    ct state established,related accept',
    ...egress.map(l => `    ${l}`),
    '    counter drop',
    '  }',
  ];
  if (forwards) {
    // A balancer forwards what it translates: its own egress rules apply to that traffic.
    lines.push(
      '  chain forward {',
      '    type filter hook forward priority 0; policy accept;',
      '    ct state established,related accept',
      ...egress.map(l => `    ${l}`),
      '    counter drop',
      '  }',
    );
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Installs a member's security group rules in its namespace. */
export function applySecurityGroups(namespace: string, topology: Topology, member: Member, forwards: boolean) {
  runIn(namespace, 'nft', ['-f', '-'], { input: securityGroupRuleset(topology, member, forwards) });
}

/**
 * The Internet gateway on the switch: Elastic IPs and internet-facing balancers' public addresses
 * are 1:1 DNAT to private addresses (the host sees the client's own address, as on AWS); the
 * Internet side reaches nothing else.
 */
export function internetGatewayRuleset(topology: Topology, internetInterface: string): string {
  const nat = [
    ...topology.hosts.filter(h => h.elasticIp).map(h => `    ip daddr ${h.elasticIp} dnat ip to ${h.address}`),
    ...topology.balancers.filter(b => b.publicAddress).map(b => `    ip daddr ${b.publicAddress} dnat ip to ${b.address}`),
  ];
  return [
    'table ip internet_gateway {',
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    ...nat,
    '  }',
    '  chain forward {',
    '    type filter hook forward priority 0; policy accept;',
    '    ct state established,related accept',
    `    iifname "${internetInterface}" ct status dnat accept`,
    `    iifname "${internetInterface}" counter drop`,
    `    oifname "${internetInterface}" counter drop`,
    '  }',
    '}',
  ].join('\n') + '\n';
}

function ruleLine(topology: Topology, rule: SecurityGroupRule, side: 'saddr' | 'daddr'): string | undefined {
  let peer: string;
  if ('cidr' in rule.peer) {
    if (rule.peer.cidr.includes(':')) return undefined; // IPv6: no local host has such an address
    peer = rule.peer.cidr === '0.0.0.0/0' ? '' : `ip ${side} ${rule.peer.cidr} `;
  } else {
    const group = rule.peer.securityGroup;
    const addresses = [...topology.hosts, ...topology.balancers].filter(m => m.securityGroups.includes(group)).map(m => m.address);
    if (addresses.length === 0) return undefined;
    peer = `ip ${side} { ${addresses.join(', ')} } `;
  }
  const comment = rule.description ? ` comment "${rule.description.replace(/"/g, "'").slice(0, 120)}"` : '';
  switch (rule.protocol) {
    case '-1':
    case 'all':
      return `${peer}counter accept${comment}`;
    case 'tcp':
    case 'udp': {
      const ports = rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
      return `${peer}${rule.protocol} dport ${ports} counter accept${comment}`;
    }
    case 'icmp':
      return `${peer}ip protocol icmp counter accept${comment}`;
    default:
      return `${peer}ip protocol ${rule.protocol} counter accept${comment}`;
  }
}

/** Sends the host's own requests to the metadata address's port 80 to the stand-in's port. */
export function imdsRedirectRuleset(address: string, port: number): string {
  return [
    'table ip instance_metadata {',
    '  chain output {',
    '    type nat hook output priority -100; policy accept;',
    `    ip daddr ${address} tcp dport 80 dnat ip to ${address}:${port}`,
    '  }',
    '}',
  ].join('\n') + '\n';
}
