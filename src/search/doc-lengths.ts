// A record's field lengths for relevance (src/search/bm25.ts), every document of it in one flat
// list of numbers: for each document, its type's index in the layout, its sequence among the
// record's entries of that type, then one length per token column of the type (IndexDoc.lengths).
// One row a record instead of one a document: at 100k people 1.28M rows keyed by (type, doc)
// took 55.8 MB, 12.8 rows a record.
import type { IndexLayout } from './index-layout.js';

/** What a document contributes: its type, sequence and lengths (an IndexDoc or a TsvectorDoc). */
export interface DocLengths {
  readonly type: string;
  readonly seq: number;
  readonly lengths: readonly number[];
}

export function encodeRecordLengths(layout: IndexLayout, docs: readonly DocLengths[]): number[] {
  const out: number[] = [];
  for (const doc of docs) out.push(layout.docTypes.findIndex((t) => t.path === doc.type), doc.seq, ...doc.lengths);
  return out;
}

/** One document's lengths in a record's list (null: the record has no such document). */
export function documentLengths(layout: IndexLayout, flat: readonly number[], type: string, seq: number): number[] | null {
  const want = layout.docTypes.findIndex((t) => t.path === type);
  for (let i = 0; i < flat.length; ) {
    const t = layout.docTypes[flat[i]!];
    if (t === undefined) return null;
    const n = t.tokenFields.length;
    if (flat[i] === want && flat[i + 1] === seq) return flat.slice(i + 2, i + 2 + n) as number[];
    i += 2 + n;
  }
  return null;
}

/** Every document in a record's list. */
export function eachDocument(layout: IndexLayout, flat: readonly number[], f: (type: string, seq: number, lengths: number[]) => void): void {
  for (let i = 0; i < flat.length; ) {
    const t = layout.docTypes[flat[i]!];
    if (t === undefined) return;
    const n = t.tokenFields.length;
    f(t.path, flat[i + 1]!, flat.slice(i + 2, i + 2 + n) as number[]);
    i += 2 + n;
  }
}
