// Small constructors and helpers over AST nodes, used by every parser.
import type { Bool, MinimumShouldMatch, Query } from './ast.js';
import { matchNone } from './fields.js';

export interface BoolParts {
  readonly must?: readonly Query[];
  readonly filter?: readonly Query[];
  readonly should?: readonly Query[];
  readonly mustNot?: readonly Query[];
  readonly minimumShouldMatch?: MinimumShouldMatch | null;
  readonly boost?: number;
}

export function bool(p: BoolParts): Bool {
  return {
    kind: 'bool', must: p.must ?? [], filter: p.filter ?? [], should: p.should ?? [], mustNot: p.mustNot ?? [],
    minimumShouldMatch: p.minimumShouldMatch ?? null, boost: p.boost ?? 1,
  };
}

/** Multiplies a node's boost (nodes are fresh objects until the final freeze, so copying is cheap). */
export function withBoost(q: Query, boost: number): Query {
  return boost === 1 ? q : { ...q, boost: q.boost * boost };
}

/**
 * Combines per-field queries as Elasticsearch does for several fields: `dis_max` (best_fields and
 * the default) or a `bool.should` (most_fields). One field needs no wrapper; none matches nothing.
 */
export function combineFields(all: readonly Query[], mode: 'dis_max' | 'should', tieBreaker: number, boost: number): Query {
  // A field that can never match (out of nested scope, value of the wrong type under lenient)
  // adds nothing to a disjunction; dropping it keeps the tree and the clause count small.
  const queries = all.filter((q) => q.kind !== 'match_none');
  if (queries.length === 0) return matchNone(boost);
  if (queries.length === 1) return withBoost(queries[0] as Query, boost);
  if (mode === 'should') return bool({ should: queries, boost });
  return { kind: 'dis_max', queries, tieBreaker, boost };
}

/** Leaf clauses as Elasticsearch's max_clause_count sees them: each leaf 1, each terms value 1. */
export function countClauses(q: Query): number {
  switch (q.kind) {
    case 'bool':
      return [...q.must, ...q.filter, ...q.should, ...q.mustNot].reduce((n, c) => n + countClauses(c), 0);
    case 'dis_max':
      return q.queries.reduce((n, c) => n + countClauses(c), 0);
    case 'nested':
      return countClauses(q.query);
    case 'constant_score':
      return countClauses(q.filter);
    case 'boosting':
      return countClauses(q.positive) + countClauses(q.negative);
    case 'terms':
      return q.values.length;
    default:
      return 1;
  }
}

/** Freezes a parsed tree in place, every node and array, so later stages cannot alter it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}
