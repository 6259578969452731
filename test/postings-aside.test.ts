// Shards an import has moved past get their bitmap postings built on a thread of their own while
// the writes go on (SqliteEmployeeStore, buildQuietShard): the writes wait for its short write
// transaction instead of failing on the lock, a shard written again afterwards is built again by
// the refresh that ends the import, and every search stays exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { layoutsOf } from '../src/datasets/datasets.js';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { referenceSearch } from '../src/query/reference/reference-matcher.js';
import { storeDir } from '../src/runtime.js';
import { SqliteSearchStore } from '../src/store/sqlite/sqlite-search-store.js';
import { shardCurrent, shardOf } from '../src/store/sqlite/postings.js';
import type { EmployeeRow } from '../src/store/store.js';
import { makeHarness, people } from './helpers/harness.js';

const rowOf = (r: Record<string, unknown>): EmployeeRow => ({ id: Number(r['id']), lastUpdated: String(r['last_updated'] ?? ''), json: JSON.stringify(r), shorthandNames: [] });

test('shards an import has moved past are built while it goes on; one written again is built again', async () => {
  const h = await makeHarness();
  try {
    // Three shards' worth of people, in id order: ids 100,0xx,xxx, 100,3xx,xxx and 100,6xx,xxx.
    const base = people(1_500, 61).clean;
    const records = base.map((p, i) => ({ ...p, id: Number(p['id']) + [0, 300_000, 600_000][Math.floor(i / 500)]! }));
    const shards = [...new Set(records.map((r) => shardOf(Number(r['id']))))];
    assert.equal(shards.length, 3);
    const employees = h.rt.store.employees;
    const write = async (rows: readonly Record<string, unknown>[]): Promise<void> => {
      for (let i = 0; i < rows.length; i += 100) await employees.upsertBatch('employee_clean', rows.slice(i, i + 100).map(rowOf));
    };
    const db = new Database(join(storeDir(h.config), 'records.db'), { readonly: true });
    const current = (shard: number): boolean => shardCurrent(db, 'employee_clean', shard);

    // The first shard's five writes, then four into the second: the first is quiet, built aside.
    await write(records.slice(0, 900));
    const deadline = Date.now() + 30_000;
    while (!current(shards[0]!)) {
      assert.ok(Date.now() < deadline, 'the first shard is built while no refresh runs');
      await employees.upsertBatch('employee_clean', [rowOf(records[500]!)]); // unchanged: keeps writing, changes nothing
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(!current(shards[1]!), 'the shard being written is not built');

    // The rest, then ten people of the first shard changed: it is stale again.
    await write(records.slice(900));
    const changed = records.map((r, i) => (i < 10 ? { ...r, location_country_iso_2: 'ZZ', follower_count: 4242 } : r));
    await write(changed.slice(0, 10));
    assert.ok(!current(shards[0]!), 'a shard written after its build is stale');
    const report = await employees.refreshPostings!('employee_clean');
    assert.ok((report.aside ?? 0) >= 1, `shards built aside: ${report.aside}`);
    assert.ok(report.shards >= 2, 'the refresh builds the first shard again and the last one');
    for (const s of shards) assert.ok(current(s), `shard ${s} current`);

    const search = new SqliteSearchStore(db, layoutsOf(h.rt.datasets));
    const mapping = h.rt.datasets.employee_clean.mapping;
    for (const query of [
      { term: { location_country_iso_2: 'ZZ' } },
      { range: { follower_count: { gte: 4000, lte: 5000 } } },
      { bool: { filter: [{ exists: { field: 'headline' } }], must_not: [{ term: { location_country_iso_2: 'US' } }] } },
    ]) {
      const request = parseSearchRequest({ query }, { mapping, now: h.clock.now() });
      const page = await search.search('employee_clean', request, null, 2_000);
      assert.equal(search.lastWay, 'bitmaps');
      assert.deepEqual([...page.ids].sort((a, b) => a - b), referenceSearch(request.query, changed).sort((a, b) => a - b), JSON.stringify(query));
    }
    db.close();
  } finally {
    await h.close();
  }
});
