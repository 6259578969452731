// The vocabulary of index documents: which terms each keyword column of a document type holds,
// so a store can keep a term dictionary for pattern expansion (wildcard, regexp, fuzzy, prefix)
// instead of walking its whole full-text index per query. Keyword columns only: a keyword value
// is one term, so listing them costs a few lookups per record, where listing every token of the
// text columns measured 1.3x the whole import's time; text columns are few distinct words, which
// a full-text index lists itself (docs/architecture.md).
//
// A TermLog receives keyword values while documents are derived and remembers what it already
// reported, so each term is handed to the writer once per log: the import's parse workers keep
// one each, and the writer inserts only terms new to them
// (most tokens of a record were seen in earlier records). Bounded: past `max` terms it forgets
// everything, which only makes it report some terms again.
import type { KeywordSink } from './index-documents.js';
import type { IndexLayout } from './index-layout.js';

/**
 * A term of the dictionary: `<type>\t<column>\t<term>`, the term as analysed (decoded: the
 * index's hex form of keyword values is twice as long, and most distinct terms are keyword
 * values such as names and URLs).
 */
export type TermKey = string;

export function parseTermKey(key: TermKey): { type: string; column: number; term: string } {
  const a = key.indexOf('\t');
  const b = key.indexOf('\t', a + 1);
  return { type: key.slice(0, a), column: Number(key.slice(a + 1, b)), term: key.slice(b + 1) };
}

/** The exclusive upper bound of the strings that start with `prefix` (null: none, for ''). */
export function prefixEnd(prefix: string): string | null {
  const chars = [...prefix];
  while (chars.length > 0) {
    const last = chars.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) return chars.join('') + String.fromCodePoint(last + 1 === 0xd800 ? 0xe000 : last + 1);
  }
  return null;
}

/** Whether a token column holds keyword values (one term per value) rather than analysed text. */
export function isKeywordColumn(layout: IndexLayout, type: string, column: number): boolean {
  const f = layout.byPath.get(type)?.tokenFields[column];
  return f !== undefined && f.def.type !== 'text';
}

export class TermLog implements KeywordSink {
  /** Per document type, per column: terms already reported (null for a text column). */
  private readonly seen = new Map<string, (Set<string> | null)[]>();
  private size = 0;
  private pending: TermKey[] = [];

  constructor(layout: IndexLayout, private readonly max = 1_000_000) {
    for (const t of layout.docTypes) this.seen.set(t.path, t.tokenFields.map((f) => (f.def.type === 'text' ? null : new Set())));
  }

  /**
   * A keyword value as `indexDocuments` derives it: kept for `take` unless reported before. Fed
   * with the values themselves, not the index's encoded column text, which took splitting and
   * decoding hex back (160 µs per clean record, a third of deriving its documents).
   */
  keyword(type: string, column: number, value: string): void {
    const set = this.seen.get(type)?.[column];
    if (!set || set.has(value)) return;
    if (this.size >= this.max) {
      for (const columns of this.seen.values()) columns.forEach((s) => s?.clear());
      this.size = 0;
    }
    set.add(value);
    this.size++;
    this.pending.push(`${type}\t${column}\t${value}`);
  }

  /** The terms received since the last call that this log had not reported (now reported). */
  take(): TermKey[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}
