// The embedded store's number tables are keyed by the part (postings shard) of each document's
// record first. A range or a set of numbers is then one seek a part (numberRows); a store made
// with (field, value, doc) tables gets the new key once when it opens (applyNumberParts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { layoutsOf } from '../src/datasets/datasets.js';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { referenceSearch } from '../src/query/reference/reference-matcher.js';
import { storeDir } from '../src/runtime.js';
import { SqliteSearchStore } from '../src/store/sqlite/sqlite-search-store.js';
import { applyNumberParts, numTable } from '../src/store/sqlite/search-schema.js';
import { shardSize } from '../src/store/sqlite/postings.js';
import { makeHarness, people } from './helpers/harness.js';

const queries = [
  { range: { follower_count: { gte: 300 } } },
  { terms: { company_id: [] as number[] } },
  { nested: { path: 'experience', query: { range: { 'experience.company_size_employees_count': { gte: 50, lte: 5000 } } } } },
  { bool: { filter: [{ range: { last_updated: { gte: '2024-06-01' } } }], must_not: [{ range: { follower_count: { lt: 100 } } }] } },
];

test('number rows are keyed by their record\'s part; a store made before gets that key once, and numbers find in SQL what the reference finds', async () => {
  const h = await makeHarness();
  try {
    // Records spread over many parts: the first half in neighbouring parts (ids 40,000 apart),
    // the second with empty parts between (150,000 apart).
    const records: Record<string, unknown>[] = people(60, 11).clean.map((r, i) => ({ ...r, id: 100_000_001 + Math.min(i, 30) * 40_000 + Math.max(0, i - 30) * 150_000 }));
    const companies = records.flatMap((r) => ((r['experience'] as { company_id?: number }[] | undefined) ?? []).map((e) => e.company_id)).filter((c): c is number => typeof c === 'number');
    queries[1] = { terms: { company_id: companies.slice(0, 25) } };
    await h.importRecords('employee_clean', records);
    const ds = h.rt.datasets;
    const layout = ds.employee_clean.layout;
    const db = new Database(join(storeDir(h.config), 'records.db'));
    const partOf = (t: string): string => (t === '' ? `doc / ${shardSize}` : `doc / ${shardSize * 1024}`);
    for (const t of layout.docTypes) {
      const table = numTable('employee_clean', t);
      assert.equal(db.prepare(`SELECT count(*) FROM ${table} WHERE part <> ${partOf(t.path)}`).pluck().get(), 0, `${table}: every row in its record's part`);
    }
    assert.ok((db.prepare(`SELECT count(DISTINCT part) FROM ${numTable('employee_clean', '')}`).pluck().get() as number) > 20, 'the records span many parts');
    // SQL only (the postings would answer these otherwise).
    const sql = new SqliteSearchStore(db, layoutsOf(ds), { bitmaps: false });
    const ids = async (): Promise<number[][]> => {
      const out: number[][] = [];
      for (const query of queries) {
        const request = parseSearchRequest({ query, sort: ['id'] }, { mapping: ds.employee_clean.mapping, now: Date.UTC(2026, 0, 1) });
        out.push([...(await sql.search('employee_clean', request, null, 1000)).ids]);
      }
      return out;
    };
    const before = await ids();
    queries.forEach((query, i) => {
      const request = parseSearchRequest({ query, sort: ['id'] }, { mapping: ds.employee_clean.mapping, now: Date.UTC(2026, 0, 1) });
      assert.deepEqual(before[i], referenceSearch(request.query, records).sort((a, b) => a - b), JSON.stringify(query));
      assert.ok(before[i]!.length > 0 && before[i]!.length < records.length, `${JSON.stringify(query)} finds some records, not all`);
    });
    // A store made before the part key: its tables as (field, value, doc).
    const counts = new Map<string, number>();
    for (const t of layout.docTypes) {
      const table = numTable('employee_clean', t);
      counts.set(table, db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number);
      db.exec(`CREATE TABLE ${table}_made_before (field INTEGER NOT NULL, value REAL NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (field, value, doc)) WITHOUT ROWID;
        INSERT INTO ${table}_made_before SELECT field, value, doc FROM ${table}; DROP TABLE ${table}; ALTER TABLE ${table}_made_before RENAME TO ${table};`);
    }
    const logged: string[] = [];
    applyNumberParts(db, 'employee_clean', layout, (m) => logged.push(m));
    assert.equal(logged.length, 2, 'said when it starts and how long it took');
    for (const t of layout.docTypes) {
      const table = numTable('employee_clean', t);
      assert.equal(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), counts.get(table), `${table}: every row kept`);
      assert.equal(db.prepare(`SELECT count(*) FROM ${table} WHERE part <> ${partOf(t.path)}`).pluck().get(), 0, `${table}: rows in their part`);
    }
    applyNumberParts(db, 'employee_clean', layout, (m) => logged.push(m));
    assert.equal(logged.length, 2, 'done once');
    assert.deepEqual(await ids(), before);
    db.close();
  } finally {
    await h.close();
  }
});
