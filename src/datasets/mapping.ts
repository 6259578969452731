// Flattens an Elasticsearch mapping into a table of fields, the one source of truth for
// validation on import, for the search index layout and for query validation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../util/package-root.js';

export type FieldType =
  | 'text' | 'keyword' | 'long' | 'integer' | 'short' | 'byte' | 'double' | 'float'
  | 'date' | 'boolean' | 'nested' | 'object';

export interface FieldDef {
  /** Full dotted path, e.g. `experience.company_name`. */
  readonly path: string;
  readonly type: FieldType;
  /** Innermost enclosing nested path (`experience`), or null for root fields. */
  readonly nestedPath: string | null;
  /** Elasticsearch `null_value`: what an explicit null is indexed as. */
  readonly nullValue?: string | number;
  /** Elasticsearch date `format`, when the mapping pins one. */
  readonly format?: string;
  /** Sub-fields such as `exact` (keyword), keyed by their name. */
  readonly subfields: Readonly<Record<string, FieldDef>>;
  /** Child properties for `nested` and `object` fields. */
  readonly children: readonly FieldDef[];
  /** For a sub-field such as `job_title.exact`: the field whose values it indexes (`job_title`). */
  readonly subfieldOf?: string;
  /** False for `index: false` fields and `enabled: false` objects: stored, never searchable. */
  readonly indexed: boolean;
}

interface RawProperty {
  type?: string;
  properties?: Record<string, RawProperty>;
  fields?: Record<string, RawProperty>;
  null_value?: string | number;
  format?: string;
  /** `alias`: the full path of the field it stands for. */
  path?: string;
  index?: boolean;
  enabled?: boolean;
}

const knownTypes = new Set<string>([
  'text', 'keyword', 'long', 'integer', 'short', 'byte', 'double', 'float', 'date', 'boolean', 'nested', 'object',
]);

function toField(path: string, raw: RawProperty, nestedPath: string | null, aliases: Map<string, string>, subfieldOf?: string): FieldDef {
  const type = (raw.type ?? (raw.properties ? 'object' : 'keyword')) as FieldType;
  if (!knownTypes.has(type)) throw new Error(`mapping: unsupported type ${type} at ${path}`);
  const childNested = type === 'nested' ? path : nestedPath;
  const children: FieldDef[] = [];
  for (const [name, p] of Object.entries(raw.properties ?? {})) {
    // An alias is another name for a field, not a field of the record.
    if (p.type === 'alias') aliases.set(`${path}.${name}`, String(p.path));
    else children.push(toField(`${path}.${name}`, p, childNested, aliases));
  }
  const subfields: Record<string, FieldDef> = {};
  for (const [name, sub] of Object.entries(raw.fields ?? {})) {
    subfields[name] = toField(`${path}.${name}`, sub, nestedPath, aliases, path);
  }
  return Object.freeze({
    path, type, nestedPath, subfields: Object.freeze(subfields), children: Object.freeze(children),
    indexed: raw.index !== false && raw.enabled !== false,
    ...(raw.null_value !== undefined ? { nullValue: raw.null_value } : {}),
    ...(raw.format !== undefined ? { format: raw.format } : {}),
    ...(subfieldOf !== undefined ? { subfieldOf } : {}),
  });
}

export interface Mapping {
  readonly roots: readonly FieldDef[];
  /** Every field and sub-field by full path. */
  readonly byPath: ReadonlyMap<string, FieldDef>;
  /** `alias` fields (and their sub-fields) by full path: the field each stands for. */
  readonly aliases: ReadonlyMap<string, FieldDef>;
  /** Every `nested` path. */
  readonly nestedPaths: ReadonlySet<string>;
}

export function buildMapping(properties: Record<string, RawProperty>): Mapping {
  const aliasTargets = new Map<string, string>();
  const roots: FieldDef[] = [];
  for (const [name, p] of Object.entries(properties)) {
    if (p.type === 'alias') aliasTargets.set(name, String(p.path));
    else roots.push(toField(name, p, null, aliasTargets));
  }
  const byPath = new Map<string, FieldDef>();
  const nestedPaths = new Set<string>();
  const visit = (f: FieldDef): void => {
    byPath.set(f.path, f);
    if (f.type === 'nested') nestedPaths.add(f.path);
    for (const s of Object.values(f.subfields)) byPath.set(s.path, s);
    f.children.forEach(visit);
  };
  roots.forEach(visit);
  const aliases = new Map<string, FieldDef>();
  for (const [alias, target] of aliasTargets) {
    const def = byPath.get(target);
    if (!def) throw new Error(`mapping: alias ${alias} points to unknown field ${target}`);
    aliases.set(alias, def);
    for (const [name, sub] of Object.entries(def.subfields)) aliases.set(`${alias}.${name}`, sub);
  }
  return Object.freeze({ roots: Object.freeze(roots), byPath, aliases, nestedPaths });
}

/** Reads one of the mapping files shipped in `src/datasets/mappings/`. */
export function loadMappingFile(fileName: string): Mapping {
  const file = join(packageRoot(), 'src', 'datasets', 'mappings', fileName);
  const json = JSON.parse(readFileSync(file, 'utf8')) as { mappings: { properties: Record<string, RawProperty> } };
  return buildMapping(json.mappings.properties);
}
