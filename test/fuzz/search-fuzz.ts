// Property-based fuzzing of the search surface with fast-check, over the real Clean mapping and
// generated people: random queries of valid shape (leaf queries on the fields of the mapping with
// values taken from the records, inside bool / nested / constant_score / dis_max / boosting), the
// same bodies mutated byte by byte, random query_string texts and random `after` cursors.
// Properties:
//   - never a 500: every answer is 200, 400 or 422 with a JSON body;
//   - a 200 of a valid query holds exactly the ids the reference evaluator finds, and
//     x-total-results is their count;
//   - a non-200 costs no credit.
// `runSearchFuzz` is shared by the test suite (a fixed-seed slice) and `npm run fuzz` (many cases).
import fc from 'fast-check';
import type { FieldDef, Mapping } from '../../src/datasets/mapping.js';
import { parseSearchRequest } from '../../src/query/parse-request.js';
import { referenceSearch } from '../../src/query/reference/reference-matcher.js';
import type { Harness } from '../helpers/harness.js';

type Json = Record<string, unknown>;
type Rec = Record<string, unknown>;

export interface FuzzReport {
  readonly runs: number;
  readonly valid: number;
  readonly rejected: number;
  readonly statuses: Record<number, number>;
  readonly failure: string | null;
}

/** Values a field holds in the records (strings and numbers), for terms that match something. */
function valuesOf(records: readonly Rec[], path: string): (string | number)[] {
  const out = new Set<string | number>();
  const walk = (v: unknown, parts: string[]): void => {
    if (Array.isArray(v)) { for (const x of v) walk(x, parts); return; }
    if (parts.length === 0) { if (typeof v === 'string' || typeof v === 'number') out.add(v); return; }
    if (v !== null && typeof v === 'object') walk((v as Rec)[parts[0]!], parts.slice(1));
  };
  for (const r of records.slice(0, 60)) walk(r, path.split('.'));
  return [...out].slice(0, 40);
}

interface FieldPools {
  readonly text: FieldDef[];
  readonly keyword: FieldDef[];
  readonly number: FieldDef[];
}

function poolsFor(mapping: Mapping, nestedPath: string | null): FieldPools {
  const fields = [...mapping.byPath.values()].filter((f) => f.indexed && f.nestedPath === nestedPath && f.type !== 'nested' && f.type !== 'object');
  return {
    text: fields.filter((f) => f.type === 'text'),
    keyword: fields.filter((f) => f.type === 'keyword'),
    number: fields.filter((f) => ['long', 'integer', 'byte', 'short', 'double', 'float'].includes(f.type)),
  };
}

/** Values of a field: mostly ones it holds, sometimes arbitrary. */
function valueArb(records: readonly Rec[], f: FieldDef): fc.Arbitrary<string | number> {
  const path = f.subfieldOf ?? f.path;
  const held = valuesOf(records, path);
  const numeric = ['long', 'integer', 'byte', 'short', 'double', 'float'].includes(f.type);
  const random: fc.Arbitrary<string | number> = numeric ? fc.integer({ min: -5, max: 100_000 }) : fc.string({ maxLength: 8 });
  return held.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...held) }, { weight: 1, arbitrary: random }) : random;
}

function wordsOf(v: string | number): string {
  return String(v).split(/\s+/).slice(0, 3).join(' ');
}

