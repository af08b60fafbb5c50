import { TemplateResource } from '../assembly/cloud-assembly';
import { UnsupportedFeatureError } from '../errors';
import { INTERNET, PlacedHost } from './hosts';
import { hostAddress } from './ipv4';
import { References } from './references';
import { SubnetAddresses, subnetById } from './subnets';
import { Balancer, Listener, ListenerTls, RedirectListener, Subnet, TargetGroup } from './topology';
import { UnsupportedResources } from './unsupported';

/** NLB health check defaults for TCP target groups. */
const NLB_DEFAULTS = { intervalSeconds: 30, timeoutSeconds: 10, healthyThreshold: 5, unhealthyThreshold: 2 };

/**
 * ALB health check defaults for HTTP target groups: interval 30 s, timeout 5 s, healthy threshold
 * 5, unhealthy threshold 2, path `/`, matcher `200`.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html#health-check-settings
 */
const ALB_DEFAULTS = { intervalSeconds: 30, timeoutSeconds: 5, healthyThreshold: 5, unhealthyThreshold: 2, path: '/', matcher: '200' };

/**
 * The lowest TLS version of each family of ELB security policies, by the policy name's prefix
 * (longest first). Without `SslPolicy`, CloudFormation and the CDK use ELBSecurityPolicy-2016-08,
 * which accepts TLS 1.0.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 */
const TLS_POLICY_MINIMUM: ReadonlyArray<[RegExp, ListenerTls['minimumTlsVersion']]> = [
  [/^ELBSecurityPolicy-TLS13-1-3-/, '1.3'],
  [/^ELBSecurityPolicy-TLS13-1-2-/, '1.2'],
  [/^ELBSecurityPolicy-TLS13-1-1-/, '1.1'],
  [/^ELBSecurityPolicy-TLS13-1-0-/, '1.0'],
  [/^ELBSecurityPolicy-(TLS|FS)-1-2-/, '1.2'],
  [/^ELBSecurityPolicy-(TLS|FS)-1-1-/, '1.1'],
  [/^ELBSecurityPolicy-(FS-)?20\d\d-\d\d$/, '1.0'],
];
const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';

/** What the load balancer mapping needs from the rest of the stack. */
export interface LoadBalancersContext {
  readonly resources: Record<string, TemplateResource>;
  readonly references: References;
  readonly subnets: Subnet[];
  readonly addresses: SubnetAddresses;
  readonly unsupported: UnsupportedResources;
  readonly hosts: PlacedHost[];
}

/**
 * Maps every internal Network Load Balancer and every Application Load Balancer to one balancer
 * host with its listeners and target groups. Internet-facing NLBs, other types, and the features
 * the local balancers do not reproduce are reported as unsupported.
 */
