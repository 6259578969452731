// The SQLite plans of the bench:search queries are recorded in test/fixtures/query-plans.json.
// A change to the compiler or schema that changes a plan (say, a full scan where an index was
// used) fails here until the new plans are reviewed and recorded with UPDATE_PLANS=1.
import { layoutsOf } from '../src/datasets/datasets.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchQueries } from '../bench/search-queries.js';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { SqliteSearchStore } from '../src/store/sqlite/sqlite-search-store.js';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { storeDir } from '../src/runtime.js';
import { makeHarness, people } from './helpers/harness.js';

const fixture = fileURLToPath(new URL('../../test/fixtures/query-plans.json', import.meta.url));

test('query plans of the bench:search queries match the recorded ones', async () => {
  const h = await makeHarness();
  try {
    await h.importRecords('employee_clean', people(30, 5).clean);
    const db = new Database(join(storeDir(h.config), 'records.db'), { readonly: true });
    const ds = h.rt.datasets;
    // The SQL plans (every query can run in SQL: when the bitmap postings of a part of the store
    // are stale, or hold no leaf of it).
    const store = new SqliteSearchStore(db, layoutsOf(ds), { bitmaps: false });
    const withBitmaps = new SqliteSearchStore(db, layoutsOf(ds));
    const plans: Record<string, string[]> = {};
    const onBitmaps: string[] = [];
    for (const q of benchQueries) {
      const request = parseSearchRequest(q.body, { mapping: ds.employee_clean.mapping, now: Date.UTC(2026, 0, 1) });
      await store.search('employee_clean', request, null, 1001);
      plans[q.name] = store.explainLast();
      const a = await withBitmaps.search('employee_clean', request, null, 1001);
      if (withBitmaps.lastWay === 'bitmaps') onBitmaps.push(q.name);
      assert.deepEqual(a.ids, (await store.search('employee_clean', request, null, 1001)).ids, q.name);
    }
    // Which run on the bitmap postings in this small store (every column held, phrases read
    // from FTS5 into bitmaps): all of them, `_score` order of a term too.
    assert.deepEqual(onBitmaps, benchQueries.map((q) => q.name));
    db.close();
    if (process.env['UPDATE_PLANS'] === '1' || !existsSync(fixture)) {
      writeFileSync(fixture, JSON.stringify(plans, null, 2) + '\n');
    }
    const recorded = JSON.parse(readFileSync(fixture, 'utf8')) as Record<string, string[]>;
    for (const [name, plan] of Object.entries(plans)) {
      assert.deepEqual(plan, recorded[name], `plan changed for "${name}"; review it and record with UPDATE_PLANS=1`);
    }
    // Only the query that wants every record may scan the records table (and only to list ids).
    const scans = Object.entries(plans).filter(([, plan]) => plan.some((l) => /SCAN (r|employee_clean_records)\b(?! USING COVERING INDEX)/.test(l))).map(([n]) => n);
    assert.deepEqual(scans, [], 'record-table scans');
  } finally {
    await h.close();
  }
});
