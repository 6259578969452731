// `_score` order on the bitmap postings, for scoring clauses that are terms of the record type's
// held columns: each clause scores as Lucene's BM25 (src/search/bm25.ts) from the postings — a
// term's documents and how often each holds it, each record's length byte in the column — and
// the field statistics the index writer keeps (field-lengths.ts), the same numbers the SQL path
// reads, so both ways give the same scores to the bit (test/postings.test.ts compares them).
// A term's documents are a bitmap and a length an array read, where SQL reads each hit's row.
import { combineMax, scorePlans, scoresEntries, type Plan, type ScoreNode, type ScoringPart, type TextExpr } from '../../query/plan/plan.js';
import { ClauseScorer, type ClauseDoc, type FieldStats } from '../../search/bm25.js';
import type { SearchPage, SortValues } from '../store.js';
import { BitmapPostings, byNewest, exprHeld, HitSet, TooBroad, type PostingsState, type Recency } from './bitmap-search.js';
import { RoaringBitmap32, shardOf, shardSize, type Bitmap } from './postings.js';

/** The terms of an expression of single terms; null when it holds anything else (a phrase, a prefix). */
function phrases(e: TextExpr): string[] | null {
  switch (e.op) {
    case 'term':
      return [e.token];
    case 'phrase':
      return e.tokens.length === 1 ? [e.tokens[0]!] : null;
    case 'or':
    case 'and': {
      const out: string[] = [];
      for (const part of e.parts) {
        const inner = phrases(part);
        if (inner === null) return null;
        out.push(...inner);
      }
      return out;
    }
    default:
      return null;
  }
}

/** Whether `a` comes before `b` in `_score` order: score descending, then the default order. */
const byScore = (a: SortValues, b: SortValues): boolean => a.score! > b.score! || (a.score === b.score && byNewest(a, b));

export class BitmapScores {
  /** Scratch per-record sums of one shard, all zero between uses. */
  private readonly sums = new Float64Array(shardSize);
  /** Scratch per-record scores of each clause, for trees that do more than sum them. */
  private readonly partScores: Float64Array[] = [];

  /** `lengths`: the record type's field statistics (field-lengths.ts, or PostgreSQL's field totals). */
  constructor(private readonly postings: BitmapPostings, private readonly lengths: { stats(): ReadonlyMap<number, FieldStats> }) {}

  /**
   * The page in `_score` order, when the postings hold the hits and the scoring clauses are
   * terms of the record type; null otherwise (the search runs in SQL).
   */
  scoredPage(hitPlan: Plan, scoring: readonly ScoringPart[], tree: ScoreNode, state: PostingsState | null, after: SortValues | null, size: number): SearchPage | null {
    if (state === null || scoresEntries(tree) || !BitmapScores.scorable(scoring, state)) return null;
    const cover = BitmapPostings.coverage(hitPlan, state);
    if (!cover.runs || cover.held === 0) return null;
    const tested = scorePlans(tree);
    if (!tested.every((p) => BitmapPostings.coverage(p, state).runs)) return null;
    let hits: HitSet;
    const members = new Map<Plan, ReadonlyMap<number, Bitmap>>();
    try {
      hits = new HitSet(this.postings.evaluate(hitPlan, state));
      for (const p of tested) members.set(p, this.postings.evaluate(p, state));
    } catch (error) {
      if (error instanceof TooBroad) return null;
      throw error;
    }
    const values = this.page(hits, scoring, tree, members, state, after, size);
    return { ids: values.map((v) => v.id), total: hits.total, values, scores: new Map(values.map((v) => [v.id, v.score!])) };
  }

  /** Whether the postings can score these clauses: terms of the record type's held columns. */
  static scorable(parts: readonly ScoringPart[], state: PostingsState): boolean {
    return parts.every((p) => p.plan.type === '' && phrases(p.plan.expr) !== null && exprHeld(p.plan.expr, `\t${p.plan.column}`, state));
  }

