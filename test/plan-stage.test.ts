// The plan stage: a request is analysed and its patterns expanded once, into plan nodes that
// name index structures (document type, column, number field), not SQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDatasets } from '../src/datasets/datasets.js';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { resolveQuery, resolveSearch, type ResolveOptions } from '../src/query/plan/resolve-plan.js';
import { encodeToken } from '../src/search/index-documents.js';

const ds = loadDatasets();
const layout = ds.employee_clean.layout;
const parse = (body: unknown) => parseSearchRequest(body, { mapping: ds.employee_clean.mapping, now: Date.UTC(2026, 0, 1) });
const titles = ['Software Engineer', 'Engineering Manager', 'Data Engineer', 'Nurse'];

function options(asked: string[]): ResolveOptions {
  return {
    layout,
    maxPatternTerms: 100_000,
    vocabulary: async (type, column, prefix) => {
      asked.push(`${type}/${column}/${prefix}`);
      return titles.filter((t) => t.startsWith(prefix));
    },
  };
}

test('a pattern the query repeats (and scores) asks the vocabulary once', async () => {
  const asked: string[] = [];
  const wildcard = { nested: { path: 'experience', query: { wildcard: { 'experience.title.exact': '*Engineer*' } } } };
  const plan = await resolveSearch(parse({ query: { bool: { should: [wildcard, wildcard], minimum_should_match: 1, must: [{ match: { headline: 'engineer' } }] } }, sort: ['_score'] }), false, options(asked));
  assert.equal(asked.length, 1, asked.join(', '));
  assert.equal(plan.hits.op, 'and');
  // The expansion: the three titles that contain "Engineer", as one OR of stored terms on the column.
  const should = plan.hits.op === 'and' ? plan.hits.parts.find((p) => p.op === 'or') : undefined;
  const nested = should?.op === 'or' ? should.parts[0] : undefined;
  assert.equal(nested?.op, 'nested');
  const inner = nested?.op === 'nested' ? nested.inner : undefined;
  assert.equal(inner?.op, 'text');
  assert.deepEqual(inner?.op === 'text' && inner.expr.op === 'or' ? inner.expr.parts.map((p) => (p.op === 'term' ? p.token : '')) : [], titles.slice(0, 3).map(encodeToken));
  // Sorting by _score resolves the scoring clauses in the same pass: the match on headline.
  assert.equal(plan.scoring?.length, 1);
  assert.equal(plan.scoring?.[0]?.plan.type, '');
  assert.deepEqual(plan.scoring?.[0]?.plan.expr, { op: 'term', token: 'engineer' });
});

test('scores are not resolved when nothing asks for them', async () => {
  const plan = await resolveSearch(parse({ query: { match: { headline: 'engineer' } } }), false, options([]));
  assert.equal(plan.scoring, null);
  const scored = await resolveSearch(parse({ query: { match: { headline: 'engineer' } } }), true, options([]));
  assert.equal(scored.scoring?.length, 1);
});

test('numbers, ranges and exists name the number field; an impossible clause is none', async () => {
  const plan = await resolveQuery(parse({ query: { bool: { filter: [{ range: { follower_count: { gte: 10, lt: 20 } } }, { exists: { field: 'follower_count' } }] } } }).query, options([]));
  assert.equal(plan.op, 'and');
  const parts = plan.op === 'and' ? plan.parts : [];
  assert.deepEqual(parts.map((p) => (p.op === 'range' ? p.bounds : null)), [{ gte: 10, lt: 20 }, {}]);
  const impossible = await resolveQuery(parse({ query: { match: { headline: { query: 'a b', minimum_should_match: 3 } } } }).query, options([]));
  assert.equal(impossible.op, 'none');
});

test('match_phrase_prefix is one text condition (an OR of phrases), so it can be scored', async () => {
  const plan = await resolveQuery(parse({ query: { match_phrase_prefix: { headline: 'data eng' } } }).query, {
    layout, maxPatternTerms: 100_000, vocabulary: () => ['dataset', 'engineer', 'engineering'],
  });
  assert.equal(plan.op, 'text');
  assert.deepEqual(plan.op === 'text' ? plan.expr : null, {
    op: 'or',
    parts: [{ op: 'phrase', tokens: ['data', 'engineer'] }, { op: 'phrase', tokens: ['data', 'engineering'] }],
  });
});

test("match_phrase_prefix's last word expands to at most max_expansions terms, in dictionary order", async () => {
  const plan = await resolveQuery(parse({ query: { match_phrase_prefix: { headline: { query: 'data eng', max_expansions: 1 } } } }).query, {
    layout, maxPatternTerms: 100_000, vocabulary: () => ['dataset', 'engineer', 'engineering'],
  });
  assert.deepEqual(plan.op === 'text' ? plan.expr : null, { op: 'phrase', tokens: ['data', 'engineer'] });
});

test('a fuzzy term is its expansions, blended, each boosted by its similarity; match_bool_prefix ends with a prefix', async () => {
  const vocabulary = (): string[] => ['dav', 'data', 'date', 'datum', 'java'];
  const fuzzy = await resolveQuery(parse({ query: { fuzzy: { headline: { value: 'dava', max_expansions: 2 } } } }).query, { layout, maxPatternTerms: 100_000, vocabulary });
  // 'dava' (4 letters, one edit): dav 1 - 1/3, data and java 1 - 1/4; the two highest, then the smaller term.
  assert.deepEqual(fuzzy.op === 'text' ? fuzzy.expr : null, { op: 'or', parts: [{ op: 'term', token: 'data' }, { op: 'term', token: 'java' }], blend: [0.75, 0.75] });
  const one = await resolveQuery(parse({ query: { fuzzy: { headline: { value: 'dava', max_expansions: 3 } } } }).query, { layout, maxPatternTerms: 100_000, vocabulary });
  assert.deepEqual(one.op === 'text' && one.expr.op === 'or' ? one.expr.blend : null, [0.75, 0.75, Math.fround(1 - Math.fround(1 / 3))]);
  const bool = await resolveQuery(parse({ query: { match_bool_prefix: { headline: 'data eng' } } }).query, { layout, maxPatternTerms: 100_000, vocabulary });
  const parts = bool.op === 'or' ? bool.parts.map((p) => (p.op === 'text' ? p.expr : null)) : null;
  // A prefix in both forms a token can be stored in: encoded (a mark and hex) and plain.
  const encoded = `${'\u00b5'}${Buffer.from('eng').toString('hex')}`;
  assert.deepEqual(parts, [{ op: 'term', token: 'data' }, { op: 'or', parts: [{ op: 'prefix', token: encoded }, { op: 'prefix', token: 'eng' }] }]);
});
