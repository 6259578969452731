// A search-filter body (v1: spec §3.4, §4.1; Base: spec current/ §5.2) translated into Elasticsearch DSL, which then goes
// through the same parser and engine as es_dsl: there is one query engine, not two.
//   - text filters are full-text: the value may use AND/OR, parentheses, quoted phrases and a
//     trailing `*` (query_string syntax, words combined with AND);
//   - `*_exact_*` filters and keyword fields match whole values;
//   - all `experience_*` filters must hold in the same experience entry (one nested query), and
//     likewise the `education_*` filters;
//   - unknown filter names are ignored (pydantic's default); a wrong type is a 422 naming it.
import { ApiError, validationError, type ValidationItem } from '../errors/catalogue.js';

import type { FilterTable, FilterDef } from '../datasets/filter-tables.js';
import type { DatasetDefinition } from '../datasets/datasets.js';
import { mappingFiltersToDsl } from './mapping-filters.js';

type Dsl = Record<string, unknown>;

function checkType(name: string, def: FilterDef | undefined, value: unknown): ValidationItem | null {
  const kind = def?.kind ?? (name === 'active_experience' ? 'bool' : 'text');
  if (kind === 'int') return typeof value === 'number' && Number.isInteger(value) ? null : { loc: ['body', name], msg: 'value is not a valid integer', type: 'type_error.integer' };
  if (kind === 'bool') return typeof value === 'boolean' ? null : { loc: ['body', name], msg: 'value could not be parsed to a boolean', type: 'type_error.bool' };
  if (typeof value !== 'string') return { loc: ['body', name], msg: 'str type expected', type: 'type_error.str' };
  if (kind === 'timestamp' && !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) {
    return { loc: ['body', name], msg: 'timestamp must look like "YYYY-MM-DD hh:mm:ss"', type: 'value_error.datetime' };
  }
  return value.trim() === '' ? { loc: ['body', name], msg: 'ensure this value has at least 1 characters', type: 'value_error.any_str.min_length' } : null;
}

function clause(def: FilterDef, value: unknown): Dsl {
  if (def.kind === 'text') return { query_string: { query: value, default_field: def.field, default_operator: 'and' } };
  if (def.kind === 'bool') return { term: { [def.field]: value ? 1 : 0 } };
  if (def.range) return { range: { [def.field]: { [def.range]: value } } };
  return { term: { [def.field]: value } };
}

/**
 * The DSL body for a filter body on the dataset whose filter table is `table`; throws 422 for
 * wrong types and 400 for an empty filter set.
 */
export function filtersToDsl(body: unknown, table: FilterTable): Dsl {
  const { filters, unsupported } = table;
  const exp = table.experiencePath;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationError([{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }]);
  }
  const entries = Object.entries(body as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined);
  const errors = entries
    .filter(([k]) => k in filters || k === 'active_experience' || k === 'keyword' || unsupported.has(k))
    .map(([k, v]) => (unsupported.has(k) ? { loc: ['body', k], msg: `filter ${k} is not supported: ${table.unsupportedReason}`, type: 'value_error.unsupported' } : checkType(k, filters[k], v)))
    .filter((e): e is ValidationItem => e !== null);
  if (errors.length > 0) throw validationError(errors);

  const root: Dsl[] = [];
  const nested = new Map<string, Dsl[]>();
  for (const [name, value] of entries) {
    if (name === 'active_experience') {
      const current = { nested: { path: exp, query: table.currentExperience } };
      root.push(value ? current : { bool: { must_not: [current] } });
    } else if (name === 'keyword') {
      root.push({ bool: { should: [
        ...table.keywordFields.map((f) => ({ query_string: { query: value, default_field: f, default_operator: 'and' } })),
        { nested: { path: exp, query: { query_string: { query: value, fields: table.keywordExperienceFields, default_operator: 'and' } } } },
      ] } });
    } else if (filters[name]) {
      const def = filters[name]!;
      if (def.nested) nested.set(def.nested, [...(nested.get(def.nested) ?? []), clause(def, value)]);
      else root.push(clause(def, value));
    }
  }
  for (const [path, must] of nested) root.push({ nested: { path, query: { bool: { must } } } });
  if (root.length === 0) throw new ApiError('FILTER_EMPTY');
  return { query: { bool: { must: root } } };
}

/** A dataset's search-filter body as ES DSL: by its filter table, or derived from its mapping. */
export function datasetFiltersToDsl(body: unknown, dataset: DatasetDefinition): Dsl {
  const table = dataset.filterTable;
  if (table === undefined) throw new Error(`${dataset.name} has no search filters`);
  return table === 'mapping' ? mappingFiltersToDsl(body, dataset.mapping) : filtersToDsl(body, table);
}
