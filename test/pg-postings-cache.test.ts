// A PostgreSQL node keeps a copy of the search postings (pg-postings-cache.ts): searches run on
// it while every part of it is built from the version of the records the database holds, and in
// SQL otherwise; both ways answer the same page and total.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { layoutsOf } from '../src/datasets/datasets.js';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { referenceSearch } from '../src/query/reference/reference-matcher.js';
import { openPostgresStore } from '../src/store/postgres/pg-store.js';
import type { PgSearchStore } from '../src/store/postgres/pg-search-store.js';
import type { PgPostingsCache } from '../src/store/postgres/pg-postings-cache.js';
import type { SearchPage, SortValues, Store } from '../src/store/store.js';
import { makeHarness, people } from './helpers/harness.js';
import { testStore } from './helpers/pg-database.js';

const queries: unknown[] = [
  { match_all: {} },
  { term: { location_country_iso_2: 'US' } },
  { match: { headline: 'engineer manager' } },
  { match_phrase: { headline: 'director of' } },
  { prefix: { 'full_name.exact': 'J' } },
  { range: { follower_count: { gte: 300, lt: 5000 } } },
  { exists: { field: 'name_middle' } },
  { nested: { path: 'experience', query: { range: { 'experience.company_size_employees_count': { gte: 50, lte: 5000 } } } } },
  { bool: { filter: [{ range: { last_updated: { gte: '2024-06-01' } } }], must_not: [{ term: { department: 'Sales' } }] } },
  { bool: { should: [{ term: { department: 'Sales' } }, { term: { department: 'Engineering' } }, { range: { connections_count: { gte: 400 } } }], minimum_should_match: 2 } },
];

/** `_score` order of clauses of terms of the record type, which the copy scores. */
const scored: unknown[] = [
  { match: { headline: 'engineer manager' } },
  { bool: { should: [{ match: { headline: 'engineer' } }, { term: { department: 'Sales' } }], filter: [{ range: { follower_count: { gte: 100 } } }] } },
  { multi_match: { query: 'sales director', fields: ['headline', 'job_title^2'] } },
];

/** A phrase of three words, which the postings do not hold: read from SQL as record ids, the rest on the copy. */
const longText = { bool: { must: [{ match_phrase: { description: 'years in sales' } }], filter: [{ range: { follower_count: { gte: 300 } } }] } };

const skip = testStore() !== 'postgres' ? 'runs in the PostgreSQL pass (the copy of the postings is the PostgreSQL store\'s)' : false;

