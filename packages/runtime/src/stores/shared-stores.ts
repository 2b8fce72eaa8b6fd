/**
 * Key-value stores that live in the main thread, shared by every worker: `memory` (gone when the process
 * ends) and `redis`. Workers reach them through blocking calls (`remoteKeyValueStore`).
 */
import { createClient, RESP_TYPES } from '@redis/client';
import type { KeyValueStoreConfig } from '../config/runtime-config.js';
import type { CallHandlers, SyncCaller } from '../engine/sync-call.js';
import { parseCounter, sameBytes, StoreError, type KeyValueStore } from './key-value-store.js';

type Async<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never;
};
export type SharedKeyValueStore = Async<KeyValueStore>;

export const KEY_VALUE_CALL = 'kv';
type Operation = keyof KeyValueStore;

/** The worker's handle on a shared store: each operation is a blocking call to the main thread. */
export function remoteKeyValueStore(caller: SyncCaller, label: string): KeyValueStore {
  const call = (op: Operation, ...args: unknown[]): unknown => {
    try {
      return caller.call(KEY_VALUE_CALL, { label, op, args });
    } catch (error) {
      throw new StoreError(error instanceof Error ? error.message : String(error));
    }
  };
  return {
    get: (key) => call('get', key) as Uint8Array | undefined,
    set: (key, value) => {
      call('set', key, value);
    },
    delete: (key) => {
      call('delete', key);
    },
    exists: (key) => call('exists', key) as boolean,
    keys: () => call('keys') as string[],
    increment: (key, delta) => call('increment', key, delta) as bigint,
    compareAndSwap: (key, expected, value) => call('compareAndSwap', key, expected, value) as boolean,
  };
}

export class SharedStores {
  private readonly stores = new Map<string, SharedKeyValueStore>();
  private readonly closers: (() => Promise<void>)[] = [];

  /** Creates the shared stores of an app's runtime config (`spin` stores are opened by workers instead). */
  constructor(configs: ReadonlyMap<string, KeyValueStoreConfig>) {
    for (const [label, config] of configs) {
      if (config.type === 'memory') this.stores.set(label, memoryStore());
      else if (config.type === 'redis') {
        const redis = redisStore(config.url);
        this.stores.set(label, redis.store);
        this.closers.push(() => redis.close());
      }
    }
  }

  get(label: string): SharedKeyValueStore | undefined {
    return this.stores.get(label);
  }

  handlers(): CallHandlers {
    return {
      [KEY_VALUE_CALL]: async ({ label, op, args }: { label: string; op: Operation; args: unknown[] }) => {
        const store = this.stores.get(label);
        if (!store) throw new StoreError(`no shared key-value store "${label}"`);
        const method = store[op] as (...a: unknown[]) => Promise<unknown>;
        return method(...args);
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.closers.map((close) => close()));
  }
}

function memoryStore(): SharedKeyValueStore {
  const values = new Map<string, Uint8Array>();
  // eslint-disable-next-line @typescript-eslint/require-await -- the shared-store interface is async
  const sync = async <T>(work: () => T): Promise<T> => work();
  return {
    get: (key) => sync(() => values.get(key)),
    set: (key, value) => sync(() => void values.set(key, value)),
    delete: (key) => sync(() => void values.delete(key)),
    exists: (key) => sync(() => values.has(key)),
    keys: () => sync(() => [...values.keys()].sort()),
    increment: (key, delta) =>
      sync(() => {
        const next = parseCounter(values.get(key), key) + delta;
        values.set(key, Buffer.from(next.toString()));
        return next;
      }),
    compareAndSwap: (key, expected, value) =>
      sync(() => {
        if (!sameBytes(values.get(key), expected)) return false;
        values.set(key, value);
        return true;
      }),
  };
}

/** Redis through node-redis; the connection is made on first use and re-made by the client after drops. */
function redisStore(url: string): { store: SharedKeyValueStore; close(): Promise<void> } {
  // Commands fail at once while disconnected (no offline queue): a guest must not wait on a dead Redis.
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(retries * 100, 2000) },
  });
  let lastError = '';
  client.on('error', (error: Error) => {
    lastError = error.message;
  });
  let connecting: Promise<unknown> | undefined;
  const ready = async () => {
    if (client.isReady) return client;
    connecting ??= client.connect().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    });
    await withTimeout(
      connecting,
      `cannot reach redis at ${redacted(url)}${lastError ? `: ${lastError}` : ''}`,
    );
    return client;
  };
  const run = async <T>(work: (c: typeof client) => Promise<T>): Promise<T> => {
    try {
      return await work(await ready());
    } catch (error) {
      throw new StoreError(error instanceof Error ? error.message : String(error));
    }
  };
  const bytes = (value: unknown): Uint8Array | undefined =>
    value === null || value === undefined ? undefined : new Uint8Array(value as Buffer);
  return {
    store: {
      get: (key) =>
        run(async (c) => bytes(await c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get(key))),
      set: (key, value) =>
        run(async (c) => {
          await c.set(key, Buffer.from(value));
        }),
      delete: (key) =>
        run(async (c) => {
          await c.del(key);
        }),
      exists: (key) => run(async (c) => (await c.exists(key)) > 0),
      keys: () => run(async (c) => (await c.keys('*')).sort()),
      increment: (key, delta) => run(async (c) => BigInt(await c.incrBy(key, Number(delta)))),
      compareAndSwap: (key, expected, value) =>
        run(async (c) => {
          // WATCH makes the EXEC fail if another client changed the key in between.
          const isolated = await c.duplicate().connect();
          try {
            await isolated.watch(key);
            const current = bytes(
              await isolated.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get(key),
            );
            if (!sameBytes(current, expected)) return false;
            const result = await isolated.multi().set(key, Buffer.from(value)).exec();
            return result.length > 0;
          } finally {
            isolated.destroy();
          }
        }),
    },
    close: () => {
      if (client.isOpen) client.destroy();
      return Promise.resolve();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(message));
      }, 2000);
    }),
  ]).finally(() => {
    clearTimeout(timer);
  });
}

/** A redis URL without its password, for messages. */
function redacted(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
