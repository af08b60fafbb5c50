import { TemplateResource } from '../assembly/cloud-assembly';
import { UnsupportedFeatureError } from '../errors';
import { hostAddress } from './ipv4';
import { LocalIdentities } from './local-identities';
import { References, ResourceValues } from './references';
import { isoDurationSeconds } from './resource-signals';
import { SubnetAddresses, subnetById } from './subnets';
import { AutoScalingGroup, Host, HostImage, IgnoredResource, RollingUpdatePolicy, Subnet } from './topology';
import { UnsupportedResources } from './unsupported';

/** A host as placed in its subnet; what it serves and resolves is added by the mapping step. */
export type PlacedHost = Omit<Host, 'hostsEntries' | 'associations' | 'publishedPorts'>;

/** An Auto Scaling group as mapped; its associations and hosts entries are added by the mapping step. */
export type PlacedGroup = Omit<AutoScalingGroup, 'associations' | 'hostsEntries'>;

/** EC2's instance type when a launch template names none. */
const DEFAULT_INSTANCE_TYPE = 'm5.large';

/** The Internet side: TEST-NET-3 (RFC 5737), which exists only inside the deployment's namespaces. */
export const INTERNET = { cidr: '203.0.113.0/24', switchAddress: '203.0.113.1', clientAddress: '203.0.113.2', firstElasticIp: 10 };

/** What the hosts mapping needs from the rest of the stack. */
export interface HostsContext {
  readonly resources: Record<string, TemplateResource>;
  readonly references: References;
  readonly ids: LocalIdentities;
  readonly subnets: Subnet[];
  readonly addresses: SubnetAddresses;
  readonly unsupported: UnsupportedResources;
  /** The name prefix of each host, by the logical id of its instance or Auto Scaling group. */
  readonly roles: ReadonlyMap<string, string>;
  /** Instances of every Auto Scaling group instead of its DesiredCapacity. @default - the template's */
  readonly desiredCapacity?: number;
  /** Instances of some Auto Scaling groups, by logical id, before `desiredCapacity`. */
  readonly groupCapacities?: Readonly<Record<string, number>>;
}

/**
 * Places every EC2 instance and every desired instance of an Auto Scaling group in its subnet,
 * with the Elastic IP associated with it. Returns the hosts and the values their resources give to
 * `Ref`/`Fn::GetAtt` once placed (private IPs, public IPs).
 */
export function mapHosts(context: HostsContext): {
  hosts: PlacedHost[];
  groups: PlacedGroup[];
  values: Record<string, Partial<ResourceValues>>;
  /** Elastic IPs of no instance (a NAT gateway's): nothing to run locally. */
  ignored: IgnoredResource[];
} {
  const mapper = new HostMapper(context);
  const elasticIps = mapper.elasticIps();
  const groups = mapper.autoScalingGroups();
  const hosts = [...mapper.instances(elasticIps.byInstanceId), ...groups.flatMap(g => g.hosts)];
  const values: Record<string, Partial<ResourceValues>> = { ...elasticIps.values };
  for (const h of hosts) {
    if (context.resources[h.logicalId].Type !== 'AWS::EC2::Instance') continue;
    values[h.logicalId] = {
      attributes: {
        PrivateIp: h.address,
        AvailabilityZone: h.metadata.availabilityZone,
        ...(h.elasticIp ? { PublicIp: h.elasticIp } : {}),
      },
    };
  }
  return { hosts, groups: groups.map(g => g.group), values, ignored: elasticIps.ignored };
}

class HostMapper {
  private readonly roleCounters = new Map<string, number>();

  constructor(private readonly context: HostsContext) {}

  /** Every Elastic IP gets an address on the Internet side, in template order. */
  public elasticIps() {
    const byInstanceId = new Map<string, string>();
    const values: Record<string, Partial<ResourceValues>> = {};
    const ignored: IgnoredResource[] = [];
    let next = INTERNET.firstElasticIp;
    for (const [id, r] of this.ofType('AWS::EC2::EIP')) {
      const ip = hostAddress(INTERNET.cidr, next++);
      values[id] = { ref: ip, attributes: { PublicIp: ip } };
      const instance = r.Properties?.InstanceId;
      if (instance === undefined) {
        ignored.push({ logicalId: id, type: r.Type, reason: 'an Elastic IP of a NAT gateway: no local host reaches the Internet' });
        continue;
      }
      const instanceId = this.context.unsupported.guard(id, () => this.resolver.resolveString(instance));
      if (instanceId) byInstanceId.set(instanceId, ip);
    }
    return { byInstanceId, values, ignored };
  }

