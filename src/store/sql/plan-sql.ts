// Executes query plans (src/query/plan/) on the SQL stores' search index: token tables (one per
// document type, one column per token field), number tables and parent tables. Every plan node
// becomes a statement selecting the ids of the matching documents of its type (possibly
// repeated: callers dedupe once): set algebra is INTERSECT / UNION / EXCEPT (counting for
// atLeast), numbers are range scans of the number table, text conditions are one full-text match
// on one column. The plan is already resolved (analysed, expanded), so this is a pure rendering.
//
// A dialect supplies what differs between databases: how a full-text expression is written
// (FTS5 MATCH for SQLite, tsquery for PostgreSQL), the document id column, how a subquery is
// named, and rewrites it can do better than plain set algebra — each one acting on plan nodes.
import type { DatasetName } from '../../datasets/datasets.js';
import type { Plan, TextExpr, TextPlan } from '../../query/plan/plan.js';
import { docsPerRecord, ftsTable, numTable, parentTable } from './search-tables.js';

export interface Sql {
  readonly text: string;
  readonly params: readonly unknown[];
}

/** How a dialect writes full-text expressions over the stored tokens of one column. */
export interface TermSyntax {
  term(stored: string): string;
  or(parts: readonly string[]): string;
  and(parts: readonly string[]): string;
  group(expression: string): string;
  phrase(stored: readonly string[]): string;
  near(stored: readonly string[], slop: number): string;
  /** Tokens that start with `stored`. */
  prefix(stored: string): string;
}

export interface Dialect {
  syntax(column: number): TermSyntax;
  /** Statement selecting the ids (as `id`) of documents of `table` matching `expression` on `column`. */
  match(table: string, column: number, expression: string): Sql;
  /** Every document of a token table. */
  all(table: string): string;
  /** Ids of a token table's documents among `count` parameters. */
  idsIn(table: string, count: number): string;
  /** Ids of a token table's documents among `ids` (any number of them, as few parameters). */
  docsIn(table: string, ids: readonly number[]): Sql;
  /** A statement that selects nothing. */
  readonly none: string;
  /** A subquery in FROM position (PostgreSQL requires a name). */
  from(text: string): string;
  /**
   * Full-text conditions on columns of one table ANDed into one match (one scan of the table),
   * for a dialect that can write that.
   */
  matchAll?(table: string, parts: readonly { column: number; expression: string }[]): Sql;
  /** Ids of a number table's documents meeting `where` (conditions on field and value), for a dialect whose number tables are keyed otherwise than (field, value, doc). */
  numberRows?(table: string, where: string): string;
  /** `base` without what `excluded` (full-text conditions) match, when the dialect has a better plan than EXCEPT. */
  exclude?(base: Sql, excluded: readonly { table: string; expression: string }[]): Sql | null;
}

/** Largest OR of terms written as one full-text expression; larger ones are a UNION of chunks. */
const chunkTerms = 500;

export class PlanSql {
  constructor(private readonly dialect: Dialect, private readonly dataset: DatasetName) {}

  /** The table naming the parent entry of each entry of a nested type inside another (doc, parent). */
  parents(child: string): string {
    return parentTable(this.dataset, child);
  }

  private numberRows(table: string, where: string): string {
    return this.dialect.numberRows?.(table, where) ?? `SELECT doc AS id FROM ${table} WHERE ${where}`;
  }

  /** Statement selecting the ids of the documents the plan matches. */
  render(p: Plan): Sql {
    const d = this.dialect;
    switch (p.op) {
      case 'all':
        return { text: d.all(ftsTable(this.dataset, p.type)), params: [] };
      case 'none':
        return { text: d.none, params: [] };
      case 'ids':
        return { text: d.idsIn(ftsTable(this.dataset, ''), p.values.length), params: p.values };
      case 'docs':
        return d.docsIn(ftsTable(this.dataset, p.type), p.values);
      case 'text':
        return this.text(p);
      case 'numbers':
        return { text: this.numberRows(numTable(this.dataset, p.type), `field = ? AND value IN (${p.values.map(() => '?').join(', ')})`), params: [p.field, ...p.values] };
      case 'range': {
        const conds = ['field = ?'];
        const params: unknown[] = [p.field];
        for (const [op, v] of [['>', p.bounds.gt], ['>=', p.bounds.gte], ['<', p.bounds.lt], ['<=', p.bounds.lte]] as const) {
          if (v === undefined) continue;
          conds.push(`value ${op} ?`);
          params.push(v);
        }
        return { text: this.numberRows(numTable(this.dataset, p.type), conds.join(' AND ')), params };
      }
      case 'and':
        return this.and(p.parts);
      case 'or':
        return this.join(p.parts.map((c) => this.render(c)), 'UNION');
      case 'atLeast':
        return this.atLeast(p.parts, p.need, p.distinct);
      case 'not':
        return this.not(p.base, p.excluded);
      case 'nested': {
        const ids = this.render(p.inner);
        if (p.parent === '') return { text: `SELECT id / ${docsPerRecord} AS id FROM ${d.from(ids.text)}`, params: ids.params };
        return { text: `SELECT p.parent AS id FROM (${ids.text}) c JOIN ${parentTable(this.dataset, p.child)} p ON p.doc = c.id`, params: ids.params };
      }
      default: {
        const unhandled: never = p;
        return unhandled;
      }
    }
  }

