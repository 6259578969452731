// Tests for query_string (Lucene classic syntax) and simple_query_string, parsed into the query AST.
// Trees are compared through renderQuery's notation (src/query/render-query.ts): `+` must,
// `-` must_not, bare = should, `field:match(text AND)`, `field:"phrase"~slop`, `^n` boost...
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDatasets, type DatasetName } from '../src/datasets/datasets.js';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { QueryValidationError } from '../src/query/query-errors.js';
import { renderQuery } from '../src/query/render-query.js';

const datasets = loadDatasets();
const NOW = Date.UTC(2024, 4, 15, 13, 45, 30, 123);

function render(query: unknown, ds: DatasetName = 'employee_clean'): string {
  return renderQuery(parseSearchRequest({ query }, { mapping: datasets[ds].mapping, now: NOW }).query);
}

/** query_string on full_name (a text field) unless other parameters are given. */
const qs = (query: string, params: Record<string, unknown> = { default_field: 'full_name' }): string =>
  render({ query_string: { query, ...params } });
const sqs = (query: string, params: Record<string, unknown> = { fields: ['full_name'] }): string =>
  render({ simple_query_string: { query, ...params } });

function rejects(query: unknown, message: string): void {
  assert.throws(() => render(query), (e: unknown) => {
    assert.ok(e instanceof QueryValidationError, String(e));
    assert.equal(e.message, message);
    return true;
  });
}

test('query_string: words, runs of words and boolean operators follow Lucene', () => {
  const cases: [string, string][] = [
    ['Python', 'full_name:match(Python)'],
    // A run of bare words is analyzed as one text (Elasticsearch 6+: whitespace is not an operator).
    ['John Doe', 'full_name:match(John Doe)'],
    ['a AND b', '(+full_name:match(a) +full_name:match(b))'],
    ['a && b', '(+full_name:match(a) +full_name:match(b))'],
    ['a OR b', '(full_name:match(a) full_name:match(b))'],
    ['a || b', '(full_name:match(a) full_name:match(b))'],
    // Lucene is not a precedence parser: AND makes its neighbours required, the rest stay optional.
    ['a OR b AND c', '(+full_name:match(b) +full_name:match(c) full_name:match(a))'],
    ['a -b', '(full_name:match(a) -full_name:match(b))'],
    ['a !b', '(full_name:match(a) -full_name:match(b))'],
    ['+a b', '(+full_name:match(a) full_name:match(b))'],
    ['a AND NOT b', '(+full_name:match(a) -full_name:match(b))'],
    ['NOT a', '(-full_name:match(a))'],
    ['(a OR b) AND c', '(+(full_name:match(a) full_name:match(b)) +full_name:match(c))'],
    ['(a b)^3', 'full_name:match(a b)^3'],
    ['a^2 b', '(full_name:match(a)^2 full_name:match(b))'],
    ['a + b', '(full_name:match(a) full_name:match(b))'], // a bare `+` analyzes to nothing and is dropped
    ['wi-fi C++', 'full_name:match(wi-fi C++)'],
    ['a\\:b \\(c\\)', 'full_name:match(a:b (c))'],
    ['&&b', 'full_name:match(&&b)'], // longest match: a term, not an operator
    ['   ', 'NONE'],
  ];
  for (const [query, expected] of cases) assert.equal(qs(query), expected, query);
});

test('query_string: default_operator AND', () => {
  const and = { default_field: 'full_name', default_operator: 'AND' };
  assert.equal(qs('John Doe', and), 'full_name:match(John Doe AND)');
  assert.equal(qs('a OR b', and), '(full_name:match(a AND) full_name:match(b AND))');
  assert.equal(qs('a b*', and), '(+full_name:match(a AND) +full_name:prefix(b))');
  assert.equal(qs('a -b', and), '(+full_name:match(a AND) -full_name:match(b AND))');
});

