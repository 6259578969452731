// Rare-term columns (names, URLs) keep only their exists marker in the bitmap postings, and the
// prefixes of their terms up to two bytes (postings.ts, prefixColumn): a short prefix on such a
// column runs on the bitmaps, with the same pages as SQL and the reference evaluator; a longer one
// runs in SQL. A column becomes rare-term only past 4,096 documents in a shard, hence the size;
// one person in sixteen lives in a later shard too small for that, which keeps every term. The
// file is parsed on the importing thread, so the shards are built from their records: parse
// workers would collect a shard in two parts, which decide on more records at once (a
// borderline column such as this data's company names can then keep its terms; both ways are
// exact, test/collected-postings.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { layoutsOf } from '../src/datasets/datasets.js';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { referenceSearch } from '../src/query/reference/reference-matcher.js';
import { storeDir } from '../src/runtime.js';
import { SqliteSearchStore } from '../src/store/sqlite/sqlite-search-store.js';
import { prefixColumn, type ShardColumns } from '../src/store/sqlite/postings.js';
import { makeHarness, people } from './helpers/harness.js';

test('short prefixes on rare-term columns run on the bitmaps and page as SQL does', async () => {
  const h = await makeHarness();
  try {
    const records = people(4_600, 41).clean.map((p, i) => {
      const moved = i % 16 === 1 ? { ...p, id: Number(p['id']) + 300_000 } : p;
      // Some names that are not plain lowercase ASCII and not ASCII at all, stored hex-encoded.
      if (i % 97 === 0) return { ...moved, full_name: `Ötzi ${String(p['full_name'])}`, name_first: 'jo-ann' };
      return moved;
    });
    await h.importRecords('employee_clean', records, false, { workers: 0 });
    const db = new Database(join(storeDir(h.config), 'records.db'), { readonly: true });
    const layouts = layoutsOf(h.rt.datasets);
    const layout = layouts.employee_clean;
    const shards = (db.prepare('SELECT columns FROM employee_clean_posting_shards WHERE columns <> \'{}\' ORDER BY shard').pluck().all() as string[]).map((c) => JSON.parse(c) as ShardColumns);
    assert.equal(shards.length, 2);
    const column = (path: string): number => layout.tokenField.get(path)!.column;
    for (const path of ['full_name.exact', 'full_name']) {
      assert.ok(shards[0]!['']!.sparse.includes(column(path)), `${path} keeps only its exists marker in the big shard`);
      assert.ok(!shards[1]!['']!.sparse.includes(column(path)), `${path} keeps its terms in the small one`);
    }
    const company = layout.byPath.get('experience')!.tokenFields.find((f) => f.def.path === 'experience.company_name.exact')!.column;
    assert.ok(shards[0]!['experience']!.sparse.includes(company), 'experience.company_name.exact keeps only its exists marker in the big shard');
    const prefixRows = db.prepare('SELECT count(*) FROM employee_clean_postings WHERE type = \'\' AND col = ?').pluck();
    assert.ok((prefixRows.get(prefixColumn(column('full_name.exact'))) as number) > 100, 'and its prefixes');
    assert.equal(prefixRows.get(prefixColumn(column('skills'))), 0, 'a column that keeps its terms keeps no prefixes');

    const mapping = h.rt.datasets.employee_clean.mapping;
    const name = String(((records[7]!['experience'] as Record<string, unknown>[])[0]!)['company_name']);
    const bitmaps = new SqliteSearchStore(db, layouts);
    const sql = new SqliteSearchStore(db, layouts, { bitmaps: false });
    const cases: [string, unknown, 'bitmaps' | 'sql'][] = [
      ['one byte', { prefix: { 'full_name.exact': 'J' } }, 'bitmaps'],
      ['two bytes', { prefix: { 'full_name.exact': 'Jo' } }, 'bitmaps'],
      ['a two-byte character', { prefix: { 'full_name.exact': 'Ö' } }, 'bitmaps'],
      ['three bytes: not kept', { prefix: { 'full_name.exact': 'Joh' } }, 'sql'],
      ['lowercase, matching hex-encoded and plain terms', { prefix: { 'name_first.exact': 'jo' } }, 'bitmaps'],
      ['lowercase on the text field (plain tokens)', { prefix: { full_name: 'jo' } }, 'bitmaps'],
      ['a wildcard that is a prefix', { wildcard: { 'full_name.exact': 'Ma*' } }, 'bitmaps'],
      ['a regexp of two prefixes', { regexp: { 'full_name.exact': '(Jo|Ma).*' } }, 'bitmaps'],
      ['with other leaves', { bool: { filter: [{ prefix: { 'full_name.exact': 'Da' } }, { term: { location_country_iso_2: 'US' } }], must_not: [{ prefix: { 'full_name.exact': 'Dav' } }] } }, 'bitmaps'],
      ['a prefix that nothing has', { prefix: { 'full_name.exact': 'Zq' } }, 'bitmaps'],
      // Entries of a rare-term column: their records read from SQL, the rest on the bitmaps.
      ['a nested term on a rare-term column, with held leaves', { bool: { filter: [{ nested: { path: 'experience', query: { term: { 'experience.company_name.exact': name } } } }, { exists: { field: 'location_country_iso_2' } }] } }, 'bitmaps'],
      [
        'a nested rare term and a held entry condition, excluded',
        { bool: { filter: [{ exists: { field: 'headline' } }], must_not: [{ nested: { path: 'experience', query: { bool: { must: [{ term: { 'experience.company_name.exact': name } }], must_not: [{ exists: { field: 'experience.date_to' } }] } } } }] } },
        'bitmaps',
      ],
    ];
    for (const [name, query, way] of cases) {
      const request = parseSearchRequest({ query }, { mapping, now: h.clock.now() });
      const expected = referenceSearch(request.query, records).sort((a, b) => a - b);
      const a = await bitmaps.search('employee_clean', request, null, 10_000);
      assert.equal(bitmaps.lastWay, way, `${name}: ran on ${bitmaps.lastWay}`);
      const b = await sql.search('employee_clean', request, null, 10_000);
      assert.equal(a.total, expected.length, `${name}: total`);
      assert.deepEqual([...a.ids].sort((x, y) => x - y), expected, `${name}: ids`);
      assert.deepEqual(a.ids, b.ids, `${name}: the same page as SQL`);
      if (name !== 'a prefix that nothing has') assert.ok(expected.length > 0, `${name}: finds something`);
    }
    db.close();
  } finally {
    await h.close();
  }
});
