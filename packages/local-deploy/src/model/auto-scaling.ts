import { hostAddress, parseCidr } from './ipv4';
import { FIRST_HOST_OFFSET } from './subnets';
import { AutoScalingGroup, Host, RollingUpdatePolicy, Subnet, Topology } from './topology';

/**
 * The subnet Auto Scaling launches a group's next instance into: one of the Availability Zone with
 * the fewest of the group's running instances, so that the zones stay balanced (a tie goes to the
 * zone of the group's first subnet, in `VPCZoneIdentifier` order). A replacement therefore lands
 * in the zone of the instance it replaces.
 *
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-availability-zone-balanced.html
 */
export function launchSubnet(group: AutoScalingGroup, topology: Pick<Topology, 'subnets' | 'hosts'>): Subnet {
  const subnets = group.subnets.map(id => {
    const subnet = topology.subnets.find(s => s.logicalId === id);
    if (!subnet) throw new Error(`${group.logicalId}: its subnet ${id} is not in the topology`);
    return subnet;
  });
  const running = topology.hosts.filter(h => h.logicalId === group.logicalId);
  const inZone = (zone: string) => running.filter(h => h.metadata.availabilityZone === zone).length;
  const zones = [...new Set(subnets.map(s => s.availabilityZone))];
  const zone = zones.reduce((best, z) => (inZone(z) < inZone(best) ? z : best));
  return subnets.find(s => s.availabilityZone === zone)!;
}

/** The lowest host address of a subnet that is not taken (AWS reserves the first four and the last). */
export function freeAddress(subnet: Pick<Subnet, 'logicalId' | 'cidr'>, taken: ReadonlySet<string>): string {
  const size = 2 ** (32 - parseCidr(subnet.cidr).prefixLength);
  for (let offset = FIRST_HOST_OFFSET; offset < size - 1; offset++) {
    const address = hostAddress(subnet.cidr, offset);
    if (!taken.has(address)) return address;
  }
  throw new Error(`subnet ${subnet.logicalId} (${subnet.cidr}) has no free address left`);
}

/** The next name of a role (`app3` after `app1`, `app2`): never one used before in the deployment. */
export function nextHostName(role: string, used: Iterable<string>): string {
  const pattern = new RegExp(`^${role.replace(/[^\w]/g, '\\$&')}(\\d+)$`);
  let highest = 0;
  for (const name of used) {
    const m = pattern.exec(name);
    if (m) highest = Math.max(highest, Number(m[1]));
  }
  return `${role}${highest + 1}`;
}

/** A new instance of a group, as its launch template and tags make it. */
export function launchedHost(group: AutoScalingGroup, subnet: Subnet, instance: { name: string; instanceId: string; address: string }): Host {
  return {
    name: instance.name,
    logicalId: group.logicalId,
    instanceId: instance.instanceId,
    subnet: subnet.logicalId,
    address: instance.address,
    securityGroups: group.securityGroups,
    image: group.image,
    metadata: {
      instanceId: instance.instanceId,
      tokensRequired: group.tokensRequired,
      instanceType: group.instanceType,
      availabilityZone: subnet.availabilityZone,
      localIpv4: instance.address,
    },
    hostsEntries: group.hostsEntries,
    associations: group.associations,
    publishedPorts: [],
  };
}

/** The topology with a host added, registered with its group's target groups. */
export function withHost(topology: Topology, host: Host): Topology {
  if (topology.hosts.some(h => h.name === host.name)) throw new Error(`a host named ${host.name} is already in the topology`);
  const group = topology.groups.find(g => g.logicalId === host.logicalId);
  const arns = new Set(group?.targetGroupArns ?? []);
  return {
    ...topology,
    hosts: [...topology.hosts, host],
    balancers: topology.balancers.map(b => ({
      ...b,
      listeners: b.listeners.map(l => (arns.has(l.targetGroup.arn)
        ? { ...l, targetGroup: { ...l.targetGroup, targets: [...l.targetGroup.targets, host.name] } } : l)),
    })),
  };
}

/** The topology without a host: out of the hosts and of every target group. */
export function withoutHost(topology: Topology, name: string): Topology {
  return {
    ...topology,
    hosts: topology.hosts.filter(h => h.name !== name),
    balancers: topology.balancers.map(b => ({
      ...b,
      listeners: b.listeners.map(l => ({ ...l, targetGroup: { ...l.targetGroup, targets: l.targetGroup.targets.filter(t => t !== name) } })),
    })),
  };
}

/**
 * One batch of a rolling replacement: launch `launchFirst` new instances (and wait for their
 * signals), terminate the old `terminate`, then launch `launchAfter` more.
 */
export interface ReplacementBatch {
  readonly launchFirst: number;
  readonly terminate: string[];
  readonly launchAfter: number;
}

/**
 * The batches in which CloudFormation's AutoScalingRollingUpdate replaces a group's instances:
 * at most MaxBatchSize old instances a batch, and never fewer than MinInstancesInService in
 * service. When terminating a batch first would go below it, CloudFormation launches the new
 * instances first, above DesiredCapacity (up to MaxSize): so with MinInstancesInService equal to
 * DesiredCapacity, each batch launches, then terminates. MinInstancesInService must be less than
 * MaxSize, as CloudFormation requires. `running` counts the group's instances in service when only
 * some of them are replaced. Pure.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html
 */
export function rollingReplacementBatches(old: readonly string[], maxSize: number, policy: Pick<RollingUpdatePolicy, 'maxBatchSize' | 'minInstancesInService'>,
  running = old.length): ReplacementBatch[] {
  const { maxBatchSize, minInstancesInService: min } = policy;
  if (min >= maxSize) {
    throw new Error(`AutoScalingRollingUpdate MinInstancesInService ${min}: it must be less than the group's MaxSize ${maxSize}`);
  }
  const batches: ReplacementBatch[] = [];
  for (let i = 0; i < old.length;) {
    // In service during a batch of b: running + launchFirst - b >= min, launchFirst <= maxSize - running.
    const size = Math.min(maxBatchSize, old.length - i, maxSize - min);
    const launchFirst = Math.min(size, Math.max(0, min - (running - size)));
    batches.push({ launchFirst, terminate: old.slice(i, i + size), launchAfter: size - launchFirst });
    i += size;
  }
  return batches;
}
