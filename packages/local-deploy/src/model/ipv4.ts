import { UnsupportedFeatureError } from '../errors';

/** Parses "10.0.2.0/24" into its network number and prefix length. */
export function parseCidr(cidr: string): { network: number; prefixLength: number } {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new UnsupportedFeatureError(`Not an IPv4 CIDR block: ${cidr}`);
  const prefixLength = Number(m[2]);
  return { network: networkOf(toNumber(m[1]), prefixLength), prefixLength };
}

/** The address `offset` hosts into a CIDR block; throws when the block is too small. */
export function hostAddress(cidr: string, offset: number): string {
  const { network, prefixLength } = parseCidr(cidr);
  const size = 2 ** (32 - prefixLength);
  if (offset <= 0 || offset >= size - 1) {
    throw new UnsupportedFeatureError(`${cidr} has no room for host number ${offset}`);
  }
  return formatDotted(network + offset);
}

/** Whether an address lies in a CIDR block. */
export function cidrContains(cidr: string, address: string): boolean {
  const { network, prefixLength } = parseCidr(cidr);
  return networkOf(toNumber(address), prefixLength) === network;
}

// Plain arithmetic rather than bitwise operators: JavaScript's are signed 32-bit.
function networkOf(address: number, prefixLength: number): number {
  const size = 2 ** (32 - prefixLength);
  return Math.floor(address / size) * size;
}

function toNumber(dotted: string): number {
  return dotted.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function formatDotted(n: number): string {
  return [3, 2, 1, 0].map(i => Math.floor(n / 256 ** i) % 256).join('.');
}
