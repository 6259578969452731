// The `after` cursor: an Elasticsearch search_after tuple rendered as comma-separated JSON
// scalars (spec §3.2): `<id>` for sort ["id"], `"<last_updated>",<id>` by default and
// `<score>,"<last_updated>",<id>` for sort ["_score"]. Clean dates render as ISO instants
// ("2025-03-15T00:00:00.000Z"); v1 dates as stored ("2024-11-20 08:00:01").
import type { DatasetName } from '../datasets/datasets.js';
import type { SortKey } from '../query/ast.js';
import { QueryValidationError } from '../query/query-errors.js';
import type { SortValues } from '../store/store.js';

function renderDate(dataset: DatasetName, stored: string | null | undefined): string {
  if (stored === null || stored === undefined) return 'null';
  if (dataset === 'employee_clean' && /^\d{4}-\d{2}-\d{2}$/.test(stored)) return JSON.stringify(`${stored}T00:00:00.000Z`);
  return JSON.stringify(stored);
}

function storedDate(dataset: DatasetName, rendered: unknown): string | null {
  if (rendered === null) return null;
  if (typeof rendered !== 'string') throw new Error('date');
  if (dataset === 'employee_clean') {
    const m = /^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.000)?Z$/.exec(rendered);
    if (m) return m[1]!;
  }
  return rendered;
}

export function renderCursor(dataset: DatasetName, sort: SortKey, last: SortValues): string {
  if (sort === 'id') return String(last.id);
  const tail = `${renderDate(dataset, last.lastUpdated)},${last.id}`;
  return sort === 'score' ? `${last.score ?? 0},${tail}` : tail;
}

export function parseCursor(dataset: DatasetName, sort: SortKey, raw: string): SortValues {
  const fail = (): never => {
    throw new QueryValidationError(`invalid [after] cursor [${raw}] for sort [${sort === 'default' ? 'last_updated,id' : sort}]`);
  };
  let parts: unknown[];
  try {
    parts = JSON.parse(`[${raw}]`) as unknown[];
  } catch {
    return fail();
  }
  const expected = sort === 'id' ? 1 : sort === 'score' ? 3 : 2;
  if (parts.length !== expected) return fail();
  const id = parts[parts.length - 1];
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return fail();
  try {
    if (sort === 'id') return { id };
    const lastUpdated = storedDate(dataset, parts[parts.length - 2]);
    if (sort === 'default') return { id, lastUpdated };
    if (typeof parts[0] !== 'number' || !Number.isFinite(parts[0])) return fail();
    return { id, lastUpdated, score: parts[0] };
  } catch {
    return fail();
  }
}
