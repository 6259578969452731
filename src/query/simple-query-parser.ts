// A port of Lucene's SimpleQueryParser (the syntax of simple_query_string): `+` and, `|` or,
// `-` not, `"phrase"`, `"phrase"~N` slop, `word*` prefix, `word~N` fuzzy, `(...)` precedence,
// `\` escapes. Like Lucene it never fails: an unmatched quote or parenthesis is taken literally.
// Operators bind as Lucene binds them: a change of operator wraps everything so far.
import type { Query } from './ast.js';
import { bool } from './ast-util.js';

export const Flags = {
  AND: 1 << 0, NOT: 1 << 1, OR: 1 << 2, PREFIX: 1 << 3, PHRASE: 1 << 4, PRECEDENCE: 1 << 5, ESCAPE: 1 << 6,
  WHITESPACE: 1 << 7, FUZZY: 1 << 8, NEAR: 1 << 9, SLOP: 1 << 9, ALL: -1, NONE: 0,
} as const;

export interface SimpleBuilders {
  term(text: string): Query | null;
  phrase(text: string, slop: number): Query | null;
  prefix(text: string): Query | null;
  fuzzy(text: string, edits: 0 | 1 | 2): Query | null;
}

type Occur = 'must' | 'should';
/** A boolean level the parser is still growing (all clauses share one operator). */
interface Level { readonly op: Occur; readonly clauses: Node[] }
type Node = Query | Level;

interface State {
  readonly data: string;
  index: number;
  readonly end: number;
  top: Node | null;
  currentOp: Occur | null;
  previousOp: Occur | null;
  not: number;
  /** Parenthesis depth: deeper than MAX_DEPTH, a `(` is ignored like an unmatched one. */
  readonly depth: number;
}

const MAX_DEPTH = 100;

const WS = new Set([' ', '\t', '\n', '\r']);

function toQuery(n: Node): Query {
  if (!('op' in n)) return n;
  const clauses = n.clauses.map(toQuery);
  return n.op === 'must' ? bool({ must: clauses }) : bool({ should: clauses });
}

export class SimpleQueryParser {
  constructor(private readonly b: SimpleBuilders, private readonly flags: number, private readonly defaultOp: Occur) {}

  private on(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }

  /** Index of the `)` closing each `(`, found once so unmatched parentheses cost O(n), not O(n²). */
  private closeAt = new Map<number, number>();

  parse(text: string): Query | null {
    if (text.trim() === '*') return { kind: 'match_all', boost: 1 };
    this.closeAt = this.matchParentheses(text);
    const state: State = { data: text, index: 0, end: text.length, top: null, currentOp: null, previousOp: null, not: 0, depth: 0 };
    this.parseSub(state);
    return state.top === null ? null : toQuery(state.top);
  }

  private parseSub(s: State): void {
    while (s.index < s.end) {
      const c = s.data[s.index] as string;
      if (c === '(' && this.on(Flags.PRECEDENCE)) this.consumeSubQuery(s);
      else if (c === ')' && this.on(Flags.PRECEDENCE)) s.index += 1; // extraneous: ignored
      else if (c === '"' && this.on(Flags.PHRASE)) this.consumePhrase(s);
      else if ((c === '+' && this.on(Flags.AND)) || (c === '|' && this.on(Flags.OR))) {
        // An operator only counts between two clauses, and the first one given wins.
        if (s.currentOp === null && s.top !== null) s.currentOp = c === '+' ? 'must' : 'should';
        s.index += 1;
      } else if (c === '-' && this.on(Flags.NOT)) {
        s.not += 1; // two nots cancel out; keep counting, do not reset below
        s.index += 1;
        continue;
      } else if (WS.has(c) && this.on(Flags.WHITESPACE)) s.index += 1;
      else this.consumeToken(s);
      s.not = 0;
    }
  }

  /**
   * Pairs parentheses left to right, skipping escaped ones: the same pairs Lucene finds by
   * scanning forward from each `(` and counting depth (quotes do not hide parentheses there either).
   */
  private matchParentheses(text: string): Map<number, number> {
    const close = new Map<number, number>();
    const open: number[] = [];
    for (let i = 0; i < text.length; i += 1) {
      const c = text[i];
      if (c === '\\' && this.on(Flags.ESCAPE)) i += 1;
      else if (c === '(') open.push(i);
      else if (c === ')' && open.length > 0) close.set(open.pop() as number, i);
    }
    return close;
  }

