// Turns one record into the documents the search index stores: for each document type (root,
// each nested entry) the tokens of every token field and the numbers of every number field.
// Store-neutral: both store dialects index exactly these tokens, so they return the same ids.
import { dateToEpochMs } from '../datasets/date-values.js';
import type { FieldDef } from '../datasets/mapping.js';
import { entriesAt, valuesAt } from '../datasets/record-paths.js';
import { analyze, positionIncrementGap } from '../query/analyzer.js';
import type { DocType, IndexLayout, NumberField, TokenField } from './index-layout.js';

// Token alphabet in the index (SQLite's ascii tokenizer folds ASCII case and splits on ASCII
// punctuation, so tokens must survive it unchanged):
//   - a token made only of [a-z0-9] is stored as itself (most text tokens);
//   - any other token is stored as MARK + hex of its UTF-8 bytes (case and punctuation kept);
//   - MARK alone marks a column that has a value (for `exists`); MARK + 'g' fills position gaps;
//     MARK + 'e' is the empty string (a keyword value "" is a value, not "has a value": encoded
//     as MARK + nothing it was the exists token, and a term query for "" matched every record).
// Raw tokens never contain MARK, and hex never contains 'g' and has no odd length, so no two
// forms collide.
export const mark = '\u00b5';
export const existsToken = mark;
export const gapToken = `${mark}g`;
const emptyToken = `${mark}e`;

/**
 * Filler positions stored between two values of a multi-valued text field. Elasticsearch leaves
 * 100 (position_increment_gap); FTS5 cannot skip positions, so each is a stored filler token.
 * One is enough: it keeps an exact phrase (the index's own phrase query) from reaching across
 * values, and a sloppy phrase is checked on its candidates' records with Elasticsearch's 100
 * (near-phrases.ts), so the index only has to select a superset. With 16 fillers they were 43 % of
 * the token occurrences of a record document's FTS5 columns and 24 % of an experience entry's
 * (100,000 generated people); with 100, 8 of every 9.
 */
export const storedPositionGap = 1;

export interface IndexDoc {
  readonly type: string;
  /** Sequence of this entry among the record's entries of this type (0 for the root). */
  readonly seq: number;
  /** Sequence of the enclosing entry for nested-in-nested, else -1. */
  readonly parentSeq: number;
  /** Token texts per column of the type's token table: hex-encoded tokens joined by spaces. */
  readonly columns: readonly string[];
  /**
   * Each column's length as BM25 counts it (src/search/bm25.ts): a text column's tokens (no
   * gap fillers), a keyword column's distinct values; 0 without a value.
   */
  readonly lengths: readonly number[];
  /** [number field id, value] pairs. */
  readonly numbers: readonly (readonly [number, number])[];
}

const encoded = new Map<string, string>();

