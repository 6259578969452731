// The score tree (query/plan/plan.ts, ScoreNode) as one SQL expression over a statement of hits
// (`h`), for both SQL dialects: each clause's relevance comes from the store's own join (`clause`),
// each plan the tree tests is a LEFT JOIN of its distinct document ids. The operations are
// written in the order the bitmap path computes them (bitmap-scores.ts, plan.ts combineMax), so
// both give the same doubles.
import type { Plan, ScoreNode } from '../../query/plan/plan.js';
import type { PlanSql, Sql } from './plan-sql.js';
import { docsPerRecord } from './search-tables.js';

export interface ScoreSqlDialect {
  /** The largest of two or more expressions. */
  greatest(parts: readonly string[]): string;
  /** A subquery in FROM position. */
  from(text: string): string;
  /** A statement of the hits' record ids (`id`). */
  readonly hits: string;
  /** A clause's relevance joined to the documents `on` (e.g. `h.id`) under `alias`: the join and the expression (0 where it has none). */
  clause(part: number, on: string, alias: string): { join: Sql; expression: string };
}

/** A number as a floating-point SQL literal (2 → 2.0: integer arithmetic would differ). */
function literal(n: number): string {
  const text = String(n);
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

const aggregate = { avg: 'avg', sum: 'sum', max: 'max', min: 'min' } as const;

/**
 * The tree's expression over the documents `h` (the hits), with the joins it needs on `h.id`
 * and their parameters, in order. A nested node is a join of its own: its entries among the
 * hits' records, each scored by its inner tree, aggregated per record.
 */
export function scoreExpression(tree: ScoreNode, planSql: PlanSql, dialect: ScoreSqlDialect): { expression: string; joins: Sql } {
  let n = 0;
  const level = (root: ScoreNode, on: string): { expression: string; joins: string[]; params: unknown[] } => {
    const joins: string[] = [];
    const params: unknown[] = [];
    const join = (sql: Sql): void => {
      joins.push(sql.text);
      params.push(...sql.params);
    };
    const member = (plan: Plan): string => {
      const alias = `m${n++}`;
      const sql = planSql.render(plan);
      join({ text: `LEFT JOIN (SELECT DISTINCT id FROM ${dialect.from(sql.text)}) ${alias} ON ${alias}.id = ${on}`, params: sql.params });
      return `${alias}.id IS NOT NULL`;
    };
    const write = (node: ScoreNode): string => {
      switch (node.op) {
        case 'clause': {
          const c = dialect.clause(node.part, on, `p${n++}`);
          join(c.join);
          return c.expression;
        }
        case 'constant':
          return `(CASE WHEN ${member(node.plan)} THEN ${literal(node.boost)} ELSE 0.0 END)`;
        case 'fixed':
          return literal(node.value);
        case 'sum':
          return node.parts.length === 0 ? '0.0' : `(${node.parts.map(write).join(' + ')})`;
        case 'max': {
          if (node.parts.length === 1) return write(node.parts[0]!);
          const parts = node.parts.map(write);
          const max = dialect.greatest(parts);
          return node.tie === 0 ? max : `(${max} + ((${parts.join(' + ')}) - ${max}) * ${literal(node.tie)})`;
        }
        case 'demote':
          return `(${write(node.base)} * (CASE WHEN ${member(node.negative)} THEN ${literal(node.factor)} ELSE 1.0 END))`;
        case 'nested': {
          const alias = `n${n++}`;
          const entries = planSql.render(node.entries);
          const inner = level(node.inner, 'c.id');
          // Entries to the document holding them: the record (an entry's id over docsPerRecord),
          // or the outer entry (the parent table). Either way only entries of the hits' records.
          const holder = node.parent === '' ? `c.id / ${docsPerRecord}` : 'up.parent';
          const up = node.parent === '' ? '' : `JOIN ${planSql.parents(node.child)} up ON up.doc = c.id`;
          join({
            text: `LEFT JOIN (SELECT ${holder} AS id, ${aggregate[node.mode]}(${inner.expression}) AS s FROM (SELECT DISTINCT id FROM ${dialect.from(entries.text)}) c ${up} ${inner.joins.join(' ')} WHERE c.id / ${docsPerRecord} IN (SELECT id FROM ${dialect.hits}) GROUP BY ${holder}) ${alias} ON ${alias}.id = ${on}`,
            params: [...entries.params, ...inner.params],
          });
          return `coalesce(${alias}.s, 0.0)`;
        }
        default: {
          const unhandled: never = node;
          throw new Error(`unhandled score node ${String(unhandled)}`);
        }
      }
    };
    const expression = write(root);
    return { expression, joins, params };
  };
  const top = level(tree, 'h.id');
  return { expression: top.expression, joins: { text: top.joins.join(' '), params: top.params } };
}
