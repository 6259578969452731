// The bitmap postings (src/store/sqlite/postings.ts): plans they hold run on them and give the
// same pages and totals as SQL and the reference evaluator, across shards (records 65,536 ids
// apart, with two empty shards between), and a shard changed since its postings were built sends
// searches back to SQL until they are built again.
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
import type { SearchRequest } from '../src/query/ast.js';
import type { SortValues } from '../src/store/store.js';
import { importFile } from '../src/ingest/import-file.js';
import { applyPostingsSchema, postingsFormat } from '../src/store/sqlite/postings.js';
import { largest } from '../src/store/sqlite/bitmap-scores.js';
import fc from 'fast-check';
import { makeHarness, people, type Harness } from './helpers/harness.js';

/**
 * 320 people; a quarter of them moved to ids in two later shards (two shards left empty between);
 * one in ten without last_updated (last in the default order).
 */
function spread(): Record<string, unknown>[] {
  return people(320, 31).clean.map((p, i) => {
    const moved: Record<string, unknown> = i % 4 === 3 ? { ...p, id: (i % 8 === 3 ? 100_140_000 : 100_220_000) + i } : { ...p };
    if (i % 10 === 5) delete moved['last_updated'];
    return moved;
  });
}

/** A harness with spread() imported and its records.db open read-only, for `body`. */
async function withSpread(body: (h: Harness, db: Database.Database, file: string, records: Record<string, unknown>[]) => Promise<void>): Promise<void> {
  const h = await makeHarness();
  try {
    const records = spread();
    await h.importRecords('employee_clean', records);
    const file = join(storeDir(h.config), 'records.db');
    const db = new Database(file, { readonly: true });
    try {
      await body(h, db, file, records);
    } finally {
      db.close();
    }
  } finally {
    await h.close();
  }
}

const queries: Record<string, unknown> = {
  match_all: { match_all: {} },
  term_keyword: { term: { location_country_iso_2: 'US' } },
  terms_keyword: { terms: { location_country_iso_2: ['US', 'GB', 'DE', 'XX'] } },
  exists_keyword: { exists: { field: 'name_middle' } },
  exists_number: { exists: { field: 'follower_count' } },
  term_text_token: { match: { skills: 'python' } },
  match_keyword: { match: { management_level: 'Senior' } },
  // Words that repeat within a description (BM25's term frequency above one).
  match_text_words: { match: { description: 'data teams and the' } },
  range_open: { range: { follower_count: { gte: 500 } } },
  range_closed: { range: { follower_count: { gt: 100, lte: 900 } } },
  range_date: { range: { last_updated: { gte: '2025-01-01' } } },
  term_number: { term: { is_working: 1 } },
  terms_number: { terms: { follower_count: [...people(320, 31).clean.slice(0, 6).map((p) => p['follower_count']), 123_456_789] } },
  range_exclusive: { range: { follower_count: { gt: 0, lt: 1000 } } },
  ids: { ids: { values: [100_140_003, 100_220_007, 100_000_002, 5] } },
  bool_filter: { bool: { filter: [{ term: { location_country_iso_2: 'US' } }, { range: { follower_count: { gte: 300 } } }] } },
  bool_must_not: { bool: { must_not: [{ term: { location_country_iso_2: 'US' } }], filter: [{ exists: { field: 'headline' } }] } },
  bool_should_msm: {
    bool: { should: ['python', 'java', 'sql', 'aws', 'docker', 'excel'].map((s) => ({ match: { skills: s } })), minimum_should_match: 2 },
  },
  nested_term_must_not: {
    nested: { path: 'experience', query: { bool: { must: [{ exists: { field: 'experience.company_name' } }], must_not: [{ exists: { field: 'experience.date_to' } }] } } },
  },
  nested_range: { nested: { path: 'experience', query: { range: { 'experience.company_size_employees_count': { gte: 100, lte: 5000 } } } } },
  prefix_keyword: { prefix: { 'job_title.exact': 'Senior' } },
  wildcard_keyword: { wildcard: { 'job_title.exact': '*Engineer*' } },
  regexp_keyword: { regexp: { 'job_title.exact': '(Senior|Lead) .*' } },
  // Two words on short text columns: their two-word phrases held (within a value, never across
  // two values of an array: "saas cloud" are neighbouring categories, not one).
  nested_two_words: { nested: { path: 'experience', query: { match_phrase: { 'experience.company_categories_and_keywords': 'machine learning' } } } },
  nested_two_words_across_values: { nested: { path: 'experience', query: { match_phrase: { 'experience.company_categories_and_keywords': 'saas cloud' } } } },
  // Two words held (headline) combined with held leaves.
  phrase_and_keyword: { bool: { must: [{ match_phrase: { headline: 'senior engineer' } }], filter: [{ exists: { field: 'location_country_iso_2' } }], must_not: [{ term: { location_country_iso_2: 'DE' } }] } },
  // Hits found in SQL alone (no leaf held), few: their page comes from the shards' default order.
  phrase_only: { match_phrase: { headline: 'open to new opportunities' } },
  // A phrase of two words on a longer text column (no two-word phrases kept) read from FTS5 into bitmaps.
  phrase_or_range: { bool: { should: [{ match_phrase: { description: 'data teams' } }, { range: { follower_count: { lt: 50 } } }] } },
  // Score trees beyond a sum of clauses: constants, dis_max with a tie breaker, boosting.
  score_should_constants: {
    bool: { should: [{ match: { skills: 'python' } }, { range: { follower_count: { gte: 500, boost: 2 } } }, { constant_score: { filter: { exists: { field: 'name_middle' } }, boost: 0.5 } }] },
  },
  score_dis_max_tie: { dis_max: { queries: [{ match: { skills: 'python' } }, { match: { description: 'data' } }, { term: { location_country_iso_2: 'US' } }], tie_breaker: 0.3 } },
  score_boosting: { boosting: { positive: { match: { description: 'data teams' } }, negative: { term: { location_country_iso_2: 'US' } }, negative_boost: 0.25 } },
  // Fuzzy words (blended expansions) and match_bool_prefix's last word (a constant-score prefix).
  score_fuzzy: { match: { skills: { query: 'pythn jav', fuzziness: 'AUTO' } } },
  score_bool_prefix: { match_bool_prefix: { headline: 'senior eng' } },
};

