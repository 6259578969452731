// Validation of the bulk POST bodies (spec §4.5, §6): every form is reduced to one normalized
// input, checked in full before anything is stored, so a bad request never becomes a job.
import type { DatasetDefinition } from '../../datasets/datasets.js';
import { isShorthandName, shorthandFromProfileUrl } from '../../datasets/datasets.js';
import { ApiError, validationError, type ErrorCode, type ValidationItem } from '../../errors/catalogue.js';
import { parseSearchRequest } from '../../query/parse-request.js';
import type { DataRequestKind } from '../../store/store.js';
import { checkBodySize } from '../search.js';
import { datasetFiltersToDsl } from '../v1-filters.js';
import { literalAddressRefused, validateWebhookUrl, type TargetPolicy } from '../../webhooks/ssrf-guard.js';

export interface BulkInput {
  readonly kind: DataRequestKind;
  /** ids (numbers), shorthand names (strings) or an ES DSL search body. */
  readonly input: readonly number[] | readonly string[] | Readonly<Record<string, unknown>>;
  readonly limit: number | null;
  readonly webhookUrl: string | null;
}

export interface InputRules {
  readonly maxRecords: number;
  readonly now: number;
  /** Where webhooks may go; a literal address it refuses is rejected up front. */
  readonly webhookPolicy: TargetPolicy;
}

export function detailError(code: ErrorCode, detail: string): ApiError {
  return new ApiError(code, { body: { detail } });
}

