/** The operator's informers and cluster view over one namespace, for tests that drive reconcilers directly. */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { Labels } from '@spinkube/api';
import { Informer, type ResourceType } from '@spinkube/controller';
import { clusterView, type OperatorInformers } from '../src/operator/cluster-view.js';
import { ResourceTypes } from '../src/operator/resource-types.js';
import type { ExecutorView } from '../src/reconcile/executor-reconciler.js';
import type { ClusterView } from '../src/reconcile/spinapp-reconciler.js';

export async function startView(
  kubeConfig: KubeConfig,
  namespace: string,
): Promise<ClusterView & ExecutorView & { stop(): void }> {
  const make = <T extends KubernetesObject>(type: ResourceType, labelSelector?: string) =>
    new Informer<T>({ kubeConfig, namespace, type, ...(labelSelector ? { labelSelector } : {}) });
  const informers: OperatorInformers = {
    spinApps: make(ResourceTypes.spinApp),
    executors: make(ResourceTypes.executor),
    deployments: make(ResourceTypes.deployment),
    services: make(ResourceTypes.service),
    secrets: make(ResourceTypes.secret),
    configMaps: make(ResourceTypes.configMap),
    pods: make(ResourceTypes.pod, Labels.appName),
  };
  const all = Object.values(informers) as Informer[];
  await Promise.all(all.map((informer) => informer.start()));
  return {
    ...clusterView(informers),
    stop: () => {
      for (const informer of all) informer.stop();
    },
  };
}
