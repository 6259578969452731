import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, analyzeValues } from '../src/query/analyzer.js';

// Expected tokens follow Elasticsearch's documented standard analyzer behaviour
// (the _analyze examples in its reference and Lucene's UAX #29 word-break rules).
test('the standard-analyzer example from the Elasticsearch reference', () => {
  assert.deepEqual(
    analyze("The 2 QUICK Brown-Foxes jumped over the lazy dog's bone."),
    ['the', '2', 'quick', 'brown', 'foxes', 'jumped', 'over', 'the', 'lazy', "dog's", 'bone'],
  );
});

test('word-break rules: letters join across . : \' and digits across . ,', () => {
  assert.deepEqual(analyze('U.S.A. node.js 3.14 1,000 a,b e-mail foo_bar C++ .NET'), [
    'u.s.a', 'node.js', '3.14', '1,000', 'a', 'b', 'e', 'mail', 'foo_bar', 'c', 'net',
  ]);
  assert.deepEqual(analyze('don’t WI-FI'), ['don’t', 'wi', 'fi']);
});

test('ideographs become single-character tokens; accents are kept, case is folded', () => {
  assert.deepEqual(analyze('東京都 Ünïcode ΑΘΗΝΑ'), ['東', '京', '都', 'ünïcode', 'αθηνα']);
});

test('punctuation-only and empty texts give no tokens', () => {
  assert.deepEqual(analyze(''), []);
  assert.deepEqual(analyze(' -- !! ... '), []);
});

test('long tokens are split at 255 characters', () => {
  const long = 'a'.repeat(300);
  assert.deepEqual(analyze(long), ['a'.repeat(255), 'a'.repeat(45)]);
});

test('multi-valued fields leave a position gap of 100 between values', () => {
  assert.deepEqual(analyzeValues(['data engineer', 'python']), [
    { token: 'data', position: 0 },
    { token: 'engineer', position: 1 },
    { token: 'python', position: 102 },
  ]);
});
