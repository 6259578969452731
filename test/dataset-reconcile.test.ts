// Datasets as data: each store keeps the index layout its tables were made for, per dataset.
// A store made by an earlier release (the numbered migrations only) is indexed again once; a
// dataset the database lacks gets its tables; a dataset whose layout changed has its search tables made anew and every record indexed again,
// on start-up, without losing a record. Runs on both stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config/config.js';
import { datasetNames } from '../src/datasets/datasets.js';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { referenceSearch } from '../src/query/reference/reference-matcher.js';
import { openRuntime, storeDir, type Runtime } from '../src/runtime.js';
import { ftsTable, legacyDatasets, numTable, parentTable, schemaFingerprint, typeSuffix } from '../src/store/sql/search-tables.js';
import { multiSourceFromClean } from '../src/generator/multi-source-shape.js';
import { makeHarness, people } from './helpers/harness.js';
import { testStore } from './helpers/pg-database.js';

type Rec = Record<string, unknown>;

/** Runs one statement on the harness's database (records.db on the embedded store). */
async function onDatabase(config: Config, sql: string): Promise<Rec[]> {
  if (config.databaseUrl) {
    const client = new pg.Client({ connectionString: config.databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql)).rows as Rec[];
    } finally {
      await client.end();
    }
  }
  const db = new Database(join(storeDir(config), 'records.db'));
  try {
    const st = db.prepare(sql);
    if (st.reader) return st.all() as Rec[];
    st.run();
    return [];
  } finally {
    db.close();
  }
}

const queries: unknown[] = [
  { match: { headline: 'engineer' } },
  { nested: { path: 'experience', query: { wildcard: { 'experience.title.exact': '*Engineer*' } } } },
  { range: { connections_count: { gte: 100 } } },
];

async function assertSearchable(rt: Runtime, records: Rec[], now: number, label: string): Promise<void> {
  for (const query of queries) {
    const request = parseSearchRequest({ query }, { mapping: rt.datasets.employee_clean.mapping, now });
    const page = await rt.store.search.search('employee_clean', { ...request, sort: 'id' }, null, 10_000);
    assert.deepEqual([...page.ids], referenceSearch(request.query, records).sort((a, b) => a - b), `${label}: ${JSON.stringify(query)}`);
  }
}

async function fingerprints(config: Config): Promise<Map<string, string>> {
  const rows = await onDatabase(config, 'SELECT dataset, layout FROM dataset_schemas');
  return new Map(rows.map((r) => [String(r['dataset']), String(r['layout'])]));
}

test('every dataset of the registry has its layout recorded on a new store', async () => {
  const h = await makeHarness();
  try {
    const stored = await fingerprints(h.config);
    assert.deepEqual([...stored.keys()].sort(), [...datasetNames].sort());
    for (const d of datasetNames) assert.equal(stored.get(d), schemaFingerprint(d, h.rt.datasets[d].layout), d);
  } finally {
    await h.close();
  }
});

test('the legacy datasets keep the table names stores made before hold; later ones fit PostgreSQL\'s 63-byte names', async () => {
  const h = await makeHarness();
  try {
    for (const d of datasetNames) {
      for (const t of h.rt.datasets[d].layout.docTypes) {
        for (const [kind, name] of [['fts', ftsTable(d, t)], ['num', numTable(d, t)], ['parent', parentTable(d, t)]] as const) {
          if ((legacyDatasets as readonly string[]).includes(d)) assert.equal(name, `${d}_${kind}_${typeSuffix(t)}`);
          else assert.ok(name.length <= 58, `${name}: room for _pkey within 63 bytes`);
        }
      }
    }
  } finally {
    await h.close();
  }
});

