/**
 * A worker thread that runs guests, for any number of apps. It loads an app the first time it is asked to
 * run it (the core modules arrive compiled; loading imports the glue and instantiates once), then serves
 * one request at a time: a fresh instance per request, its response streamed back to the main thread as
 * it is produced. A guest that loops forever blocks only this thread (main terminates it at the request's
 * deadline, and its replacement loads apps again as requests come); one that traps fails only its request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IncomingRequest, ResponseOutparam, type ResponseTarget } from '../host/wasi-http.js';
import { onBeforeBlocking } from '../host/wasi-poll.js';
import { SyncCaller } from './sync-call.js';
import { WarmComponents } from './warm-components.js';
import { loadWorkerApp, type WorkerApp } from './worker-app.js';
import {
  BODY_READ_CALL,
  type LoadApp,
  type MainMessage,
  type PreloadApp,
  type RunRequest,
  type WorkerEvent,
  type WorkerInit,
} from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('instance-worker-main.js runs only as a worker thread');

/**
 * Events wait in an outbox and leave as one message when the request is done, before the thread blocks
 * (so a response streamed around sleeps or outbound calls still streams), or once enough bytes are
 * waiting: one postMessage per request instead of one per event.
 */
const FLUSH_BYTES = 64 * 1024;
let outbox: WorkerEvent[] = [];
let outboxTransfer: ArrayBuffer[] = [];
let outboxBytes = 0;
const flush = () => {
  if (outbox.length === 0) return;
  const batch: WorkerEvent = outbox.length === 1 && outbox[0] ? outbox[0] : { kind: 'batch', events: outbox };
  port.postMessage(batch, outboxTransfer);
  outbox = [];
  outboxTransfer = [];
  outboxBytes = 0;
};
const post = (event: WorkerEvent, transfer: ArrayBuffer[] = []) => {
  outbox.push(event);
  outboxTransfer.push(...transfer);
  if (event.kind === 'chunk') outboxBytes += event.bytes.byteLength;
  if (outboxBytes >= FLUSH_BYTES) flush();
};

const init = workerData as WorkerInit;
const caller = new SyncCaller(init.callPort, init.callSignal, flush);
onBeforeBlocking(flush);
const warm = new WarmComponents(init.warmComponents);

/** The apps this worker has been asked to load, by key. */
type AppState =
  | { readonly state: 'loading'; readonly settled: Promise<void> }
  | { readonly state: 'loaded'; readonly app: WorkerApp }
  /** Every request for it fails with this. */
  | { readonly state: 'failed'; readonly error: string };
const apps = new Map<string, AppState>();

port.on('message', (message: MainMessage) => {
  switch (message.kind) {
    case 'load':
      load(message);
      break;
    case 'unload': {
      const entry = apps.get(message.appKey);
      apps.delete(message.appKey);
      if (entry?.state === 'loaded') {
        for (const component of entry.app.components.values()) warm.forget(component);
        entry.app.close();
      }
      break;
    }
    case 'run':
    case 'preload': {
      // Usually loaded already; the first request for an app waits for its loading to settle.
      const entry = apps.get(message.appKey);
      if (entry?.state === 'loading')
        void entry.settled.then(() => {
          handle(message);
        });
      else handle(message);
      break;
    }
  }
});
// `ready` travels alone, never inside a batch.
flush();
port.postMessage({ kind: 'ready' } satisfies WorkerEvent);

function load({ appKey, app }: LoadApp): void {
  const log = (stream: 'stdout' | 'stderr', line: string) => {
    post({ kind: 'log', appKey, stream, line });
  };
  const entry: AppState = {
    state: 'loading',
    settled: loadWorkerApp(app, caller.scoped(appKey), log).then(
      (loaded) => {
        // Unloaded while loading: nothing will run it.
        if (apps.get(appKey) !== entry) {
          loaded.close();
          return;
        }
        apps.set(appKey, { state: 'loaded', app: loaded });
        for (const component of loaded.components.values()) warm.touch(component);
      },
      (error: unknown) => {
        if (apps.get(appKey) === entry)
          apps.set(appKey, { state: 'failed', error: `loading the app failed: ${describe(error)}` });
      },
    ),
  };
  apps.set(appKey, entry);
}

function handle(message: RunRequest | PreloadApp): void {
  const entry = apps.get(message.appKey);
  if (message.kind === 'preload' || entry?.state !== 'loaded') {
    const error =
      entry === undefined
        ? `app ${message.appKey} is not loaded in this worker`
        : entry.state === 'failed'
          ? entry.error
          : undefined;
    post({ kind: 'done', requestId: message.requestId, responded: false, ...(error ? { error } : {}) });
    flush();
    return;
  }
  const app = entry.app;
  run(app, message);
  flush();
  // The response has left; prepare the next instance before the next request arrives.
  const component = app.components.get(message.componentId);
  if (!component) return;
  warm.touch(component);
  if (!component.spare) {
    try {
      component.spare = component.factory.instantiate(component.imports);
    } catch {
      // The request that needs it will instantiate again and report the failure.
    }
  }
}

function run(app: WorkerApp, { requestId, componentId, request }: RunRequest): void {
  const component = app.components.get(componentId);
  const target: ResponseTarget = {
    start: (status, headers) => {
      post({ kind: 'start', requestId, status, headers });
    },
    write: (chunk) => {
      // Chunks are the host's own copies (see OutputStream.write), so they can move instead of being copied.
      post({ kind: 'chunk', requestId, bytes: chunk }, ownBuffer(chunk));
    },
    end: () => {
      post({ kind: 'end', requestId });
    },
    fail: (error) => {
      post({ kind: 'fail', requestId, error });
    },
  };
  const outparam = new ResponseOutparam(target);
  let error: string | undefined;
  if (!component) {
    error = `the app has no component ${componentId}`;
  } else {
    const instance = (() => {
      try {
        const spare = component.spare;
        component.spare = undefined;
        return spare ?? component.factory.instantiate(component.imports);
      } catch (cause) {
        error = `instantiation failed: ${describe(cause)}`;
        return undefined;
      }
    })();
    if (instance) {
      try {
        const handler = instance.exports['incomingHandler'] as
          { handle(request: IncomingRequest, out: ResponseOutparam): void } | undefined;
        if (!handler) throw new Error('the component does not export wasi:http/incoming-handler');
        const body = { next: () => caller.call(BODY_READ_CALL, { requestId }) as Uint8Array | undefined };
        handler.handle(new IncomingRequest(request, body), outparam);
      } catch (cause) {
        error = describe(cause);
      } finally {
        instance.release();
      }
    }
  }
  post({ kind: 'done', requestId, responded: outparam.responded, ...(error === undefined ? {} : { error }) });
}

function ownBuffer(chunk: Uint8Array): ArrayBuffer[] {
  const buffer = chunk.buffer;
  return buffer instanceof ArrayBuffer && chunk.byteOffset === 0 && chunk.byteLength === buffer.byteLength
    ? [buffer]
    : [];
}

function describe(error: unknown): string {
  if (error instanceof WebAssembly.RuntimeError) return `the guest trapped: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