test('bitmap postings: the same pages as SQL and the reference, across shards; stale shards run in SQL', () =>
  withSpread(async (h, db, _file, records) => {
    const shards = db.prepare('SELECT shard, version, built FROM employee_clean_posting_shards ORDER BY shard').all() as { shard: number; version: number; built: number }[];
    assert.deepEqual(shards.map((s) => s.shard), [1525, 1526, 1527, 1528, 1529], 'every shard from the first id to the last, the empty ones too');
    assert.ok(shards.every((s) => s.built === s.version));
    const layouts = layoutsOf(h.rt.datasets);
    const mapping = h.rt.datasets.employee_clean.mapping;
    const bitmaps = new SqliteSearchStore(db, layouts);
    const sql = new SqliteSearchStore(db, layouts, { bitmaps: false });
    const all = async (store: SqliteSearchStore, request: SearchRequest, size: number): Promise<{ ids: number[]; total: number; pages: number; values: SortValues[] }> => {
      const out = { ids: [] as number[], total: -1, pages: 0, values: [] as SortValues[] };
      let after: SortValues | null = null;
      for (;;) {
        const page = await store.search('employee_clean', request, after, size);
        out.total = page.total;
        if (page.ids.length === 0) return out;
        out.pages++;
        out.ids.push(...page.ids);
        out.values.push(...page.values.map((v) => ({ id: v.id, lastUpdated: v.lastUpdated ?? null, ...(v.score !== undefined ? { score: v.score } : {}) })));
        after = page.values[page.values.length - 1]!;
      }
    };
    // `_score` order runs on the bitmaps when every scoring clause is terms of the record type and
    // the postings hold every plan the score tree tests: all but match_all (its own way), the
    // queries with a phrase and the nested ones (their entries score as documents, in SQL).
    const scoredOnBitmaps = Object.keys(queries).filter((name) => !['match_all', 'phrase_and_keyword', 'phrase_only', 'phrase_or_range', 'nested_term_must_not', 'nested_range', 'nested_two_words', 'nested_two_words_across_values'].includes(name));
    const check = async (data: readonly Record<string, unknown>[], way: 'bitmaps' | 'sql'): Promise<void> => {
      const scored: string[] = [];
      for (const [name, query] of Object.entries(queries)) {
        for (const sort of [undefined, ['id'], ['_score']]) {
          const request = parseSearchRequest({ query, ...(sort ? { sort } : {}) }, { mapping, now: h.clock.now() });
          const expected = referenceSearch(request.query, data).sort((a, b) => a - b);
          const a = await all(bitmaps, request, 9);
          if (sort?.[0] === '_score') {
            if (bitmaps.lastWay === 'bitmaps') scored.push(name);
          } else {
            assert.equal(bitmaps.lastWay, name === 'phrase_only' ? 'sql' : way, `${name}: ran on ${bitmaps.lastWay}`);
          }
          const b = await all(sql, request, 9);
          assert.equal(a.total, expected.length, `${name}: total`);
          assert.deepEqual([...a.ids].sort((x, y) => x - y), expected, `${name}: ids`);
          assert.deepEqual(a, b, `${name} ${JSON.stringify(sort)}: bitmaps and SQL page alike`);
        }
      }
      assert.deepEqual(scored, way === 'bitmaps' ? scoredOnBitmaps : [], '`_score` order on the bitmaps, with the SQL path\'s scores to the bit');
    };
    await check(records, 'bitmaps');
    // The phrase across two values has its words in neighbouring values, and no hit.
    const apart = (query: unknown): number => referenceSearch(parseSearchRequest({ query }, { mapping, now: h.clock.now() }).query, records).length;
    const both = { nested: { path: 'experience', query: { bool: { must: [{ match: { 'experience.company_categories_and_keywords': 'saas' } }, { match: { 'experience.company_categories_and_keywords': 'cloud' } }] } } } };
    assert.ok(apart(both) > 0 && apart(queries['nested_two_words_across_values']!) === 0 && apart(queries['nested_two_words']!) > 0);
    // What the shards keep: two-word phrases of the short text columns, not of the long ones.
    const kept = db.prepare(`SELECT columns FROM employee_clean_posting_shards WHERE shard = 1525`).pluck().get() as string;
    const layout = layoutsOf(h.rt.datasets).employee_clean;
    const column = (path: string): number => layout.tokenField.get(path)!.column;
    const held = JSON.parse(kept) as Record<string, { pairs: number[]; unpaired: number[] }>;
    assert.ok(held['']!.pairs.includes(column('headline')) && held['']!.unpaired.includes(column('description')), kept);
    assert.ok(held['experience']!.pairs.includes(column('experience.company_categories_and_keywords')), kept);
    // Most queries find something, and some hits live in each populated shard.
    const us = parseSearchRequest({ query: queries['exists_number'] }, { mapping, now: h.clock.now() });
    const every = (await all(bitmaps, us, 1000)).ids;
    for (const base of [100_000_000, 100_140_000, 100_220_000]) assert.ok(every.some((id) => id > base && id < base + 65_536), `hits near ${base}`);

    // A record changed without its postings built again: its shard is stale, searches run in SQL.
    const changed = records.map((r, i) => (i === 0 ? { ...r, location_country_iso_2: 'US', follower_count: 777 } : r));
    const row = changed[0]!;
    await h.rt.store.employees.upsertBatch('employee_clean', [{ id: Number(row['id']), lastUpdated: String(row['last_updated']), json: JSON.stringify(row), shorthandNames: [] }]);
    await check(changed, 'sql');
    const report = await h.rt.store.employees.refreshPostings!('employee_clean');
    assert.equal(report.shards, 1, 'only the changed shard is built again');
    await check(changed, 'bitmaps');

    // An import that defers indexing changes a record's last_updated (the default order) while
    // the index keeps its old version: the shard is stale until built again, then in order.
    const moved = changed.findIndex((r, i) => i % 4 === 3 && String(r['last_updated'] ?? '') >= '2025-01-01');
    const newer = changed.map((r, i) => (i === moved ? { ...r, last_updated: '2029-12-31' } : r));
    const later = newer[moved]!;
    await h.rt.store.employees.upsertBatch('employee_clean', [{ id: Number(later['id']), lastUpdated: '2029-12-31', json: JSON.stringify(later), shorthandNames: [] }], { deferIndex: true });
    await check(newer, 'sql');
    await h.rt.store.employees.refreshPostings!('employee_clean');
    await check(newer, 'bitmaps');
    const first = await bitmaps.search('employee_clean', parseSearchRequest({ query: { match_all: {} } }, { mapping, now: h.clock.now() }), null, 1);
    assert.deepEqual(first.ids, [Number(later['id'])], 'the record is first in the default order');
  }));

