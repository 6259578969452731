// The 2026 `search/filter` of Multi-source (spec current/ §4.4): a flat object of named filters
// derived from the dataset's mapping rather than a fixed list (Coresignal's list is not public):
//   "<field>": value          the field equals the value (text fields compare their `.exact`
//                             keyword, so a whole value; a 0/1 byte flag also takes true/false)
//   "<field>": [v1, v2]       any of the values
//   "<field>_gte" / "_lte"    inclusive range on a number or date field
//   "exclude_<field>": ...    none of the values
// Fields are root fields or nested ones (`experience.company_id`); all filters on one nested
// path must hold in the same entry. Several filters combine with AND. Unknown names are ignored
// (pydantic's default); a value of the wrong type is a 422 naming it; no usable filter is a 400.
import type { FieldDef, Mapping } from '../datasets/mapping.js';
import { ApiError, validationError, type ValidationItem } from '../errors/catalogue.js';

type Dsl = Record<string, unknown>;
type Scalar = string | number | boolean;

const numeric = new Set(['long', 'integer', 'short', 'byte', 'double', 'float']);

interface Parsed {
  readonly def: FieldDef;
  readonly clause: Dsl;
  readonly exclude: boolean;
}

/** The field a filter name stands for, with how it applies; null when the name is no filter. */
function resolve(mapping: Mapping, name: string): { def: FieldDef; range: 'gte' | 'lte' | null; exclude: boolean } | null {
  let key = name;
  const exclude = key.startsWith('exclude_');
  if (exclude) key = key.slice('exclude_'.length);
  const lookup = (path: string): FieldDef | undefined => mapping.byPath.get(path) ?? mapping.aliases.get(path);
  const direct = lookup(key);
  if (direct && direct.subfieldOf === undefined && direct.indexed && direct.type !== 'nested' && direct.type !== 'object') return { def: direct, range: null, exclude };
  const m = /^(.*)_(gte|lte)$/.exec(key);
  const ranged = m ? lookup(m[1]!) : undefined;
  if (m && ranged && ranged.indexed && (numeric.has(ranged.type) || ranged.type === 'date') && !exclude) return { def: ranged, range: m[2] as 'gte' | 'lte', exclude };
  return null;
}

function checkValue(name: string, def: FieldDef, value: unknown, range: boolean): ValidationItem | null {
  const values = Array.isArray(value) && !range ? value : [value];
  if (values.length === 0) return { loc: ['body', name], msg: 'ensure this value has at least 1 items', type: 'value_error.list.min_items' };
  for (const v of values) {
    if (numeric.has(def.type)) {
      const flag = def.type === 'byte' && typeof v === 'boolean';
      if (!flag && (typeof v !== 'number' || !Number.isFinite(v))) return { loc: ['body', name], msg: 'value is not a valid number', type: 'type_error.number' };
    } else if (typeof v !== 'string' || v === '') {
      return { loc: ['body', name], msg: 'str type expected', type: 'type_error.str' };
    }
  }
  return null;
}

function clauseFor(def: FieldDef, value: unknown, range: 'gte' | 'lte' | null): Dsl {
  if (range) return { range: { [def.path]: { [range]: value } } };
  const field = def.type === 'text' ? (def.subfields['exact'] ? `${def.path}.exact` : def.path) : def.path;
  const norm = (v: unknown): Scalar => (typeof v === 'boolean' ? (v ? 1 : 0) : (v as Scalar));
  const values = (Array.isArray(value) ? value : [value]).map(norm);
  if (def.type === 'text' && !def.subfields['exact']) {
    const phrases = values.map((v) => ({ match_phrase: { [field]: v } }));
    return phrases.length === 1 ? phrases[0]! : { bool: { should: phrases, minimum_should_match: 1 } };
  }
  return values.length === 1 ? { term: { [field]: values[0] } } : { terms: { [field]: values } };
}

/** The ES DSL request for a Multi-source filter body. */
export function mappingFiltersToDsl(body: unknown, mapping: Mapping): Dsl {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationError([{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }]);
  }
  const parsed: Parsed[] = [];
  const errors: ValidationItem[] = [];
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (value === null || value === undefined) continue;
    const r = resolve(mapping, name);
    if (!r) continue;
    const error = checkValue(name, r.def, value, r.range !== null);
    if (error) errors.push(error);
    else parsed.push({ def: r.def, clause: clauseFor(r.def, value, r.range), exclude: r.exclude });
  }
  if (errors.length > 0) throw validationError(errors);
  if (parsed.length === 0) throw new ApiError('FILTER_EMPTY');
  const must: Dsl[] = [];
  const mustNot: Dsl[] = [];
  const nested = new Map<string, { must: Dsl[]; mustNot: Dsl[] }>();
  for (const p of parsed) {
    const path = p.def.nestedPath;
    if (path === null) (p.exclude ? mustNot : must).push(p.clause);
    else {
      const group = nested.get(path) ?? { must: [], mustNot: [] };
      (p.exclude ? group.mustNot : group.must).push(p.clause);
      nested.set(path, group);
    }
  }
  for (const [path, group] of nested) {
    // Inclusions hold in one entry; an exclusion means no entry has the value.
    if (group.must.length > 0) must.push({ nested: { path, query: { bool: { must: group.must } } } });
    for (const clause of group.mustNot) mustNot.push({ nested: { path, query: clause } });
  }
  return { query: { bool: { ...(must.length > 0 ? { must } : { must: [{ match_all: {} }] }), ...(mustNot.length > 0 ? { must_not: mustNot } : {}) } } };
}
