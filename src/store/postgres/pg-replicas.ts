// Reads from PostgreSQL streaming replicas. Searches and collects run on a healthy replica (round
// robin); everything that must see its own writes (charges, rate limits, keys, jobs, outbox,
// subscriptions, imports) stays on the primary. Each replica is checked every `checkMs`: it must
// answer, be in recovery, and have replayed the primary's WAL or be at most `maxLagMs` behind.
// A replica that fails a query with a connection fault is skipped at once and the query runs on
// the primary, so a replica going away costs clients nothing; it is used again when a check passes.
import pg from 'pg';
import { storeFault } from '../store-faults.js';
import { searchPool, type Pooling, type QueryPool, type TimedQueryPool } from './pg-util.js';

export type { QueryPool, TimedQueryPool } from './pg-util.js';

export interface ReplicaStatus {
  /** The replica's host:port (never its credentials). */
  readonly name: string;
  readonly healthy: boolean;
  /** How far behind the primary it was at the last check, ms (0: caught up; null: unknown). */
  readonly lagMs: number | null;
}

interface Replica {
  readonly name: string;
  readonly pool: pg.Pool;
  readonly searchPool: pg.Pool;
  readonly searches: TimedQueryPool;
  healthy: boolean;
  lagMs: number | null;
}

export interface ReplicaOptions {
  readonly maxLagMs: number;
  readonly checkMs: number;
  readonly searchTimeoutMs: number;
  readonly pooling: Pooling;
  readonly log: (message: string) => void;
}

/** A WAL position ('16/B374D848') as a number of bytes. */
function lsnBytes(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

export class ReplicaSet {
  private readonly replicas: Replica[];
  /**
   * The primary's WAL position at each recent check, newest last. A replica that has replayed up
   * to the position the primary had at time T is at most now - T behind, whether or not the
   * primary wrote since (the replay timestamp of the last transaction says nothing on an idle
   * primary: it made an up-to-date replica look 30 s behind after a checkpoint).
   */
  private readonly positions: { at: number; lsn: bigint }[] = [];
  private next = 0;
  private readonly timer: NodeJS.Timeout;
  private checking: Promise<void> = Promise.resolve();

  constructor(private readonly primary: pg.Pool, urls: readonly string[], private readonly options: ReplicaOptions) {
    this.replicas = urls.map((url) => {
      const u = new URL(url);
      const pool = new pg.Pool({ connectionString: url, max: 10, application_name: 'rollcall-read', connectionTimeoutMillis: 2000 });
      const search = searchPool({ connectionString: url, max: 4, application_name: 'rollcall-read-search', connectionTimeoutMillis: 2000 }, options.pooling, options.searchTimeoutMs);
      pool.on('error', () => undefined);
      // Unchecked replicas are not used: the first check runs at once.
      return { name: `${u.hostname}:${u.port || '5432'}`, pool, searchPool: search.pool, searches: search.queries, healthy: false, lagMs: null };
    });
    this.timer = setInterval(() => void this.check(), options.checkMs);
    this.timer.unref();
  }

  /** Resolves after one round of checks (start-up waits for it, so reads use replicas at once). */
  check(): Promise<void> {
    this.checking = this.checking.then(async () => {
      try {
        const lsn = (await this.primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
        this.positions.push({ at: Date.now(), lsn: lsnBytes(lsn) });
        const keep = Math.ceil(this.options.maxLagMs / this.options.checkMs) + 2;
        if (this.positions.length > keep) this.positions.splice(0, this.positions.length - keep);
      } catch {
        // The primary is away: replicas keep their state (reads may still go to them).
        return;
      }
      await Promise.all(this.replicas.map((r) => this.checkOne(r)));
    });
    return this.checking;
  }

  private async checkOne(r: Replica): Promise<void> {
    let healthy = false;
    let lagMs: number | null = null;
    let why = 'not answering';
    try {
      const { rows } = await r.pool.query<{ standby: boolean; replayed: string | null }>(
        'SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS replayed');
      const row = rows[0]!;
      const replayed = row.replayed === null ? null : lsnBytes(row.replayed);
      // The newest primary position the replica has replayed past.
      let reached: number | null = null;
      for (const p of this.positions) if (replayed !== null && replayed >= p.lsn) reached = p.at;
      lagMs = reached === null ? null : Date.now() - reached;
      healthy = row.standby && lagMs !== null && lagMs <= this.options.maxLagMs;
      why = !row.standby ? 'not a standby' : lagMs === null ? 'behind every primary position of the last checks' : `${Math.round(lagMs)} ms behind`;
    } catch {
      healthy = false;
    }
    if (healthy !== r.healthy) this.options.log(`replica ${r.name} ${healthy ? 'in use' : `skipped (${why})`}`);
    r.healthy = healthy;
    r.lagMs = lagMs;
  }

  status(): ReplicaStatus[] {
    return this.replicas.map((r) => ({ name: r.name, healthy: r.healthy, lagMs: r.lagMs }));
  }

  /** A pool for reads: a healthy replica's, else the primary's. */
  reader(fallback: QueryPool): QueryPool {
    return { query: (text, params) => this.attempt((r) => r.pool.query(text, params), () => fallback.query(text, params)) };
  }

  /** The same for searches, on the replicas' search pools (statement timeouts). */
  searchReader(fallback: TimedQueryPool): TimedQueryPool {
    return { query: (text, params, deadline) => this.attempt((r) => r.searches.query(text, params, deadline), () => fallback.query(text, params, deadline)) };
  }

  /** Runs a read on a healthy replica; on a connection fault there, skips it and reads from the primary. */
  private async attempt<T>(onReplica: (r: Replica) => Promise<T>, onPrimary: () => Promise<T>): Promise<T> {
    const r = this.pick();
    if (r) {
      try {
        return await onReplica(r);
      } catch (error) {
        if (storeFault(error) === null) throw error;
        if (r.healthy) this.options.log(`replica ${r.name} skipped (${(error as Error).message}); reading from the primary`);
        r.healthy = false;
      }
    }
    return onPrimary();
  }

  private pick(): Replica | null {
    for (let i = 0; i < this.replicas.length; i++) {
      const r = this.replicas[(this.next + i) % this.replicas.length]!;
      if (r.healthy) {
        this.next = (this.next + i + 1) % this.replicas.length;
        return r;
      }
    }
    return null;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.checking.catch(() => undefined);
    await Promise.all(this.replicas.flatMap((r) => [r.pool.end(), r.searchPool.end()]));
  }
}
