// Full-text leaves (match, match_phrase, match_phrase_prefix, match_bool_prefix) on one field.
// On a field that is not `text` Elasticsearch does not analyze the query: a keyword gets the
// whole text as one term, a number or date gets a typed term; the same happens here.
import type { FieldRef, Fuzziness, MinimumShouldMatch, Operator, Query } from './ast.js';
import { scoped } from './fields.js';
import { buildFuzzy, buildPattern, buildTerm, defaultFuzzy } from './leaf-builders.js';
import type { Site } from './parse-context.js';

export type MatchKind = 'match' | 'match_phrase' | 'match_phrase_prefix' | 'match_bool_prefix';

export interface MatchOptions {
  readonly operator: Operator;
  readonly minimumShouldMatch: MinimumShouldMatch | null;
  readonly fuzziness: Fuzziness | null;
  readonly prefixLength: number;
  readonly maxExpansions: number;
  readonly transpositions: boolean;
  readonly zeroTermsQuery: 'none' | 'all';
  readonly slop: number;
  /** Values the field's type cannot hold match nothing instead of failing. */
  readonly lenient: boolean;
  readonly boost: number;
}

export const defaultMatchOptions: MatchOptions = {
  operator: 'or', minimumShouldMatch: null, fuzziness: null, prefixLength: 0, maxExpansions: 50, transpositions: true,
  zeroTermsQuery: 'none', slop: 0, lenient: false, boost: 1,
};

function textQuery(kind: MatchKind, field: FieldRef, text: string, o: MatchOptions): Query {
  const boost = o.boost;
  switch (kind) {
    case 'match':
      return { kind, field, text, operator: o.operator, minimumShouldMatch: o.minimumShouldMatch, fuzziness: o.fuzziness,
        prefixLength: o.prefixLength, maxExpansions: o.maxExpansions, transpositions: o.transpositions, zeroTermsQuery: o.zeroTermsQuery, boost };
    case 'match_phrase':
      return { kind, field, text, slop: o.slop, zeroTermsQuery: o.zeroTermsQuery, boost };
    case 'match_phrase_prefix':
      return { kind, field, text, slop: o.slop, maxExpansions: o.maxExpansions, boost };
    case 'match_bool_prefix':
      return { kind, field, text, operator: o.operator, minimumShouldMatch: o.minimumShouldMatch, fuzziness: o.fuzziness,
        prefixLength: o.prefixLength, maxExpansions: o.maxExpansions, transpositions: o.transpositions, boost };
  }
}

/** One full-text leaf on one field (already resolved). */
export function buildMatch(kind: MatchKind, site: Site, field: FieldRef, text: string, o: MatchOptions): Query {
  if (field.def.type === 'text') return scoped(site, field, textQuery(kind, field, text, o));
  if (field.def.type === 'keyword') {
    if ((kind === 'match_phrase_prefix' || kind === 'match_bool_prefix') && text !== '') {
      return buildPattern('prefix', site, field, text, o.boost);
    }
    if (kind === 'match' && o.fuzziness !== null) {
      const fuzzy = { ...defaultFuzzy, fuzziness: o.fuzziness, prefixLength: o.prefixLength, maxExpansions: o.maxExpansions,
        transpositions: o.transpositions };
      return buildFuzzy(site, field, text, fuzzy, o.boost);
    }
  }
  return buildTerm(site, field, text, o.boost, false, o.lenient);
}
