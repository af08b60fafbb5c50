import { creationOrder } from './creation-order';
import { StackArtifact, Template, TemplateResource } from '../assembly/cloud-assembly';
import { IntrinsicResolver } from '../assembly/intrinsics';
import { ExitCode, LocalDeployError, UnsupportedFeatureError } from '../errors';
import { INTERNET, mapHosts } from './hosts';
import { mapLoadBalancers } from './load-balancers';
import { LocalIdentities } from './local-identities';
import { associationsByTarget, hostRoles, mapProvisioning } from './provisioning';
import { identifyResources } from './references';
import { resourceKind } from './resource-kinds';
import { mapSignalPolicies } from './resource-signals';
import { mapSecurityGroups, portsOpenTo } from './security-groups';
import { mapSubnets, SubnetAddresses } from './subnets';
import { IgnoredResource, Topology } from './topology';
import { UnsupportedResources } from './unsupported';

export { UnsupportedResourcesError } from './unsupported';

/** Options of {@link mapStack}. */
export interface MapStackOptions {
  /** The region the local deployment reports. @default 'local-1' */
  readonly region?: string;
  /** The account the local deployment reports. @default '123456789012' */
  readonly accountId?: string;
  /** Exports of stacks deployed before this one. */
  readonly imports?: Record<string, string>;
  /**
   * Instances of every Auto Scaling group, as after `aws autoscaling update-auto-scaling-group
   * --desired-capacity N --max-size N`. @default - each group's DesiredCapacity (else MinSize)
   */
  readonly desiredCapacity?: number;
  /**
   * Instances of some Auto Scaling groups, by logical id, before `desiredCapacity`: the counts a
   * running deployment has, which a new template of its stack is compared with.
   */
  readonly groupCapacities?: Readonly<Record<string, number>>;
  /**
   * The private addresses a running deployment of the stack gave, by the logical id of their
   * instance, balancer or Auto Scaling group: a new template of the stack keeps them (see
   * {@link SubnetAddresses}), so that what did not change compares equal.
   * @default - none: addresses are handed out in order
   */
  readonly addresses?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Maps one stack of a cloud assembly to the {@link Topology} of its local deployment. Pure: reads
 * the template and the asset folders, starts nothing. Every resource that cannot be run locally
 * is collected and reported at once in an {@link UnsupportedResourcesError}.
 *
 * The steps run in the order values become known: every resource's ids, then subnets, hosts (and
 * their addresses), load balancers, provisioning and resource signals, security groups and
 * outputs; last the order CloudFormation creates the resources in, which fails on a signal deadlock.
 */
export function mapStack(stack: StackArtifact, options: MapStackOptions = {}): Topology {
  const resources = stack.template.Resources ?? {};
  const unsupported = new UnsupportedResources(id => resources[id]?.Type);
  const ignored = classify(resources, unsupported);

  const vpcs = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::EC2::VPC');
  if (vpcs.length !== 1) {
    throw new LocalDeployError(`The stack ${stack.stackName} has ${vpcs.length} VPCs; the local deploy runs exactly one`, ExitCode.UNSUPPORTED_RESOURCES);
  }
  const ids = new LocalIdentities(stack.stackName, options.region ?? 'local-1', options.accountId ?? '123456789012');
  const identified = identifyResources(stack, ids, ignored, options.imports);
  const [vpcId, vpc] = vpcs[0];
  const vpcCidr = identified.resolver().resolveString(vpc.Properties?.CidrBlock);
  const network = mapSubnets(stack.template, identified.resolver());
  const placing = identified.with({ ...network.values, [vpcId]: { attributes: { CidrBlock: vpcCidr } } });

  const addresses = new SubnetAddresses(options.addresses);
  const roles = hostRoles({ stack, references: placing, unsupported });
  const placed = mapHosts({
    resources,
    references: placing,
    ids,
    subnets: network.subnets,
    addresses,
    unsupported,
    roles,
    desiredCapacity: options.desiredCapacity,
    groupCapacities: options.groupCapacities,
  });
  const references = placing.with(placed.values);
  const balancers = mapLoadBalancers({ resources, references, subnets: network.subnets, addresses, unsupported, hosts: placed.hosts });
  const associations = mapProvisioning({ stack, references, unsupported });
  const signals = mapSignalPolicies(resources, references.resolver(), unsupported,
    id => placed.hosts.filter(h => h.logicalId === id).map(h => h.name), options.desiredCapacity);
  const securityGroups = unsupported.guard('SecurityGroups', () => mapSecurityGroups(stack.template, references.resolver(),
    groupId => Object.keys(resources).find(id => resources[id].Type === 'AWS::EC2::SecurityGroup' && references.ref(id) === groupId))) ?? [];

  unsupported.throwIfAny(stack.stackName);
  // Only the waits for signals can close a cycle: CloudFormation itself rejects circular references.
  const provisionedBy = associationsByTarget({ stack, references, unsupported });
  const order = creationOrder(resources, new Map(signals.map(s => [s.logicalId, provisionedBy.get(s.logicalId) ?? []])));

  // The regional name and the zonal names `<zone>.<name>`; one balancer host stands for every node.
  const hostsEntries = balancers.flatMap(b => [b.dnsName, ...b.availabilityZones.map(z => `${z}.${b.dnsName}`)].map(name => ({ name, address: b.address })));
  return {
    stackName: stack.stackName,
    region: ids.region,
    vpcCidr,
    subnets: network.subnets,
    securityGroups,
    hosts: placed.hosts.map(h => ({
      ...h,
      hostsEntries,
      associations: associations.get(h.logicalId) ?? [],
      publishedPorts: h.elasticIp ? portsOpenTo(INTERNET.clientAddress, h.securityGroups, securityGroups) : [],
    })),
    groups: placed.groups.map(g => ({ ...g, associations: associations.get(g.logicalId) ?? [], hostsEntries })),
    balancers,
    internet: { cidr: INTERNET.cidr, switchAddress: INTERNET.switchAddress, clientAddress: INTERNET.clientAddress },
    ...mapOutputs(stack.template, references.resolver()),
    ignored: [...ignored, ...placed.ignored],
    signals,
    creationOrder: order,
  };
}

/** Sorts resources into those that run locally, those that need nothing, and the unsupported. */
function classify(resources: Record<string, TemplateResource>, unsupported: UnsupportedResources): IgnoredResource[] {
  const ignored: IgnoredResource[] = [];
  for (const [id, r] of Object.entries(resources)) {
    const kind = resourceKind(id, r);
    if (!kind) unsupported.add(id, 'no local equivalent');
    else if (kind.kind === 'ignored') ignored.push({ logicalId: id, type: r.Type, reason: kind.reason });
  }
  return ignored;
}

function mapOutputs(template: Template, resolver: IntrinsicResolver): { outputs: Record<string, string>; exports: Record<string, string> } {
  const outputs: Record<string, string> = {};
  const exports: Record<string, string> = {};
  for (const [name, o] of Object.entries(template.Outputs ?? {})) {
    try {
      outputs[name] = resolver.resolveString(o.Value);
      if (o.Export) exports[resolver.resolveString(o.Export.Name)] = outputs[name];
    } catch (e) {
      // An output of an ignored resource's attribute has no meaningful local value; leave it out.
      if (!(e instanceof UnsupportedFeatureError)) throw e;
    }
  }
  return { outputs, exports };
}
