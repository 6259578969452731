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
