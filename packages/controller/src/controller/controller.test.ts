import { describe, expect, it } from 'vitest';
import { ControllerMetrics } from '../metrics/controller-metrics.js';
import { metricValue } from '../metrics/metric-value.js';
import { ItemExponentialFailureRateLimiter } from '../workqueue/rate-limiter.js';
import { Controller, requestFromKey, TerminalError, type ReconcileRequest } from './controller.js';

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await tick();
  expect(check()).toBe(true);
}

describe('requestFromKey', () => {
  it('splits namespace/name and keeps cluster-scoped names whole', () => {
    expect(requestFromKey('ns/app')).toEqual({ namespace: 'ns', name: 'app' });
    expect(requestFromKey('node-1')).toEqual({ namespace: '', name: 'node-1' });
  });
});

describe('Controller', () => {
  it('reconciles the initial keys and added keys, never one key on two workers at once', async () => {
    const seen: string[] = [];
    let inFlight = 0;
    let maxInFlightSameKey = 0;
    const active = new Set<string>();
    const controller = new Controller({
      name: 'test',
      maxConcurrentReconciles: 3,
      reconcile: async ({ namespace, name }) => {
        const key = `${namespace}/${name}`;
        if (active.has(key)) maxInFlightSameKey = 2;
        active.add(key);
        inFlight++;
        await tick(10);
        seen.push(key);
        inFlight--;
        active.delete(key);
        maxInFlightSameKey = Math.max(maxInFlightSameKey, 1);
      },
    });
    const stop = new AbortController();
    const running = controller.run(stop.signal, ['a/1', 'a/2']);
    for (let i = 0; i < 5; i++) controller.enqueue('a/1');
    await waitUntil(() => seen.filter((k) => k === 'a/1').length >= 2 && seen.includes('a/2'));
    stop.abort();
    await running;
    expect(maxInFlightSameKey).toBe(1);
    expect(inFlight).toBe(0);
    expect(controller.running).toBe(false);
  });

  it('retries an error with back-off, forgets it after success and counts controller-runtime metrics', async () => {
    const metrics = new ControllerMetrics({ processMetrics: false });
    let calls = 0;
    const controller = new Controller({
      name: 'flaky',
      metrics,
      rateLimiter: new ItemExponentialFailureRateLimiter(1, 50),
      reconcile: () => {
        calls++;
        if (calls < 3) return Promise.reject(new Error('not yet'));
        return Promise.resolve();
      },
    });
    const stop = new AbortController();
    const running = controller.run(stop.signal, ['ns/x']);
    await waitUntil(() => calls === 3);
    await tick(20);
    stop.abort();
    await running;
    const registry = metrics.registry;
    expect(
      await metricValue(registry, 'controller_runtime_reconcile_total', {
        controller: 'flaky',
        result: 'error',
      }),
    ).toBe(2);
    expect(
      await metricValue(registry, 'controller_runtime_reconcile_total', {
        controller: 'flaky',
        result: 'success',
      }),
    ).toBe(1);
    expect(
      await metricValue(registry, 'controller_runtime_reconcile_errors_total', { controller: 'flaky' }),
    ).toBe(2);
  });

  it('does not retry a terminal error and honours requeueAfterMs', async () => {
    const requests: ReconcileRequest[] = [];
    let terminalCalls = 0;
    const controller = new Controller({
      name: 'mixed',
      rateLimiter: new ItemExponentialFailureRateLimiter(1, 5),
      reconcile: (request) => {
        requests.push(request);
        if (request.name === 'bad') {
          terminalCalls++;
          return Promise.reject(new TerminalError('spec is invalid'));
        }
        return Promise.resolve(
          requests.filter((r) => r.name === 'poll').length < 3 ? { requeueAfterMs: 20 } : undefined,
        );
      },
    });
    const stop = new AbortController();
    const running = controller.run(stop.signal, ['ns/bad', 'ns/poll']);
    await waitUntil(() => requests.filter((r) => r.name === 'poll').length === 3);
    await tick(60);
    stop.abort();
    await running;
    expect(terminalCalls).toBe(1);
    expect(requests.filter((r) => r.name === 'poll')).toHaveLength(3);
  });

  it('drops keys while stopped and aborts the reconcile signal at shutdown', async () => {
    let sawAbort = false;
    const controller = new Controller({
      name: 'slow',
      reconcile: async (_request, { signal }) => {
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        sawAbort = signal.aborted;
      },
    });
    controller.enqueue('ns/ignored');
    expect(controller.queueLength).toBe(0);
    const stop = new AbortController();
    const running = controller.run(stop.signal, ['ns/a']);
    await tick(20);
    stop.abort();
    await running;
    expect(sawAbort).toBe(true);
  });
});
