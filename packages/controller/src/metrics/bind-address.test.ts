import { describe, expect, it } from 'vitest';
import { parseBindAddress } from './bind-address.js';

describe('parseBindAddress', () => {
  it('reads the forms controller-runtime flags take', () => {
    expect(parseBindAddress(':8080')).toEqual({ port: 8080 });
    expect(parseBindAddress('127.0.0.1:8443')).toEqual({ host: '127.0.0.1', port: 8443 });
    expect(parseBindAddress('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    expect(parseBindAddress('[::1]:9090')).toEqual({ host: '::1', port: 9090 });
    expect(parseBindAddress('[::]:80')).toEqual({ host: '::', port: 80 });
  });

  it('reads 0 as disabled', () => {
    expect(parseBindAddress('0')).toBeUndefined();
  });

  it('rejects what is not [host]:port, naming the address', () => {
    for (const bad of ['8080', 'host:', ':http', ':65536', '::1:80', ':-1', '']) {
      expect(() => parseBindAddress(bad), bad).toThrow(RangeError);
    }
    expect(() => parseBindAddress('8080')).toThrow('invalid bind address "8080"');
  });
});
