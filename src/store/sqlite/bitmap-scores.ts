// `_score` order on the bitmap postings. The SQL path scores with FTS5's bm25() (k1 1.2, b 0.75,
// IDF ln((N - n + 0.5) / (n + 0.5)) floored at 1e-6, the row's size in tokens against the
// table's average); for scoring clauses that are terms of the record type's held columns the
// same BM25 is computed here from the postings (term frequencies above one and row sizes are
// kept by the build), with FTS5's floating-point operations in FTS5's order, so both ways give
// the same scores to the bit (test/postings.test.ts compares them). FTS5 computes BM25 for every
// row its match returns (~1.2 µs each at 1M people, mostly reading the row's size); here a
// term's documents are a bitmap and a row size is an array read.
import type { Database, Statement } from 'better-sqlite3';
import type { DatasetName } from '../../datasets/datasets.js';
import { combineMax, type Plan, type ScoreNode, type ScoringPart, type TextExpr } from '../../query/plan/plan.js';
import type { SortValues } from '../store.js';
import { ftsTable } from '../sql/search-tables.js';
import { BitmapPostings, byNewest, exprHeld, type HitSet, type PostingsState, type Recency } from './bitmap-search.js';
import { RoaringBitmap32, shardOf, shardSize, varints, type Bitmap } from './postings.js';

/** FTS5's bm25() constants. */
const k1 = 1.2;
const b = 0.75;

/** The phrases of an expression of single terms, in the order FTS5 numbers them; null when it holds anything else. */
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
  private readonly averages: Statement<[], Buffer>;
  private readonly ln: Statement<[number], number>;
  /** Scratch per-record sums of one shard, all zero between uses. */
  private readonly sums = new Float64Array(shardSize);
  private readonly clause = new Float64Array(shardSize);
  /** Scratch per-record scores of each clause, for trees that do more than sum them. */
  private readonly partScores: Float64Array[] = [];

  constructor(db: Database, d: DatasetName, private readonly postings: BitmapPostings) {
    // FTS5's averages record: its row count, then each column's total tokens.
    this.averages = db.prepare<[], Buffer>(`SELECT block FROM ${ftsTable(d, '')}_data WHERE id = 1`).pluck();
    // FTS5 takes its logarithm from the C library; SQLite's ln() is the same function.
    this.ln = db.prepare<[number], number>('SELECT ln(?)').pluck();
  }

  /** Whether the postings can score these clauses: terms of the record type's held columns. */
  static scorable(parts: readonly ScoringPart[], state: PostingsState): boolean {
    return parts.every((p) => p.plan.type === '' && phrases(p.plan.expr) !== null && exprHeld(p.plan.expr, `\t${p.plan.column}`, state));
  }

  /**
   * The first `size` hits in `_score` order after the cursor, each clause scored as FTS5's bm25()
   * would (times its boost), composed by the score tree; `members` holds the documents of each
   * plan the tree tests (constants, negatives), per shard.
   */
  page(hits: HitSet, parts: readonly ScoringPart[], tree: ScoreNode, members: ReadonlyMap<Plan, ReadonlyMap<number, Bitmap>>, state: PostingsState, after: SortValues | null, size: number): SortValues[] {
    const block = this.averages.get();
    const totals = block === undefined ? [] : varints(block);
    const rows = totals[0] ?? 0;
    let tokens = 0;
    for (let i = 1; i < totals.length; i++) tokens += totals[i]!;
    const avgdl = tokens / rows;
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
      const terms = phrases(part.plan.expr)!;
      const idf = terms.map((token) => {
        let n = 0;
        for (const s of state.shards) n += termBits(s, part.plan.column, token)?.size ?? 0;
        const x = this.ln.get((rows - n + 0.5) / (n + 0.5))!;
        return x <= 0.0 ? 1e-6 : x;
      });
      return { part, terms, idf };
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
        clauses.forEach(({ part, terms, idf }, c) => {
          const matched = select(s, part.plan.column, part.plan.expr);
          matched.andInPlace(shardHits);
          if (matched.isEmpty) return;
          const scored = matched.toUint32Array();
          terms.forEach((token, i) => {
            const holding = termBits(s, part.plan.column, token);
            if (holding === null) return;
            const times = this.postings.repeats(s, part.plan.column, token);
            for (const doc of RoaringBitmap32.and(holding, matched).toUint32Array()) {
              const f = times?.get(doc) ?? 1;
              const D = r.sizes[r.rank[doc]!]!;
              this.clause[doc] += idf[i]! * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + (b * D) / avgdl)));
            }
          });
          const into = summed ? this.sums : partScores[c]!;
          for (const doc of scored) {
            into[doc] += this.clause[doc]! * part.boost;
            this.clause[doc] = 0;
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
          this.clause[doc] = 0;
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
