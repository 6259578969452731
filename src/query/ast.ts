// The query AST: what an Elasticsearch DSL request means, validated against a dataset mapping,
// independent of any database. Nodes are plain frozen objects tagged by `kind`; compilers (one
// per store dialect) turn them into SQL. Compound DSL forms that are sugar (multi_match,
// query_string, simple_query_string) are parsed into these same nodes, never kept as text.
import type { FieldDef } from '../datasets/mapping.js';

/** A field as the query names it, resolved against the mapping. */
export interface FieldRef {
  /** Full path as written, e.g. `experience.title.exact`. */
  readonly path: string;
  /** The mapping definition (for a sub-field such as `.exact`, the sub-field's own definition). */
  readonly def: FieldDef;
}

/** A bound of a range, already typed: numbers and dates (epoch ms) as number, keywords as string. */
export type RangeValue = number | string;

export type Scalar = string | number | boolean;

/** `minimum_should_match` as Elasticsearch accepts it: 2, -1, "75%", "-25%", "3<90%". */
export type MinimumShouldMatch = string | number;

export type Fuzziness = 'AUTO' | 0 | 1 | 2 | { readonly auto: true; readonly low: number; readonly high: number };

export type Operator = 'or' | 'and';

interface Node {
  /** Elasticsearch `boost`, default 1. */
  readonly boost: number;
}

export interface MatchAll extends Node { readonly kind: 'match_all' }
export interface MatchNone extends Node { readonly kind: 'match_none' }

export interface Bool extends Node {
  readonly kind: 'bool';
  readonly must: readonly Query[];
  readonly filter: readonly Query[];
  readonly should: readonly Query[];
  readonly mustNot: readonly Query[];
  /** As written; null = Elasticsearch's default (1 when there is no must/filter, else 0). */
  readonly minimumShouldMatch: MinimumShouldMatch | null;
}

export interface Term extends Node {
  readonly kind: 'term';
  readonly field: FieldRef;
  readonly value: Scalar;
  readonly caseInsensitive: boolean;
}

export interface Terms extends Node {
  readonly kind: 'terms';
  readonly field: FieldRef;
  readonly values: readonly Scalar[];
}

export interface Ids extends Node {
  readonly kind: 'ids';
  readonly values: readonly number[];
}

export interface Range extends Node {
  readonly kind: 'range';
  readonly field: FieldRef;
  readonly gt?: RangeValue;
  readonly gte?: RangeValue;
  readonly lt?: RangeValue;
  readonly lte?: RangeValue;
}

export interface Exists extends Node {
  readonly kind: 'exists';
  readonly field: FieldRef;
}

export interface Prefix extends Node {
  readonly kind: 'prefix';
  readonly field: FieldRef;
  readonly value: string;
  readonly caseInsensitive: boolean;
}

export interface Wildcard extends Node {
  readonly kind: 'wildcard';
  readonly field: FieldRef;
  /** Lucene wildcard pattern: `*` any run, `?` one character, `\` escapes. */
  readonly pattern: string;
  readonly caseInsensitive: boolean;
}

export interface Regexp extends Node {
  readonly kind: 'regexp';
  readonly field: FieldRef;
  /** Lucene regular expression (anchored to the whole term). */
  readonly pattern: string;
  readonly caseInsensitive: boolean;
}

export interface Fuzzy extends Node {
  readonly kind: 'fuzzy';
  readonly field: FieldRef;
  readonly value: string;
  readonly fuzziness: Fuzziness;
  readonly prefixLength: number;
  readonly maxExpansions: number;
  readonly transpositions: boolean;
}

export interface Match extends Node {
  readonly kind: 'match';
  readonly field: FieldRef;
  readonly text: string;
  readonly operator: Operator;
  readonly minimumShouldMatch: MinimumShouldMatch | null;
  readonly fuzziness: Fuzziness | null;
  readonly prefixLength: number;
  readonly maxExpansions: number;
  /** `fuzzy_transpositions`: a swap of two adjacent characters is one edit. */
  readonly transpositions: boolean;
  /** `zero_terms_query`: what a query that analyzes to no tokens matches. */
  readonly zeroTermsQuery: 'none' | 'all';
}

export interface MatchPhrase extends Node {
  readonly kind: 'match_phrase';
  readonly field: FieldRef;
  readonly text: string;
  readonly slop: number;
  readonly zeroTermsQuery: 'none' | 'all';
}

export interface MatchPhrasePrefix extends Node {
  readonly kind: 'match_phrase_prefix';
  readonly field: FieldRef;
  readonly text: string;
  readonly slop: number;
  readonly maxExpansions: number;
}

export interface MatchBoolPrefix extends Node {
  readonly kind: 'match_bool_prefix';
  readonly field: FieldRef;
  readonly text: string;
  readonly operator: Operator;
  readonly minimumShouldMatch: MinimumShouldMatch | null;
  /** Fuzziness of every word but the last (the last is a prefix). */
  readonly fuzziness: Fuzziness | null;
  readonly prefixLength: number;
  readonly maxExpansions: number;
  readonly transpositions: boolean;
}

export interface Nested extends Node {
  readonly kind: 'nested';
  readonly path: string;
  readonly query: Query;
  readonly scoreMode: 'avg' | 'sum' | 'max' | 'min' | 'none';
}

export interface ConstantScore extends Node {
  readonly kind: 'constant_score';
  readonly filter: Query;
}

export interface DisMax extends Node {
  readonly kind: 'dis_max';
  readonly queries: readonly Query[];
  readonly tieBreaker: number;
}

export interface Boosting extends Node {
  readonly kind: 'boosting';
  readonly positive: Query;
  readonly negative: Query;
  readonly negativeBoost: number;
}

export type Query =
  | MatchAll | MatchNone | Bool | Term | Terms | Ids | Range | Exists | Prefix | Wildcard | Regexp | Fuzzy
  | Match | MatchPhrase | MatchPhrasePrefix | MatchBoolPrefix | Nested | ConstantScore | DisMax | Boosting;

export type SortKey = 'default' | 'id' | 'score';

/** A whole search request: the query plus the order results come back in. */
export interface SearchRequest {
  readonly query: Query;
  readonly sort: SortKey;
}
