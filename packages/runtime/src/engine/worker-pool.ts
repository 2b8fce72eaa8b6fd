/**
 * Runs requests of many apps on one set of worker threads, one request per worker at a time. Guests run
 * synchronously, so a worker is the unit of isolation: a guest that loops forever or blows the worker up
 * is stopped by terminating its worker (at the request deadline, or when it dies), the request gets a 500
 * and a new worker takes the slot; every other request, of that app or another, carries on. A worker
 * loads an app the first time it gets a request for it, and drops it when the app is closed. When every
 * worker is blocked waiting on host I/O (a guest calling its own app, say) and requests queue, extra
 * workers start so that chained calls cannot deadlock.
 *
 * Sharing is what keeps apps cheap: a worker thread costs ~11 MB before it runs anything, so a pool per
 * app made every tiny app cost ~15 MB; in a shared pool an app costs what its instances and glue cost.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { RuntimeError } from '../errors.js';
import type { IncomingRequestInit, ResponseTarget } from '../host/wasi-http.js';
import { serveSyncCalls, type CallHandler, type CallHandlers, type CallRouter } from './sync-call.js';
import { workerEntry } from './worker-entry.js';
import {
  BODY_READ_CALL,
  type AppCode,
  type MainMessage,
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
  /** Workers started up front, and kept: a lost one is replaced. */
  readonly size: number;
  /** At most this many workers, counting the extra ones started while all are blocked on I/O (default 4 × size). */
  readonly maxSize?: number;
  /** A request still running after this long is stopped with its worker. */
  readonly requestTimeoutMs: number;
  /**
   * Components each worker keeps ready to run (a spare instance and pooled memories), the most recently
   * used ones; others instantiate when a request comes. Default 4.
   */
  readonly warmComponents?: number;
  /** Where the pool reports its own trouble (a worker that could not start); stderr by default. */
  readonly log?: (line: string) => void;
}

/** The main thread's handlers for one app's host calls from one worker. */
export interface HostCallScope {
  readonly handlers: CallHandlers;
  /** The worker or the app is gone: abandon what it started (pending outbound requests). */
  dispose(): void;
}

/** What the pool needs from an app's host, besides its code. */
export interface AppHost {
  /** Made for each worker that loads the app, the first time it does. */
  readonly calls: () => HostCallScope;
  /** Where the app's guest output goes (lines, already prefixed with the component id). */
  readonly log: (stream: 'stdout' | 'stderr', line: string) => void;
}

/** One app in a pool: runs its requests, and leaves every worker on `close()`. */
export interface PooledApp extends RequestExecutor {
  /** The pool's name for the app, carried by every message about it. */
  readonly key: string;
  /**
   * Loads the app in one worker now, so that an app that cannot load fails here rather than on its first
   * request, and that request does not wait for the loading.
   */
  preload(): Promise<void>;
  /**
   * Fails the app's queued requests, stops the workers running its requests (they are replaced), and has
   * every other worker drop the app's instances, memories, glue references and stores. Other apps and
   * the pool are untouched.
   */
  close(): Promise<void>;
}

/** A few JS SDK components' memories (9 MB each) per worker; a tiny component's cost next to nothing. */
const DEFAULT_WARM_COMPONENTS = 4;

interface AppEntry {
  readonly key: string;
  readonly code: AppCode;
  readonly host: AppHost;
  closed: boolean;
}

interface Job {
  readonly requestId: number;
  readonly app: AppEntry;
  /** The request to run; absent for a preload, which only loads the app. */
  readonly request:
    | {
        readonly componentId: string;
        readonly init: IncomingRequestInit;
        readonly target: ResponseTarget;
        readonly body: AsyncIterator<Uint8Array> | undefined;
      }
    | undefined;
  readonly resolve: (outcome: RunOutcome) => void;
  started: boolean;
}

interface Slot {
  readonly worker: Worker;
  /** The apps this worker was sent, with the handlers of their host calls from it. */
  readonly apps: Map<string, HostCallScope>;
  readonly closePort: () => void;
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Waiting on a host call (the guest is blocked on I/O, not computing). */
  blocked: number;
  gone: boolean;
}

