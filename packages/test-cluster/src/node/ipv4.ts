/** IPv4 CIDR arithmetic for picking networks that nothing on the host uses yet. */

/** Whether two IPv4 CIDRs (`a.b.c.d/n`; a bare address is a /32) share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [networkA, bitsA] = parseCidr(a);
  const [networkB, bitsB] = parseCidr(b);
  const bits = Math.min(bitsA, bitsB);
  return prefix(networkA, bits) === prefix(networkB, bits);
}

export function parseCidr(cidr: string): [number, number] {
  const [address = '', bits = '32'] = cidr.split('/');
  const octets = address.split('.').map(Number);
  if (octets.length !== 4 || octets.some((octet) => !Number.isInteger(octet) || octet < 0 || octet > 255))
    throw new Error(`not an IPv4 address or CIDR: ${cidr}`);
  const prefixLength = Number(bits);
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32)
    throw new Error(`not an IPv4 prefix length: ${cidr}`);
  return [octets.reduce((value, octet) => value * 256 + octet, 0), prefixLength];
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

function prefix(address: number, bits: number): number {
  return bits === 0 ? 0 : Math.floor(address / 2 ** (32 - bits));
}
