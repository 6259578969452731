// Recursive-descent parser for Lucene's classic query syntax, mirroring QueryParser.jj:
//   Query  := (MultiTerm | Modifiers Clause) (MultiTerm | Conjunction? Modifiers Clause)*
//   Clause := [field ':'] ( Term | '(' Query ')' ['^' boost] )
// MultiTerm is a run of two or more bare words (`john doe`): since Elasticsearch 6 whitespace is
// not an operator, the run is analyzed as one text, so over several fields it becomes one
// dis_max of whole-text matches rather than one dis_max per word.
// It produces a syntax tree; turning it into AST nodes (which needs the mapping and Lucene's
// clause-combination rules) is query-string.ts's job.
import { QsSyntaxError, tokenize, unescape, type RangeTok, type Token, type TokKind } from './query-string-lexer.js';

export type Mods = 'none' | 'req' | 'not';
export type Conj = 'none' | 'and' | 'or';

export interface QsItem {
  readonly conj: Conj;
  readonly mods: Mods;
  readonly clause: QsClause;
}

export interface QsGroup {
  readonly t: 'group';
  readonly items: readonly QsItem[];
  readonly boost: number;
}

export type TermKind = 'term' | 'star' | 'prefix' | 'wild' | 'regexp';

export interface QsTerm {
  readonly t: 'term';
  /** Field as written before `:` (unescaped), null for the default fields. */
  readonly field: string | null;
  readonly kind: TermKind;
  /** Raw image: escapes kept (wildcards and regexps need them); slashes stripped for regexps. */
  readonly image: string;
  /** Text after `~` ('' for a bare `~`), null when the term is not fuzzy. */
  readonly fuzzy: string | null;
  readonly boost: number;
}

export interface QsPhrase {
  readonly t: 'phrase';
  readonly field: string | null;
  readonly text: string;
  readonly slop: string | null;
  readonly boost: number;
}

export interface QsRange {
  readonly t: 'range';
  readonly field: string | null;
  readonly range: RangeTok;
  readonly boost: number;
}

/** A run of bare words, joined by single spaces and unescaped. */
export interface QsMulti {
  readonly t: 'multi';
  readonly field: string | null;
  readonly text: string;
}

export type QsClause = QsGroup | QsTerm | QsPhrase | QsRange | QsMulti;

/** Tokens that stop a word from joining a MultiTerm run (QueryParser's disallowedPostMultiTerm). */
const notAfterMultiTerm = new Set<TokKind>(['COLON', 'STAR', 'FUZZY_SLOP', 'CARAT', 'AND', 'OR']);

const termKinds: Partial<Record<TokKind, TermKind>> = {
  TERM: 'term', BAREOPER: 'term', STAR: 'star', PREFIXTERM: 'prefix', WILDTERM: 'wild', REGEXPTERM: 'regexp',
};

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly toks: readonly Token[]) {}

  private peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)] as Token;
  }

  private take(): Token {
    const t = this.peek();
    this.i += 1;
    return t;
  }

  private optional(kind: TokKind): Token | null {
    return this.peek().kind === kind ? this.take() : null;
  }

  private boost(): number {
    if (!this.optional('CARAT')) return 1;
    const n = this.take();
    if (n.kind !== 'NUMBER') throw new QsSyntaxError('boost expected');
    return Number(n.image);
  }

  parseAll(): QsGroup {
    const g = this.query(null);
    if (this.peek().kind !== 'EOF') throw new QsSyntaxError(`unexpected '${this.peek().image}'`);
    return g;
  }

  private query(field: string | null): QsGroup {
    const items: QsItem[] = [this.multiTerm(field) ?? { conj: 'none', mods: this.modifiers(), clause: this.clause(field) }];
    while (this.peek().kind !== 'EOF' && this.peek().kind !== 'RPAREN') {
      const multi = this.multiTerm(field);
      if (multi) {
        items.push(multi);
        continue;
      }
      const conj = this.conjunction();
      items.push({ conj, mods: this.modifiers(), clause: this.clause(field) });
    }
    return { t: 'group', items, boost: 1 };
  }

  private joinsMultiTerm(k: number): boolean {
    return this.peek(k).kind === 'TERM' && !notAfterMultiTerm.has(this.peek(k + 1).kind);
  }

  private multiTerm(field: string | null): QsItem | null {
    if (this.peek().kind !== 'TERM' || !this.joinsMultiTerm(1)) return null;
    const words = [unescape(this.take().image)];
    while (this.joinsMultiTerm(0)) words.push(unescape(this.take().image));
    return { conj: 'none', mods: 'none', clause: { t: 'multi', field, text: words.join(' ') } };
  }

  private conjunction(): Conj {
    if (this.optional('AND')) return 'and';
    if (this.optional('OR')) return 'or';
    return 'none';
  }

  private modifiers(): Mods {
    if (this.optional('PLUS')) return 'req';
    if (this.optional('MINUS') || this.optional('NOT')) return 'not';
    return 'none';
  }

  private clause(outer: string | null): QsClause {
    let field = outer;
    const first = this.peek();
    if ((first.kind === 'TERM' || first.kind === 'STAR') && this.peek(1).kind === 'COLON') {
      field = first.kind === 'STAR' ? '*' : unescape(first.image);
      this.i += 2;
    }
    if (this.optional('LPAREN')) {
      // Far beyond any real query; it keeps a hostile one from exhausting the stack.
      if (++this.depth > 100) throw new QsSyntaxError('too many nested parentheses');
      const g = this.query(field);
      this.depth -= 1;
      if (!this.optional('RPAREN')) throw new QsSyntaxError("')' expected");
      return { ...g, boost: this.boost() };
    }
    return this.term(field);
  }

  private term(field: string | null): QsClause {
    const t = this.take();
    if (t.kind === 'RANGE' && t.range) return { t: 'range', field, range: t.range, boost: this.boost() };
    if (t.kind === 'QUOTED') {
      const slop = this.optional('FUZZY_SLOP');
      return { t: 'phrase', field, text: unescape(t.image.slice(1, -1)), slop: slop ? slop.image.slice(1) : null, boost: this.boost() };
    }
    const kind = termKinds[t.kind];
    if (!kind) throw new QsSyntaxError(t.kind === 'EOF' ? 'unexpected end of query' : `unexpected '${t.image}'`);
    let fuzzy = this.optional('FUZZY_SLOP')?.image.slice(1) ?? null;
    const boost = this.boost();
    if (boost !== 1 || fuzzy === null) fuzzy = this.optional('FUZZY_SLOP')?.image.slice(1) ?? fuzzy;
    const image = kind === 'regexp' ? t.image.slice(1, -1) : t.image;
    return { t: 'term', field, kind, image, fuzzy, boost };
  }
}

/** Parses query_string text; throws QsSyntaxError on any syntax error. */
export function parseLucene(text: string): QsGroup {
  return new Parser(tokenize(text)).parseAll();
}
