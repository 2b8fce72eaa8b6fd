/**
 * The `spin` key-value backend: a SQLite file, as Spin's default store, in the same table layout
 * (`spin_key_value(store, key, value)`), so a state directory written by `spin up` keeps working. Each
 * worker opens the file itself; WAL mode and a busy timeout let several workers share it safely.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseCounter, sameBytes, StoreError, type KeyValueStore } from './key-value-store.js';

/** Open files with how many users each has: apps sharing a worker may use the same file. */
const open = new Map<string, { readonly db: DatabaseSync; users: number }>();

/** One connection per file per thread; each `openSqliteFile` is paired with a `closeSqliteFile`. */
export function openSqliteFile(path: string): DatabaseSync {
  let entry = open.get(path);
  if (!entry) {
    mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path, { timeout: 5000 });
    db.exec('PRAGMA journal_mode = WAL');
    entry = { db, users: 0 };
    open.set(path, entry);
  }
  entry.users++;
  return entry.db;
}

/** Closes the thread's connection to `path` once its last user is done with it. */
export function closeSqliteFile(path: string): void {
  const entry = open.get(path);
  if (!entry || --entry.users > 0) return;
  open.delete(path);
  entry.db.close();
}

export interface ClosableKeyValueStore extends KeyValueStore {
  close(): void;
}

export function sqliteKeyValueStore(path: string, label: string): ClosableKeyValueStore {
  const db = openSqliteFile(path);
  db.exec(
    'CREATE TABLE IF NOT EXISTS spin_key_value (store TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (store, key))',
  );
  const getStatement = db.prepare('SELECT value FROM spin_key_value WHERE store = ? AND key = ?');
  const setStatement = db.prepare(
    'INSERT INTO spin_key_value (store, key, value) VALUES (?, ?, ?) ON CONFLICT (store, key) DO UPDATE SET value = excluded.value',
  );
  const deleteStatement = db.prepare('DELETE FROM spin_key_value WHERE store = ? AND key = ?');
  const keysStatement = db.prepare('SELECT key FROM spin_key_value WHERE store = ? ORDER BY key');

  const get = (key: string): Uint8Array | undefined => {
    const row = getStatement.get(label, key) as { value: Uint8Array } | undefined;
    return row?.value;
  };
  const set = (key: string, value: Uint8Array) => {
    setStatement.run(label, key, value);
  };
  const transaction = <T>(work: () => T): T => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  };
  let closed = false;
  return guarded({
    close: () => {
      if (closed) return;
      closed = true;
      closeSqliteFile(path);
    },
    get,
    set,
    delete: (key) => {
      deleteStatement.run(label, key);
    },
    exists: (key) => get(key) !== undefined,
    keys: () => (keysStatement.all(label) as { key: string }[]).map((row) => row.key),
    increment: (key, delta) =>
      transaction(() => {
        const next = parseCounter(get(key), key) + delta;
        set(key, Buffer.from(next.toString()));
        return next;
      }),
    compareAndSwap: (key, expected, value) =>
      transaction(() => {
        if (!sameBytes(get(key), expected)) return false;
        set(key, value);
        return true;
      }),
  });
}

/** SQLite errors (locked file, full disk, …) reach the guest as `other(message)` instead of trapping it. */
function guarded<T extends KeyValueStore>(store: T): T {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(store) as [string, (...args: unknown[]) => unknown][]) {
    wrapped[name] = (...args: unknown[]) => {
      try {
        return fn(...args);
      } catch (error) {
        if (error instanceof StoreError) throw error;
        throw new StoreError(error instanceof Error ? error.message : String(error));
      }
    };
  }
  return wrapped as unknown as T;
}
