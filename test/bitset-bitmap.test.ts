import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import roaring from 'roaring';
import { bitmapOfBitset, bitmapOfValues } from '../src/store/postings/bitset-bitmap.js';

const { RoaringBitmap32 } = roaring;

/** A bitset of `values` (below 2^21), as wide as `words`. */
function bitset(values: readonly number[], words: number): Int32Array {
  const bits = new Int32Array(words);
  for (const v of values) bits[v >>> 5]! |= 1 << (v & 31);
  return bits;
}

test('a bitset becomes the bitmap of its members: empty, sparse and dense chunks of 65,536, several chunks', () => {
  // Dense runs (bitset containers past 4,096 members a chunk) and scattered values (array containers).
  const values = fc.oneof(
    fc.array(fc.integer({ min: 0, max: (1 << 21) - 1 }), { maxLength: 3000 }),
    fc.tuple(fc.integer({ min: 0, max: 31 }), fc.integer({ min: 4000, max: 70_000 }), fc.integer({ min: 1, max: 3 })).map(([chunk, count, step]) =>
      Array.from({ length: count }, (_, i) => chunk * 65_536 + ((i * step) % 65_536))),
  );
  fc.assert(
    fc.property(values, (vs) => {
      const words = 1 << 16; // 2^21 bits
      const made = bitmapOfBitset(bitset(vs, words), words);
      const expected = new RoaringBitmap32(vs);
      assert.equal(made.size, expected.size);
      assert.ok(made.isEqual(expected));
    }),
    { numRuns: 150 },
  );
  // Exactly 4,096 members is still an array container; 4,097 a bitset one.
  for (const n of [0, 1, 4096, 4097, 65_536]) {
    const vs = Array.from({ length: n }, (_, i) => i * Math.floor(65_536 / Math.max(n, 1)));
    const made = bitmapOfBitset(bitset(vs, 2048), 2048);
    assert.deepEqual([...made.toUint32Array()], vs, `${n} members`);
  }
  // Only the first `length` words count.
  const bits = bitset([3, 70_000], 4096);
  assert.deepEqual([...bitmapOfBitset(bits, 2048).toUint32Array()], [3]);
});

test('values in any order, repeats included, dense or sparse, become the bitmap of their set', () => {
  const lists = fc.oneof(
    fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 500 }),
    fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 1, maxLength: 20_000 }),
    fc.array(fc.integer({ min: 0, max: 65_535 }), { maxLength: 3000 }).map((vs) => vs.sort((a, b) => a - b)),
  );
  fc.assert(
    fc.property(lists, (vs) => {
      const made = bitmapOfValues(Uint32Array.from(vs));
      assert.deepEqual([...made.toUint32Array()], [...new Set(vs)].sort((a, b) => a - b));
    }),
    { numRuns: 200 },
  );
});
