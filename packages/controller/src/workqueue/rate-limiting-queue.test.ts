import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ItemExponentialFailureRateLimiter } from './rate-limiter.js';
import { RateLimitingQueue } from './rate-limiting-queue.js';

describe('RateLimitingQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Milliseconds until `key` shows up in the queue after `addRateLimited`. */
  async function requeueDelay(queue: RateLimitingQueue, key: string): Promise<number> {
    queue.addRateLimited(key);
    let waited = 0;
    while (queue.length() === 0) {
      vi.advanceTimersByTime(1);
      waited += 1;
    }
    expect(await queue.get()).toBe(key);
    queue.done(key);
    return waited;
  }

  it('requeues a failing key after 5, 10, 20 ms with the default limiter, and from 5 ms after forget', async () => {
    const queue = new RateLimitingQueue();
    expect(await requeueDelay(queue, 'ns/a')).toBe(5);
    expect(await requeueDelay(queue, 'ns/a')).toBe(10);
    expect(await requeueDelay(queue, 'ns/a')).toBe(20);
    expect(queue.numRequeues('ns/a')).toBe(3);
    queue.forget('ns/a');
    expect(queue.numRequeues('ns/a')).toBe(0);
    expect(await requeueDelay(queue, 'ns/a')).toBe(5);
    queue.shutDown();
  });

  it('uses the rate limiter it is given', async () => {
    const queue = new RateLimitingQueue({ rateLimiter: new ItemExponentialFailureRateLimiter(50, 60) });
    expect(await requeueDelay(queue, 'ns/a')).toBe(50);
    expect(await requeueDelay(queue, 'ns/a')).toBe(60);
    queue.shutDown();
  });

  it('ignores addRateLimited once shut down, without counting a requeue', () => {
    const queue = new RateLimitingQueue();
    queue.shutDown();
    queue.addRateLimited('ns/a');
    expect(queue.numRequeues('ns/a')).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
