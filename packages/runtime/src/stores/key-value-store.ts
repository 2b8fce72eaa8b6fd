/**
 * What a key-value store offers a guest, synchronously (guests run synchronously in worker threads).
 * Backends: a SQLite file opened in the worker (`spin`, Spin's default), and stores that live in the main
 * thread (`memory`, `redis`), reached through blocking calls.
 */

export interface KeyValueStore {
  get(key: string): Uint8Array | undefined;
  set(key: string, value: Uint8Array): void;
  delete(key: string): void;
  exists(key: string): boolean;
  keys(): string[];
  /**
   * Adds `delta` to the number stored at `key` (missing counts as 0) and returns the new value. Numbers
   * are stored as decimal ASCII, which is what Redis's INCRBY uses, so every backend agrees.
   */
  increment(key: string, delta: bigint): bigint;
  /** Stores `value` only if the current value still equals `expected` (undefined: absent); says whether it did. */
  compareAndSwap(key: string, expected: Uint8Array | undefined, value: Uint8Array): boolean;
}

/** A backend failure the guest sees as `other(message)`. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.compare(a, b) === 0;
}

export function parseCounter(value: Uint8Array | undefined, key: string): bigint {
  if (value === undefined) return 0n;
  const text = Buffer.from(value).toString('latin1');
  if (!/^-?\d+$/.test(text)) throw new StoreError(`the value of "${key}" is not an integer`);
  return BigInt(text);
}