  /**
   * The first `size` hits in `_score` order after the cursor, each clause scored by Lucene's BM25
   * (with its boost), composed by the score tree; `members` holds the documents of each
   * plan the tree tests (constants, negatives), per shard.
   */
  page(hits: HitSet, parts: readonly ScoringPart[], tree: ScoreNode, members: ReadonlyMap<Plan, ReadonlyMap<number, Bitmap>>, state: PostingsState, after: SortValues | null, size: number): SortValues[] {
    const stats = this.lengths.stats();
    // Each term's documents per shard, read once.
    const bits = new Map<string, Bitmap | null>();
    const termBits = (s: number, col: number, token: string): Bitmap | null => {
      const key = `${s}\t${col}\t${token}`;
      if (!bits.has(key)) bits.set(key, this.postings.termBits(s, '', col, token));
      return bits.get(key)!;
    };
    // The documents a clause selects, from the same term bitmaps (a new bitmap).
    const select = (s: number, col: number, e: TextExpr): Bitmap => {
      switch (e.op) {
        case 'term':
        case 'phrase':
          return termBits(s, col, e.op === 'term' ? e.token : e.tokens[0]!)?.clone() ?? new RoaringBitmap32();
        case 'or':
          return RoaringBitmap32.orMany(e.parts.map((p) => select(s, col, p)));
        case 'and':
          return e.parts.slice(1).reduce((out, p) => out.andInPlace(select(s, col, p)), select(s, col, e.parts[0]!));
        default:
          throw new Error(`not a clause of terms: ${e.op}`);
      }
    };
    const clauses = parts.map((part) => {
      const col = part.plan.column;
      const terms = [...new Set(phrases(part.plan.expr)!)];
      const field = stats.get(col);
      const docFreq = (token: string): number => {
        let n = 0;
        for (const s of state.shards) n += termBits(s, col, token)?.size ?? 0;
        return n;
      };
      return { part, terms, scorer: field === undefined ? null : new ClauseScorer(part.plan.expr, field, docFreq, part.boost) };
    });

    // Every hit's score (after the cursor), then only the hits that can be on the page made into
    // sort values: those scoring at least the page's last score (the size-th largest).
    let ids = new Float64Array(1024);
    let scores = new Float64Array(1024);
    let count = 0;
    const keep = after === null ? null : afterCursor(after);
    // A tree that only sums clauses adds each into one array; any other keeps each clause's
    // scores apart and composes them per hit.
    const summed = sumOfClauses(tree);
    const partScores = summed ? [] : parts.map((_, i) => (this.partScores[i] ??= new Float64Array(shardSize)));
    for (const [s, shardHits] of hits.shards()) {
      const r = this.postings.recency(s, state);
      const base = s * shardSize;
      const docs = shardHits.toUint32Array();
      try {
        clauses.forEach(({ part, terms, scorer }, c) => {
          if (scorer === null) return;
          const col = part.plan.column;
          const matched = select(s, col, part.plan.expr);
          matched.andInPlace(shardHits);
          if (matched.isEmpty) return;
          const into = summed ? this.sums : partScores[c]!;
          const norms = this.postings.norms(s, state, col);
          const one = scorer.singleTerm();
          if (one !== null) {
            // One term (the usual clause): a frequency of 1 scores by a table of the length byte.
            const times = this.postings.repeats(s, col, one.token);
            for (const doc of matched.toUint32Array()) {
              const norm = norms?.[doc] ?? 0;
              const freq = times?.get(doc);
              into[doc] += freq === undefined ? one.once[norm]! : one.score(freq, norm);
            }
            return;
          }
          // One view of the current document for the scorer: its terms' counts and its length byte.
          const holding = new Map(terms.map((t) => [t, { bits: termBits(s, col, t), times: this.postings.repeats(s, col, t) }]));
          let at = 0;
          const view: ClauseDoc = {
            get norm() {
              return norms?.[at] ?? 0;
            },
            freq: (token) => {
              const h = holding.get(token);
              return h?.bits?.has(at) === true ? (h.times?.get(at) ?? 1) : 0;
            },
            positions: () => {
              throw new Error('positions are not held by the postings');
            },
            prefixed: () => {
              throw new Error('prefixes are not scored on the postings');
            },
          };
          for (const doc of matched.toUint32Array()) {
            at = doc;
            into[doc] += scorer.score(view);
          }
        });
        if (count + docs.length > ids.length) {
          const grown = Math.max(ids.length * 2, count + docs.length);
          ids = grow(ids, grown);
          scores = grow(scores, grown);
        }
        const shardMembers = new Map<Plan, Bitmap | undefined>([...members].map(([plan, sets]) => [plan, sets.get(s)]));
        for (const doc of docs) {
          const score = summed ? this.sums[doc]! : composed(tree, doc, partScores, shardMembers);
          // Only a hit scoring as much as the cursor needs its last_updated to know which side it is on.
          if (keep !== null && (score > after!.score! || (score === after!.score && !keep(this.valuesOf(base + doc, score, r))))) continue;
          ids[count] = base + doc;
          scores[count] = score;
          count++;
        }
      } finally {
        // Scratch stays zero even when a read fails half-way.
        for (const doc of docs) {
          this.sums[doc] = 0;
          for (const a of partScores) a[doc] = 0;
        }
      }
    }
    const floor = count <= size ? -Infinity : largest(scores.slice(0, count), size);
    const values: SortValues[] = [];
    let shard = -1;
    let r: Recency | null = null;
    for (let i = 0; i < count; i++) {
      if (scores[i]! < floor) continue;
      const id = ids[i]!;
      if (shardOf(id) !== shard) r = this.postings.recency((shard = shardOf(id)), state);
      values.push(this.valuesOf(id, scores[i]!, r!));
    }
    values.sort((x, y) => (byScore(x, y) ? -1 : byScore(y, x) ? 1 : 0));
    return values.slice(0, size);
  }

