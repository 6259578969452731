// Preview: the best 20 matches per page as short objects with `_score` (spec §5.2), each made by
// the dataset's preview projection (datasets/previews.ts), and the exact total of matches, which
// preview sends as `x-total-results` (spec current/ §2.2).
import type { DatasetDefinition } from '../datasets/datasets.js';
import { validationError } from '../errors/catalogue.js';
import { parseSearchRequest } from '../query/parse-request.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import { checkBodySize } from './search.js';

type Rec = Record<string, unknown>;

export const previewPageSize = 20;
export const maxPreviewPage = 50;

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
  input: { body: unknown; rawBodyLength: number; page?: string | number | undefined; budgetMs?: number | undefined },
): Promise<{ objects: Rec[]; total: number }> {
  const project = dataset.preview;
  if (project === null) throw new Error(`${dataset.name} has no preview`);
  checkBodySize(input.rawBodyLength);
  const page = previewPage(input.page);
  const request = parseSearchRequest(input.body, { mapping: dataset.mapping, now: deps.clock.now() });
  const result = await deps.store.search.search(dataset.name, { ...request, sort: 'score' }, null, page * previewPageSize, true, input.budgetMs);
  const ids = result.ids.slice((page - 1) * previewPageSize);
  const out: Rec[] = [];
  for (const id of ids) {
    const json = await deps.store.employees.getJsonById(dataset.name, id);
    if (json !== null) out.push(project(JSON.parse(json) as Rec, result.scores.get(id) ?? 0));
  }
  return { objects: out, total: result.total };
}
