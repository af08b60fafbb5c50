import { Template } from '../assembly/cloud-assembly';
import { IntrinsicResolver } from '../assembly/intrinsics';
import { UnsupportedFeatureError } from '../errors';
import { cidrContains, hostAddress, parseCidr } from './ipv4';
import { ResourceValues } from './references';
import { Subnet } from './topology';

/** Host addresses start here in each subnet (AWS reserves the first four; .1 is the router). */
export const FIRST_HOST_OFFSET = 10;

/** The subnets of a template, with the attributes they give to `Fn::GetAtt`. */
export function mapSubnets(template: Template, resolver: IntrinsicResolver): { subnets: Subnet[]; values: Record<string, Partial<ResourceValues>> } {
  const subnets: Subnet[] = [];
  const values: Record<string, Partial<ResourceValues>> = {};
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    if (r.Type !== 'AWS::EC2::Subnet') continue;
    const p = resolver.resolve(r.Properties ?? {});
    const cidr = p.CidrBlock as string;
    const tags: Array<{ Key: string; Value: string }> = p.Tags ?? [];
    const subnet: Subnet = {
      logicalId: id,
      cidr,
      prefixLength: parseCidr(cidr).prefixLength,
      routerAddress: hostAddress(cidr, 1),
      availabilityZone: p.AvailabilityZone ?? resolver.availabilityZones[0],
      isPublic: p.MapPublicIpOnLaunch === true || p.MapPublicIpOnLaunch === 'true' || tags.some(t => t.Key === 'aws-cdk:subnet-type' && t.Value === 'Public'),
    };
    subnets.push(subnet);
    values[id] = { attributes: { AvailabilityZone: subnet.availabilityZone, CidrBlock: cidr } };
  }
  return { subnets, values };
}

/**
 * Hands out host addresses as the mapping places hosts and balancers. A resource that already has
 * an address in the subnet (`given`: a running deployment's, by the resource's logical id; a
 * group's are its instances') gets it again: an instance keeps its private IPv4 address until it
 * is terminated, and an internal NLB's private addresses "will not change during the life of the
 * load balancer", whatever else an update changes.
 * Any other resource gets the lowest address of the subnet that no resource has; with none given,
 * that is the next one in order.
 *
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html
 */
export class SubnetAddresses {
  /** Every address handed out so far, and every address already given to some resource. */
  private readonly handedOut = new Set<string>();
  private readonly reserved: ReadonlySet<string>;

  constructor(private readonly given: Readonly<Record<string, readonly string[]>> = {}) {
    this.reserved = new Set(Object.values(given).flat());
  }

  /** An address in `subnet` for (one more place of) the resource `logicalId`. */
  public allocate(subnet: Subnet, logicalId: string): string {
    const kept = (this.given[logicalId] ?? []).find(a => !this.handedOut.has(a) && cidrContains(subnet.cidr, a));
    const address = kept ?? this.lowestFree(subnet);
    this.handedOut.add(address);
    return address;
  }

  private lowestFree(subnet: Subnet): string {
    for (let offset = FIRST_HOST_OFFSET; ; offset++) {
      // hostAddress throws, naming the subnet, once it has no room left.
      const address = hostAddress(subnet.cidr, offset);
      if (!this.handedOut.has(address) && !this.reserved.has(address)) return address;
    }
  }
}

/** The subnet whose local id is `subnetId`. */
export function subnetById(subnets: Subnet[], subnetId: string, refOf: (logicalId: string) => unknown): Subnet {
  const subnet = subnets.find(s => refOf(s.logicalId) === subnetId);
  if (!subnet) throw new UnsupportedFeatureError(`subnet ${subnetId} is not in the stack`);
  return subnet;
}
