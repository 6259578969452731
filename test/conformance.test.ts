// Conformance: tiny hand-built documents and the ids Elasticsearch returns for them, written from
// Elasticsearch's documented behaviour (term vs match analysis, null_value, exists on null and [],
// nested same-entry matching, should being optional beside filter, ...). Each case runs through the
// search endpoint (the SQLite engine) and through the reference evaluator; both must give the ids.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { referenceSearch } from '../src/query/reference/reference-matcher.js';
import { makeHarness, type Harness } from './helpers/harness.js';

const exp = (title: string, company: string, companyId: number, from: string, to: string | null, months: number) =>
  ({ title, company_name: company, company_id: companyId, date_from: from, date_to: to, duration_months: months });

const docs: Record<string, unknown>[] = [
  {
    id: 1, full_name: 'Avery Marlow', job_title: 'Senior Data Engineer', headline: 'Data Engineer at Northwind',
    description: 'Builds batch and streaming data platforms. Python, Spark.', skills: ['python', 'apache spark', 'sql'],
    location_country_iso_2: 'US', follower_count: 812, last_updated: '2025-03-15', name_middle: null,
    experience: [exp('Senior Data Engineer', 'Northwind Analytics', 70000042, '2021-06', null, 46), exp('Data Engineer', 'Bluebonnet Logistics', 70000777, '2016-03', '2021-05', 63)],
    patents: [
      { title: 'Stream engine', inventors: [{ full_name: 'Avery Marlow' }, { full_name: 'Kim Lee' }] },
      { title: 'Batch planner', inventors: [{ full_name: 'Avery Stone' }] },
    ],
  },
  {
    id: 2, full_name: 'Jordan Example', job_title: 'Engineering Manager', headline: 'Manager',
    description: 'Leads teams shipping Java services.', skills: ['java', 'leadership'],
    location_country_iso_2: 'GB', follower_count: 120, last_updated: '2024-12-01', name_middle: 'Q.',
    experience: [exp('Engineering Manager', 'Bluebonnet Logistics', 70000777, '2020-01', null, 60), exp('Data Engineer', 'Northwind Analytics', 70000042, '2015-01', '2019-12', 60)],
    patents: [{ title: 'Service mesh', inventors: [{ full_name: 'Jordan Avery Example' }] }],
  },
  { id: 3, full_name: "Sam O'Neil", job_title: null, headline: 'Student', description: 'First job soon.', skills: [], location_country_iso_2: 'DE', follower_count: 5, last_updated: '2023-06-30', experience: [] },
  {
    id: 4, full_name: 'Data Science Person', job_title: 'Data Scientist', headline: 'Data, science & engineering',
    description: 'Python python PYTHON data', skills: ['Python'], location_country_iso_2: 'US', follower_count: null, last_updated: '2025-01-01',
    experience: [exp('Intern', 'Northwind Analytics', 70000042, '2014-01', '2014-06', 6)],
  },
];

