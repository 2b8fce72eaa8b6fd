import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError, type KeyValueStore } from '../stores/key-value-store.js';
import { sqliteKeyValueStore } from '../stores/sqlite-key-value.js';
import { GuestErr } from './guest-err.js';
import { keyValueImports, type Bucket, type Cas, type Cas as CasClass } from './spin-key-value.js';

const file = join(mkdtempSync(join(tmpdir(), 'spinkube-kv-')), 'kv.db');
let n = 0;
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) => (value ? new TextDecoder().decode(value) : undefined);

/** A component allowed to open `default` (a fresh SQLite-backed store per test) and nothing else. */
function imports(store: KeyValueStore = sqliteKeyValueStore(file, `store-${String(n++)}`)) {
  const bound = keyValueImports({ open: (label) => (label === 'default' ? store : 'access-denied') });
  return bound as unknown as {
    'fermyon:spin/key-value': {
      Store: {
        open(label: string): {
          get(k: string): Uint8Array | undefined;
          set(k: string, v: Uint8Array): void;
          getKeys(): string[];
          exists(k: string): boolean;
          delete(k: string): void;
        };
      };
    };
    'spin:key-value/key-value': { Store: { open(label: string): unknown } };
    'wasi:keyvalue/store': { open(id: string): Bucket };
    'wasi:keyvalue/atomics': {
      increment(bucket: Bucket, key: string, delta: bigint): bigint;
      Cas: typeof CasClass;
      swap(cas: Cas, value: Uint8Array): void;
    };
    'wasi:keyvalue/batch': {
      getMany(bucket: Bucket, keys: string[]): [string, Uint8Array | undefined][];
      setMany(bucket: Bucket, entries: [string, Uint8Array][]): void;
      deleteMany(bucket: Bucket, keys: string[]): void;
    };
  };
}

function errorOf(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    if (error instanceof GuestErr) return error.payload;
    throw error;
  }
  return 'no error';
}

describe('key-value host interfaces', () => {
  it('fermyon:spin/key-value: set, get, exists, keys, delete; other labels are access-denied', () => {
    const { Store } = imports()['fermyon:spin/key-value'];
    const store = Store.open('default');
    store.set('b', bytes('2'));
    store.set('a', bytes('1'));
    expect(text(store.get('a'))).toBe('1');
    expect(store.get('missing')).toBeUndefined();
    expect(store.exists('b')).toBe(true);
    expect(store.getKeys()).toEqual(['a', 'b']);
    store.delete('a');
    expect(store.exists('a')).toBe(false);
    expect(errorOf(() => Store.open('cache'))).toEqual({ tag: 'access-denied' });
  });

  it('opens instances of the class handed to the glue, for every Spin version', () => {
    const bound = imports();
    expect(bound['fermyon:spin/key-value'].Store.open('default')).toBeInstanceOf(
      bound['fermyon:spin/key-value'].Store,
    );
    expect(bound['spin:key-value/key-value'].Store).toBe(bound['fermyon:spin/key-value'].Store);
  });

  it('wasi:keyvalue: buckets, list-keys, atomic increment, batch', () => {
    const bound = imports();
    const bucket = bound['wasi:keyvalue/store'].open('default');
    bucket.set('x', bytes('v'));
    expect(bucket.listKeys(undefined)).toEqual({ keys: ['x'], cursor: undefined });
    const atomics = bound['wasi:keyvalue/atomics'];
    expect(atomics.increment(bucket, 'n', 5n)).toBe(5n);
    expect(atomics.increment(bucket, 'n', -2n)).toBe(3n);
    expect(text(bucket.get('n'))).toBe('3');
    expect(errorOf(() => atomics.increment(bucket, 'x', 1n))).toEqual({
      tag: 'other',
      val: 'the value of "x" is not an integer',
    });
    const batch = bound['wasi:keyvalue/batch'];
    batch.setMany(bucket, [
      ['p', bytes('1')],
      ['q', bytes('2')],
    ]);
    expect(batch.getMany(bucket, ['p', 'q', 'r']).map(([k, v]) => [k, text(v)])).toEqual([
      ['p', '1'],
      ['q', '2'],
      ['r', undefined],
    ]);
    batch.deleteMany(bucket, ['p', 'q']);
    expect(bucket.exists('p')).toBe(false);
    expect(errorOf(() => bound['wasi:keyvalue/store'].open('other'))).toEqual({ tag: 'access-denied' });
  });

  it('wasi:keyvalue/atomics cas: swap succeeds once, then fails with a fresh cas', () => {
    const bound = imports();
    const bucket = bound['wasi:keyvalue/store'].open('default');
    bucket.set('k', bytes('old'));
    const atomics = bound['wasi:keyvalue/atomics'];
    const first = atomics.Cas.new(bucket, 'k');
    const second = atomics.Cas.new(bucket, 'k');
    expect(text(first.current())).toBe('old');
    atomics.swap(first, bytes('new'));
    expect(text(bucket.get('k'))).toBe('new');
    const failed = errorOf(() => {
      atomics.swap(second, bytes('lost'));
    }) as { tag: string; val: Cas };
    expect(failed.tag).toBe('cas-failed');
    expect(text(failed.val.current())).toBe('new');
  });

  it('reports a failing backend as other(message) instead of trapping the guest', () => {
    const broken = new Proxy({} as KeyValueStore, {
      get: () => () => {
        throw new StoreError('connection lost');
      },
    });
    const store = imports(broken)['fermyon:spin/key-value'].Store.open('default');
    expect(errorOf(() => store.get('k'))).toEqual({ tag: 'other', val: 'connection lost' });
  });
});
