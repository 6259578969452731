// The score tree (query/plan/plan.ts, ScoreNode) as one SQL expression over a statement of hits
// (`h`), for both SQL dialects: each clause's relevance comes from the store's own join (`clause`),
// each plan the tree tests is a LEFT JOIN of its distinct document ids. The operations are
// written in the order the bitmap path computes them (bitmap-scores.ts, plan.ts combineMax), so
// both give the same doubles.
import type { Plan, ScoreNode } from '../../query/plan/plan.js';
import type { PlanSql, Sql } from './plan-sql.js';

export interface ScoreSqlDialect {
  /** The largest of two or more expressions. */
  greatest(parts: readonly string[]): string;
  /** A subquery in FROM position. */
  from(text: string): string;
}

/** A number as a floating-point SQL literal (2 → 2.0: integer arithmetic would differ). */
function literal(n: number): string {
  const text = String(n);
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

/**
 * The tree's expression, given each clause's expression (0 where it does not match), with the
 * joins it needs on `h.id` (aliases m0, m1, ...) and their parameters, in order.
 */
export function scoreExpression(tree: ScoreNode, planSql: PlanSql, dialect: ScoreSqlDialect, clause: (part: number) => string): { expression: string; joins: Sql } {
  const joins: string[] = [];
  const params: unknown[] = [];
  const member = (plan: Plan): string => {
    const alias = `m${joins.length}`;
    const sql = planSql.render(plan);
    joins.push(`LEFT JOIN (SELECT DISTINCT id FROM ${dialect.from(sql.text)}) ${alias} ON ${alias}.id = h.id`);
    params.push(...sql.params);
    return `${alias}.id IS NOT NULL`;
  };
  const write = (node: ScoreNode): string => {
    switch (node.op) {
      case 'clause':
        return clause(node.part);
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
      default: {
        const unhandled: never = node;
        throw new Error(`unhandled score node ${String(unhandled)}`);
      }
    }
  };
  const expression = write(tree);
  return { expression, joins: { text: joins.join(' '), params } };
}
