// Relevance as Lucene's BM25Similarity computes it (the similarity Elasticsearch uses by default),
// in Lucene's 32-bit float arithmetic, so `_score` values equal Elasticsearch's:
//   idf    = ln(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5))        (a phrase: its terms' idfs summed)
//   weight = boost × idf
//   score  = weight - weight / (1 + freq × 1 / (k1 × (1 - b + b × length / avgdl)))
// with k1 1.2 and b 0.75; docCount is the documents with a value in the field, avgdl its tokens
// over docCount, length the document's tokens in the field as Lucene stores it (one byte,
// SmallFloat.intToByte4: exact to 23, then 4 significant bits). Keyword fields index no norms
// and no frequencies: every length is 1 and every freq 1, their "tokens" are each document's
// distinct values. A phrase's freq is its number of occurrences; a sloppy phrase's the sum of
// 1 / (1 + its match length) over the matches Lucene's sweep finds.
//
// Store-neutral: a store gives the statistics (FieldStats), each document's lengths, term
// frequencies and (for phrases) positions; `clauseScore` does the rest.
import type { TextExpr } from '../query/plan/plan.js';

const k1 = Math.fround(1.2);
const b = Math.fround(0.75);
const f = Math.fround;

/** Lucene's SmallFloat.longToInt4: 4 significant bits and a shift. */
function longToInt4(i: number): number {
  const numBits = i === 0 ? 0 : Math.floor(Math.log2(i)) + 1;
  if (numBits < 4) return i;
  const shift = numBits - 4;
  let encoded = Math.floor(i / 2 ** shift) & 0x07; // the 4 most significant bits, less the implicit one
  encoded |= (shift + 1) << 3;
  return encoded;
}

function int4ToLong(i: number): number {
  const bits = i & 0x07;
  const shift = (i >>> 3) - 1;
  return shift === -1 ? bits : (bits | 0x08) * 2 ** shift;
}

const maxInt4 = longToInt4(2 ** 31 - 1);
const numFreeValues = 255 - maxInt4;

/** SmallFloat.intToByte4: a document's field length as Lucene stores it (0-255). */
export function intToByte4(i: number): number {
  return i < numFreeValues ? i : numFreeValues + longToInt4(i - numFreeValues);
}

/** SmallFloat.byte4ToInt: the length a stored byte stands for. */
export function byte4ToInt(byte: number): number {
  return byte < numFreeValues ? byte : Math.min(numFreeValues + int4ToLong(byte - numFreeValues), 2 ** 31 - 1);
}

const lengthTable = Float32Array.from({ length: 256 }, (_, i) => byte4ToInt(i));

/** A field's statistics over the index: documents with a value, and their tokens (keyword: distinct values). */
export interface FieldStats {
  readonly docCount: number;
  readonly tokens: number;
  /** Keyword fields: no norms, no frequencies. */
  readonly keyword: boolean;
}

/** One term's idf, as a float. */
export function idf(docFreq: number, docCount: number): number {
  return f(Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5)));
}

/** What a clause needs of one document: its length byte in the field, and each term's positions (or just its count). */
export interface ClauseDoc {
  /** intToByte4 of the document's length in the field (keyword fields: ignored). */
  readonly norm: number;
  /** How often the stored token occurs in the document's field (0: not at all). */
  freq(token: string): number;
  /** The token's positions in the field, ascending (needed by phrases only). */
  positions(token: string): readonly number[];
  /** Whether the field holds a token that starts with the stored prefix (needed by prefixes only). */
  prefixed(token: string): boolean;
}

/** The scorer of one full-text clause on one field: the statistics are read once, then each document scores. */
export class ClauseScorer {
  private readonly cache: Float32Array;
  private readonly weights = new Map<string, number>();
  /** The weight of each part of a blended OR (fuzzy expansions). */
  private readonly blended = new Map<TextExpr, Float32Array>();

