// Bulk data requests on SQLite (control.db, beside the credit ledger): finishing a request,
// charging its credits and queueing its webhook are one transaction, so a crash at any moment
// leaves either all three or none.
import type { Database, Statement, Transaction } from 'better-sqlite3';
import type {
  DataRequest, DataRequestStore, Finish, FinishResult, NewDataRequest, NewDelivery,
} from '../store.js';
import { prepareEnqueue } from './sqlite-outbox-store.js';
import { toRequest, type DataRequestRow } from '../sql-rows.js';

export class SqliteDataRequestStore implements DataRequestStore {
  private readonly insert: Statement;
  private readonly byId: Statement<[string], DataRequestRow>;
  private readonly listAll: Statement<[number], DataRequestRow>;
  private readonly listKey: Statement<[string, number], DataRequestRow>;
  private readonly claimStmt: Statement<[{ owner: string; now: number; lease: number }], DataRequestRow>;
  private readonly renewStmt: Statement;
  private readonly releaseStmt: Statement;
  private readonly finishTx: Transaction<(id: string, owner: string, outcome: Finish, webhook: NewDelivery | null, at: string) => FinishResult>;
  private readonly expireTx: Transaction<(before: string) => DataRequestRow[]>;

  constructor(private readonly db: Database) {
    this.insert = db.prepare(
      `INSERT INTO data_requests (id, key_id, api, dataset, kind, input, fingerprint, webhook_url, lim, state, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?)`,
    );
    this.byId = db.prepare('SELECT * FROM data_requests WHERE id = ?');
    this.listAll = db.prepare('SELECT * FROM data_requests ORDER BY created_at DESC LIMIT ?');
    this.listKey = db.prepare('SELECT * FROM data_requests WHERE key_id = ? ORDER BY created_at DESC LIMIT ?');
    this.claimStmt = db.prepare(
      `UPDATE data_requests SET state = 'running', lease_owner = @owner, lease_until = @now + @lease, attempts = attempts + 1
       WHERE id = (SELECT id FROM data_requests
                   WHERE state = 'queued' OR (state = 'running' AND lease_until <= @now)
                   ORDER BY created_at LIMIT 1)
       RETURNING *`,
    );
    this.renewStmt = db.prepare(
      `UPDATE data_requests SET lease_until = ? WHERE id = ? AND lease_owner = ? AND state = 'running'`,
    );
    this.releaseStmt = db.prepare(
      `UPDATE data_requests SET state = 'queued', lease_owner = NULL, lease_until = NULL, attempts = max(attempts - 1, 0)
       WHERE id = ? AND lease_owner = ? AND state = 'running'`,
    );
    const end = db.prepare(
      `UPDATE data_requests SET state = ?, files = ?, records = ?, error_status = ?, error_detail = ?, finished_at = ?,
       lease_owner = NULL, lease_until = NULL
       WHERE id = ? AND lease_owner = ? AND state = 'running' RETURNING key_id`,
    );
    const holder = db.prepare<[string, string], { key_id: string }>(
      `SELECT key_id FROM data_requests WHERE id = ? AND lease_owner = ? AND state = 'running'`,
    );
    const debit = db.prepare<[number, string, string, number], { balance: number }>(
      'UPDATE credit_balances SET balance = balance - ? WHERE key_id = ? AND pool = ? AND balance >= ? RETURNING balance',
    );
    const ledger = db.prepare(
      'INSERT INTO credit_ledger (key_id, pool, delta, balance_after, reason, ref, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const enqueue = prepareEnqueue(db);
    this.finishTx = db.transaction((id: string, owner: string, outcome: Finish, webhook: NewDelivery | null, at: string): FinishResult => {
      const held = holder.get(id, owner);
      if (!held) return 'lease_lost';
      if (outcome.state === 'completed' && outcome.charge.amount > 0) {
        const { pool, amount, reason } = outcome.charge;
        const row = debit.get(amount, held.key_id, pool, amount);
        if (!row) return 'insufficient_credits';
        ledger.run(held.key_id, pool, -amount, row.balance, reason, id, at);
      }
      end.run(
        outcome.state,
        JSON.stringify(outcome.state === 'completed' ? outcome.files : []),
        outcome.state === 'completed' ? outcome.records : 0,
        outcome.state === 'failed' ? outcome.status : null,
        outcome.state === 'failed' ? outcome.detail : null,
        at, id, owner,
      );
      if (webhook) enqueue(webhook, Date.parse(at));
      return 'finished';
    });
    const expirable = db.prepare<[string], DataRequestRow>(
      `UPDATE data_requests SET state = 'expired' WHERE state IN ('completed', 'empty', 'failed') AND finished_at < ? RETURNING *`,
    );
    this.expireTx = db.transaction((before: string) => expirable.all(before));
  }

  async create(r: NewDataRequest): Promise<boolean> {
    try {
      this.insert.run(r.id, r.keyId, r.api, r.dataset, r.kind, r.input, r.fingerprint, r.webhookUrl, r.limit, r.createdAt);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
      throw error;
    }
  }

  async get(id: string): Promise<DataRequest | null> {
    const row = this.byId.get(id);
    return row ? toRequest(row) : null;
  }

  async list(keyId: string | null, limit: number): Promise<DataRequest[]> {
    return (keyId === null ? this.listAll.all(limit) : this.listKey.all(keyId, limit)).map(toRequest);
  }

  async claim(owner: string, leaseMs: number, now: number): Promise<DataRequest | null> {
    const row = this.db.transaction(() => this.claimStmt.get({ owner, now, lease: leaseMs })).immediate();
    return row ? toRequest(row) : null;
  }

  async renew(id: string, owner: string, leaseMs: number, now: number): Promise<boolean> {
    return this.renewStmt.run(now + leaseMs, id, owner).changes === 1;
  }

  async release(id: string, owner: string): Promise<void> {
    this.releaseStmt.run(id, owner);
  }

  async finish(id: string, owner: string, outcome: Finish, webhook: NewDelivery | null, at: string): Promise<FinishResult> {
    return this.finishTx.immediate(id, owner, outcome, webhook, at);
  }

  async expire(before: string): Promise<DataRequest[]> {
    return this.expireTx.immediate(before).map(toRequest);
  }
}
