import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { useNamespace } from '@spinkube/test-cluster/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { Manager } from '../src/manager/manager.js';
import { createLogger } from '../src/log/logger.js';
import { PassThrough } from 'node:stream';

const { kubeConfig, namespace } = useNamespace('manager');
const core = kubeConfig.makeApiClient(CoreV1Api);
const configMaps = { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' };
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A copier controller: each ConfigMap labelled `role=source` gets an owned `<name>-copy` with its data. */
function startCopier(identity: string, leaseName?: string) {
  const lines = new PassThrough();
  const log: string[] = [];
  lines.on('data', (chunk: Buffer) => log.push(...chunk.toString().trim().split('\n')));
  const reconciled: string[] = [];
  const manager = new Manager({
    kubeConfig,
    namespace,
    metricsBindAddress: '127.0.0.1:0',
    healthProbeBindAddress: '127.0.0.1:0',
    logger: createLogger({ destination: lines, level: 'debug' }),
    ...(leaseName
      ? {
          leaderElection: {
            namespace,
            id: leaseName,
            identity,
            leaseDurationMs: 2000,
            renewDeadlineMs: 1500,
            retryPeriodMs: 250,
          },
        }
      : {}),
  });
  const sources = manager.informer<V1ConfigMap>(configMaps);
  manager.addController({
    name: 'copier',
    for: configMaps,
    owns: [configMaps],
    reconcile: async ({ namespace: ns, name }) => {
      const source = sources.get(`${ns}/${name}`);
      if (source?.metadata?.labels?.['role'] !== 'source') return;
      reconciled.push(name);
      const copy: V1ConfigMap = {
        metadata: {
          name: `${name}-copy`,
          namespace: ns,
          labels: { copiedBy: identity },
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name, uid: source.metadata.uid ?? '', controller: true },
          ],
        },
        data: source.data ?? {},
      };
      await core
        .replaceNamespacedConfigMap({ name: `${name}-copy`, namespace: ns, body: copy })
        .catch(() => core.createNamespacedConfigMap({ namespace: ns, body: copy }));
    },
  });
  const stop = new AbortController();
  const done = manager.start(stop.signal);
  const shutdown = async () => {
    stop.abort();
    await done;
  };
  stops.push(shutdown);
  return { manager, reconciled, log, done, shutdown };
}

const source = (name: string, value: string): V1ConfigMap => ({
  metadata: { name, namespace, labels: { role: 'source' } },
  data: { value },
});

describe('Manager', () => {
  it('reconciles primaries, re-creates deleted children through Owns, and serves probes and metrics', async () => {
    const copier = startCopier('solo');
    await core.createNamespacedConfigMap({ namespace, body: source('alpha', '1') });
    const copy = await eventually(() => core.readNamespacedConfigMap({ name: 'alpha-copy', namespace }));
    expect(copy.data).toEqual({ value: '1' });
    // The cache keeps objects without managedFields (the API server always sends them).
    expect(copy.metadata?.managedFields).toBeDefined();
    const cached = copier.manager.informer<V1ConfigMap>(configMaps).get(`${namespace}/alpha-copy`);
    expect(cached?.metadata?.name).toBe('alpha-copy');
    expect(cached?.metadata?.managedFields).toBeUndefined();

    await core.deleteNamespacedConfigMap({ name: 'alpha-copy', namespace });
    const again = await eventually(async () => {
      const read = await core.readNamespacedConfigMap({ name: 'alpha-copy', namespace });
      return read.metadata?.uid === copy.metadata?.uid ? undefined : read;
    });
    expect(again.data).toEqual({ value: '1' });

    const port = copier.manager.health.address?.port ?? 0;
    const ready = await eventually(async () => {
      const response = await fetch(`http://127.0.0.1:${String(port)}/readyz`);
      return response.status === 200 ? response : undefined;
    });
    expect(await ready.text()).toBe('ok');
    const metrics = await copier.manager.metrics.registry.metrics();
    expect(metrics).toMatch(
      /controller_runtime_reconcile_total\{controller="copier",result="success"\} [1-9]/,
    );
    expect(metrics).toMatch(/workqueue_adds_total\{name="copier",controller="copier"\} [1-9]/);

    await copier.shutdown();
    const entries = copier.log.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.some((e) => e['msg'] === 'Starting workers' && e['controller'] === 'copier')).toBe(true);
    expect(entries.every((e) => typeof e['ts'] === 'string' && typeof e['level'] === 'string')).toBe(true);
  });

  it('runs controllers on the leader only, and a second replica takes over when the leader stops', async () => {
    const lease = 'copier-election';
    const first = startCopier('first', lease);
    await eventually(() => Promise.resolve(first.manager.isLeader ? true : undefined));
    const second = startCopier('second', lease);
    await core.createNamespacedConfigMap({ namespace, body: source('beta', '2') });
    const copy = await eventually(() => core.readNamespacedConfigMap({ name: 'beta-copy', namespace }));
    expect(copy.metadata?.labels).toEqual({ copiedBy: 'first' });
    expect(second.manager.isLeader).toBe(false);
    expect(second.reconciled).toEqual([]);

    await first.shutdown();
    await core.createNamespacedConfigMap({ namespace, body: source('gamma', '3') });
    const taken = await eventually(() => core.readNamespacedConfigMap({ name: 'gamma-copy', namespace }));
    expect(taken.metadata?.labels).toEqual({ copiedBy: 'second' });
    expect(second.manager.isLeader).toBe(true);
  });
});
