// TermDocs and PairDocs, the postings' collectors: each term's (each two-word phrase's)
// documents, ascending and each once, grouped from pairs appended in document order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TermDocs } from '../src/store/sqlite/postings.js';
import { PairDocs } from '../src/store/postings/shard-collector.js';

const grouped = (t: TermDocs): Record<string, number[]> => Object.fromEntries(t.entries().map(([term, docs]) => [term, [...docs]]));

test('a term is a document once; add gives its number (its complement when the document had it); entries group each term\'s documents in order', () => {
  const t = new TermDocs();
  assert.equal(t.add('b', 0), 0);
  assert.equal(t.add('a', 0), 1);
  assert.equal(t.add('b', 0), ~0, 'the same document again');
  assert.equal(t.add('a', 3), 1);
  assert.equal(t.add('c', 3), 2);
  assert.equal(t.add('a', 7), 1);
  assert.equal(t.size, 3);
  assert.equal(t.nameOf(2), 'c');
  assert.deepEqual(grouped(t), { b: [0], a: [0, 3, 7], c: [3] });
  t.clear();
  assert.equal(t.size, 0);
  assert.deepEqual(grouped(t), {});
  assert.equal(t.add('a', 3), 0, 'cleared: a document seen before counts again');
  assert.deepEqual(grouped(t), { a: [3] });
});

const tokenLists = fc.array(fc.array(fc.constantFrom('x', 'y', 'z', 'µ', ...Array.from({ length: 300 }, (_, i) => `t${i}`)), { maxLength: 40 }), { maxLength: 200 });

test('grouping equals a map of lists, for any tokens and documents, past every growth of its arrays', () => {
  fc.assert(
    fc.property(tokenLists, (docs) => {
      const t = new TermDocs();
      const want = new Map<string, number[]>();
      docs.forEach((tokens, local) => {
        for (const token of tokens) {
          const list = want.get(token) ?? [];
          const fresh = list[list.length - 1] !== local;
          if (fresh) list.push(local);
          want.set(token, list);
          const id = t.add(token, local);
          assert.equal(id >= 0, fresh);
          assert.equal(t.nameOf(id >= 0 ? id : ~id), token);
        }
      });
      assert.deepEqual(grouped(t), Object.fromEntries(want));
      assert.deepEqual(grouped(TermDocs.fromData(structuredClone(t.toData()))), Object.fromEntries(want), 'the same after travelling as plain data');
    }),
    { numRuns: 200 },
  );
});

test('two tokens of the same hash stay two terms', () => {
  // 'd0y7' and 'eta5a' have the same 32-bit FNV-1a hash, as do 'd0y4' and 'eta5b'.
  const t = new TermDocs();
  const text = 'd0y7 eta5a d0y4 eta5b';
  assert.equal(t.addSpan(text, 0, 4, 0), 0);
  assert.equal(t.addSpan(text, 5, 10, 0), 1);
  assert.equal(t.addSpan(text, 11, 15, 1), 2);
  assert.equal(t.addSpan(text, 16, 21, 1), 3);
  assert.equal(t.idOf('eta5a'), 1);
  assert.equal(t.idOf('d0y7'), 0);
  assert.deepEqual(grouped(t), { d0y7: [0], eta5a: [0], d0y4: [1], eta5b: [1] });
});

test('a token read where it sits in a text (addSpan) is the same term as the token itself, for any strings, past every growth of the table', () => {
  // Tokens that are prefixes of one another, empty, non-ASCII: a span equals a term only when the whole token does.
  const token = fc.oneof(fc.string({ maxLength: 6 }).map((s) => s.replaceAll(' ', '')), fc.constantFrom('a', 'ab', 'abc', 'µ', 'µg', 'é', '東京'));
  fc.assert(
    fc.property(fc.array(fc.array(token, { minLength: 1, maxLength: 30 }), { maxLength: 120 }), (docs) => {
      const bySpan = new TermDocs();
      const byToken = new TermDocs();
      docs.forEach((tokens, local) => {
        const text = tokens.join(' ');
        let start = 0;
        for (const tok of tokens) {
          const id = bySpan.addSpan(text, start, start + tok.length, local);
          assert.equal(id, byToken.add(tok, local));
          assert.equal(bySpan.nameOf(id >= 0 ? id : ~id), tok);
          start += tok.length + 1;
        }
      });
      assert.deepEqual(grouped(bySpan), grouped(byToken));
      assert.equal(bySpan.size, new Set(docs.flat()).size, 'a term once, the empty one too');
      for (const tokens of docs) for (const tok of tokens) assert.equal(bySpan.idOf(tok), byToken.idOf(tok));
    }),
    { numRuns: 300 },
  );
});

test('two-word phrases group as a map of lists of each two neighbouring tokens, kept by their words\' numbers, also as plain data', () => {
  fc.assert(
    fc.property(tokenLists, (docs) => {
      const terms = new TermDocs();
      const pairs = new PairDocs();
      const want = new Map<string, number[]>();
      docs.forEach((tokens, local) => {
        let before = -1;
        for (const token of tokens) {
          const id = terms.add(token, local);
          const word = id < 0 ? ~id : id;
          if (before >= 0) {
            pairs.add(before, word, local);
            const key = `${terms.nameOf(before)} ${token}`;
            const list = want.get(key) ?? [];
            if (list[list.length - 1] !== local) list.push(local);
            want.set(key, list);
          }
          before = word;
        }
      });
      const asMap = (p: PairDocs): Record<string, number[]> => Object.fromEntries(p.entries(terms).map(([pair, locals]) => [pair, [...locals]]));
      assert.deepEqual(asMap(pairs), Object.fromEntries(want));
      assert.equal(pairs.size, want.size);
      assert.deepEqual(asMap(PairDocs.fromData(structuredClone(pairs.toData()))), Object.fromEntries(want));
    }),
    { numRuns: 200 },
  );
});
