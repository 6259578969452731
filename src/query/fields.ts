// Field resolution against the mapping: exact paths, `name^boost` specs and `*` patterns, plus the
// nested-scope rule (a field inside a nested collection only matches inside a `nested` query).
import type { FieldDef } from '../datasets/mapping.js';
import type { FieldRef, MatchNone, Query } from './ast.js';
import { invalid } from './query-errors.js';
import type { Site } from './parse-context.js';

const containerTypes = new Set(['nested', 'object']);

export function isContainer(def: FieldDef): boolean {
  return containerTypes.has(def.type);
}

/**
 * Looks a field up. Unknown fields are an error (Elasticsearch would silently match nothing;
 * Rollcall rejects them so a typo is not mistaken for "no results"). Containers are only
 * accepted where `allowContainer` says so (`exists`).
 */
export function resolveField(site: Site, path: string, q: string, allowContainer = false): FieldRef {
  const def = site.ctx.mapping.byPath.get(path) ?? site.ctx.mapping.aliases.get(path);
  if (!def) invalid(`failed to create query: field [${path}] is not defined in the mapping`, site.at);
  if (isContainer(def) && !allowContainer) {
    invalid(`failed to create query: field [${path}] is a [${def.type}] container and cannot be queried with [${q}]; query one of its sub-fields`, site.at);
  }
  if (!def.indexed) invalid(`failed to create query: Cannot search on field [${path}] since it is not indexed.`, site.at);
  // An alias resolves to the field it stands for.
  return { path: def.path, def };
}

export function matchNone(boost: number): MatchNone {
  return { kind: 'match_none', boost };
}

/**
 * Elasticsearch indexes each nested entry as its own hidden document, so a leaf on
 * `experience.title` only matches inside `nested(experience)`, and a root field never matches
 * inside a nested query. Out of scope the leaf matches nothing (no error, as in Elasticsearch).
 */
export function scoped(site: Site, field: FieldRef, query: Query): Query {
  return field.def.nestedPath === site.nested ? query : matchNone(query.boost);
}

export interface WeightedField {
  readonly field: FieldRef;
  readonly boost: number;
  /** Came from a `*` pattern: values that do not fit the field's type match nothing instead of failing. */
  readonly fromPattern: boolean;
}

/** Splits `title^2` into its name and boost. */
export function splitBoost(spec: string, q: string, at: string): [string, number] {
  const caret = spec.lastIndexOf('^');
  if (caret < 0) return [spec, 1];
  const boost = Number(spec.slice(caret + 1));
  if (!Number.isFinite(boost) || boost < 0 || spec.slice(caret + 1).trim() === '') {
    invalid(`[${q}] field [${spec}] has an invalid boost`, at);
  }
  return [spec.slice(0, caret), boost];
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`);
}

/**
 * Expands a field name or pattern. `*` alone means every `text` field of the current scope (the
 * root fields at document level, the collection's fields inside `nested`), like Elasticsearch's
 * `index.query.default_field: *` which keeps only fields that can be searched as text. Other
 * patterns match every leaf path (sub-fields included) of the current scope; a pattern that
 * matches nothing yields no fields, not an error.
 */
export function expandField(site: Site, name: string, boost: number, q: string): WeightedField[] {
  if (!name.includes('*')) return [{ field: resolveField(site, name, q), boost, fromPattern: false }];
  const re = name === '*' ? null : globToRegExp(name);
  const out: WeightedField[] = [];
  for (const [path, def] of site.ctx.mapping.byPath) {
    if (isContainer(def) || def.nestedPath !== site.nested) continue;
    if (re ? re.test(path) : def.type === 'text') out.push({ field: { path, def }, boost, fromPattern: true });
  }
  return out;
}

/** Expands a `fields` list (`["title^2", "experience.*"]`); a field named twice keeps the last boost. */
export function expandFields(site: Site, specs: readonly string[], q: string): WeightedField[] {
  const byPath = new Map<string, WeightedField>();
  for (const spec of specs) {
    const [name, boost] = splitBoost(spec, q, site.at);
    for (const wf of expandField(site, name, boost, q)) byPath.set(wf.field.path, wf);
  }
  return [...byPath.values()];
}
