/**
 * The metrics of one manager: its own prom-client registry (never the global one, so several managers, or
 * several tests, can run in one process without clashing), holding controller-runtime's reconcile metrics,
 * the work queue metrics and, by default, the Node.js process metrics (upstream exposes Go's).
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type {
  InProgressWork,
  WorkQueueInstruments,
  WorkQueueMetricsProvider,
} from '../workqueue/queue-metrics.js';
import { ReconcileMetrics, type ReconcileErrorDetail, type ReconcileResult } from './reconcile-metrics.js';
import { PrometheusWorkQueueMetrics } from './workqueue-metrics.js';

export interface ControllerMetricsOptions {
  /** prom-client's default metrics (`process_*`, `nodejs_*`); on by default. */
  readonly processMetrics?: boolean;
}

export class ControllerMetrics implements WorkQueueMetricsProvider {
  /** Register further metrics here to have them served with the rest. */
  readonly registry = new Registry();
  private readonly reconcile: ReconcileMetrics;
  private readonly workqueue: PrometheusWorkQueueMetrics;

  constructor(options: ControllerMetricsOptions = {}) {
    this.reconcile = new ReconcileMetrics(this.registry);
    this.workqueue = new PrometheusWorkQueueMetrics(this.registry);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Declares a controller, so its series exist at zero from the start. */
  registerController(controller: string, maxConcurrentReconciles: number): void {
    this.reconcile.registerController(controller, maxConcurrentReconciles);
  }

  /** Records one finished reconcile of `controller`, which took `seconds`. */
  observeReconcile(
    controller: string,
    result: ReconcileResult,
    seconds: number,
    detail?: ReconcileErrorDetail,
  ): void {
    this.reconcile.observeReconcile(controller, result, seconds, detail);
  }

  /** Counts a worker of `controller` as busy until the returned function is called. */
  startWorker(controller: string): () => void {
    return this.reconcile.startWorker(controller);
  }

  /** Pass the manager's metrics as a queue's `metrics` option to have the queue report here. */
  queueInstruments(name: string, inProgress: () => InProgressWork): WorkQueueInstruments {
    return this.workqueue.queueInstruments(name, inProgress);
  }
}
