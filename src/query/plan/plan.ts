// The query plan: what a search must compute, after analysis and pattern expansion, as small
// immutable set-algebra nodes over the index's document types. A plan names index structures
// (a document type, a token column, a number field), never SQL: each store executes plans its
// own way, and rewrites (merging conditions, probing exclusions) act on these nodes.
//
// Document types are the root record ('') and each nested path; a plan node selects ids of
// documents of one type, and `nested` maps entries to the documents that hold them.

/** A full-text expression over the stored (encoded) tokens of one column. */
export type TextExpr =
  | { readonly op: 'term'; readonly token: string }
  /** Tokens that start with `token`. */
  | { readonly op: 'prefix'; readonly token: string }
  | { readonly op: 'phrase'; readonly tokens: readonly string[] }
  /** The tokens within `slop` positions of each other. */
  | { readonly op: 'near'; readonly tokens: readonly string[]; readonly slop: number }
  /**
   * Any of the parts. `blend` (terms only, one number a part) makes the parts the expansions of
   * one fuzzy term, scored as Lucene's blended terms: each with the largest document frequency
   * among them, times its own boost (its similarity to the query term).
   */
  | { readonly op: 'or'; readonly parts: readonly TextExpr[]; readonly blend?: readonly number[] }
  | { readonly op: 'and'; readonly parts: readonly TextExpr[] };

export interface TextPlan {
  readonly op: 'text';
  readonly type: string;
  readonly column: number;
  readonly expr: TextExpr;
}

/** Numeric comparison bounds (numbers, dates as epoch ms, booleans as 0/1). */
export interface NumberBounds {
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
}

export type Plan =
  /** Every indexed document of the type. */
  | { readonly op: 'all'; readonly type: string }
  | { readonly op: 'none' }
  /** Root records by id. */
  | { readonly op: 'ids'; readonly values: readonly number[] }
  /**
   * Documents of a type by their index id (a record's id for the root type; for a nested type,
   * the record's id × 1024 + the entry's sequence): a leaf a store resolved to exact documents
   * itself (sloppy phrases, near-phrases.ts).
   */
  | { readonly op: 'docs'; readonly type: string; readonly values: readonly number[] }
  | TextPlan
  /** Documents with one of `values` in a number field. */
  | { readonly op: 'numbers'; readonly type: string; readonly field: number; readonly values: readonly number[] }
  /** Documents with a value of a number field within the bounds (no bounds: any value). */
  | { readonly op: 'range'; readonly type: string; readonly field: number; readonly bounds: NumberBounds }
  | { readonly op: 'and'; readonly parts: readonly Plan[] }
  | { readonly op: 'or'; readonly parts: readonly Plan[] }
  /** Documents that at least `need` of the parts select; `distinct` when a part may repeat an id. */
  | { readonly op: 'atLeast'; readonly parts: readonly Plan[]; readonly need: number; readonly distinct: boolean }
  /** `base` without the documents any of `excluded` selects. */
  | { readonly op: 'not'; readonly base: Plan; readonly excluded: readonly Plan[] }
  /** The `parent`-type documents holding an entry of type `child` that `inner` selects. */
  | { readonly op: 'nested'; readonly child: string; readonly parent: string; readonly inner: Plan };

/** A scoring clause: a full-text condition on the root type whose relevance adds to a hit's score. */
export interface ScoringPart {
  readonly plan: TextPlan;
  readonly boost: number;
}

/**
 * How a hit's score is made, as Elasticsearch composes it: full-text clauses score by relevance,
 * other queries their boost where they match, bool sums its must and should clauses, dis_max
 * takes the best plus tie_breaker times the others, boosting demotes what its negative query
 * matches. A part that does not match a hit scores 0 for it.
 */
export type ScoreNode =
  /** The relevance of scoring clause `part` of the search plan, times its boost. */
  | { readonly op: 'clause'; readonly part: number }
  /** `boost` where `plan` matches. */
  | { readonly op: 'constant'; readonly plan: Plan; readonly boost: number }
  /** The same for every hit (a constant every hit matches). */
  | { readonly op: 'fixed'; readonly value: number }
  | { readonly op: 'sum'; readonly parts: readonly ScoreNode[] }
  /** The largest part, plus `tie` times the sum of the others. */
  | { readonly op: 'max'; readonly parts: readonly ScoreNode[]; readonly tie: number }
  /** `base` times `factor` where `negative` matches. */
  | { readonly op: 'demote'; readonly base: ScoreNode; readonly negative: Plan; readonly factor: number }
  /**
   * A nested query: each matching entry of type `child` (`entries`, entry-level) scored by
   * `inner` (entry-level), the score of the document of type `parent` that holds them (the
   * record, or an entry for a nested query inside another) their average, sum, largest or
   * smallest.
   */
  | { readonly op: 'nested'; readonly child: string; readonly parent: string; readonly entries: Plan; readonly inner: ScoreNode; readonly mode: 'avg' | 'sum' | 'max' | 'min' };

