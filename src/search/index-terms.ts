// The vocabulary of index documents: which terms each keyword column of a document type holds,
// so a store can keep a term dictionary for pattern expansion (wildcard, regexp, fuzzy, prefix)
// instead of walking its whole full-text index per query. Keyword columns only: a keyword value
// is one term, so listing them costs a few lookups per record, where listing every token of the
// text columns measured 1.3x the whole import's time; text columns are few distinct words, which
// a full-text index lists itself (docs/architecture.md).
//
// A TermLog remembers what it already reported, so each term is handed to the writer once per
// log: the import's parse workers keep one each, and the writer inserts only terms new to them
// (most tokens of a record were seen in earlier records). Bounded: past `max` terms it forgets
// everything, which only makes it report some terms again.
import { decodeToken, existsToken, type IndexDoc } from './index-documents.js';
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

export class TermLog {
  /** Per document type, per column: tokens already reported (null for a text column). */
  private readonly seen = new Map<string, (Set<string> | null)[]>();
  private size = 0;

  constructor(layout: IndexLayout, private readonly max = 1_000_000) {
    for (const t of layout.docTypes) this.seen.set(t.path, t.tokenFields.map((f) => (f.def.type === 'text' ? null : new Set())));
  }

  /** The terms of `docs` this log has not reported yet (now reported). */
  fresh(docs: readonly IndexDoc[]): TermKey[] {
    if (this.size > this.max) {
      for (const columns of this.seen.values()) columns.forEach((set) => set?.clear());
      this.size = 0;
    }
    const out: TermKey[] = [];
    for (const doc of docs) {
      const columns = this.seen.get(doc.type)!;
      for (let c = 0; c < doc.columns.length; c++) {
        const text = doc.columns[c]!;
        const set = columns[c];
        if (text === '' || !set) continue;
        for (const token of text.split(' ')) {
          if (set.has(token)) continue;
          set.add(token);
          this.size++;
          // Keyword columns hold one token per value, plus the exists marker (gap fillers are text-only).
          if (token !== existsToken) out.push(`${doc.type}\t${c}\t${decodeToken(token)}`);
        }
      }
    }
    return out;
  }
}