  public instances(elasticIps: Map<string, string>): PlacedHost[] {
    const hosts: PlacedHost[] = [];
    for (const [id, r] of this.ofType('AWS::EC2::Instance')) {
      const host = this.context.unsupported.guard(id, () => {
        const p = this.resolver.resolve(r.Properties ?? {});
        if (p.SecurityGroups) throw new UnsupportedFeatureError('SecurityGroups by name (EC2-Classic style) is not supported; use SecurityGroupIds');
        const subnet = this.subnet(p.SubnetId);
        const lt = this.launchTemplateData(p.LaunchTemplate);
        const instanceId = this.context.ids.instanceId(id);
        const image = hostImage(p.ImageId ?? lt.ImageId);
        return this.host(id, this.name(this.context.roles.get(id) ?? 'vm'), instanceId, subnet, p.SecurityGroupIds ?? lt.SecurityGroupIds ?? [],
          p.InstanceType ?? lt.InstanceType, lt, elasticIps.get(instanceId), image);
      });
      if (host) hosts.push(host);
    }
    return hosts;
  }

  public autoScalingGroups(): Array<{ group: PlacedGroup; hosts: PlacedHost[] }> {
    const out: Array<{ group: PlacedGroup; hosts: PlacedHost[] }> = [];
    for (const [id, r] of this.ofType('AWS::AutoScaling::AutoScalingGroup')) {
      const mapped = this.context.unsupported.guard(id, () => {
        const p = this.resolver.resolve(r.Properties ?? {});
        if (!p.LaunchTemplate) {
          throw new UnsupportedFeatureError('only Auto Scaling groups with a LaunchTemplate are supported (no MixedInstancesPolicy or LaunchConfiguration)');
        }
        const lt = this.launchTemplateData(p.LaunchTemplate);
        const desiredCapacity = Number(p.DesiredCapacity ?? p.MinSize);
        const capacity = this.context.groupCapacities?.[id] ?? this.context.desiredCapacity ?? desiredCapacity;
        const subnets: Subnet[] = (p.VPCZoneIdentifier ?? []).map((s: string) => this.subnet(s));
        if (subnets.length === 0) throw new UnsupportedFeatureError('VPCZoneIdentifier is empty');
        const healthCheckType = String(p.HealthCheckType ?? 'EC2');
        if (healthCheckType !== 'EC2' && healthCheckType !== 'ELB') {
          throw new UnsupportedFeatureError(`HealthCheckType ${healthCheckType}: the local deploy checks EC2 (its hosts' init) and ELB (its target groups' health)`);
        }
        const role = this.context.roles.get(id) ?? 'asg';
        const image = hostImage(lt.ImageId);
        const group: PlacedGroup = {
          logicalId: id,
          role,
          subnets: subnets.map(s => s.logicalId),
          minSize: Number(p.MinSize),
          maxSize: Number(p.MaxSize),
          desiredCapacity,
          launchTemplate: { data: lt, version: p.LaunchTemplate.Version ?? null },
          securityGroups: (lt.SecurityGroupIds ?? []).map((g: string) => this.context.references.logicalIdOf(g) ?? g),
          instanceType: lt.InstanceType ?? DEFAULT_INSTANCE_TYPE,
          tokensRequired: lt.MetadataOptions?.HttpTokens === 'required',
          image,
          healthCheckType,
          // The API's default is 0: no grace period.
          // https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-check-grace-period.html
          healthCheckGracePeriodSeconds: Number(p.HealthCheckGracePeriod ?? 0),
          targetGroupArns: p.TargetGroupARNs ?? [],
          ...(r.UpdatePolicy?.AutoScalingRollingUpdate
            ? { rollingUpdate: rollingUpdatePolicy(this.resolver.resolve(r.UpdatePolicy.AutoScalingRollingUpdate)) } : {}),
        };
        // Instances are spread over the group's subnets in turn, as Auto Scaling balances AZs.
        const hosts = Array.from({ length: capacity }, (_, i) => this.host(id, this.name(role), this.context.ids.instanceId(id, i),
          subnets[i % subnets.length], lt.SecurityGroupIds ?? [], lt.InstanceType, lt, undefined, image));
        return { group, hosts };
      });
      if (mapped) out.push(mapped);
    }
    return out;
  }

