/**
 * Runs requests on worker threads, one request per worker at a time. Guests run synchronously, so a worker
 * is the unit of isolation: a guest that loops forever or blows the worker up is stopped by terminating
 * its worker (at the request deadline, or when it dies), the request gets a 500 and a new worker takes the
 * slot; every other request carries on. When every worker is blocked waiting on outbound I/O (a guest
 * calling its own app, say) and requests queue, extra workers start so that chained calls cannot deadlock.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import type { IncomingRequestInit, ResponseTarget } from '../host/wasi-http.js';
import { serveSyncCalls, type CallHandlers } from './sync-call.js';
import {
  BODY_READ_CALL,
  type AppCode,
  type RunRequest,
  type WorkerEvent,
  type WorkerInit,
} from './worker-protocol.js';

/** How a request ended, as far as the server needs to know. */
export interface RunOutcome {
  /** Whether the guest set a response (headers may already be on the wire). */
  readonly responded: boolean;
  /** Why the request failed, if it did (trap, deadline, worker crash). */
  readonly error?: string;
}

/** Runs one request on some component and streams the response to `target`. */
export interface RequestExecutor {
  /** `body` supplies the chunks of a request whose init says `body: 'streamed'`. */
  run(
    componentId: string,
    request: IncomingRequestInit,
    target: ResponseTarget,
    body?: AsyncIterator<Uint8Array>,
  ): Promise<RunOutcome>;
}

export interface WorkerPoolOptions {
  /** Workers started up front. */
  readonly size: number;
  /** At most this many workers, counting the extra ones started while all are blocked on I/O. */
  readonly maxSize?: number;
  /** A request still running after this long is stopped with its worker. */
  readonly requestTimeoutMs: number;
  /** Host calls the workers make that need the main thread; built per worker. */
  readonly hostCalls: () => { handlers: CallHandlers; dispose: () => void };
  readonly log: (stream: 'stdout' | 'stderr', line: string) => void;
}

interface Job {
  readonly requestId: number;
  readonly componentId: string;
  readonly request: IncomingRequestInit;
  readonly target: ResponseTarget;
  readonly body: AsyncIterator<Uint8Array> | undefined;
  readonly resolve: (outcome: RunOutcome) => void;
  started: boolean;
}

interface Slot {
  readonly worker: Worker;
  /** Settles when the worker has loaded the app (or failed to). */
  readonly loaded: Promise<void>;
  readonly dispose: () => void;
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Waiting on a host call (the guest is blocked on I/O, not computing). */
  blocked: number;
  gone: boolean;
}

export class WorkerPool implements RequestExecutor {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextRequestId = 1;
  private closing = false;
  private app: AppCode | undefined;
  private readonly workerUrl = workerEntry();

  constructor(private readonly options: WorkerPoolOptions) {}

  /**
   * Starts the worker threads without an app, so they boot while the app is still being loaded and
   * compiled; `start` hands them the app.
   */
  boot(): void {
    while (this.slots.size < Math.max(1, this.options.size)) this.spawn();
  }

  /** Gives every worker the app and waits until each has loaded every component. */
  async start(app: AppCode): Promise<void> {
    this.app = app;
    this.boot();
    for (const slot of this.slots) slot.worker.postMessage({ kind: 'load', app });
    await Promise.all([...this.slots].map((slot) => slot.loaded));
  }

  run(
    componentId: string,
    request: IncomingRequestInit,
    target: ResponseTarget,
    body?: AsyncIterator<Uint8Array>,
  ): Promise<RunOutcome> {
    return new Promise((resolve) => {
      this.queue.push({
        requestId: this.nextRequestId++,
        componentId,
        request,
        target,
        body,
        resolve,
        started: false,
      });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const job of this.queue.splice(0))
      job.resolve({ responded: false, error: 'the server is shutting down' });
    await Promise.all([...this.slots].map((slot) => this.retire(slot, 'the server is shutting down')));
  }

  /** Workers now running, for tests and metrics. */
  get workerCount(): number {
    return this.slots.size;
  }

  private spawn(): Slot {
    const channel = new MessageChannel();
    const callSignal = new SharedArrayBuffer(4);
    const init: WorkerInit = { callPort: channel.port2, callSignal };
    const worker = new Worker(this.workerUrl, { workerData: init, transferList: [channel.port2] });
    // A worker that replaces a lost one gets the app at once.
    if (this.app) worker.postMessage({ kind: 'load', app: this.app });
    const calls = this.options.hostCalls();
    let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
    const loaded = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // Nobody may be waiting (a replacement worker): failures are reported through `lost` as well.
    loaded.catch(() => undefined);
    const slot: Slot = {
      worker,
      loaded,
      dispose: () => {
        calls.dispose();
        channel.port1.close();
      },
      ready: false,
      job: undefined,
      timer: undefined,
      blocked: 0,
      gone: false,
    };
    this.slots.add(slot);
    const readBody = async (_args: never) => {
      const next = await slot.job?.body?.next();
      return next && !next.done ? next.value : undefined;
    };
    const tracked = Object.fromEntries(
      Object.entries({ ...calls.handlers, [BODY_READ_CALL]: readBody }).map(([op, handler]) => [
        op,
        async (args: never) => {
          slot.blocked++;
          this.pump();
          try {
            return await handler(args);
          } finally {
            slot.blocked--;
          }
        },
      ]),
    );
    serveSyncCalls(channel.port1, callSignal, tracked);

    worker.on('message', (event: WorkerEvent) => {
      if (event.kind === 'ready') {
        slot.ready = true;
        settle?.resolve();
        this.pump();
      } else {
        this.onEvent(slot, event);
      }
    });
    worker.on('error', (error: Error) => {
      if (!slot.ready) settle?.reject(error);
      this.lost(slot, `the worker running it failed: ${error.message}`);
    });
    worker.on('exit', (code) => {
      if (!slot.ready)
        settle?.reject(new Error(`a worker exited with code ${String(code)} while loading the app`));
      this.lost(slot, `the worker running it exited with code ${String(code)}`);
    });
    return slot;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = [...this.slots].find((s) => s.ready && !s.job && !s.gone);
      if (!slot) {
        this.growIfAllBlocked();
        return;
      }
      const job = this.queue.shift();
      if (!job) return;
      this.assign(slot, job);
    }
  }

