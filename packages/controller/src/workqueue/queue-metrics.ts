/**
 * How a work queue reports what it does. The queue keeps the bookkeeping (when each key was added and when
 * its processing started); a provider only supplies the instruments, so the queue knows nothing of
 * Prometheus and a manager can hand every queue the same per-manager registry.
 */
import type { Clock } from './clock.js';

/** Supplies the instruments of one named queue. */
export interface WorkQueueMetricsProvider {
  /**
   * Instruments for the queue `name`. `inProgress` is read whenever metrics are collected, which keeps the
   * unfinished-work gauges exact at scrape time without a polling timer per queue.
   */
  queueInstruments(name: string, inProgress: () => InProgressWork): WorkQueueInstruments;
}

export interface WorkQueueInstruments {
  /** Keys waiting to be handed to a worker (including keys re-added while being processed). */
  readonly depth: { inc(): void; dec(): void };
  /** Adds that queued a key; an add of a key already waiting is not counted. */
  readonly adds: { inc(): void };
  /** Seconds a key waited between its add and a worker taking it. */
  readonly queueDuration: { observe(seconds: number): void };
  /** Seconds between a worker taking a key and calling `done`. */
  readonly workDuration: { observe(seconds: number): void };
  /** Delayed and rate-limited adds. */
  readonly retries: { inc(): void };
}

/** Work taken but not yet done, measured now. */
export interface InProgressWork {
  /** Sum over keys in progress of how long each has been running. */
  readonly unfinishedSeconds: number;
  /** How long the oldest key in progress has been running. */
  readonly longestRunningSeconds: number;
}

/** The queue's side of the metrics: timestamps per key, turned into observations. */
export class QueueMetricsRecorder {
  private readonly addedAt = new Map<string, number>();
  private readonly startedAt = new Map<string, number>();
  private readonly instruments: WorkQueueInstruments | undefined;

  /** Without both a provider and a name nothing is recorded (client-go's unnamed queues are silent too). */
  constructor(
    private readonly clock: Clock,
    provider: WorkQueueMetricsProvider | undefined,
    name: string | undefined,
  ) {
    this.instruments =
      provider && name ? provider.queueInstruments(name, () => this.inProgress()) : undefined;
  }

  added(key: string): void {
    if (!this.instruments) return;
    this.instruments.adds.inc();
    this.instruments.depth.inc();
    // Only called for a key not already waiting, so this is the start of its wait (for a key re-added
    // while being processed, the wait includes the rest of that processing).
    this.addedAt.set(key, this.clock.now());
  }

  taken(key: string): void {
    if (!this.instruments) return;
    const now = this.clock.now();
    this.instruments.depth.dec();
    this.startedAt.set(key, now);
    const addedAt = this.addedAt.get(key);
    if (addedAt !== undefined) {
      this.instruments.queueDuration.observe((now - addedAt) / 1000);
      this.addedAt.delete(key);
    }
  }

  finished(key: string): void {
    if (!this.instruments) return;
    const startedAt = this.startedAt.get(key);
    if (startedAt === undefined) return;
    this.instruments.workDuration.observe((this.clock.now() - startedAt) / 1000);
    this.startedAt.delete(key);
  }

  retried(): void {
    this.instruments?.retries.inc();
  }

  inProgress(): InProgressWork {
    const now = this.clock.now();
    let unfinished = 0;
    let longest = 0;
    for (const startedAt of this.startedAt.values()) {
      const running = now - startedAt;
      unfinished += running;
      if (running > longest) longest = running;
    }
    return { unfinishedSeconds: unfinished / 1000, longestRunningSeconds: longest / 1000 };
  }
}
