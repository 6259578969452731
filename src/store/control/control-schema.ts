// Control-plane tables added after the first schema, written once for both stores (each store's
// migration list applies this text as one of its numbered versions).

/** Key expiry and dataset access, admin tokens, and per-hour request counts for usage reports. */
export const adminSchema = `
ALTER TABLE api_keys ADD COLUMN expires_at TEXT;
ALTER TABLE api_keys ADD COLUMN datasets TEXT;
CREATE TABLE admin_tokens (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  name TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE usage_counts (
  key_id TEXT NOT NULL,
  hour TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  status INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  PRIMARY KEY (key_id, hour, endpoint, status)
);
CREATE INDEX usage_counts_hour ON usage_counts(hour);
CREATE INDEX credit_ledger_time ON credit_ledger(created_at);
`;