  /** The full-text expression of a text condition, in the dialect's syntax for its column. */
  expression(p: TextPlan): string {
    return write(p.expr, this.dialect.syntax(p.column), true);
  }

  /** One full-text match; a very large OR of terms (a pattern's expansion) is split into chunks. */
  private text(p: TextPlan): Sql {
    const table = ftsTable(this.dataset, p.type);
    if (p.expr.op === 'or' && p.expr.parts.length > chunkTerms) {
      const chunks: Sql[] = [];
      for (let i = 0; i < p.expr.parts.length; i += chunkTerms) {
        chunks.push(this.text({ ...p, expr: { op: 'or', parts: p.expr.parts.slice(i, i + chunkTerms) } }));
      }
      return this.join(chunks, 'UNION');
    }
    return this.dialect.match(table, p.column, this.expression(p));
  }

  private join(parts: readonly Sql[], op: 'UNION' | 'INTERSECT' | 'EXCEPT'): Sql {
    if (parts.length === 0) return { text: this.dialect.none, params: [] };
    return { text: parts.map((p) => `SELECT id FROM ${this.dialect.from(p.text)}`).join(` ${op} `), params: parts.flatMap((p) => p.params) };
  }

  /** minimum_should_match: ids that at least `need` of the parts select. */
  private atLeast(parts: readonly Plan[], need: number, distinct: boolean): Sql {
    const sqls = parts.map((c) => this.render(c));
    const each = sqls.map((p) => (distinct ? `SELECT DISTINCT id FROM ${this.dialect.from(p.text)}` : p.text));
    return { text: `SELECT id FROM ${this.dialect.from(each.join(' UNION ALL '))} GROUP BY id HAVING count(*) >= ${need}`, params: sqls.flatMap((p) => p.params) };
  }

  /** An intersection; full-text conditions on one table become one match where the dialect can write that. */
  private and(parts: readonly Plan[]): Sql {
    const rendered: (Sql | TextPlan[])[] = [];
    const onTable = new Map<string, TextPlan[]>();
    for (const part of parts) {
      const table = this.dialect.matchAll && isPlainText(part) ? ftsTable(this.dataset, part.type) : null;
      const group = table === null ? undefined : onTable.get(table);
      if (group) group.push(part as TextPlan);
      else if (table !== null) {
        const first = [part as TextPlan];
        onTable.set(table, first);
        rendered.push(first);
      } else rendered.push(this.render(part));
    }
    const sqls = rendered.map((r) => {
      if (!Array.isArray(r)) return r;
      if (r.length === 1) return this.render(r[0]!);
      return this.dialect.matchAll!(ftsTable(this.dataset, r[0]!.type), r.map((g) => ({ column: g.column, expression: this.expression(g) })));
    });
    return sqls.length === 1 ? sqls[0]! : this.join(sqls, 'INTERSECT');
  }

  private not(base: Plan, excluded: readonly Plan[]): Sql {
    const b = this.render(base);
    if (this.dialect.exclude && excluded.every(isPlainText)) {
      const probed = this.dialect.exclude(b, (excluded as TextPlan[]).map((e) => ({ table: ftsTable(this.dataset, e.type), expression: this.expression(e) })));
      if (probed) return probed;
    }
    return this.join([b, this.join(excluded.map((e) => this.render(e)), 'UNION')], 'EXCEPT');
  }
}

/** A text condition written as one match (not split into chunks). */
function isPlainText(p: Plan): p is TextPlan {
  return p.op === 'text' && !(p.expr.op === 'or' && p.expr.parts.length > chunkTerms);
}

function write(e: TextExpr, x: TermSyntax, top: boolean): string {
  switch (e.op) {
    case 'term':
      return x.term(e.token);
    case 'prefix':
      return x.prefix(e.token);
    case 'phrase':
      return x.phrase(e.tokens);
    case 'near':
      return x.near(e.tokens, e.slop);
    case 'or':
    case 'and': {
      const inner = e.parts.map((c) => write(c, x, false));
      const joined = e.op === 'or' ? x.or(inner) : x.and(inner);
      return top ? joined : x.group(joined);
    }
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}
