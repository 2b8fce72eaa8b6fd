/**
 * client-go's work queue metrics as controller-runtime v0.22 registers them: `workqueue_*`, labelled with
 * both `name` and `controller` (the same value: the queue is named after its controller), and `depth`
 * also with `priority`, empty for queues without priorities such as ours.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type {
  InProgressWork,
  WorkQueueInstruments,
  WorkQueueMetricsProvider,
} from '../workqueue/queue-metrics.js';

/**
 * 10 ns to 1000 s, one bucket per decade: controller-runtime's `ExponentialBuckets(10e-9, 10, 12)`. Built by
 * repeated multiplication as the Go client builds it, so the `le` values are the same floats, rounding
 * included (the 1e-5 bucket is 9.999999999999999e-6 there as here).
 */
export const WORKQUEUE_DURATION_BUCKETS: readonly number[] = exponentialBuckets(10e-9, 10, 12);

function exponentialBuckets(start: number, factor: number, count: number): number[] {
  const buckets: number[] = [];
  for (let bound = start; buckets.length < count; bound *= factor) buckets.push(bound);
  return buckets;
}

type QueueLabel = 'name' | 'controller';

export class PrometheusWorkQueueMetrics implements WorkQueueMetricsProvider {
  private readonly depth: Gauge<QueueLabel | 'priority'>;
  private readonly adds: Counter<QueueLabel>;
  private readonly queueDuration: Histogram<QueueLabel>;
  private readonly workDuration: Histogram<QueueLabel>;
  private readonly retries: Counter<QueueLabel>;
  /** Readers of in-progress work per queue name; queues sharing a name add up, as they share series. */
  private readonly inProgress = new Map<string, (() => InProgressWork)[]>();

  constructor(registry: Registry) {
    const registers = [registry];
    const labelNames: QueueLabel[] = ['name', 'controller'];
    this.depth = new Gauge({
      name: 'workqueue_depth',
      help: 'Keys waiting in the work queue for a worker',
      labelNames: [...labelNames, 'priority'],
      registers,
    });
    this.adds = new Counter({
      name: 'workqueue_adds_total',
      help: 'Keys queued, not counting adds of a key already waiting',
      labelNames,
      registers,
    });
    this.queueDuration = new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'Seconds a key waited in the queue before a worker took it',
      labelNames,
      buckets: [...WORKQUEUE_DURATION_BUCKETS],
      registers,
    });
    this.workDuration = new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'Seconds from a worker taking a key to marking it done',
      labelNames,
      buckets: [...WORKQUEUE_DURATION_BUCKETS],
      registers,
    });
    this.retries = new Counter({
      name: 'workqueue_retries_total',
      help: 'Delayed and rate-limited adds',
      labelNames,
      registers,
    });
    // The two in-progress gauges are computed when scraped rather than polled twice a second as client-go
    // does: exact values, and no timer per queue to stop.
    const readers = this.inProgress;
    new Gauge({
      name: 'workqueue_unfinished_work_seconds',
      help: 'Seconds spent so far on keys still being processed, summed; steady growth means stuck workers',
      labelNames,
      registers,
      collect(): void {
        for (const [name, work] of readers) {
          this.set({ name, controller: name }, sum(work.map((read) => read().unfinishedSeconds)));
        }
      },
    });
    new Gauge({
      name: 'workqueue_longest_running_processor_seconds',
      help: 'Seconds the longest-running key still in progress has been processed',
      labelNames,
      registers,
      collect(): void {
        for (const [name, work] of readers) {
          this.set(
            { name, controller: name },
            Math.max(0, ...work.map((read) => read().longestRunningSeconds)),
          );
        }
      },
    });
  }

  queueInstruments(name: string, inProgress: () => InProgressWork): WorkQueueInstruments {
    const labels = { name, controller: name };
    const depthLabels = { ...labels, priority: '' };
    const readers = this.inProgress.get(name);
    if (readers) {
      readers.push(inProgress);
    } else {
      this.inProgress.set(name, [inProgress]);
      // Every series exists from the queue's creation, at zero, as with client-go's provider. Only for the
      // first queue of a name: zeroing again would wipe what the others have recorded.
      this.depth.inc(depthLabels, 0);
      this.adds.inc(labels, 0);
      this.retries.inc(labels, 0);
      this.queueDuration.zero(labels);
      this.workDuration.zero(labels);
    }
    const { depth, adds, queueDuration, workDuration, retries } = this;
    return {
      depth: {
        inc() {
          depth.inc(depthLabels);
        },
        dec() {
          depth.dec(depthLabels);
        },
      },
      adds: {
        inc() {
          adds.inc(labels);
        },
      },
      queueDuration: {
        observe(seconds) {
          queueDuration.observe(labels, seconds);
        },
      },
      workDuration: {
        observe(seconds) {
          workDuration.observe(labels, seconds);
        },
      },
      retries: {
        inc() {
          retries.inc(labels);
        },
      },
    };
  }
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
