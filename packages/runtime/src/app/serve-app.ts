/**
 * Serves a loaded app: worker threads that run its components, the main-thread services they call
 * (outbound HTTP), and the HTTP trigger in front. `close()` stops all of it.
 */
import { availableParallelism } from 'node:os';
import { OutboundService } from '../engine/outbound-service.js';
import { WorkerPool } from '../engine/worker-pool.js';
import { KEY_VALUE_CALL } from '../stores/remote-key-value.js';
import { SharedStores } from '../stores/shared-stores.js';
import { sqliteKeyValueStore } from '../stores/sqlite-key-value.js';
import {
  dispatchInternal,
  startHttpTrigger,
  type HttpTriggerOptions,
  type RunningHttpTrigger,
} from '../http/http-server.js';
import type { LoadedApp } from './load-app.js';

/** Spin has no per-request deadline; this one only exists so a guest that never returns cannot hold a worker. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  /** Worker threads started up front (default: the number of CPUs, at least 2). */
  readonly workers?: number;
  readonly requestTimeoutMs?: number;
  /** Values written to the `default` key-value store before serving (`--key-value key=value`). */
  readonly keyValues?: readonly [string, string][];
  /** Where component output lines and guest failures go; the process's streams by default. */
  readonly stdout?: (line: string) => void;
  readonly stderr?: (line: string) => void;
}

export interface ServedApp extends RunningHttpTrigger {
  readonly app: LoadedApp;
  readonly pool: WorkerPool;
}

/**
 * Serves an app. Given the promise of one (`serveApp(loadApp(...))`), the worker threads boot while the
 * app is still being read and compiled, which takes a good part off the time to the first response.
 */
export async function serveApp(
  loading: LoadedApp | Promise<LoadedApp>,
  options: ServeOptions,
): Promise<ServedApp> {
  const stdout = options.stdout ?? ((line: string) => process.stdout.write(`${line}\n`));
  const stderr = options.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
  const outbound = new OutboundService();
  // Workers ask for shared stores only once the app is loaded, by which time this is set.
  let shared: SharedStores | undefined;
  const pool = new WorkerPool({
    size: options.workers ?? Math.max(2, availableParallelism()),
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    hostCalls: () => {
      const { handlers, dispose } = outbound.forWorker();
      // Shared stores exist once the app is loaded, before any guest can call them.
      const kv = (args: never) => {
        if (!shared) throw new Error('the app is not loaded yet');
        return shared.handlers()[KEY_VALUE_CALL]?.(args);
      };
      return { handlers: { ...handlers, [KEY_VALUE_CALL]: kv }, dispose };
    },
    log: (stream, line) => {
      (stream === 'stdout' ? stdout : stderr)(line);
    },
  });
  pool.boot();
  let app: LoadedApp;
  let trigger: RunningHttpTrigger;
  try {
    app = await loading;
    shared = await SharedStores.open(app.runtimeConfig.keyValueStores);
    await seedDefaultStore(app, shared, options.keyValues ?? []);
    await pool.start({ components: app.components, stores: app.runtimeConfig });
    const triggerOptions: HttpTriggerOptions = {
      router: app.router,
      executor: pool,
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
    trigger = await startHttpTrigger(triggerOptions, options.host, options.port);
  } catch (error) {
    await pool.close();
    await shared?.close();
    throw error;
  }
  const stores = shared;
  return {
    ...trigger,
    app,
    pool,
    close: async () => {
      await trigger.close();
      await pool.close();
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
  for (const [key, value] of entries) {
    const bytes = Buffer.from(value);
    if (config.type === 'spin') sqliteKeyValueStore(config.path, 'default').set(key, bytes);
    else await shared.get('default')?.set(key, bytes);
  }
}