function tooMany(max: number, what = 'File contains too many IDs'): ApiError {
  return detailError('BULK_TOO_MANY_IDS', `${what}. Maximum is ${max.toLocaleString('en-US')} IDs`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `limit` and `webhook_url` as FastAPI would check them (422 naming the field). */
export function commonFields(body: Readonly<Record<string, unknown>>, rules: InputRules): { limit: number | null; webhookUrl: string | null } {
  const errors: ValidationItem[] = [];
  let limit: number | null = null;
  const rawLimit = body['limit'];
  if (rawLimit !== undefined && rawLimit !== null && rawLimit !== '') {
    const n = typeof rawLimit === 'string' && /^\d+$/.test(rawLimit.trim()) ? Number(rawLimit) : rawLimit;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) errors.push({ loc: ['body', 'limit'], msg: 'value is not a valid integer', type: 'type_error.integer' });
    else if (n < 1) errors.push({ loc: ['body', 'limit'], msg: 'ensure this value is greater than 0', type: 'value_error.number.not_gt', ctx: { limit_value: 0 } });
    else limit = n;
  }
  const webhook = webhookField(body['webhook_url'], rules.webhookPolicy, false);
  if (typeof webhook === 'object' && webhook !== null) errors.push(webhook);
  const webhookUrl = typeof webhook === 'string' ? webhook : null;
  const format = body['data_format'];
  if (format !== undefined && format !== null && format !== 'json') {
    errors.push({ loc: ['body', 'data_format'], msg: "unexpected value; permitted: 'json'", type: 'value_error.const', ctx: { given: format, permitted: ['json'] } });
  }
  if (errors.length > 0) throw validationError(errors);
  return { limit, webhookUrl };
}

/** `webhook_url`: the normalized URL, null when absent (and optional), or the 422 item. */
export function webhookField(raw: unknown, policy: TargetPolicy, required: boolean): string | null | ValidationItem {
  if (raw === undefined || raw === null || raw === '') {
    return required ? { loc: ['body', 'webhook_url'], msg: 'field required', type: 'value_error.missing' } : null;
  }
  const checked = validateWebhookUrl(raw);
  if (!checked.ok) return { loc: ['body', 'webhook_url'], msg: `invalid webhook URL: ${checked.reason}`, type: 'value_error.url' };
  if (literalAddressRefused(checked.url, policy)) {
    const msg = `webhook URL points to a loopback, private or link-local address (${checked.url.hostname}), which is refused; set ROLLCALL_WEBHOOK_ALLOW_PRIVATE=true to allow it`;
    return { loc: ['body', 'webhook_url'], msg, type: 'value_error.url.host' };
  }
  return checked.url.href;
}

function duplicates<T>(values: readonly T[]): T[] {
  const seen = new Set<T>();
  const dup = new Set<T>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

function refuseDuplicates(values: readonly (number | string)[]): void {
  const dup = duplicates(values);
  if (dup.length > 0) {
    const shown = dup.slice(0, 10).join(', ') + (dup.length > 10 ? `, ... (${dup.length} in all)` : '');
    throw detailError('BULK_INVALID_INPUT', `Input contains duplicate entries: ${shown}`);
  }
}

/** The `ids_file` upload: one numeric id per line, no header; blank lines and CRLF are fine. */
export function idsFromFile(bytes: Buffer, rules: InputRules): number[] {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const ids: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const id = /^\d{1,16}$/.test(line) ? Number(line) : NaN;
    if (!Number.isSafeInteger(id)) {
      throw detailError('BULK_INVALID_FILE', `File contains an invalid ID on line ${i + 1}: ${JSON.stringify(line.slice(0, 60))}`);
    }
    ids.push(id);
    if (ids.length > rules.maxRecords) throw tooMany(rules.maxRecords);
  }
  if (ids.length === 0) throw detailError('BULK_INVALID_FILE', 'File contains no IDs');
  refuseDuplicates(ids);
  return ids;
}

/** The JSON form of an id request: `{"ids": [1, 2, 3], "limit"?, "webhook_url"?}`. */
export function idsFromJson(body: unknown, rules: InputRules): BulkInput {
  const obj = requireObject(body);
  return { kind: 'ids', input: idList(obj, rules), ...commonFields(obj, rules) };
}

/** The `ids` array of a JSON body: integers (or digit strings), 1..maxRecords, no duplicates. */
export function idList(obj: Readonly<Record<string, unknown>>, rules: InputRules): number[] {
  const raw = obj['ids'];
  if (!Array.isArray(raw)) throw validationError([{ loc: ['body', 'ids'], msg: raw === undefined ? 'field required' : 'value is not a valid list', type: raw === undefined ? 'value_error.missing' : 'type_error.list' }]);
  const errors: ValidationItem[] = [];
  const ids = raw.map((v, i) => {
    const n = typeof v === 'string' && /^\d{1,16}$/.test(v.trim()) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) errors.push({ loc: ['body', 'ids', i], msg: 'value is not a valid integer', type: 'type_error.integer' });
    return n as number;
  });
  if (errors.length > 0) throw validationError(errors.slice(0, 20));
  if (ids.length === 0) throw validationError([{ loc: ['body', 'ids'], msg: 'ensure this value has at least 1 items', type: 'value_error.list.min_items', ctx: { limit_value: 1 } }]);
  if (ids.length > rules.maxRecords) throw tooMany(rules.maxRecords, 'Request contains too many IDs');
  refuseDuplicates(ids);
  return ids;
}

export function requireObject(body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw validationError([{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }]);
  return body;
}

function stringList(obj: Record<string, unknown>, field: string, rules: InputRules): string[] {
  const raw = obj[field];
  if (!Array.isArray(raw)) throw validationError([{ loc: ['body', field], msg: raw === undefined ? 'field required' : 'value is not a valid list', type: raw === undefined ? 'value_error.missing' : 'type_error.list' }]);
  const errors = raw.flatMap((v, i) => (typeof v === 'string' ? [] : [{ loc: ['body', field, i], msg: 'str type expected', type: 'type_error.str' }]));
  if (errors.length > 0) throw validationError(errors.slice(0, 20));
  if (raw.length === 0) throw validationError([{ loc: ['body', field], msg: 'ensure this value has at least 1 items', type: 'value_error.list.min_items', ctx: { limit_value: 1 } }]);
  if (raw.length > rules.maxRecords) throw tooMany(rules.maxRecords, `Request contains too many ${field === 'urls' ? 'URLs' : 'shorthand names'}`);
  return raw as string[];
}