test('query_string: fields, phrases, wildcards, fuzzy, regexp, exists', () => {
  const cases: [string, string][] = [
    ['job_title:engineer', 'job_title:match(engineer)'],
    ['job_title:(data engineer) OR headline:"data engineer"~2', '(job_title:match(data engineer) headline:"data engineer"~2)'],
    ['"data engineer"^2', 'full_name:"data engineer"^2'],
    ['"a \\"b\\" c"', 'full_name:"a "b" c"'],
    ['Pyth*', 'full_name:prefix(pyth)'], // term-level patterns are lower-cased on text fields
    ['P?thon', 'full_name:wildcard(p?thon)'],
    ['*thon', 'full_name:wildcard(*thon)'],
    ['job_title.exact:Senior*', 'job_title.exact:prefix(Senior)'], // keyword: as written
    ['jon~', 'full_name:fuzzy(jon~AUTO)'],
    ['jon~1', 'full_name:fuzzy(jon~1)'],
    ['jon~5', 'full_name:fuzzy(jon~2)'],
    ['/jo.n/', 'full_name:/jo.n/'],
    ['_exists_:experience', 'exists(experience)'],
    ['_exists_:job_title', 'exists(job_title)'],
    ['job_title:*', 'exists(job_title)'],
    ['*', 'exists(full_name)'],
    ['*:*', '*'],
    ['experience.title:python', 'NONE'], // nested field outside a nested query
    ['management_level:Director', 'management_level="Director"'],
    ['name_\\*:x', 'dismax(name_first:match(x) | name_first.exact="x" | name_middle:match(x) | name_middle.exact="x" '
      + '| name_last:match(x) | name_last.exact="x")'],
  ];
  for (const [query, expected] of cases) assert.equal(qs(query), expected, query);
  assert.equal(qs('"data engineer"', { default_field: 'job_title', quote_field_suffix: '.exact' }), 'job_title.exact="data engineer"');
  assert.equal(qs('"a b"', { default_field: 'full_name', phrase_slop: 3 }), 'full_name:"a b"~3');
  assert.equal(qs('jon~', { default_field: 'full_name', fuzziness: 1 }), 'full_name:fuzzy(jon~1)');
});

test('query_string: ranges', () => {
  const day = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d);
  const cases: [string, string][] = [
    ['follower_count:[10 TO 20]', 'follower_count:{gte 10, lte 20}'],
    ['follower_count:{10 TO 20]', 'follower_count:{gt 10, lte 20}'],
    ['follower_count:[10 TO *]', 'follower_count:{gte 10}'],
    ['follower_count:[* TO 20}', 'follower_count:{lt 20}'],
    ['follower_count:>=5', 'follower_count:{gte 5}'],
    ['follower_count:<5', 'follower_count:{lt 5}'],
    ['last_updated:>2020-01-01', `last_updated:{gt ${day(2020, 1, 2) - 1}}`],
    ['last_updated:[2020-01-01 TO 2020-12-31]', `last_updated:{gte ${day(2020, 1, 1)}, lte ${day(2021, 1, 1) - 1}}`],
    ['last_updated:[now-1d/d TO now]', `last_updated:{gte ${day(2024, 5, 14)}, lte ${NOW}}`],
    ['last_updated:["2020-01-01" TO "2020-02-01"}', `last_updated:{gte ${day(2020, 1, 1)}, lt ${day(2020, 2, 1)}}`],
    ['job_title.exact:[A TO C]', 'job_title.exact:{gte "A", lte "C"}'],
  ];
  for (const [query, expected] of cases) assert.equal(qs(query), expected, query);
  assert.equal(qs('last_updated:[2020-01-01 TO *]', { default_field: 'full_name', time_zone: '+02:00' }),
    `last_updated:{gte ${day(2020, 1, 1) - 7_200_000}}`);
  assert.equal(qs('>=5', { default_field: 'follower_count' }), 'follower_count:{gte 5}'); // single default field
});