  private host(logicalId: string, name: string, instanceId: string, subnet: Subnet, groupIds: string[],
    instanceType: string | undefined, lt: any, elasticIp: string | undefined, image: HostImage): PlacedHost {
    const address = this.context.addresses.allocate(subnet, logicalId);
    return {
      name,
      logicalId,
      instanceId,
      subnet: subnet.logicalId,
      address,
      securityGroups: groupIds.map(g => this.context.references.logicalIdOf(g) ?? g),
      ...(elasticIp ? { elasticIp } : {}),
      image,
      metadata: {
        instanceId,
        tokensRequired: lt.MetadataOptions?.HttpTokens === 'required',
        instanceType: instanceType ?? DEFAULT_INSTANCE_TYPE,
        availabilityZone: subnet.availabilityZone,
        localIpv4: address,
        ...(elasticIp ? { publicIpv4: elasticIp } : {}),
      },
    };
  }

  private launchTemplateData(spec: any): any {
    if (!spec) return {};
    const match = this.ofType('AWS::EC2::LaunchTemplate').find(([id, r]) =>
      (spec.LaunchTemplateId && this.context.references.ref(id) === spec.LaunchTemplateId) ||
      (spec.LaunchTemplateName && r.Properties?.LaunchTemplateName === spec.LaunchTemplateName));
    if (!match) throw new UnsupportedFeatureError(`its launch template ${JSON.stringify(spec)} is not in the stack`);
    return this.resolver.resolve(match[1].Properties?.LaunchTemplateData ?? {});
  }

  /** Names hosts after their role, numbered in the order they are placed: web1, app1, app2... */
  private name(role: string): string {
    const n = (this.roleCounters.get(role) ?? 0) + 1;
    this.roleCounters.set(role, n);
    return `${role}${n}`;
  }

  private subnet(subnetId: string): Subnet {
    return subnetById(this.context.subnets, subnetId, id => this.context.references.ref(id));
  }

  private get resolver() {
    return this.context.references.resolver();
  }

  private ofType(type: string): Array<[string, TemplateResource]> {
    return Object.entries(this.context.resources).filter(([, r]) => r.Type === type);
  }
}

/**
 * The image of an instance. The local hosts present Amazon Linux 2023 (this machine's Debian
 * userland behind its os-release and package managers); other images are reported as unsupported.
 */
export function hostImage(imageId: unknown): HostImage {
  const id = String(imageId ?? '');
  if (/al2023-ami/.test(id)) return { name: 'Amazon Linux 2023', imageId: id };
  throw new UnsupportedFeatureError(`image "${id || '(none)'}": the local hosts emulate Amazon Linux 2023 only ` +
    '(an image named by an /aws/service/ami-amazon-linux-latest/al2023-ami-* parameter)');
}

/**
 * A group's `AutoScalingRollingUpdate`, with CloudFormation's defaults: MaxBatchSize 1,
 * MinInstancesInService 0, PauseTime PT0S, or PT5M with WaitOnResourceSignals; PauseTime at most
 * PT1H. Throws, naming the property, on a value CloudFormation refuses.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html
 */
export function rollingUpdatePolicy(p: any): RollingUpdatePolicy {
  const whole = (key: string, fallback: number, least: number) => {
    const value = p[key] === undefined ? fallback : Number(p[key]);
    if (!Number.isInteger(value) || value < least) {
      throw new UnsupportedFeatureError(`UpdatePolicy AutoScalingRollingUpdate ${key} ${JSON.stringify(p[key])}: expected a whole number of at least ${least}`);
    }
    return value;
  };
  const wait = p.WaitOnResourceSignals === true || p.WaitOnResourceSignals === 'true';
  return {
    maxBatchSize: whole('MaxBatchSize', 1, 1),
    minInstancesInService: whole('MinInstancesInService', 0, 0),
    pauseTimeSeconds: isoDurationSeconds(String(p.PauseTime ?? (wait ? 'PT5M' : 'PT0S')), 'UpdatePolicy AutoScalingRollingUpdate PauseTime', 1),
    waitOnResourceSignals: wait,
  };
}
