import { describe, expect, it } from 'vitest';
import { cidrsOverlap, vethSubnet, SUBNET_COUNT } from './veth-subnet.ts';

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

describe('cidrsOverlap', () => {
  it('finds a /30 inside a wider route and a host address inside a /30', () => {
    expect(cidrsOverlap('10.200.1.4/30', '10.0.0.0/8')).toBe(true);
    expect(cidrsOverlap('10.200.1.4/30', '10.200.1.6')).toBe(true);
  });

  it('tells neighbouring /30s apart', () => {
    expect(cidrsOverlap('10.200.1.4/30', '10.200.1.8/30')).toBe(false);
    expect(cidrsOverlap('10.200.1.4/30', '192.0.2.0/24')).toBe(false);
  });
});
