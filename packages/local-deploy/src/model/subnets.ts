import { Template } from '../assembly/cloud-assembly';
import { IntrinsicResolver } from '../assembly/intrinsics';
import { UnsupportedFeatureError } from '../errors';
import { hostAddress, parseCidr } from './ipv4';
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

/** Hands out host addresses in each subnet, in order, as the mapping places hosts and balancers. */
export class SubnetAddresses {
  private readonly next = new Map<string, number>();

  public allocate(subnet: Subnet): string {
    const offset = this.next.get(subnet.logicalId) ?? FIRST_HOST_OFFSET;
    this.next.set(subnet.logicalId, offset + 1);
    return hostAddress(subnet.cidr, offset);
  }
}

/** The subnet whose local id is `subnetId`. */
export function subnetById(subnets: Subnet[], subnetId: string, refOf: (logicalId: string) => unknown): Subnet {
  const subnet = subnets.find(s => refOf(s.logicalId) === subnetId);
  if (!subnet) throw new UnsupportedFeatureError(`subnet ${subnetId} is not in the stack`);
  return subnet;
}
