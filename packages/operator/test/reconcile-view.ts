/** Informers over the kinds the SpinApp reconciler reads, as its ClusterView, for tests. */
import type { KubeConfig, KubernetesObject, V1Deployment, V1Service } from '@kubernetes/client-node';
import type { SpinApp, SpinAppExecutor } from '@spinkube/api';
import { Informer } from '@spinkube/controller';
import type { ExecutorView } from '../src/reconcile/executor-reconciler.js';
import type { ClusterView } from '../src/reconcile/spinapp-reconciler.js';

export async function startView(
  kubeConfig: KubeConfig,
  namespace: string,
): Promise<ClusterView & ExecutorView & { stop(): void }> {
  const make = <T extends KubernetesObject>(apiVersion: string, kind: string, plural: string) =>
    new Informer<T>({ kubeConfig, namespace, type: { apiVersion, kind, plural } });
  const apps = make<SpinApp>('core.spinkube.dev/v1alpha1', 'SpinApp', 'spinapps');
  const executors = make<SpinAppExecutor>(
    'core.spinkube.dev/v1alpha1',
    'SpinAppExecutor',
    'spinappexecutors',
  );
  const deployments = make<V1Deployment>('apps/v1', 'Deployment', 'deployments');
  const services = make<V1Service>('v1', 'Service', 'services');
  const all = [apps, executors, deployments, services];
  await Promise.all(all.map((informer) => informer.start()));
  const key = (ns: string, name: string) => `${ns}/${name}`;
  return {
    spinApp: (ns, name) => apps.get(key(ns, name)),
    executor: (ns, name) => executors.get(key(ns, name)),
    deployment: (ns, name) => deployments.get(key(ns, name)),
    service: (ns, name) => services.get(key(ns, name)),
    spinApps: (ns) => apps.list(ns),
    stop: () => {
      for (const informer of all) informer.stop();
    },
  };
}
