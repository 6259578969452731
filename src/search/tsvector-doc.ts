// A search document in PostgreSQL's form: one tsvector literal whose lexemes are
// `<column>_<stored token>` with their positions, plus the document's vocabulary. Derived from
// the store-neutral IndexDoc, on the import's parse workers (so the writing thread only writes).
//
// Stored tokens are either [a-z0-9]+ or MARK + hex (index-documents.ts), so a lexeme never holds
// a quote or a backslash and needs no escaping inside the literal.
import { existsToken, mark, type IndexDoc } from './index-documents.js';

const gapToken = `${mark}g`;
// tsvector limits: positions 1..16383, at most 256 per lexeme, lexemes under 2 KB.
const maxPosition = 16383;
const maxPositions = 255;
export const maxLexemeBytes = 2000;

export interface TsvectorDoc {
  readonly type: string;
  readonly seq: number;
  readonly parentSeq: number;
  /** The tsvector literal: `'<col>_<token>':pos,pos ...`. */
  readonly tsv: string;
  /** Distinct `<col> <token>` pairs of the document (the `exists` marker left out). */
  readonly vocabulary: readonly string[];
  readonly numbers: readonly (readonly [number, number])[];
  /** Each token column's length for relevance (IndexDoc.lengths). */
  readonly lengths: readonly number[];
}

export function tsvectorDoc(doc: IndexDoc): TsvectorDoc {
  const lexemes = new Map<string, number[]>();
  const vocabulary: string[] = [];
  for (let c = 0; c < doc.columns.length; c++) {
    const col = doc.columns[c]!;
    if (col === '') continue;
    const tokens = col.split(' ');
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token === gapToken) continue;
      // Longer tokens cannot be stored; the query side maps them to a lexeme no document has.
      if (token.length > 200 && Buffer.byteLength(token) > maxLexemeBytes - 8) continue;
      const lexeme = `${c}_${token}`;
      let positions = lexemes.get(lexeme);
      if (!positions) {
        positions = [];
        lexemes.set(lexeme, positions);
        if (token !== existsToken) vocabulary.push(`${c} ${token}`);
      }
      const position = Math.min(i + 1, maxPosition);
      if (positions.length < maxPositions && positions[positions.length - 1] !== position) positions.push(position);
    }
  }
  const parts: string[] = [];
  for (const [lexeme, positions] of lexemes) parts.push(`'${lexeme}':${positions.join(',')}`);
  return { type: doc.type, seq: doc.seq, parentSeq: doc.parentSeq, tsv: parts.join(' '), vocabulary, numbers: distinctNumbers(doc.numbers), lengths: doc.lengths };
}

/** (field, value) pairs once each: the number table's key is (field, value, doc). */
function distinctNumbers(numbers: IndexDoc['numbers']): IndexDoc['numbers'] {
  if (numbers.length < 2) return numbers;
  const seen = new Set<string>();
  return numbers.filter(([field, value]) => {
    const key = `${field}:${value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