export function mapLoadBalancers(context: LoadBalancersContext): Balancer[] {
  const balancers: Balancer[] = [];
  const ofType = (type: string) => Object.entries(context.resources).filter(([, r]) => r.Type === type);
  const counts = { network: 0, application: 0 };
  let internetFacing = 0;
  for (const [id, r] of ofType('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    // Type defaults to application (AWS::ElasticLoadBalancingV2::LoadBalancer, Type).
    const type = r.Properties?.Type ?? 'application';
    if (type !== 'network' && type !== 'application') {
      context.unsupported.add(id, `load balancer type "${type}": only network and application load balancers are emulated`);
    } else if (type === 'network' && r.Properties?.Scheme !== 'internal') {
      context.unsupported.add(id, 'an internet-facing NLB: only internal ones are emulated');
    } else {
      const name = `${type === 'network' ? 'nlb' : 'alb'}${++counts[type as 'network' | 'application']}`;
      const balancer = context.unsupported.guard(id, () => mapBalancer(context, id, name, type));
      if (balancer && balancer.scheme === 'internet-facing') {
        balancers.push({ ...balancer, publicAddress: hostAddress(INTERNET.cidr, INTERNET.firstBalancerAddress + internetFacing++) });
      } else if (balancer) {
        balancers.push(balancer);
      }
    }
  }
  return balancers;
}

function mapBalancer(context: LoadBalancersContext, id: string, name: string, type: 'network' | 'application'): Balancer {
  const { references } = context;
  const resolver = references.resolver();
  const p = resolver.resolve(context.resources[id].Properties ?? {});
  const subnetIds: string[] = p.Subnets ?? (p.SubnetMappings ?? []).map((m: any) => m.SubnetId);
  if (subnetIds.length === 0) throw new UnsupportedFeatureError('the load balancer has no subnets');
  // One balancer host in the first subnet stands in for the NLB's nodes in every subnet.
  const subnet = subnetById(context.subnets, subnetIds[0], logicalId => references.ref(logicalId));
  const listeners: Listener[] = [];
  const redirects: RedirectListener[] = [];
  const protocols = type === 'network' ? ['TCP'] : ['HTTP', 'HTTPS'];
  for (const [listenerId, r] of Object.entries(context.resources)) {
    if (r.Type !== 'AWS::ElasticLoadBalancingV2::Listener') continue;
    const lp = resolver.resolve(r.Properties ?? {});
    if (lp.LoadBalancerArn !== references.ref(id)) continue;
    if (!protocols.includes(lp.Protocol)) {
      throw new UnsupportedFeatureError(`listener ${listenerId} uses ${lp.Protocol}: only ${protocols.join(' and ')} listeners of ${article(type)} load balancer are emulated`);
    }
    const tls = lp.Protocol === 'HTTPS' ? listenerTls(context, listenerId, lp) : undefined;
    const actions: any[] = lp.DefaultActions ?? [];
    if (actions.length !== 1 || !['forward', 'redirect'].includes(actions[0].Type) || (type === 'network' && actions[0].Type !== 'forward')) {
      throw new UnsupportedFeatureError(`listener ${listenerId} has default actions ${actions.map(a => a.Type).join(', ')}: only one forward action${type === 'application' ? ' or one redirect' : ''} is emulated`);
    }
    if (actions[0].Type === 'redirect') {
      const redirect = redirectOf(listenerId, actions[0].RedirectConfig ?? {});
      redirects.push({ logicalId: listenerId, port: Number(lp.Port), protocol: lp.Protocol, ...(tls ? { tls } : {}), redirect });
      continue;
    }
    const forward = actions[0];
    const tgArn = forward?.TargetGroupArn ?? forward?.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn;
    const tgId = references.logicalIdOf(tgArn);
    if (!tgId) throw new UnsupportedFeatureError(`listener ${listenerId} does not forward to a target group of the stack`);
    const targetGroup = mapTargetGroup(context, tgId, type);
    listeners.push({ logicalId: listenerId, port: Number(lp.Port), protocol: lp.Protocol, targetGroup, ...(tls ? { tls } : {}) });
  }
  return {
    name,
    logicalId: id,
    type,
    scheme: p.Scheme === 'internal' ? 'internal' : 'internet-facing',
    dnsName: references.getAtt(id, 'DNSName') as string,
    aliases: [],
    availabilityZones: [...new Set(subnetIds.map(s => subnetById(context.subnets, s, logicalId => references.ref(logicalId)).availabilityZone))],
    arn: references.ref(id) as string,
    subnet: subnet.logicalId,
    address: context.addresses.allocate(subnet, id),
    securityGroups: (p.SecurityGroups ?? []).map((g: string) => references.logicalIdOf(g) ?? g),
    listeners,
    redirects,
  };
}

/** An HTTPS listener's certificate (one of the stack's) and the lowest TLS version of its policy. */
function listenerTls(context: LoadBalancersContext, listenerId: string, lp: any): ListenerTls {
  const certificates: any[] = lp.Certificates ?? [];
  const certificate = certificates.length === 1 ? context.references.logicalIdOf(certificates[0].CertificateArn) : undefined;
  if (!certificate || context.resources[certificate].Type !== 'AWS::CertificateManager::Certificate') {
    throw new UnsupportedFeatureError(`listener ${listenerId} has ${certificates.length} certificate(s): exactly one, an AWS::CertificateManager::Certificate of the stack, is emulated`);
  }
  const sslPolicy = String(lp.SslPolicy ?? DEFAULT_SSL_POLICY);
  const minimum = TLS_POLICY_MINIMUM.find(([pattern]) => pattern.test(sslPolicy))?.[1];
  if (!minimum) {
    throw new UnsupportedFeatureError(`listener ${listenerId} uses the security policy ${sslPolicy}: the emulated ones are ELBSecurityPolicy-TLS13-1-x-*, -TLS-1-x-*, -FS-1-x-*, -2016-08 and the like`);
  }
  return { certificate, sslPolicy, minimumTlsVersion: minimum };
}

/**
 * A redirect with AWS's defaults: a component left out keeps the request's (`#{protocol}`,
 * `#{host}`, `#{port}`, `/#{path}`, `#{query}`).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-elasticloadbalancingv2-listener-redirectconfig.html
 */
function redirectOf(listenerId: string, c: any): RedirectListener['redirect'] {
  const codes: Record<string, 301 | 302> = { HTTP_301: 301, HTTP_302: 302 };
  const statusCode = codes[c.StatusCode];
  if (!statusCode) throw new UnsupportedFeatureError(`listener ${listenerId} redirects with status ${c.StatusCode}: HTTP_301 or HTTP_302 is allowed`);
  return {
    protocol: String(c.Protocol ?? '#{protocol}'),
    host: String(c.Host ?? '#{host}'),
    port: String(c.Port ?? '#{port}'),
    path: String(c.Path ?? '/#{path}'),
    query: String(c.Query ?? '#{query}'),
    statusCode,
  };
}

function mapTargetGroup(context: LoadBalancersContext, id: string, type: 'network' | 'application'): TargetGroup {
  const { references, resources } = context;
  const resolver = references.resolver();
  const p = resolver.resolve(resources[id].Properties ?? {});
  const attributes: Record<string, string> = Object.fromEntries((p.TargetGroupAttributes ?? []).map((a: any) => [a.Key, String(a.Value)]));
  const protocol = type === 'network' ? 'TCP' : 'HTTP';
  if (p.Protocol !== protocol) throw new UnsupportedFeatureError(`target group ${id} uses ${p.Protocol}: only ${protocol} is emulated behind ${article(type)} load balancer`);
  if ((p.TargetType ?? 'instance') !== 'instance') {
    throw new UnsupportedFeatureError(`target group ${id} has target type ${p.TargetType}: only instance targets are emulated`);
  }
  if ((p.HealthCheckProtocol ?? protocol) !== protocol) {
    throw new UnsupportedFeatureError(`target group ${id} checks health with ${p.HealthCheckProtocol}: only ${protocol} health checks are emulated behind ${article(type)} load balancer`);
  }
  if (type === 'application' && p.Matcher?.GrpcCode !== undefined) {
    throw new UnsupportedFeatureError(`target group ${id} matches gRPC codes: only HTTP codes are emulated`);
  }
  // NLB instance targets preserve the client IP unless the attribute turns it off (the default is
  // true); an ALB always connects to its targets from its own address.
  const preserveClientIp = type === 'network' && (attributes['preserve_client_ip.enabled'] ?? 'true') === 'true';
  if (preserveClientIp) {
    throw new UnsupportedFeatureError(`target group ${id} preserves client IPs: the local balancer always translates the source address (set preserve_client_ip.enabled to false)`);
  }
  const arn = references.ref(id) as string;
  const registered = new Set<string>((p.Targets ?? []).map((t: any) => t.Id));
  const targets = context.hosts.filter(h => registered.has(h.instanceId) ||
    (resources[h.logicalId].Type === 'AWS::AutoScaling::AutoScalingGroup' &&
      (resolver.resolve(resources[h.logicalId].Properties?.TargetGroupARNs ?? []) as string[]).includes(arn)));
  const port = Number(p.Port);
  return {
    logicalId: id,
    arn,
    port,
    protocol,
    preserveClientIp,
    // ELB's default is 300 seconds.
    deregistrationDelaySeconds: Number(attributes['deregistration_delay.timeout_seconds'] ?? 300),
    healthCheck: healthCheckOf(p, port, type),
    targets: targets.map(h => h.name),
  };
}

function healthCheckOf(p: any, port: number, type: 'network' | 'application'): TargetGroup['healthCheck'] {
  const defaults = type === 'network' ? NLB_DEFAULTS : ALB_DEFAULTS;
  const healthyThreshold = Number(p.HealthyThresholdCount ?? defaults.healthyThreshold);
  const check = {
    protocol: type === 'network' ? 'TCP' as const : 'HTTP' as const,
    port: !p.HealthCheckPort || p.HealthCheckPort === 'traffic-port' ? port : Number(p.HealthCheckPort),
    intervalSeconds: Number(p.HealthCheckIntervalSeconds ?? defaults.intervalSeconds),
    timeoutSeconds: Number(p.HealthCheckTimeoutSeconds ?? defaults.timeoutSeconds),
    healthyThreshold,
    unhealthyThreshold: Number(p.UnhealthyThresholdCount ?? defaults.unhealthyThreshold),
    // An ALB target "must pass one health check to be considered healthy" once registered
    // (target-group-health-checks.html, above); an NLB's passes the healthy threshold.
    initialHealthyThreshold: type === 'network' ? healthyThreshold : 1,
  };
  if (type === 'network') return check;
  const matcher = String(p.Matcher?.HttpCode ?? ALB_DEFAULTS.matcher);
  if (!/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(matcher)) {
    throw new UnsupportedFeatureError(`health check matcher "${matcher}": HTTP codes such as 200, 200,202 or 200-299 are allowed`);
  }
  return { ...check, path: String(p.HealthCheckPath ?? ALB_DEFAULTS.path), matcher };
}

function article(type: 'network' | 'application'): string {
  return type === 'network' ? 'a network' : 'an application';
}
