import { SubnetAddresses } from '../../src/model/subnets';
import { Subnet } from '../../src/model/topology';

const subnet = (logicalId: string, cidr: string): Subnet =>
  ({ logicalId, cidr, prefixLength: 24, routerAddress: '', availabilityZone: 'local-1a', isPublic: false });
const A = subnet('A', '10.0.2.0/24');
const B = subnet('B', '10.0.3.0/24');

describe('SubnetAddresses', () => {
  test('with no address given, each subnet hands out its addresses in order from .10', () => {
    const addresses = new SubnetAddresses();

    expect([addresses.allocate(A, 'Group'), addresses.allocate(B, 'Group'), addresses.allocate(A, 'Nlb')]).toEqual(['10.0.2.10', '10.0.3.10', '10.0.2.11']);
  });

  test('a resource gets the addresses it was given again, in their subnet; another resource never gets one of them', () => {
    // A deployment whose group scaled out after its balancer took 10.0.2.11.
    const addresses = new SubnetAddresses({ Group: ['10.0.2.10', '10.0.3.10', '10.0.2.12'], Nlb: ['10.0.2.11'] });

    expect([addresses.allocate(A, 'Group'), addresses.allocate(B, 'Group'), addresses.allocate(A, 'Group'), addresses.allocate(A, 'Nlb')])
      .toEqual(['10.0.2.10', '10.0.3.10', '10.0.2.12', '10.0.2.11']);
    // A fourth instance and a new resource get the lowest addresses nobody has.
    expect([addresses.allocate(A, 'Group'), addresses.allocate(A, 'Other')]).toEqual(['10.0.2.13', '10.0.2.14']);
  });

  test('a given address outside the subnet is not kept: the resource moved, and gets a new one', () => {
    const addresses = new SubnetAddresses({ Nlb: ['10.0.2.10'] });

    expect(addresses.allocate(B, 'Nlb')).toBe('10.0.3.10');
    expect(addresses.allocate(A, 'Web')).toBe('10.0.2.11');
  });

  test('fails naming the subnet once it has no address left', () => {
    const tiny = { ...subnet('Tiny', '10.0.9.0/28'), prefixLength: 28 };
    const addresses = new SubnetAddresses({ Other: ['10.0.9.10', '10.0.9.11'] });

    expect([addresses.allocate(tiny, 'X'), addresses.allocate(tiny, 'X')]).toEqual(['10.0.9.12', '10.0.9.13']);
    expect(() => [addresses.allocate(tiny, 'X'), addresses.allocate(tiny, 'X')]).toThrow('10.0.9.0/28 has no room for host number 15');
  });
});