/** A leaf query on the fields of one document level. */
function leafArb(mapping: Mapping, records: readonly Rec[], nestedPath: string | null): fc.Arbitrary<Json> {
  const p = poolsFor(mapping, nestedPath);
  const choices: fc.Arbitrary<Json>[] = [];
  if (p.text.length > 0) {
    const text = fc.constantFrom(...p.text).chain((f) => fc.tuple(fc.constant(f), valueArb(records, f)));
    choices.push(
      text.chain(([f, v]) => fc.constantFrom('or', 'and').map((operator) => ({ match: { [f.path]: { query: wordsOf(v), operator } } }))),
      text.map(([f, v]) => ({ match_phrase: { [f.path]: wordsOf(v) } })),
      text.map(([f, v]) => ({ query_string: { query: wordsOf(v).replace(/[^\p{L}\p{N} ]/gu, ' ').trim() || 'x', default_field: f.path, default_operator: 'and' } })),
    );
  }
  if (p.keyword.length > 0) {
    const kw = fc.constantFrom(...p.keyword).chain((f) => fc.tuple(fc.constant(f), valueArb(records, f)));
    choices.push(
      kw.map(([f, v]) => ({ term: { [f.path]: v } })),
      fc.constantFrom(...p.keyword).chain((f) => fc.array(valueArb(records, f), { minLength: 1, maxLength: 4 }).map((vs) => ({ terms: { [f.path]: vs } }))),
      kw.map(([f, v]) => ({ prefix: { [f.path]: String(v).slice(0, 2) } })),
      kw.map(([f, v]) => ({ wildcard: { [f.path]: `*${String(v).slice(1, 4)}*` } })),
      kw.map(([f, v]) => ({ regexp: { [f.path]: `${String(v).slice(0, 2).replace(/[^A-Za-z0-9]/g, '')}.*` } })),
      fc.constantFrom(...p.keyword).map((f) => ({ exists: { field: f.path } })),
    );
  }
  if (p.number.length > 0) {
    choices.push(
      fc.constantFrom(...p.number).chain((f) => fc.tuple(valueArb(records, f), fc.constantFrom('gte', 'gt', 'lte', 'lt')).map(([v, op]) => ({ range: { [f.path]: { [op]: v } } }))),
      fc.constantFrom(...p.number).chain((f) => valueArb(records, f).map((v) => ({ term: { [f.path]: v } }))),
    );
  }
  if (nestedPath === null) choices.push(fc.constant({ match_all: {} }), fc.array(fc.constantFrom(...records.map((r) => r['id'] as number)), { maxLength: 3 }).map((values) => ({ ids: { values } })));
  return fc.oneof(...choices);
}

/** Queries up to `depth` compound levels over one document level (root, or inside a nested path). */
function queryArb(mapping: Mapping, records: readonly Rec[], nestedPath: string | null, depth: number): fc.Arbitrary<Json> {
  const leaf = leafArb(mapping, records, nestedPath);
  if (depth === 0) return leaf;
  const inner = queryArb(mapping, records, nestedPath, depth - 1);
  const children = [...mapping.nestedPaths].filter((n) => n.split('.').length === (nestedPath === null ? 1 : nestedPath.split('.').length + 1) && (nestedPath === null || n.startsWith(`${nestedPath}.`)));
  const compound: fc.Arbitrary<Json>[] = [
    fc.record({
      must: fc.array(inner, { maxLength: 2 }),
      should: fc.array(inner, { maxLength: 3 }),
      must_not: fc.array(inner, { maxLength: 2 }),
      filter: fc.array(inner, { maxLength: 2 }),
    }).chain((b) => fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }).map((msm) => ({ bool: { ...b, ...(msm !== undefined ? { minimum_should_match: msm } : {}) } }))),
    inner.map((filter) => ({ constant_score: { filter, boost: 2 } })),
    fc.array(inner, { minLength: 1, maxLength: 3 }).map((queries) => ({ dis_max: { queries, tie_breaker: 0.3 } })),
    fc.tuple(inner, inner).map(([positive, negative]) => ({ boosting: { positive, negative, negative_boost: 0.5 } })),
  ];
  if (children.length > 0) {
    compound.push(fc.constantFrom(...children).chain((path) => queryArb(mapping, records, path, depth - 1).map((query) => ({ nested: { path, query } }))));
  }
  return fc.oneof({ weight: 2, arbitrary: leaf }, ...compound.map((arbitrary) => ({ weight: 1, arbitrary })));
}

/** A body, sometimes damaged: a character removed, replaced or inserted somewhere in its JSON. */
function mutated(body: Json): fc.Arbitrary<string> {
  const text = JSON.stringify(body);
  return fc.tuple(fc.nat({ max: Math.max(0, text.length - 1) }), fc.constantFrom('delete', 'replace', 'insert'), fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '\\', '0', '-', 'a', ' ', '\u0000', 'é'))
    .map(([at, how, c]) => how === 'delete' ? text.slice(0, at) + text.slice(at + 1) : how === 'replace' ? text.slice(0, at) + c + text.slice(at + 1) : text.slice(0, at) + c + text.slice(at));
}

