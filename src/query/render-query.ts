// A compact, Lucene-like rendering of a parsed query, for logs, debugging and test assertions.
// It is one-way (never parsed back). Notation: `+` must, `#` filter, `-` must_not, bare = should;
// `field:match(text AND)`, `field:"phrase"~slop`, `field="term"`, `field in [...]`,
// `field:{gte 1, lt 2}`, `dismax(a | b)~tie`, `nested path[...]`, `^n` boost, `NONE` match_none.
import type { Query } from './ast.js';

function list(parts: readonly string[]): string {
  return parts.join(' ');
}

export function renderQuery(q: Query): string {
  const b = q.boost !== 1 ? `^${q.boost}` : '';
  switch (q.kind) {
    case 'match_all': return `*${b}`;
    case 'match_none': return `NONE${b}`;
    case 'bool': {
      const parts = [...q.must.map((c) => `+${renderQuery(c)}`), ...q.filter.map((c) => `#${renderQuery(c)}`),
        ...q.should.map(renderQuery), ...q.mustNot.map((c) => `-${renderQuery(c)}`)];
      return `(${list(parts)})${q.minimumShouldMatch !== null ? `~${q.minimumShouldMatch}` : ''}${b}`;
    }
    case 'dis_max': return `dismax(${q.queries.map(renderQuery).join(' | ')})${q.tieBreaker ? `~${q.tieBreaker}` : ''}${b}`;
    case 'term': return `${q.field.path}=${JSON.stringify(q.value)}${q.caseInsensitive ? 'i' : ''}${b}`;
    case 'terms': return `${q.field.path} in ${JSON.stringify(q.values)}${b}`;
    case 'ids': return `ids${JSON.stringify(q.values)}${b}`;
    case 'range': {
      const bounds = (['gt', 'gte', 'lt', 'lte'] as const).filter((k) => q[k] !== undefined).map((k) => `${k} ${JSON.stringify(q[k])}`);
      return `${q.field.path}:{${bounds.join(', ')}}${b}`;
    }
    case 'exists': return `exists(${q.field.path})${b}`;
    case 'prefix': return `${q.field.path}:prefix(${q.value})${q.caseInsensitive ? 'i' : ''}${b}`;
    case 'wildcard': return `${q.field.path}:wildcard(${q.pattern})${q.caseInsensitive ? 'i' : ''}${b}`;
    case 'regexp': return `${q.field.path}:/${q.pattern}/${q.caseInsensitive ? 'i' : ''}${b}`;
    case 'fuzzy': {
      const f = typeof q.fuzziness === 'object' ? `AUTO:${q.fuzziness.low},${q.fuzziness.high}` : String(q.fuzziness);
      return `${q.field.path}:fuzzy(${q.value}~${f})${b}`;
    }
    case 'match': {
      const extra = [q.operator === 'and' ? 'AND' : '', q.minimumShouldMatch !== null ? `msm=${q.minimumShouldMatch}` : '',
        q.fuzziness !== null ? `~${typeof q.fuzziness === 'object' ? 'AUTO' : q.fuzziness}` : ''].filter(Boolean);
      return `${q.field.path}:match(${[q.text, ...extra].join(' ')})${b}`;
    }
    case 'match_phrase': return `${q.field.path}:"${q.text}"${q.slop ? `~${q.slop}` : ''}${b}`;
    case 'match_phrase_prefix': return `${q.field.path}:"${q.text}*"${q.slop ? `~${q.slop}` : ''}${b}`;
    case 'match_bool_prefix': return `${q.field.path}:bool_prefix(${q.text}${q.operator === 'and' ? ' AND' : ''})${b}`;
    case 'nested': return `nested ${q.path}[${renderQuery(q.query)}]${q.scoreMode !== 'avg' ? q.scoreMode : ''}${b}`;
    case 'constant_score': return `constant(${renderQuery(q.filter)})${b}`;
    case 'boosting': return `boosting(${renderQuery(q.positive)}, ${renderQuery(q.negative)}, ${q.negativeBoost})${b}`;
  }
}
