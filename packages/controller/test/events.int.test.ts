import { CoreV1Api, KubeConfig, type CoreV1Event, type V1ConfigMap } from '@kubernetes/client-node';
import { useNamespace } from '@spinkube/test-cluster/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { EventRecorder } from '../src/events/event-recorder.js';

const { kubeConfig, namespace } = useNamespace('events');
const core = kubeConfig.makeApiClient(CoreV1Api);

let objects = 0;
async function configMap(): Promise<V1ConfigMap> {
  const name = `subject-${String(++objects)}`;
  // The apiserver's answer carries apiVersion and kind, as objects from a watch do.
  return core.createNamespacedConfigMap({ namespace, body: { metadata: { name, namespace } } });
}

async function eventsAbout(name: string, inNamespace = namespace): Promise<CoreV1Event[]> {
  const list = await core.listNamespacedEvent({
    namespace: inNamespace,
    fieldSelector: `involvedObject.name=${name}`,
  });
  return list.items.sort((a, b) => (a.message ?? '').localeCompare(b.message ?? ''));
}

function recorder(options: Partial<ConstructorParameters<typeof EventRecorder>[0]> = {}) {
  const errors: string[] = [];
  const events = new EventRecorder({
    kubeConfig,
    component: 'spinapp-reconciler',
    onError: (error) => errors.push(String(error)),
    ...options,
  });
  return { events, errors };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
});

describe('EventRecorder against a real apiserver', () => {
  it('creates a core/v1 Event about the object, from the recorder, counted once', async () => {
    const object = await configMap();
    const { events, errors } = recorder();
    events.event(
      object,
      'Warning',
      'MissingExecutor',
      'Could not find SpinAppExecutor ns/containerd-shim-spin',
    );
    await events.flush();
    expect(errors).toEqual([]);
    const [event, ...more] = await eventsAbout(object.metadata!.name!);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      metadata: { namespace },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace,
        name: object.metadata!.name,
        uid: object.metadata!.uid,
        resourceVersion: object.metadata!.resourceVersion,
      },
      type: 'Warning',
      reason: 'MissingExecutor',
      message: 'Could not find SpinAppExecutor ns/containerd-shim-spin',
      source: { component: 'spinapp-reconciler' },
      reportingComponent: 'spinapp-reconciler',
      count: 1,
    });
    expect(event!.metadata.name).toMatch(new RegExp(`^${object.metadata!.name!}\\.[0-9a-f]+$`));
    expect(event!.firstTimestamp).toEqual(event!.lastTimestamp);
  });

  it('counts repeats of the same report on one Event, advancing lastTimestamp; a new message is a new Event', async () => {
    const object = await configMap();
    const { events, errors } = recorder();
    events.event(
      object,
      'Warning',
      'DeletionBlocked',
      'Cannot delete SpinAppExecutor with dependent SpinApps',
    );
    events.event(
      object,
      'Warning',
      'DeletionBlocked',
      'Cannot delete SpinAppExecutor with dependent SpinApps',
    );
    await events.flush();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // Event timestamps have whole seconds
    events.event(
      object,
      'Warning',
      'DeletionBlocked',
      'Cannot delete SpinAppExecutor with dependent SpinApps',
    );
    events.event(object, 'Warning', 'DeletionBlocked', 'Another message');
    await events.flush();
    expect(errors).toEqual([]);
    expect(events.stats).toMatchObject({ created: 2, aggregated: 2 });
    const [other, repeated, ...more] = await eventsAbout(object.metadata!.name!);
    expect(more).toEqual([]);
    expect(repeated).toMatchObject({
      message: 'Cannot delete SpinAppExecutor with dependent SpinApps',
      count: 3,
    });
    expect(repeated!.lastTimestamp!.getTime()).toBeGreaterThan(repeated!.firstTimestamp!.getTime());
    expect(other).toMatchObject({ message: 'Another message', count: 1 });
  });

  it('writes an Event that expired meanwhile anew, keeping its count', async () => {
    const object = await configMap();
    const { events, errors } = recorder();
    events.event(object, 'Normal', 'Synced', 'up to date');
    await events.flush();
    const [first] = await eventsAbout(object.metadata!.name!);
    await core.deleteNamespacedEvent({ name: first!.metadata.name!, namespace });
    events.event(object, 'Normal', 'Synced', 'up to date');
    await events.flush();
    expect(errors).toEqual([]);
    const [second, ...more] = await eventsAbout(object.metadata!.name!);
    expect(more).toEqual([]);
    expect(second!.metadata.name).not.toBe(first!.metadata.name);
    expect(second).toMatchObject({ count: 2, firstTimestamp: first!.firstTimestamp });
  });

  it('records events about cluster-scoped objects in the default namespace', async () => {
    const object = await core.readNamespace({ name: namespace });
    const { events, errors } = recorder({ component: 'shim-reconciler' });
    events.event(object, 'Normal', 'Observed', 'cluster-scoped');
    await events.flush();
    expect(errors).toEqual([]);
    const found = (await eventsAbout(namespace, 'default')).filter(
      (e) => e.source?.component === 'shim-reconciler',
    );
    for (const event of found)
      cleanups.push(() => core.deleteNamespacedEvent({ name: event.metadata.name!, namespace: 'default' }));
    expect(found).toHaveLength(1);
    expect(found[0]!.involvedObject).toMatchObject({ kind: 'Namespace', name: namespace });
    expect(found[0]!.involvedObject.namespace).toBeUndefined();
  });

  it('never throws into the caller: failures go to onError and later events still get through', async () => {
    const object = await configMap();
    const { events, errors } = recorder();
    expect(() => events.event({ metadata: { name: 'no-kind' } }, 'Warning', 'R', 'm')).not.toThrow();
    events.event(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: object.metadata!.name!, namespace: 'no-such-namespace' },
      },
      'Warning',
      'R',
      'm',
    );
    events.event(object, 'Normal', 'StillWorks', 'after failures');
    await events.flush();
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain(
      'event R about <no kind> no-kind not recorded: the object has no apiVersion and kind',
    );
    expect(errors[1]).toMatch(
      /event R about ConfigMap no-such-namespace\/subject-\d+ not recorded: HTTP 404: namespaces "no-such-namespace" not found/,
    );
    expect(events.stats).toMatchObject({ created: 1, failed: 2 });
    expect(await eventsAbout(object.metadata!.name!)).toHaveLength(1);
  });

  it('reports an unreachable apiserver without throwing, and drops what does not fit in the backlog', async () => {
    const object = await configMap();
    const unreachable = new KubeConfig();
    unreachable.loadFromOptions({
      clusters: [{ name: 'gone', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'nobody' }],
      contexts: [{ name: 'gone', cluster: 'gone', user: 'nobody' }],
      currentContext: 'gone',
    });
    const { events, errors } = recorder({ kubeConfig: unreachable, maxPendingEvents: 2 });
    for (let i = 0; i < 5; i++) events.event(object, 'Warning', 'Unreachable', `attempt ${String(i)}`);
    await events.flush();
    // One in flight at once, two waiting, two dropped.
    expect(events.stats).toMatchObject({ created: 0, failed: 3, dropped: 2 });
    expect(errors.filter((e) => e.includes('dropped: too many events waiting'))).toHaveLength(2);
    expect(errors.filter((e) => e.includes('not recorded'))).toHaveLength(3);
  });
});
