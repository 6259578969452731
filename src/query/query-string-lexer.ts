// Tokenizer for Lucene's classic query syntax (query_string), following QueryParser.jj: the same
// token kinds, the same term characters, and JavaCC's longest-match rule (so `&&b` is a term but
// `&& b` is an operator). Syntax errors throw QsSyntaxError.

export class QsSyntaxError extends Error {}

export type TokKind =
  | 'AND' | 'OR' | 'NOT' | 'PLUS' | 'MINUS' | 'BAREOPER' | 'LPAREN' | 'RPAREN' | 'COLON' | 'CARAT' | 'NUMBER'
  | 'QUOTED' | 'TERM' | 'STAR' | 'PREFIXTERM' | 'WILDTERM' | 'REGEXPTERM' | 'FUZZY_SLOP' | 'RANGE' | 'EOF';

export interface RangeTok {
  readonly lower: string;
  readonly upper: string;
  readonly lowerQuoted: boolean;
  readonly upperQuoted: boolean;
  readonly includeLower: boolean;
  readonly includeUpper: boolean;
}

export interface Token {
  readonly kind: TokKind;
  /** The raw text (escapes kept; quotes and slashes included for QUOTED and REGEXPTERM). */
  readonly image: string;
  readonly range?: RangeTok;
}

const WS = new Set([' ', '\t', '\n', '\r', '\u3000']);
const NOT_TERM_START = new Set([...WS, '+', '-', '!', '(', ')', ':', '^', '[', ']', '"', '{', '}', '~', '*', '?', '\\', '/']);

const isWs = (c: string | undefined): boolean => c !== undefined && WS.has(c);

/** Reads a run of term characters (escapes and wildcards included) starting at `i`; returns its end. */
function termEnd(s: string, i: number): number {
  let j = i;
  while (j < s.length) {
    const c = s[j] as string;
    if (c === '\\') {
      if (j + 1 >= s.length) throw new QsSyntaxError('escape at end of query');
      j += 2;
    } else if (c === '*' || c === '?' || ((c === '-' || c === '+') && j > i) || !NOT_TERM_START.has(c)) {
      j += 1;
    } else {
      break;
    }
  }
  return j;
}

function classifyTerm(image: string): TokKind {
  if (image === 'AND' || image === '&&') return 'AND';
  if (image === 'OR' || image === '||') return 'OR';
  if (image === 'NOT') return 'NOT';
  if (image === '*') return 'STAR';
  const wild = image.replace(/\\./g, '').match(/[*?]/g) ?? [];
  if (wild.length === 0) return 'TERM';
  const prefix = wild.length === 1 && image.endsWith('*') && !image.endsWith('\\*') && !/^[*?]/.test(image);
  return prefix ? 'PREFIXTERM' : 'WILDTERM';
}

/** Reads `"..."` starting at `i` (the opening quote); returns the index after the closing quote. */
function quotedEnd(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j += 1) {
    if (s[j] === '\\') j += 1;
    else if (s[j] === '"') return j + 1;
  }
  throw new QsSyntaxError('unterminated quote');
}

function rangeBound(s: string, i: number): [string, boolean, number] {
  let j = i;
  while (isWs(s[j])) j += 1;
  if (s[j] === '"') {
    const end = quotedEnd(s, j);
    return [s.slice(j + 1, end - 1), true, end];
  }
  const start = j;
  while (j < s.length && !isWs(s[j]) && s[j] !== ']' && s[j] !== '}') j += 1;
  if (j === start) throw new QsSyntaxError('range bound expected');
  return [s.slice(start, j), false, j];
}

/** `[a TO b]`, `{a TO b}`, mixed brackets, `TO` optional as in Lucene's grammar. */
function readRange(s: string, i: number): [RangeTok, number] {
  const [lower, lowerQuoted, afterLower] = rangeBound(s, i + 1);
  let j = afterLower;
  let [upper, upperQuoted, afterUpper] = rangeBound(s, j);
  if (upper === 'TO' && !upperQuoted) [upper, upperQuoted, afterUpper] = rangeBound(s, afterUpper);
  j = afterUpper;
  while (isWs(s[j])) j += 1;
  if (s[j] !== ']' && s[j] !== '}') throw new QsSyntaxError('range end expected');
  return [{ lower, upper, lowerQuoted, upperQuoted, includeLower: s[i] === '[', includeUpper: s[j] === ']' }, j + 1];
}

function readRegexp(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j += 1) {
    if (s[j] === '\\') j += 1;
    else if (s[j] === '/') return j + 1;
  }
  throw new QsSyntaxError('unterminated regular expression');
}

/** The next token at `i` (whitespace already skipped) and the index after it. */
function next(s: string, i: number, afterCarat: boolean): [Token, number] {
  const c = s[i] as string;
  if (afterCarat) {
    const m = /^\d+(\.\d+)?/.exec(s.slice(i));
    if (!m) throw new QsSyntaxError('number expected after ^');
    return [{ kind: 'NUMBER', image: m[0] }, i + m[0].length];
  }
  const single: Record<string, TokKind> = { '(': 'LPAREN', ')': 'RPAREN', ':': 'COLON', '^': 'CARAT' };
  if (single[c]) return [{ kind: single[c] as TokKind, image: c }, i + 1];
  if (c === '+' || c === '-' || c === '!') {
    if (isWs(s[i + 1])) return [{ kind: 'BAREOPER', image: c }, i + 1];
    return [{ kind: c === '+' ? 'PLUS' : c === '-' ? 'MINUS' : 'NOT', image: c }, i + 1];
  }
  if (c === '"') {
    const end = quotedEnd(s, i);
    return [{ kind: 'QUOTED', image: s.slice(i, end) }, end];
  }
  if (c === '~') {
    const m = /^~(\d+(\.\d+)?)?/.exec(s.slice(i)) as RegExpExecArray;
    return [{ kind: 'FUZZY_SLOP', image: m[0] }, i + m[0].length];
  }
  if (c === '[' || c === '{') {
    const [range, end] = readRange(s, i);
    return [{ kind: 'RANGE', image: s.slice(i, end), range }, end];
  }
  if (c === '/') {
    const end = readRegexp(s, i);
    return [{ kind: 'REGEXPTERM', image: s.slice(i, end) }, end];
  }
  const end = termEnd(s, i);
  if (end === i) throw new QsSyntaxError(`unexpected character '${c}'`);
  const image = s.slice(i, end);
  return [{ kind: classifyTerm(image), image }, end];
}

export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  for (;;) {
    while (isWs(s[i])) i += 1;
    if (i >= s.length) break;
    const [tok, end] = next(s, i, out[out.length - 1]?.kind === 'CARAT');
    out.push(tok);
    i = end;
  }
  out.push({ kind: 'EOF', image: '' });
  return out;
}

/** Lucene's discardEscapeChar: `\x` becomes `x`, `\uXXXX` the character it names. */
export function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => (e.length === 5 ? String.fromCharCode(parseInt(e.slice(1), 16)) : e));
}
