import { CustomObjectsApi } from '@kubernetes/client-node';
import type { SpinAppExecutor } from '@spinkube/api';
import { useNamespace } from '@spinkube/test-cluster/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpinAppExecutorReconciler } from '../src/reconcile/executor-reconciler.js';
import { startView } from './reconcile-view.js';

const { kubeConfig, namespace } = useNamespace('executor');
const other = useNamespace('executor-other');
const custom = kubeConfig.makeApiClient(CustomObjectsApi);
const group = { group: 'core.spinkube.dev', version: 'v1alpha1' };
const events: string[] = [];
let view: Awaited<ReturnType<typeof startView>>;
let reconciler: SpinAppExecutorReconciler;

const executor = (ns: string) =>
  custom.getNamespacedCustomObject({
    ...group,
    namespace: ns,
    plural: 'spinappexecutors',
    name: 'shim',
  }) as Promise<SpinAppExecutor>;

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
}

beforeAll(async () => {
  view = await startView(kubeConfig, namespace);
  reconciler = new SpinAppExecutorReconciler({
    kubeConfig,
    view,
    events: { event: (_o, type, reason, message) => events.push(`${type} ${reason} ${message}`) },
  });
});
afterAll(() => {
  view.stop();
});

describe('SpinAppExecutor reconcile against a real apiserver', () => {
  it('adds its finalizer, blocks deletion while apps in its namespace use it, then lets it go', async () => {
    const body = {
      apiVersion: 'core.spinkube.dev/v1alpha1',
      kind: 'SpinAppExecutor',
      metadata: { name: 'shim' },
      spec: { createDeployment: true, deploymentConfig: { runtimeClassName: 'wasmtime-spin-v2' } },
    };
    await custom.createNamespacedCustomObject({ ...group, namespace, plural: 'spinappexecutors', body });
    // An app of the same executor name in another namespace must not block this one.
    const app = () => ({
      apiVersion: 'core.spinkube.dev/v1alpha1',
      kind: 'SpinApp',
      metadata: { name: 'app' },
      spec: { executor: 'shim', image: 'x', replicas: 1 },
    });
    await custom.createNamespacedCustomObject({
      ...group,
      namespace: other.namespace,
      plural: 'spinapps',
      body: app(),
    });
    await custom.createNamespacedCustomObject({
      ...group,
      namespace,
      plural: 'spinapps',
      body: app(),
    });

    await until(() => view.executor(namespace, 'shim') !== undefined);
    await reconciler.reconcile(namespace, 'shim');
    expect((await executor(namespace)).metadata?.finalizers).toEqual(['core.spinkube.dev/finalizer']);

    await custom.deleteNamespacedCustomObject({
      ...group,
      namespace,
      plural: 'spinappexecutors',
      name: 'shim',
    });
    await until(() => view.executor(namespace, 'shim')?.metadata?.deletionTimestamp !== undefined);
    await until(() => view.spinApps(namespace).length === 1);
    await expect(reconciler.reconcile(namespace, 'shim')).rejects.toThrow(
      'cannot delete SpinAppExecutor with dependent SpinApps',
    );
    expect(events).toContain('Warning DeletionBlocked Cannot delete SpinAppExecutor with dependent SpinApps');
    expect((await executor(namespace)).metadata?.deletionTimestamp).toBeDefined();

    await custom.deleteNamespacedCustomObject({ ...group, namespace, plural: 'spinapps', name: 'app' });
    await until(() => view.spinApps(namespace).length === 0);
    await reconciler.reconcile(namespace, 'shim');
    await expect(executor(namespace)).rejects.toThrow();
  });
});