test('number pairs in several blocks: ranges and terms read the blocks at their edges and find what SQL and the reference find', async () => {
  const h = await makeHarness();
  try {
    // 1,100 people in one shard: one bucket of follower counts (1,100 pairs, two blocks of
    // 1,024), experience entries in three.
    const records = people(1100, 35).clean;
    await h.importRecords('employee_clean', records);
    const db = new Database(join(storeDir(h.config), 'records.db'), { readonly: true });
    const blocks = db.prepare(`SELECT max(block) FROM employee_clean_number_pairs WHERE type = ''`).pluck().get() as number;
    assert.ok(blocks >= 1, 'a record number bucket keeps its pairs in more than one block');
    const bitmaps = new SqliteSearchStore(db, layoutsOf(h.rt.datasets));
    const sql = new SqliteSearchStore(db, layoutsOf(h.rt.datasets), { bitmaps: false });
    const followers = records.map((r) => Number(r['follower_count'])).sort((a, b) => a - b);
    const at = (q: number): number => followers[Math.floor(q * (followers.length - 1))]!;
    const sizes = { path: 'experience', query: { range: { 'experience.company_size_employees_count': { gte: 200, lt: 5000 } } } };
    const queries = [
      { range: { follower_count: { gte: at(0.1), lte: at(0.95) } } },
      { range: { follower_count: { gt: at(0.93), lt: at(0.97) } } },
      { range: { follower_count: { lt: at(0.05) } } },
      { terms: { follower_count: [at(0), at(0.3), at(0.92), at(0.94), at(1), -1] } },
      { nested: sizes },
      { nested: { path: 'experience', query: { terms: { 'experience.company_size_employees_count': [10, 50, 200, 1000, 5000, 10000] } } } },
    ];
    for (const query of queries) {
      const request = parseSearchRequest({ query }, { mapping: h.rt.datasets.employee_clean.mapping, now: h.clock.now() });
      const expected = referenceSearch(request.query, records).sort((a, b) => a - b);
      const a = await bitmaps.search('employee_clean', request, null, 2000);
      assert.equal(bitmaps.lastWay, 'bitmaps');
      const b = await sql.search('employee_clean', request, null, 2000);
      assert.ok(expected.length > 0, JSON.stringify(query));
      assert.deepEqual([...a.ids].sort((x, y) => x - y), expected, JSON.stringify(query));
      assert.deepEqual(a.ids, b.ids);
    }
    db.close();
  } finally {
    await h.close();
  }
});

