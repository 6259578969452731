// The v1 search-filter body (spec §3.4, §4.1) translated into Elasticsearch DSL, which then goes
// through the same parser and engine as es_dsl: there is one query engine, not two.
//   - text filters are full-text: the value may use AND/OR, parentheses, quoted phrases and a
//     trailing `*` (query_string syntax, words combined with AND);
//   - `*_exact_*` filters and keyword fields match whole values;
//   - all `experience_*` filters must hold in the same experience entry (one nested query), and
//     likewise the `education_*` filters;
//   - unknown filter names are ignored (pydantic's default); a wrong type is a 422 naming it.
import { ApiError, validationError, type ValidationItem } from '../errors/catalogue.js';

type Dsl = Record<string, unknown>;
type Kind = 'text' | 'keyword' | 'int' | 'bool' | 'timestamp';

interface FilterDef {
  readonly field: string;
  readonly kind: Kind;
  /** Nested path the field lives under, if any. */
  readonly nested?: string;
  readonly range?: 'gte' | 'lte';
}

const exp = 'member_experience_collection';
const edu = 'member_education_collection';

const filters: Readonly<Record<string, FilterDef>> = {
  name: { field: 'name', kind: 'text' },
  full_name: { field: 'name', kind: 'text' },
  title: { field: 'title', kind: 'text' },
  headline: { field: 'title', kind: 'text' },
  location: { field: 'location', kind: 'text' },
  industry: { field: 'industry', kind: 'text' },
  summary: { field: 'summary', kind: 'text' },
  country: { field: 'country', kind: 'keyword' },
  created_at_gte: { field: 'created', kind: 'timestamp', range: 'gte' },
  created_at_lte: { field: 'created', kind: 'timestamp', range: 'lte' },
  last_updated_gte: { field: 'last_updated', kind: 'timestamp', range: 'gte' },
  last_updated_lte: { field: 'last_updated', kind: 'timestamp', range: 'lte' },
  last_updated_at_lte: { field: 'last_updated', kind: 'timestamp', range: 'lte' },
  updated_at_gte: { field: 'last_updated', kind: 'timestamp', range: 'gte' },
  updated_at_lte: { field: 'last_updated', kind: 'timestamp', range: 'lte' },
  deleted: { field: 'deleted', kind: 'bool' },
  skill: { field: 'member_skills_collection.member_skill_list.skill', kind: 'text', nested: 'member_skills_collection' },
  certification_name: { field: 'member_certifications_collection.name', kind: 'text', nested: 'member_certifications_collection' },
  certification_title: { field: 'member_certifications_collection.name', kind: 'text', nested: 'member_certifications_collection' },
  experience_title: { field: `${exp}.title`, kind: 'text', nested: exp },
  experience_company_name: { field: `${exp}.company_name`, kind: 'text', nested: exp },
  experience_company_exact_name: { field: `${exp}.company_name.exact`, kind: 'keyword', nested: exp },
  experience_company_professional_network_url: { field: `${exp}.company_url.exact`, kind: 'keyword', nested: exp },
  experience_company_linkedin_url: { field: `${exp}.company_url.exact`, kind: 'keyword', nested: exp },
  experience_date_from: { field: `${exp}.date_from`, kind: 'keyword', nested: exp },
  experience_date_to: { field: `${exp}.date_to`, kind: 'keyword', nested: exp },
  experience_description: { field: `${exp}.description`, kind: 'text', nested: exp },
  experience_deleted: { field: `${exp}.deleted`, kind: 'bool', nested: exp },
  experience_company_id: { field: `${exp}.company_id`, kind: 'int', nested: exp },
  education_institution_name: { field: `${edu}.title`, kind: 'text', nested: edu },
  education_institution_exact_name: { field: `${edu}.title.exact`, kind: 'keyword', nested: edu },
  education_program_name: { field: `${edu}.subtitle`, kind: 'text', nested: edu },
  education_description: { field: `${edu}.description`, kind: 'text', nested: edu },
  education_date_from: { field: `${edu}.date_from`, kind: 'keyword', nested: edu },
  education_date_to: { field: `${edu}.date_to`, kind: 'keyword', nested: edu },
  education_institution_professional_network_url: { field: `${edu}.school_url`, kind: 'keyword', nested: edu },
};

/** Filters Coresignal lists whose data v1 member records do not carry (company firmographics). */
const unsupported = new Set([
  'experience_company_website_url', 'experience_company_website_exact_url', 'experience_company_industry',
  'experience_company_size', 'experience_company_employees_count_gte', 'experience_company_employees_count_lte', 'is_hidden',
]);

const keywordFields = ['name', 'title', 'summary', 'industry', 'location'];

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
  if (def.kind === 'timestamp') return { range: { [def.field]: { [def.range!]: value } } };
  return { term: { [def.field]: value } };
}

/** The DSL body for a filter body; throws 422 for wrong types and 400 for an empty filter set. */
export function filtersToDsl(body: unknown): Dsl {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationError([{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }]);
  }
  const entries = Object.entries(body as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined);
  const errors = entries
    .filter(([k]) => k in filters || k === 'active_experience' || k === 'keyword' || unsupported.has(k))
    .map(([k, v]) => (unsupported.has(k) ? { loc: ['body', k], msg: `filter ${k} is not supported: v1 member records carry no company firmographics`, type: 'value_error.unsupported' } : checkType(k, filters[k], v)))
    .filter((e): e is ValidationItem => e !== null);
  if (errors.length > 0) throw validationError(errors);

  const root: Dsl[] = [];
  const nested = new Map<string, Dsl[]>();
  for (const [name, value] of entries) {
    if (name === 'active_experience') {
      const current = { nested: { path: exp, query: { bool: { must_not: [{ exists: { field: `${exp}.date_to` } }] } } } };
      root.push(value ? current : { bool: { must_not: [current] } });
    } else if (name === 'keyword') {
      root.push({ bool: { should: [
        ...keywordFields.map((f) => ({ query_string: { query: value, default_field: f, default_operator: 'and' } })),
        { nested: { path: exp, query: { query_string: { query: value, fields: [`${exp}.title`, `${exp}.description`], default_operator: 'and' } } } },
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