test('query_string: default fields, fields with boosts and patterns, type, tie_breaker', () => {
  // No default_field: every root-level text field (Elasticsearch's `*`).
  assert.match(qs('python', {}), /^dismax\(full_name:match\(python\) \| name_first:match\(python\) \| .*\| location_state:match\(python\)\)$/);
  assert.equal(qs('John Doe', { fields: ['full_name^2', 'headline'], default_operator: 'and' }),
    'dismax(full_name:match(John Doe AND)^2 | headline:match(John Doe AND))');
  assert.equal(qs('a OR b', { fields: ['full_name', 'headline'], tie_breaker: 0.2 }),
    '(dismax(full_name:match(a) | headline:match(a))~0.2 dismax(full_name:match(b) | headline:match(b))~0.2)');
  assert.equal(qs('a', { fields: ['full_name', 'headline'], type: 'most_fields' }), '(full_name:match(a) headline:match(a))');
  assert.equal(qs('a', { fields: ['headline', 'follower_count'], lenient: true }), 'headline:match(a)');
  assert.equal(qs('a OR b OR c', { default_field: 'full_name', minimum_should_match: 2, boost: 3 }),
    '(full_name:match(a) full_name:match(b) full_name:match(c))~2^3');
  // Inside nested, `*` means the text fields of that collection.
  assert.equal(render({ nested: { path: 'languages', query: { query_string: { query: 'french' } } } }),
    'nested languages[languages.language:match(french)]');
  // The Clean canonical example.
  assert.equal(qs('Python', { default_field: 'experience.title', default_operator: 'and' }), 'NONE');
});

test('query_string errors', () => {
  const base = { default_field: 'full_name' };
  for (const query of ["('IT company' OR 'Labs'", 'a)', '"a', 'a AND', 'AND a', 'a OR OR b', 'NOT', 'a^', 'a^x', 'a\\',
    '[a TO', 'a /b', 'title*:x', '(']) {
    rejects({ query_string: { query, ...base } }, `failed to parse query [${query}]`);
  }
  const deep = `${'('.repeat(101)}a${')'.repeat(101)}`;
  rejects({ query_string: { query: deep, ...base } }, `failed to parse query [${deep}]`);
  assert.equal(sqs(`${'('.repeat(150)}a${')'.repeat(150)}`), 'full_name:match(a)');
  rejects({ query_string: { query: '*thon', default_field: 'full_name', allow_leading_wildcard: false } }, 'failed to parse query [*thon]');
  rejects({ query_string: { query: 'nope:x' } }, 'failed to create query: field [nope] is not defined in the mapping at [query.query_string]');
  rejects({ query_string: { query: 'follower_count:many' } }, 'failed to create query: For input string: "many" at [query.query_string]');
  rejects({ query_string: { query: 'x', default_field: 'full_name', fields: ['headline'] } },
    '[query_string] cannot use [fields] parameter in conjunction with [default_field] at [query.query_string]');
  rejects({ query_string: { default_field: 'full_name' } }, '[query_string] must be provided with a [query] at [query.query_string]');
  rejects({ query_string: { query: 'x', split_on_whitespace: false } }, '[query_string] query does not support [split_on_whitespace] at [query.query_string]');
  rejects({ query_string: { query: 'x', default_field: 'nope' } }, 'failed to create query: field [nope] is not defined in the mapping at [query.query_string]');
  // analyze_wildcard: a prefix or wildcard on a text field goes through its analyzer.
  assert.equal(qs('Data-Eng*', { default_field: 'headline' }), 'headline:prefix(data-eng)');
  assert.equal(qs('Data-Eng*', { default_field: 'headline', analyze_wildcard: true }), '(headline="data" headline:prefix(eng))');
  assert.equal(qs('Data-Eng*', { default_field: 'headline', analyze_wildcard: true, default_operator: 'and' }), '(+headline="data" +headline:prefix(eng))');
  assert.equal(qs('Pyth*', { default_field: 'headline', analyze_wildcard: true }), 'headline:prefix(pyth)');
  assert.equal(qs('Data-Eng*r', { default_field: 'headline', analyze_wildcard: true }), 'headline:wildcard(data*r)');
  assert.equal(qs('full_name.exact:Jo-An*', { analyze_wildcard: true }), 'full_name.exact:prefix(Jo-An)', 'a keyword field is not analyzed');
  assert.equal(sqs('Data-Eng*', { fields: ['headline'], analyze_wildcard: true, default_operator: 'and' }), '(+headline="data" +headline:prefix(eng))', 'simple_query_string too');
  // Accepted parameters that only tune Lucene internals or scoring.
  assert.equal(qs('x', { default_field: 'full_name', analyze_wildcard: true, auto_generate_synonyms_phrase_query: false,
    analyzer: 'standard', fuzzy_prefix_length: 1, fuzzy_max_expansions: 10, fuzzy_transpositions: false, escape: false, _name: 'n' }),
  'full_name:match(x)');
});

