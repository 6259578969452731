// Sloppy phrases with Lucene's semantics (src/store/sql/near-phrases.ts): the position test
// against every assignment of positions to terms, and the plan rewrite that turns sloppy-phrase
// leaves into documents. The stores' answers are checked in conformance.test.ts and search.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mapNear, nearLeaves, sloppyMatch } from '../src/store/sql/near-phrases.js';
import type { Plan } from '../src/query/plan/plan.js';

/** Every way to give each term one of its positions, distinct positions only: the smallest spread wins. */
function bruteForce(positions: number[][], slop: number): boolean {
  const pick = (i: number, used: number[]): boolean => {
    if (i === positions.length) {
      const shifted = used.map((p, k) => p - k);
      return Math.max(...shifted) - Math.min(...shifted) <= slop;
    }
    return positions[i]!.some((p) => !used.includes(p) && pick(i + 1, [...used, p]));
  };
  return pick(0, []);
}

test('sloppyMatch agrees with trying every assignment of positions (repeated words included)', () => {
  // A document of up to 12 tokens from 3 words; a phrase of 1-4 of those words.
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 12 }), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 6 }), (doc, phrase, slop) => {
      const positions = phrase.map((w) => doc.flatMap((t, p) => (t === w ? [p] : [])));
      const same = phrase.map((w) => phrase.indexOf(w));
      assert.equal(sloppyMatch(positions, same, slop), bruteForce(positions, slop), JSON.stringify({ doc, phrase, slop }));
    }),
    { numRuns: 3000 },
  );
});

test('sloppyMatch: Lucene examples', () => {
  const one = (doc: string, phrase: string, slop: number): boolean => {
    const tokens = doc.split(' ');
    const words = phrase.split(' ');
    return sloppyMatch(words.map((w) => tokens.flatMap((t, p) => (t === w ? [p] : []))), words.map((w) => words.indexOf(w)), slop);
  };
  assert.equal(one('a b', 'a b', 0), true);
  assert.equal(one('b a', 'a b', 1), false, 'a transposition costs 2');
  assert.equal(one('b a', 'a b', 2), true);
  assert.equal(one('a x b', 'a b', 1), true);
  assert.equal(one('a x x b', 'a b', 1), false);
  assert.equal(one('b x a', 'a b', 2), false, 'reversed with one between costs 3');
  assert.equal(one('b x a', 'a b', 3), true);
  assert.equal(one('a', 'a a', 5), false, 'each term needs its own position');
  assert.equal(one('a a', 'a a', 0), true);
  assert.equal(one('c a b', 'a b c', 3), true, 'c moved from the end to the front costs 3');
  assert.equal(one('c a b', 'a b c', 2), false);
});

test('mapNear splits a text condition holding a sloppy phrase and replaces only the sloppy phrases', () => {
  const near = { op: 'near', tokens: ['data', 'teams'], slop: 2 } as const;
  const plan: Plan = {
    op: 'not',
    base: { op: 'text', type: '', column: 3, expr: { op: 'or', parts: [near, { op: 'term', token: 'java' }] } },
    excluded: [{ op: 'nested', child: 'experience', parent: '', inner: { op: 'text', type: 'experience', column: 1, expr: near } }],
  };
  assert.equal(nearLeaves(plan).length, 2);
  const out = mapNear(plan, (leaf) => ({ op: 'docs', type: leaf.type, values: [leaf.column] }));
  assert.deepEqual(out, {
    op: 'not',
    base: { op: 'or', parts: [{ op: 'docs', type: '', values: [3] }, { op: 'text', type: '', column: 3, expr: { op: 'term', token: 'java' } }] },
    excluded: [{ op: 'nested', child: 'experience', parent: '', inner: { op: 'docs', type: 'experience', values: [1] } }],
  });
  const plain: Plan = { op: 'text', type: '', column: 1, expr: { op: 'phrase', tokens: ['a', 'b'] } };
  assert.equal(mapNear(plain, () => assert.fail('no sloppy phrase')), plain);
});
