import { describe, expect, it } from 'vitest';
import { cidrsOverlap, formatIpv4, parseCidr } from './ipv4.js';

describe('cidrsOverlap', () => {
  it('sees a network inside a larger one, and a bare address inside a network', () => {
    expect(cidrsOverlap('10.250.3.0/24', '10.0.0.0/8')).toBe(true);
    expect(cidrsOverlap('10.244.7.9', '10.244.7.0/24')).toBe(true);
  });

  it('keeps neighbouring networks apart', () => {
    expect(cidrsOverlap('10.250.3.0/24', '10.250.4.0/24')).toBe(false);
    expect(cidrsOverlap('10.250.3.0/24', '10.244.3.0/24')).toBe(false);
  });

  it('treats /0 as everything', () => {
    expect(cidrsOverlap('0.0.0.0/0', '192.168.1.0/24')).toBe(true);
  });
});

describe('parseCidr', () => {
  it('names the bad input', () => {
    expect(() => parseCidr('10.250.300.0/24')).toThrow('not an IPv4 address or CIDR: 10.250.300.0/24');
    expect(() => parseCidr('10.250.3.0/33')).toThrow('not an IPv4 prefix length: 10.250.3.0/33');
  });

  it('round-trips through formatIpv4', () => {
    expect(formatIpv4(parseCidr('10.250.3.2')[0])).toBe('10.250.3.2');
  });
});