  private assign(slot: Slot, job: Job): void {
    slot.job = job;
    slot.timer = setTimeout(() => {
      void this.fail(
        slot,
        `it ran longer than the request timeout (${String(this.options.requestTimeoutMs)} ms)`,
      );
    }, this.options.requestTimeoutMs);
    const message: RunRequest = {
      kind: 'run',
      requestId: job.requestId,
      componentId: job.componentId,
      request: job.request,
    };
    slot.worker.postMessage(message);
  }

  private growIfAllBlocked(): void {
    const live = [...this.slots].filter((s) => !s.gone);
    const max = this.options.maxSize ?? this.options.size * 4;
    const starting = live.some((s) => !s.ready);
    if (starting || live.length >= max) return;
    if (live.every((s) => s.job && s.blocked > 0)) {
      this.spawn().loaded.catch((error: unknown) => {
        this.options.log('stderr', `could not start an extra worker: ${String(error)}`);
      });
    }
  }

  private onEvent(slot: Slot, event: Exclude<WorkerEvent, { kind: 'ready' }>): void {
    if (event.kind === 'batch') {
      for (const inner of event.events) if (inner.kind !== 'ready') this.onEvent(slot, inner);
      return;
    }
    if (event.kind === 'log') {
      this.options.log(event.stream, event.line);
      return;
    }
    const job = slot.job;
    if (!job || job.requestId !== event.requestId) return;
    switch (event.kind) {
      case 'start':
        job.started = true;
        job.target.start(event.status, event.headers);
        break;
      case 'chunk':
        job.target.write(event.bytes);
        break;
      case 'end':
        job.target.end();
        break;
      case 'fail':
        job.started = true;
        job.target.fail(event.error);
        break;
      case 'done':
        this.finish(slot, {
          responded: event.responded,
          ...(event.error === undefined ? {} : { error: event.error }),
        });
        break;
    }
  }

  private finish(slot: Slot, outcome: RunOutcome): void {
    const job = slot.job;
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    job?.resolve(outcome);
    this.pump();
  }

  /** Stops a worker whose request went wrong; the slot is refilled by `lost`. */
  private async fail(slot: Slot, reason: string): Promise<void> {
    const job = slot.job;
    slot.job = undefined;
    clearTimeout(slot.timer);
    job?.resolve({ responded: job.started, error: reason });
    await this.retire(slot, reason);
  }

  private async retire(slot: Slot, reason: string): Promise<void> {
    if (slot.gone) return;
    this.lost(slot, reason);
    await slot.worker.terminate();
  }

  /** A worker is gone: fail its request, free what it held and, unless closing, start a replacement. */
  private lost(slot: Slot, reason: string): void {
    if (slot.gone) return;
    slot.gone = true;
    this.slots.delete(slot);
    clearTimeout(slot.timer);
    slot.dispose();
    const job = slot.job;
    slot.job = undefined;
    job?.resolve({ responded: job.started, error: reason });
    if (this.closing) return;
    const live = [...this.slots].length;
    if (live < this.options.size) {
      this.spawn().loaded.catch((error: unknown) => {
        this.options.log('stderr', `could not replace a worker: ${String(error)}`);
      });
    }
    this.pump();
  }
}

/** The worker's entry module; tests run the TypeScript sources, so they use the built file next door. */
function workerEntry(): URL {
  const url = new URL('./instance-worker.js', import.meta.url);
  return url.pathname.includes('/src/engine/') && import.meta.url.endsWith('.ts')
    ? new URL(url.href.replace('/src/engine/', '/dist/engine/'))
    : url;
}
