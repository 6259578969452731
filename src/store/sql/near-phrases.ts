// Sloppy phrases (`match_phrase` with a slop, `"a b"~N`) with Lucene's semantics on both SQL
// stores. Neither full-text engine can say it: FTS5's NEAR is unordered ("data ... teams" is near
// "teams data") and a tsquery can only name exact distances. Each store selects a superset with
// its own syntax (near never misses a Lucene match: see `sloppyMatch`), then every candidate is
// checked here against the positions of its indexed tokens, derived from the record as the index
// holds it (index-documents.ts: the same tokens, with Elasticsearch's position gaps between array
// values, where the index keeps one filler position).
// The plan's sloppy-phrase leaves become the exact documents (`docs`) before the plan runs, so
// every way a store executes a plan (SQL, bitmap postings) sees the same documents.
import { mapPlan, type Plan, type SearchPlan, type TextExpr, type TextPlan } from '../../query/plan/plan.js';
import { indexDocuments } from '../../search/index-documents.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { docsPerRecord } from './search-tables.js';

/** A text leaf that is one sloppy phrase. */
export type NearLeaf = TextPlan & { readonly expr: Extract<TextExpr, { op: 'near' }> };

const isNear = (e: TextExpr): boolean => e.op === 'near' || ((e.op === 'or' || e.op === 'and') && e.parts.some(isNear));

/**
 * The plan with each sloppy-phrase leaf replaced by `resolve(leaf)`. A text condition that holds a
 * sloppy phrase inside an AND or OR of the same column is split into a plan AND / OR of text
 * conditions first (each is a test of the same document, so the split selects the same ones).
 */
export function mapNear(plan: Plan, resolve: (leaf: NearLeaf) => Plan): Plan {
  const text = (type: string, column: number, e: TextExpr): Plan => {
    if (!isNear(e)) return { op: 'text', type, column, expr: e };
    if (e.op === 'near') return resolve({ op: 'text', type, column, expr: e });
    const parts = (e as Extract<TextExpr, { op: 'or' | 'and' }>).parts.map((p) => text(type, column, p));
    return { op: e.op as 'or' | 'and', parts };
  };
  return mapPlan(plan, (node) => (node.op === 'text' ? (isNear(node.expr) ? text(node.type, node.column, node.expr) : node) : undefined));
}

/** The sloppy-phrase leaves of a plan, each once. */
export function nearLeaves(plan: Plan): NearLeaf[] {
  const found = new Map<string, NearLeaf>();
  mapNear(plan, (leaf) => {
    found.set(nearKey(leaf), leaf);
    return leaf;
  });
  return [...found.values()];
}

export const nearKey = (leaf: NearLeaf): string => JSON.stringify([leaf.type, leaf.column, leaf.expr.tokens, leaf.expr.slop]);

/**
 * Whether the phrase's terms occur within `slop` as Lucene's sloppy phrase measures it: with each
 * term's position less its offset in the phrase, the largest and the smallest differ by at most
 * the slop (in order and adjacent: 0; "b a" for "a b": 2), each term at a position of its own.
 * `positions[i]` are the positions of the i-th phrase term, ascending; `same[i]` the first phrase
 * term with the same token.
 *
 * FTS5's NEAR(a b ..., slop) and the two-word tsquery are supersets: with j the term at the
 * largest position and k at the smallest, max - min of the shifted positions is at least
 * (p_j - p_k) - (n - 1), the number of tokens between them.
 */
export function sloppyMatch(positions: readonly (readonly number[])[], same: readonly number[], slop: number): boolean {
  const n = positions.length;
  if (n === 0 || positions.some((p) => p.length === 0)) return false;
  const starts = [...new Set(positions.flatMap((list, i) => list.map((p) => p - i)))].sort((a, b) => a - b);
  const repeats = same.some((s, i) => s !== i);
  for (const lo of starts) {
    const hi = lo + slop;
    // Each term's positions whose shifted value lies in [lo, hi].
    const options: number[][] = [];
    let fits = true;
    for (let i = 0; i < n && fits; i++) {
      const inWindow = positions[i]!.filter((p) => p - i >= lo && p - i <= hi);
      options.push(inWindow);
      fits = inWindow.length > 0;
    }
    if (!fits) continue;
    if (!repeats || distinctChoice(options, same)) return true;
  }
  return false;
}

