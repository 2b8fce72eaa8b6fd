import { describe, expect, it } from 'vitest';
import { ControllerMetrics } from './controller-metrics.js';
import { metricValue } from './metric-value.js';
import { RECONCILE_TIME_BUCKETS } from './reconcile-metrics.js';

const quiet = () => new ControllerMetrics({ processMetrics: false });

describe('reconcile metrics', () => {
  it('creates every series of a registered controller at zero, and its worker count', async () => {
    const metrics = quiet();
    metrics.registerController('spinapp', 3);
    const { registry } = metrics;
    for (const result of ['success', 'error', 'requeue', 'requeue_after']) {
      expect(
        await metricValue(registry, 'controller_runtime_reconcile_total', { controller: 'spinapp', result }),
      ).toBe(0);
    }
    for (const name of [
      'controller_runtime_reconcile_errors_total',
      'controller_runtime_terminal_reconcile_errors_total',
      'controller_runtime_reconcile_panics_total',
      'controller_runtime_active_workers',
    ]) {
      expect(await metricValue(registry, name, { controller: 'spinapp' }), name).toBe(0);
    }
    expect(
      await metricValue(registry, 'controller_runtime_max_concurrent_reconciles', { controller: 'spinapp' }),
    ).toBe(3);
  });

  it('counts each reconcile by result, errors also in the error counters, and times all of them', async () => {
    const metrics = quiet();
    metrics.registerController('spinapp', 1);
    metrics.observeReconcile('spinapp', 'success', 0.004);
    metrics.observeReconcile('spinapp', 'success', 0.02);
    metrics.observeReconcile('spinapp', 'requeue_after', 0.3);
    metrics.observeReconcile('spinapp', 'requeue', 0.01);
    metrics.observeReconcile('spinapp', 'error', 2);
    metrics.observeReconcile('spinapp', 'error', 120, { terminal: true });
    metrics.observeReconcile('spinapp', 'error', 1, { panicked: true });
    const value = (name: string, labels: Record<string, string | number> = {}) =>
      metricValue(metrics.registry, name, { controller: 'spinapp', ...labels });

    expect(await value('controller_runtime_reconcile_total', { result: 'success' })).toBe(2);
    expect(await value('controller_runtime_reconcile_total', { result: 'requeue_after' })).toBe(1);
    expect(await value('controller_runtime_reconcile_total', { result: 'requeue' })).toBe(1);
    expect(await value('controller_runtime_reconcile_total', { result: 'error' })).toBe(3);
    expect(await value('controller_runtime_reconcile_errors_total')).toBe(3);
    expect(await value('controller_runtime_terminal_reconcile_errors_total')).toBe(1);
    expect(await value('controller_runtime_reconcile_panics_total')).toBe(1);

    expect(await value('controller_runtime_reconcile_time_seconds_count')).toBe(7);
    expect(await value('controller_runtime_reconcile_time_seconds_sum')).toBeCloseTo(123.334, 9);
    expect(await value('controller_runtime_reconcile_time_seconds_bucket', { le: 0.005 })).toBe(1);
    expect(await value('controller_runtime_reconcile_time_seconds_bucket', { le: 0.025 })).toBe(3);
    expect(await value('controller_runtime_reconcile_time_seconds_bucket', { le: 60 })).toBe(6);
    expect(await value('controller_runtime_reconcile_time_seconds_bucket', { le: '+Inf' })).toBe(7);
  });

  it("uses controller-runtime's reconcile time buckets", async () => {
    const metrics = quiet();
    metrics.observeReconcile('spinapp', 'success', 0.1);
    const text = await metrics.registry.getSingleMetricAsString('controller_runtime_reconcile_time_seconds');
    const bounds = [...text.matchAll(/_bucket\{le="([^"]+)"/g)].map((match) => match[1]);
    expect(bounds).toEqual([...RECONCILE_TIME_BUCKETS.map(String), '+Inf']);
    expect(RECONCILE_TIME_BUCKETS).toHaveLength(40);
    expect([RECONCILE_TIME_BUCKETS[0], RECONCILE_TIME_BUCKETS.at(-1)]).toEqual([0.005, 60]);
  });

  it('counts busy workers until each releases, once', async () => {
    const metrics = quiet();
    metrics.registerController('spinapp', 2);
    const active = () =>
      metricValue(metrics.registry, 'controller_runtime_active_workers', { controller: 'spinapp' });
    const first = metrics.startWorker('spinapp');
    const second = metrics.startWorker('spinapp');
    expect(await active()).toBe(2);
    first();
    first();
    expect(await active()).toBe(1);
    second();
    expect(await active()).toBe(0);
  });

  it('keeps controllers apart by label', async () => {
    const metrics = quiet();
    metrics.observeReconcile('spinapp', 'success', 0.1);
    metrics.observeReconcile('spinappexecutor', 'error', 0.1);
    const total = (controller: string, result: string) =>
      metricValue(metrics.registry, 'controller_runtime_reconcile_total', { controller, result });
    expect(await total('spinapp', 'success')).toBe(1);
    expect(await total('spinapp', 'error')).toBeUndefined();
    expect(await total('spinappexecutor', 'error')).toBe(1);
  });
});

describe('ControllerMetrics', () => {
  it('gives each instance its own registry, so several managers (or tests) coexist', async () => {
    const one = quiet();
    const two = quiet();
    one.observeReconcile('spinapp', 'success', 0.1);
    expect(await metricValue(one.registry, 'controller_runtime_reconcile_total', { result: 'success' })).toBe(
      1,
    );
    expect(
      await metricValue(two.registry, 'controller_runtime_reconcile_total', { result: 'success' }),
    ).toBeUndefined();
  });

  it('includes the Node.js process metrics by default, and not when asked not to', async () => {
    const withProcess = new ControllerMetrics();
    expect(await metricValue(withProcess.registry, 'process_cpu_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(await metricValue(withProcess.registry, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(await metricValue(withProcess.registry, 'process_start_time_seconds')).toBeGreaterThan(
      1_600_000_000,
    );
    expect(await metricValue(quiet().registry, 'process_cpu_seconds_total')).toBeUndefined();
  });
});
