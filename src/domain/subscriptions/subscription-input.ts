// Validation of subscription create bodies (spec §7.2): webhook_url is required; ids come as a
// JSON list or an ids_file upload; ES DSL queries are checked as search checks them, and may not
// use date fields (a subscription is about changes, not about when a record was crawled).
import type { DatasetDefinition } from '../../datasets/datasets.js';
import { validationError, type ValidationItem } from '../../errors/catalogue.js';
import type { FieldRef, Query } from '../../query/ast.js';
import { parseSearchRequest } from '../../query/parse-request.js';
import type { SubscriptionSelection, SubscriptionType } from '../../store/store.js';
import { checkBodySize } from '../search.js';
import { detailError, filtersUnder, idList, idsFromFile, requireObject, webhookField, type InputRules } from '../bulk/bulk-input.js';

export interface SubscriptionInput {
  readonly type: SubscriptionType;
  readonly selection: SubscriptionSelection;
  readonly webhookUrl: string;
  readonly ids: readonly number[];
  /** The validated ES DSL request (es_dsl selection). */
  readonly request: Readonly<Record<string, unknown>> | null;
  readonly query: Query | null;
  readonly trackedFields: readonly string[] | null;
}

/** Every field a query names, wherever it sits in the tree. */
function fieldsOf(node: unknown, out: FieldRef[] = []): FieldRef[] {
  if (Array.isArray(node)) for (const n of node) fieldsOf(n, out);
  else if (node !== null && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o['path'] === 'string' && o['def'] !== null && typeof o['def'] === 'object') out.push(o as unknown as FieldRef);
    else for (const v of Object.values(o)) fieldsOf(v, out);
  }
  return out;
}

const dateNames = /(^|\.)(last_updated|created|date_from|date_to|date_from_year|date_from_month|date_to_year|date_to_month)(\.|$)/;

function refuseDateFields(query: Query): void {
  const dates = [...new Set(fieldsOf(query).filter((f) => f.def.type === 'date' || dateNames.test(f.path)).map((f) => f.path))];
  if (dates.length > 0) throw detailError('SUBSCRIPTION_DATE_FIELD', `Date fields are not allowed in subscription queries: ${dates.join(', ')}`);
}

function trackedFields(raw: unknown, dataset: DatasetDefinition): string[] | null {
  if (raw === undefined || raw === null) return null;
  const top = new Set(dataset.mapping.roots.map((f) => f.path));
  if (!Array.isArray(raw) || raw.some((f) => typeof f !== 'string')) {
    throw validationError([{ loc: ['body', 'tracked_fields'], msg: 'value is not a valid list of strings', type: 'type_error.list' }]);
  }
  const unknown = (raw as string[]).flatMap((f, i): ValidationItem[] => (top.has(f) ? [] : [{ loc: ['body', 'tracked_fields', i], msg: `unknown field '${f}' for dataset ${dataset.name}`, type: 'value_error.field' }]));
  if (unknown.length > 0) throw validationError(unknown);
  return raw.length === 0 ? null : [...new Set(raw as string[])];
}

/** `{"filters": {...}}` as the ES DSL request it stands for (errors name `body.filters.<name>`). */
function filterRequest(obj: Readonly<Record<string, unknown>>, dataset: DatasetDefinition): Record<string, unknown> {
  if (obj['filters'] === undefined) throw validationError([{ loc: ['body', 'filters'], msg: 'field required', type: 'value_error.missing' }]);
  return filtersUnder(obj['filters'], dataset);
}

export interface RawSubscriptionBody {
  readonly body: unknown;
  readonly rawBodyLength: number;
  /** An `ids_file` upload with the multipart text fields, when the request was multipart. */
  readonly upload?: { readonly file: Buffer | null; readonly fields: Readonly<Record<string, unknown>> };
}

/** A create path's selection: `filter` bodies become ES DSL subscriptions (stored as `es_dsl`). */
export type CreateSelection = SubscriptionSelection | 'filter';

export function parseSubscription(
  type: SubscriptionType,
  selection: CreateSelection,
  raw: RawSubscriptionBody,
  dataset: DatasetDefinition,
  rules: InputRules,
): SubscriptionInput {
  const obj = raw.upload ? raw.upload.fields : requireObject(raw.body);
  const webhook = webhookField(obj['webhook_url'], rules.webhookPolicy, true);
  if (typeof webhook !== 'string') throw validationError([webhook as ValidationItem]);
  const tracked = type === 'profile_changes' ? trackedFields(obj['tracked_fields'], dataset) : null;
  const base = { type, selection: selection === 'filter' ? 'es_dsl' as const : selection, webhookUrl: webhook, trackedFields: tracked, ids: [] as number[], request: null, query: null };
  switch (selection) {
    case 'all':
      return base;
    case 'ids': {
      if (raw.upload) {
        if (!raw.upload.file) throw detailError('BULK_INVALID_FILE', "No file uploaded: send it in the multipart field 'ids_file'");
        return { ...base, ids: idsFromFile(raw.upload.file, rules) };
      }
      return { ...base, ids: idList(obj, rules) };
    }
    case 'es_dsl':
    case 'filter': {
      checkBodySize(raw.rawBodyLength);
      const request = selection === 'filter'
        ? filterRequest(obj, dataset)
        : obj['es_dsl_query'] ?? (obj['query'] !== undefined ? { query: obj['query'] } : undefined);
      if (request === undefined) throw validationError([{ loc: ['body', 'es_dsl_query'], msg: 'field required', type: 'value_error.missing' }]);
      const parsed = parseSearchRequest(request, { mapping: dataset.mapping, now: rules.now });
      refuseDateFields(parsed.query);
      return { ...base, request: request as Record<string, unknown>, query: parsed.query };
    }
  }
}
