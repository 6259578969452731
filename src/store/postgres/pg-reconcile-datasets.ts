// Brings the database in line with the dataset registry at start-up, inside the migrations'
// locked transaction (so two nodes starting at once do it once, and a failure leaves nothing
// half-made): a dataset without tables gets them; a dataset whose index layout changed (its
// mapping was edited) gets its search tables made anew and every record indexed again.
import type pg from 'pg';
import { datasetNames, type DatasetName } from '../../datasets/datasets.js';
import { indexDocuments } from '../../search/index-documents.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { fieldTotalsTable, lengthsTable, schemaFingerprint } from '../sql/search-tables.js';
import { tsvectorDoc } from '../../search/tsvector-doc.js';
import { insertVocabulary, KnownVocabulary, writeIndex, writeLengths } from './pg-index-writer.js';
import { pgRecordTables } from './pg-migrations.js';
import { pgLengthsSchema, pgSearchSchema } from './pg-search-schema.js';

async function reindex(client: pg.PoolClient, d: DatasetName, layout: IndexLayout): Promise<void> {
  const known = new KnownVocabulary(1_000_000);
  let after = -1;
  for (;;) {
    const { rows } = await client.query<{ id: string; record: string }>(`SELECT id, record FROM ${d}_records WHERE id > $1 ORDER BY id LIMIT 1000`, [after]);
    if (rows.length === 0) break;
    const records = rows.map((r) => ({ id: Number(r.id), existed: false, docs: indexDocuments(layout, JSON.parse(r.record) as Record<string, unknown>).map(tsvectorDoc) }));
    await insertVocabulary(client, d, records.flatMap((r) => r.docs), known);
    await writeIndex(client, d, layout, records);
    after = records[records.length - 1]!.id;
  }
}

/**
 * Makes a dataset's relevance tables when its tables predate them, and measures the field
 * lengths of every stored record once (pg-search-schema.ts, pgLengthsSchema).
 */
export async function applyPgLengths(client: pg.PoolClient, d: DatasetName, layout: IndexLayout, log: (message: string) => void = () => undefined): Promise<void> {
  const has = async (name: string): Promise<boolean> => (await client.query("SELECT 1 FROM pg_class WHERE relname = $1 AND relkind = 'r' AND relnamespace = current_schema()::regnamespace", [name])).rowCount! > 0;
  if (!(await has(`${d}_records`))) return;
  // Tables of this form already (a row a record, keyed by id): nothing to do; an earlier form is made anew.
  const current = (await client.query("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'id'", [lengthsTable(d)])).rowCount! > 0;
  if (current) return;
  const started = performance.now();
  await client.query(`DROP TABLE IF EXISTS ${lengthsTable(d)}; DROP TABLE IF EXISTS ${fieldTotalsTable(d)};`);
  await client.query(pgLengthsSchema(d));
  let after = -1;
  for (;;) {
    const { rows } = await client.query<{ id: string; record: string }>(`SELECT id, record FROM ${d}_records WHERE id > $1 ORDER BY id LIMIT 1000`, [after]);
    if (rows.length === 0) break;
    await writeLengths(client, d, layout, rows.map((r) => ({ id: Number(r.id), docs: indexDocuments(layout, JSON.parse(r.record) as Record<string, unknown>).map(tsvectorDoc) })));
    after = Number(rows[rows.length - 1]!.id);
  }
  const seconds = (performance.now() - started) / 1000;
  if (seconds > 1) log(`${d}: measured the field lengths of its records for relevance in ${seconds.toFixed(1)} s (once)`);
}

/** `madeNow`: as for the embedded store's reconciler (reconcile-datasets.ts). */
export async function reconcilePgDatasets(client: pg.PoolClient, layouts: Readonly<Record<DatasetName, IndexLayout>>, madeNow: boolean, log: (message: string) => void = () => undefined): Promise<void> {
  const { rows } = await client.query<{ dataset: string; layout: string }>('SELECT dataset, layout FROM dataset_schemas');
  const known = new Map(rows.map((r) => [r.dataset, r.layout]));
  for (const d of datasetNames) {
    const fingerprint = schemaFingerprint(d, layouts[d]);
    const stored = known.get(d);
    if (stored === fingerprint) continue;
    const exists = (await client.query("SELECT 1 FROM pg_class WHERE relname = $1 AND relkind = 'r' AND relnamespace = current_schema()::regnamespace", [`${d}_records`])).rowCount! > 0;
    if (!exists) {
      await client.query(`${pgRecordTables(d)}\n${pgSearchSchema(d, layouts[d])}`);
    } else if (stored !== undefined || !madeNow) {
      log(`${d}: its index tables change with this version; indexing its records again (once)...`);
      // Search tables of the old layout, whatever their document types were.
      const { rows: tables } = await client.query<{ name: string }>(
        "SELECT relname AS name FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace AND (relname LIKE $1 OR relname LIKE $2 OR relname LIKE $3 OR relname = ANY($4::text[]))",
        [`${d}\\_fts\\_%`, `${d}\\_num\\_%`, `${d}\\_parent\\_%`, [`${d}_vocab`, lengthsTable(d), fieldTotalsTable(d)]]);
      for (const t of tables) await client.query(`DROP TABLE ${t.name}`);
      await client.query(pgSearchSchema(d, layouts[d]));
      await reindex(client, d, layouts[d]);
    }
    // else: made by the numbered migrations just now, for this code's layout: adopted.
    await client.query('INSERT INTO dataset_schemas (dataset, layout) VALUES ($1, $2) ON CONFLICT (dataset) DO UPDATE SET layout = excluded.layout, updated_at = now()', [d, fingerprint]);
  }
}