const cases: [string, unknown, number[]][] = [
  ['term on a text field is not analyzed', { term: { job_title: 'Senior' } }, []],
  ['term on a text field matches a token', { term: { job_title: 'senior' } }, [1]],
  ['term on .exact matches the whole value', { term: { 'job_title.exact': 'Senior Data Engineer' } }, [1]],
  ['term on .exact is case-sensitive', { term: { 'job_title.exact': 'senior data engineer' } }, []],
  ['term case_insensitive', { term: { 'job_title.exact': { value: 'senior data engineer', case_insensitive: true } } }, [1]],
  ['null_value NULL finds explicit nulls', { term: { 'job_title.exact': 'NULL' } }, [3]],
  ['exists: null is missing', { exists: { field: 'job_title' } }, [1, 2, 4]],
  ['exists: [] is missing', { exists: { field: 'skills' } }, [1, 2, 4]],
  ['match is analyzed (or)', { match: { description: 'PYTHON spark' } }, [1, 4]],
  ['match operator and', { match: { description: { query: 'python spark', operator: 'and' } } }, [1]],
  ['match minimum_should_match', { match: { description: { query: 'python spark java', minimum_should_match: 2 } } }, [1]],
  ['match_phrase in order', { match_phrase: { description: 'streaming data' } }, [1]],
  ['match_phrase reversed without slop', { match_phrase: { description: 'data streaming' } }, []],
  ['match_phrase reversed with slop 2', { match_phrase: { description: { query: 'data streaming', slop: 2 } } }, [1]],
  // Sloppy phrases as Lucene measures them: each term's position less its offset in the phrase,
  // largest minus smallest at most the slop (a transposition costs 2), a position per term.
  ['sloppy phrase: a transposition costs 2, slop 1 is not enough', { match_phrase: { description: { query: 'data streaming', slop: 1 } } }, []],
  ['sloppy phrase: one word between in order, slop 1', { match_phrase: { description: { query: 'batch streaming', slop: 1 } } }, [1]],
  ['sloppy phrase: reversed with a word between needs slop 3 (2)', { match_phrase: { description: { query: 'streaming batch', slop: 2 } } }, []],
  ['sloppy phrase: reversed with a word between needs slop 3 (3)', { match_phrase: { description: { query: 'streaming batch', slop: 3 } } }, [1]],
  ['sloppy phrase: three words out of order, slop 2', { match_phrase: { description: { query: 'batch data streaming', slop: 2 } } }, [1]],
  ['sloppy phrase: three words out of order, slop 1', { match_phrase: { description: { query: 'batch data streaming', slop: 1 } } }, []],
  ['sloppy phrase: a repeated word needs two occurrences', { match_phrase: { description: { query: 'spark spark', slop: 3 } } }, []],
  ['sloppy phrase: a repeated word with two occurrences', { match_phrase: { description: { query: 'python python', slop: 1 } } }, [4]],
  ['sloppy phrase in query_string', { query_string: { query: '"streaming batch"~2 OR "streaming batch"~3', default_field: 'description' } }, [1]],
  ['sloppy phrase under must_not', { bool: { must: [{ match: { description: 'data' } }], must_not: [{ match_phrase: { description: { query: 'data streaming', slop: 1 } } }] } }, [1, 4]],
  ['sloppy phrase in nested entries (2)', { nested: { path: 'experience', query: { match_phrase: { 'experience.title': { query: 'engineer senior', slop: 2 } } } } }, []],
  ['sloppy phrase in nested entries (3)', { nested: { path: 'experience', query: { match_phrase: { 'experience.title': { query: 'engineer senior', slop: 3 } } } } }, [1]],
  ['match_phrase never joins two values of an array', { match_phrase: { skills: 'spark sql' } }, []],
  ['match_phrase with a small slop stays within one value', { match_phrase: { skills: { query: 'spark sql', slop: 5 } } }, []],
  // Values are 100 positions apart (position_increment_gap): "spark" ends one at 1, "sql" starts the next at 102.
  ['a sloppy phrase does not reach the next value with slop 1 (the index keeps one filler between them)', { match_phrase: { skills: { query: 'spark sql', slop: 1 } } }, []],
  ['a sloppy phrase does not reach the next value with slop 99', { match_phrase: { skills: { query: 'spark sql', slop: 99 } } }, []],
  ['a sloppy phrase reaches the next value with slop 100', { match_phrase: { skills: { query: 'spark sql', slop: 100 } } }, [1]],
  ['a sloppy phrase reversed across values needs slop 102', { query_string: { query: '"sql spark"~101 OR "python sql"~100', default_field: 'skills' } }, []],
  ['a sloppy phrase reversed across values with slop 102', { query_string: { query: '"sql spark"~102', default_field: 'skills' } }, [1]],
  ['match_phrase within one value of an array', { match_phrase: { skills: 'apache spark' } }, [1]],
  ['match_phrase_prefix', { match_phrase_prefix: { full_name: 'avery mar' } }, [1]],
  ['match_bool_prefix', { match_bool_prefix: { headline: 'data eng' } }, [1, 4]],
  ['match_bool_prefix: fuzziness for the words before the last', { match_bool_prefix: { description: { query: 'pythn str', fuzziness: 'AUTO', operator: 'and' } } }, [1]],
  ['match_bool_prefix: without fuzziness the word must be found', { match_bool_prefix: { description: { query: 'pythn str', operator: 'and' } } }, []],
  ['match fuzziness: a transposition is one edit', { match: { description: { query: 'pyhton', fuzziness: 1 } } }, [1, 4]],
  ['match fuzziness: two without fuzzy_transpositions', { match: { description: { query: 'pyhton', fuzziness: 1, fuzzy_transpositions: false } } }, []],
  ['prefix on keyword', { prefix: { 'full_name.exact': 'Av' } }, [1]],
  ['prefix on text uses tokens', { prefix: { full_name: 'av' } }, [1]],
  ['prefix is not analyzed', { prefix: { full_name: 'Av' } }, []],
  ['wildcard anchored', { wildcard: { 'job_title.exact': '*Engineer' } }, [1]],
  ['wildcard inside', { wildcard: { 'job_title.exact': '*Engineer*' } }, [1, 2]],
  ['regexp', { regexp: { location_country_iso_2: 'U[SK]' } }, [1, 4]],
  ['fuzzy AUTO allows one edit on 5 letters', { fuzzy: { skills: 'pythn' } }, [1, 4]],
  ['range on numbers; null is no value', { range: { follower_count: { gte: 100, lt: 812 } } }, [2]],
  ['range lte includes the bound', { range: { follower_count: { lte: 812 } } }, [1, 2, 3]],
  ['range on dates', { range: { last_updated: { gte: '2025-01-01' } } }, [1, 4]],
  ['range date with format', { range: { last_updated: { lt: '12/2024', format: 'MM/yyyy' } } }, [3]],
  ['terms', { terms: { location_country_iso_2: ['US', 'DE'] } }, [1, 3, 4]],
  ['ids ignores unknown ids', { ids: { values: [2, 3, 99] } }, [2, 3]],
  ['should is optional beside filter', { bool: { filter: [{ term: { location_country_iso_2: 'US' } }], should: [{ match: { skills: 'java' } }] } }, [1, 4]],
  ['minimum_should_match makes should required', { bool: { filter: [{ term: { location_country_iso_2: 'US' } }], should: [{ match: { skills: 'java' } }], minimum_should_match: 1 } }, []],
  ['should alone needs one', { bool: { should: [{ match: { skills: 'java' } }, { match: { skills: 'sql' } }] } }, [1, 2]],
  ['must_not', { bool: { must: [{ match: { description: 'python' } }], must_not: [{ match: { description: 'spark' } }] } }, [4]],
  ['nested: conditions in the same entry', { nested: { path: 'experience', query: { bool: { must: [{ match: { 'experience.company_name': 'northwind' } }, { match_phrase: { 'experience.title': 'engineering manager' } }] } } } }, []],
  ['nested: current job at a company', { nested: { path: 'experience', query: { bool: { must: [{ term: { 'experience.company_id': 70000777 } }], must_not: [{ exists: { field: 'experience.date_to' } }] } } } }, [2]],
  ['nested field outside nested matches nothing', { match: { 'experience.title': 'engineer' } }, []],
  ['constant_score', { constant_score: { filter: { term: { location_country_iso_2: 'US' } } } }, [1, 4]],
  ['dis_max', { dis_max: { queries: [{ match: { skills: 'java' } }, { match: { skills: 'sql' } }] } }, [1, 2]],
  ['boosting keeps negatives', { boosting: { positive: { match: { description: 'data' } }, negative: { match: { description: 'spark' } }, negative_boost: 0.2 } }, [1, 4]],
  ['match_all', { match_all: {} }, [1, 2, 3, 4]],
  ['match_none', { match_none: {} }, []],
  ['query_string boolean', { query_string: { query: 'python AND NOT java', default_field: 'description' } }, [1, 4]],
  ['query_string fields', { query_string: { query: 'full_name:avery OR skills:java' } }, [1, 2]],
  // analyze_wildcard: without it a pattern is only lower-cased, so `data-eng` is no token's prefix.
  ['query_string prefix, not analyzed', { query_string: { query: 'headline:Data-Eng*' } }, []],
  ['query_string prefix, analyzed (or)', { query_string: { query: 'headline:Science-Eng*', analyze_wildcard: true } }, [1, 4]],
  ['query_string prefix, analyzed (and)', { query_string: { query: 'headline:Science-Eng*', analyze_wildcard: true, default_operator: 'and' } }, [4]],
  ['query_string wildcard, not analyzed', { query_string: { query: 'headline:Man-Ag*r' } }, []],
  ['query_string wildcard, analyzed: each run its first token', { query_string: { query: 'headline:Man-Ag*r', analyze_wildcard: true } }, [2]],
  ['simple_query_string and', { simple_query_string: { query: 'python -spark', fields: ['description'], default_operator: 'and' } }, [4]],
  ['simple_query_string prefix, analyzed', { simple_query_string: { query: 'Science-Eng*', fields: ['headline'], analyze_wildcard: true, default_operator: 'and' } }, [4]],
  ['multi_match best_fields', { multi_match: { query: 'manager java', fields: ['headline', 'description'], operator: 'and' } }, []],
  ['multi_match cross_fields', { multi_match: { query: 'manager java', fields: ['headline', 'description'], type: 'cross_fields', operator: 'and' } }, [2]],
];

