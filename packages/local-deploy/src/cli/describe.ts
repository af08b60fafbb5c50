import { Topology } from '../model/topology';

/** A human-readable summary of what a topology runs: hosts, balancers, rules' sources. */
export function describeTopology(t: Topology, healthCheckTimeScale: number): string {
  const lines = [`Stack ${t.stackName}: VPC ${t.vpcCidr}, ${t.subnets.length} subnets (${t.subnets.map(s => `${s.cidr}${s.isPublic ? ' public' : ''}`).join(', ')})`];
  for (const h of t.hosts) {
    const services = h.services.map(s => s.kind === 'apache' ? `Apache :${s.listenPort}` : `uWSGI :${s.port}`).join(', ') || 'no services';
    lines.push(`  host ${h.name.padEnd(6)} ${h.instanceId} ${h.address.padEnd(10)} ${h.elasticIp ? `EIP ${h.elasticIp} ` : ''}` +
      `[${services}] IMDSv2 ${h.metadata.tokensRequired ? 'required' : 'optional'} (${h.logicalId})`);
  }
  for (const b of t.balancers) {
    for (const l of b.listeners) {
      const hc = l.targetGroup.healthCheck;
      lines.push(`  nlb  ${b.name.padEnd(6)} ${b.address}:${l.port} -> ${l.targetGroup.targets.join(', ')} :${l.targetGroup.port}; ` +
        `TCP checks every ${hc.intervalSeconds}s (x${healthCheckTimeScale} locally), healthy ${hc.healthyThreshold}, unhealthy ${hc.unhealthyThreshold} (${b.logicalId})`);
    }
  }
  lines.push(`  ${t.ignored.length} resources need nothing locally (IAM, log bucket, routes, NAT, metadata)`);
  return lines.join('\n');
}