  constructor(
    private readonly expr: TextExpr,
    private readonly stats: FieldStats,
    /** The documents holding a stored token in the field. */
    docFreq: (token: string) => number,
    boost: number,
  ) {
    const avgdl = f(stats.tokens / stats.docCount);
    this.cache = Float32Array.from(lengthTable, (length) => f(1 / f(k1 * f(f(1 - b) + f(f(b * length) / avgdl)))));
    const boostF = f(boost);
    const visit = (e: TextExpr): void => {
      e = single(e);
      switch (e.op) {
        case 'term':
          this.weights.set(termKey(e.token), f(boostF * idf(docFreq(e.token), stats.docCount)));
          return;
        case 'phrase':
        case 'near': {
          let sum = 0;
          for (const t of e.tokens) sum += idf(docFreq(t), stats.docCount);
          this.weights.set(phraseKey(e), f(boostF * f(sum)));
          return;
        }
        case 'prefix':
          // A prefix scores as a constant query: its boost.
          this.weights.set(`p${e.token}`, boostF);
          return;
        case 'or':
          if (e.blend !== undefined) {
            // Lucene's BlendedTermQuery: every expansion with the largest document frequency
            // among them, times its own boost (TopTermsBlendedFreqScoringRewrite).
            const blend = e.blend;
            let df = 0;
            for (const p of e.parts) if (p.op === 'term') df = Math.max(df, docFreq(p.token));
            const shared = idf(df, stats.docCount);
            this.blended.set(e, Float32Array.from(blend, (bt) => f(f(boostF * f(bt)) * shared)));
            return;
          }
          e.parts.forEach(visit);
          return;
        case 'and':
          e.parts.forEach(visit);
          return;
        default: {
          const unhandled: never = e;
          throw new Error(`unhandled text expression ${String(unhandled)}`);
        }
      }
    };
    visit(expr);
  }

  /**
   * A clause of one term, for scoring many documents fast: its score by length byte for a
   * frequency of 1 (most documents), and for any frequency; null for any other clause.
   */
  singleTerm(): { token: string; once: Float32Array; score(freq: number, norm: number): number } | null {
    const e = single(this.expr);
    if (e.op !== 'term') return null;
    const weight = this.weights.get(termKey(e.token))!;
    const keyword = this.stats.keyword;
    const score = (freq: number, norm: number): number => {
      const normInverse = this.cache[keyword ? 1 : norm]!;
      return f(weight - f(weight / f(1 + f((keyword ? 1 : freq) * normInverse))));
    };
    return { token: e.token, once: Float32Array.from({ length: 256 }, (_, norm) => score(1, norm)), score };
  }

  /** The document's score (0 when the clause does not match it). */
  score(doc: ClauseDoc): number {
    const normInverse = this.cache[this.stats.keyword ? 1 : doc.norm]!;
    const bm25 = (weight: number, freq: number): number => f(weight - f(weight / f(1 + f(freq * normInverse))));
    const walk = (e: TextExpr): number => {
      e = single(e);
      switch (e.op) {
        case 'term': {
          const freq = doc.freq(e.token);
          return freq === 0 ? 0 : bm25(this.weights.get(termKey(e.token))!, this.stats.keyword ? 1 : freq);
        }
        case 'phrase':
        case 'near': {
          const freq = phraseFreq(e.tokens.map((t) => doc.positions(t)), e.op === 'near' ? e.slop : 0);
          return freq === 0 ? 0 : bm25(this.weights.get(phraseKey(e))!, freq);
        }
        case 'prefix':
          return doc.prefixed(e.token) ? this.weights.get(`p${e.token}`)! : 0;
        case 'or':
        case 'and': {
          if (e.op === 'or' && e.blend !== undefined) {
            const weights = this.blended.get(e)!;
            let sum = 0;
            for (let i = 0; i < e.parts.length; i++) {
              const p = e.parts[i]!;
              const freq = p.op === 'term' ? doc.freq(p.token) : 0;
              if (freq > 0) sum += bm25(weights[i]!, this.stats.keyword ? 1 : freq);
            }
            return f(sum);
          }
          // Lucene's boolean scorers sum in double and round once.
          let sum = 0;
          for (const p of e.parts) sum += walk(p);
          return f(sum);
        }
        default: {
          const unhandled: never = e;
          throw new Error(`unhandled text expression ${String(unhandled)}`);
        }
      }
    };
    return walk(this.expr);
  }
}

/** The stored tokens of a clause's terms and phrases, and of its prefixes. */
export function clauseTokens(e: TextExpr): { terms: string[]; prefixes: string[] } {
  const terms = new Set<string>();
  const prefixes = new Set<string>();
  const visit = (x: TextExpr): void => {
    if (x.op === 'term') terms.add(x.token);
    else if (x.op === 'prefix') prefixes.add(x.token);
    else if (x.op === 'phrase' || x.op === 'near') x.tokens.forEach((t) => terms.add(t));
    else x.parts.forEach(visit);
  };
  visit(e);
  return { terms: [...terms], prefixes: [...prefixes] };
}

