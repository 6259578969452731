// Term-level pattern helpers shared by the reference evaluator: wildcard and Lucene regular
// expressions turned into anchored JavaScript regular expressions, bounded edit distance for
// fuzzy matching, and Elasticsearch's minimum_should_match arithmetic.
import type { Fuzziness, MinimumShouldMatch } from '../ast.js';

const regexSpecial = /[.*+?^${}()|[\]\\/]/g;

/** Lucene wildcard (`*`, `?`, `\` escapes) → anchored RegExp. */
export function wildcardToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) out += pattern[++i]!.replace(regexSpecial, '\\$&');
    else if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else out += c.replace(regexSpecial, '\\$&');
  }
  return new RegExp(`^(?:${out})$`, caseInsensitive ? 'iu' : 'u');
}

/**
 * Lucene regular expression → anchored RegExp. Supported: the common syntax (`. ? + * | {n,m}
 * [...] ( )`), quoted literals `"..."`, `@` (any string) and `#` (empty language). The optional
 * complement `~` and intersection `&` operators are refused by the parser.
 *
 * Lucene lets a repetition follow a repetition (`a**`, `a{2}{3}`) and repeats a quoted literal as
 * one atom (`"ab"*`); JavaScript refuses the first ("nothing to repeat") and would repeat only the
 * last letter of the second, so each atom is tracked and a stacked repetition wraps what it
 * repeats in a group: `(?:a*)*`, `(?:a{2}){3}`, `(?:ab)*`.
 */
export function luceneRegexpToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let out = '';
  /** Where in `out` the last atom (with its repetitions so far) starts; -1: none. */
  let atom = -1;
  let repeated = false;
  const groups: number[] = [];
  const emitAtom = (text: string): void => {
    atom = out.length;
    repeated = false;
    out += text;
  };
  const emitRepeat = (text: string): void => {
    if (atom >= 0 && repeated) out = `${out.slice(0, atom)}(?:${out.slice(atom)})`;
    out += text;
    repeated = true;
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      emitAtom(pattern[++i]!.replace(regexSpecial, '\\$&'));
    } else if (c === '"') {
      const end = pattern.indexOf('"', i + 1);
      const literal = end === -1 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      emitAtom(`(?:${literal.replace(regexSpecial, '\\$&')})`);
      i = end === -1 ? pattern.length : end;
    } else if (c === '[') {
      // A `]` first in a class is a literal in Lucene; JavaScript needs it escaped.
      let end = i + 1;
      let head = '[';
      if (pattern[end] === '^') { head += '^'; end++; }
      if (pattern[end] === ']') { head += '\\]'; end++; }
      // `\x` is the letter x in Lucene; in a JavaScript class only syntax characters may be escaped.
      let body = '';
      while (end < pattern.length && pattern[end] !== ']') {
        if (pattern[end] === '\\' && end + 1 < pattern.length) {
          const x = pattern[end + 1]!;
          body += /[\^$\\.*+?()[\]{}|\/-]/.test(x) ? `\\${x}` : x;
          end += 2;
        } else body += pattern[end++]!;
      }
      emitAtom(`${head}${body}]`);
      i = end;
    } else if (c === '(') {
      groups.push(out.length);
      out += '(?:';
      atom = -1;
    } else if (c === ')') {
      const start = groups.pop() ?? 0;
      out += ')';
      atom = start;
      repeated = false;
    } else if (c === '*' || c === '+' || c === '?') emitRepeat(c);
    else if (c === '{') {
      const end = pattern.indexOf('}', i);
      emitRepeat(end === -1 ? '\\{' : pattern.slice(i, end + 1));
      if (end !== -1) i = end;
    } else if (c === '|') {
      out += '|';
      atom = -1;
    } else if (c === '@') emitAtom('(?:[\\s\\S]*)');
    else if (c === '#') emitAtom('(?!)');
    else if (c === '.') emitAtom('[\\s\\S]');
    else if (c === '^' || c === '$' || c === '/' || c === '}' || c === ']') emitAtom(`\\${c}`);
    else emitAtom(c);
  }
  return new RegExp(`^(?:${out})$`, caseInsensitive ? 'iu' : 'u');
}

/** Elasticsearch's AUTO fuzziness: 0 edits up to 2 characters, 1 up to 5, else 2. */
export function maxEdits(fuzziness: Fuzziness, term: string): number {
  if (typeof fuzziness === 'number') return fuzziness;
  const [low, high] = fuzziness === 'AUTO' ? [3, 6] : [fuzziness.low, fuzziness.high];
  const n = [...term].length;
  return n < low ? 0 : n < high ? 1 : 2;
}

/** Edit distance (with adjacent transpositions when asked) if it is at most `max`, else max + 1. */
export function boundedEditDistance(a: string, b: string, max: number, transpositions: boolean): number {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (transpositions && i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      row.push(v);
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return Math.min(prev[y.length]!, max + 1);
}

function oneSpec(spec: string, total: number): number {
  const s = spec.trim();
  if (s.endsWith('%')) {
    const pct = Number(s.slice(0, -1));
    const n = Math.floor((total * Math.abs(pct)) / 100);
    return pct < 0 ? total - n : n;
  }
  const n = Number(s);
  return n < 0 ? total + n : n;
}

/** How many of `total` optional clauses must match, per Elasticsearch's minimum_should_match rules. */
export function requiredShould(spec: MinimumShouldMatch, total: number): number {
  if (typeof spec === 'number') return Math.max(0, spec < 0 ? total + spec : spec);
  const parts = spec.trim().split(/\s+/);
  if (parts.some((p) => p.includes('<'))) {
    // "3<90%": up to 3 clauses all are required; above that the spec after '<' applies.
    let result = total;
    for (const part of parts) {
      const [bound, rule] = part.split('<') as [string, string];
      if (total > Number(bound)) result = oneSpec(rule, total);
    }
    return Math.max(0, result);
  }
  return Math.max(0, oneSpec(spec, total));
}
