/**
 * A controller: a rate-limited work queue of `namespace/name` keys and workers that reconcile them, with
 * controller-runtime's contract — a key is never reconciled by two workers at once, an error requeues it
 * with per-key exponential back-off, success forgets its back-off, and `requeueAfterMs` brings it back
 * later. Reconciles are level-triggered: the key says what to look at, never what changed.
 */
import type { ControllerMetrics } from '../metrics/controller-metrics.js';
import type { ReconcileResult } from '../metrics/reconcile-metrics.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { RateLimitingQueue } from '../workqueue/rate-limiting-queue.js';
import type { RateLimiter } from '../workqueue/rate-limiter.js';
import { SHUT_DOWN } from '../workqueue/queue.js';

export interface ReconcileRequest {
  /** Empty for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

export interface ReconcileOutcome {
  /** Reconcile this key again after this long, even if nothing changes (e.g. to poll an external state). */
  readonly requeueAfterMs?: number;
  /** Requeue now, through the rate limiter, without counting an error. */
  readonly requeue?: boolean;
}

export interface ReconcileContext {
  /** Aborts when the controller is shutting down or leadership is lost. */
  readonly signal: AbortSignal;
  /** A child logger carrying the controller, namespace, name and a reconcile id. */
  readonly logger: Logger;
}

export type ReconcileFunction = (
  request: ReconcileRequest,
  context: ReconcileContext,
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- reconcilers that never requeue return nothing
) => Promise<ReconcileOutcome | void>;

/** An error retrying will not fix (bad input): logged and counted, but the key is not requeued. */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
}

export interface ControllerOptions {
  /** Names the controller in metrics and logs: `spinapp`, `spinappexecutor`. */
  readonly name: string;
  readonly reconcile: ReconcileFunction;
  /** Workers reconciling different keys at once (default 1, as controller-runtime). */
  readonly maxConcurrentReconciles?: number;
  readonly metrics?: ControllerMetrics;
  /** Default: controller-runtime's (5 ms → 1000 s per key, at most 10/s with bursts of 100). */
  readonly rateLimiter?: RateLimiter;
  readonly logger?: Logger;
}

export function requestFromKey(key: string): ReconcileRequest {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export class Controller {
  readonly name: string;
  private queue: RateLimitingQueue | undefined;
  private readonly logger: Logger;
  private reconcileCount = 0;

  constructor(private readonly options: ControllerOptions) {
    this.name = options.name;
    this.logger = (options.logger ?? silentLogger()).child({ controller: options.name });
    options.metrics?.registerController(options.name, this.concurrency);
  }

  private get concurrency(): number {
    return Math.max(1, this.options.maxConcurrentReconciles ?? 1);
  }

  /** True between `run()` starting and its shutdown; keys added outside that window are dropped. */
  get running(): boolean {
    return this.queue !== undefined && !this.queue.shuttingDown();
  }

  enqueue(key: string): void {
    this.queue?.add(key);
  }

  enqueueAfter(key: string, delayMs: number): void {
    this.queue?.addAfter(key, delayMs);
  }

  /** Keys waiting, for tests and diagnostics. */
  get queueLength(): number {
    return this.queue?.length() ?? 0;
  }

  /**
   * Runs workers until `signal` aborts, then lets reconciles in flight finish for up to `drainTimeoutMs`
   * (their context signal is aborted meanwhile, so well-behaved ones return early). `initialKeys` are
   * queued first: every object the controller is for, as controller-runtime's sources replay their cache.
   */
  async run(signal: AbortSignal, initialKeys: Iterable<string> = [], drainTimeoutMs = 30_000): Promise<void> {
    if (this.queue) throw new Error(`controller ${this.name} is already running`);
    const queue = new RateLimitingQueue({
      name: this.name,
      ...(this.options.metrics ? { metrics: this.options.metrics } : {}),
      ...(this.options.rateLimiter ? { rateLimiter: this.options.rateLimiter } : {}),
    });
    this.queue = queue;
    for (const key of initialKeys) queue.add(key);
    this.logger.info({ workerCount: this.concurrency }, 'Starting workers');

    const onAbort = () => {
      queue.shutDown();
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const workers = Array.from({ length: this.concurrency }, () => this.work(queue, signal));
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else
        signal.addEventListener(
          'abort',
          () => {
            resolve();
          },
          { once: true },
        );
    });
    this.logger.info('Shutdown signal received, waiting for all workers to finish');
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all(workers).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => {
          resolve(false);
        }, drainTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.queue = undefined;
    if (drained) this.logger.info('All workers finished');
    else this.logger.warn({ drainTimeoutMs }, 'Workers did not finish in time; leaving them');
  }

  private async work(queue: RateLimitingQueue, signal: AbortSignal): Promise<void> {
    for (let key = await queue.get(); key !== SHUT_DOWN; key = await queue.get()) {
      const release = this.options.metrics?.startWorker(this.name);
      try {
        await this.reconcileKey(queue, key, signal);
      } finally {
        queue.done(key);
        release?.();
      }
    }
  }

  private async reconcileKey(queue: RateLimitingQueue, key: string, signal: AbortSignal): Promise<void> {
    const request = requestFromKey(key);
    const reconcileID = `${this.name}-${String(++this.reconcileCount)}`;
    const logger = this.logger.child({ namespace: request.namespace, name: request.name, reconcileID });
    const started = performance.now();
    const observe = (result: ReconcileResult, detail?: { terminal?: boolean }) =>
      this.options.metrics?.observeReconcile(this.name, result, (performance.now() - started) / 1000, detail);
    try {
      const outcome = (await this.options.reconcile(request, { signal, logger })) ?? {};
      if (outcome.requeueAfterMs !== undefined && outcome.requeueAfterMs > 0) {
        queue.forget(key);
        queue.addAfter(key, outcome.requeueAfterMs);
        observe('requeue_after');
      } else if (outcome.requeue) {
        queue.addRateLimited(key);
        observe('requeue');
      } else {
        queue.forget(key);
        observe('success');
      }
    } catch (error) {
      const terminal = error instanceof TerminalError;
      observe('error', { terminal });
      if (terminal) {
        queue.forget(key);
        logger.error({ error: describeError(error) }, 'Reconciler error (terminal, not retried)');
      } else {
        queue.addRateLimited(key);
        logger.error({ error: describeError(error), retries: queue.numRequeues(key) }, 'Reconciler error');
      }
    }
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
