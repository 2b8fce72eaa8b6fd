/**
 * A work queue that can add a key later (`addAfter`), the way a controller requeues after a delay or a
 * back-off. Waiting keys live in a min-heap and a single timer is armed for the earliest of them, so a
 * thousand requeues cost one timer rather than a thousand.
 */
import { DelayHeap } from './delay-heap.js';
import { WorkQueue } from './queue.js';

/** setTimeout's largest delay; longer ones would fire at once (Node clamps them to 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class DelayingQueue extends WorkQueue {
  private readonly waiting = new DelayHeap();
  private timer: NodeJS.Timeout | undefined;
  /** The time the armed timer was set for (its real target, even when the timeout itself was clamped). */
  private timerTarget = Infinity;

  /**
   * Adds `key` once `delayMs` have passed; at once when the delay is not positive. A key already waiting
   * keeps the earlier of its two times. Counted as a retry in metrics, as client-go counts it.
   */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown()) return;
    this.metrics.retried();
    if (!(delayMs > 0)) {
      this.add(key);
      return;
    }
    this.waiting.schedule(key, this.clock.now() + delayMs);
    this.arm();
  }

  /** Keys held back by `addAfter` and not yet due. */
  waitingLength(): number {
    return this.waiting.size;
  }

  /** Keys still waiting are dropped: nothing will process them after a shut down. */
  protected override onShutDown(): void {
    this.disarm();
    this.waiting.clear();
  }

  private arm(): void {
    const next = this.waiting.nextReadyAt();
    if (next === undefined || next >= this.timerTarget) return;
    this.disarm();
    this.timerTarget = next;
    const delay = Math.min(Math.max(0, Math.ceil(next - this.clock.now())), MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      this.fire();
    }, delay);
  }

  private fire(): void {
    this.timer = undefined;
    this.timerTarget = Infinity;
    for (const key of this.waiting.popReady(this.clock.now())) this.add(key);
    // Re-arms for the next key; also covers a clamped timeout that fired before its key was due.
    this.arm();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerTarget = Infinity;
  }
}