test('a dataset whose layout changed is indexed again on start-up, keeping every record', async () => {
  const h = await makeHarness();
  const heard: string[] = [];
  const reopen = (): Promise<Runtime> => openRuntime(loadConfig({ ROLLCALL_LOG_LEVEL: 'silent' }, { dataDir: h.config.dataDir, databaseUrl: h.config.databaseUrl ?? undefined }), undefined, { log: (m) => heard.push(m) });
  try {
    const data = people(60, 31).clean;
    await h.importRecords('employee_clean', data);
    await assertSearchable(h.rt, data, h.clock.now(), 'imported');
    await h.rt.store.close();
    // As if the tables had been made for another mapping: the fingerprint differs, and the
    // index has rows the current layout would never write.
    await onDatabase(h.config, "UPDATE dataset_schemas SET layout = 'an-older-layout' WHERE dataset = 'employee_clean'");
    await onDatabase(h.config, "DELETE FROM employee_clean_num_root WHERE field >= 0");
    const rt = await reopen();
    try {
      assert.ok(heard.some((m) => m.startsWith('employee_clean: its index tables change')), 'the rebuild is announced');
      assert.ok(!heard.some((m) => m.startsWith('employee:') || m.startsWith('employee_multi_source:')), 'datasets whose layout stands are left alone');
      assert.equal((await fingerprints(h.config)).get('employee_clean'), schemaFingerprint('employee_clean', rt.datasets.employee_clean.layout));
      assert.equal(await rt.store.employees.count('employee_clean'), data.length);
      await assertSearchable(rt, data, h.clock.now(), 'after the rebuild');
    } finally {
      await rt.store.close();
    }
  } finally {
    await h.close().catch(() => undefined);
  }
});

test('a store made by an earlier release is indexed again once and gains the datasets it lacked', { skip: testStore() === 'postgres' ? 'uses the embedded store\'s numbered migrations directly; PostgreSQL adopts the same way (the first test runs the reconciler on it)' : false }, async () => {
  const h = await makeHarness();
  try {
    const data = people(30, 32).clean;
    await h.importRecords('employee_clean', data);
    await h.rt.store.close();
    // Back to the schema version before dataset_schemas existed, and before the datasets added
    // since: their tables go too.
    await onDatabase(h.config, 'DROP TABLE dataset_schemas');
    const db = new Database(join(storeDir(h.config), 'records.db'));
    const added = datasetNames.filter((d) => d !== 'employee' && d !== 'employee_clean');
    for (const d of added) {
      const tables = () => (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ?").all(d.length + 1, `${d}_`) as { name: string; sql: string }[]);
      for (const t of tables().filter((t) => t.sql.startsWith('CREATE VIRTUAL'))) db.exec(`DROP TABLE ${t.name}`);
      for (const t of tables()) db.exec(`DROP TABLE ${t.name}`);
    }
    db.pragma('user_version = 6');
    db.close();
    const heard: string[] = [];
    const rt = await openRuntime(loadConfig({ ROLLCALL_LOG_LEVEL: 'silent' }, { dataDir: h.config.dataDir }), undefined, { log: (m) => heard.push(m) });
    try {
      assert.equal((await fingerprints(h.config)).size, datasetNames.length);
      // Its tables may have been made for another layout (Clean's did: picture_url was indexed).
      assert.deepEqual(heard.filter((m) => m.includes('indexing its records again')).map((m) => m.split(':')[0]).sort(), ['employee', 'employee_clean']);
      await assertSearchable(rt, data, h.clock.now(), 'indexed again');
      // The datasets the old file lacked are there, empty and usable.
      assert.ok(added.includes('employee_multi_source'));
      for (const d of added) assert.equal(await rt.store.employees.count(d), 0);
      const multi = data.slice(0, 3).map(multiSourceFromClean);
      await rt.store.employees.upsertBatch('employee_multi_source', multi.map((r) => ({ id: Number(r['id']), lastUpdated: String(r['updated_at']), json: JSON.stringify(r), shorthandNames: [] })));
      assert.equal(await rt.store.employees.count('employee_multi_source'), 3);
    } finally {
      await rt.store.close();
    }
  } finally {
    await h.close().catch(() => undefined);
  }
});
