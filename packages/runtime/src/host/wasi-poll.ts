/**
 * wasi:io/poll. Guests run in worker threads, so blocking here only stops the guest's own request. A
 * pollable is ready now, becomes ready at a known time (clocks), or waits on something outside the worker
 * (an outbound HTTP response): those belong to a wait group that can block on several at once with a
 * timeout, so `poll` over timers and responses sleeps exactly until the first is ready.
 */

const sleeper = new Int32Array(new SharedArrayBuffer(4));
let beforeBlocking: () => void = () => undefined;

/** Called before the thread sleeps, so output the guest produced so far is sent first (streaming). */
export function onBeforeBlocking(hook: () => void): void {
  beforeBlocking = hook;
}

function sleepUntil(instant: bigint): void {
  const waitNs = instant - process.hrtime.bigint();
  if (waitNs <= 0n) return;
  beforeBlocking();
  Atomics.wait(sleeper, 0, 0, Number(waitNs) / 1e6);
}

/** Blocks on several external pollables at once; returns when one is ready or the timeout passed. */
export interface WaitGroup {
  waitAny(pollables: readonly Pollable[], timeoutMs: number | undefined): void;
}

export class Pollable {
  /** `readyAt` is a `process.hrtime.bigint()` instant; 0n means ready now. */
  constructor(private readonly readyAt: bigint = 0n) {}

  ready(): boolean {
    return process.hrtime.bigint() >= this.readyAt;
  }

  block(): void {
    sleepUntil(this.readyAt);
  }

  /** The instant a timer becomes ready; undefined for pollables that wait on something else. */
  get deadline(): bigint | undefined {
    return this.readyAt;
  }

  /** Set by pollables that wait outside the worker. */
  get waitGroup(): WaitGroup | undefined {
    return undefined;
  }
}

/** Blocks until at least one pollable is ready; returns the indices of the ready ones. */
export function poll(pollables: Pollable[]): Uint32Array {
  for (;;) {
    const ready = pollables.flatMap((p, index) => (p.ready() ? [index] : []));
    if (ready.length > 0 || pollables.length === 0) return new Uint32Array(ready);
    const deadlines = pollables.map((p) => p.deadline).filter((d): d is bigint => d !== undefined);
    const earliest = deadlines.length > 0 ? deadlines.reduce((a, b) => (b < a ? b : a)) : undefined;
    const external = pollables.filter((p) => p.waitGroup !== undefined);
    const group = external[0]?.waitGroup;
    if (group) {
      const timeoutMs =
        earliest === undefined ? undefined : Math.max(0, Number(earliest - process.hrtime.bigint()) / 1e6);
      group.waitAny(
        external.filter((p) => p.waitGroup === group),
        timeoutMs,
      );
    } else {
      // A pollable that waits on its own (a streamed body) blocks until it is ready; otherwise sleep until
      // the first timer.
      const own = pollables.find((p) => p.deadline === undefined && !p.ready());
      if (own) {
        beforeBlocking();
        own.block();
      } else if (earliest !== undefined) sleepUntil(earliest);
    }
  }
}
