// Relevance (src/search/bm25.ts) through the search API, on generated people and on whichever
// store the harness runs: the field statistics a store keeps as records are written, replaced and
// indexed later must give the scores computed here from the records themselves, by Lucene's
// formula. Lucene's number encodings are checked against values worked out by hand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../src/query/analyzer.js';
import { byte4ToInt, intToByte4, phraseFreq } from '../src/search/bm25.js';
import Database from 'better-sqlite3';
import pg from 'pg';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importFile } from '../src/ingest/import-file.js';
import { openRuntime, storeDir } from '../src/runtime.js';
import { makeHarness, people, type Harness } from './helpers/harness.js';

test('SmallFloat: lengths up to 23 exact, then four significant bits (Lucene intToByte4 / byte4ToInt)', () => {
  for (let i = 0; i <= 23; i++) assert.equal(byte4ToInt(intToByte4(i)), i);
  // 100 - 24 = 76 = 0b1001100: kept 0b1001 << 3 = 72, so 24 + 72.
  assert.equal(intToByte4(100), 57);
  assert.equal(byte4ToInt(57), 96);
  assert.equal(byte4ToInt(intToByte4(40)), 40);
  assert.equal(byte4ToInt(intToByte4(41)), 40);
  // The largest byte: 24 + (0b1111 << 27).
  assert.equal(byte4ToInt(255), 24 + 15 * 2 ** 27);
  // Monotone and idempotent over a wide range.
  let last = -1;
  for (let i = 0; i < 1_000_000; i += 37) {
    const byte = intToByte4(i);
    assert.ok(byte >= last && byte <= 255);
    assert.equal(intToByte4(byte4ToInt(byte)), byte);
    last = byte;
  }
});

test('phrase frequency: occurrences of an exact phrase, 1 / (1 + distance) per sloppy match', () => {
  const pos = (doc: string, phrase: string): number[][] => phrase.split(' ').map((w) => doc.split(' ').flatMap((t, p) => (t === w ? [p] : [])));
  assert.equal(phraseFreq(pos('a b x a b', 'a b'), 0), 2);
  assert.equal(phraseFreq(pos('a x b', 'a b'), 0), 0);
  assert.equal(phraseFreq(pos('a x b', 'a b'), 1), Math.fround(1 / 2));
  assert.equal(phraseFreq(pos('b a', 'a b'), 2), Math.fround(1 / 3));
  assert.equal(phraseFreq(pos('a b x x x x a x b', 'a b'), 1), Math.fround(1 + 1 / 2));
  assert.equal(phraseFreq(pos('b a', 'a b'), 1), 0);
  // A repeated word: its cursors never stand on one position (Lucene's repeat groups), worked
  // through by hand. "python python"~1 in "python python python": the pairs at 0-1 and 1-2,
  // each of length 0 (a sweep without the groups finds a third, half-weighted).
  assert.equal(phraseFreq(pos('python python python data', 'python python'), 1), 2);
  // "a a"~2 in "a b a": one match, one position apart.
  assert.equal(phraseFreq(pos('a b a', 'a a'), 2), Math.fround(1 / 2));
  assert.equal(phraseFreq(pos('python python python data', 'python data python'), 2), Math.fround(1 / 3));
  // Fewer occurrences than the phrase repeats the word: no match.
  assert.equal(phraseFreq(pos('a b c', 'a b a'), 5), 0);
});

let h: Harness;
let key: string;
const k1 = 1.2;
const b = 0.75;

before(async () => {
  h = await makeHarness({ ROLLCALL_RATE_LIMIT_SEARCH: '0' });
  key = (await h.key({ searchCredits: 100_000 })).api_key;
});
after(() => h.close());

/** Every hit's `_score` for a query, from the preview pages. */
async function scores(query: unknown): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (let page = 1; ; page++) {
    const res = await h.app.inject({ method: 'POST', url: `/cdapi/v2/employee_clean/search/es_dsl/preview?page=${page}`, headers: { apikey: key, 'content-type': 'application/json' }, payload: JSON.stringify({ query }) });
    assert.equal(res.statusCode, 200, res.body);
    const items = res.json() as { id: number; _score: number }[];
    if (items.length === 0) return out;
    for (const item of items) out.set(item.id, item._score);
  }
}

