// The narrow executor each SQL store gives the control-plane modules of this folder: statements
// with `?` placeholders, rows out, and a transaction. The modules hold the SQL once; SQLite runs it
// through better-sqlite3, PostgreSQL through node-postgres (placeholders numbered on the way).
import type { Database, Statement } from 'better-sqlite3';
import type pg from 'pg';
import { inTransaction, type Queryable } from '../postgres/pg-util.js';

export interface SqlExecutor {
  /** For the few clauses only one database has (PostgreSQL's `FOR UPDATE SKIP LOCKED`). */
  readonly dialect: 'sqlite' | 'postgres';
  /** The rows a statement returns (`?` placeholders; booleans as 0/1, absent values as null). */
  rows<T>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a statement; returns how many rows it changed. */
  run(text: string, params?: readonly unknown[]): Promise<number>;
  /**
   * Runs `fn`'s statements in one transaction. `fn` awaits nothing but this executor's calls: on
   * SQLite they complete at once, so no other statement on the connection can come between them.
   */
  transaction<T>(fn: (x: SqlExecutor) => Promise<T>): Promise<T>;
}

export function sqliteExecutor(db: Database): SqlExecutor {
  const cache = new Map<string, Statement>();
  const prepared = (text: string): Statement => {
    let s = cache.get(text);
    if (!s) {
      s = db.prepare(text);
      cache.set(text, s);
    }
    return s;
  };
  const x: SqlExecutor = {
    dialect: 'sqlite',
    async rows<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      return prepared(text).all(...params) as T[];
    },
    async run(text, params = []) {
      return prepared(text).run(...params).changes;
    },
    async transaction(fn) {
      if (db.inTransaction) throw new Error('control-plane transactions do not nest');
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(x);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
  };
  return x;
}

const numbered = new Map<string, string>();

/** `?` placeholders as PostgreSQL's `$1, $2, ...` (the modules' SQL has no `?` in literals). */
export function toPg(text: string): string {
  let out = numbered.get(text);
  if (out === undefined) {
    let n = 0;
    out = text.replace(/\?/g, () => `$${++n}`);
    numbered.set(text, out);
  }
  return out;
}

export function pgExecutor(db: Queryable): SqlExecutor {
  return {
    dialect: 'postgres',
    async rows<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      return (await db.query(toPg(text), params as unknown[])).rows as T[];
    },
    async run(text, params = []) {
      return (await db.query(toPg(text), params as unknown[])).rowCount ?? 0;
    },
    async transaction(fn) {
      if (!('totalCount' in db)) throw new Error('control-plane transactions do not nest');
      return inTransaction(db as pg.Pool, (client) => fn(pgExecutor(client)));
    },
  };
}
