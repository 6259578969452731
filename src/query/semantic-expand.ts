// semantic_search (spec current/ §4.3): before the query runs, every job-title clause whose value
// is a title of the synonym table is widened with the titles it lists at or above the threshold,
// each boosted by its confidence, so the original title still ranks first. Rewritten at the level
// of the request body, then parsed and checked like any search:
//   {"match_phrase": {"experience.position_title": "Software Engineer"}}
//   → {"bool": {"should": [<the original>, {"match_phrase": {"experience.position_title":
//        {"query": "Embedded Software Engineer", "boost": 0.83}}}], "minimum_should_match": 1}}
// `match`, `match_phrase` and `term` (on a title's `.exact` keyword) are widened; other query
// types are left as written (docs/compatibility.md).
import { titleKey, type SynonymTable } from '../datasets/synonyms.js';

type Json = Record<string, unknown>;

export interface InjectedSynonym {
  readonly field: string;
  readonly title: string;
  readonly synonym: string;
  readonly confidence: number;
  /** Whether the synonym clause carries its confidence as a boost (always, here). */
  readonly boosted: boolean;
}

const widened = new Set(['match', 'match_phrase', 'term']);

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function expandTitles(
  request: unknown,
  titleFields: ReadonlySet<string>,
  table: SynonymTable,
  threshold: number,
): { request: unknown; injected: InjectedSynonym[] } {
  const injected: InjectedSynonym[] = [];
  const leaf = (type: string, body: Json): Json | null => {
    const keys = Object.keys(body);
    if (keys.length !== 1) return null;
    const field = keys[0]!;
    const exact = field.endsWith('.exact');
    const base = exact ? field.slice(0, -'.exact'.length) : field;
    if (!titleFields.has(base) || exact !== (type === 'term')) return null;
    const spec = body[field];
    const valueKey = type === 'term' ? 'value' : 'query';
    const value = isObject(spec) ? spec[valueKey] : spec;
    if (typeof value !== 'string') return null;
    const synonyms = (table.get(titleKey(value)) ?? []).filter((s) => s.confidence >= threshold);
    if (synonyms.length === 0) return null;
    const rest = isObject(spec) ? spec : {};
    const boost = typeof rest['boost'] === 'number' ? rest['boost'] : 1;
    const clauses = synonyms.map((s) => {
      injected.push({ field, title: value, synonym: s.title, confidence: s.confidence, boosted: true });
      return { [type]: { [field]: { ...rest, [valueKey]: s.title, boost: Math.round(boost * s.confidence * 1e6) / 1e6 } } };
    });
    return { bool: { should: [{ [type]: body }, ...clauses], minimum_should_match: 1 } };
  };
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    const keys = Object.keys(node);
    if (keys.length === 1 && widened.has(keys[0]!) && isObject(node[keys[0]!])) {
      const out = leaf(keys[0]!, node[keys[0]!] as Json);
      if (out) return out;
    }
    return Object.fromEntries(keys.map((k) => [k, walk(node[k])]));
  };
  return { request: walk(request), injected };
}

/** The injected synonyms as a header value: JSON, non-ASCII escaped, at most `max` entries. */
export function synonymsHeader(injected: readonly InjectedSynonym[], max = 100): string {
  return JSON.stringify(injected.slice(0, max)).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
