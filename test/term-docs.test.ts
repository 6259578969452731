// TermDocs, the postings build's collector: each term's documents, ascending and each once,
// grouped from (term, document) pairs appended in document order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TermDocs } from '../src/store/sqlite/postings.js';

const grouped = (t: TermDocs): Record<string, number[]> => Object.fromEntries(t.entries().map(([term, docs]) => [term, [...docs]]));

test('a term is a document once; entries group each term\'s documents in order', () => {
  const t = new TermDocs();
  assert.equal(t.add('b', 0), true);
  assert.equal(t.add('a', 0), true);
  assert.equal(t.add('b', 0), false, 'the same document again');
  assert.equal(t.add('a', 3), true);
  assert.equal(t.add('c', 3), true);
  assert.equal(t.add('a', 7), true);
  assert.equal(t.size, 3);
  assert.deepEqual(grouped(t), { b: [0], a: [0, 3, 7], c: [3] });
  t.clear();
  assert.equal(t.size, 0);
  assert.deepEqual(grouped(t), {});
  assert.equal(t.add('a', 3), true, 'cleared: a document seen before counts again');
  assert.deepEqual(grouped(t), { a: [3] });
});

test('grouping equals a map of lists, for any tokens and documents, past every growth of its arrays', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.constantFrom('x', 'y', 'z', 'µ', ...Array.from({ length: 300 }, (_, i) => `t${i}`)), { maxLength: 40 }), { maxLength: 200 }), (docs) => {
      const t = new TermDocs();
      const want = new Map<string, number[]>();
      docs.forEach((tokens, local) => {
        for (const token of tokens) {
          const list = want.get(token) ?? [];
          const fresh = list[list.length - 1] !== local;
          if (fresh) list.push(local);
          want.set(token, list);
          assert.equal(t.add(token, local), fresh);
        }
      });
      assert.deepEqual(grouped(t), Object.fromEntries(want));
    }),
    { numRuns: 200 },
  );
});
