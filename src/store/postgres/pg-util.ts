// Small helpers over node-postgres: one transaction on one pooled connection, and 64-bit
// integers read as numbers (ids, balances and sequence numbers all fit in 2^53).
import pg from 'pg';
import { enqueueParams, enqueueSql } from '../control/outbox-sql.js';
import { toPg } from '../control/sql-executor.js';
import type { NewDelivery } from '../store.js';

pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));

export type Queryable = pg.Pool | pg.PoolClient;

/**
 * A pooled connection for `fn`. A connection that dies while checked out between two queries (the
 * server restarting) makes node-postgres emit 'error' on the client, which nobody listens to
 * while it is out of the pool: the process would crash. Here the error is heard, the next query
 * fails as it would anyway, and the broken client is discarded instead of pooled again.
 */
export async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on('error', onError);
  try {
    return await fn(client);
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/**
 * How connections reach PostgreSQL: `direct`, or through a pooler in transaction mode
 * (PgBouncer's `pool_mode = transaction`), where consecutive transactions of one client may run on
 * different server connections and session settings sent at connect time are refused. There a
 * search's statement timeout and the charges' synchronous_commit are set per transaction instead
 * (SET LOCAL; docs/deploy.md).
 */
export type Pooling = 'direct' | 'transaction';

/**
 * Statements of searches: each may be given a deadline (epoch ms), past which the database
 * cancels it, so a search whose budget runs out stops using the database when its client hears
 * the 503 rather than at the pool's whole timeout.
 */
export interface TimedQueryPool {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[], deadline?: number): Promise<pg.QueryResult<R>>;
}

/** Below the pool's own timeout by less than this, a statement runs without a transaction of its own. */
const timeoutSlackMs = 50;

/** The search has no time left. */
export class DeadlinePassedError extends Error {
  override readonly name = 'DeadlinePassedError';
}

/** A pool for searches: the database cancels any of its statements past `timeoutMs`, or past the deadline a statement is given. */
export function searchPool(config: pg.PoolConfig, pooling: Pooling, timeoutMs: number): { pool: pg.Pool; queries: TimedQueryPool } {
  const pool = new pg.Pool(pooling === 'direct' ? { ...config, statement_timeout: timeoutMs } : config);
  pool.on('error', () => undefined);
  return {
    pool,
    queries: {
      query: <R extends pg.QueryResultRow>(text: string, params?: unknown[], deadline?: number): Promise<pg.QueryResult<R>> => {
        // A direct connection already carries the whole timeout: a transaction only for less.
        if (pooling === 'direct' && (deadline === undefined || deadline - Date.now() > timeoutMs - timeoutSlackMs)) return pool.query<R>(text, params);
        return withLocalSetting<R>(pool, text, params, () => {
          // What is left once a connection is had (waiting for one counts against the budget).
          const left = Math.min(timeoutMs, deadline === undefined ? timeoutMs : deadline - Date.now());
          if (left <= 0) throw new DeadlinePassedError('no time left for this statement');
          return `SET LOCAL statement_timeout = ${Math.ceil(left)}`;
        });
      },
    },
  };
}

/**
 * The pool charges are written through. Directly connected, it commits without waiting for the
 * WAL flush (a setting sent at connect time); behind a transaction pooler, where connect-time
 * settings are refused, each statement runs in a transaction that sets it locally.
 */
export function chargePool(config: pg.PoolConfig, pooling: Pooling): { pool: pg.Pool; queries: QueryPool } {
  if (pooling === 'direct') {
    const pool = new pg.Pool({ ...config, options: '-c synchronous_commit=off' });
    pool.on('error', () => undefined);
    return { pool, queries: pool };
  }
  const pool = new pg.Pool(config);
  pool.on('error', () => undefined);
  return {
    pool,
    queries: {
      query: <R extends pg.QueryResultRow>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>> => withLocalSetting<R>(pool, text, params, () => 'SET LOCAL synchronous_commit = off'),
    },
  };
}

/** One statement in a transaction of its own that first runs the `SET LOCAL` that `setting` writes (once a connection is had). */
function withLocalSetting<R extends pg.QueryResultRow>(pool: pg.Pool, text: string, params: unknown[] | undefined, setting: () => string): Promise<pg.QueryResult<R>> {
  return inTransaction(pool, async (c) => {
    await c.query(setting());
    return c.query<R>(text, params);
  });
}

/** The part of a pool that reads need. */
export interface QueryPool {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/** The outbox INSERT, so a finishing job or a notifier batch queues its webhook in its own transaction. */
export async function enqueueDelivery(db: Queryable, d: NewDelivery, now: number): Promise<void> {
  await db.query(toPg(enqueueSql), enqueueParams(d, now));
}

/** Debits a pool and appends to the ledger in one statement; null when the balance is short. */
export async function debit(db: QueryPool, keyId: string, pool: string, amount: number, reason: string, ref: string | null, at: string): Promise<number | null> {
  const { rows } = await db.query<{ balance_after: number }>(
    `WITH d AS (UPDATE credit_balances SET balance = balance - $1 WHERE key_id = $2 AND pool = $3 AND balance >= $1 RETURNING balance)
     INSERT INTO credit_ledger (key_id, pool, delta, balance_after, reason, ref, created_at)
     SELECT $2, $3, -$1::bigint, balance, $4, $5, $6 FROM d RETURNING balance_after`,
    [amount, keyId, pool, reason, ref, at],
  );
  return rows[0]?.balance_after ?? null;
}
