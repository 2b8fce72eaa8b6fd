/**
 * The /30 networks that connect a test network namespace to the host: 10.200.<n>.0/16 cut into 16,384
 * /30s, one per veth pair. Index `i` owns `10.200.0.0 + 4i`: the host end takes `.1`, the namespace end
 * `.2`. The host end is named after the index (`spkv<i>`), so the kernel's "interface exists" is the
 * lock that keeps two concurrent test files off the same subnet.
 */
import { formatIpv4 } from '@spinkube/test-cluster';

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