/** Whether a token is stored as itself: [a-z0-9]+ (a loop: cheaper than the regular expression on every token indexed). */
function isPlain(token: string): boolean {
  if (token.length === 0) return false;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

export function encodeToken(token: string): string {
  if (isPlain(token)) return token;
  if (token === '') return emptyToken;
  let hex = encoded.get(token);
  if (hex === undefined) {
    hex = mark + Buffer.from(token, 'utf8').toString('hex');
    if (encoded.size > 500_000) encoded.clear();
    encoded.set(token, hex);
  }
  return hex;
}

export function decodeToken(stored: string): string {
  if (stored === emptyToken) return '';
  return stored.startsWith(mark) ? Buffer.from(stored.slice(1), 'hex').toString('utf8') : stored;
}

function scalarString(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
}

/** Values at a path with explicit nulls replaced by the field's null_value (or dropped). */
function indexedRaw(obj: Record<string, unknown>, segments: readonly string[], def: FieldDef): unknown[] {
  const out: unknown[] = [];
  for (const v of valuesAt(obj, segments)) {
    if (v !== null) out.push(v);
    else if (def.nullValue !== undefined) out.push(def.nullValue);
  }
  return out;
}

/** Receives each keyword value as it is indexed (the term dictionary's source, see index-terms.ts). */
export interface KeywordSink {
  keyword(type: string, column: number, value: string): void;
}

function tokenColumn(obj: Record<string, unknown>, f: TokenField, type: string, sink: KeywordSink | undefined, gap: number): { text: string; length: number } {
  const def = f.def;
  const raw = indexedRaw(obj, f.segments, def);
  const strings = raw.map(scalarString).filter((s): s is string => s !== null);
  if (strings.length === 0) return { text: '', length: 0 };
  if (def.type === 'text') {
    // Positions matter for phrases: the values of a multi-valued field are kept apart by filler
    // tokens that no query can produce, at most `gap` of them (see storedPositionGap).
    // Positions as analyzeValues gives them (each value positionIncrementGap after the last),
    // without an object a token.
    const out: string[] = [];
    let base = 0;
    let next = 0;
    for (const value of strings) {
      const tokens = analyze(value);
      for (let i = 0; i < tokens.length; i++) {
        const position = base + i;
        if (next < position && gap > 0) {
          for (let k = Math.min(position - next, gap); k > 0; k--) out.push(gapToken);
          next = position;
        }
        out.push(encodeToken(tokens[i]!));
        next++;
      }
      base += tokens.length + positionIncrementGap;
    }
    const length = base - strings.length * positionIncrementGap;
    return length > 0 ? { text: `${out.join(' ')} ${existsToken}`, length } : { text: '', length: 0 };
  }
  if (sink) for (const s of strings) sink.keyword(type, f.column, s);
  return { text: `${strings.map(encodeToken).join(' ')} ${existsToken}`, length: new Set(strings).size };
}

function numberValues(obj: Record<string, unknown>, f: NumberField): number[] {
  const def = f.def;
  const raw = indexedRaw(obj, f.segments, def);
  if (def.type === 'date') return raw.map((v) => dateToEpochMs(v, def.format)).filter((n): n is number => n !== null);
  if (def.type === 'boolean') return raw.map((v) => (v === true || v === 'true' ? 1 : 0));
  return raw.map((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v)).filter((n): n is number => typeof n === 'number' && Number.isFinite(n));
}

/** Which token columns to derive (the others are left ''): all when absent. */
export type ColumnFilter = (type: string, column: number) => boolean;

export interface DeriveOptions {
  /** Limits the token columns derived (the others are ''). */
  readonly keep?: ColumnFilter;
  /**
   * Position fillers between the values of a text field, at most: storedPositionGap (the
   * default, as the index stores them), 0 (token sets, not phrases) or Infinity (every position
   * Elasticsearch leaves, for checking phrases).
   */
  readonly gap?: number;
}

function docFor(type: DocType, obj: Record<string, unknown>, seq: number, parentSeq: number, sink: KeywordSink | undefined, options: DeriveOptions): IndexDoc {
  const { keep, gap = storedPositionGap } = options;
  const numbers: [number, number][] = [];
  for (const f of type.numberFields) for (const v of numberValues(obj, f)) numbers.push([f.id, v]);
  const derived = type.tokenFields.map((f) => (keep === undefined || keep(type.path, f.column) ? tokenColumn(obj, f, type.path, sink, gap) : { text: '', length: 0 }));
  return { type: type.path, seq, parentSeq, columns: derived.map((c) => c.text), lengths: derived.map((c) => c.length), numbers };
}

/** Derives only the record document's token columns (nested entries' columns are left ''). */
export const rootOnly: DeriveOptions = { keep: (type) => type === '' };

/** Most entries per nested path kept in the index; later entries are stored but not searchable. */
export const maxEntriesPerPath = 1023;

/** The record's search documents; `sink` also receives every keyword value indexed. */
export function indexDocuments(layout: IndexLayout, record: Record<string, unknown>, sink?: KeywordSink, options: DeriveOptions = {}): IndexDoc[] {
  const docs: IndexDoc[] = [docFor(layout.byPath.get('')!, record, 0, -1, sink, options)];
  // Entries of each nested path with their sequence numbers, so children can name their parent.
  const seqs = new Map<string, { obj: Record<string, unknown>; seq: number }[]>([['', [{ obj: record, seq: 0 }]]]);
  for (const type of layout.docTypes) {
    if (type.path === '') continue;
    const parents = seqs.get(type.parent) ?? [];
    const relative = type.parent === '' ? type.path : type.path.slice(type.parent.length + 1);
    const mine: { obj: Record<string, unknown>; seq: number }[] = [];
    for (const parent of parents) {
      for (const obj of entriesAt(parent.obj, relative)) {
        if (mine.length >= maxEntriesPerPath) break;
        const seq = mine.length;
        mine.push({ obj, seq });
        docs.push(docFor(type, obj, seq, type.parent === '' ? -1 : parent.seq, sink, options));
      }
    }
    seqs.set(type.path, mine);
  }
  return docs;
}

/** Numbers as SQLite's (and FTS5's) variable-length integers, one after another (postings.ts reads them). */
export function encodeVarints(values: readonly number[]): Buffer {
  const out: number[] = [];
  for (let v of values) {
    const bytes = [v & 0x7f];
    v = Math.floor(v / 128);
    while (v > 0) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...bytes.reverse());
  }
  return Buffer.from(out);
}
