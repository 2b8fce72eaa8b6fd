import { describe, expect, it } from 'vitest';
import { vethSubnet, SUBNET_COUNT } from './veth-subnet.ts';

describe('vethSubnet', () => {
  it('gives index i the i-th /30 of 10.200.0.0/16, host .1 and namespace .2', () => {
    expect(vethSubnet(0)).toEqual({
      index: 0,
      cidr: '10.200.0.0/30',
      hostAddress: '10.200.0.1',
      namespaceAddress: '10.200.0.2',
      hostInterface: 'spkv0',
    });
    expect(vethSubnet(65).cidr).toBe('10.200.1.4/30');
    expect(vethSubnet(SUBNET_COUNT - 1).namespaceAddress).toBe('10.200.255.254');
  });

  it('refuses an index outside 10.200.0.0/16', () => {
    expect(() => vethSubnet(SUBNET_COUNT)).toThrow(RangeError);
    expect(() => vethSubnet(-1)).toThrow(RangeError);
  });

  it('keeps interface names within the kernel limit of 15 bytes', () => {
    expect(vethSubnet(SUBNET_COUNT - 1).hostInterface.length).toBeLessThanOrEqual(15);
  });
});
