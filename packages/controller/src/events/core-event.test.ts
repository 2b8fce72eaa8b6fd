import { describe, expect, it } from 'vitest';
import { aggregationKey, coreEvent, eventName, eventNamespace, objectReference } from './core-event.js';

const spinApp = {
  apiVersion: 'core.spinkube.dev/v1alpha1',
  kind: 'SpinApp',
  metadata: { name: 'hello', namespace: 'apps', uid: 'u-1', resourceVersion: '42', labels: { a: 'b' } },
};
const source = { component: 'spinapp-reconciler' };

describe('core/v1 Event construction', () => {
  it('refers to the object by apiVersion, kind, namespace, name, uid and resourceVersion', () => {
    expect(objectReference(spinApp)).toEqual({
      apiVersion: 'core.spinkube.dev/v1alpha1',
      kind: 'SpinApp',
      namespace: 'apps',
      name: 'hello',
      uid: 'u-1',
      resourceVersion: '42',
    });
  });

  it('cannot refer to an object without a kind or a name', () => {
    expect(() => objectReference({ metadata: { name: 'x' } })).toThrow('no apiVersion and kind');
    expect(() => objectReference({ apiVersion: 'v1', kind: 'Pod', metadata: {} })).toThrow(
      'Pod has no metadata.name',
    );
  });

  it('puts events beside namespaced objects, and those about cluster-scoped objects in "default"', () => {
    expect(eventNamespace(objectReference(spinApp))).toBe('apps');
    expect(
      eventNamespace(
        objectReference({
          apiVersion: 'runtime.spinkube.dev/v1alpha1',
          kind: 'Shim',
          metadata: { name: 'spin-v2' },
        }),
      ),
    ).toBe('default');
  });

  it('counts repeats under one key, whatever the resourceVersion; any other difference is a new event', () => {
    const reference = objectReference(spinApp);
    const changed = (metadata: object) =>
      objectReference({ ...spinApp, metadata: { ...spinApp.metadata, ...metadata } });
    const key = aggregationKey(source, reference, 'Warning', 'MissingExecutor', 'm');
    expect(
      aggregationKey(source, changed({ resourceVersion: '43' }), 'Warning', 'MissingExecutor', 'm'),
    ).toBe(key);
    expect(aggregationKey(source, reference, 'Normal', 'MissingExecutor', 'm')).not.toBe(key);
    expect(aggregationKey(source, reference, 'Warning', 'Other', 'm')).not.toBe(key);
    expect(aggregationKey(source, reference, 'Warning', 'MissingExecutor', 'n')).not.toBe(key);
    expect(aggregationKey({ component: 'other' }, reference, 'Warning', 'MissingExecutor', 'm')).not.toBe(
      key,
    );
    expect(aggregationKey(source, changed({ uid: 'u-2' }), 'Warning', 'MissingExecutor', 'm')).not.toBe(key);
  });

  it('names events <object>.<hex nanoseconds>, within 253 characters', () => {
    const at = new Date('2025-01-01T00:00:00.000Z');
    expect(eventName('hello', at, 5n)).toBe(`hello.${(1735689600000n * 1_000_000n + 5n).toString(16)}`);
    const long = eventName('x'.repeat(253), at, 0n);
    expect(long).toHaveLength(253);
    expect(long).toMatch(/^x+\.[0-9a-f]+$/);
  });

  it('builds the Event with source, reporting component, count and both timestamps', () => {
    const first = new Date('2025-01-01T00:00:00.000Z');
    const last = new Date('2025-01-01T00:05:00.000Z');
    const input = {
      name: 'hello.1',
      reference: objectReference(spinApp),
      source,
      type: 'Warning',
      reason: 'MissingExecutor',
      message: 'Could not find SpinAppExecutor apps/containerd-shim-spin',
      count: 3,
      firstTimestamp: first,
      lastTimestamp: last,
    } as const;
    expect(coreEvent(input)).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'hello.1', namespace: 'apps' },
      involvedObject: objectReference(spinApp),
      type: 'Warning',
      reason: 'MissingExecutor',
      message: 'Could not find SpinAppExecutor apps/containerd-shim-spin',
      source: { component: 'spinapp-reconciler' },
      reportingComponent: 'spinapp-reconciler',
      count: 3,
      firstTimestamp: first,
      lastTimestamp: last,
    });
  });

  it('names the host as source.host and reportingInstance only when one is given', () => {
    const event = coreEvent({
      name: 'hello.1',
      reference: objectReference(spinApp),
      source: { component: 'shim-reconciler', host: 'node-1' },
      type: 'Normal',
      reason: 'Installed',
      message: 'm',
      count: 1,
      firstTimestamp: new Date(0),
      lastTimestamp: new Date(0),
    });
    expect(event).toMatchObject({
      source: { component: 'shim-reconciler', host: 'node-1' },
      reportingInstance: 'node-1',
    });
  });
});
