// v1 search/filter: filters become the same AST as es_dsl; semantics checked against the data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyze } from '../src/query/analyzer.js';
import { makeHarness, people, type Harness } from './helpers/harness.js';

let h: Harness;
let apiKey: string;
const data = people(120, 33);
type Rec = Record<string, unknown>;
const url = '/cdapi/v1/professional_network/employee/search/filter';

before(async () => {
  h = await makeHarness({ ROLLCALL_RATE_LIMIT_SEARCH: '0' });
  await h.importRecords('employee', data.v1);
  await h.importRecords('employee_clean', data.clean);
  apiKey = (await h.key({ searchCredits: 10_000 })).api_key;
});
after(() => h.close());

const post = (path: string, body: unknown) =>
  h.app.inject({ method: 'POST', url: path, headers: { apikey: apiKey, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
const has = (text: unknown, words: string): boolean => {
  const tokens = new Set(analyze(String(text ?? '')));
  return analyze(words).every((w) => tokens.has(w));
};
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
const exps = (r: Rec) => (r['member_experience_collection'] as Rec[]) ?? [];

test('a text filter is a full-text match (all words)', async () => {
  const word = analyze(String(data.v1[0]!['title']))[0]!;
  const res = await post(url, { title: word });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(sorted(res.json()), sorted(data.v1.filter((r) => has(r['title'], word)).map((r) => r['id'] as number)));
});

test('experience_* filters must hold in the same experience entry', async () => {
  const person = data.v1.find((r) => exps(r).length >= 2 && exps(r)[0]!['company_name'] !== exps(r)[1]!['company_name'])!;
  const [a, b] = exps(person) as [Rec, Rec];
  const company = String(a['company_name']);
  const titleWord = analyze(String(b['title'])).find((w) => !analyze(String(a['title'])).includes(w)) ?? analyze(String(b['title']))[0]!;
  const res = await post(url, { experience_company_name: `"${company}"`, experience_title: titleWord });
  assert.equal(res.statusCode, 200, res.body);
  const expected = data.v1.filter((r) => exps(r).some((e) => has(e['company_name'], company) && has(e['title'], titleWord))).map((r) => r['id'] as number);
  assert.deepEqual(sorted(res.json()), sorted(expected));
});

test('active_experience splits people into those with and without a current job', async () => {
  const yes = (await post(url, { active_experience: true })).json() as number[];
  const no = (await post(url, { active_experience: false })).json() as number[];
  assert.equal(yes.length + no.length, data.v1.length);
  assert.deepEqual(sorted(yes), sorted(data.v1.filter((r) => exps(r).some((e) => e['date_to'] === null)).map((r) => r['id'] as number)));
});

test('value syntax: OR of quoted phrases, trailing wildcard, timestamps', async () => {
  const t0 = String(data.v1[0]!['title']);
  const t1 = String(data.v1[1]!['title']);
  const res = await post(url, { title: `("${t0}") OR ("${t1}")` });
  const ids = res.json() as number[];
  assert.ok(ids.includes(data.v1[0]!['id'] as number) && ids.includes(data.v1[1]!['id'] as number));
  const prefix = analyze(String(data.v1[0]!['name']))[0]!.slice(0, 3);
  const wild = await post(url, { name: `${prefix}*` });
  assert.ok((wild.json() as number[]).includes(data.v1[0]!['id'] as number));
  const since = await post(url, { last_updated_gte: '2025-01-01 00:00:00' });
  assert.deepEqual(sorted(since.json()), sorted(data.v1.filter((r) => String(r['last_updated']) >= '2025-01-01 00:00:00').map((r) => r['id'] as number)));
});

test('wrong types are 422 in the FastAPI shape; empty bodies 400; unknown filters ignored', async () => {
  const bad = await post(url, { experience_company_id: 'abc', active_experience: 'yes' });
  assert.equal(bad.statusCode, 422);
  assert.deepEqual(bad.json().detail.map((d: { loc: unknown[] }) => d.loc), [['body', 'experience_company_id'], ['body', 'active_experience']]);
  assert.equal(bad.json().detail[0].type, 'type_error.integer');
  const badTime = await post(url, { created_at_gte: '2024-01-01' });
  assert.equal(badTime.statusCode, 422);
  const empty = await post(url, {});
  assert.equal(empty.statusCode, 400);
  assert.deepEqual(empty.json(), { detail: 'At least one filter is required' });
  const unknown = await post(url, { favourite_colour: 'blue', deleted: false });
  assert.equal(unknown.statusCode, 200);
  assert.equal((unknown.json() as number[]).length, data.v1.length);
  const unsupported = await post(url, { experience_company_industry: 'Software' });
  assert.equal(unsupported.statusCode, 422);
});

interface Example { file: string; endpoint: string; dataset: 'employee' | 'employee_clean' | null; expect: 'ok' | 'error'; body: Rec }
const examples = JSON.parse(readFileSync(fileURLToPath(new URL('../../test/fixtures/spec-examples.json', import.meta.url)), 'utf8')) as Example[];

test('every spec example body answers with its documented status on its endpoint', async () => {
  let ran = 0;
  for (const ex of examples) {
    let path: string | null = null;
    let body: unknown = ex.body;
    if (ex.file.startsWith('filter_0') && ex.file !== 'filter_04_base_preview.json') {
      path = url;
      if ('filters' in ex.body) body = ex.body['filters'];
    } else if (ex.dataset === 'employee') path = '/cdapi/v1/professional_network/employee/search/es_dsl';
    else if (ex.dataset === 'employee_clean') {
      path = ex.endpoint.includes('preview') && ex.expect === 'ok' ? '/cdapi/v2/employee_clean/search/es_dsl/preview' : '/cdapi/v2/employee_clean/search/es_dsl';
      if ('es_dsl_query' in ex.body) body = ex.body['es_dsl_query']; // bulk and subscription wrappers
      if (ex.endpoint.includes('after=')) path += `?after=${ex.endpoint.split('after=')[1]}`;
    }
    if (path === null) continue; // Base and Multi-source datasets are not served by Rollcall
    const res = await post(path, body);
    assert.equal(res.statusCode, ex.expect === 'ok' ? 200 : 400, `${ex.file}: ${res.body}`);
    ran++;
  }
  assert.ok(ran >= 20, `ran ${ran} examples`);
});
