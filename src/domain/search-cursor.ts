// The `after` cursor: an Elasticsearch search_after tuple rendered as comma-separated JSON
// scalars (spec §3.2): `<id>` for sort ["id"], `"<last_updated>",<id>` by default and
// `<score>,"<last_updated>",<id>` for sort ["_score"]. Each dataset's registry entry says how its
// dates render: Clean's as ISO instants ("2025-03-15T00:00:00.000Z"), v1's as stored.
import type { CursorDate } from '../datasets/datasets.js';
import type { SortKey } from '../query/ast.js';
import { QueryValidationError } from '../query/query-errors.js';
import type { SortValues } from '../store/store.js';

function renderDate(dates: CursorDate, stored: string | null | undefined): string {
  if (stored === null || stored === undefined) return 'null';
  return JSON.stringify(dates.render(stored));
}

function storedDate(dates: CursorDate, rendered: unknown): string | null {
  if (rendered === null) return null;
  if (typeof rendered !== 'string') throw new Error('date');
  return dates.parse(rendered);
}

/** `dates`: the dataset's cursor date format (its registry entry's `cursorDate`). */
export function renderCursor(dates: CursorDate, sort: SortKey, last: SortValues): string {
  if (sort === 'id') return String(last.id);
  const tail = `${renderDate(dates, last.lastUpdated)},${last.id}`;
  return sort === 'score' ? `${last.score ?? 0},${tail}` : tail;
}

export function parseCursor(dates: CursorDate, sort: SortKey, raw: string): SortValues {
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
    const lastUpdated = storedDate(dates, parts[parts.length - 2]);
    if (sort === 'default') return { id, lastUpdated };
    if (typeof parts[0] !== 'number' || !Number.isFinite(parts[0])) return fail();
    return { id, lastUpdated, score: parts[0] };
  } catch {
    return fail();
  }
}