export class WorkerPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private readonly apps = new Map<string, AppEntry>();
  private nextRequestId = 1;
  private nextAppKey = 1;
  private closing = false;

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Starts the worker threads, so they boot while apps are still being loaded and compiled. */
  boot(): void {
    if (this.closing) return;
    while (this.slots.size < Math.max(1, this.options.size)) this.spawn();
  }

  /** Adds an app; workers load it when they first run one of its requests (or on `preload()`). */
  addApp(code: AppCode, host: AppHost): PooledApp {
    if (this.closing)
      throw new RuntimeError('PoolClosed', 'the worker pool is closed; it takes no more apps');
    const app: AppEntry = { key: `app-${String(this.nextAppKey++)}`, code, host, closed: false };
    this.apps.set(app.key, app);
    this.boot();
    return {
      key: app.key,
      run: (componentId, init, target, body) => this.enqueue(app, { componentId, init, target, body }),
      preload: async () => {
        const outcome = await this.enqueue(app, undefined);
        if (outcome.error !== undefined) throw new RuntimeError('AppLoadFailed', outcome.error);
      },
      close: () => this.removeApp(app),
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const app of this.apps.values()) app.closed = true;
    this.apps.clear();
    for (const job of this.queue.splice(0))
      job.resolve({ responded: false, error: 'the server is shutting down' });
    await Promise.all([...this.slots].map((slot) => this.retire(slot, 'the server is shutting down')));
  }

  /** Workers now running, for tests and metrics. */
  get workerCount(): number {
    return this.slots.size;
  }

  /** Apps in the pool, for tests and metrics. */
  get appCount(): number {
    return this.apps.size;
  }

  private enqueue(app: AppEntry, request: Job['request']): Promise<RunOutcome> {
    if (app.closed) return Promise.resolve({ responded: false, error: 'the app is closed' });
    // Workers lost while booting were not replaced (see `lost`); this is where they are.
    this.boot();
    return new Promise((resolve) => {
      this.queue.push({ requestId: this.nextRequestId++, app, request, resolve, started: false });
      this.pump();
    });
  }

  private async removeApp(app: AppEntry): Promise<void> {
    if (app.closed) return;
    app.closed = true;
    this.apps.delete(app.key);
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const job = this.queue[i];
      if (job?.app !== app) continue;
      this.queue.splice(i, 1);
      job.resolve({ responded: false, error: 'the app is shutting down' });
    }
    const stopping: Promise<void>[] = [];
    for (const slot of [...this.slots]) {
      // A guest of the app may never return: its worker goes (and is replaced), as a closing pool's would.
      if (slot.job?.app === app) {
        stopping.push(this.fail(slot, 'the app was closed while the request ran'));
        continue;
      }
      const calls = slot.apps.get(app.key);
      if (!calls) continue;
      slot.apps.delete(app.key);
      calls.dispose();
      slot.worker.postMessage({ kind: 'unload', appKey: app.key } satisfies MainMessage);
    }
    await Promise.all(stopping);
  }

  private spawn(): void {
    const channel = new MessageChannel();
    const callSignal = new SharedArrayBuffer(4);
    const init: WorkerInit = {
      callPort: channel.port2,
      callSignal,
      warmComponents: this.options.warmComponents ?? DEFAULT_WARM_COMPONENTS,
    };
    const entry = workerEntry();
    const worker = new Worker(entry, { workerData: init, transferList: [channel.port2] });
    const slot: Slot = {
      worker,
      apps: new Map(),
      closePort: () => {
        channel.port1.close();
      },
      ready: false,
      job: undefined,
      timer: undefined,
      blocked: 0,
      gone: false,
    };
    this.slots.add(slot);
    serveSyncCalls(channel.port1, callSignal, this.callRouter(slot));

    worker.on('message', (event: WorkerEvent) => {
      if (event.kind === 'ready') {
        slot.ready = true;
        this.pump();
      } else {
        this.onEvent(slot, event);
      }
    });
    worker.on('error', (error: Error) => {
      this.lost(
        slot,
        slot.ready
          ? `the worker running it failed: ${error.message}`
          : `a worker failed while booting (${entry.href}): ${error.message}`,
      );
    });
    worker.on('exit', (code) => {
      this.lost(
        slot,
        slot.ready
          ? `the worker running it exited with code ${String(code)}`
          : `a worker exited with code ${String(code)} while booting (${entry.href})`,
      );
    });
  }

  /**
   * Host calls from a worker: unscoped ones are the pool's own (the request body), scoped ones go to the
   * handlers of the app named by the scope. Every call counts as the worker being blocked on I/O.
   */
  private callRouter(slot: Slot): CallRouter {
    const readBody = async () => {
      const next = await slot.job?.request?.body?.next();
      return next && !next.done ? next.value : undefined;
    };
    const own: CallHandlers = { [BODY_READ_CALL]: readBody };
    return (op, scope) => {
      const handlers = scope === undefined ? own : slot.apps.get(scope)?.handlers;
      // Own properties only: an op named like an Object.prototype member finds nothing.
      const handler: CallHandler | undefined =
        handlers && Object.hasOwn(handlers, op) ? handlers[op] : undefined;
      if (!handler) return undefined;
      return async (args: never) => {
        slot.blocked++;
        this.pump();
        try {
          return await handler(args);
        } finally {
          slot.blocked--;
        }
      };
    };
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const idle = [...this.slots].filter((s) => s.ready && !s.job && !s.gone);
      const job = this.queue[0];
      if (!job || idle.length === 0) {
        this.growIfAllBlocked();
        return;
      }
      // A worker that has the app already saves loading it (time, and memory in every other worker).
      const slot = idle.find((s) => s.apps.has(job.app.key)) ?? idle[0];
      if (!slot) return;
      this.queue.shift();
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
    const appKey = job.app.key;
    if (!slot.apps.has(appKey)) {
      slot.apps.set(appKey, job.app.host.calls());
      slot.worker.postMessage({ kind: 'load', appKey, app: job.app.code } satisfies MainMessage);
    }
    const message: MainMessage = job.request
      ? {
          kind: 'run',
          requestId: job.requestId,
          appKey,
          componentId: job.request.componentId,
          request: job.request.init,
        }
      : { kind: 'preload', requestId: job.requestId, appKey };
    slot.worker.postMessage(message);
  }

  private growIfAllBlocked(): void {
    const live = [...this.slots].filter((s) => !s.gone);
    const max = this.options.maxSize ?? this.options.size * 4;
    const starting = live.some((s) => !s.ready);
    if (starting || live.length >= max) return;
    // A worker that fails to boot is reported by `lost`.
    if (live.every((s) => s.job && s.blocked > 0)) this.spawn();
  }

  private onEvent(slot: Slot, event: Exclude<WorkerEvent, { kind: 'ready' }>): void {
    if (event.kind === 'batch') {
      for (const inner of event.events) if (inner.kind !== 'ready') this.onEvent(slot, inner);
      return;
    }
    if (event.kind === 'log') {
      // Output of an app closed meanwhile has nowhere to go.
      this.apps.get(event.appKey)?.host.log(event.stream, event.line);
      return;
    }
    const job = slot.job;
    if (job?.requestId !== event.requestId) return;
    const target = job.request?.target;
    switch (event.kind) {
      case 'start':
        job.started = true;
        target?.start(event.status, event.headers);
        break;
      case 'chunk':
        target?.write(event.bytes);
        break;
      case 'end':
        target?.end();
        break;
      case 'fail':
        job.started = true;
        target?.fail(event.error);
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
    for (const calls of slot.apps.values()) calls.dispose();
    slot.apps.clear();
    slot.closePort();
    const job = slot.job;
    slot.job = undefined;
    job?.resolve({ responded: job.started, error: reason });
    if (this.closing) return;
    if (!slot.ready) {
      // A worker that cannot even boot would fail again at once: no replacement now (the next request
      // starts one), and queued requests fail when no worker is left to take them.
      if (this.slots.size === 0) {
        for (const queued of this.queue.splice(0)) queued.resolve({ responded: false, error: reason });
      }
      this.report(reason);
      return;
    }
    if (this.slots.size < this.options.size) this.spawn();
    this.pump();
  }

  private report(line: string): void {
    if (this.options.log) this.options.log(line);
    else process.stderr.write(`${line}\n`);
  }
}
