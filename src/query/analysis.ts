// What the parser needs from the standard analyzer (src/query/analyzer.ts, shared with the
// stores): whether a text yields any token, its words, and the lower-casing Lucene's
// `Analyzer.normalize` applies to wildcard, prefix, fuzzy, regexp and range terms on `text` fields.
import { analyze } from './analyzer.js';
import type { FieldRef } from './ast.js';

export function words(text: string): string[] {
  return analyze(text);
}

export function hasTokens(text: string): boolean {
  return analyze(text).length > 0;
}

/** Text fields index lower-cased tokens, so term-level patterns against them are lower-cased too. */
export function normalizeFor(field: FieldRef, term: string): string {
  return field.def.type === 'text' ? term.toLowerCase() : term;
}