test("patterns on text columns expand on the shards' word lists, and on FTS5's vocabulary for a shard built without them", () =>
  withSpread(async (h, db, file, records) => {
    const lists = new SqliteSearchStore(db, layoutsOf(h.rt.datasets));
    const fts5 = new SqliteSearchStore(db, layoutsOf(h.rt.datasets), { bitmaps: false });
    // Text columns (the keyword ones expand on the term dictionary), record and nested types.
    const patterns = [
      { wildcard: { full_name: '*an*' } },
      { wildcard: { description: 'dat?' } },
      { regexp: { headline: 'eng.*r' } },
      { fuzzy: { headline: { value: 'enginer' } } },
      { match: { description: { query: 'experiense', fuzziness: 'AUTO' } } },
      { match_phrase_prefix: { headline: { query: 'senior s', max_expansions: 3 } } },
      { nested: { path: 'experience', query: { wildcard: { 'experience.title': '*ngin*' } } } },
      { prefix: { full_name: 'ma' } },
      { wildcard: { full_name: '*zzqx*' } },
    ];
    const run = async (store: SqliteSearchStore, query: unknown): Promise<number[]> => {
      const request = parseSearchRequest({ query, sort: ['id'] }, { mapping: h.rt.datasets.employee_clean.mapping, now: h.clock.now() });
      return [...(await store.search('employee_clean', request, null, 2000)).ids];
    };
    const expected: number[][] = [];
    for (const query of patterns) {
      const request = parseSearchRequest({ query }, { mapping: h.rt.datasets.employee_clean.mapping, now: h.clock.now() });
      const want = await run(fts5, query);
      expected.push(want);
      assert.equal(fts5.lastVocabulary === 'postings', false);
      assert.deepEqual(await run(lists, query), want, JSON.stringify(query));
      if (!('prefix' in (query as object))) assert.equal(lists.lastVocabulary, 'postings', JSON.stringify(query));
      // (The reference evaluator expands match_phrase_prefix without max_expansions; here the
      // first terms in order must be the same ones on both lists.)
      if (!('match_phrase_prefix' in (query as object))) assert.deepEqual(want, referenceSearch(request.query, records).sort((a, b) => a - b), `${JSON.stringify(query)}: the reference evaluator`);
    }
    assert.ok(expected.filter((ids) => ids.length > 0).length >= 6, 'most patterns find people');
    // Every text column's terms, whole and by prefix, as FTS5 lists them.
    type Listing = { vocabulary(d: string, type: string, col: number, prefix: string): string[] };
    const layout = layoutsOf(h.rt.datasets).employee_clean;
    let compared = 0;
    for (const t of layout.docTypes) {
      for (const f of t.tokenFields) {
        if (f.def.type !== 'text') continue;
        for (const prefix of ['', 'a', 'se', 'zz']) {
          const want = (fts5 as unknown as Listing).vocabulary('employee_clean', t.path, f.column, prefix);
          assert.deepEqual((lists as unknown as Listing).vocabulary('employee_clean', t.path, f.column, prefix), want, `${t.path} ${f.def.path} '${prefix}'`);
          compared += want.length;
        }
      }
    }
    assert.ok(compared > 1000, `${compared} terms compared`);
    // A shard built before word lists existed has none: its columns expand on FTS5 as before.
    const write = new Database(file);
    write.prepare(`DELETE FROM employee_clean_postings WHERE shard = (SELECT min(shard) FROM employee_clean_posting_shards) AND col <= -400000`).run();
    write.close();
    const again = new SqliteSearchStore(db, layoutsOf(h.rt.datasets));
    for (const [i, query] of patterns.entries()) {
      assert.deepEqual(await run(again, query), expected[i], JSON.stringify(query));
      if (!('prefix' in (query as object))) assert.equal(again.lastVocabulary, 'fts5');
    }
    // Its searches stayed on the postings; the next refresh builds it again, with its lists.
    assert.equal(again.lastWay, 'bitmaps');
    const report = await h.rt.store.employees.refreshPostings!('employee_clean');
    assert.equal(report.shards, 1, 'only the shard without word lists is built again');
    // The same store sees the lists at once (the shard was built from the same version).
    assert.deepEqual(await run(again, patterns[0]), expected[0]);
    assert.equal(again.lastVocabulary, 'postings');
    assert.equal((await h.rt.store.employees.refreshPostings!('employee_clean')).shards, 0, 'and then none');
  }));

