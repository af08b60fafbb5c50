import { LocalIdentities } from './local-identities';
import { IgnoredResource } from './topology';
import { StackArtifact, TemplateResource } from '../assembly/cloud-assembly';
import { IntrinsicResolver } from '../assembly/intrinsics';

/** What `Ref` and `Fn::GetAtt` of one resource give locally. */
export interface ResourceValues {
  readonly ref: unknown;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/**
 * The local values of a stack's parameters and resources, for `Ref` and `Fn::GetAtt`. Immutable:
 * values that are only known once hosts are placed are added with {@link References.with}, which
 * returns a new set.
 */
export class References {
  constructor(
    private readonly stack: StackArtifact,
    private readonly ids: LocalIdentities,
    private readonly values: ReadonlyMap<string, ResourceValues>,
    private readonly imports: Record<string, string> = {},
  ) {}

  /** A copy where resources that already have values get a `Ref` value and more attributes. */
  public with(updates: Record<string, Partial<ResourceValues>>): References {
    const values = new Map(this.values);
    for (const [id, update] of Object.entries(updates)) {
      const current = values.get(id);
      if (!current) throw new Error(`${id} has no local values to update`);
      values.set(id, { ref: update.ref ?? current.ref, attributes: { ...current.attributes, ...update.attributes } });
    }
    return new References(this.stack, this.ids, values, this.imports);
  }

  public ref(logicalId: string): unknown {
    return this.values.get(logicalId)?.ref;
  }

  public getAtt(logicalId: string, attribute: string): unknown {
    return this.values.get(logicalId)?.attributes[attribute];
  }

  /** The resource (not parameter) whose `Ref` or one of whose attributes is this value. */
  public logicalIdOf(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    const resources = this.stack.template.Resources ?? {};
    for (const [id, v] of this.values) if (v.ref === value && resources[id]) return id;
    for (const [id, v] of this.values) if (resources[id] && Object.values(v.attributes).includes(value)) return id;
    return undefined;
  }

  /** A resolver of intrinsic functions over these values. */
  public resolver(): IntrinsicResolver {
    return new IntrinsicResolver({
      region: this.ids.region,
      accountId: this.ids.accountId,
      stackName: this.stack.stackName,
      ref: id => this.ref(id),
      getAtt: (id, attribute) => this.getAtt(id, attribute),
      importValue: name => this.imports[name],
    });
  }
}

/**
 * The values every resource has before anything is placed: ids, names and ARNs in AWS's shapes,
 * from the stack name and logical id alone. Parameters resolve to their defaults. Ignored resources
 * still get values, in case something refers to them (e.g. a log bucket's name).
 */
export function identifyResources(stack: StackArtifact, ids: LocalIdentities, ignored: IgnoredResource[],
  imports: Record<string, string> = {}): References {
  const values = new Map<string, ResourceValues>();
  const set = (id: string, ref: unknown, attributes: Record<string, unknown> = {}) => values.set(id, { ref, attributes });
  for (const [name, p] of Object.entries(stack.template.Parameters ?? {})) set(name, p.Default);

  const resources = Object.entries(stack.template.Resources ?? {});
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  for (const [id] of ofType('AWS::EC2::VPC')) set(id, ids.resourceId('vpc', id), { VpcId: ids.resourceId('vpc', id) });
  for (const [id] of ofType('AWS::EC2::Subnet')) set(id, ids.resourceId('subnet', id), { SubnetId: ids.resourceId('subnet', id) });
  for (const [id] of ofType('AWS::EC2::SecurityGroup')) set(id, ids.resourceId('sg', id), { GroupId: ids.resourceId('sg', id) });
  for (const [id] of ofType('AWS::EC2::LaunchTemplate')) {
    set(id, ids.resourceId('lt', id), { LaunchTemplateId: ids.resourceId('lt', id), LatestVersionNumber: '1', DefaultVersionNumber: '1' });
  }
  for (const [id] of ofType('AWS::EC2::Instance')) set(id, ids.instanceId(id), { InstanceId: ids.instanceId(id) });
  for (const [id] of ofType('AWS::EC2::EIP')) set(id, undefined, { AllocationId: ids.resourceId('eipalloc', id) });
  for (const [id] of ofType('AWS::AutoScaling::AutoScalingGroup')) set(id, ids.autoScalingGroupName(id));
  const balancerKind = (r: TemplateResource) => (r.Properties?.Type ?? 'application') === 'network' ? 'net' : 'app';
  for (const [id, r] of ofType('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    const arn = ids.loadBalancerArn(id, balancerKind(r));
    set(id, arn, {
      // Scheme defaults to internet-facing (AWS::ElasticLoadBalancingV2::LoadBalancer, Scheme).
      DNSName: ids.loadBalancerDnsName(id, r.Properties?.Scheme === 'internal'),
      LoadBalancerArn: arn,
      LoadBalancerName: ids.loadBalancerName(id),
      LoadBalancerFullName: arn.split(':loadbalancer/')[1],
      CanonicalHostedZoneID: 'ZLOCAL0000000',
    });
  }
  for (const [id] of ofType('AWS::ElasticLoadBalancingV2::TargetGroup')) {
    const arn = ids.targetGroupArn(id);
    set(id, arn, { TargetGroupArn: arn, TargetGroupFullName: arn.split(':targetgroup/')[1], TargetGroupName: id.slice(0, 24) });
  }
  for (const [id, r] of ofType('AWS::ElasticLoadBalancingV2::Listener')) {
    const balancer = listenerLoadBalancer(r, values);
    const kind = balancer && stack.template.Resources?.[balancer] ? balancerKind(stack.template.Resources[balancer]) : 'net';
    const arn = ids.listenerArn(id, balancer ?? id, kind);
    set(id, arn, { ListenerArn: arn });
  }
  for (const [id] of ofType('AWS::CertificateManager::Certificate')) set(id, ids.certificateArn(id));
  for (const { logicalId } of ignored) {
    const name = `${stack.stackName}-${logicalId}`.toLowerCase().slice(0, 63);
    set(logicalId, name, new Proxy({}, {
      get: (_t, attribute) => attribute === 'Arn' ? ids.arn('local', name) : `${name}.${String(attribute)}`,
      // Object.values() of a proxy lists nothing: no other value is ever taken for one of its attributes.
    }));
  }
  for (const [id, r] of ofType('AWS::SSM::Document')) {
    const name = r.Properties?.Name;
    set(id, typeof name === 'string' ? name : ids.documentName(id));
  }
  for (const [id] of ofType('AWS::SSM::Association')) set(id, ids.resourceId('assoc', id), { AssociationId: ids.resourceId('assoc', id) });
  return new References(stack, ids, values, imports);
}

/** The load balancer a listener belongs to (its `LoadBalancerArn` is a `Ref`, as the CDK writes it). */
function listenerLoadBalancer(listener: TemplateResource, values: ReadonlyMap<string, ResourceValues>): string | undefined {
  const arn = listener.Properties?.LoadBalancerArn;
  const ref = arn && typeof arn === 'object' && 'Ref' in arn ? String(arn.Ref) : undefined;
  return ref && values.has(ref) ? ref : undefined;
}
