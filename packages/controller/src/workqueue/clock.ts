/** Milliseconds from a monotonic source. Injected so tests can drive time without sleeping. */
export interface Clock {
  now(): number;
}

/**
 * `performance.now()`, read at each call rather than bound once, so vitest's fake timers (which replace
 * `performance`) drive it too. Monotonic: a wall-clock step (NTP, a VM resume) cannot reorder delays.
 */
export const monotonicClock: Clock = { now: () => performance.now() };
