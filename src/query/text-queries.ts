// Per-field query builders for the query-string syntaxes (query_string, simple_query_string): one
// piece of user text against a set of fields, each field queried the way Elasticsearch's
// QueryStringQueryParser does, then combined (dis_max for best_fields, bool.should for most_fields).
// A builder returns null when the text analyzes to nothing on every field (the clause is dropped,
// as Lucene drops a null clause).
import { analyze } from './analyzer.js';
import type { FieldRef, Fuzziness, Operator, Query } from './ast.js';
import { bool, combineFields } from './ast-util.js';
import { matchNone, type WeightedField } from './fields.js';
import { buildExists, buildFuzzy, buildPattern, buildRange, buildTerm, type FuzzyOptions, type PatternKind } from './leaf-builders.js';
import { buildMatch, defaultMatchOptions, type MatchKind } from './match-builders.js';
import type { Site } from './parse-context.js';
import type { Zone } from './time-zone.js';

export interface TextSettings {
  readonly site: Site;
  /** How one piece of text over several fields is combined. */
  readonly combine: 'dis_max' | 'should';
  readonly tieBreaker: number;
  /** Operator inside one field's match (Elasticsearch uses default_operator for query_string). */
  readonly operator: Operator;
  readonly lenient: boolean;
  readonly fuzzy: FuzzyOptions;
  readonly zone?: Zone | undefined;
  /** query_string's quote_field_suffix: phrases go to `<field><suffix>` when that field exists. */
  readonly quoteFieldSuffix?: string | undefined;
}

/** Text fields index lower-cased tokens, so patterns against them are lower-cased (Lucene's `Analyzer.normalize`). */
function normalizeFor(field: FieldRef, term: string): string {
  return field.def.type === 'text' ? term.toLowerCase() : term;
}

type PerField = (wf: WeightedField, lenient: boolean) => Query | null;

function overFields(s: TextSettings, fields: readonly WeightedField[], build: PerField): Query | null {
  // No field at all (a pattern matched nothing): Elasticsearch's "unmapped field" query matches nothing.
  if (fields.length === 0) return matchNone(1);
  const queries = fields.map((wf) => build(wf, s.lenient || wf.fromPattern)).filter((q): q is Query => q !== null);
  return queries.length === 0 ? null : combineFields(queries, s.combine, s.tieBreaker, 1);
}

function matchLike(kind: MatchKind, s: TextSettings, fields: readonly WeightedField[], text: string, slop = 0): Query | null {
  return overFields(s, fields, (wf, lenient) => {
    if (wf.field.def.type === 'text' && analyze(text).length === 0) return null;
    const o = { ...defaultMatchOptions, operator: s.operator, slop, lenient, boost: wf.boost };
    return buildMatch(kind, s.site, wf.field, text, o);
  });
}

export function textQuery(s: TextSettings, fields: readonly WeightedField[], text: string): Query | null {
  return matchLike('match', s, fields, text);
}

export function phraseQuery(s: TextSettings, fields: readonly WeightedField[], text: string, slop: number): Query | null {
  const suffix = s.quoteFieldSuffix;
  const quoted = suffix ? fields.map((wf) => {
    const def = s.site.ctx.mapping.byPath.get(wf.field.path + suffix);
    return def ? { ...wf, field: { path: def.path, def } } : wf;
  }) : fields;
  return matchLike('match_phrase', s, quoted, text, slop);
}

export function patternQuery(kind: PatternKind, s: TextSettings, fields: readonly WeightedField[], text: string): Query | null {
  return overFields(s, fields, (wf, lenient) =>
    buildPattern(kind, s.site, wf.field, normalizeFor(wf.field, text), wf.boost, false, lenient));
}

/**
 * A prefix term with analyze_wildcard, as Elasticsearch's query_string builds it: on a text field
 * the text is analyzed; one token is a prefix, several are a bool whose last token is a prefix
 * and the others terms, each clause required under default_operator AND, optional under OR
 * (`data-eng*`: data OR eng*). No token: the clause is dropped. Other fields as without it.
 */
export function analyzedPrefixQuery(s: TextSettings, fields: readonly WeightedField[], text: string, and: boolean): Query | null {
  return overFields(s, fields, (wf, lenient) => {
    if (wf.field.def.type !== 'text') return buildPattern('prefix', s.site, wf.field, text, wf.boost, false, lenient);
    const tokens = analyze(text);
    if (tokens.length === 0) return null;
    const last = tokens.length - 1;
    if (last === 0) return buildPattern('prefix', s.site, wf.field, tokens[0]!, wf.boost, false, lenient);
    const parts = tokens.map((t, i) => (i === last ? buildPattern('prefix', s.site, wf.field, t, 1, false, lenient) : buildTerm(s.site, wf.field, t, 1, false, lenient)));
    return bool(and ? { must: parts, boost: wf.boost } : { should: parts, boost: wf.boost });
  });
}

/**
 * A wildcard term with analyze_wildcard, as Elasticsearch's query_string builds it: on a text
 * field each run of characters between wildcards is replaced by the first token it analyzes to
 * (kept as written when it has none), the wildcards stay (`Data-Eng*r`: `data*r`). A pattern with
 * an escaped character stays unanalyzed (its runs cannot be told apart from the wildcards).
 */
export function analyzedWildcardQuery(s: TextSettings, fields: readonly WeightedField[], pattern: string): Query | null {
  return overFields(s, fields, (wf, lenient) => {
    const analyzed = wf.field.def.type === 'text' && !pattern.includes('\\') ? firstTokens(pattern) : normalizeFor(wf.field, pattern);
    return buildPattern('wildcard', s.site, wf.field, analyzed, wf.boost, false, lenient);
  });
}

/** Each run between `*` and `?` replaced by its first token (or kept when it has none). */
function firstTokens(pattern: string): string {
  return pattern.replace(/[^*?]+/g, (run) => analyze(run)[0] ?? run);
}

export function fuzzyQuery(s: TextSettings, fields: readonly WeightedField[], text: string, fuzziness: Fuzziness): Query | null {
  return overFields(s, fields, (wf, lenient) =>
    buildFuzzy(s.site, wf.field, normalizeFor(wf.field, text), { ...s.fuzzy, fuzziness }, wf.boost, lenient));
}

export function rangeQuery(s: TextSettings, fields: readonly WeightedField[], lower: string | null, upper: string | null,
  includeLower: boolean, includeUpper: boolean): Query | null {
  return overFields(s, fields, (wf, lenient) => {
    const norm = (v: string | null): string | null => (v === null ? null : normalizeFor(wf.field, v));
    const bounds = { from: norm(lower), to: norm(upper), includeLower, includeUpper };
    return buildRange(s.site, wf.field, bounds, wf.boost, { now: s.site.ctx.now, zone: s.zone }, lenient);
  });
}

export function existsQuery(s: TextSettings, fields: readonly WeightedField[]): Query | null {
  return overFields(s, fields, (wf) => buildExists(s.site, wf.field, wf.boost));
}
