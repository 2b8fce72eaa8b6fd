/**
 * SQLite databases for `fermyon:spin/sqlite` and `spin:sqlite`: a local file per database label, opened by
 * each worker that needs it (node:sqlite, WAL mode, so workers share it safely).
 */
import type { DatabaseSync } from 'node:sqlite';
import { closeSqliteFile, openSqliteFile } from './sqlite-key-value.js';

/** A column value as Spin's sqlite interfaces carry it. */
export type SqlValue =
  | { tag: 'integer'; val: bigint }
  | { tag: 'real'; val: number }
  | { tag: 'text'; val: string }
  | { tag: 'blob'; val: Uint8Array }
  | { tag: 'null' };

export interface QueryResult {
  columns: string[];
  rows: { values: SqlValue[] }[];
}

export class SqliteDatabase {
  private readonly db: DatabaseSync;
  private closed = false;
  constructor(private readonly path: string) {
    this.db = openSqliteFile(path);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSqliteFile(this.path);
  }

  /** Runs one statement; rows come back as arrays so duplicate column names survive. */
  execute(statement: string, parameters: readonly SqlValue[]): QueryResult {
    const prepared = this.db.prepare(statement);
    prepared.setReadBigInts(true);
    const args = parameters.map(toSqlite);
    const columns = prepared.columns().map((column) => column.name);
    if (columns.length === 0) {
      prepared.run(...args);
      return { columns: [], rows: [] };
    }
    prepared.setReturnArrays(true);
    const rows = prepared.all(...args) as unknown as unknown[][];
    return { columns, rows: rows.map((row) => ({ values: row.map(fromSqlite) })) };
  }

  lastInsertRowid(): bigint {
    return this.scalar('SELECT last_insert_rowid()');
  }

  changes(): bigint {
    return this.scalar('SELECT changes()');
  }

  private scalar(sql: string): bigint {
    const statement = this.db.prepare(sql);
    statement.setReadBigInts(true);
    statement.setReturnArrays(true);
    const row = statement.get() as unknown as [bigint] | undefined;
    return row?.[0] ?? 0n;
  }
}

function toSqlite(value: SqlValue): bigint | number | string | Uint8Array | null {
  return value.tag === 'null' ? null : value.val;
}

function fromSqlite(value: unknown): SqlValue {
  if (value === null || value === undefined) return { tag: 'null' };
  if (typeof value === 'bigint') return { tag: 'integer', val: value };
  if (typeof value === 'number') return { tag: 'real', val: value };
  if (typeof value === 'string') return { tag: 'text', val: value };
  if (value instanceof Uint8Array) return { tag: 'blob', val: value };
  return { tag: 'text', val: JSON.stringify(value) };
}
