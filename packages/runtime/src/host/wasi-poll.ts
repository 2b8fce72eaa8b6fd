/**
 * wasi:io/poll. The host runs guests synchronously on the main thread for now, so a pollable is either
 * ready or becomes ready at a known time; blocking on a timer sleeps the thread (moving guests to worker
 * threads, where sleeping is harmless, is planned).
 */

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export class Pollable {
  /** `readyAt` is a `process.hrtime.bigint()` instant; 0n means ready now. */
  constructor(private readonly readyAt: bigint = 0n) {}

  ready(): boolean {
    return process.hrtime.bigint() >= this.readyAt;
  }

  block(): void {
    const waitNs = this.readyAt - process.hrtime.bigint();
    if (waitNs > 0n) Atomics.wait(sleeper, 0, 0, Number(waitNs) / 1e6);
  }
}

/** Blocks until at least one pollable is ready; returns the indices of the ready ones. */
export function poll(pollables: Pollable[]): Uint32Array {
  for (;;) {
    const ready = pollables.flatMap((p, index) => (p.ready() ? [index] : []));
    if (ready.length > 0 || pollables.length === 0) return new Uint32Array(ready);
    pollables[0]?.block();
  }
}
