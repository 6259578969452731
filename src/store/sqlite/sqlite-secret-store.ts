import type { Database, Statement } from 'better-sqlite3';
import type { SecretStore } from '../store.js';

export class SqliteSecretStore implements SecretStore {
  private readonly insert: Statement<[string, string]>;
  private readonly select: Statement<[string], { value: string }>;

  constructor(db: Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO server_secrets (name, value) VALUES (?, ?)');
    this.select = db.prepare('SELECT value FROM server_secrets WHERE name = ?');
  }

  async getOrCreate(name: string, make: () => string): Promise<string> {
    const existing = this.select.get(name);
    if (existing) return existing.value;
    this.insert.run(name, make());
    return this.select.get(name)!.value;
  }
}
