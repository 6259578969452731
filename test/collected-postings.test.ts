// Postings collected by an import's parse workers (src/store/postings/shard-collector.ts): a part
// (shard) the import fills alone gets the same postings, byte for byte, as the build from its
// stored records; a part the import does not wholly hold (records from before, a record twice,
// a record after the part was written) is built from its records, so it ends the same too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { layoutsOf } from '../src/datasets/datasets.js';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { referenceSearch } from '../src/query/reference/reference-matcher.js';
import { storeDir } from '../src/runtime.js';
import { SqliteSearchStore } from '../src/store/sqlite/sqlite-search-store.js';
import { importFile, type ImportReport } from '../src/ingest/import-file.js';
import { makeHarness, people, type Harness } from './helpers/harness.js';

const base = 100_000_000;
const shardOf = (id: number): number => Math.floor(id / 65_536);

/** `n` people (seed `seed`) with ids from `first` on, `step` apart. */
function batch(n: number, seed: number, first: number, step = 1): Record<string, unknown>[] {
  return people(n, seed).clean.map((p, i) => ({ ...p, id: first + i * step }));
}

/** Every row of the postings tables, keyed, in a stable order. */
function dump(db: Database.Database): Record<string, unknown[]> {
  const d = 'employee_clean';
  return {
    postings: db.prepare(`SELECT shard, type, col, term, hex(bits) FROM ${d}_postings ORDER BY shard, type, col, term`).raw().all(),
    buckets: db.prepare(`SELECT shard, type, field, bucket, lo, hi, hex(bits) FROM ${d}_number_buckets ORDER BY shard, type, field, bucket`).raw().all(),
    pairs: db.prepare(`SELECT shard, type, field, bucket, block, lo, hi, hex(pairs) FROM ${d}_number_pairs ORDER BY shard, type, field, bucket, block`).raw().all(),
    shards: db.prepare(`SELECT shard, built = version, format, columns FROM ${d}_posting_shards ORDER BY shard`).raw().all(),
  };
}

let files = 0;
/** Imports the records as one file with two parse workers and small batches (parts are asked for while the import goes on). */
async function importAll(h: Harness, records: readonly Record<string, unknown>[]): Promise<ImportReport> {
  const file = join(h.config.dataDir, `collect-${files++}.jsonl`);
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const report = await importFile(h.rt.store, h.rt.datasets.employee_clean, file, { workers: 2, batchSize: 12 });
  assert.equal(report.rejected, 0);
  return report;
}

/** The postings as the store holds them, then as the build from the stored records makes them: they must be equal. */
async function assertAsBuilt(h: Harness): Promise<void> {
  const file = join(storeDir(h.config), 'records.db');
  const db = new Database(file);
  try {
    const held = dump(db);
    assert.ok(held.postings!.length > 1000 && held.pairs!.length > 0, 'postings of terms and numbers');
    assert.ok((held.shards as unknown[][]).every((s) => s[1] === 1), 'every part current');
    db.exec('UPDATE employee_clean_posting_shards SET format = 0');
    const rebuilt = await h.rt.store.employees.refreshPostings!('employee_clean');
    assert.equal(rebuilt.shards, held.shards!.length, 'every part built again from its records');
    assert.deepEqual(dump(db), held, 'the same postings, byte for byte');
  } finally {
    db.close();
  }
}

async function assertSearches(h: Harness, records: readonly Record<string, unknown>[]): Promise<void> {
  const db = new Database(join(storeDir(h.config), 'records.db'), { readonly: true });
  try {
    const store = new SqliteSearchStore(db, layoutsOf(h.rt.datasets));
    for (const query of [
      { term: { location_country_iso_2: 'US' } },
      { bool: { filter: [{ match: { skills: 'python' } }, { range: { follower_count: { gte: 200 } } }] } },
      { nested: { path: 'experience', query: { range: { 'experience.company_size_employees_count': { gte: 100, lte: 5000 } } } } },
    ]) {
      const request = parseSearchRequest({ query }, { mapping: h.rt.datasets.employee_clean.mapping, now: h.clock.now() });
      const page = await store.search('employee_clean', request, null, 10_000);
      assert.equal(store.lastWay, 'bitmaps', JSON.stringify(query));
      const expected = referenceSearch(request.query, records).sort((a, b) => a - b);
      assert.ok(expected.length > 0);
      assert.deepEqual([...page.ids].sort((a, b) => a - b), expected, JSON.stringify(query));
    }
  } finally {
    db.close();
  }
}

test('an import collects the postings of the parts it fills: the same as built from the records, nothing built after the last record', async () => {
  const h = await makeHarness();
  try {
    // Three parts, in id order: each is asked for once later batches no longer hold it.
    const records = [...batch(110, 41, base + 5), ...batch(90, 42, base + 70_000, 3), ...batch(60, 43, base + 200_000, 7)];
    const report = await importAll(h, records);
    assert.equal(report.imported, records.length);
    assert.equal(report.postingsCollected, 3, 'all three parts collected');
    assert.equal(report.postings?.records, 0, 'no record read to build postings (only the empty part between two is made)');
    await assertSearches(h, records);
    await assertAsBuilt(h);
  } finally {
    await h.close();
  }
});

test('parts an import does not wholly hold are built from their records', async () => {
  const h = await makeHarness();
  try {
    const first = [...batch(120, 51, base + 11), ...batch(100, 52, base + 70_000, 5)];
    assert.equal((await importAll(h, first)).postingsCollected, 2);
    // Changed records of a part that held records before; a fresh part; a fresh part with a
    // record twice (the second version differs); a part asked for early that gets one more record
    // at the end of the file.
    const changed: Record<string, unknown>[] = first.slice(0, 30).map((r) => ({ ...r, follower_count: 4321, location_country_iso_2: 'NZ' }));
    const fresh = batch(80, 53, base + 300_000, 11);
    const twice = batch(40, 54, base + 400_000, 13);
    const again: Record<string, unknown> = { ...twice[5]!, location_country_iso_2: 'IS', follower_count: 5 };
    const early = batch(40, 55, base + 500_000, 17);
    const late = batch(1, 56, base + 500_000 + 40 * 17)[0]!;
    const second = [...changed, ...early, ...fresh, ...twice, again, ...batch(120, 57, base + 600_000, 2), late];
    const report = await importAll(h, second);
    assert.equal(report.imported, second.length);
    const final = new Map<number, Record<string, unknown>>();
    for (const r of [...first, ...second]) final.set(Number(r['id']), r);
    assert.equal(new Set([...final.keys()].map(shardOf)).size, 6);
    // Built from their records: the part that held records before, the one with a record twice,
    // the one with a late record; collected: the two other fresh parts, and the one with a late
    // record when it was written before that record came (it then is built again at the end).
    const rebuilt = new Set([changed[0]!, twice[0]!, late].map((r) => shardOf(Number(r['id']))));
    assert.ok(report.postingsCollected === 2 || report.postingsCollected === 3, `collected ${report.postingsCollected}`);
    assert.equal(report.postings?.records, [...final.keys()].filter((id) => rebuilt.has(shardOf(id))).length);
    await assertSearches(h, [...final.values()]);
    await assertAsBuilt(h);
  } finally {
    await h.close();
  }
});
