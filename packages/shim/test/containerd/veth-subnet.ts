/**
 * The /30 networks that connect a test network namespace to the host: 10.200.<n>.0/16 cut into 16,384
 * /30s, one per veth pair. Index `i` owns `10.200.0.0 + 4i`: the host end takes `.1`, the namespace end
 * `.2`. The host end is named after the index (`spkv<i>`), so the kernel's "interface exists" is the
 * lock that keeps two concurrent test files off the same subnet.
 */

export const SUBNET_COUNT = 16_384;
const BASE = (10 << 24) | (200 << 16);

export interface VethSubnet {
  readonly index: number;
  /** `10.200.x.y/30` */
  readonly cidr: string;
  readonly hostAddress: string;
  readonly namespaceAddress: string;
  readonly hostInterface: string;
}

export function vethSubnet(index: number): VethSubnet {
  if (!Number.isInteger(index) || index < 0 || index >= SUBNET_COUNT)
    throw new RangeError(`subnet index ${String(index)} is outside 0..${String(SUBNET_COUNT - 1)}`);
  const network = BASE + index * 4;
  return {
    index,
    cidr: `${formatIpv4(network)}/30`,
    hostAddress: formatIpv4(network + 1),
    namespaceAddress: formatIpv4(network + 2),
    hostInterface: `spkv${String(index)}`,
  };
}

/** Whether two IPv4 CIDRs (`a.b.c.d/n`; a bare address is a /32) share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [networkA, bitsA] = parseCidr(a);
  const [networkB, bitsB] = parseCidr(b);
  const bits = Math.min(bitsA, bitsB);
  return prefix(networkA, bits) === prefix(networkB, bits);
}

function parseCidr(cidr: string): [number, number] {
  const [address = '', bits = '32'] = cidr.split('/');
  const octets = address.split('.').map(Number);
  if (octets.length !== 4 || octets.some((octet) => !Number.isInteger(octet) || octet < 0 || octet > 255))
    throw new Error(`not an IPv4 address or CIDR: ${cidr}`);
  return [octets.reduce((value, octet) => value * 256 + octet, 0), Number(bits)];
}

function prefix(address: number, bits: number): number {
  return bits === 0 ? 0 : Math.floor(address / 2 ** (32 - bits));
}

function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}
