/**
 * One reconcile of a SpinAppExecutor (reference §2.9): keep the `core.spinkube.dev/finalizer` on it, and
 * when it is being deleted, remove the finalizer only once no SpinApp in its namespace names it — until
 * then a `DeletionBlocked` event and a retry. Scoped to the executor's namespace (upstream's bug #480 was
 * listing every namespace).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import {
  Finalizers,
  ResourceClient,
  SpinAppExecutorResource,
  type SpinApp,
  type SpinAppExecutor,
} from '@spinkube/api';
import { ReconcileError, type EventSink } from './spinapp-reconciler.js';

export interface ExecutorView {
  executor(namespace: string, name: string): SpinAppExecutor | undefined;
  spinApps(namespace: string): readonly SpinApp[];
}

export class SpinAppExecutorReconciler {
  private readonly executors: ResourceClient<SpinAppExecutor>;

  constructor(
    private readonly options: {
      readonly kubeConfig: KubeConfig;
      readonly view: ExecutorView;
      readonly events: EventSink;
    },
  ) {
    this.executors = new ResourceClient<SpinAppExecutor>(options.kubeConfig, SpinAppExecutorResource);
  }

  async reconcile(namespace: string, name: string): Promise<void> {
    const executor = this.options.view.executor(namespace, name);
    if (!executor) return;
    const finalizers = executor.metadata?.finalizers ?? [];
    const hasFinalizer = finalizers.includes(Finalizers.spinAppExecutor);

    if (executor.metadata?.deletionTimestamp) {
      if (!hasFinalizer) return;
      const dependents = this.options.view.spinApps(namespace).filter((app) => app.spec?.executor === name);
      if (dependents.length > 0) {
        this.options.events.event(
          executor,
          'Warning',
          'DeletionBlocked',
          'Cannot delete SpinAppExecutor with dependent SpinApps',
        );
        throw new ReconcileError('cannot delete SpinAppExecutor with dependent SpinApps');
      }
      await this.executors.replace({
        ...executor,
        metadata: {
          ...executor.metadata,
          finalizers: finalizers.filter((f) => f !== Finalizers.spinAppExecutor),
        },
      });
      return;
    }
    if (!hasFinalizer) {
      await this.executors.replace({
        ...executor,
        metadata: { ...executor.metadata, finalizers: [...finalizers, Finalizers.spinAppExecutor] },
      });
    }
  }
}
