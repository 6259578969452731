// ShardCollector (src/store/postings/shard-collector.ts): parts of a shard collected apart and
// merged hold what one collector fed every record in id order holds, also when a part has found
// a column rare (only its exists marker and its terms' prefixes kept) and another has not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutsOf, loadDatasets } from '../src/datasets/datasets.js';
import { ShardCollector, shardSize } from '../src/store/postings/shard-collector.js';
import type { IndexDoc } from '../src/search/index-documents.js';

const layout = layoutsOf(loadDatasets()).employee_clean;
const root = layout.byPath.get('')!;
const experience = layout.byPath.get('experience')!;
const col = (path: string): number => root.tokenFields.find((f) => f.def.path === path)!.column;
const shard = 1525;
const first = shard * shardSize;

/** A record's documents: a unique name (a rare-term column), a common skill, a country, and k experience entries. */
function docs(i: number): IndexDoc[] {
  const columns = root.tokenFields.map(() => '');
  columns[col('full_name.exact')] = `n${i}x µ`;
  // The same names as text: a rare-term text column, whose words are listed for pattern expansion.
  columns[col('full_name')] = `n${i}x w${i % 5} µ`;
  columns[col('skills')] = `${i % 3 === 0 ? 'python' : 'java'} sql µ`;
  columns[col('location_country_iso_2')] = `${['us', 'de', 'gb'][i % 3]} µ`;
  const entries: IndexDoc[] = Array.from({ length: i % 4 }, (_, seq) => ({
    type: 'experience', seq, parentSeq: -1,
    columns: experience.tokenFields.map((_, c) => (c === 0 ? `t${(i + seq) % 7} µ` : '')),
    lengths: experience.tokenFields.map(() => 0),
    numbers: [[experience.numberFields[0]!.id, (i * 31 + seq) % 1000]],
  }));
  return [{ type: '', seq: 0, parentSeq: -1, columns, lengths: columns.map(() => 0), numbers: [[root.numberFields[0]!.id, i % 500]] }, ...entries];
}

/** What a collector holds, as plain sorted data. */
function contents(c: ShardCollector): unknown {
  return [...c.types].map(([type, t]) => ({
    type,
    all: [...t.all].sort((a, b) => a - b),
    recordOf: t.recordOf,
    long: t.long.flatMap((v, i) => (v ? [i] : [])),
    sparse: t.sparse.flatMap((v, i) => (v ? [i] : [])),
    paired: t.paired.flatMap((v, i) => (v ? [i] : [])),
    columns: t.columns.flatMap((x, i) => (x === undefined ? [] : [{
      // A rare-term column stops counting its tokens where it is found rare (they only decide whether text is too long to hold).
      col: i, docs: x.docs, tokens: t.sparse[i] ? null : x.tokens,
      terms: Object.fromEntries(x.terms.entries().map(([term, locals]) => [term, [...locals].sort((a, b) => a - b)])),
      prefixes: Object.fromEntries([...x.prefixes].map(([k, v]) => [k, [...v].sort((a, b) => a - b)])),
      pairs: Object.fromEntries(x.pairs.entries(x.terms).map(([pair, locals]) => [pair, [...locals].sort((a, b) => a - b)])),
      words: x.words === null ? null : x.words.entries().map(([word]) => word).sort(),
    }])),
    numbers: [...t.numbers].map(([field, flat]) => {
      const pairs: [number, number][] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
      return [field, pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1])];
    }),
  }));
}

test('merged parts hold what one collector of every record in id order holds, a rare-term column in one part included', () => {
  const ids = Array.from({ length: 5200 }, (_, i) => first + i * 3);
  const whole = new ShardCollector(layout, shard);
  for (const id of ids) whole.add(id, docs(id - first));
  whole.finish();
  // Two parts of different sizes, interleaved as batches of a file would be: the big one finds
  // the names rare (past 4,096 documents), the small one never has enough documents to decide.
  const big = new ShardCollector(layout, shard);
  const small = new ShardCollector(layout, shard);
  ids.forEach((id, i) => (i % 6 === 5 ? small : big).add(id, docs(id - first)));
  assert.ok(big.types.get('')!.sparse[col('full_name.exact')], 'the big part keeps only the names\' exists marker and prefixes');
  assert.ok(!small.types.get('')!.sparse[col('full_name.exact')], 'the small part keeps every name');
  // Parts travel between threads as plain data.
  const merged = ShardCollector.merge(layout, shard, [small, big].map((p) => ShardCollector.fromData(layout, structuredClone(p.toData()))));
  assert.equal(merged.records, ids.length);
  assert.deepEqual(merged.held(), whole.held());
  assert.deepEqual(contents(merged), contents(whole));
  // The skills' two-word phrases are kept, within a value only (never with the exists marker).
  const skills = merged.types.get('')!.columns[col('skills')]!;
  assert.deepEqual(skills.pairs.entries(skills.terms).map(([pair, locals]) => [pair, locals.length]).sort(), [['python sql', 5200]]);
  assert.deepEqual(merged.held()['']!.pairs, [col('skills')]);
  // Each text column's distinct words, in term order, rare-term columns included: the names
  // were found rare at different times in the parts and in the whole.
  assert.ok(big.types.get('')!.sparse[col('full_name')] && !small.types.get('')!.sparse[col('full_name')]);
  const names = [...new Set(ids.flatMap((id) => [`n${id - first}x`, `w${(id - first) % 5}`]))].sort();
  for (const c of [whole, merged]) {
    assert.deepEqual(c.words('', col('full_name')), names);
    assert.deepEqual(c.words('', col('skills')), ['python', 'sql']);
    assert.deepEqual(c.words('', col('headline')), [], 'a text column without values: an empty list');
    assert.equal(c.words('', col('full_name.exact')), null, 'keyword columns are listed by the term dictionary');
    assert.deepEqual(c.words('experience', 0), ['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
  }
});