  private consumeSubQuery(s: State): void {
    const close = this.closeAt.get(s.index);
    const start = ++s.index;
    if (close === undefined || close >= s.end || s.depth >= MAX_DEPTH) return; // never closed (or too deep): the parenthesis is ignored
    s.index = close;
    if (s.index === start) { s.currentOp = null; s.index += 1; } // "()"
    else {
      const sub: State = { data: s.data, index: start, end: s.index, top: null, currentOp: null, previousOp: null, not: 0, depth: s.depth + 1 };
      this.parseSub(sub);
      this.build(s, sub.top);
      s.index += 1;
    }
  }

  private consumePhrase(s: State): void {
    const start = ++s.index;
    let text = '';
    let escaped = false;
    let hasSlop = false;
    for (; s.index < s.end; s.index += 1) {
      const c = s.data[s.index] as string;
      if (!escaped && c === '\\' && this.on(Flags.ESCAPE)) { escaped = true; continue; }
      if (!escaped && c === '"') {
        if (s.index + 1 < s.end && s.data[s.index + 1] === '~' && this.on(Flags.NEAR)) {
          s.index += 1;
          hasSlop = s.index + 1 < s.end;
        }
        break;
      }
      escaped = false;
      text += c;
    }
    if (s.index === s.end) s.index = start; // never closed: the quote is ignored
    else if (s.index === start) { s.currentOp = null; s.index += 1; } // ""
    else {
      this.build(s, this.b.phrase(text, hasSlop ? this.parseFuzziness(s) : 0));
      s.index += 1;
    }
  }

  private tokenFinished(s: State): boolean {
    const c = s.data[s.index] as string;
    return (c === '"' && this.on(Flags.PHRASE)) || (c === '|' && this.on(Flags.OR)) || (c === '+' && this.on(Flags.AND))
      || ((c === '(' || c === ')') && this.on(Flags.PRECEDENCE)) || (WS.has(c) && this.on(Flags.WHITESPACE));
  }

  private consumeToken(s: State): void {
    let text = '';
    let escaped = false;
    let prefix = false;
    let fuzzy = false;
    while (s.index < s.end) {
      const c = s.data[s.index] as string;
      if (!escaped) {
        if (c === '\\' && this.on(Flags.ESCAPE)) { escaped = true; prefix = false; s.index += 1; continue; }
        if (this.tokenFinished(s)) break;
        if (text.length > 0 && c === '~' && this.on(Flags.FUZZY)) { fuzzy = true; break; }
        prefix = text.length > 0 && c === '*' && this.on(Flags.PREFIX);
      }
      escaped = false;
      text += c;
      s.index += 1;
    }
    if (text.length === 0) return;
    if (fuzzy) {
      const edits = Math.min(this.parseFuzziness(s), 2) as 0 | 1 | 2;
      this.build(s, edits === 0 ? this.b.term(text) : this.b.fuzzy(text, edits));
    } else if (prefix) this.build(s, this.b.prefix(text.slice(0, -1)));
    else this.build(s, this.b.term(text));
  }

  /** Reads `~N` at the current index (which is on the `~`); a bare `~` means 2, garbage means 0. */
  private parseFuzziness(s: State): number {
    let slop = '';
    while (s.index < s.end) {
      s.index += 1;
      if (s.index < s.end) {
        if (this.tokenFinished(s)) break;
        slop += s.data[s.index];
      }
    }
    const n = slop === '' ? 2 : /^-?\d+$/.test(slop) ? Number(slop) : 0;
    return Math.max(0, n);
  }

  private build(s: State, branch: Node | null): void {
    if (branch === null) return;
    let node: Node = branch;
    // Lucene's negation: everything except the branch.
    if (s.not % 2 === 1) node = bool({ mustNot: [toQuery(branch)], should: [{ kind: 'match_all', boost: 1 }] });
    if (s.top === null) s.top = node;
    else {
      const op = s.currentOp ?? this.defaultOp;
      // A change of operator starts a new level holding everything parsed so far.
      if (s.previousOp !== op || !('op' in s.top)) s.top = { op, clauses: [s.top] };
      s.top.clauses.push(node);
      s.previousOp = op;
    }
    s.currentOp = null;
  }
}
