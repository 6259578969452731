// Usage reports: request counts per key, hour, endpoint and status (written by the server's usage
// recorder), and credits from the ledger; over either store's executor.
import type { CreditPool, CreditUse, UsageCount, UsageFilter, UsageGrouping, UsageRow, UsageStore } from '../store.js';
import type { SqlExecutor } from './sql-executor.js';

/** The start of the hour holding an ISO instant, in the form `usage_counts.hour` keeps. */
export function hourOf(iso: string): string {
  return `${iso.slice(0, 13)}:00:00.000Z`;
}

/** Rows of a bucketed SELECT: the bucket expression and the WHERE clause over a time column. */
function where(filter: UsageFilter, time: string, from: string): { text: string; params: unknown[] } {
  const conds = [`${time} >= ?`, `${time} < ?`];
  const params: unknown[] = [from, filter.to];
  if (filter.keyId !== null) {
    conds.push('key_id = ?');
    params.push(filter.keyId);
  }
  return { text: conds.join(' AND '), params };
}

export class SqlUsageStore implements UsageStore {
  constructor(private readonly x: SqlExecutor) {}

  async add(counts: readonly UsageCount[]): Promise<void> {
    if (counts.length === 0) return;
    await this.x.transaction(async (t) => {
      for (const c of counts) {
        await t.run(
          `INSERT INTO usage_counts (key_id, hour, endpoint, status, requests) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (key_id, hour, endpoint, status) DO UPDATE SET requests = usage_counts.requests + excluded.requests`,
          [c.keyId, c.hour, c.endpoint, c.status, c.requests],
        );
      }
    });
  }

  async requests(filter: UsageFilter, groupBy: UsageGrouping): Promise<UsageRow[]> {
    const bucket = groupBy === 'hour' ? 'hour' : groupBy === 'day' ? 'substr(hour, 1, 10)' : 'endpoint';
    const w = where(filter, 'hour', hourOf(filter.from));
    const rows = await this.x.rows<{ bucket: string; status: number; requests: number | string }>(
      `SELECT ${bucket} AS bucket, status, sum(requests) AS requests FROM usage_counts WHERE ${w.text} GROUP BY ${bucket}, status ORDER BY 1, 2`,
      w.params,
    );
    return rows.map((r) => ({ bucket: r.bucket, status: Number(r.status), requests: Number(r.requests) }));
  }

  async credits(filter: UsageFilter, groupBy: UsageGrouping): Promise<CreditUse[]> {
    const bucket = groupBy === 'hour' ? "substr(created_at, 1, 13) || ':00:00.000Z'" : groupBy === 'day' ? 'substr(created_at, 1, 10)' : 'reason';
    const w = where(filter, 'created_at', filter.from);
    const rows = await this.x.rows<{ bucket: string; pool: CreditPool; spent: number | string | null; granted: number | string | null }>(
      `SELECT ${bucket} AS bucket, pool,
              sum(CASE WHEN delta < 0 THEN -delta ELSE 0 END) AS spent,
              sum(CASE WHEN delta > 0 THEN delta ELSE 0 END) AS granted
         FROM credit_ledger WHERE ${w.text} GROUP BY ${bucket}, pool ORDER BY 1, 2`,
      w.params,
    );
    return rows.map((r) => ({ bucket: r.bucket, pool: r.pool, spent: Number(r.spent ?? 0), granted: Number(r.granted ?? 0) }));
  }
}
