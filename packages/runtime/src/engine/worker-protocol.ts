/**
 * The messages between the main thread and the worker threads that run guests. One pool of workers serves
 * many apps: every message about an app carries the key the pool gave it, and a worker loads an app the
 * first time it is asked to run it.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ComponentCode } from '../component/component-instance.js';
import type { KeyValueStoreConfig, SqliteDatabaseConfig } from '../config/runtime-config.js';
import type { ErrorCode, IncomingRequestInit } from '../host/wasi-http.js';

/** Everything a worker needs to run one component; plain data (structured-cloneable). */
export interface ComponentPlan extends ComponentCode {
  readonly id: string;
  readonly environment: readonly [string, string][];
  readonly variables: readonly [string, string][];
  /** `allowed_outbound_hosts` entries with their templates rendered. */
  readonly allowedOutboundHosts: readonly string[];
  readonly keyValueStores: readonly string[];
  readonly sqliteDatabases: readonly string[];
  /** The component's `files`: host file and the guest path it is mounted at (read-only). */
  readonly files: readonly { readonly hostPath: string; readonly guestPath: string }[];
}

/** The app's stores and databases by label, from the runtime config. */
export interface AppStores {
  readonly keyValueStores: ReadonlyMap<string, KeyValueStoreConfig>;
  readonly sqliteDatabases: ReadonlyMap<string, SqliteDatabaseConfig>;
}

/** What a worker loads to run an app: its compiled components and its stores. */
export interface AppCode {
  readonly components: readonly ComponentPlan[];
  readonly stores: AppStores;
}

/** Sent before the first request for an app that this worker has not loaded. */
export interface LoadApp {
  readonly kind: 'load';
  readonly appKey: string;
  readonly app: AppCode;
}

/** The app is gone: the worker drops its instances, glue references, memories and stores. */
export interface UnloadApp {
  readonly kind: 'unload';
  readonly appKey: string;
}

export interface WorkerInit {
  /** The worker's end of the blocking-call channel, and the word it sleeps on (see sync-call.ts). */
  readonly callPort: MessagePort;
  readonly callSignal: SharedArrayBuffer;
  /** How many components the worker keeps warm (see warm-components.ts). */
  readonly warmComponents: number;
}

export interface RunRequest {
  readonly kind: 'run';
  readonly requestId: number;
  readonly appKey: string;
  readonly componentId: string;
  readonly request: IncomingRequestInit;
}

/** Answered with `done` once the app is loaded (its `error` says why it could not be). */
export interface PreloadApp {
  readonly kind: 'preload';
  readonly requestId: number;
  readonly appKey: string;
}

export type MainMessage = LoadApp | UnloadApp | RunRequest | PreloadApp;

export type WorkerEvent =
  | { readonly kind: 'ready' }
  | {
      readonly kind: 'start';
      readonly requestId: number;
      readonly status: number;
      readonly headers: [string, Uint8Array][];
    }
  | { readonly kind: 'chunk'; readonly requestId: number; readonly bytes: Uint8Array }
  | { readonly kind: 'end'; readonly requestId: number }
  | { readonly kind: 'fail'; readonly requestId: number; readonly error: ErrorCode }
  | {
      readonly kind: 'done';
      readonly requestId: number;
      readonly responded: boolean;
      readonly error?: string;
    }
  | {
      readonly kind: 'log';
      readonly appKey: string;
      readonly stream: 'stdout' | 'stderr';
      readonly line: string;
    }
  /** Events sent together: a request's whole response is usually one message. */
  | { readonly kind: 'batch'; readonly events: readonly WorkerEvent[] };

/** The blocking call a worker makes for the next chunk of a streamed request body. */
export const BODY_READ_CALL = 'body.read';
