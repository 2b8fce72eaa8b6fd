/**
 * SQLite for guests: `fermyon:spin/sqlite@2.0.0` and `spin:sqlite/sqlite@3.x`. A component may open only
 * the databases its manifest lists in `sqlite_databases` (anything else is `access-denied`, as in Spin).
 */
import type { QueryResult, SqliteDatabase, SqlValue } from '../stores/sqlite-database.js';
import { returnErr } from './guest-err.js';

export interface ComponentSqlite {
  open(label: string): SqliteDatabase | 'access-denied' | 'no-such-database';
}

type SqliteError =
  | { tag: 'no-such-database' | 'access-denied' | 'invalid-connection' | 'database-full' }
  | { tag: 'io'; val: string };

export class Connection {
  constructor(private readonly db: SqliteDatabase) {}

  execute(statement: string, parameters: SqlValue[]): QueryResult {
    try {
      return this.db.execute(statement, parameters);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      const error: SqliteError = /database or disk is full/i.test(message)
        ? { tag: 'database-full' }
        : { tag: 'io', val: message };
      return returnErr(error);
    }
  }

  lastInsertRowid(): bigint {
    return this.db.lastInsertRowid();
  }

  changes(): bigint {
    return this.db.changes();
  }
}

export function sqliteImports(sqlite: ComponentSqlite): Record<string, object> {
  // `open` must return instances of the class the glue was given (it checks `instanceof`).
  class ComponentConnection extends Connection {
    static open(label: string): ComponentConnection {
      const db = sqlite.open(label);
      if (db === 'access-denied' || db === 'no-such-database') returnErr({ tag: db } satisfies SqliteError);
      return new ComponentConnection(db);
    }
  }
  return {
    'fermyon:spin/sqlite': { Connection: ComponentConnection },
    'spin:sqlite/sqlite': { Connection: ComponentConnection },
  };
}
