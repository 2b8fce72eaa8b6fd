/**
 * spin-operator assembled: the manager with its shared informers, the SpinApp and SpinAppExecutor
 * controllers (leader only), the admission webhooks (every replica), Events, probes and metrics.
 */
import type {
  KubeConfig,
  V1ConfigMap,
  V1Deployment,
  V1Pod,
  V1Secret,
  V1Service,
} from '@kubernetes/client-node';
import {
  Labels,
  LeaderElectionIds,
  ResourceClient,
  SpinAppExecutorResource,
  type SpinApp,
  type SpinAppExecutor,
} from '@spinkube/api';
import { EventRecorder, Manager, type Informer, type KeyMapper, type Logger } from '@spinkube/controller';
import { SpinAppExecutorReconciler } from '../reconcile/executor-reconciler.js';
import { SpinAppReconciler } from '../reconcile/spinapp-reconciler.js';
import { admissionHandlers } from '../webhooks/handlers.js';
import { clusterView, type OperatorInformers } from './cluster-view.js';
import { appOfPod, appsReadingObject, appsUsingExecutor, executorOfApp } from './dependents.js';
import { ResourceTypes } from './resource-types.js';
import { webhookRunnable, type WebhookSettings } from './webhooks.js';

export interface OperatorOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  readonly metricsBindAddress: string;
  readonly healthProbeBindAddress: string;
  /** Lease namespace and timings; controllers run on every replica when absent. */
  readonly leaderElection?: {
    readonly namespace: string;
    readonly id?: string;
    readonly identity?: string;
    readonly leaseDurationMs?: number;
    readonly renewDeadlineMs?: number;
    readonly retryPeriodMs?: number;
  };
  /** Webhook server settings; no webhooks when absent (upstream's `--enable-webhooks=false`). */
  readonly webhooks?: WebhookSettings;
  readonly maxConcurrentReconciles: number;
  /** Watch one namespace instead of all. */
  readonly namespace?: string;
  readonly gracefulShutdownTimeoutMs?: number;
}

export interface Operator {
  readonly manager: Manager;
  readonly informers: OperatorInformers;
  /** Runs until `signal` aborts; rejects if leadership is lost or the webhooks cannot start. */
  run(signal: AbortSignal): Promise<void>;
}

export function createOperator(options: OperatorOptions): Operator {
  const { kubeConfig, logger } = options;
  const election = options.leaderElection;
  const manager = new Manager({
    kubeConfig,
    logger,
    metricsBindAddress: options.metricsBindAddress,
    healthProbeBindAddress: options.healthProbeBindAddress,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    ...(options.gracefulShutdownTimeoutMs
      ? { gracefulShutdownTimeoutMs: options.gracefulShutdownTimeoutMs }
      : {}),
    ...(election
      ? {
          leaderElection: {
            namespace: election.namespace,
            id: election.id ?? LeaderElectionIds.operator,
            ...(election.identity ? { identity: election.identity } : {}),
            ...(election.leaseDurationMs ? { leaseDurationMs: election.leaseDurationMs } : {}),
            ...(election.renewDeadlineMs ? { renewDeadlineMs: election.renewDeadlineMs } : {}),
            ...(election.retryPeriodMs ? { retryPeriodMs: election.retryPeriodMs } : {}),
          },
        }
      : {}),
  });
  const informers: OperatorInformers = {
    spinApps: manager.informer<SpinApp>(ResourceTypes.spinApp),
    executors: manager.informer<SpinAppExecutor>(ResourceTypes.executor),
    deployments: manager.informer<V1Deployment>(ResourceTypes.deployment),
    services: manager.informer<V1Service>(ResourceTypes.service),
    secrets: manager.informer<V1Secret>(ResourceTypes.secret),
    configMaps: manager.informer<V1ConfigMap>(ResourceTypes.configMap),
    // Only the status of app pods is read (the PodsReady condition): their specs are not kept.
    pods: manager.informer<V1Pod>(ResourceTypes.pod, {
      labelSelector: Labels.appName,
      transform: ({ apiVersion, kind, metadata, status }) => ({
        ...(apiVersion ? { apiVersion } : {}),
        ...(kind ? { kind } : {}),
        ...(metadata ? { metadata } : {}),
        ...(status ? { status } : {}),
      }),
    }),
  };
  const view = clusterView(informers);
  const recorder = (component: string) =>
    new EventRecorder({
      kubeConfig,
      component,
      onError: (error) => {
        logger.warn({ component, error: String(error) }, 'failed to record an Event');
      },
    });

  const spinApps = new SpinAppReconciler({
    kubeConfig,
    view,
    events: recorder('spinapp-reconciler'),
    log: (message, fields) => {
      logger.info({ logger: 'spinapp', ...fields }, message);
    },
  });
  const listApps = (namespace: string) => informers.spinApps.list(namespace);
  const listExecutors = (namespace: string) => informers.executors.list(namespace);
  manager.addController({
    name: 'spinapp',
    maxConcurrentReconciles: options.maxConcurrentReconciles,
    for: ResourceTypes.spinApp,
    owns: [ResourceTypes.deployment, ResourceTypes.service, ResourceTypes.secret],
    watches: [
      { type: ResourceTypes.executor, map: appsUsingExecutor(listApps) },
      { type: ResourceTypes.secret, map: appsReadingObject('Secret', listApps, listExecutors) },
      { type: ResourceTypes.configMap, map: appsReadingObject('ConfigMap', listApps, listExecutors) },
      { type: ResourceTypes.pod, map: appOfPod, labelSelector: Labels.appName },
    ],
    reconcile: ({ namespace, name }) => spinApps.reconcile(namespace, name),
  });

  const executors = new SpinAppExecutorReconciler({
    kubeConfig,
    view,
    events: recorder('spinappexecutor-reconciler'),
  });
  manager.addController({
    name: 'spinappexecutor',
    maxConcurrentReconciles: options.maxConcurrentReconciles,
    for: ResourceTypes.executor,
    watches: [{ type: ResourceTypes.spinApp, map: executorOfApp as KeyMapper }],
    reconcile: ({ namespace, name }) => executors.reconcile(namespace, name),
  });

  if (options.webhooks) {
    // Webhooks run before the caches have synced and may see an executor created a moment ago that the
    // cache has not caught up with: they wait for the first sync, and ask the API server on a miss.
    const executorsApi = new ResourceClient<SpinAppExecutor>(kubeConfig, SpinAppExecutorResource);
    const handlers = admissionHandlers({
      executorNames: async () => {
        await informers.executors.waitForSync();
        const names = informers.executors.list().map((e) => e.metadata?.name ?? '');
        if (names.length > 0) return names;
        return (await executorsApi.list(options.namespace)).map((e) => e.metadata?.name ?? '');
      },
      executor: async (namespace, name) => {
        await informers.executors.waitForSync();
        return (
          cached(informers.executors, `${namespace}/${name}`) ?? (await executorsApi.get(name, namespace))
        );
      },
    });
    manager.add(webhookRunnable({ kubeConfig, settings: options.webhooks, handlers, logger }));
  }

  return { manager, informers, run: (signal) => manager.start(signal) };
}

function cached<T extends SpinAppExecutor>(informer: Informer<T>, key: string): T | undefined {
  return informer.get(key);
}