test('a PostgreSQL node answers from its copy of the postings the pages SQL answers, and in SQL while a part is written since its build', { skip, timeout: 180_000 }, async () => {
  const h = await makeHarness();
  let sqlOnly: Store | null = null;
  const client = new pg.Client({ connectionString: h.config.databaseUrl! });
  try {
    await client.connect();
    // Four parts (65,536 ids each), one of them written twice below.
    const records: Record<string, unknown>[] = people(120, 13).clean.map((r, i) => ({ ...r, id: 300_000_001 + i * 2_000 }));
    await h.importRecords('employee_clean', records);
    const ds = h.rt.datasets;
    const search = h.rt.store.search as PgSearchStore;
    sqlOnly = await openPostgresStore(h.config.databaseUrl!, layoutsOf(ds));
    const parse = (query: unknown, sort: string[]) => parseSearchRequest({ query, sort }, { mapping: ds.employee_clean.mapping, now: Date.UTC(2026, 0, 1) });
    const versions = async (): Promise<Map<number, number>> =>
      new Map((await client.query<{ shard: number; version: string }>('SELECT shard, version FROM employee_clean_shard_versions')).rows.map((r) => [r.shard, Number(r.version)]));

    /** Each query's first page of 7 and the page after it, in both orders, on the copy and in SQL; the ways the copy went. */
    const compare = async (rows: readonly Record<string, unknown>[], list = queries, sorts: string[][] = [[], ['id']]): Promise<Set<string>> => {
      const ways = new Set<string>();
      for (const query of list) {
        for (const sort of sorts) {
          const request = parse(query, sort);
          let after: SortValues | null = null;
          for (let pageNo = 0; pageNo < 2; pageNo++) {
            const got: SearchPage = await search.search('employee_clean', request, after, 7);
            ways.add(search.lastWay);
            const want = await sqlOnly!.search.search('employee_clean', request, after, 7);
            const label = `${JSON.stringify(query)} sort ${JSON.stringify(sort)} page ${pageNo}`;
            assert.deepEqual(got.ids, want.ids, label);
            assert.equal(got.total, want.total, label);
            assert.deepEqual(got.values.map((v) => v.lastUpdated ?? null), want.values.map((v) => v.lastUpdated ?? null), label);
            assert.deepEqual(got.values.map((v) => v.score), want.values.map((v) => v.score), `${label}: scores`);
            if (pageNo === 0) assert.equal(got.total, referenceSearch(request.query, rows).length, `${label}: the reference's total`);
            if (got.values.length === 0) break;
            after = got.values[got.values.length - 1]!;
          }
        }
      }
      return ways;
    };

    const built = await versions();
    const parts = [...new Set(records.map((r) => Math.floor((r['id'] as number) / 65_536)))];
    assert.ok(parts.length >= 4);
    assert.deepEqual([...built.keys()].sort((a, b) => a - b), parts, 'a version for each part that holds records');
    assert.deepEqual(await compare(records), new Set(['bitmaps']), 'every query ran on the copy');
    assert.deepEqual(await compare(records, scored, [['_score']]), new Set(['bitmaps']), '`_score` order ran on the copy, with the scores SQL gives');
    const cache = (search as unknown as { cache: PgPostingsCache }).cache;
    const leavesFromSql = cache.leavesFromSql.bind(cache);
    let fromSql = 0;
    cache.leavesFromSql = (...args) => {
      const leaves = leavesFromSql(...args);
      fromSql += leaves?.length ?? 0;
      return leaves;
    };
    assert.deepEqual(await compare(records, [longText]), new Set(['bitmaps']), 'a leaf the copy does not hold is read from SQL into the search on the copy');
    assert.ok(fromSql > 0, 'the phrase was read from SQL');
    for (const query of [...queries.slice(1), ...scored, longText]) assert.ok(referenceSearch(parse(query, []).query, records).length > 0, `${JSON.stringify(query)} finds records`);

    // Every part written: a build on every core builds each once, and counts every record.
    await client.query('UPDATE employee_clean_records SET last_updated = last_updated');
    const all = await h.rt.store.employees.refreshPostings!('employee_clean');
    assert.deepEqual([all.shards, all.records], [parts.length, records.length]);
    assert.deepEqual(await compare(records), new Set(['bitmaps']));

    // A record of one part changed: that part's version moves, the others stay, and searches run
    // in SQL (seeing the change) until the copy is built again.
    const changed = records.map((r, i) => (i === 40 ? { ...r, headline: 'Principal Engineer Manager', department: 'Engineering', follower_count: 4242 } : r));
    const before = await versions();
    await h.importRecords('employee_clean', [changed[40]!]);
    const after = await versions();
    const part = Math.floor((changed[40]!['id'] as number) / 65_536);
    for (const [shard, version] of before) assert.equal(after.get(shard) !== version, shard === part, `part ${shard}: its version moved only if it was written`);
    // The import's end built the copy again; made stale by hand to see the SQL way.
    await client.query('UPDATE employee_clean_records SET last_updated = last_updated WHERE id = $1', [changed[40]!['id']]);
    assert.deepEqual(await compare(changed), new Set(['sql']), 'a part written since its build sends every search to SQL');
    const report = await h.rt.store.employees.refreshPostings!('employee_clean');
    assert.equal(report.shards, 1, 'only the written part is built again');
    assert.deepEqual(await compare(changed), new Set(['bitmaps']), 'the copy is current again');

    // A deleted record and a truncated table move their parts' versions too.
    const v1 = await versions();
    await client.query('DELETE FROM employee_clean_records WHERE id = $1', [records[0]!['id']]);
    const v2 = await versions();
    assert.notEqual(v2.get(parts[0]!), v1.get(parts[0]!), 'a delete moves its part\'s version');
    assert.equal(v2.get(parts[parts.length - 1]!), v1.get(parts[parts.length - 1]!));
    assert.deepEqual(await h.rt.store.employees.refreshPostings!('employee_clean').then((r) => r.shards), 1);
    assert.equal((await search.search('employee_clean', parse({ match_all: {} }, []), null, 7)).total, records.length - 1);
    assert.equal(search.lastWay, 'bitmaps');
    await client.query('TRUNCATE employee_clean_records');
    const v3 = await versions();
    for (const [shard, version] of v2) assert.notEqual(v3.get(shard), version, `part ${shard}: truncating moves every version`);
  } finally {
    await client.end();
    await sqlOnly?.close();
    await h.close();
  }
});

