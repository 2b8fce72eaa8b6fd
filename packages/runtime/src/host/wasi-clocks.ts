/** wasi:clocks: wall clock and monotonic clock, nanosecond resolution. */
import { Pollable } from './wasi-poll.js';

export const wallClock = {
  now(): { seconds: bigint; nanoseconds: number } {
    const ms = Date.now();
    return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1_000_000 };
  },
  resolution(): { seconds: bigint; nanoseconds: number } {
    return { seconds: 0n, nanoseconds: 1_000_000 };
  },
};

export const monotonicClock = {
  now(): bigint {
    return process.hrtime.bigint();
  },
  resolution(): bigint {
    return 1n;
  },
  subscribeInstant(when: bigint): Pollable {
    return new Pollable(when);
  },
  subscribeDuration(duration: bigint): Pollable {
    return new Pollable(process.hrtime.bigint() + duration);
  },
};
