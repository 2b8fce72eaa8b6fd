import { describe, expect, it } from 'vitest';
import {
  acquiredSpec,
  isHeld,
  recordOf,
  releasedSpec,
  sameRecord,
  type LeaderRecord,
} from './lease-record.js';

const held: LeaderRecord = {
  holderIdentity: 'a',
  leaseDurationSeconds: 15,
  acquireTime: '2025-01-01T00:00:00.000000Z',
  renewTime: '2025-01-01T00:00:10.000000Z',
  leaseTransitions: 3,
};
const now = new Date('2025-01-01T00:01:00.123Z');

describe('lease record', () => {
  it('reads a lease as the apiserver returns it (times as wire strings), defaulting what is missing', () => {
    expect(
      recordOf({ spec: { holderIdentity: 'a', renewTime: '2025-01-01T00:00:10.000000Z' as never } }, 15),
    ).toEqual({ ...held, acquireTime: '', leaseTransitions: 0 });
    expect(recordOf({}, 7)).toEqual({
      holderIdentity: '',
      leaseDurationSeconds: 7,
      acquireTime: '',
      renewTime: '',
      leaseTransitions: 0,
    });
  });

  it('sees a renewal as a new record, and an identical read as the same one', () => {
    expect(sameRecord(held, { ...held })).toBe(true);
    expect(sameRecord(held, { ...held, renewTime: '2025-01-01T00:00:12.000000Z' })).toBe(false);
    expect(sameRecord(held, { ...held, holderIdentity: 'b' })).toBe(false);
  });

  it("binds other candidates for the holder's lease duration from when the record was first seen", () => {
    expect(isHeld(held, 1000, 1000 + 14_999)).toBe(true);
    expect(isHeld(held, 1000, 1000 + 15_000)).toBe(false);
    expect(isHeld({ ...held, leaseDurationSeconds: 1 }, 1000, 2500)).toBe(false);
  });

  it('binds nobody once released (no holder), however recently it was seen', () => {
    expect(isHeld({ ...held, holderIdentity: '' }, 1000, 1000)).toBe(false);
  });

  it('starts a new lease at zero transitions, acquired and renewed now, in microsecond time', () => {
    const spec = acquiredSpec(undefined, 'a', now, 15);
    expect(spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(JSON.parse(JSON.stringify(spec))).toMatchObject({
      acquireTime: '2025-01-01T00:01:00.123000Z',
      renewTime: '2025-01-01T00:01:00.123000Z',
    });
  });

  it('keeps the acquire time and transition count when the holder renews', () => {
    const spec = JSON.parse(JSON.stringify(acquiredSpec(held, 'a', now, 15))) as Record<string, unknown>;
    expect(spec).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2025-01-01T00:00:00.000000Z',
      renewTime: '2025-01-01T00:01:00.123000Z',
      leaseTransitions: 3,
    });
  });

  it('counts a transition when another candidate takes over, from a holder or from a released lease', () => {
    expect(acquiredSpec(held, 'b', now, 15)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 4 });
    expect(acquiredSpec({ ...held, holderIdentity: '' }, 'b', now, 15)).toMatchObject({
      leaseTransitions: 4,
    });
    expect(JSON.parse(JSON.stringify(acquiredSpec(held, 'b', now, 15)))).toMatchObject({
      acquireTime: '2025-01-01T00:01:00.123000Z',
    });
  });

  it('releases by clearing the holder, keeping the transition count, with a one-second duration', () => {
    const spec = releasedSpec(held, now);
    expect(spec.holderIdentity).toBeUndefined();
    expect(spec).toMatchObject({ leaseDurationSeconds: 1, leaseTransitions: 3 });
  });
});