  private valuesOf(id: number, score: number, r: Recency): SortValues {
    return { id, lastUpdated: BitmapPostings.valueAt(r, r.rank[id % shardSize]!), score };
  }
}

/** Whether the tree is clauses summed (or one clause): each hit's score is their sum in clause order. */
function sumOfClauses(tree: ScoreNode): boolean {
  return tree.op === 'clause' || (tree.op === 'sum' && tree.parts.every((p, i) => p.op === 'clause' && p.part === i));
}

/** One document's score by the tree, from its clauses' scores and the member sets of one shard. */
function composed(node: ScoreNode, doc: number, partScores: readonly Float64Array[], members: ReadonlyMap<Plan, Bitmap | undefined>): number {
  switch (node.op) {
    case 'clause':
      return partScores[node.part]![doc]!;
    case 'constant':
      return members.get(node.plan)?.has(doc) === true ? node.boost : 0;
    case 'fixed':
      return node.value;
    case 'sum': {
      let out = 0;
      for (const p of node.parts) out += composed(p, doc, partScores, members);
      return out;
    }
    case 'max':
      return combineMax(node.parts.map((p) => composed(p, doc, partScores, members)), node.tie);
    case 'demote': {
      const base = composed(node.base, doc, partScores, members);
      return members.get(node.negative)?.has(doc) === true ? base * node.factor : base;
    }
    case 'nested':
      throw new Error('nested entries are scored in SQL');
    default: {
      const unhandled: never = node;
      throw new Error(`unhandled score node ${String(unhandled)}`);
    }
  }
}

function grow(a: Float64Array<ArrayBuffer>, length: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(length);
  out.set(a);
  return out;
}

/** The k-th largest of `values` (k >= 1, k <= length), reordering them (quickselect, linear on average). */
export function largest(values: Float64Array, k: number): number {
  const want = values.length - k; // its index in ascending order
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (want <= j) hi = j;
    else if (want >= i) lo = i;
    else return values[want]!;
  }
  return values[want]!;
}

/** Whether a hit comes after the cursor in `_score` order (as the SQL path's condition). */
function afterCursor(after: SortValues): (v: SortValues) => boolean {
  const score = after.score ?? 0;
  const lu = after.lastUpdated ?? null;
  const luAfter = (v: SortValues): boolean => {
    const mine = v.lastUpdated ?? null;
    if (lu === null) return mine === null && v.id < after.id;
    return (mine !== null && mine < lu) || (mine === lu && v.id < after.id) || mine === null;
  };
  return (v) => v.score! < score || (v.score === score && luAfter(v));
}
