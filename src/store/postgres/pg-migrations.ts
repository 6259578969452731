// Versioned schema for PostgreSQL. Migrations run under a transaction-scoped advisory lock, so
// two nodes starting at once apply each version exactly once (the second waits, then sees it).
// Employee tables are keyed by employee id (and child rows co-located by it), so they can be
// distributed by id on Citus; see docs/architecture.md.
import type pg from 'pg';
import { datasetNames, type DatasetName } from '../../datasets/datasets.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { pgSearchSchema } from './pg-search-schema.js';
import { applyPgLengths, reconcilePgDatasets } from './pg-reconcile-datasets.js';
import { legacyDatasets } from '../sql/search-tables.js';
import { pgFileStoreSchema } from './pg-file-store.js';
import { applyPgShardVersions } from './pg-shard-versions.js';
import { adminSchema } from '../control/control-schema.js';

// The numbered migrations made the tables of the legacy datasets only; every dataset added later,
// and every later change of a dataset's tables, is made by the reconciler (pg-reconcile-datasets.ts).

const control = `
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE,
  name TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  rate_limits TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE credit_balances (
  key_id TEXT NOT NULL REFERENCES api_keys(id),
  pool TEXT NOT NULL CHECK (pool IN ('search', 'collect')),
  balance BIGINT NOT NULL CHECK (balance >= 0),
  PRIMARY KEY (key_id, pool)
);
CREATE TABLE credit_ledger (
  seq BIGSERIAL PRIMARY KEY,
  key_id TEXT NOT NULL REFERENCES api_keys(id),
  pool TEXT NOT NULL,
  delta BIGINT NOT NULL,
  balance_after BIGINT NOT NULL CHECK (balance_after >= 0),
  reason TEXT NOT NULL,
  ref TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX credit_ledger_key ON credit_ledger(key_id, seq);
CREATE FUNCTION credit_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'credit_ledger is append-only'; END $$;
CREATE TRIGGER credit_ledger_no_change BEFORE UPDATE OR DELETE ON credit_ledger
  FOR EACH ROW EXECUTE FUNCTION credit_ledger_append_only();
CREATE TABLE server_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE data_requests (
  id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL REFERENCES api_keys(id),
  api TEXT NOT NULL,
  dataset TEXT NOT NULL,
  kind TEXT NOT NULL,
  input TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  webhook_url TEXT,
  lim BIGINT,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'completed', 'empty', 'failed', 'expired')),
  files TEXT NOT NULL DEFAULT '[]',
  records BIGINT,
  error_status INTEGER,
  error_detail TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until BIGINT,
  created_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE UNIQUE INDEX data_requests_in_flight ON data_requests(fingerprint) WHERE state IN ('queued', 'running');
CREATE INDEX data_requests_queue ON data_requests(state, created_at);
CREATE INDEX data_requests_key ON data_requests(key_id, created_at);
CREATE TABLE webhook_outbox (
  id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  url TEXT NOT NULL,
  body TEXT NOT NULL,
  topic TEXT NOT NULL,
  ref TEXT,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL DEFAULT 0,
  last_status INTEGER,
  last_error TEXT,
  created_at TEXT NOT NULL,
  delivered_at TEXT
);
CREATE INDEX webhook_outbox_due ON webhook_outbox(state, next_attempt_at);
CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL REFERENCES api_keys(id),
  type TEXT NOT NULL CHECK (type IN ('experience_changes', 'profile_changes')),
  selection TEXT NOT NULL CHECK (selection IN ('ids', 'es_dsl', 'all')),
  dataset TEXT NOT NULL,
  query TEXT,
  tracked_fields TEXT,
  webhook_url TEXT NOT NULL,
  ids_count BIGINT NOT NULL DEFAULT 0,
  start_seq BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  deleted_at TEXT,
  last_webhook_sent_at TEXT
);
CREATE INDEX subscriptions_key ON subscriptions(key_id, created_at);
CREATE TABLE subscription_members (
  member_id BIGINT NOT NULL,
  subscription_id TEXT NOT NULL REFERENCES subscriptions(id),
  PRIMARY KEY (member_id, subscription_id)
);
CREATE INDEX subscription_members_sub ON subscription_members(subscription_id, member_id);
CREATE TABLE change_cursors (name TEXT PRIMARY KEY, seq BIGINT NOT NULL, ran_at BIGINT NOT NULL);
`;

/** The tables of one dataset besides its search tables. */
export function pgRecordTables(d: DatasetName): string {
  return `
CREATE TABLE ${d}_records (id BIGINT PRIMARY KEY, last_updated TEXT COLLATE "C", record TEXT COMPRESSION lz4 NOT NULL);
-- The default search order (newest first, records without last_updated last), walkable as is.
CREATE INDEX ${d}_records_recent ON ${d}_records(last_updated DESC NULLS LAST, id DESC);
-- Looked up by name, not by id: a reference table when distributed.
CREATE TABLE ${d}_shorthands (shorthand TEXT PRIMARY KEY, id BIGINT NOT NULL);
CREATE INDEX ${d}_shorthands_id ON ${d}_shorthands(id);
CREATE TABLE ${d}_changes (
  seq BIGSERIAL PRIMARY KEY,
  id BIGINT NOT NULL,
  created INTEGER NOT NULL,
  experience INTEGER NOT NULL,
  fields TEXT NOT NULL
);`;
}

export function pgMigrations(layouts: Readonly<Record<DatasetName, IndexLayout>>): readonly string[] {
  return [
    control,
    legacyDatasets.map(pgRecordTables).join('\n'),
    legacyDatasets.map((d) => pgSearchSchema(d, layouts[d])).join('\n'),
    // 4: rate-limit buckets shared by all nodes; unlogged: losing them in a crash only refills them.
    'CREATE UNLOGGED TABLE rate_buckets (bucket TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL, updated_ms BIGINT NOT NULL, allowed BOOLEAN NOT NULL);',
    // 5: the layout each dataset's tables were made for, kept by the reconciler.
    'CREATE TABLE dataset_schemas (dataset TEXT PRIMARY KEY, layout TEXT NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now());',
    // 6: key expiry and datasets, admin tokens, usage counts (the same text as the embedded store's).
    adminSchema,
    // 7: bulk part files kept in the database (--file-store database).
    pgFileStoreSchema,
  ];
}

export async function migratePg(pool: pg.Pool, layouts: Readonly<Record<DatasetName, IndexLayout>>, log?: (message: string) => void): Promise<void> {
  const migrations = pgMigrations(layouts);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('rollcall-migrations'))");
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    const before = rows[0]?.v ?? 0;
    for (let v = before; v < migrations.length; v++) {
      await client.query(migrations[v]!);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v + 1]);
    }
    // Version 3 made the legacy datasets' search tables: made now, they have this code's layout.
    await reconcilePgDatasets(client, layouts, before < 3, log);
    for (const d of datasetNames) await applyPgLengths(client, d, layouts[d], log);
    for (const d of datasetNames) await applyPgShardVersions(client, d);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
