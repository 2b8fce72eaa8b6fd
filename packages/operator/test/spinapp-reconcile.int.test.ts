import { AppsV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { SpinApp } from '@spinkube/api';
import { useNamespace } from '@spinkube/test-cluster/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpinAppReconciler } from '../src/reconcile/spinapp-reconciler.js';
import { startView } from './reconcile-view.js';
import { sample } from './upstream-samples.js';

const { kubeConfig, namespace } = useNamespace('reconcile');
const custom = kubeConfig.makeApiClient(CustomObjectsApi);
const apps = kubeConfig.makeApiClient(AppsV1Api);
const core = kubeConfig.makeApiClient(CoreV1Api);
const events: string[] = [];

let view: Awaited<ReturnType<typeof startView>>;
let reconciler: SpinAppReconciler;

async function createSample(file: string, plural: 'spinapps' | 'spinappexecutors'): Promise<SpinApp> {
  const body = sample(file) as SpinApp;
  return (await custom.createNamespacedCustomObject({
    group: 'core.spinkube.dev',
    version: 'v1alpha1',
    namespace,
    plural,
    body,
  })) as SpinApp;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
}

beforeAll(async () => {
  view = await startView(kubeConfig, namespace);
  reconciler = new SpinAppReconciler({
    kubeConfig,
    view,
    events: { event: (_object, type, reason, message) => events.push(`${type} ${reason} ${message}`) },
  });
});
afterAll(() => {
  view.stop();
});

describe('SpinApp reconcile against a real apiserver', () => {
  it('reports MissingExecutor and creates nothing while the executor is absent', async () => {
    await createSample('simple.yaml', 'spinapps');
    await until(() => view.spinApp(namespace, 'simple-spinapp') !== undefined);
    await expect(reconciler.reconcile(namespace, 'simple-spinapp')).rejects.toThrow(
      `Could not find SpinAppExecutor ${namespace}/containerd-shim-spin`,
    );
    expect(events).toEqual([
      `Warning MissingExecutor Could not find SpinAppExecutor ${namespace}/containerd-shim-spin`,
    ]);
    await expect(apps.readNamespacedDeployment({ name: 'simple-spinapp', namespace })).rejects.toThrow();
  });

  it('renders the minimal app: Deployment, Service, runtime-config Secret simple-spinapp-760b133c, CA Secret', async () => {
    await createSample('spin-shim-executor.yaml', 'spinappexecutors');
    await until(() => view.executor(namespace, 'containerd-shim-spin') !== undefined);
    await reconciler.reconcile(namespace, 'simple-spinapp');

    const deployment = await apps.readNamespacedDeployment({ name: 'simple-spinapp', namespace });
    expect(deployment.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'SpinApp',
      name: 'simple-spinapp',
      controller: true,
    });
    expect(deployment.spec?.replicas).toBe(1);
    const pod = deployment.spec?.template.spec;
    expect(pod?.runtimeClassName).toBe('wasmtime-spin-v2');
    expect(pod?.containers[0]).toMatchObject({
      name: 'simple-spinapp',
      command: ['/'],
      ports: [{ name: 'http-app', containerPort: 80, protocol: 'TCP' }],
      env: [{ name: 'SPIN_HTTP_LISTEN_ADDR', value: '0.0.0.0:80' }],
    });
    expect(pod?.volumes?.map((v) => `${v.name}:${v.secret?.secretName ?? ''}`)).toEqual([
      'spin-runtime-config:simple-spinapp-760b133c',
      'spin-ca:spin-ca',
    ]);

    const secret = await core.readNamespacedSecret({ name: 'simple-spinapp-760b133c', namespace });
    expect(Buffer.from(secret.data?.['runtime-config.toml'] ?? '', 'base64').toString()).toBe(
      "[[config_provider]]\ntype = 'env'\nprefix = 'SPIN_VARIABLE_'\n",
    );
    expect(secret.metadata?.ownerReferences?.[0]?.controller).toBeUndefined();
    const ca = await core.readNamespacedSecret({ name: 'spin-ca', namespace });
    expect(ca.metadata?.annotations?.['app.kubernetes.io/managed-by']).toBe('spin-operator.spinkube.dev');

    const service = await core.readNamespacedService({ name: 'simple-spinapp', namespace });
    expect(service.spec).toMatchObject({
      type: 'ClusterIP',
      ports: [{ protocol: 'TCP', port: 80, targetPort: 'http-app' }],
      selector: { 'core.spinkube.dev/app.simple-spinapp.status': 'ready' },
    });

    // The first reconcile writes DeploymentNotFound (the cache had no Deployment yet); the next copies it.
    await until(() => view.deployment(namespace, 'simple-spinapp') !== undefined);
    await reconciler.reconcile(namespace, 'simple-spinapp');
    const stored = (await custom.getNamespacedCustomObjectStatus({
      group: 'core.spinkube.dev',
      version: 'v1alpha1',
      namespace,
      plural: 'spinapps',
      name: 'simple-spinapp',
    })) as SpinApp;
    expect(stored.status).toMatchObject({
      activeScheduler: 'containerd-shim-spin',
      // kwok may have made the pod ready already on a busy machine.
      readyReplicas: expect.any(Number) as number,
      deploymentName: 'simple-spinapp',
      serviceName: 'simple-spinapp',
    });
  });

  it('is idempotent: a second reconcile changes nothing', async () => {
    const before = await apps.readNamespacedDeployment({ name: 'simple-spinapp', namespace });
    await reconciler.reconcile(namespace, 'simple-spinapp');
    const after = await apps.readNamespacedDeployment({ name: 'simple-spinapp', namespace });
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
  });
});
