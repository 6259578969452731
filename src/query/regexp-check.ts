// A syntax check for Lucene regular expressions (the `regexp` query and `/.../` in query_string),
// so a broken pattern is a 400 at parse time rather than a failure in whichever store runs it.
// It checks structure only: balanced groups, closed classes and strings, well-formed repeats.

function closeClass(p: string, from: number): number {
  let i = from + 1;
  if (p[i] === '^') i += 1;
  if (p[i] === ']') i += 1;
  for (; i < p.length; i += 1) {
    if (p[i] === '\\') i += 1;
    else if (p[i] === ']') return i;
  }
  return -1;
}

/** Returns a description of the first problem, or null when the pattern is well formed. */
export function checkRegexp(p: string): string | null {
  let depth = 0;
  let atomBefore = false;
  for (let i = 0; i < p.length; i += 1) {
    const c = p[i];
    if (c === '\\') {
      if (i + 1 >= p.length) return `illegal escape at position ${i}`;
      i += 1;
      atomBefore = true;
    } else if (c === '[') {
      const end = closeClass(p, i);
      if (end < 0) return `expected ']' at position ${p.length}`;
      i = end;
      atomBefore = true;
    } else if (c === '"') {
      const end = p.indexOf('"', i + 1);
      if (end < 0) return `expected '"' at position ${p.length}`;
      i = end;
      atomBefore = true;
    } else if (c === '<') {
      const end = p.indexOf('>', i + 1);
      if (end < 0) return `expected '>' at position ${p.length}`;
      i = end;
      atomBefore = true;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
      if (!m || !atomBefore) return `illegal repetition at position ${i}`;
      if (m[3] && Number(m[3]) < Number(m[1])) return `illegal repetition range at position ${i}`;
      i += m[0].length - 1;
    } else if (c === '(') {
      depth += 1;
      atomBefore = false;
    } else if (c === ')') {
      if (depth === 0) return `unexpected ')' at position ${i}`;
      depth -= 1;
      atomBefore = true;
    } else if (c === '*' || c === '+' || c === '?') {
      if (!atomBefore) return `illegal repetition at position ${i}`;
    } else {
      atomBefore = c !== '|' && c !== '&' && c !== '~';
    }
  }
  return depth > 0 ? `expected ')' at position ${p.length}` : null;
}

/** Elasticsearch's default `max_determinized_states` for regexp queries. */
export const defaultMaxDeterminizedStates = 10_000;

/**
 * The number of states the pattern's automaton has once its counted repetitions are written out
 * (`x{3}` is three copies of x, `(ab){2}{3}` twelve letters), for a well-formed pattern. Lucene
 * refuses a pattern whose determinized automaton passes `max_determinized_states`; this bounds
 * the same blow-up (counted repetitions multiply) without determinizing.
 */
export function regexpStates(p: string): number {
  let i = 0;
  const alternation = (): number => {
    let total = sequence();
    while (p[i] === '|' || p[i] === '&') {
      i += 1;
      total += sequence();
    }
    return total;
  };
  const sequence = (): number => {
    let total = 0;
    while (i < p.length && p[i] !== '|' && p[i] !== '&' && p[i] !== ')') total += repeated();
    return total;
  };
  const repeated = (): number => {
    let size = atom();
    for (;;) {
      const c = p[i];
      if (c === '*' || c === '+' || c === '?') {
        i += 1;
        size += 1;
      } else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
        if (!m) return size;
        i += m[0].length;
        const copies = m[3] ? Number(m[3]) : Number(m[1]) + (m[2] ? 1 : 0);
        size *= Math.max(1, copies);
      } else return size;
    }
  };
  const atom = (): number => {
    const c = p[i];
    if (c === '(') {
      i += 1;
      const inner = alternation();
      i += 1; // ')'
      return inner + 1;
    }
    if (c === '~') {
      i += 1;
      return atom() + 1;
    }
    if (c === '\\') {
      i += 2;
      return 1;
    }
    if (c === '[') {
      const end = closeClass(p, i);
      i = end < 0 ? p.length : end + 1;
      return 1;
    }
    if (c === '"' || c === '<') {
      const end = p.indexOf(c === '"' ? '"' : '>', i + 1);
      const length = (end < 0 ? p.length : end) - i - 1;
      i = end < 0 ? p.length : end + 1;
      return Math.max(1, length);
    }
    i += 1;
    return 1;
  };
  let total = 0;
  while (i < p.length) {
    total += alternation();
    if (p[i] === ')') i += 1; // unbalanced: checkRegexp reports it first
  }
  return total;
}
