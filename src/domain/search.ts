// Search: ES DSL body → validated AST → one page of ids with Coresignal's paging headers.
import type { DatasetDefinition } from '../datasets/datasets.js';
import { validationError } from '../errors/catalogue.js';
import { parseSearchRequest } from '../query/parse-request.js';
import { QueryValidationError } from '../query/query-errors.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import { parseCursor, renderCursor } from './search-cursor.js';

export const maxBodyCharacters = 15_000;
export const maxPageSize = 1000;

export interface SearchInput {
  readonly body: unknown;
  readonly rawBodyLength: number;
  readonly after?: string | undefined;
  readonly itemsPerPage?: string | number | undefined;
  /** What is left of the search budget (see SearchStore.search). */
  readonly budgetMs?: number | undefined;
}

export interface SearchResult {
  readonly ids: readonly number[];
  readonly headers: Readonly<Record<string, string>>;
}

export function pageSize(raw: string | number | undefined): number {
  if (raw === undefined || raw === '') return maxPageSize;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > maxPageSize) {
    throw validationError([{ loc: ['query', 'items_per_page'], msg: `ensure this value is an integer between 1 and ${maxPageSize}`, type: 'value_error.number.not_in_range', ctx: { limit_value: maxPageSize } }]);
  }
  return n;
}

export function checkBodySize(length: number): void {
  if (length > maxBodyCharacters) throw new QueryValidationError(`request body is ${length} characters long; the maximum is ${maxBodyCharacters}`);
}

export async function search(deps: { store: Store; clock: Clock }, dataset: DatasetDefinition, input: SearchInput): Promise<SearchResult> {
  checkBodySize(input.rawBodyLength);
  const size = pageSize(input.itemsPerPage);
  const request = parseSearchRequest(input.body, { mapping: dataset.mapping, now: deps.clock.now() });
  const after = input.after !== undefined && input.after !== '' ? parseCursor(dataset.cursorDate, request.sort, input.after) : null;
  const page = await deps.store.search.search(dataset.name, request, after, size + 1, false, input.budgetMs);
  const ids = page.ids.slice(0, size);
  const headers: Record<string, string> = {
    'x-total-results': String(page.total),
    'x-total-pages': String(Math.ceil(page.total / size)),
  };
  // One row beyond the page tells whether there is a next page; the last page carries no cursor.
  if (page.ids.length > size) headers['x-next-page-after'] = renderCursor(dataset.cursorDate, request.sort, page.values[size - 1]!);
  return { ids, headers };
}
