import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { compactEtcd, useNamespace } from '@spinkube/test-cluster/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { Informer } from '../src/informer/informer.js';
import { startNetworkProxy, type NetworkProxy } from './network-proxy.js';

const { kubeConfig, namespace } = useNamespace('informer');
const core = kubeConfig.makeApiClient(CoreV1Api);
const CONFIGMAPS = { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' } as const;

const running: { stop(): void }[] = [];
const proxies: NetworkProxy[] = [];
afterEach(async () => {
  for (const informer of running.splice(0)) informer.stop();
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function recorder(informer: Informer<V1ConfigMap>) {
  const events: string[] = [];
  informer
    .on('add', (o) => events.push(`add ${o.metadata?.name ?? ''}`))
    .on('update', (o) => events.push(`update ${o.metadata?.name ?? ''}`))
    .on('delete', (o) => events.push(`delete ${o.metadata?.name ?? ''}`));
  return events;
}

const configMap = (name: string, value = '1') => ({ metadata: { name, namespace }, data: { value } });

describe('Informer against a real apiserver', () => {
  it('lists, then reports adds, updates and deletes, keeping a cache', async () => {
    await core.createNamespacedConfigMap({ namespace, body: configMap('before') });
    const informer = new Informer<V1ConfigMap>({ kubeConfig, type: CONFIGMAPS, namespace });
    running.push(informer);
    const events = recorder(informer);
    await informer.start();
    expect(informer.get(`${namespace}/before`)?.data).toEqual({ value: '1' });
    await core.createNamespacedConfigMap({ namespace, body: configMap('after') });
    await core.replaceNamespacedConfigMap({ name: 'after', namespace, body: configMap('after', '2') });
    await core.deleteNamespacedConfigMap({ name: 'before', namespace });
    await until(() => events.includes('delete before'), 'the delete');
    expect(events.filter((e) => !e.startsWith('add kube-root-ca'))).toEqual([
      'add before',
      'add after',
      'update after',
      'delete before',
    ]);
    expect(informer.get(`${namespace}/after`)?.data).toEqual({ value: '2' });
    expect(informer.get(`${namespace}/before`)).toBeUndefined();
  });

  it('recovers from a network partition and reports every change it missed, deletions included', async () => {
    const proxy = await startNetworkProxy(kubeConfig);
    proxies.push(proxy);
    await core.createNamespacedConfigMap({ namespace, body: configMap('doomed') });
    await core.createNamespacedConfigMap({ namespace, body: configMap('churn') });
    const informer = new Informer<V1ConfigMap>({
      kubeConfig: proxy.kubeConfig,
      type: CONFIGMAPS,
      namespace,
      maxBackoffMs: 500,
    });
    running.push(informer);
    const events = recorder(informer);
    await informer.start();
    proxy.cut();
    await core.deleteNamespacedConfigMap({ name: 'doomed', namespace });
    await core.createNamespacedConfigMap({ namespace, body: configMap('born') });
    // Whether the watch resumes from its resourceVersion or must relist (410 Gone) depends on the
    // apiserver's watch cache; either way nothing may be missed.
    for (let i = 0; i < 300; i++) {
      await core.replaceNamespacedConfigMap({
        name: 'churn',
        namespace,
        body: configMap('churn', String(i)),
      });
    }
    proxy.restore();
    await until(() => events.includes('delete doomed') && events.includes('add born'), 'the missed changes');
    await until(
      () => informer.get(`${namespace}/churn`)?.data?.['value'] === '299',
      'the latest churn value',
    );
    expect(informer.stats.watches).toBeGreaterThanOrEqual(2);
    const names = informer
      .list(namespace)
      .map((o) => o.metadata?.name)
      .sort();
    const onServer = (await core.listNamespacedConfigMap({ namespace })).items.map((o) => o.metadata?.name);
    expect(names).toEqual(onServer.sort());
    expect(names).toContain('born');
    expect(names).not.toContain('doomed');
  });

  it('relists after 410 Gone (its resourceVersion compacted away) and reports the deletions it missed', async () => {
    const proxy = await startNetworkProxy(kubeConfig);
    proxies.push(proxy);
    // PodTemplates bypass the apiserver's watch cache in the test cluster, so compaction means 410.
    const template = (name: string) => ({
      metadata: { name, namespace },
      template: { spec: { containers: [{ name: 'c', image: 'example.com/none' }] } },
    });
    await core.createNamespacedPodTemplate({ namespace, body: template('doomed') });
    const informer = new Informer({
      kubeConfig: proxy.kubeConfig,
      type: { apiVersion: 'v1', kind: 'PodTemplate', plural: 'podtemplates' },
      namespace,
      maxBackoffMs: 500,
    });
    running.push(informer);
    const events: string[] = [];
    informer.on('add', (o) => events.push(`add ${o.metadata?.name ?? ''}`));
    informer.on('delete', (o) => events.push(`delete ${o.metadata?.name ?? ''}`));
    await informer.start();
    proxy.cut();
    await core.deleteNamespacedPodTemplate({ name: 'doomed', namespace });
    await core.createNamespacedPodTemplate({ namespace, body: template('born') });
    await compactEtcd();
    proxy.restore();
    await until(() => events.includes('delete doomed') && events.includes('add born'), 'the relist');
    expect(informer.stats.lists).toBeGreaterThanOrEqual(2);
    expect(informer.list(namespace).map((o) => o.metadata?.name)).toEqual(['born']);
  });

  it('restarts a watch that went silent, and keeps delivering events', async () => {
    const proxy = await startNetworkProxy(kubeConfig);
    proxies.push(proxy);
    const informer = new Informer<V1ConfigMap>({
      kubeConfig: proxy.kubeConfig,
      type: CONFIGMAPS,
      namespace,
      stallTimeoutMs: 1000,
      maxBackoffMs: 200,
    });
    running.push(informer);
    const events = recorder(informer);
    await informer.start();
    proxy.stall();
    await until(() => informer.stats.stalls >= 1, 'stall detection', 10_000);
    proxy.restore();
    await core.createNamespacedConfigMap({ namespace, body: configMap('after-stall') });
    await until(() => events.includes('add after-stall'), 'events after the stall');
    expect(informer.stats.watches).toBeGreaterThanOrEqual(2);
  });

  it('re-delivers cached objects to update handlers on every resync', async () => {
    const informer = new Informer<V1ConfigMap>({
      kubeConfig,
      type: CONFIGMAPS,
      namespace,
      resyncPeriodMs: 200,
    });
    running.push(informer);
    const events = recorder(informer);
    await informer.start();
    await until(() => events.filter((e) => e.startsWith('update')).length >= 4, 'resyncs', 5000);
    // Nothing changed on the server: every update is a resync of an object the informer already had.
    expect(new Set(events.filter((e) => e.startsWith('update')))).toEqual(
      new Set(events.filter((e) => e.startsWith('add')).map((e) => e.replace('add', 'update'))),
    );
  });
});