/** A phrase of one word is that word's term query (as Lucene rewrites it). */
const single = (e: TextExpr): TextExpr => ((e.op === 'phrase' || e.op === 'near') && e.tokens.length === 1 ? { op: 'term', token: e.tokens[0]! } : e);

const termKey = (token: string): string => `t${token}`;
const phraseKey = (e: { readonly tokens: readonly string[] }): string => `q${JSON.stringify(e.tokens)}`;

/**
 * A phrase's frequency in one document from its terms' positions: for slop 0 the number of
 * positions where every term follows the one before; else the sum of 1 / (1 + match length)
 * over the matches of Lucene's sloppy sweep (SloppyPhraseMatcher), repeated words kept on
 * positions of their own as it keeps them.
 */
export function phraseFreq(positions: readonly (readonly number[])[], slop: number): number {
  if (positions.length === 0 || positions.some((p) => p.length === 0)) return 0;
  if (positions.length === 1) return positions[0]!.length;
  if (slop === 0) {
    const later = positions.slice(1).map((p) => new Set(p));
    let n = 0;
    for (const p of positions[0]!) if (later.every((s, i) => s.has(p + i + 1))) n++;
    return n;
  }
  // Each word's cursor over its positions; its place in the sweep is its position less its
  // offset in the phrase. The smallest place comes first, ties by offset (Lucene's PhraseQueue);
  // a scan of the few cursors stands for the queue.
  const n = positions.length;
  const at = new Array<number>(n).fill(0);
  const tp = (i: number): number => positions[i]![at[i]!]!;
  const pos = (i: number): number => tp(i) - i;
  let end = -Infinity;
  const advance = (i: number): boolean => {
    if (at[i]! + 1 >= positions[i]!.length) return false;
    at[i]!++;
    end = Math.max(end, pos(i));
    return true;
  };
  // Repeated words (the same positions: one word a position) form groups in offset order; the
  // j-th of a group starts j positions on, and two of a group never stand on one position.
  const groupOf = new Int32Array(n).fill(-1);
  const groups: number[][] = [];
  const byWord = new Map<string, number[]>();
  positions.forEach((p, i) => {
    const key = p.join(',');
    const members = byWord.get(key);
    if (members) members.push(i);
    else byWord.set(key, [i]);
  });
  for (const members of byWord.values()) {
    if (members.length < 2) continue;
    for (const i of members) groupOf[i] = groups.length;
    groups.push(members);
  }
  for (const group of groups) {
    for (let j = 1; j < group.length; j++) {
      if (at[group[j]!]! + j >= positions[group[j]!]!.length) return 0;
      at[group[j]!]! += j;
    }
  }
  for (let i = 0; i < n; i++) end = Math.max(end, pos(i));
  const first = (except: number): number => {
    let best = -1;
    for (let i = 0; i < n; i++) if (i !== except && (best < 0 || pos(i) < pos(best))) best = i;
    return best;
  };
  // After a word moved: while another of its group stands on its position, the lesser of the
  // two (place, then offset) moves on; false when a cursor runs out.
  const apart = (moved: number): boolean => {
    if (groupOf[moved]! < 0) return true;
    const group = groups[groupOf[moved]!]!;
    let i = moved;
    for (;;) {
      const other = group.find((j) => j !== i && tp(j) === tp(i));
      if (other === undefined) return true;
      i = pos(i) < pos(other) || (pos(i) === pos(other) && i < other) ? i : other;
      if (!advance(i)) return false;
    }
  };
  // Lucene's SloppyPhraseMatcher: take the first word, move it on while that keeps the match
  // from growing past the next word; each match (within slop) weighs 1 / (1 + its length).
  let freq = 0;
  const count = (matchLength: number): void => {
    if (matchLength <= slop) freq = f(freq + f(1 / f(1 + matchLength)));
  };
  for (;;) {
    let pp = first(-1);
    let matchLength = end - pos(pp);
    let next = pos(first(pp));
    let matched = false;
    while (advance(pp)) {
      if (!apart(pp)) break;
      if (pos(pp) > next) {
        if (matchLength <= slop) {
          count(matchLength);
          matched = true;
          break;
        }
        pp = first(-1);
        next = pos(first(pp));
        matchLength = end - pos(pp);
      } else {
        matchLength = Math.min(matchLength, end - pos(pp));
      }
    }
    if (!matched) {
      count(matchLength);
      return freq;
    }
  }
}
