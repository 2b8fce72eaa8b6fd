/**
 * The queue a controller uses: a delaying queue whose retries are spaced by a rate limiter. A reconcile
 * that fails calls `addRateLimited`; one that succeeds calls `forget`, so the key's back-off starts over.
 */
import { DelayingQueue } from './delaying-queue.js';
import type { WorkQueueOptions } from './queue.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface RateLimitingQueueOptions extends WorkQueueOptions {
  /** controller-runtime's default limiter when absent. */
  readonly rateLimiter?: RateLimiter;
}

export class RateLimitingQueue extends DelayingQueue {
  readonly rateLimiter: RateLimiter;

  constructor(options: RateLimitingQueueOptions = {}) {
    super(options);
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter(options.clock);
  }

  /** Adds `key` after the wait its rate limiter asks for (which counts one more requeue of it). */
  addRateLimited(key: string): void {
    // A stopped queue would drop the key anyway; leave the limiter's count untouched.
    if (this.shuttingDown()) return;
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Resets the back-off of `key`; it does not remove the key from the queue. */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.rateLimiter.numRequeues(key);
  }
}