/** What a search executes: the hit set, and (when scores are wanted) how each hit scores. */
export interface SearchPlan {
  readonly hits: Plan;
  /** null when scores are not needed; else the full-text clauses the score tree names. */
  readonly scoring: readonly ScoringPart[] | null;
  /** null when scores are not needed. */
  readonly score: ScoreNode | null;
}

/** The score every hit has, when the tree gives all hits the same one; else null. */
export function uniformScore(node: ScoreNode): number | null {
  switch (node.op) {
    case 'fixed':
      return node.value;
    case 'sum': {
      let out = 0;
      for (const p of node.parts) {
        const v = uniformScore(p);
        if (v === null) return null;
        out += v;
      }
      return out;
    }
    case 'max': {
      const values = node.parts.map(uniformScore);
      if (values.some((v) => v === null)) return null;
      return combineMax(values as number[], node.tie);
    }
    default:
      return null;
  }
}

/** dis_max of part scores as Lucene computes it: the largest, plus tie × (the sum − the largest). */
export function combineMax(values: readonly number[], tie: number): number {
  let max = 0;
  let sum = 0;
  for (const v of values) {
    sum += v;
    if (v > max) max = v;
  }
  return max + (sum - max) * tie;
}

/** Whether the tree scores nested entries (entry-level parts, which only SQL evaluates). */
export function scoresEntries(node: ScoreNode): boolean {
  switch (node.op) {
    case 'nested':
      return true;
    case 'demote':
      return scoresEntries(node.base);
    case 'sum':
    case 'max':
      return node.parts.some(scoresEntries);
    default:
      return false;
  }
}

/** The plans the tree tests membership of (constants and negatives), in a fixed walk order. */
export function scorePlans(node: ScoreNode): Plan[] {
  switch (node.op) {
    case 'constant':
      return [node.plan];
    case 'demote':
      return [...scorePlans(node.base), node.negative];
    case 'sum':
    case 'max':
      return node.parts.flatMap(scorePlans);
    default:
      return [];
  }
}

/**
 * The plan rebuilt with the nodes `replace` gives a replacement for (returned as they are, their
 * children not visited); every other node is rebuilt from its children, leaves kept.
 */
export function mapPlan(plan: Plan, replace: (node: Plan) => Plan | undefined): Plan {
  const now = replace(plan);
  if (now !== undefined) return now;
  switch (plan.op) {
    case 'and':
    case 'or':
      return { ...plan, parts: plan.parts.map((p) => mapPlan(p, replace)) };
    case 'atLeast':
      return { ...plan, parts: plan.parts.map((p) => mapPlan(p, replace)) };
    case 'not':
      return { ...plan, base: mapPlan(plan.base, replace), excluded: plan.excluded.map((p) => mapPlan(p, replace)) };
    case 'nested':
      return { ...plan, inner: mapPlan(plan.inner, replace) };
    default:
      return plan;
  }
}

export const none: Plan = Object.freeze({ op: 'none' });

/** Set operations that drop what cannot change their result (no nodes with one part). */
export function or(parts: readonly Plan[]): Plan {
  const kept = parts.filter((p) => p.op !== 'none');
  return kept.length === 0 ? none : kept.length === 1 ? kept[0]! : { op: 'or', parts: kept };
}

/** The expansions of a fuzzy term with their boosts, as one blended OR (even of one term: its boost counts). */
export function blendedTerms(terms: readonly { readonly token: string; readonly boost: number }[]): TextExpr {
  return { op: 'or', parts: terms.map((t): TextExpr => ({ op: 'term', token: t.token })), blend: terms.map((t) => t.boost) };
}

/** Terms as one OR expression (a single term stays a term). */
export function anyTerm(tokens: readonly string[]): TextExpr {
  const terms = tokens.map((token): TextExpr => ({ op: 'term', token }));
  return terms.length === 1 ? terms[0]! : { op: 'or', parts: terms };
}
