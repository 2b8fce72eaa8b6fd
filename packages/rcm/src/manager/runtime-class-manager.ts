/**
 * The runtime-class-manager assembled on @spinkube/controller's Manager: shared informers for Shims, Nodes
 * (trimmed to what a rollout reads), the manager's own Jobs (label `spinkube.dev/job=true`, in its
 * namespace) and RuntimeClasses; one `shim` controller (leader only) fed by its Shims, by their Jobs (the
 * `spinkube.dev/shimName` label) and RuntimeClasses (owner), and by node changes that a rollout reads —
 * labels, annotations, taints, platform — which enqueue every Shim, as upstream's label predicate does.
 * Upstream's separate JobReconciler is folded into the Shim's reconcile: one key per Shim means node labels
 * are written by one worker at a time.
 */
import type { KubeConfig, KubernetesObject, V1Job, V1Node, V1RuntimeClass } from '@kubernetes/client-node';
import { LeaderElectionIds, ShimJobKeys, type Shim } from '@spinkube/api';
import { EventRecorder, Manager, type LeaderElectionConfig, type Logger } from '@spinkube/controller';
import { relevantNodeChange, trimNode } from '../controller/node-facts.js';
import { ResourceTypes } from '../controller/resource-types.js';
import { ShimReconciler } from '../controller/shim-reconciler.js';
import type { JobSettings } from '../shim/node-job.js';

export interface RuntimeClassManagerOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  readonly settings: JobSettings;
  readonly metricsBindAddress: string;
  readonly healthProbeBindAddress: string;
  /** The Lease (id `7584d300.spinkube.dev` unless given); controllers run on every replica when absent. */
  readonly leaderElection?: Omit<LeaderElectionConfig, 'id'> & { readonly id?: string };
  readonly maxConcurrentReconciles?: number;
  readonly gracefulShutdownTimeoutMs?: number;
}

export interface RuntimeClassManager {
  readonly manager: Manager;
  run(signal: AbortSignal): Promise<void>;
}

const JOB_SELECTOR = `${ShimJobKeys.job}=true`;

export function createRuntimeClassManager(options: RuntimeClassManagerOptions): RuntimeClassManager {
  const { kubeConfig, logger, settings } = options;
  const election = options.leaderElection;
  const manager = new Manager({
    kubeConfig,
    logger,
    metricsBindAddress: options.metricsBindAddress,
    healthProbeBindAddress: options.healthProbeBindAddress,
    ...(options.gracefulShutdownTimeoutMs
      ? { gracefulShutdownTimeoutMs: options.gracefulShutdownTimeoutMs }
      : {}),
    ...(election
      ? {
          leaderElection: {
            ...election,
            id: election.id ?? LeaderElectionIds.runtimeClassManager,
          },
        }
      : {}),
  });
  const caches = {
    shims: manager.informer<Shim>(ResourceTypes.shim),
    nodes: manager.informer<V1Node>(ResourceTypes.node, { transform: trimNode }),
    jobs: manager.informer<V1Job>(ResourceTypes.job, {
      labelSelector: JOB_SELECTOR,
      namespace: settings.namespace,
    }),
    runtimeClasses: manager.informer<V1RuntimeClass>(ResourceTypes.runtimeClass),
  };
  const reconciler = new ShimReconciler({
    kubeConfig,
    caches,
    settings,
    events: new EventRecorder({
      kubeConfig,
      component: 'runtime-class-manager',
      onError: (error) => {
        logger.warn({ error: String(error) }, 'failed to record an Event');
      },
    }),
  });
  const controller = manager.addController({
    name: 'shim',
    maxConcurrentReconciles: options.maxConcurrentReconciles ?? 1,
    for: ResourceTypes.shim,
    owns: [ResourceTypes.runtimeClass],
    watches: [
      {
        type: ResourceTypes.job,
        labelSelector: JOB_SELECTOR,
        namespace: settings.namespace,
        map: (job: KubernetesObject) => {
          const shim = job.metadata?.labels?.[ShimJobKeys.shimName];
          return shim ? [shim] : [];
        },
      },
    ],
    reconcile: ({ name }) => reconciler.reconcile(name),
  });
  // Nodes: only changes a rollout reads, and then every Shim (selectors may match before or after).
  const enqueueAllShims = () => {
    if (!controller.running) return;
    for (const shim of caches.shims.list()) controller.enqueue(shim.metadata?.name ?? '');
  };
  caches.nodes
    .on('add', enqueueAllShims)
    .on('delete', enqueueAllShims)
    .on('update', (node, previous) => {
      if (relevantNodeChange(node, previous)) enqueueAllShims();
    });
  return { manager, run: (signal) => manager.start(signal) };
}
