import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimitingQueue } from '../workqueue/rate-limiting-queue.js';
import { WorkQueue } from '../workqueue/queue.js';
import { ControllerMetrics } from './controller-metrics.js';
import { metricValue } from './metric-value.js';
import { WORKQUEUE_DURATION_BUCKETS } from './workqueue-metrics.js';

const labels = { name: 'spinapp', controller: 'spinapp' };

describe('work queue metrics', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setUp() {
    const metrics = new ControllerMetrics({ processMetrics: false });
    const queue = new RateLimitingQueue({ name: 'spinapp', metrics });
    const value = (name: string, extra: Record<string, string | number> = {}) =>
      metricValue(metrics.registry, name, { ...labels, ...extra });
    return { metrics, queue, value };
  }

  it('creates the series of a named queue at zero, with name, controller and an empty priority', async () => {
    const { queue, value } = setUp();
    expect(await value('workqueue_depth', { priority: '' })).toBe(0);
    for (const name of [
      'workqueue_adds_total',
      'workqueue_retries_total',
      'workqueue_queue_duration_seconds_count',
      'workqueue_work_duration_seconds_count',
      'workqueue_unfinished_work_seconds',
      'workqueue_longest_running_processor_seconds',
    ]) {
      expect(await value(name), name).toBe(0);
    }
    queue.shutDown();
  });

  it('counts adds that queued a key, and the depth of keys waiting', async () => {
    const { queue, value } = setUp();
    queue.add('ns/a');
    queue.add('ns/a');
    queue.add('ns/b');
    expect(await value('workqueue_adds_total')).toBe(2);
    expect(await value('workqueue_depth')).toBe(2);
    await queue.get();
    expect(await value('workqueue_depth')).toBe(1);
    queue.add('ns/a'); // dirty while processed: waiting again, so counted
    expect(await value('workqueue_adds_total')).toBe(3);
    expect(await value('workqueue_depth')).toBe(2);
    queue.shutDown();
  });

  it('observes time in the queue and time at work, and in-progress work when scraped', async () => {
    const { queue, value } = setUp();
    queue.add('ns/a');
    queue.add('ns/b');
    vi.advanceTimersByTime(2000);
    await queue.get(); // ns/a waited 2 s
    vi.advanceTimersByTime(3000);
    await queue.get(); // ns/b waited 5 s
    vi.advanceTimersByTime(1000);
    // ns/a has run 4 s and ns/b 1 s.
    expect(await value('workqueue_unfinished_work_seconds')).toBe(5);
    expect(await value('workqueue_longest_running_processor_seconds')).toBe(4);
    expect(await value('workqueue_queue_duration_seconds_count')).toBe(2);
    expect(await value('workqueue_queue_duration_seconds_sum')).toBe(7);
    expect(await value('workqueue_queue_duration_seconds_bucket', { le: 1 })).toBe(0);
    expect(await value('workqueue_queue_duration_seconds_bucket', { le: 10 })).toBe(2);

    queue.done('ns/a');
    expect(await value('workqueue_work_duration_seconds_count')).toBe(1);
    expect(await value('workqueue_work_duration_seconds_sum')).toBe(4);
    expect(await value('workqueue_unfinished_work_seconds')).toBe(1);
    expect(await value('workqueue_longest_running_processor_seconds')).toBe(1);
    queue.done('ns/b');
    expect(await value('workqueue_unfinished_work_seconds')).toBe(0);
    queue.shutDown();
  });

  it('counts delayed and rate-limited adds as retries', async () => {
    const { queue, value } = setUp();
    queue.addAfter('ns/a', 100);
    queue.addAfter('ns/b', 0);
    queue.addRateLimited('ns/c');
    expect(await value('workqueue_retries_total')).toBe(3);
    expect(await value('workqueue_adds_total')).toBe(1);
    vi.advanceTimersByTime(100);
    expect(await value('workqueue_adds_total')).toBe(3);
    queue.shutDown();
    queue.addAfter('ns/d', 1);
    expect(await value('workqueue_retries_total')).toBe(3);
  });

  it("uses controller-runtime's buckets: 1e-8 s to 1000 s by decades", async () => {
    const { metrics, queue } = setUp();
    expect(WORKQUEUE_DURATION_BUCKETS).toHaveLength(12);
    expect(WORKQUEUE_DURATION_BUCKETS[0]).toBe(1e-8);
    expect(WORKQUEUE_DURATION_BUCKETS.at(-1)).toBeCloseTo(1000, 9);
    const text = await metrics.registry.getSingleMetricAsString('workqueue_work_duration_seconds');
    const bounds = [...text.matchAll(/le="([^"]+)"/g)].map((match) =>
      match[1] === '+Inf' ? Infinity : Number(match[1]),
    );
    expect(bounds).toEqual([...WORKQUEUE_DURATION_BUCKETS, Infinity]);
    queue.shutDown();
  });

  it('records nothing for a queue without a name', async () => {
    const metrics = new ControllerMetrics({ processMetrics: false });
    const queue = new WorkQueue({ metrics });
    queue.add('ns/a');
    expect(await metricValue(metrics.registry, 'workqueue_adds_total')).toBeUndefined();
    expect(await metricValue(metrics.registry, 'workqueue_depth')).toBeUndefined();
  });

  it('adds up queues sharing a name instead of resetting each other', async () => {
    const metrics = new ControllerMetrics({ processMetrics: false });
    const first = new WorkQueue({ name: 'spinapp', metrics });
    first.add('ns/a');
    await first.get();
    vi.advanceTimersByTime(1000);
    const second = new WorkQueue({ name: 'spinapp', metrics });
    second.add('ns/b');
    await second.get();
    vi.advanceTimersByTime(1000);
    const value = (name: string) => metricValue(metrics.registry, name, labels);
    expect(await value('workqueue_adds_total')).toBe(2);
    expect(await value('workqueue_queue_duration_seconds_count')).toBe(2);
    expect(await value('workqueue_unfinished_work_seconds')).toBe(3);
    expect(await value('workqueue_longest_running_processor_seconds')).toBe(2);
  });
});
