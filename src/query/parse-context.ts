// What every clause parser needs to know: the dataset mapping, the clock for date math, where the
// clause sits in the JSON (for error messages) and which nested scope it is evaluated in.
import type { Mapping } from '../datasets/mapping.js';
import type { Query } from './ast.js';

export interface ParseContext {
  readonly mapping: Mapping;
  /** Epoch milliseconds that `now` in date math stands for; fixed per request so tests are stable. */
  readonly now: number;
}

/** One clause's position: its JSON path and the enclosing `nested` path (null at document level). */
export interface Site {
  readonly ctx: ParseContext;
  readonly at: string;
  readonly nested: string | null;
  /** How many compound queries enclose this clause (guards against stack exhaustion). */
  readonly depth: number;
}

/** Parses a sub-query; compound parsers get it passed in so they never import the dispatcher. */
export type SubParser = (json: unknown, site: Site) => Query;

/** The site of a sub-query one level down. */
export function child(site: Site, at: string, nested: string | null = site.nested): Site {
  return { ctx: site.ctx, at, nested, depth: site.depth + 1 };
}