test('an import whose postings build fails keeps its records, says so, and its searches stay exact in SQL', async () => {
  const h = await makeHarness();
  try {
    const records = people(40, 33).clean;
    const file = join(h.config.dataDir, 'fail-postings.jsonl');
    writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const employees = h.rt.store.employees as { refreshPostings?: (d: string) => Promise<unknown> };
    const real = employees.refreshPostings!.bind(employees);
    employees.refreshPostings = async () => {
      throw new Error('database is locked');
    };
    const report = await importFile(h.rt.store, h.rt.datasets.employee_clean, file);
    assert.equal(report.imported, 40);
    assert.equal(report.postingsError, 'database is locked');
    const db = new Database(join(storeDir(h.config), 'records.db'), { readonly: true });
    const store = new SqliteSearchStore(db, layoutsOf(h.rt.datasets));
    const request = parseSearchRequest({ query: { exists: { field: 'follower_count' } } }, { mapping: h.rt.datasets.employee_clean.mapping, now: h.clock.now() });
    const page = await store.search('employee_clean', request, null, 100);
    assert.equal(store.lastWay, 'sql', 'no current postings: SQL');
    assert.deepEqual([...page.ids].sort((a, b) => a - b), referenceSearch(request.query, records).sort((a, b) => a - b));
    employees.refreshPostings = real;
    await real('employee_clean');
    await store.search('employee_clean', request, null, 100);
    assert.equal(store.lastWay, 'bitmaps');
    db.close();
  } finally {
    await h.close();
  }
});