/** The scores of `match: {description: word}` by Lucene's formula, from the records as they stand. */
function byHand(records: readonly Record<string, unknown>[], word: string): Map<number, number> {
  const tokens = records.map((r) => (typeof r['description'] === 'string' ? analyze(r['description']) : []));
  const withValue = tokens.filter((t) => t.length > 0);
  const avg = withValue.reduce((n, t) => n + t.length, 0) / withValue.length;
  const docFreq = tokens.filter((t) => t.includes(word)).length;
  const idf = Math.log(1 + (withValue.length - docFreq + 0.5) / (docFreq + 0.5));
  const out = new Map<number, number>();
  records.forEach((r, i) => {
    const freq = tokens[i]!.filter((t) => t === word).length;
    // The stored length, as Lucene keeps it in one byte.
    const length = byte4ToInt(intToByte4(tokens[i]!.length));
    if (freq > 0) out.set(r['id'] as number, (idf * freq) / (freq + k1 * (1 - b + (b * length) / avg)));
  });
  return out;
}

function assertClose(got: Map<number, number>, want: Map<number, number>, what: string): void {
  assert.deepEqual([...got.keys()].sort((x, y) => x - y), [...want.keys()].sort((x, y) => x - y), `${what}: hits`);
  for (const [id, s] of want) assert.ok(Math.abs(got.get(id)! - s) <= 1e-6 * s, `${what}: ${id} scored ${got.get(id)}, by hand ${s}`);
}

test('field statistics follow the records as they are imported, replaced and indexed later', async () => {
  const first = people(60, 91).clean;
  await h.importRecords('employee_clean', first);
  assertClose(await scores({ match: { description: 'data' } }), byHand(first, 'data'), 'after the import');
  // Replace a third of them: other descriptions, some longer, some without one.
  const replaced = first.map((r, i) => {
    if (i % 3 !== 0) return r;
    const copy: Record<string, unknown> = { ...r };
    if (i % 2 === 0) copy['description'] = `${String(r['description'] ?? '')} data data and more data than before`;
    else delete copy['description'];
    return copy;
  });
  await h.importRecords('employee_clean', replaced);
  assertClose(await scores({ match: { description: 'data' } }), byHand(replaced, 'data'), 'after replacing records');
  // New records added to the same store.
  const more = [...replaced, ...people(30, 92).clean.map((r, i) => ({ ...r, id: 200_000_000 + i }))];
  await h.importRecords('employee_clean', more.slice(replaced.length));
  assertClose(await scores({ match: { description: 'data' } }), byHand(more, 'data'), 'after adding records');
  assertClose(await scores({ match: { description: 'team' } }), byHand(more, 'team'), 'another word');
  // New versions loaded with the index deferred (`import --defer-index`), then indexed.
  const later = more.map((r, i) => (i % 5 === 1 ? { ...r, description: 'data team data' } : r));
  const file = join(h.dir, 'deferred.jsonl');
  await writeFile(file, later.filter((_, i) => i % 5 === 1).map((r) => JSON.stringify(r)).join('\n') + '\n');
  await importFile(h.rt.store, h.rt.datasets.employee_clean, file, { deferIndex: true });
  await h.rt.store.employees.indexPending('employee_clean');
  assertClose(await scores({ match: { description: 'data' } }), byHand(later, 'data'), 'after a deferred import is indexed');
});

test('a store that lost its field totals, or was stopped while measuring, measures its records again at start-up', async () => {
  const other = await makeHarness();
  try {
    await other.importRecords('employee_clean', people(40, 93).clean);
    const stats = async (rt: typeof other.rt): Promise<unknown> => {
      const request = { query: { match: { description: 'data' } }, sort: ['_score'] };
      const { parseSearchRequest } = await import('../src/query/parse-request.js');
      const parsed = parseSearchRequest(request, { mapping: rt.datasets.employee_clean.mapping, now: other.clock.now() });
      return (await rt.store.search.search('employee_clean', parsed, null, 100, true)).values;
    };
    const kept = await stats(other.rt);
    await other.rt.store.close();
    if (other.config.databaseUrl) {
      // PostgreSQL measures in the migrations' transaction: an interrupted start-up leaves the earlier tables.
      const client = new pg.Client({ connectionString: other.config.databaseUrl });
      await client.connect();
      await client.query('DROP TABLE employee_clean_lengths; DROP TABLE employee_clean_field_totals');
      await client.end();
    } else {
      // As a start-up stopped while measuring leaves it: lengths of this form, no totals yet.
      const db = new Database(join(storeDir(other.config), 'records.db'));
      db.exec('DELETE FROM employee_clean_lengths WHERE id % 2 = 0; DROP TABLE employee_clean_field_totals');
      db.close();
    }
    const rt = await openRuntime(other.config);
    try {
      assert.deepEqual(await stats(rt), kept);
    } finally {
      await rt.store.close();
    }
  } finally {
    await other.close().catch(() => undefined);
  }
});