test('simple_query_string: operators, phrases, prefixes, fuzzy, precedence', () => {
  const cases: [string, string][] = [
    ['python', 'full_name:match(python)'],
    ['a b', '(full_name:match(a) full_name:match(b))'],
    ['a +b', '(+full_name:match(a) +full_name:match(b))'],
    ['a | b', '(full_name:match(a) full_name:match(b))'],
    // A change of operator wraps everything parsed so far (Lucene's SimpleQueryParser).
    ['a +b | c', '((+full_name:match(a) +full_name:match(b)) full_name:match(c))'],
    ['-a', '(* -full_name:match(a))'],
    ['a -b', '(full_name:match(a) (* -full_name:match(b)))'],
    ['--a', 'full_name:match(a)'],
    ['"data engineer"', 'full_name:"data engineer"'],
    ['"data engineer"~2', 'full_name:"data engineer"~2'],
    ['pyth*', 'full_name:prefix(pyth)'],
    ['jon~1', 'full_name:fuzzy(jon~1)'],
    ['jon~', 'full_name:fuzzy(jon~2)'],
    ['jon~0', 'full_name:match(jon)'],
    ['(a | b) +c', '(+(full_name:match(a) full_name:match(b)) +full_name:match(c))'],
    ['*', '*'],
    ['', 'NONE'],
  ];
  for (const [query, expected] of cases) assert.equal(sqs(query), expected, query);
  assert.equal(sqs('a b', { fields: ['full_name'], default_operator: 'and' }), '(+full_name:match(a) +full_name:match(b))');
});

test('simple_query_string never fails on syntax', () => {
  const cases: [string, string][] = [
    ['(a b', '(full_name:match(a) full_name:match(b))'], // an unmatched `(` or `"` is ignored
    ['"a b', '(full_name:match(a) full_name:match(b))'],
    ['a)', 'full_name:match(a)'],
    ['a +', 'full_name:match(a)'],
    ['| a', 'full_name:match(a)'],
    ['()', 'NONE'],
    ['""', 'NONE'],
    ['a\\+b', 'full_name:match(a+b)'],
  ];
  for (const [query, expected] of cases) assert.equal(sqs(query), expected, query);
});

test('simple_query_string: fields, flags, minimum_should_match', () => {
  const two = { fields: ['full_name^2', 'headline'] };
  assert.equal(sqs('a', two), '(full_name:match(a)^2 headline:match(a))'); // words: most_fields
  assert.equal(sqs('"a b"', two), 'dismax(full_name:"a b"^2 | headline:"a b")'); // phrases: dis_max
  assert.equal(sqs('a*', two), 'dismax(full_name:prefix(a)^2 | headline:prefix(a))~1');
  assert.equal(sqs('a*', { fields: ['full_name'], flags: 'OR|AND' }), 'full_name:match(a*)'); // PREFIX disabled
  assert.equal(sqs('a -b', { fields: ['full_name'], flags: 'NONE' }), 'full_name:match(a -b)');
  assert.equal(sqs('a b c', { fields: ['full_name'], minimum_should_match: '2' }),
    '(full_name:match(a) full_name:match(b) full_name:match(c))~2');
  assert.match(sqs('python', {}), /^\(full_name:match\(python\) name_first:match\(python\) /);
  rejects({ simple_query_string: { query: 'x', flags: 'AND|BOGUS' } }, 'Unknown simple_query_string flag [BOGUS] at [query.simple_query_string]');
  rejects({ simple_query_string: { query: 'x', fields: ['nope'] } },
    'failed to create query: field [nope] is not defined in the mapping at [query.simple_query_string]');
});