test('postings tables an earlier format made are made again, and their shards built again', () => {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE employee_clean_number_pairs (shard INTEGER NOT NULL, type TEXT NOT NULL, field INTEGER NOT NULL, bucket INTEGER NOT NULL, pairs BLOB NOT NULL, PRIMARY KEY (shard, type, field, bucket)) WITHOUT ROWID;
    CREATE TABLE employee_clean_number_postings (shard INTEGER NOT NULL, bits BLOB NOT NULL);
    CREATE TABLE employee_clean_number_buckets (shard INTEGER NOT NULL, type TEXT NOT NULL, field INTEGER NOT NULL, bucket INTEGER NOT NULL, lo REAL NOT NULL, hi REAL NOT NULL, bits BLOB NOT NULL, PRIMARY KEY (shard, type, field, bucket)) WITHOUT ROWID;
    CREATE TABLE employee_clean_posting_shards (shard INTEGER PRIMARY KEY, version INTEGER NOT NULL, built INTEGER NOT NULL, format INTEGER NOT NULL, columns TEXT NOT NULL);
    INSERT INTO employee_clean_posting_shards VALUES (1525, 3, 3, ${postingsFormat}, '{}');`);
  applyPostingsSchema(db, 'employee_clean');
  const columns = (t: string): string[] => (db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name);
  assert.deepEqual(columns('employee_clean_number_pairs'), ['shard', 'type', 'field', 'bucket', 'block', 'lo', 'hi', 'pairs']);
  assert.deepEqual(columns('employee_clean_number_postings'), [], 'the table of the first format is gone');
  assert.deepEqual(columns('employee_clean_number_buckets').length, 7);
  const keyIndexes = db.prepare("SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name LIKE '%\\_key' ESCAPE '\\' ORDER BY tbl_name").pluck().all();
  assert.deepEqual(keyIndexes, ['employee_clean_number_buckets', 'employee_clean_number_pairs', 'employee_clean_postings'], 'format 5\'s WITHOUT ROWID buckets table is made again as a rowid table with its key index');
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE sql LIKE '%WITHOUT ROWID%'").pluck().get(), 0);
  assert.equal(db.prepare('SELECT format FROM employee_clean_posting_shards').pluck().get(), 0, 'the shard is stale until built again');
  // Current tables: nothing changes.
  db.exec(`UPDATE employee_clean_posting_shards SET format = ${postingsFormat}`);
  applyPostingsSchema(db, 'employee_clean');
  assert.equal(db.prepare('SELECT format FROM employee_clean_posting_shards').pluck().get(), postingsFormat);
  db.close();
});

test('the k-th largest score is the one a full sort puts at place k (ties and all)', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.constantFrom(0, 1, 2.5)), { minLength: 1, maxLength: 300 }), fc.nat(), (values, at) => {
      const k = (at % values.length) + 1;
      const sorted = [...values].sort((a, b) => b - a);
      assert.equal(largest(Float64Array.from(values), k), sorted[k - 1]);
    }),
    { seed: 7, numRuns: 2000 },
  );
});