let h: Harness;
let key: string;
before(async () => {
  h = await makeHarness({ ROLLCALL_RATE_LIMIT_SEARCH: '0' });
  await h.importRecords('employee_clean', docs);
  key = (await h.key({ searchCredits: 10_000 })).api_key;
});
after(() => h.close());

for (const [name, query, ids] of cases) {
  test(`conformance: ${name}`, async () => {
    const body = { query, sort: ['id'] };
    const res = await h.app.inject({ method: 'POST', url: '/cdapi/v2/employee_clean/search/es_dsl', headers: { apikey: key, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), ids, 'engine');
    const request = parseSearchRequest(body, { mapping: h.rt.datasets.employee_clean.mapping, now: h.clock.now() });
    assert.deepEqual(referenceSearch(request.query, docs).sort((a, b) => a - b), ids, 'reference evaluator');
  });
}

// Compound scoring as Elasticsearch composes it, on queries whose leaves score a constant (their
// boost where they match), so every value is computed by hand: bool sums its must and should
// clauses (filter and must_not add nothing), constant_score scores its boost, dis_max takes the
// best plus tie_breaker times the others, boosting multiplies what its negative query matches by
// negative_boost, and boosts multiply down the tree. Doc 1: US, 812 followers, name_middle null;
// doc 2: GB, 120, "Q."; doc 3: DE, 5; doc 4: US, no followers.
const US = { term: { location_country_iso_2: 'US' } };
const scoreCases: [string, unknown, Record<number, number>][] = [
  ['constant_score scores its boost', { constant_score: { filter: US, boost: 2.5 } }, { 1: 2.5, 4: 2.5 }],
  ['match_all scores its boost', { match_all: { boost: 1.5 } }, { 1: 1.5, 2: 1.5, 3: 1.5, 4: 1.5 }],
  ['a filter-only bool scores 0', { bool: { filter: [US] } }, { 1: 0, 4: 0 }],
  ['bool sums the should clauses that match', { bool: { should: [{ constant_score: { filter: US } }, { constant_score: { filter: { exists: { field: 'name_middle' } }, boost: 3 } }] } }, { 1: 1, 2: 3, 4: 1 }],
  ['range, exists and terms score 1 times their boost', { bool: { should: [{ range: { follower_count: { gte: 100, boost: 2 } } }, { exists: { field: 'name_middle' } }, { terms: { location_country_iso_2: ['US', 'DE'], boost: 0.5 } }] } }, { 1: 2.5, 2: 3, 3: 0.5, 4: 0.5 }],
  ['must and should add, filter does not', { bool: { must: [{ range: { follower_count: { gte: 100 } } }], should: [{ constant_score: { filter: US } }], filter: [{ exists: { field: 'skills' } }] } }, { 1: 2, 2: 1 }],
  [
    'dis_max: the best plus tie_breaker times the others',
    { dis_max: { queries: [{ constant_score: { filter: US, boost: 2 } }, { constant_score: { filter: { range: { follower_count: { gte: 100 } } }, boost: 3 } }], tie_breaker: 0.5 } },
    { 1: 4, 2: 3, 4: 2 },
  ],
  [
    'boosting demotes what the negative query matches',
    { boosting: { positive: { constant_score: { filter: { exists: { field: 'description' } }, boost: 4 } }, negative: US, negative_boost: 0.25 } },
    { 1: 1, 2: 4, 3: 4, 4: 1 },
  ],
  ['boosts multiply down the tree', { bool: { should: [{ constant_score: { filter: US, boost: 2 } }, { dis_max: { queries: [{ exists: { field: 'name_middle', boost: 3 } }], boost: 2 } }], boost: 0.5 } }, { 1: 1, 2: 3, 4: 1 }],
];

for (const [name, query, scores] of scoreCases) {
  test(`conformance (scores): ${name}`, async () => {
    const res = await h.app.inject({ method: 'POST', url: '/cdapi/v2/employee_clean/search/es_dsl/preview', headers: { apikey: key, 'content-type': 'application/json' }, payload: JSON.stringify({ query }) });
    assert.equal(res.statusCode, 200, res.body);
    const got = Object.fromEntries((res.json() as { id: number; _score: number }[]).map((r) => [r.id, r._score]));
    assert.deepEqual(got, Object.fromEntries(Object.entries(scores).map(([id, s]) => [id, s])));
    // The same scores in `_score` order, best first (ties: the default order).
    const sorted = await h.app.inject({ method: 'POST', url: '/cdapi/v2/employee_clean/search/es_dsl', headers: { apikey: key, 'content-type': 'application/json' }, payload: JSON.stringify({ query, sort: ['_score'] }) });
    assert.equal(sorted.statusCode, 200, sorted.body);
    const ids = sorted.json() as number[];
    assert.deepEqual(ids.map((id) => scores[id]), Object.values(scores).sort((a, b) => b - a));
  });
}

// Relevance as Lucene's BM25 (k1 1.2, b 0.75), computed here by hand from the formula:
//   idf = ln(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5)), per field (documents with a value);
//   score = boost × idf × freq / (freq + k1 × (1 - b + b × length / avgLength)), summed over terms;
// a phrase's idf is its terms' summed, its freq its occurrences (a sloppy one: 1 / (1 + distance)
// each); keyword fields have no lengths (1) and count each value once. Elasticsearch rounds to
// 32-bit floats on the way, so values agree to about 1e-6 of their size.
// description lengths: 8, 5, 3, 4 tokens; skills: 4 (no gap counted), 2, none, 1.
const k1 = 1.2;
const b = 0.75;
const idf = (docCount: number, docFreq: number): number => Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5));
const tf = (freq: number, length: number, avg: number): number => freq / (freq + k1 * (1 - b + (b * length) / avg));
const bm25Cases: [string, unknown, Record<number, number>][] = [
  ['one term', { match: { description: 'python' } }, { 1: idf(4, 2) * tf(1, 8, 5), 4: idf(4, 2) * tf(3, 4, 5) }],
  ['two terms sum', { match: { description: 'python data' } }, { 1: 2 * idf(4, 2) * tf(1, 8, 5), 4: idf(4, 2) * (tf(3, 4, 5) + tf(1, 4, 5)) }],
  ['a boost multiplies', { match: { description: { query: 'python', boost: 2 } } }, { 1: 2 * idf(4, 2) * tf(1, 8, 5), 4: 2 * idf(4, 2) * tf(3, 4, 5) }],
  ['a keyword field: no length, one count', { term: { location_country_iso_2: 'US' } }, { 1: idf(4, 2) * tf(1, 1, 1), 4: idf(4, 2) * tf(1, 1, 1) }],
  ['per-field statistics (skills: 3 documents, 7 tokens, gaps not counted)', { match: { skills: 'python' } }, { 1: idf(3, 2) * tf(1, 4, 7 / 3), 4: idf(3, 2) * tf(1, 1, 7 / 3) }],
  ['a phrase', { match_phrase: { description: 'streaming data' } }, { 1: (idf(4, 1) + idf(4, 2)) * tf(1, 8, 5) }],
  // "python python"~1 in "python python python data": two matches of length 0 (Lucene keeps the
  // two cursors of the repeated word on positions of their own), idf summed over both words.
  ['a sloppy phrase that repeats a word', { match_phrase: { description: { query: 'python python', slop: 1 } } }, { 4: 2 * idf(4, 2) * tf(2, 4, 5) }],
  ['a sloppy phrase weighs 1 / (1 + distance)', { match_phrase: { description: { query: 'data streaming', slop: 2 } } }, { 1: (idf(4, 2) + idf(4, 1)) * tf(1 / 3, 8, 5) }],
  [
    'full-text and constant clauses in one bool',
    { bool: { should: [{ match: { description: 'python' } }, { constant_score: { filter: { term: { location_country_iso_2: 'GB' } }, boost: 0.5 } }] } },
    { 1: idf(4, 2) * tf(1, 8, 5), 2: 0.5, 4: idf(4, 2) * tf(3, 4, 5) },
  ],
  [
    'dis_max of two fields',
    { dis_max: { queries: [{ match: { description: 'python' } }, { match: { skills: 'python' } }], tie_breaker: 0.1 } },
    {
      1: Math.max(idf(4, 2) * tf(1, 8, 5), idf(3, 2) * tf(1, 4, 7 / 3)) + 0.1 * Math.min(idf(4, 2) * tf(1, 8, 5), idf(3, 2) * tf(1, 4, 7 / 3)),
      4: Math.max(idf(4, 2) * tf(3, 4, 5), idf(3, 2) * tf(1, 1, 7 / 3)) + 0.1 * Math.min(idf(4, 2) * tf(3, 4, 5), idf(3, 2) * tf(1, 1, 7 / 3)),
    },
  ],
  // Fuzzy terms score as Lucene's blended expansions (FuzzyQuery's default rewrite): each found
  // term times its similarity, 1 - edits / the shorter length ('pythn' -> 'python': 1 - 1/5),
  // and with the largest document frequency among the expansions ('dava' -> 'data' in 2
  // documents, 'java' in 1: both score with 2).
  ['fuzzy: a found term weighs its similarity', { fuzzy: { description: 'pythn' } }, { 1: 0.8 * idf(4, 2) * tf(1, 8, 5), 4: 0.8 * idf(4, 2) * tf(3, 4, 5) }],
  ['fuzzy: expansions share the largest document frequency', { fuzzy: { description: 'dava' } }, { 1: 0.75 * idf(4, 2) * tf(1, 8, 5), 2: 0.75 * idf(4, 2) * tf(1, 5, 5), 4: 0.75 * idf(4, 2) * tf(1, 4, 5) }],
  ['fuzzy: max_expansions keeps the highest boosts, then the smallest terms', { fuzzy: { description: { value: 'dava', max_expansions: 1 } } }, { 1: 0.75 * idf(4, 2) * tf(1, 8, 5), 4: 0.75 * idf(4, 2) * tf(1, 4, 5) }],
  [
    'match with fuzziness: each word a blended fuzzy term, summed',
    { match: { description: { query: 'dava pythn', fuzziness: 'AUTO' } } },
    { 1: 0.75 * idf(4, 2) * tf(1, 8, 5) + 0.8 * idf(4, 2) * tf(1, 8, 5), 2: 0.75 * idf(4, 2) * tf(1, 5, 5), 4: 0.75 * idf(4, 2) * tf(1, 4, 5) + 0.8 * idf(4, 2) * tf(3, 4, 5) },
  ],
  // match_bool_prefix: the words before the last are terms, the last a prefix query, which
  // scores a constant (its boost), however many terms start with it.
  ['match_bool_prefix: terms, then a constant prefix', { match_bool_prefix: { description: 'python str' } }, { 1: idf(4, 2) * tf(1, 8, 5) + 1, 4: idf(4, 2) * tf(3, 4, 5) }],
  ['match_bool_prefix: fuzzy words blended, the prefix constant', { match_bool_prefix: { description: { query: 'pythn str', fuzziness: 'AUTO' } } }, { 1: 0.8 * idf(4, 2) * tf(1, 8, 5) + 1, 4: 0.8 * idf(4, 2) * tf(3, 4, 5) }],
  ['match_bool_prefix: a boost multiplies both', { match_bool_prefix: { description: { query: 'python b', boost: 2 } } }, { 1: 2 * idf(4, 2) * tf(1, 8, 5) + 2, 4: 2 * idf(4, 2) * tf(3, 4, 5) }],
  // Nested entries score as documents of their own (experience.title: 5 entries, 10 tokens;
  // "engineer" in 3 of them), the record gets their average (score_mode: sum, max, min too).
  ['nested: the average of the matching entries', { nested: { path: 'experience', query: { match: { 'experience.title': 'engineer' } } } }, { 1: (idf(5, 3) * (tf(1, 3, 2) + tf(1, 2, 2))) / 2, 2: idf(5, 3) * tf(1, 2, 2) }],
  ['nested: score_mode max', { nested: { path: 'experience', score_mode: 'max', query: { match: { 'experience.title': 'engineer' } } } }, { 1: idf(5, 3) * tf(1, 2, 2), 2: idf(5, 3) * tf(1, 2, 2) }],
  ['nested: score_mode sum of constant entries', { nested: { path: 'experience', score_mode: 'sum', query: { range: { 'experience.duration_months': { gte: 1, boost: 2 } } } } }, { 1: 4, 2: 4, 4: 2 }],
  // A nested query inside another: inventors score as documents of their own (4 inventors, 9
  // tokens; "avery" in 3), each patent gets its inventors' largest score, each record the sum
  // of its patents'.
  [
    'nested inside nested: each level aggregates its own entries',
    { nested: { path: 'patents', score_mode: 'sum', query: { nested: { path: 'patents.inventors', score_mode: 'max', query: { match: { 'patents.inventors.full_name': 'avery' } } } } } },
    { 1: 2 * idf(4, 3) * tf(1, 2, 9 / 4), 2: idf(4, 3) * tf(1, 3, 9 / 4) },
  ],
  [
    'nested inside nested: avg of avg, with a boost',
    { nested: { path: 'patents', query: { nested: { path: 'patents.inventors', query: { match: { 'patents.inventors.full_name': { query: 'avery kim', boost: 2 } } } } } } },
    { 1: (((2 * idf(4, 3) * tf(1, 2, 9 / 4) + 2 * idf(4, 1) * tf(1, 2, 9 / 4)) / 2 + 2 * idf(4, 3) * tf(1, 2, 9 / 4)) / 2), 2: 2 * idf(4, 3) * tf(1, 3, 9 / 4) },
  ],
  [
    'nested beside a record clause',
    { bool: { must: [{ nested: { path: 'experience', score_mode: 'min', query: { match: { 'experience.title': 'engineer' } } } }], should: [{ match: { description: 'python' } }] } },
    { 1: idf(5, 3) * tf(1, 3, 2) + idf(4, 2) * tf(1, 8, 5), 2: idf(5, 3) * tf(1, 2, 2) },
  ],
];

for (const [name, query, scores] of bm25Cases) {
  test(`conformance (BM25): ${name}`, async () => {
    const res = await h.app.inject({ method: 'POST', url: '/cdapi/v2/employee_clean/search/es_dsl/preview', headers: { apikey: key, 'content-type': 'application/json' }, payload: JSON.stringify({ query }) });
    assert.equal(res.statusCode, 200, res.body);
    const got = new Map((res.json() as { id: number; _score: number }[]).map((r) => [r.id, r._score]));
    assert.deepEqual([...got.keys()].sort(), Object.keys(scores).map(Number).sort(), 'hits');
    for (const [id, want] of Object.entries(scores)) {
      const have = got.get(Number(id))!;
      assert.ok(Math.abs(have - want) <= 1e-6 * want, `doc ${id}: ${have}, by hand ${want}`);
    }
  });
}
