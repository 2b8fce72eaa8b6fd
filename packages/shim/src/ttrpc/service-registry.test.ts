import { describe, expect, it } from 'vitest';
import { ServiceRegistry } from './service-registry.js';
import { StatusCode, TtrpcError } from './status.js';

const echo = (payload: Uint8Array) => Promise.resolve(payload);

describe('ServiceRegistry', () => {
  it('finds a registered method', () => {
    const registry = new ServiceRegistry();
    registry.register('a.B', { Echo: echo });
    expect(registry.lookup('a.B', 'Echo')).toBe(echo);
  });

  it('throws UNIMPLEMENTED with Go ttrpc text for an unknown service or method', () => {
    const registry = new ServiceRegistry();
    registry.register('a.B', { Echo: echo });
    expect(() => registry.lookup('a.C', 'Echo')).toThrow(
      expect.objectContaining({ code: StatusCode.UNIMPLEMENTED, message: 'service a.C' }),
    );
    expect(() => registry.lookup('a.B', 'Nope')).toThrow(
      expect.objectContaining({ code: StatusCode.UNIMPLEMENTED, message: 'method Nope' }),
    );
    expect(() => registry.lookup('a.B', 'Nope')).toThrow(TtrpcError);
  });

  it('refuses to register a service twice', () => {
    const registry = new ServiceRegistry();
    registry.register('a.B', { Echo: echo });
    expect(() => registry.register('a.B', {})).toThrow('ttrpc: service a.B is already registered');
  });
});
