import { createServer } from 'node:net';
import { Gauge, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ControllerMetrics } from './controller-metrics.js';
import { startMetricsServer, type RunningMetricsServer } from './metrics-server.js';
import { WorkQueue } from '../workqueue/queue.js';

describe('metrics server', () => {
  const running: RunningMetricsServer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });

  async function start(registry: Registry, onError?: (error: unknown) => void) {
    const server = await startMetricsServer({ registry, bindAddress: '127.0.0.1:0', onError });
    if (!server) throw new Error('expected a server');
    running.push(server);
    return server;
  }

  it('serves the manager metrics at /metrics in the Prometheus text format', async () => {
    const metrics = new ControllerMetrics();
    metrics.registerController('spinapp', 1);
    metrics.observeReconcile('spinapp', 'success', 0.2);
    const queue = new WorkQueue({ name: 'spinapp', metrics });
    queue.add('default/app');
    const server = await start(metrics.registry);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const body = await response.text();
    expect(body).toContain('controller_runtime_reconcile_total{controller="spinapp",result="success"} 1');
    expect(body).toContain('workqueue_depth{name="spinapp",controller="spinapp",priority=""} 1');
    expect(body).toContain('# TYPE controller_runtime_reconcile_time_seconds histogram');
    expect(body).toMatch(/^process_cpu_seconds_total \S+$/m);
  });

  it('answers 404 elsewhere, 405 to other methods, and HEAD without a body', async () => {
    const server = await start(new ControllerMetrics({ processMetrics: false }).registry);
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/metricsx`)).status).toBe(404);
    const post = await fetch(`${server.url}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(`${server.url}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${server.url}/metrics?x=1`)).status).toBe(200);
  });

  it('answers 500 and reports the error when gathering fails', async () => {
    const registry = new Registry();
    new Gauge({
      name: 'broken',
      help: 'throws when collected',
      registers: [registry],
      collect() {
        throw new Error('collector broke');
      },
    });
    const errors: unknown[] = [];
    const server = await start(registry, (error) => errors.push(error));
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('collector broke');
    expect(errors).toHaveLength(1);
  });

  it('does not start for the address 0', async () => {
    expect(await startMetricsServer({ registry: new Registry(), bindAddress: '0' })).toBeUndefined();
  });

  it('fails to start on a port already taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
    await expect(
      startMetricsServer({ registry: new Registry(), bindAddress: `127.0.0.1:${String(address.port)}` }),
    ).rejects.toThrow(/EADDRINUSE/);
    await new Promise((resolve) => blocker.close(resolve));
  });

  it('stops serving once closed', async () => {
    const server = await startMetricsServer({ registry: new Registry(), bindAddress: '127.0.0.1:0' });
    await server?.close();
    await expect(fetch(`${server?.url ?? ''}/metrics`)).rejects.toThrow();
  });
});
