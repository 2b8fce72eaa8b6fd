import { describe, expect, it } from 'vitest';
import { requestCodec, responseCodec } from './messages.js';

describe('ttrpc Request and Response', () => {
  it('encodes a Request byte for byte as containerd 1.6 ctr does', () => {
    // Captured from `ctr shim --id foo state` (Go ttrpc): State of the task service with StateRequest{id: "foo"}.
    const captured = Buffer.from(
      '0a17636f6e7461696e6572642e7461736b2e76322e5461736b120553746174651a050a03666f6f',
      'hex',
    );
    const encoded = requestCodec.encode({
      service: 'containerd.task.v2.Task',
      method: 'State',
      payload: Buffer.from('0a03666f6f', 'hex'),
      timeoutNano: 0,
      metadata: [],
    });
    expect(Buffer.from(encoded).equals(captured)).toBe(true);
    expect(requestCodec.decode(captured)).toMatchObject({
      service: 'containerd.task.v2.Task',
      method: 'State',
    });
  });

  it('round-trips the timeout and repeated metadata', () => {
    const request = {
      service: 's',
      method: 'm',
      payload: new Uint8Array([1, 2]),
      timeoutNano: 30_000_000_000,
      metadata: [
        { key: 'containerd-namespace-ttrpc', value: 'k8s.io' },
        { key: 'k', value: 'v1' },
        { key: 'k', value: 'v2' },
      ],
    };
    const decoded = requestCodec.decode(requestCodec.encode(request));
    expect({ ...decoded, payload: [...decoded.payload] }).toEqual({ ...request, payload: [1, 2] });
  });

  it('keeps an OK status on the wire so Go clients always find one', () => {
    const bytes = responseCodec.encode({
      status: { code: 0, message: '', details: [] },
      payload: new Uint8Array(),
    });
    expect(Buffer.from(bytes).toString('hex')).toBe('0a00');
    expect(responseCodec.decode(bytes).status).toEqual({ code: 0, message: '', details: [] });
    expect(responseCodec.decode(new Uint8Array()).status).toBeNull();
  });

  it('throws on a malformed Request', () => {
    expect(() => requestCodec.decode(Buffer.from('0a7f61', 'hex'))).toThrow();
    expect(() => requestCodec.decode(Buffer.from('ff', 'hex'))).toThrow();
  });
});
