/**
 * A work queue with client-go's guarantees, which controllers rely on to reconcile each object by one
 * worker at a time without losing events:
 * - a key is queued at most once, however often it is added before a worker takes it;
 * - a key taken by a worker is not handed to another until `done(key)`; if it is added meanwhile it is
 *   marked dirty and queued again at `done`, so the change that arrived during processing is not lost;
 * - keys are handed out in the order they were first queued.
 * Keys are strings (`namespace/name`), so equality is plain string equality.
 */
import { monotonicClock, type Clock } from './clock.js';
import { QueueMetricsRecorder, type WorkQueueMetricsProvider } from './queue-metrics.js';

/** What `get()` resolves to once the queue is shut down and holds nothing more to hand out. */
export const SHUT_DOWN: unique symbol = Symbol('workqueue.shutDown');
export type QueueItem = string | typeof SHUT_DOWN;

export interface WorkQueueOptions {
  /** The queue's name in metrics (controller-runtime uses the controller name). */
  readonly name?: string;
  /** Where metrics go; a queue without both `name` and `metrics` records none. */
  readonly metrics?: WorkQueueMetricsProvider;
  readonly clock?: Clock;
}

export class WorkQueue {
  protected readonly clock: Clock;
  protected readonly metrics: QueueMetricsRecorder;
  /** Keys waiting for a worker, oldest first, from `head` on (shifting an array is O(n)). */
  private queue: string[] = [];
  private head = 0;
  /** Keys that need processing: the queued ones, and the ones re-added while being processed. */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly getters: ((item: QueueItem) => void)[] = [];
  private readonly drainers: (() => void)[] = [];
  private stopping = false;

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? monotonicClock;
    this.metrics = new QueueMetricsRecorder(this.clock, options.metrics, options.name);
  }

  /** Marks `key` for processing. Ignored once the queue is shutting down. */
  add(key: string): void {
    if (this.stopping || this.dirty.has(key)) return;
    this.metrics.added(key);
    this.dirty.add(key);
    // A key in progress waits for its `done`, so no two workers ever hold the same key.
    if (!this.processing.has(key)) this.enqueue(key);
  }

  /**
   * The next key, once there is one; the caller must call `done(key)` when finished with it. After a shut
   * down the keys already queued are still handed out (as client-go does), then `SHUT_DOWN`.
   */
  get(): Promise<QueueItem> {
    if (this.length() > 0) return Promise.resolve(this.take());
    if (this.stopping) return Promise.resolve(SHUT_DOWN);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Ends the processing of `key`; a key re-added meanwhile is queued again now. */
  done(key: string): void {
    if (!this.processing.delete(key)) return;
    this.metrics.finished(key);
    if (this.dirty.has(key)) this.enqueue(key);
    if (this.processing.size === 0) this.releaseDrainers();
  }

  /** Keys waiting for a worker (not counting the ones being processed). */
  length(): number {
    return this.queue.length - this.head;
  }

  shuttingDown(): boolean {
    return this.stopping;
  }

  /**
   * Stops taking keys: later adds are ignored, waiting `get()` calls resolve to `SHUT_DOWN`, and a pending
   * `shutDownWithDrain()` stops waiting (the way to bound a drain with a timeout).
   */
  shutDown(): void {
    this.stop();
    this.releaseDrainers();
  }

  /** Shuts down like `shutDown()`, then resolves once every key handed out has been marked `done`. */
  async shutDownWithDrain(): Promise<void> {
    this.stop();
    if (this.processing.size === 0) return;
    await new Promise<void>((resolve) => this.drainers.push(resolve));
  }

  /** Called once, when the queue starts shutting down; subclasses release their own resources here. */
  protected onShutDown(): void {
    // Nothing to release in the plain queue.
  }

  private stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    // Getters only wait while the queue is empty, so each of them is owed the marker.
    for (const resolve of this.getters.splice(0)) resolve(SHUT_DOWN);
    this.onShutDown();
  }

  private enqueue(key: string): void {
    this.queue.push(key);
    // Getters wait only while the queue is empty, so the key just pushed is the one handed over.
    const waiting = this.getters.shift();
    if (waiting) waiting(this.take());
  }

  private take(): string {
    const key = this.queue[this.head] as string;
    this.head += 1;
    // Compact once the consumed prefix dominates, keeping memory bounded at O(1) amortised cost.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.metrics.taken(key);
    this.processing.add(key);
    this.dirty.delete(key);
    return key;
  }

  private releaseDrainers(): void {
    for (const resolve of this.drainers.splice(0)) resolve();
  }
}
