// Property-based fuzzing of the other client inputs with fast-check: collect keys (ids,
// shorthand names, profile URLs), `fields`, enrich's `social_url`, v1 and Base search filters,
// bulk request bodies (ids, shorthand names, URLs, filters, multipart id files) and subscription
// webhook URLs. Properties: never a 500, always a JSON body, and no credit charged for an answer
// that is not a success.
import fc from 'fast-check';
import type { Harness } from '../helpers/harness.js';
import { multipartBody } from '../helpers/bulk-client.js';

export interface InputFuzzReport {
  readonly runs: number;
  readonly statuses: Record<number, number>;
  readonly failure: string | null;
}

const filterNames = [
  'name', 'full_name', 'title', 'headline', 'location', 'industry', 'summary', 'country', 'created_at_gte', 'updated_at_lte',
  'deleted', 'skill', 'experience_title', 'experience_company_name', 'experience_company_id', 'experience_company_employees_count_gte',
  'active_experience', 'keyword', 'education_institution_name', 'is_hidden', 'exclude_country', 'nope',
];

const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.double(), fc.constantFrom('2024-01-01 00:00:00', '(a OR b) AND "c d"', '*', '', 'United States'));
const value = fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) }, { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 3 }), scalar, { maxKeys: 2 }) });
const filters = fc.dictionary(fc.constantFrom(...filterNames), value, { maxKeys: 4 });
const keyText = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer({ min: -5, max: 2 ** 53 + 10 }).map(String),
  fc.constantFrom('100000001', 'https://www.professional-network.example/in/', 'https%3A%2F%2Fx%2Fin%2F%2E%2E', '..%2F..', 'a/b/c', '%00', '9'.repeat(30), 'in/x', 'www.professional-network.example/in/ab-c'),
);
const urlish = fc.oneof(fc.webUrl(), fc.string({ maxLength: 30 }), fc.constantFrom('http://127.0.0.1/x', 'http://169.254.169.254/latest', 'ftp://x/y', 'http://[::1]/', 'https://user:pw@host.example/', 'http://%zz/', 'javascript:alert(1)'));

export async function runInputFuzz(h: Harness, options: { numRuns: number; seed: number; apiKey: string; keyId: string }): Promise<InputFuzzReport> {
  const statuses: Record<number, number> = {};
  let runs = 0;
  const send = async (method: 'GET' | 'POST', url: string, payload?: string | Buffer, contentType = 'application/json'): Promise<number> => {
    const before = [await h.rt.store.credits.balance(options.keyId, 'search'), await h.rt.store.credits.balance(options.keyId, 'collect')];
    const res = await h.app.inject({ method, url, headers: { apikey: options.apiKey, ...(payload !== undefined ? { 'content-type': contentType } : {}) }, ...(payload !== undefined ? { payload } : {}) });
    runs++;
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    const what = `${method} ${url} ${typeof payload === 'string' ? payload.slice(0, 300) : ''}`;
    if (res.statusCode >= 500) throw new Error(`${res.statusCode} for ${what}: ${res.body.slice(0, 300)}`);
    if (res.body !== '') JSON.parse(res.body);
    const after = [await h.rt.store.credits.balance(options.keyId, 'search'), await h.rt.store.credits.balance(options.keyId, 'collect')];
    if (res.statusCode >= 300 && (after[0] !== before[0] || after[1] !== before[1])) throw new Error(`a ${res.statusCode} charged credits: ${what}`);
    return res.statusCode;
  };
  const property = fc.asyncProperty(
    fc.record({ key: keyText, fields: fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('id', 'full_name,experience', ',,', 'experience.title')), { maxLength: 3 }), social: urlish, filters, names: fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('avery-marlow-5f2a', 'a'.repeat(300), 'Ünïcode-name')), { maxLength: 4 }), urls: fc.array(urlish, { maxLength: 3 }), ids: fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.double()), { maxLength: 4 }), file: fc.oneof(fc.string({ maxLength: 60 }), fc.array(fc.integer({ min: -1, max: 2 ** 40 }), { maxLength: 5 }).map((xs) => xs.join('\n'))), hook: urlish, limit: fc.oneof(fc.constant(undefined), fc.integer({ min: -2, max: 20_000 }), fc.string({ maxLength: 3 })) }),
    async (c) => {
      const fields = c.fields.map((f) => `fields=${encodeURIComponent(f)}`).join('&');
      await send('GET', `/cdapi/v2/employee_clean/collect/${encodeURIComponent(c.key)}${fields ? `?${fields}` : ''}`);
      await send('GET', `/cdapi/v2/employee_multi_source/collect/${encodeURIComponent(c.key)}`);
      await send('GET', `/cdapi/v1/professional_network/employee/collect/${encodeURIComponent(c.key)}`);
      await send('GET', `/cdapi/v2/employee_multi_source/enrich?social_url=${encodeURIComponent(c.social)}${fields ? `&${fields}` : ''}`);
      await send('POST', '/cdapi/v1/professional_network/employee/search/filter', JSON.stringify(c.filters));
      await send('POST', '/cdapi/v2/employee_base/search/filter', JSON.stringify(c.filters));
      await send('POST', '/cdapi/v2/employee_multi_source/search/filter', JSON.stringify(c.filters));
      const limit = c.limit === undefined ? {} : { limit: c.limit };
      await send('POST', '/cdapi/v2/data_requests/employee_clean/shorthand_names', JSON.stringify({ shorthand_names: c.names, ...limit }));
      await send('POST', '/cdapi/v2/data_requests/employee_clean/urls', JSON.stringify({ urls: c.urls }));
      await send('POST', '/cdapi/v2/data_requests/employee_multi_source/ids', JSON.stringify({ ids: c.ids, webhook_url: c.hook }));
      await send('POST', '/cdapi/v2/data_requests/employee_base/filter', JSON.stringify({ filters: c.filters, ...limit }));
      const upload = multipartBody({ ids_file: c.file }, c.limit === undefined ? {} : { limit: String(c.limit) });
      await send('POST', '/cdapi/v2/data_requests/employee_clean/id_file', upload.payload, upload.contentType);
      await send('POST', '/cdapi/v2/subscriptions/employee_clean/ids', JSON.stringify({ webhook_url: c.hook, ids: c.ids }));
    },
  );
  try {
    await fc.assert(property, { numRuns: options.numRuns, seed: options.seed });
    return { runs, statuses, failure: null };
  } catch (error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return { runs, statuses, failure: `${cause instanceof Error ? `${cause.message}\n` : ''}${(error as Error).message}` };
  }
}
