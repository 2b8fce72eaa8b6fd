/**
 * A worker thread that runs guests. It loads each component's glue once, then serves one request at a time:
 * a fresh instance per request, its response streamed back to the main thread as it is produced. A guest
 * that loops forever blocks only this thread (main terminates it at the request's deadline); one that traps
 * fails only its request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InstanceFactory, type ComponentInstance } from '../component/component-instance.js';
import { createHostImports } from '../host/host-imports.js';
import { IncomingRequest, ResponseOutparam, type ResponseTarget } from '../host/wasi-http.js';
import { onBeforeBlocking } from '../host/wasi-poll.js';
import { parseAllowedHost } from '../outbound/allowed-hosts.js';
import type { KeyValueStore } from '../stores/key-value-store.js';
import { remoteKeyValueStore } from '../stores/remote-key-value.js';
import { SqliteDatabase } from '../stores/sqlite-database.js';
import { sqliteKeyValueStore } from '../stores/sqlite-key-value.js';
import { outboundClient } from './outbound-client.js';
import { SyncCaller } from './sync-call.js';
import {
  BODY_READ_CALL,
  type ComponentPlan,
  type LoadApp,
  type RunRequest,
  type WorkerEvent,
  type WorkerInit,
} from './worker-protocol.js';

interface LoadedComponent {
  readonly factory: InstanceFactory;
  readonly imports: object;
  /** An instance made ahead of the next request, off its critical path; used once, then replaced. */
  spare?: ComponentInstance;
}

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
// The app arrives in the first message; the worker boots while main is still compiling it.
const { app } = await new Promise<LoadApp>((resolve) => port.once('message', resolve));
onBeforeBlocking(flush);
const keyValueStores = new Map<string, KeyValueStore>();
const databases = new Map<string, SqliteDatabase>();
const components = new Map<string, LoadedComponent>();
for (const plan of app.components) components.set(plan.id, await load(plan));
port.on('message', (message: RunRequest) => {
  run(message);
  flush();
  // The response has left; prepare the next instance before the next request arrives.
  const component = components.get(message.componentId);
  if (component && !component.spare) {
    try {
      component.spare = component.factory.instantiate(component.imports);
    } catch {
      // The request that needs it will instantiate again and report the failure.
    }
  }
});
// `ready` travels alone, never inside a batch.
flush();
port.postMessage({ kind: 'ready' } satisfies WorkerEvent);

async function load(plan: ComponentPlan): Promise<LoadedComponent> {
  const variables = new Map(plan.variables);
  const log = (stream: 'stdout' | 'stderr') => (line: string) => {
    post({ kind: 'log', stream, line });
  };
  const imports = createHostImports({
    componentId: plan.id,
    environment: new Map(plan.environment),
    stdout: log('stdout'),
    stderr: log('stderr'),
    variables: { get: (name) => variables.get(name), all: () => [...variables] },
    keyValue: {
      open: (label) => (plan.keyValueStores.includes(label) ? keyValueStore(label) : 'access-denied'),
    },
    files: plan.files,
    sqlite: { open: (label) => (plan.sqliteDatabases.includes(label) ? database(label) : 'access-denied') },
    outbound: {
      allowedHosts: plan.allowedOutboundHosts.flatMap((entry) => parseAllowedHost(entry)),
      client: outboundClient(caller, plan.id),
    },
  });
  const factory = await InstanceFactory.load(plan);
  // The first instance now: V8 compiles the glue and the import wrappers here instead of in the first
  // request. Instantiating runs no guest code that a request would not run anyway.
  return { factory, imports, spare: factory.instantiate(imports) };
}

/** A store opened once per worker: `spin` stores here, shared ones through the main thread. */
function keyValueStore(label: string): KeyValueStore | 'no-such-store' {
  let store = keyValueStores.get(label);
  if (!store) {
    const config = app.stores.keyValueStores.get(label);
    if (!config) return 'no-such-store';
    store =
      config.type === 'spin' ? sqliteKeyValueStore(config.path, label) : remoteKeyValueStore(caller, label);
    keyValueStores.set(label, store);
  }
  return store;
}

function database(label: string): SqliteDatabase | 'no-such-database' {
  let db = databases.get(label);
  if (!db) {
    const config = app.stores.sqliteDatabases.get(label);
    if (!config) return 'no-such-database';
    db = new SqliteDatabase(config.path);
    databases.set(label, db);
  }
  return db;
}

function run({ requestId, componentId, request }: RunRequest): void {
  const component = components.get(componentId);
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
    error = `no component ${componentId} in this worker`;
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
