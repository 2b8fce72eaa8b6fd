/**
 * Rate limiters decide how long a key waits before it is retried. controller-runtime's default, used by
 * upstream spin-operator and runtime-class-manager, is the slower of a per-key exponential back-off and an
 * overall token bucket: one failing object backs off on its own, and a burst of failures across many
 * objects cannot hammer the apiserver.
 */
import { monotonicClock, type Clock } from './clock.js';

export interface RateLimiter {
  /** How long `key` must wait now, in milliseconds; asking counts as one more retry of `key`. */
  when(key: string): number;
  /** Stops tracking `key` (it succeeded, or was given up), so its next failure starts from scratch. */
  forget(key: string): void;
  /** How many times `key` has been retried since it was last forgotten. */
  numRequeues(key: string): number;
}

/** controller-runtime's defaults: 5 ms doubling per failure of a key, capped at 1000 s. */
export const DEFAULT_BASE_DELAY_MS = 5;
export const DEFAULT_MAX_DELAY_MS = 1_000_000;
/** controller-runtime's default overall bucket: 10 retries a second, bursts of up to 100. */
export const DEFAULT_QPS = 10;
export const DEFAULT_BURST = 100;

/** Waits `baseDelayMs * 2^failures` for a key, capped at `maxDelayMs`. */
export class ItemExponentialFailureRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly baseDelayMs = DEFAULT_BASE_DELAY_MS,
    private readonly maxDelayMs = DEFAULT_MAX_DELAY_MS,
  ) {
    if (!(baseDelayMs >= 0) || !(maxDelayMs >= 0)) {
      throw new RangeError('rate limiter: baseDelayMs and maxDelayMs must not be negative');
    }
  }

  when(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    // 2 ** failures becomes Infinity long before the counter overflows, and Infinity is above any cap.
    return Math.min(this.baseDelayMs * 2 ** failures, this.maxDelayMs);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

/**
 * A token bucket shared by all keys: it starts full with `burst` tokens and refills at `qps` tokens a
 * second. Each `when` takes a token, borrowing from the future when none is left, and waits until the
 * borrowed token would have arrived (the reservation semantics of Go's `rate.Limiter`).
 */
export class BucketRateLimiter implements RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps = DEFAULT_QPS,
    private readonly burst = DEFAULT_BURST,
    private readonly clock: Clock = monotonicClock,
  ) {
    if (!(qps > 0) || !(burst >= 1)) {
      throw new RangeError('rate limiter: qps must be positive and burst at least 1');
    }
    this.tokens = burst;
    this.last = clock.now();
  }

  when(_key: string): number {
    const now = this.clock.now();
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.qps) / 1000);
      this.last = now;
    }
    this.tokens -= 1;
    return this.tokens < 0 ? (-this.tokens / this.qps) * 1000 : 0;
  }

  forget(_key: string): void {
    // The bucket is shared: one key's success does not give tokens back.
  }

  numRequeues(_key: string): number {
    return 0;
  }
}

/** The longest wait any of its limiters asks for; every limiter sees every call. */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: readonly RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    if (limiters.length === 0) throw new RangeError('rate limiter: MaxOfRateLimiter needs a limiter');
    this.limiters = limiters;
  }

  when(key: string): number {
    // Each limiter is asked even when an earlier one already waits longer: asking is what records the retry.
    return Math.max(...this.limiters.map((limiter) => limiter.when(key)));
  }

  forget(key: string): void {
    for (const limiter of this.limiters) limiter.forget(key);
  }

  numRequeues(key: string): number {
    return Math.max(...this.limiters.map((limiter) => limiter.numRequeues(key)));
  }
}

/** controller-runtime's default controller rate limiter: per-key 5 ms → 1000 s, overall 10 qps / 100 burst. */
export function defaultControllerRateLimiter(clock: Clock = monotonicClock): RateLimiter {
  return new MaxOfRateLimiter(
    new ItemExponentialFailureRateLimiter(DEFAULT_BASE_DELAY_MS, DEFAULT_MAX_DELAY_MS),
    new BucketRateLimiter(DEFAULT_QPS, DEFAULT_BURST, clock),
  );
}
