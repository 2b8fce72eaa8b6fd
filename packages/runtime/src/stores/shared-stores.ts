/**
 * Key-value stores that live in the main thread, shared by every worker: `memory` (gone when the process
 * ends) and `redis`. Workers reach them through blocking calls (`remoteKeyValueStore`).
 */
import type { KeyValueStoreConfig } from '../config/runtime-config.js';
import type { CallHandlers } from '../engine/sync-call.js';
import { KEY_VALUE_CALL, type KeyValueOperation } from './remote-key-value.js';
import { parseCounter, sameBytes, StoreError, type KeyValueStore } from './key-value-store.js';

type Async<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never;
};
export type SharedKeyValueStore = Async<KeyValueStore>;

export class SharedStores {
  private readonly stores = new Map<string, SharedKeyValueStore>();
  private readonly closers: (() => Promise<void>)[] = [];

  private constructor() {}

  /** The shared stores of an app's runtime config (`spin` stores are opened by workers instead). */
  static async open(configs: ReadonlyMap<string, KeyValueStoreConfig>): Promise<SharedStores> {
    const shared = new SharedStores();
    for (const [label, config] of configs) {
      if (config.type === 'memory') shared.stores.set(label, memoryStore());
      else if (config.type === 'redis') {
        // Loaded only when used: the Redis client takes longer to import than the rest of the runtime.
        const { redisStore } = await import('./redis-key-value.js');
        const redis = redisStore(config.url);
        shared.stores.set(label, redis.store);
        shared.closers.push(() => redis.close());
      }
    }
    return shared;
  }

  get(label: string): SharedKeyValueStore | undefined {
    return this.stores.get(label);
  }

  handlers(): CallHandlers {
    return {
      [KEY_VALUE_CALL]: async ({
        label,
        op,
        args,
      }: {
        label: string;
        op: KeyValueOperation;
        args: unknown[];
      }) => {
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
