import { describe, expect, it } from 'vitest';
import { StatusCode, TtrpcError, statusCodeName, statusFromError } from './status.js';

describe('ttrpc status', () => {
  it('uses the gRPC code numbers', () => {
    expect([
      StatusCode.UNKNOWN,
      StatusCode.NOT_FOUND,
      StatusCode.RESOURCE_EXHAUSTED,
      StatusCode.UNIMPLEMENTED,
    ]).toEqual([2, 5, 8, 12]);
    expect(statusCodeName(14)).toBe('UNAVAILABLE');
    expect(statusCodeName(99)).toBe('CODE(99)');
  });

  it('answers a TtrpcError with its own status and details', () => {
    const details = [{ typeUrl: 't', value: new Uint8Array([1]) }];
    const error = new TtrpcError(StatusCode.ALREADY_EXISTS, 'task x exists', details);
    expect(statusFromError(error)).toEqual({ code: 6, message: 'task x exists', details });
    expect(TtrpcError.fromStatus(statusFromError(error))).toMatchObject({
      code: 6,
      message: 'task x exists',
    });
  });

  it('answers any other throw with UNKNOWN and its message', () => {
    expect(statusFromError(new TypeError('boom'))).toEqual({ code: 2, message: 'boom', details: [] });
    expect(statusFromError('plain')).toEqual({ code: 2, message: 'plain', details: [] });
  });
});
