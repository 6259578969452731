import { toKeyRecord, withoutHash, type KeyRow } from '../sql-rows.js';
import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { ApiKeyRecord, CreditPool, KeyStore, KeyWithHash, NewApiKey } from '../store.js';

export class SqliteKeyStore implements KeyStore {
  private readonly byHash: Statement<[string], KeyRow>;
  private readonly byId: Statement<[string], KeyRow>;
  private readonly all: Statement<[], KeyRow>;
  private readonly revokeStmt: Statement<[string, string]>;
  private readonly createTx: Transaction<(key: NewApiKey, initial: Readonly<Record<CreditPool, number>>) => void>;

  constructor(db: Database) {
    this.byHash = db.prepare('SELECT * FROM api_keys WHERE key_hash = ?');
    this.byId = db.prepare('SELECT * FROM api_keys WHERE id = ?');
    this.all = db.prepare('SELECT * FROM api_keys ORDER BY created_at, id');
    this.revokeStmt = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
    const insertKey = db.prepare(
      'INSERT INTO api_keys (id, key_hash, name, created_at, revoked_at, rate_limits) VALUES (?, ?, ?, ?, NULL, ?)',
    );
    const insertBalance = db.prepare('INSERT INTO credit_balances (key_id, pool, balance) VALUES (?, ?, ?)');
    const insertLedger = db.prepare(
      "INSERT INTO credit_ledger (key_id, pool, delta, balance_after, reason, ref, created_at) VALUES (?, ?, ?, ?, 'initial grant', NULL, ?)",
    );
    this.createTx = db.transaction((key: NewApiKey, initial: Readonly<Record<CreditPool, number>>) => {
      insertKey.run(key.id, key.keyHash, key.name, key.createdAt, JSON.stringify(key.rateLimits));
      for (const pool of ['search', 'collect'] as const) {
        insertBalance.run(key.id, pool, initial[pool]);
        insertLedger.run(key.id, pool, initial[pool], initial[pool], key.createdAt);
      }
    });
  }

  async create(key: NewApiKey, initial: Readonly<Record<CreditPool, number>>): Promise<void> {
    this.createTx.immediate(key, initial);
  }

  async findByHash(keyHash: string): Promise<KeyWithHash | null> {
    const row = this.byHash.get(keyHash);
    return row ? toKeyRecord(row) : null;
  }

  async findById(id: string): Promise<ApiKeyRecord | null> {
    const row = this.byId.get(id);
    return row ? withoutHash(toKeyRecord(row)) : null;
  }

  async list(): Promise<ApiKeyRecord[]> {
    return this.all.all().map((r) => withoutHash(toKeyRecord(r)));
  }

  async revoke(id: string, at: string): Promise<boolean> {
    return this.revokeStmt.run(at, id).changes === 1;
  }
}