test('a PostgreSQL node whose data dir cannot hold the copy starts, says so, and searches in SQL', { skip, timeout: 60_000 }, async () => {
  const h = await makeHarness();
  let store: Store | null = null;
  try {
    await h.importRecords('employee_clean', people(10, 3).clean);
    const blocked = join(h.dir, 'not-a-dir');
    await writeFile(blocked, 'a file where the copy would go');
    const said: string[] = [];
    store = await openPostgresStore(h.config.databaseUrl!, layoutsOf(h.rt.datasets), { postingsCache: { dir: blocked, threads: 1, buildThreads: 1, refreshMs: null }, log: (m) => said.push(m) });
    assert.ok(said.some((m) => m.includes('no copy of the search postings') && m.includes('every search runs in SQL')), said.join('\n'));
    const request = parseSearchRequest({ query: { match_all: {} } }, { mapping: h.rt.datasets.employee_clean.mapping, now: Date.UTC(2026, 0, 1) });
    assert.equal((await store.search.search('employee_clean', request, null, 5)).total, 10);
    assert.equal((store.search as PgSearchStore).lastWay, 'sql');
  } finally {
    await store?.close();
    await h.close();
  }
});

test('a PostgreSQL server builds the parts of its copy written since their build, once their version stands still', { skip, timeout: 120_000 }, async () => {
  const h = await makeHarness({}, { searchWorkers: true });
  const client = new pg.Client({ connectionString: h.config.databaseUrl! });
  try {
    await client.connect();
    const records = people(30, 4).clean;
    await h.importRecords('employee_clean', records);
    const search = h.rt.store.search as PgSearchStore;
    const request = parseSearchRequest({ query: { range: { follower_count: { gte: 0 } } } }, { mapping: h.rt.datasets.employee_clean.mapping, now: Date.UTC(2026, 0, 1) });
    const way = async (): Promise<string> => {
      await search.search('employee_clean', request, null, 5);
      return search.lastWay;
    };
    assert.equal(await way(), 'bitmaps', 'built at the import\'s end');
    // Written behind the server's back: stale, so in SQL, until the server builds it (it looks
    // every two seconds and builds a part whose version stood still between two looks).
    await client.query('UPDATE employee_clean_records SET last_updated = last_updated WHERE id = $1', [records[0]!['id']]);
    assert.equal(await way(), 'sql');
    const started = Date.now();
    while ((await way()) !== 'bitmaps') {
      assert.ok(Date.now() - started < 30_000, 'the server built the part within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(Date.now() - started >= 1_500, 'not before its version stood still for a look');
  } finally {
    await client.end();
    await h.close();
  }
});
