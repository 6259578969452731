// Admin tokens (hashed), over either store's executor.
import type { AdminToken, AdminTokenStore, AdminTokenWithHash } from '../store.js';
import type { SqlExecutor } from './sql-executor.js';

interface TokenRow {
  id: string;
  token_hash: string;
  name: string | null;
  created_at: string;
  revoked_at: string | null;
}

const toToken = (r: TokenRow): AdminTokenWithHash => ({ id: r.id, tokenHash: r.token_hash, name: r.name, createdAt: r.created_at, revokedAt: r.revoked_at });

export class SqlAdminTokenStore implements AdminTokenStore {
  constructor(private readonly x: SqlExecutor) {}

  async create(t: AdminTokenWithHash): Promise<void> {
    await this.x.run('INSERT INTO admin_tokens (id, token_hash, name, created_at, revoked_at) VALUES (?, ?, ?, ?, NULL)', [t.id, t.tokenHash, t.name, t.createdAt]);
  }

  async findByHash(tokenHash: string): Promise<AdminTokenWithHash | null> {
    const [row] = await this.x.rows<TokenRow>('SELECT * FROM admin_tokens WHERE token_hash = ?', [tokenHash]);
    return row ? toToken(row) : null;
  }

  async list(): Promise<AdminToken[]> {
    return (await this.x.rows<TokenRow>('SELECT * FROM admin_tokens ORDER BY created_at, id')).map((r) => {
      const { tokenHash: _hash, ...token } = toToken(r);
      return token;
    });
  }

  async revoke(id: string, at: string): Promise<boolean> {
    return (await this.x.run('UPDATE admin_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [at, id])) === 1;
  }
}
