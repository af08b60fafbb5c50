import { ExitCode, LocalDeployError, UnsupportedFeatureError } from '../errors';
import { Topology } from '../model/topology';

/** How an error that ends a command is shown, and its exit code. Errors the tool expects carry no stack trace. */
export function describeFailure(e: unknown): { message: string; exitCode: ExitCode } {
  if (e instanceof LocalDeployError) return { message: e.message, exitCode: e.exitCode };
  if (e instanceof UnsupportedFeatureError) return { message: `The template asks for something the local deploy cannot run: ${e.message}`, exitCode: ExitCode.UNSUPPORTED_RESOURCES };
  return { message: e instanceof Error ? e.stack ?? e.message : String(e), exitCode: ExitCode.DEPLOY_FAILED };
}

/** A human-readable summary of what a topology runs: hosts and what provisions them, balancers, ignored resources. */
export function describeTopology(t: Topology, healthCheckTimeScale: number): string {
  const lines = [`Stack ${t.stackName}: VPC ${t.vpcCidr}, ${t.subnets.length} subnets (${t.subnets.map(s => `${s.cidr}${s.isPublic ? ' public' : ''}`).join(', ')})`];
  for (const h of t.hosts) {
    const published = h.elasticIp ? `EIP ${h.elasticIp}${h.publishedPorts.length > 0 ? ` :${h.publishedPorts.join(',')}` : ''} ` : '';
    lines.push(`  host ${h.name.padEnd(6)} ${h.instanceId} ${h.address.padEnd(10)} ${published}${h.image.name}, ` +
      `IMDSv2 ${h.metadata.tokensRequired ? 'required' : 'optional'} (${h.logicalId})`);
    for (const a of h.associations) {
      lines.push(`         provisioned by ${a.logicalId}: ${a.documentName} (${a.steps.map(s => `${s.name} ${s.action}`).join(', ')})`);
    }
  }
  for (const b of t.balancers) {
    const kind = b.type === 'network' ? 'nlb ' : 'alb ';
    for (const l of b.listeners) {
      const hc = l.targetGroup.healthCheck;
      const check = hc.protocol === 'HTTP' ? `HTTP GET ${hc.path} (${hc.matcher})` : 'TCP';
      const tls = l.tls ? ` ${l.tls.certificate}, TLS ${l.tls.minimumTlsVersion}+;` : '';
      lines.push(`  ${kind} ${b.name.padEnd(6)} ${b.address}:${l.port} ${l.protocol} ->${tls} ${l.targetGroup.targets.join(', ')} :${l.targetGroup.port}; ` +
        `${check} checks every ${hc.intervalSeconds}s (x${healthCheckTimeScale} locally), healthy ${hc.healthyThreshold}, unhealthy ${hc.unhealthyThreshold} (${b.logicalId})`);
    }
    for (const r of b.redirects) {
      lines.push(`  ${kind} ${b.name.padEnd(6)} ${b.address}:${r.port} ${r.protocol} -> ${r.redirect.statusCode} ${r.redirect.protocol.toLowerCase()}://${r.redirect.host}:${r.redirect.port}${r.redirect.path}?${r.redirect.query} (${r.logicalId})`);
    }
    for (const name of b.aliases) lines.push(`  dns  ${name} -> ${b.name} (alias record)`);
  }
  for (const c of t.certificates) lines.push(`  cert ${c.domainNames.join(', ')}: issued by the deployment's local CA (${c.logicalId})`);
  lines.push(`  ${t.ignored.length} resources need nothing locally (IAM, log bucket, routes, NAT, metadata)`);
  return lines.join('\n');
}
