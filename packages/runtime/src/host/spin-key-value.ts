/**
 * Key-value for guests: `fermyon:spin/key-value@2.0.0`, `spin:key-value/key-value@3.x` and
 * `wasi:keyvalue/{store,atomics,batch}@0.2.0-draft2`, all over the same stores. A component may open only
 * the stores its manifest lists in `key_value_stores` (anything else is `access-denied`, as in Spin).
 */
import { StoreError, type KeyValueStore } from '../stores/key-value-store.js';
import { GuestErr, returnErr } from './guest-err.js';

export type OpenResult = KeyValueStore | 'access-denied' | 'no-such-store';

export interface ComponentKeyValue {
  open(label: string): OpenResult;
}

type SpinError =
  { tag: 'access-denied' | 'no-such-store' | 'store-table-full' } | { tag: 'other'; val: string };

/** Runs a store operation, turning a backend failure into the guest's `other(message)`. */
function guard<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof StoreError)
      return returnErr({ tag: 'other', val: error.message } satisfies SpinError);
    if (error instanceof GuestErr) throw error;
    return returnErr({
      tag: 'other',
      val: error instanceof Error ? error.message : String(error),
    } satisfies SpinError);
  }
}

function opened(keyValue: ComponentKeyValue, label: string): KeyValueStore {
  const store = keyValue.open(label);
  if (store === 'access-denied' || store === 'no-such-store') returnErr({ tag: store } satisfies SpinError);
  return store;
}

/** The `store` resource of Spin's interfaces (one class: the glue checks `instanceof`). */
export class Store {
  constructor(readonly backend: KeyValueStore) {}
  get(key: string): Uint8Array | undefined {
    return guard(() => this.backend.get(key));
  }
  set(key: string, value: Uint8Array): void {
    guard(() => {
      this.backend.set(key, value.slice());
    });
  }
  delete(key: string): void {
    guard(() => {
      this.backend.delete(key);
    });
  }
  exists(key: string): boolean {
    return guard(() => this.backend.exists(key));
  }
  getKeys(): string[] {
    return guard(() => this.backend.keys());
  }
}

/** wasi:keyvalue's `bucket`. */
export class Bucket {
  constructor(readonly backend: KeyValueStore) {}
  get(key: string): Uint8Array | undefined {
    return guard(() => this.backend.get(key));
  }
  set(key: string, value: Uint8Array): void {
    guard(() => {
      this.backend.set(key, value.slice());
    });
  }
  delete(key: string): void {
    guard(() => {
      this.backend.delete(key);
    });
  }
  exists(key: string): boolean {
    return guard(() => this.backend.exists(key));
  }
  /** All keys in one page: the stores here are small enough that a cursor is never needed. */
  listKeys(_cursor: string | undefined): { keys: string[]; cursor: string | undefined } {
    return { keys: guard(() => this.backend.keys()), cursor: undefined };
  }
}

/** wasi:keyvalue/atomics `cas`: remembers the value it saw, so `swap` succeeds only if nobody changed it. */
export class Cas {
  constructor(
    readonly bucket: Bucket,
    readonly key: string,
    readonly seen: Uint8Array | undefined,
  ) {}
  static new(bucket: Bucket, key: string): Cas {
    return new Cas(bucket, key, bucket.get(key));
  }
  current(): Uint8Array | undefined {
    return this.seen;
  }
}

/** Bindings for one component; `Store.open` is bound to the component's allowed stores. */
export function keyValueImports(keyValue: ComponentKeyValue): Record<string, object> {
  // The glue checks handles with `instanceof` against the class it was given, so `open` must return
  // instances of this per-component subclass, which binds `open` to the component's allowed stores.
  class ComponentStore extends Store {
    static open(label: string): ComponentStore {
      return new ComponentStore(opened(keyValue, label));
    }
  }
  return {
    'fermyon:spin/key-value': { Store: ComponentStore },
    'spin:key-value/key-value': { Store: ComponentStore },
    'wasi:keyvalue/store': {
      Bucket,
      open: (identifier: string): Bucket => new Bucket(opened(keyValue, identifier)),
    },
    'wasi:keyvalue/atomics': {
      Cas,
      increment: (bucket: Bucket, key: string, delta: bigint): bigint =>
        guard(() => bucket.backend.increment(key, delta)),
      swap: (cas: Cas, value: Uint8Array): void => {
        let swapped: boolean;
        try {
          swapped = cas.bucket.backend.compareAndSwap(cas.key, cas.seen, value.slice());
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          return returnErr({ tag: 'store-error', val: { tag: 'other', val: message } });
        }
        if (!swapped) returnErr({ tag: 'cas-failed', val: Cas.new(cas.bucket, cas.key) });
      },
    },
    'wasi:keyvalue/batch': {
      getMany: (bucket: Bucket, keys: string[]): [string, Uint8Array | undefined][] =>
        keys.map((key) => [key, bucket.get(key)]),
      setMany: (bucket: Bucket, entries: [string, Uint8Array][]): void => {
        for (const [key, value] of entries) bucket.set(key, value);
      },
      deleteMany: (bucket: Bucket, keys: string[]): void => {
        for (const key of keys) bucket.delete(key);
      },
    },
  };
}
