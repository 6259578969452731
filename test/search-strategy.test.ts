// In SQL (the way searches the bitmap postings do not hold take, test/postings.test.ts has the
// other), the default order has two plans: sort the hits (few) or walk the records index (many).
// Both must page identically.
import { layoutsOf } from '../src/datasets/datasets.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { storeDir } from '../src/runtime.js';
import { SqliteSearchStore } from '../src/store/sqlite/sqlite-search-store.js';
import type { SortValues } from '../src/store/store.js';
import { makeHarness, people } from './helpers/harness.js';

test('index walk and hit sort give the same pages in the default order', async () => {
  const h = await makeHarness();
  try {
    await h.importRecords('employee_clean', people(120, 8).clean);
    const db = new Database(join(storeDir(h.config), 'records.db'), { readonly: true });
    const ds = h.rt.datasets;
    const layouts = layoutsOf(ds);
    const walk = new SqliteSearchStore(db, layouts, { broadThreshold: 0, bitmaps: false });
    const sort = new SqliteSearchStore(db, layouts, { broadThreshold: Number.MAX_SAFE_INTEGER, bitmaps: false });
    for (const body of [{ query: { match_all: {} } }, { query: { range: { follower_count: { gte: 100 } } } }]) {
      const request = parseSearchRequest(body, { mapping: ds.employee_clean.mapping, now: h.clock.now() });
      const pages = async (store: SqliteSearchStore): Promise<number[][]> => {
        const out: number[][] = [];
        let after: SortValues | null = null;
        for (;;) {
          const page = await store.search("employee_clean", request, after, 11);
          if (page.ids.length === 0) break;
          out.push([...page.ids]);
          after = page.values[page.values.length - 1]!;
        }
        return out;
      };
      const a = await pages(walk);
      assert.ok(a.length > 2, `${a.length} pages`);
      assert.deepEqual(a, await pages(sort));
      assert.ok(walk.explainLast().some((l) => /USING (COVERING )?INDEX employee_clean_records_recent/.test(l)), walk.explainLast().join('\n'));
    }
    // By default the choice is by cost: with 120 records and pages of 11, a set of 100 hits is
    // walked (100² × 16 > 11 × 120) and one of 2 is sorted.
    const byCost = new SqliteSearchStore(db, layouts, { bitmaps: false });
    const walked = (store: SqliteSearchStore): boolean => store.explainLast().some((l) => /USING (COVERING )?INDEX employee_clean_records_recent/.test(l));
    const broad = parseSearchRequest({ query: { range: { follower_count: { gte: 0 } } } }, { mapping: ds.employee_clean.mapping, now: h.clock.now() });
    assert.ok((await byCost.search('employee_clean', broad, null, 11)).total > 50);
    assert.ok(walked(byCost), 'a broad set walks the index');
    const two = parseSearchRequest({ query: { terms: { id: [100_000_001, 100_000_002] } } }, { mapping: ds.employee_clean.mapping, now: h.clock.now() });
    assert.equal((await byCost.search('employee_clean', two, null, 11)).total, 2);
    assert.ok(!walked(byCost), 'two hits are sorted');
    // `_score` order of one scoring clause (hits and scores in one pass) pages like the generic
    // way (the same clause with a filter that keeps everything: hits and scores apart).
    for (const match of [{ match: { skills: 'python' } }, { match: { headline: 'engineer manager' } }, { match: { job_title: { query: 'senior', boost: 2 } } }]) {
      const single = parseSearchRequest({ query: match, sort: ['_score'] }, { mapping: ds.employee_clean.mapping, now: h.clock.now() });
      const generic = parseSearchRequest({ query: { bool: { must: [match], filter: [{ match_all: {} }] } }, sort: ['_score'] }, { mapping: ds.employee_clean.mapping, now: h.clock.now() });
      const scored = async (request: typeof single): Promise<{ ids: number[]; scores: number[]; total: number }> => {
        const out = { ids: [] as number[], scores: [] as number[], total: -1 };
        let after: SortValues | null = null;
        for (;;) {
          const page = await walk.search('employee_clean', request, after, 7, true);
          out.total = page.total;
          if (page.ids.length === 0) return out;
          out.ids.push(...page.ids);
          out.scores.push(...page.values.map((v) => v.score!));
          after = page.values[page.values.length - 1]!;
        }
      };
      const a = await scored(single);
      assert.ok(walk.explainLast().length > 0 && walk.lastStatements[0]!.text.includes('search_part_scores'), 'the single clause took the one-pass way');
      const b = await scored(generic);
      assert.ok(!walk.lastStatements[0]!.text.includes('search_part_scores'), 'the filtered query took the generic way');
      assert.ok(a.ids.length > 7, `${JSON.stringify(match)}: ${a.ids.length} hits`);
      assert.deepEqual(a, b, JSON.stringify(match));
    }
    // match_all has its own path (no hit table); it must page like the generic one.
    for (const sort of [undefined, ['id'], ['_score']]) {
      const fast = parseSearchRequest({ query: { match_all: {} }, ...(sort ? { sort } : {}) }, { mapping: ds.employee_clean.mapping, now: h.clock.now() });
      const generic = parseSearchRequest({ query: { bool: { filter: [{ match_all: {} }] } }, ...(sort ? { sort } : {}) }, { mapping: ds.employee_clean.mapping, now: h.clock.now() });
      const collect = async (request: typeof fast): Promise<number[]> => {
        const ids: number[] = [];
        let after: SortValues | null = null;
        for (;;) {
          const page = await sort_.search('employee_clean', request, after, 13);
          if (page.ids.length === 0) return ids;
          assert.equal(page.total, 120);
          ids.push(...page.ids);
          after = page.values[page.values.length - 1]!;
        }
      };
      const sort_ = walk;
      const a = await collect(fast);
      assert.equal(a.length, 120);
      assert.deepEqual(a, await collect(generic), JSON.stringify(sort));
    }
    db.close();
  } finally {
    await h.close();
  }
});

test('`_score` order: the first page, cut at its last score, is the head of the whole order, ties included', async () => {
  const h = await makeHarness();
  try {
    await h.importRecords('employee_clean', people(120, 8).clean);
    const db = new Database(join(storeDir(h.config), 'records.db'), { readonly: true });
    const ds = h.rt.datasets;
    // Distinct scores; and a filter in a scoring clause's place, where every hit scores the same
    // and only the tie-break (newest first) orders them. In SQL (the cut at the page's last
    // score), and on the bitmap postings where they score.
    for (const [store, query] of [false, true].flatMap((bitmaps) => [{ match: { description: 'data cloud python engineer team' } }, { constant_score: { filter: { range: { follower_count: { gte: 100 } } } } }].map((q) => [new SqliteSearchStore(db, layoutsOf(ds), { bitmaps }), q] as const))) {
      const request = parseSearchRequest({ query, sort: ['_score'] }, { mapping: ds.employee_clean.mapping, now: h.clock.now() });
      const whole = await store.search('employee_clean', request, null, 1000);
      assert.ok(whole.ids.length >= 10, `${whole.ids.length} hits`);
      for (const size of [1, 3, 5, 7]) {
        const page = await store.search('employee_clean', request, null, size);
        assert.deepEqual(page.ids, whole.ids.slice(0, size), `${JSON.stringify(query)} size ${size}`);
        assert.deepEqual(page.values, whole.values.slice(0, size));
      }
    }
  } finally {
    await h.close();
  }
});
