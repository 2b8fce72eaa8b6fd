/**
 * The worker's handle on a store that lives in the main thread (`memory`, `redis`): each operation is a
 * blocking call answered by SharedStores.
 */
import type { HostCaller } from '../engine/sync-call.js';
import { StoreError, type KeyValueStore } from './key-value-store.js';

export const KEY_VALUE_CALL = 'kv';
export type KeyValueOperation = keyof KeyValueStore;

export function remoteKeyValueStore(caller: HostCaller, label: string): KeyValueStore {
  const call = (op: KeyValueOperation, ...args: unknown[]): unknown => {
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
