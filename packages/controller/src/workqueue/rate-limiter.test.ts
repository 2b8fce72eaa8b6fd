import { describe, expect, it } from 'vitest';
import type { Clock } from './clock.js';
import {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
} from './rate-limiter.js';

/** A clock that moves only when told to. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = 1_000;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('ItemExponentialFailureRateLimiter', () => {
  it('doubles from 5 ms per failure of a key and caps at 1000 s, by default', () => {
    const limiter = new ItemExponentialFailureRateLimiter();
    const waits = Array.from({ length: 20 }, () => limiter.when('ns/a'));
    expect(waits.slice(0, 5)).toEqual([5, 10, 20, 40, 80]);
    expect(waits[17]).toBe(655_360); // 5 ms × 2^17, the last step under the cap
    expect(waits[18]).toBe(1_000_000);
    expect(waits[19]).toBe(1_000_000);
    expect(limiter.numRequeues('ns/a')).toBe(20);
  });

  it('stays at the cap however many failures (no overflow)', () => {
    const limiter = new ItemExponentialFailureRateLimiter(1, 60_000);
    for (let i = 0; i < 2000; i++) limiter.when('ns/a');
    expect(limiter.when('ns/a')).toBe(60_000);
  });

  it('tracks keys independently and starts over after forget', () => {
    const limiter = new ItemExponentialFailureRateLimiter(5, 1_000_000);
    limiter.when('ns/a');
    limiter.when('ns/a');
    expect(limiter.when('ns/b')).toBe(5);
    expect(limiter.numRequeues('ns/a')).toBe(2);
    limiter.forget('ns/a');
    expect(limiter.numRequeues('ns/a')).toBe(0);
    expect(limiter.when('ns/a')).toBe(5);
    expect(limiter.numRequeues('ns/b')).toBe(1);
  });

  it('rejects negative delays', () => {
    expect(() => new ItemExponentialFailureRateLimiter(-1, 10)).toThrow(RangeError);
  });
});

describe('BucketRateLimiter', () => {
  it('lets a burst of 100 through, then spaces retries at 10 a second', () => {
    const limiter = new BucketRateLimiter(10, 100, manualClock());
    const burst = Array.from({ length: 100 }, (_, i) => limiter.when(`ns/k${String(i)}`));
    expect(burst.every((wait) => wait === 0)).toBe(true);
    expect([limiter.when('x'), limiter.when('y'), limiter.when('z')]).toEqual([100, 200, 300]);
  });

  it('refills at qps as time passes, never above the burst', () => {
    const clock = manualClock();
    const limiter = new BucketRateLimiter(10, 100, clock);
    for (let i = 0; i < 100; i++) limiter.when('k');
    clock.advance(1000);
    const afterOneSecond = Array.from({ length: 11 }, () => limiter.when('k'));
    expect(afterOneSecond.slice(0, 10)).toEqual(Array<number>(10).fill(0));
    expect(afterOneSecond[10]).toBe(100);
    clock.advance(3_600_000);
    const afterAnHour = Array.from({ length: 101 }, () => limiter.when('k'));
    expect(afterAnHour.filter((wait) => wait === 0)).toHaveLength(100);
    expect(afterAnHour[100]).toBe(100);
  });

  it('pays back borrowed tokens before anything is free again', () => {
    const clock = manualClock();
    const limiter = new BucketRateLimiter(10, 1, clock);
    expect(limiter.when('k')).toBe(0);
    expect(limiter.when('k')).toBe(100);
    expect(limiter.when('k')).toBe(200);
    clock.advance(150); // 1.5 tokens back: still 0.5 in debt
    expect(limiter.when('k')).toBe(150);
  });

  it('does not count requeues per key, and forget gives nothing back', () => {
    const limiter = new BucketRateLimiter(10, 1, manualClock());
    limiter.when('k');
    limiter.forget('k');
    expect(limiter.numRequeues('k')).toBe(0);
    expect(limiter.when('k')).toBe(100);
  });

  it('rejects a non-positive rate or an empty bucket', () => {
    expect(() => new BucketRateLimiter(0, 10)).toThrow(RangeError);
    expect(() => new BucketRateLimiter(10, 0)).toThrow(RangeError);
  });
});

describe('MaxOfRateLimiter', () => {
  it('waits the longest of its limiters and asks every one of them', () => {
    const slow = new ItemExponentialFailureRateLimiter(1000, 1_000_000);
    const fast = new ItemExponentialFailureRateLimiter(1, 1_000_000);
    const limiter = new MaxOfRateLimiter(fast, slow);
    expect(limiter.when('k')).toBe(1000);
    expect(limiter.when('k')).toBe(2000);
    expect(fast.numRequeues('k')).toBe(2);
    expect(limiter.numRequeues('k')).toBe(2);
    limiter.forget('k');
    expect(fast.numRequeues('k')).toBe(0);
    expect(slow.numRequeues('k')).toBe(0);
  });

  it('needs at least one limiter', () => {
    expect(() => new MaxOfRateLimiter()).toThrow(RangeError);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('backs one key off exponentially while the bucket has tokens', () => {
    const limiter = defaultControllerRateLimiter(manualClock());
    expect([1, 2, 3, 4].map(() => limiter.when('ns/a'))).toEqual([5, 10, 20, 40]);
    expect(limiter.numRequeues('ns/a')).toBe(4);
  });

  it('spaces failures across many keys by the bucket once the burst is spent', () => {
    const limiter = defaultControllerRateLimiter(manualClock());
    for (let i = 0; i < 100; i++) expect(limiter.when(`ns/k${String(i)}`)).toBe(5);
    expect(limiter.when('ns/k100')).toBe(100);
    expect(limiter.when('ns/k101')).toBe(200);
  });
});
