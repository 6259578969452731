import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodePairBlock, PairBlockReader } from '../src/store/postings/pair-blocks.js';

/** Sorted (value, document) pairs, as a bucket's block holds them. */
const sortedPairs = (values: fc.Arbitrary<number>, docs: fc.Arbitrary<number>): fc.Arbitrary<[number, number][]> =>
  fc.array(fc.tuple(values, docs), { minLength: 1, maxLength: 1500 }).map((pairs) => pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]));

const spans: fc.Arbitrary<[number, number]> = fc.tuple(fc.double({ noNaN: true }), fc.double({ noNaN: true })).map(([a, b]) => (a <= b ? [a, b] : [b, a]));

function check(pairs: [number, number][], from: number, to: number, keep: (v: number) => boolean): void {
  const blob = encodePairBlock(pairs.map((p) => p[0]), pairs.map((p) => p[1]));
  // A blob at an odd offset, as SQLite may hand one over.
  const odd = Buffer.alloc(blob.length + 1);
  blob.copy(odd, 1);
  const reader = new PairBlockReader();
  reader.load(odd.subarray(1));
  reader.collect(from, to, keep);
  // Collected twice, taken once: a take returns what every collect since the last one found, ascending, each once.
  reader.collect(from, to, null);
  const want = pairs.filter(([v]) => v >= from && v <= to && keep(v)).map((p) => p[1]);
  const every = pairs.filter(([v]) => v >= from && v <= to).map((p) => p[1]);
  assert.deepEqual([...(reader.takeBitmap()?.toUint32Array() ?? [])], [...new Set([...want, ...every])].sort((a, b) => a - b));
  assert.equal(reader.takeBitmap(), null);
}

test('pair blocks: every span reads back the documents of the values in it, in order, whatever the values and documents', () => {
  // Integers near each other (32-bit offsets), integers far apart or fractions (64-bit values),
  // record offsets (16-bit documents) and entry numbers past 65,535 (32-bit).
  const values = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
  const docs = fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 2 ** 31 }));
  fc.assert(
    fc.property(sortedPairs(values, docs), spans, fc.integer({ min: 0, max: 2 }), (pairs, [from, to], mod) => {
      check(pairs, from, to, (v) => mod === 0 || Math.abs(Math.round(v)) % 2 === mod - 1);
      check(pairs, pairs[0]![0], pairs[pairs.length - 1]![0], () => true);
      const one = pairs[pairs.length >> 1]![0];
      check(pairs, one, one, () => true);
    }),
    { numRuns: 300 },
  );
});

test('pair blocks: repeated integer values of record documents take about 2 bytes a pair', () => {
  const pairs: [number, number][] = [];
  for (let i = 0; i < 1024; i++) pairs.push([70_000_001 + Math.floor(i / 10), i]);
  const blob = encodePairBlock(pairs.map((p) => p[0]), pairs.map((p) => p[1]));
  assert.ok(blob.length < 1024 * 3, `${blob.length} bytes for 1,024 pairs (12 a pair before)`);
  check(pairs, 70_000_011, 70_000_011, () => true);
  assert.throws(() => encodePairBlock([], []), /1 to 65,535 pairs/);
});
