// Turns a parsed Lucene query (query-string-parser.ts) into AST nodes, combining clauses with
// Lucene's own rules (QueryParserBase.addClause): `AND` makes the previous clause required, `OR`
// under default_operator AND makes it optional, `+`/`-`/`NOT` set the clause's own occurrence.
import type { Fuzziness, Query } from './ast.js';
import { bool, withBoost } from './ast-util.js';
import { expandField, resolveField, type WeightedField } from './fields.js';
import { QsSyntaxError, unescape } from './query-string-lexer.js';
import type { Conj, Mods, QsClause, QsGroup, QsPhrase, QsRange, QsTerm } from './query-string-parser.js';
import {
  analyzedPrefixQuery, analyzedWildcardQuery, existsQuery, fuzzyQuery, patternQuery, phraseQuery, rangeQuery, textQuery, type TextSettings,
} from './text-queries.js';

export interface QsOptions {
  readonly text: TextSettings;
  /** Fields for words without `field:` (default_field or fields, expanded). */
  readonly defaults: readonly WeightedField[];
  /** default_field as written when it is one plain field (enables `>=10` shorthand ranges). */
  readonly defaultName: string | null;
  readonly and: boolean;
  readonly allowLeadingWildcard: boolean;
  /** analyze_wildcard: prefix and wildcard terms on text fields go through the field's analyzer. */
  readonly analyzeWildcard: boolean;
  readonly fuzziness: Fuzziness;
  readonly phraseSlop: number;
}

type Occur = 'must' | 'should' | 'must_not';
interface Clause { occur: Occur; readonly q: Query }

function addClause(clauses: Clause[], conj: Conj, mods: Mods, q: Query | null, and: boolean): void {
  const last = clauses[clauses.length - 1];
  if (last && conj === 'and' && last.occur !== 'must_not') last.occur = 'must';
  if (last && and && conj === 'or' && last.occur !== 'must_not') last.occur = 'should';
  if (q === null) return;
  const prohibited = mods === 'not';
  const required = and ? !prohibited && conj !== 'or' : mods === 'req' || (conj === 'and' && !prohibited);
  clauses.push({ occur: prohibited ? 'must_not' : required ? 'must' : 'should', q });
}

/** `~N` on a word: an edit distance (capped at 2, as Elasticsearch does); bare `~` uses `fuzziness`. */
function editDistance(slop: string, fallback: Fuzziness): Fuzziness {
  return slop === '' ? fallback : (Math.min(2, Math.floor(Number(slop))) as 0 | 1 | 2);
}

export class QsConverter {
  constructor(private readonly o: QsOptions) {}

  group(g: QsGroup): Query | null {
    const clauses: Clause[] = [];
    let first: Query | null = null;
    for (const [i, item] of g.items.entries()) {
      const q = this.clause(item.clause);
      if (item.clause.t === 'multi') {
        // Lucene's addMultiTermClauses: the run joins with the default operator, no conjunction rules.
        if (q) clauses.push({ occur: this.o.and ? 'must' : 'should', q });
      } else {
        addClause(clauses, item.conj, item.mods, q, this.o.and);
      }
      if (i === 0 && item.mods === 'none') first = q;
    }
    let result: Query | null;
    if (clauses.length === 1 && first !== null) result = first;
    else if (clauses.length === 0) result = null;
    else {
      const pick = (occur: Occur): Query[] => clauses.filter((c) => c.occur === occur).map((c) => c.q);
      result = bool({ must: pick('must'), should: pick('should'), mustNot: pick('must_not') });
    }
    return result === null ? null : withBoost(result, g.boost);
  }

  private clause(c: QsClause): Query | null {
    switch (c.t) {
      case 'group': return this.group(c);
      case 'multi': return textQuery(this.o.text, this.fields(c.field), c.text);
      case 'phrase': return this.phrase(c);
      case 'range': return this.range(c);
      case 'term': return this.term(c);
    }
  }

  private fields(name: string | null): readonly WeightedField[] {
    return name === null ? this.o.defaults : expandField(this.o.text.site, name, 1, 'query_string');
  }

  private phrase(c: QsPhrase): Query | null {
    const slop = c.slop === null || c.slop === '' ? this.o.phraseSlop : Math.floor(Number(c.slop));
    const q = phraseQuery(this.o.text, this.fields(c.field), c.text, slop);
    return q && withBoost(q, c.boost);
  }

  private range(c: QsRange): Query | null {
    const r = c.range;
    const bound = (v: string, quoted: boolean): string | null => {
      const text = quoted ? v : unescape(v);
      return text === '*' ? null : text;
    };
    const q = rangeQuery(this.o.text, this.fields(c.field), bound(r.lower, r.lowerQuoted), bound(r.upper, r.upperQuoted),
      r.includeLower, r.includeUpper);
    return q && withBoost(q, c.boost);
  }

  /** `field:>=10`, `field:<2020-01-01`: only with an explicit field or a single default field, as in Elasticsearch. */
  private shorthandRange(c: QsTerm): Query | null {
    const m = /^(>=|<=|>|<)(.+)$/s.exec(unescape(c.image));
    const fieldName = c.field ?? this.o.defaultName;
    if (!m || c.fuzzy !== null || fieldName === null || fieldName.includes('*')) return null;
    const op = m[1] as string;
    const value = m[2] as string;
    const lower = op.startsWith('>') ? value : null;
    const upper = op.startsWith('<') ? value : null;
    return rangeQuery(this.o.text, this.fields(fieldName), lower, upper, op === '>=', op === '<=');
  }

  private existsOn(name: string): Query | null {
    const site = this.o.text.site;
    const fields = name.includes('*') ? expandField(site, name, 1, 'exists')
      : [{ field: resolveField(site, name, 'exists', true), boost: 1, fromPattern: false }];
    return existsQuery(this.o.text, fields);
  }

  private term(c: QsTerm): Query | null {
    const q = this.termQuery(c);
    return q && withBoost(q, c.boost);
  }

  private termQuery(c: QsTerm): Query | null {
    const s = this.o.text;
    if (c.field === '_exists_') return this.existsOn(unescape(c.image));
    if (c.kind === 'term') {
      const range = this.shorthandRange(c);
      if (range) return range;
      const text = unescape(c.image);
      return c.fuzzy === null ? textQuery(s, this.fields(c.field), text)
        : fuzzyQuery(s, this.fields(c.field), text, editDistance(c.fuzzy, this.o.fuzziness));
    }
    if (c.kind === 'star') {
      // `*` alone: every document when the field is `*`, else "the field has a value".
      if ((c.field ?? this.o.defaultName) === '*') return { kind: 'match_all', boost: 1 };
      return existsQuery(s, this.fields(c.field));
    }
    if (c.kind === 'regexp') return patternQuery('regexp', s, this.fields(c.field), c.image);
    if (!this.o.allowLeadingWildcard && /^[*?]/.test(c.image)) {
      throw new QsSyntaxError("'*' or '?' not allowed as first character in WildcardQuery");
    }
    if (c.kind === 'prefix') {
      const text = unescape(c.image.slice(0, -1));
      return this.o.analyzeWildcard ? analyzedPrefixQuery(s, this.fields(c.field), text, this.o.and) : patternQuery('prefix', s, this.fields(c.field), text);
    }
    return this.o.analyzeWildcard ? analyzedWildcardQuery(s, this.fields(c.field), c.image) : patternQuery('wildcard', s, this.fields(c.field), c.image);
  }
}
