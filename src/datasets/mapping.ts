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
}

interface RawProperty {
  type?: string;
  properties?: Record<string, RawProperty>;
  fields?: Record<string, RawProperty>;
  null_value?: string | number;
  format?: string;
}

const knownTypes = new Set<string>([
  'text', 'keyword', 'long', 'integer', 'short', 'byte', 'double', 'float', 'date', 'boolean', 'nested', 'object',
]);

function toField(path: string, raw: RawProperty, nestedPath: string | null, subfieldOf?: string): FieldDef {
  const type = (raw.type ?? (raw.properties ? 'object' : 'keyword')) as FieldType;
  if (!knownTypes.has(type)) throw new Error(`mapping: unsupported type ${type} at ${path}`);
  const childNested = type === 'nested' ? path : nestedPath;
  const children = Object.entries(raw.properties ?? {}).map(([name, p]) => toField(`${path}.${name}`, p, childNested));
  const subfields: Record<string, FieldDef> = {};
  for (const [name, sub] of Object.entries(raw.fields ?? {})) {
    subfields[name] = toField(`${path}.${name}`, sub, nestedPath, path);
  }
  return Object.freeze({
    path, type, nestedPath, subfields: Object.freeze(subfields), children: Object.freeze(children),
    ...(raw.null_value !== undefined ? { nullValue: raw.null_value } : {}),
    ...(raw.format !== undefined ? { format: raw.format } : {}),
    ...(subfieldOf !== undefined ? { subfieldOf } : {}),
  });
}

export interface Mapping {
  readonly roots: readonly FieldDef[];
  /** Every field and sub-field by full path. */
  readonly byPath: ReadonlyMap<string, FieldDef>;
  /** Every `nested` path. */
  readonly nestedPaths: ReadonlySet<string>;
}

export function buildMapping(properties: Record<string, RawProperty>): Mapping {
  const roots = Object.entries(properties).map(([name, p]) => toField(name, p, null));
  const byPath = new Map<string, FieldDef>();
  const nestedPaths = new Set<string>();
  const visit = (f: FieldDef): void => {
    byPath.set(f.path, f);
    if (f.type === 'nested') nestedPaths.add(f.path);
    for (const s of Object.values(f.subfields)) byPath.set(s.path, s);
    f.children.forEach(visit);
  };
  roots.forEach(visit);
  return Object.freeze({ roots: Object.freeze(roots), byPath, nestedPaths });
}

/** Reads one of the mapping files shipped in `src/datasets/mappings/`. */
export function loadMappingFile(fileName: string): Mapping {
  const file = join(packageRoot(), 'src', 'datasets', 'mappings', fileName);
  const json = JSON.parse(readFileSync(file, 'utf8')) as { mappings: { properties: Record<string, RawProperty> } };
  return buildMapping(json.mappings.properties);
}
