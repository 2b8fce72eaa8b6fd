/**
 * controller-runtime's per-controller reconcile metrics, under the names, labels and buckets of
 * controller-runtime v0.22 (what upstream spin-operator ships), so existing dashboards and alerts keep
 * working. The `controller` label carries the controller name (`spinapp`, `spinappexecutor`, …).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** How one reconcile ended; the values of the `result` label. */
export type ReconcileResult = 'success' | 'error' | 'requeue' | 'requeue_after';
export const RECONCILE_RESULTS: readonly ReconcileResult[] = ['success', 'error', 'requeue', 'requeue_after'];

/** Finer detail of an `error` result, counted in controller-runtime's extra error counters. */
export interface ReconcileErrorDetail {
  /** The error is terminal: the key is not retried. */
  readonly terminal?: boolean;
  /** The reconciler threw unexpectedly (Go: panicked) rather than returning an error. */
  readonly panicked?: boolean;
}

/** controller-runtime's `controller_runtime_reconcile_time_seconds` buckets, in seconds. */
export const RECONCILE_TIME_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25,
  1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

export class ReconcileMetrics {
  private readonly total: Counter<'controller' | 'result'>;
  private readonly errors: Counter<'controller'>;
  private readonly terminalErrors: Counter<'controller'>;
  private readonly panics: Counter<'controller'>;
  private readonly time: Histogram<'controller'>;
  private readonly maxConcurrent: Gauge<'controller'>;
  private readonly activeWorkers: Gauge<'controller'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.total = new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Reconciles finished, by controller and result',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.errors = new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Reconciles that ended in an error, by controller',
      labelNames: ['controller'],
      registers,
    });
    this.terminalErrors = new Counter({
      name: 'controller_runtime_terminal_reconcile_errors_total',
      help: 'Reconciles that ended in an error not worth retrying, by controller',
      labelNames: ['controller'],
      registers,
    });
    this.panics = new Counter({
      name: 'controller_runtime_reconcile_panics_total',
      help: 'Reconciles that threw unexpectedly, by controller',
      labelNames: ['controller'],
      registers,
    });
    this.time = new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Seconds each reconcile took, by controller',
      labelNames: ['controller'],
      buckets: [...RECONCILE_TIME_BUCKETS],
      registers,
    });
    this.maxConcurrent = new Gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Workers a controller runs at most at once',
      labelNames: ['controller'],
      registers,
    });
    this.activeWorkers = new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Workers of a controller busy with a key right now',
      labelNames: ['controller'],
      registers,
    });
  }

  /**
   * Declares a controller: its series appear at zero before its first reconcile (as controller-runtime
   * does), so `rate()` and absence alerts see them from the start.
   */
  registerController(controller: string, maxConcurrentReconciles: number): void {
    for (const result of RECONCILE_RESULTS) this.total.inc({ controller, result }, 0);
    this.errors.inc({ controller }, 0);
    this.terminalErrors.inc({ controller }, 0);
    this.panics.inc({ controller }, 0);
    this.maxConcurrent.set({ controller }, maxConcurrentReconciles);
    this.activeWorkers.set({ controller }, 0);
  }

  /** Records one finished reconcile of `controller`, which took `seconds`. */
  observeReconcile(
    controller: string,
    result: ReconcileResult,
    seconds: number,
    detail: ReconcileErrorDetail = {},
  ): void {
    this.total.inc({ controller, result });
    if (result === 'error') {
      this.errors.inc({ controller });
      if (detail.terminal) this.terminalErrors.inc({ controller });
      if (detail.panicked) this.panics.inc({ controller });
    }
    this.time.observe({ controller }, seconds);
  }

  /** Counts a worker of `controller` as busy until the returned function is called (once is enough). */
  startWorker(controller: string): () => void {
    this.activeWorkers.inc({ controller });
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.activeWorkers.dec({ controller });
    };
  }
}
