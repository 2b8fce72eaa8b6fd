/**
 * Serves a loaded app: its requests run on a worker pool (its own, or one shared with other apps), the
 * main-thread services its guests call (outbound HTTP, shared key-value stores) are its own, and the HTTP
 * trigger in front listens on an address or on a server someone else opened. `close()` stops all of it,
 * and of a shared pool only removes the app.
 */
import { availableParallelism } from 'node:os';
import { OutboundService } from '../engine/outbound-service.js';
import { WorkerPool, type PooledApp } from '../engine/worker-pool.js';
import { SharedStores } from '../stores/shared-stores.js';
import { sqliteKeyValueStore } from '../stores/sqlite-key-value.js';
import {
  dispatchInternal,
  startHttpTrigger,
  type HttpTriggerOptions,
  type ListenTarget,
  type RunningHttpTrigger,
} from '../http/http-server.js';
import type { LoadedApp } from './load-app.js';

/** Spin has no per-request deadline; this one only exists so a guest that never returns cannot hold a worker. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export interface ServeSettings {
  /** The pool to run on, shared with other apps; `close()` then only removes this app from it. */
  readonly pool?: WorkerPool;
  /** Worker threads of the app's own pool (default: the number of CPUs, at least 2); unused with `pool`. */
  readonly workers?: number;
  /** The request deadline of the app's own pool; unused with `pool`, whose own deadline applies. */
  readonly requestTimeoutMs?: number;
  /** Values written to the `default` key-value store before serving (`--key-value key=value`). */
  readonly keyValues?: readonly [string, string][];
  /** Where component output lines and guest failures go; the process's streams by default. */
  readonly stdout?: (line: string) => void;
  readonly stderr?: (line: string) => void;
}

/** `host` and `port` to listen on, or `server`: one already listening, whose socket is taken over. */
export type ServeOptions = ServeSettings & ListenTarget;

export interface ServedApp extends RunningHttpTrigger {
  readonly app: LoadedApp;
  /** The pool the app runs on (its own unless one was given). */
  readonly pool: WorkerPool;
  /** The app's place in that pool. */
  readonly pooled: PooledApp;
}

/**
 * Serves an app. Given the promise of one (`serveApp(loadApp(...))`), the worker threads of its own pool
 * boot while the app is still being read and compiled, which takes a good part off the time to the first
 * response.
 */
export async function serveApp(
  loading: LoadedApp | Promise<LoadedApp>,
  options: ServeOptions,
): Promise<ServedApp> {
  const stdout = options.stdout ?? ((line: string) => process.stdout.write(`${line}\n`));
  const stderr = options.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
  const ownPool = options.pool === undefined;
  const pool =
    options.pool ??
    new WorkerPool({
      size: options.workers ?? Math.max(2, availableParallelism()),
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      log: stderr,
    });
  if (ownPool) pool.boot();
  const outbound = new OutboundService();
  let shared: SharedStores | undefined;
  let pooled: PooledApp | undefined;
  let app: LoadedApp;
  let trigger: RunningHttpTrigger;
  try {
    app = await loading;
    const stores = await SharedStores.open(app.runtimeConfig.keyValueStores);
    shared = stores;
    await seedDefaultStore(app, stores, options.keyValues ?? []);
    pooled = pool.addApp(
      { components: app.components, stores: app.runtimeConfig },
      {
        calls: () => {
          const { handlers, dispose } = outbound.forWorker();
          return { handlers: { ...handlers, ...stores.handlers() }, dispose };
        },
        log: (stream, line) => {
          (stream === 'stdout' ? stdout : stderr)(line);
        },
      },
    );
    await pooled.preload();
    const triggerOptions: HttpTriggerOptions = {
      router: app.router,
      executor: pooled,
      basePath: app.manifest.application.httpBase,
      appName: app.manifest.application.name,
      ...(app.manifest.application.version ? { appVersion: app.manifest.application.version } : {}),
      onGuestError: (component, error) => {
        stderr(`[${component}] ${error instanceof Error ? error.message : String(error)}`);
      },
    };
    outbound.setInternalDispatch((request, componentId) =>
      dispatchInternal(triggerOptions, request, componentId),
    );
    trigger = await startHttpTrigger(triggerOptions, options);
  } catch (error) {
    await pooled?.close();
    if (ownPool) await pool.close();
    await shared?.close();
    throw error;
  }
  const stores = shared;
  const inPool = pooled;
  return {
    ...trigger,
    app,
    pool,
    pooled: inPool,
    close: async () => {
      await trigger.close();
      await inPool.close();
      if (ownPool) await pool.close();
      await stores.close();
    },
  };
}

async function seedDefaultStore(
  app: LoadedApp,
  shared: SharedStores,
  entries: readonly [string, string][],
): Promise<void> {
  if (entries.length === 0) return;
  const config = app.runtimeConfig.keyValueStores.get('default');
  if (!config)
    throw new Error('--key-value needs a "default" key-value store, and the runtime config has none');
  if (config.type === 'spin') {
    const store = sqliteKeyValueStore(config.path, 'default');
    try {
      for (const [key, value] of entries) store.set(key, Buffer.from(value));
    } finally {
      store.close();
    }
    return;
  }
  for (const [key, value] of entries) await shared.get('default')?.set(key, Buffer.from(value));
}
