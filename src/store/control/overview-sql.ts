// Read-only views across every key (data requests, subscriptions, webhook deliveries, job and
// delivery states), for the admin API and metrics; over either store's executor.
import { toRequest, toSubscription, type DataRequestRow, type SubscriptionRow } from '../sql-rows.js';
import type { DataRequest, DataRequestState, DeliveryAttempt, DeliveryState, OverviewStore, Subscription } from '../store.js';
import type { SqlExecutor } from './sql-executor.js';

interface AttemptRow {
  id: string;
  ref: string;
  state: DeliveryState;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

function filtered(base: string, conds: [string, unknown][], tail: string, limit: number): [string, unknown[]] {
  const kept = conds.filter(([, v]) => v !== null);
  const text = `${base}${kept.length > 0 ? ` WHERE ${kept.map(([c]) => c).join(' AND ')}` : ''} ${tail} LIMIT ?`;
  return [text, [...kept.map(([, v]) => v), limit]];
}

export class SqlOverviewStore implements OverviewStore {
  constructor(private readonly x: SqlExecutor) {}

  async dataRequests(f: { keyId: string | null; state: DataRequestState | null; limit: number }): Promise<DataRequest[]> {
    const [text, params] = filtered('SELECT * FROM data_requests', [['key_id = ?', f.keyId], ['state = ?', f.state]], 'ORDER BY created_at DESC, id', f.limit);
    return (await this.x.rows<DataRequestRow>(text, params)).map(toRequest);
  }

  async subscriptions(f: { keyId: string | null; limit: number }): Promise<Subscription[]> {
    const [text, params] = filtered('SELECT * FROM subscriptions', [['key_id = ?', f.keyId]], 'ORDER BY created_at DESC, id', f.limit);
    return (await this.x.rows<SubscriptionRow>(text, params)).map(toSubscription);
  }

  async deliveries(refs: readonly string[]): Promise<Map<string, DeliveryAttempt[]>> {
    const out = new Map<string, DeliveryAttempt[]>();
    for (let i = 0; i < refs.length; i += 500) {
      const chunk = refs.slice(i, i + 500);
      const rows = await this.x.rows<AttemptRow>(
        `SELECT id, ref, state, attempts, last_status, last_error, created_at, delivered_at FROM webhook_outbox
          WHERE ref IN (${chunk.map(() => '?').join(', ')}) ORDER BY created_at, id`,
        chunk,
      );
      for (const r of rows) {
        const list = out.get(r.ref) ?? [];
        list.push({ id: r.id, state: r.state, attempts: Number(r.attempts), lastStatus: r.last_status, lastError: r.last_error, createdAt: r.created_at, deliveredAt: r.delivered_at });
        out.set(r.ref, list);
      }
    }
    return out;
  }

  async dataRequestStates(): Promise<Partial<Record<DataRequestState, number>>> {
    const rows = await this.x.rows<{ state: DataRequestState; n: number | string }>('SELECT state, count(*) AS n FROM data_requests GROUP BY state');
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  async deliveryStates(): Promise<Partial<Record<DeliveryState, number>>> {
    const rows = await this.x.rows<{ state: DeliveryState; n: number | string }>('SELECT state, count(*) AS n FROM webhook_outbox GROUP BY state');
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }
}
