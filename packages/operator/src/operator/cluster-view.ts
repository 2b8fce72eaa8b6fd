/**
 * What the reconcilers read, served from the informers' caches: no API round trip per reconcile, and a
 * consistent-enough view that level-triggered reconciles converge as events arrive.
 */
import type { V1ConfigMap, V1Deployment, V1Pod, V1Secret, V1Service } from '@kubernetes/client-node';
import { Labels, type SpinApp, type SpinAppExecutor } from '@spinkube/api';
import type { Informer } from '@spinkube/controller';
import type { ExecutorView } from '../reconcile/executor-reconciler.js';
import type { ClusterView } from '../reconcile/spinapp-reconciler.js';

export interface OperatorInformers {
  readonly spinApps: Informer<SpinApp>;
  readonly executors: Informer<SpinAppExecutor>;
  readonly deployments: Informer<V1Deployment>;
  readonly services: Informer<V1Service>;
  readonly secrets: Informer<V1Secret>;
  readonly configMaps: Informer<V1ConfigMap>;
  /** Only pods labelled with an app name. */
  readonly pods: Informer<V1Pod>;
}

export function clusterView(informers: OperatorInformers): ClusterView & ExecutorView {
  const key = (namespace: string, name: string) => `${namespace}/${name}`;
  const ofApp = <T extends { metadata?: { labels?: Record<string, string> } }>(items: T[], app: string) =>
    items.filter((item) => item.metadata?.labels?.[Labels.appName] === app);
  return {
    spinApp: (ns, name) => informers.spinApps.get(key(ns, name)),
    executor: (ns, name) => informers.executors.get(key(ns, name)),
    deployment: (ns, name) => informers.deployments.get(key(ns, name)),
    service: (ns, name) => informers.services.get(key(ns, name)),
    secret: (ns, name) => informers.secrets.get(key(ns, name)),
    configMap: (ns, name) => informers.configMaps.get(key(ns, name)),
    appSecrets: (ns, app) => ofApp(informers.secrets.list(ns), app),
    pods: (ns, app) => ofApp(informers.pods.list(ns), app),
    spinApps: (ns) => informers.spinApps.list(ns),
  };
}
