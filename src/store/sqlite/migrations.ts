// Versioned schema. Each entry runs once, in order, inside one IMMEDIATE transaction together
// with the user_version bump, so two processes starting at once cannot both apply it.
import { adminSchema } from '../control/control-schema.js';
import type { Database } from 'better-sqlite3';
import type { DatasetName } from '../../datasets/datasets.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { searchSchema, vocabularySchema } from './search-schema.js';
import { legacyDatasets } from '../sql/search-tables.js';

// The numbered migrations made the tables of the legacy datasets only; every dataset added later,
// and every later change of a dataset's tables, is made by the reconciler (reconcile-datasets.ts).

const recordTables = legacyDatasets
  .map(
    (d) => `
CREATE TABLE ${d}_records (
  id INTEGER PRIMARY KEY,
  last_updated TEXT,
  record TEXT NOT NULL
);
CREATE TABLE ${d}_shorthands (
  shorthand TEXT PRIMARY KEY,
  id INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX ${d}_shorthands_id ON ${d}_shorthands(id);`,
  )
  .join('\n');

/**
 * records.db: the records, then (2) the search index of each dataset, (3) the deferred-index
 * queue, (4, 5) change detection, (6) the term dictionary, (7) the layout each dataset's tables
 * were made for, kept by the reconciler, (8) the records' compression dictionaries.
 */
export function recordMigrations(layouts: Readonly<Record<DatasetName, IndexLayout>>): readonly string[] {
  return [
    recordTables,
    legacyDatasets.map((d) => `${searchSchema(d, layouts[d])}\nCREATE INDEX ${d}_records_recent ON ${d}_records(last_updated, id);`).join('\n'),
    legacyDatasets.map((d) => `CREATE TABLE ${d}_index_queue (id INTEGER PRIMARY KEY, old_record TEXT);`).join('\n'),
    // 4: change detection — the change log written with the upsert (and a per-record state table
    // that version 5 drops again: comparing the stored and the new record when they differ
    // measured cheaper than computing a state for every record).
    legacyDatasets.map((d) => `
CREATE TABLE ${d}_change_state (id INTEGER PRIMARY KEY, open TEXT NOT NULL, fields TEXT NOT NULL);
CREATE TABLE ${d}_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id INTEGER NOT NULL,
  created INTEGER NOT NULL,
  experience INTEGER NOT NULL,
  fields TEXT NOT NULL
);`).join('\n'),
    legacyDatasets.map((d) => `DROP TABLE ${d}_change_state;`).join('\n'),
    // 6: the term dictionary for pattern expansion, instead of reading fts5vocab at query time.
    legacyDatasets.map((d) => vocabularySchema(d, layouts[d])).join('\n'),
    'CREATE TABLE dataset_schemas (dataset TEXT PRIMARY KEY, layout TEXT NOT NULL, updated_at TEXT NOT NULL);',
    // 8: the dictionaries records are deflated with (stored-record.ts), one per dataset so far.
    'CREATE TABLE IF NOT EXISTS record_dictionaries (id INTEGER PRIMARY KEY, dataset TEXT NOT NULL, bytes BLOB NOT NULL, created_at TEXT NOT NULL);',
  ];
}

/** Every table of one dataset on a records.db that has none yet (what versions 1-6 made for the legacy ones). */
export function datasetTables(d: DatasetName, layout: IndexLayout): string {
  return `
CREATE TABLE ${d}_records (id INTEGER PRIMARY KEY, last_updated TEXT, record TEXT NOT NULL);
CREATE INDEX ${d}_records_recent ON ${d}_records(last_updated, id);
CREATE TABLE ${d}_shorthands (shorthand TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX ${d}_shorthands_id ON ${d}_shorthands(id);
CREATE TABLE ${d}_index_queue (id INTEGER PRIMARY KEY, old_record TEXT);
CREATE TABLE ${d}_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, id INTEGER NOT NULL, created INTEGER NOT NULL, experience INTEGER NOT NULL, fields TEXT NOT NULL);
${searchSchema(d, layout)}
${vocabularySchema(d, layout)}`;
}

export const controlMigrations: readonly string[] = [
  `
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
  balance INTEGER NOT NULL CHECK (balance >= 0),
  PRIMARY KEY (key_id, pool)
) WITHOUT ROWID;
CREATE TABLE credit_ledger (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  key_id TEXT NOT NULL REFERENCES api_keys(id),
  pool TEXT NOT NULL,
  delta INTEGER NOT NULL,
  balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
  reason TEXT NOT NULL,
  ref TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX credit_ledger_key ON credit_ledger(key_id, seq);
CREATE TRIGGER credit_ledger_no_update BEFORE UPDATE ON credit_ledger
  BEGIN SELECT RAISE(ABORT, 'credit_ledger is append-only'); END;
CREATE TRIGGER credit_ledger_no_delete BEFORE DELETE ON credit_ledger
  BEGIN SELECT RAISE(ABORT, 'credit_ledger is append-only'); END;
CREATE TABLE server_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  // 2: bulk data requests (durable jobs with leases) and the webhook outbox.
  `
CREATE TABLE data_requests (
  id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL REFERENCES api_keys(id),
  api TEXT NOT NULL,
  dataset TEXT NOT NULL,
  kind TEXT NOT NULL,
  input TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  webhook_url TEXT,
  lim INTEGER,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'completed', 'empty', 'failed', 'expired')),
  files TEXT NOT NULL DEFAULT '[]',
  records INTEGER,
  error_status INTEGER,
  error_detail TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until INTEGER,
  created_at TEXT NOT NULL,
  finished_at TEXT
);
-- The duplicate rule (409) as a constraint: one in-flight request per fingerprint.
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
  next_attempt_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER,
  last_error TEXT,
  created_at TEXT NOT NULL,
  delivered_at TEXT
);
CREATE INDEX webhook_outbox_due ON webhook_outbox(state, next_attempt_at);
`,
  // 3: webhook subscriptions, their member ids, and the notifier's position in each change log.
  `
CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL REFERENCES api_keys(id),
  type TEXT NOT NULL CHECK (type IN ('experience_changes', 'profile_changes')),
  selection TEXT NOT NULL CHECK (selection IN ('ids', 'es_dsl', 'all')),
  dataset TEXT NOT NULL,
  query TEXT,
  tracked_fields TEXT,
  webhook_url TEXT NOT NULL,
  ids_count INTEGER NOT NULL DEFAULT 0,
  start_seq INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  deleted_at TEXT,
  last_webhook_sent_at TEXT
);
CREATE INDEX subscriptions_key ON subscriptions(key_id, created_at);
CREATE TABLE subscription_members (
  member_id INTEGER NOT NULL,
  subscription_id TEXT NOT NULL REFERENCES subscriptions(id),
  PRIMARY KEY (member_id, subscription_id)
) WITHOUT ROWID;
CREATE INDEX subscription_members_sub ON subscription_members(subscription_id, member_id);
CREATE TABLE change_cursors (
  name TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  ran_at INTEGER NOT NULL
);
`,
  // 4: key expiry and datasets, admin tokens, usage counts (the same text as PostgreSQL's).
  adminSchema,
];

/** Applies pending migrations; returns the version the file had before. */
export function migrate(db: Database, migrations: readonly string[]): number {
  const apply = db.transaction((): number => {
    const current = db.pragma('user_version', { simple: true }) as number;
    for (let v = current; v < migrations.length; v++) {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }
    return current;
  });
  return apply.immediate();
}