const queryStringArb = fc.array(fc.oneof(
  fc.constantFrom('python', 'engineer', 'data', 'AND', 'OR', 'NOT', '(', ')', '"', '*', '?', '~', '^2', ':', 'full_name:', 'job_title.exact:', '[1 TO 5]', '{a TO z}', '/ab.*/', '\\', '-', '+', '&&', '||', '!'),
  fc.string({ maxLength: 4 }),
), { maxLength: 8 }).map((parts) => parts.join(' '));

const afterArb = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('"2024-01-01T00:00:00.000Z",100000001', '100000001', '1.5,"x",3', '"",', ',,', 'null', '[1,2]', '9'.repeat(40)));

export async function runSearchFuzz(h: Harness, records: readonly Rec[], options: { numRuns: number; seed: number; apiKey: string; keyId: string }): Promise<FuzzReport> {
  const mapping = h.rt.datasets.employee_clean.mapping;
  const statuses: Record<number, number> = {};
  let valid = 0;
  let rejected = 0;
  let runs = 0;
  const url = '/cdapi/v2/employee_clean/search/es_dsl?items_per_page=1000';
  const post = async (payload: string, query = ''): Promise<{ status: number; body: string; headers: Record<string, unknown> }> => {
    const before = await h.rt.store.credits.balance(options.keyId, 'search');
    const res = await h.app.inject({ method: 'POST', url: `${url}${query}`, headers: { apikey: options.apiKey, 'content-type': 'application/json' }, payload });
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    runs++;
    if (![200, 400, 422].includes(res.statusCode)) throw new Error(`${res.statusCode} for ${payload.slice(0, 500)} ${query}: ${res.body.slice(0, 300)}`);
    JSON.parse(res.body);
    const after = await h.rt.store.credits.balance(options.keyId, 'search');
    if (res.statusCode !== 200 && after !== before) throw new Error(`a ${res.statusCode} cost ${before - after} credits: ${payload.slice(0, 300)}`);
    return { status: res.statusCode, body: res.body, headers: res.headers };
  };
  const property = fc.asyncProperty(
    queryArb(mapping, records, null, 3).chain((q) => fc.tuple(fc.constant(q), mutated({ query: q }), queryStringArb, afterArb)),
    async ([query, damaged, qs, after]) => {
      // 1. The valid-shaped query: the reference evaluator's ids, or a 400 the parser explains.
      const body = { query };
      const res = await post(JSON.stringify(body));
      let expected: number[] | null = null;
      try {
        expected = referenceSearch(parseSearchRequest(body, { mapping, now: Date.now() }).query, records).sort((a, b) => a - b);
      } catch {
        expected = null;
      }
      if (res.status === 200) {
        valid++;
        if (expected === null) throw new Error(`200 for a query the parser refuses: ${JSON.stringify(body).slice(0, 500)}`);
        const got = (JSON.parse(res.body) as number[]).sort((a, b) => a - b);
        if (JSON.stringify(got) !== JSON.stringify(expected)) {
          throw new Error(`ids differ from the reference evaluator for ${JSON.stringify(body).slice(0, 800)}\n  engine: ${got.length} ${JSON.stringify(got.slice(0, 10))}\n  reference: ${expected.length} ${JSON.stringify(expected.slice(0, 10))}`);
        }
        if (Number(res.headers['x-total-results']) !== expected.length) throw new Error(`x-total-results ${String(res.headers['x-total-results'])} != ${expected.length} for ${JSON.stringify(body).slice(0, 500)}`);
      } else rejected++;
      // 2. The same body damaged; 3. a random query_string; 4. a random cursor.
      await post(damaged);
      await post(JSON.stringify({ query: { query_string: { query: qs, default_field: 'description' } } }));
      await post(JSON.stringify({ query: { match_all: {} }, sort: ['id'] }), `&after=${encodeURIComponent(after)}`);
    },
  );
  try {
    await fc.assert(property, { numRuns: options.numRuns, seed: options.seed });
    return { runs, valid, rejected, statuses, failure: null };
  } catch (error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return { runs, valid, rejected, statuses, failure: `${cause instanceof Error ? `${cause.message}\n` : ''}${(error as Error).message}` };
  }
}
