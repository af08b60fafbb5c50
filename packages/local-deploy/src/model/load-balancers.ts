import { TemplateResource } from '../assembly/cloud-assembly';
import { UnsupportedFeatureError } from '../errors';
import { PlacedHost } from './hosts';
import { References } from './references';
import { SubnetAddresses, subnetById } from './subnets';
import { Balancer, Listener, Subnet, TargetGroup } from './topology';
import { UnsupportedResources } from './unsupported';

/** NLB health check defaults for TCP target groups. */
const NLB_DEFAULTS = { intervalSeconds: 30, timeoutSeconds: 10, healthyThreshold: 5, unhealthyThreshold: 2 };

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
 * Maps every internal network load balancer to one balancer host with its listeners and target
 * groups. Application and internet-facing load balancers, non-TCP listeners and the features the
 * local balancer does not reproduce are reported as unsupported.
 */
export function mapLoadBalancers(context: LoadBalancersContext): Balancer[] {
  const balancers: Balancer[] = [];
  const ofType = (type: string) => Object.entries(context.resources).filter(([, r]) => r.Type === type);
  for (const [id, r] of ofType('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    if (r.Properties?.Type !== 'network') {
      context.unsupported.add(id, `load balancer type "${r.Properties?.Type ?? 'application'}": only network load balancers are emulated`);
    } else if (r.Properties?.Scheme !== 'internal') {
      context.unsupported.add(id, 'an internet-facing NLB: only internal ones are emulated');
    }
  }
  ofType('AWS::ElasticLoadBalancingV2::LoadBalancer').forEach(([id], index) => {
    const balancer = context.unsupported.guard(id, () => mapBalancer(context, id, `nlb${index + 1}`));
    if (balancer) balancers.push(balancer);
  });
  return balancers;
}

function mapBalancer(context: LoadBalancersContext, id: string, name: string): Balancer {
  const { references } = context;
  const resolver = references.resolver();
  const p = resolver.resolve(context.resources[id].Properties ?? {});
  const subnetIds: string[] = p.Subnets ?? (p.SubnetMappings ?? []).map((m: any) => m.SubnetId);
  if (subnetIds.length === 0) throw new UnsupportedFeatureError('the load balancer has no subnets');
  // One balancer host in the first subnet stands in for the NLB's nodes in every subnet.
  const subnet = subnetById(context.subnets, subnetIds[0], logicalId => references.ref(logicalId));
  const listeners: Listener[] = [];
  for (const [listenerId, r] of Object.entries(context.resources)) {
    if (r.Type !== 'AWS::ElasticLoadBalancingV2::Listener') continue;
    const lp = resolver.resolve(r.Properties ?? {});
    if (lp.LoadBalancerArn !== references.ref(id)) continue;
    if (lp.Protocol !== 'TCP') throw new UnsupportedFeatureError(`listener ${listenerId} uses ${lp.Protocol}: only TCP listeners are emulated`);
    const forward = (lp.DefaultActions ?? []).find((a: any) => a.Type === 'forward');
    const tgArn = forward?.TargetGroupArn ?? forward?.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn;
    const tgId = references.logicalIdOf(tgArn);
    if (!tgId) throw new UnsupportedFeatureError(`listener ${listenerId} does not forward to a target group of the stack`);
    listeners.push({ logicalId: listenerId, port: Number(lp.Port), targetGroup: mapTargetGroup(context, tgId) });
  }
  return {
    name,
    logicalId: id,
    dnsName: references.getAtt(id, 'DNSName') as string,
    availabilityZones: [...new Set(subnetIds.map(s => subnetById(context.subnets, s, logicalId => references.ref(logicalId)).availabilityZone))],
    arn: references.ref(id) as string,
    subnet: subnet.logicalId,
    address: context.addresses.allocate(subnet, id),
    securityGroups: (p.SecurityGroups ?? []).map((g: string) => references.logicalIdOf(g) ?? g),
    listeners,
  };
}

function mapTargetGroup(context: LoadBalancersContext, id: string): TargetGroup {
  const { references, resources } = context;
  const resolver = references.resolver();
  const p = resolver.resolve(resources[id].Properties ?? {});
  const attributes: Record<string, string> = Object.fromEntries((p.TargetGroupAttributes ?? []).map((a: any) => [a.Key, String(a.Value)]));
  if (p.Protocol !== 'TCP') throw new UnsupportedFeatureError(`target group ${id} uses ${p.Protocol}: only TCP is emulated`);
  if ((p.TargetType ?? 'instance') !== 'instance') {
    throw new UnsupportedFeatureError(`target group ${id} has target type ${p.TargetType}: only instance targets are emulated`);
  }
  if ((p.HealthCheckProtocol ?? 'TCP') !== 'TCP') {
    throw new UnsupportedFeatureError(`target group ${id} checks health with ${p.HealthCheckProtocol}: only TCP health checks are emulated`);
  }
  // Instance targets preserve the client IP unless the attribute turns it off (the default is true).
  const preserveClientIp = (attributes['preserve_client_ip.enabled'] ?? 'true') === 'true';
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
    preserveClientIp,
    // ELB's default is 300 seconds.
    deregistrationDelaySeconds: Number(attributes['deregistration_delay.timeout_seconds'] ?? 300),
    healthCheck: {
      port: !p.HealthCheckPort || p.HealthCheckPort === 'traffic-port' ? port : Number(p.HealthCheckPort),
      intervalSeconds: Number(p.HealthCheckIntervalSeconds ?? NLB_DEFAULTS.intervalSeconds),
      timeoutSeconds: Number(p.HealthCheckTimeoutSeconds ?? NLB_DEFAULTS.timeoutSeconds),
      healthyThreshold: Number(p.HealthyThresholdCount ?? NLB_DEFAULTS.healthyThreshold),
      unhealthyThreshold: Number(p.UnhealthyThresholdCount ?? NLB_DEFAULTS.unhealthyThreshold),
    },
    targets: targets.map(h => h.name),
  };
}
