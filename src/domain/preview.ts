// Preview: the best 20 matches per page as short objects with `_score` (spec §5.2). The fields
// after `company_industry` are unconfirmed; Rollcall adds the current job's title, level and
// department. `company_*` come from the current experience listed first, as on Base preview.
import type { DatasetDefinition } from '../datasets/datasets.js';
import { validationError } from '../errors/catalogue.js';
import { parseSearchRequest } from '../query/parse-request.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import { checkBodySize } from './search.js';

export const previewPageSize = 20;
export const maxPreviewPage = 50;

const recordFields = [
  'id', 'full_name', 'websites_professional_network', 'headline', 'location_full', 'location_raw_address',
  'location_country', 'connections_count', 'follower_count',
] as const;
const companyFields = ['company_name', 'company_professional_network_url', 'company_website', 'company_industry'] as const;
const jobFields = ['job_title', 'management_level', 'department'] as const;

type Rec = Record<string, unknown>;

function currentExperience(record: Rec): Rec | null {
  const list = Array.isArray(record['experience']) ? (record['experience'] as Rec[]) : [];
  const current = list.filter((e) => e && e['date_to'] === null && e['deleted'] !== 1);
  current.sort((a, b) => Number(a['order_in_profile'] ?? 0) - Number(b['order_in_profile'] ?? 0));
  return current[0] ?? null;
}

export function previewObject(record: Rec, score: number): Rec {
  const out: Rec = {};
  for (const f of recordFields) out[f] = record[f] ?? null;
  const job = currentExperience(record);
  for (const f of companyFields) out[f] = job?.[f] ?? null;
  for (const f of jobFields) out[f] = record[f] ?? null;
  out['_score'] = score;
  return out;
}

export function previewPage(raw: string | number | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > maxPreviewPage) {
    throw validationError([{ loc: ['query', 'page'], msg: `ensure this value is an integer between 1 and ${maxPreviewPage}`, type: 'value_error.number.not_in_range' }]);
  }
  return n;
}

export async function preview(
  deps: { store: Store; clock: Clock },
  dataset: DatasetDefinition,
  input: { body: unknown; rawBodyLength: number; page?: string | number | undefined },
): Promise<Rec[]> {
  checkBodySize(input.rawBodyLength);
  const page = previewPage(input.page);
  const request = parseSearchRequest(input.body, { mapping: dataset.mapping, now: deps.clock.now() });
  const result = await deps.store.search.search(dataset.name, { ...request, sort: 'score' }, null, page * previewPageSize, true);
  const ids = result.ids.slice((page - 1) * previewPageSize);
  const out: Rec[] = [];
  for (const id of ids) {
    const json = await deps.store.employees.getJsonById(dataset.name, id);
    if (json !== null) out.push(previewObject(JSON.parse(json) as Rec, result.scores.get(id) ?? 0));
  }
  return out;
}