/** `{"shorthand_names": ["john-doe", ...]}`; names are matched case-insensitively. */
export function shorthandNames(body: unknown, rules: InputRules): BulkInput {
  const obj = requireObject(body);
  const names = stringList(obj, 'shorthand_names', rules).map((raw) => {
    const name = raw.trim();
    if (!isShorthandName(name)) throw detailError('BULK_INVALID_INPUT', `Invalid shorthand name: ${JSON.stringify(raw.slice(0, 200))}`);
    return name.toLowerCase();
  });
  refuseDuplicates(names);
  return { kind: 'shorthand_names', input: names, ...commonFields(obj, rules) };
}

/** `{"urls": ["https://www.professional-network.com/in/john-doe", ...]}` → shorthand names. */
export function profileUrls(body: unknown, rules: InputRules): BulkInput {
  const obj = requireObject(body);
  const names = stringList(obj, 'urls', rules).map((raw) => {
    const name = shorthandFromProfileUrl(raw.trim());
    if (name === null) throw detailError('BULK_INVALID_INPUT', `URL cannot be parsed into a shorthand name: ${JSON.stringify(raw.slice(0, 300))}`);
    return name;
  });
  refuseDuplicates(names);
  return { kind: 'urls', input: names, ...commonFields(obj, rules) };
}

/** `{"es_dsl_query": {...}}` or a top-level `query` (spec §6.1); validated exactly as search is. */
export function esDsl(body: unknown, rawBodyLength: number, dataset: DatasetDefinition, rules: InputRules): BulkInput {
  const obj = requireObject(body);
  checkBodySize(rawBodyLength);
  let request: Record<string, unknown>;
  if (obj['es_dsl_query'] !== undefined) {
    if (!isObject(obj['es_dsl_query'])) throw validationError([{ loc: ['body', 'es_dsl_query'], msg: 'value is not a valid dict', type: 'type_error.dict' }]);
    request = obj['es_dsl_query'];
  } else if (obj['query'] !== undefined) {
    request = { query: obj['query'], ...(obj['sort'] !== undefined ? { sort: obj['sort'] } : {}) };
  } else {
    throw validationError([{ loc: ['body', 'es_dsl_query'], msg: 'field required', type: 'value_error.missing' }]);
  }
  parseSearchRequest(request, { mapping: dataset.mapping, now: rules.now });
  return { kind: 'es_dsl', input: request, ...commonFields(obj, rules) };
}

/** A `filters` object as ES DSL, with validation errors located under `body.filters`. */
export function filtersUnder(value: unknown, dataset: DatasetDefinition): Record<string, unknown> {
  try {
    return datasetFiltersToDsl(value, dataset);
  } catch (error) {
    // The filter checker names fields from the body's root; here they sit under `filters`.
    if (error instanceof ApiError && error.code === 'REQUEST_VALIDATION') {
      const items = (error.body['detail'] as ValidationItem[]).map((it) => ({ ...it, loc: ['body', 'filters', ...it.loc.slice(1)] }));
      throw validationError(items);
    }
    throw error;
  }
}

/** `{"filters": {...}}`: translated to ES DSL here, so the job runs one kind of query. */
export function filters(body: unknown, rawBodyLength: number, dataset: DatasetDefinition, rules: InputRules): BulkInput {
  const obj = requireObject(body);
  checkBodySize(rawBodyLength);
  if (obj['filters'] === undefined) throw validationError([{ loc: ['body', 'filters'], msg: 'field required', type: 'value_error.missing' }]);
  const request = filtersUnder(obj['filters'], dataset);
  parseSearchRequest(request, { mapping: dataset.mapping, now: rules.now });
  return { kind: 'filter', input: request, ...commonFields(obj, rules) };
}
