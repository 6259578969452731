// The order of search results and the WHERE clause that resumes it after a cursor, shared by
// both SQL stores. Newest first (last_updated descending, then id descending, records without
// last_updated last); or by id; or by score, then newest first. `nullsLast` is what a dialect
// must add to `DESC` to put nulls last (SQLite already does).
import type { SearchRequest } from '../../query/ast.js';
import type { SortValues } from '../store.js';

export function ordering(sort: SearchRequest['sort'], after: SortValues | null, params: unknown[], nullsLast = ''): { where: string; order: string } {
  if (sort === 'id') {
    if (after) params.push(after.id);
    return { where: after ? 'WHERE id > ?' : '', order: 'id ASC' };
  }
  // Newest first, then id descending; records without last_updated come last.
  const luAfter = (): string => {
    if (!after) return '';
    if (after.lastUpdated === null || after.lastUpdated === undefined) {
      params.push(after.id);
      return '(lu IS NULL AND id < ?)';
    }
    params.push(after.lastUpdated, after.lastUpdated, after.id);
    return '(lu < ? OR (lu = ? AND id < ?) OR lu IS NULL)';
  };
  if (sort === 'score') {
    if (!after) return { where: '', order: `s DESC, lu DESC${nullsLast}, id DESC` };
    params.push(after.score ?? 0, after.score ?? 0);
    return { where: `WHERE (s < ? OR (s = ? AND ${luAfter()}))`, order: `s DESC, lu DESC${nullsLast}, id DESC` };
  }
  const cond = luAfter();
  return { where: cond ? `WHERE ${cond}` : '', order: `lu DESC${nullsLast}, id DESC` };
}

/**
 * The first page in `_score` order can only hold hits scoring at least its last score: the
 * condition on the scored hits `sc` (ties included) that leaves only those to be joined to their
 * records for the newest-first tie-break. Joining every hit's record was one random read of the
 * records per hit (at 1M people, 310 -> 107 ms on `skills: python`). '' for other orders and later
 * pages. `lowest`: the dialect's smallest float, when there are fewer hits than the page.
 */
export function scoreCut(sort: SearchRequest['sort'], after: SortValues | null, size: number, lowest: string): string {
  if (sort !== 'score' || after !== null) return '';
  return ` WHERE sc.s >= coalesce((SELECT s FROM sc ORDER BY s DESC LIMIT 1 OFFSET ${Math.max(0, size - 1)}), ${lowest})`;
}