/** Whether terms of one token can each take a position of its own (augmenting paths; phrases are short). */
function distinctChoice(options: readonly number[][], same: readonly number[]): boolean {
  const groups = new Map<number, number[]>();
  same.forEach((s, i) => groups.set(s, [...(groups.get(s) ?? []), i]));
  for (const members of groups.values()) {
    if (members.length === 1) continue;
    const owner = new Map<number, number>(); // position → term
    const assign = (term: number, seen: Set<number>): boolean => {
      for (const p of options[term]!) {
        if (seen.has(p)) continue;
        seen.add(p);
        const other = owner.get(p);
        if (other === undefined || assign(other, seen)) {
          owner.set(p, term);
          return true;
        }
      }
      return false;
    };
    for (const term of members) if (!assign(term, new Set())) return false;
  }
  return true;
}

/**
 * The candidates (index document ids of the leaf's type) that hold the sloppy phrase, given the
 * records as the index holds them (`records`: record id → record; a record missing is skipped).
 */
export function exactNear(layout: IndexLayout, leaf: NearLeaf, candidates: readonly number[], records: ReadonlyMap<number, Record<string, unknown>>): number[] {
  const tokens = leaf.expr.tokens;
  const same = tokens.map((t) => tokens.indexOf(t));
  const keep = (type: string, column: number): boolean => type === leaf.type && column === leaf.column;
  const docsOf = new Map<number, string[][]>(); // record id → the column's tokens per entry sequence
  const out: number[] = [];
  for (const doc of candidates) {
    const recordId = leaf.type === '' ? doc : Math.floor(doc / docsPerRecord);
    const seq = leaf.type === '' ? 0 : doc % docsPerRecord;
    let entries = docsOf.get(recordId);
    if (entries === undefined) {
      const record = records.get(recordId);
      entries = [];
      // Every position Elasticsearch leaves between values, not the one filler the index keeps.
      if (record !== undefined) for (const d of indexDocuments(layout, record, undefined, { keep, gap: Infinity })) if (d.type === leaf.type) entries[d.seq] = d.columns[leaf.column]!.split(' ');
      docsOf.set(recordId, entries);
    }
    const stream = entries[seq];
    if (stream === undefined) continue;
    const positions = tokens.map(() => [] as number[]);
    stream.forEach((token, p) => {
      for (let i = 0; i < tokens.length; i++) if (tokens[i] === token) positions[i]!.push(p);
    });
    if (sloppyMatch(positions, same, leaf.expr.slop)) out.push(doc);
  }
  return out;
}

/** How a store reads what `exactPhrases` checks. */
export interface PhraseReads {
  /** The index document ids the dialect's superset of the leaf selects, ascending, each once. */
  candidates(leaf: NearLeaf): number[] | Promise<number[]>;
  /** The records (as the index holds them) of these ids; one missing is skipped. */
  records(ids: readonly number[]): ReadonlyMap<number, Record<string, unknown>> | Promise<ReadonlyMap<number, Record<string, unknown>>>;
}

/** Candidates of a sloppy phrase checked per read of their records. */
const batchSize = 500;

/** The search plan with its sloppy phrases as the documents that hold them (scoring clauses keep them as they are). */
export async function exactPhrases(plan: SearchPlan, layout: IndexLayout, reads: PhraseReads): Promise<SearchPlan> {
  const leaves = nearLeaves(plan.hits);
  if (leaves.length === 0) return plan;
  const resolved = new Map<string, Plan>();
  for (const leaf of leaves) {
    const candidates = await reads.candidates(leaf);
    const found: number[] = [];
    for (let i = 0; i < candidates.length; i += batchSize) {
      const batch = candidates.slice(i, i + batchSize);
      const records = await reads.records([...new Set(batch.map((doc) => (leaf.type === '' ? doc : Math.floor(doc / docsPerRecord))))]);
      found.push(...exactNear(layout, leaf, batch, records));
    }
    resolved.set(nearKey(leaf), { op: 'docs', type: leaf.type, values: found });
  }
  return { ...plan, hits: mapNear(plan.hits, (leaf) => resolved.get(nearKey(leaf))!) };
}
