/** The messages between the main thread and the worker threads that run guests. */
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

/** What the workers load: sent once the app is compiled (workers boot before that). */
export interface AppCode {
  readonly components: readonly ComponentPlan[];
  readonly stores: AppStores;
}

export interface LoadApp {
  readonly kind: 'load';
  readonly app: AppCode;
}

export interface WorkerInit {
  /** The worker's end of the blocking-call channel, and the word it sleeps on (see sync-call.ts). */
  readonly callPort: MessagePort;
  readonly callSignal: SharedArrayBuffer;
}

export interface RunRequest {
  readonly kind: 'run';
  readonly requestId: number;
  readonly componentId: string;
  readonly request: IncomingRequestInit;
}

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
  | { readonly kind: 'log'; readonly stream: 'stdout' | 'stderr'; readonly line: string }
  /** Events sent together: a request's whole response is usually one message. */
  | { readonly kind: 'batch'; readonly events: readonly WorkerEvent[] };

/** The blocking call a worker makes for the next chunk of a streamed request body. */
export const BODY_READ_CALL = 'body.read';
