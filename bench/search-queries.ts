// The bench:search query set: the spec examples that fit the Clean dataset plus term, range,
// nested, phrase, wildcard and query_string mixes, selective and broad. Each has a hand-written
// SQL baseline over the same index tables: the statement a person would write for that query,
// returning the matching record ids.
import type { IndexLayout } from '../src/search/index-layout.js';

export interface BenchQuery {
  readonly name: string;
  readonly body: Record<string, unknown>;
  /** SQL selecting the ids of matching records, plus its parameters. */
  baseline(l: IndexLayout): { sql: string; params: unknown[] };
  /** The page timed, reached by `after` cursors through the pages before it (default 1). */
  readonly page?: number;
}

/** Twenty single-word skills, for a long `should` list. */
const skillWords = ['python', 'java', 'sql', 'leadership', 'communication', 'teamwork', 'excel', 'management', 'research', 'negotiation',
  'mentoring', 'docker', 'kubernetes', 'aws', 'javascript', 'marketing', 'sales', 'accounting', 'design', 'agile'];
/** 500 company ids (the generator's companies are 70000001..70005000, the first the largest). */
const companyIds = Array.from({ length: 500 }, (_, i) => 70000001 + i * 10);

const T = 'employee_clean';
const col = (l: IndexLayout, path: string): string => `c${l.tokenField.get(path)!.column}`;
const num = (l: IndexLayout, path: string): number => l.numberField.get(path)!.id;
const fts = (type: string) => `${T}_fts_${type}`;

export const benchQueries: readonly BenchQuery[] = [
  {
    name: 'spec clean_01: Python in description/title or experience (query_string, nested)',
    body: { query: { bool: { should: [
      { query_string: { query: 'Python', default_field: 'description', default_operator: 'and' } },
      { query_string: { query: 'Python', default_field: 'job_title', default_operator: 'and' } },
      { nested: { path: 'experience', query: { bool: { should: [
        { query_string: { query: 'Python', default_field: 'experience.description', default_operator: 'and' } },
        { query_string: { query: 'Python', default_field: 'experience.title', default_operator: 'and' } },
      ] } } } },
    ] } } },
    baseline: (l) => ({
      sql: `SELECT rowid AS id FROM ${fts('root')} WHERE ${fts('root')} MATCH ?
            UNION SELECT rowid / 1024 FROM ${fts('experience')} WHERE ${fts('experience')} MATCH ?`,
      params: [`{${col(l, 'description')} ${col(l, 'job_title')}} : python`, `{${col(l, 'experience.description')} ${col(l, 'experience.title')}} : python`],
    }),
  },
  {
    name: 'spec generic_01: match_all (everything)',
    body: { query: { match_all: {} } },
    baseline: () => ({ sql: `SELECT id FROM ${T}_records`, params: [] }),
  },
  {
    name: 'current employees of one company (nested term + must_not exists)',
    body: { query: { nested: { path: 'experience', query: { bool: { must: [{ term: { 'experience.company_id': 70000010 } }], must_not: [{ exists: { field: 'experience.date_to' } }] } } } } },
    baseline: (l) => ({
      sql: `SELECT DISTINCT n.doc / 1024 AS id FROM ${T}_num_experience n WHERE n.field = ? AND n.value = ?
            AND n.doc NOT IN (SELECT rowid FROM ${fts('experience')} WHERE ${fts('experience')} MATCH ?)`,
      params: [num(l, 'experience.company_id'), 70000010, `${col(l, 'experience.date_to')} : "\u00b5"`],
    }),
  },
  {
    name: 'US profiles with 1,000+ followers (term + range)',
    body: { query: { bool: { filter: [{ term: { location_country_iso_2: 'US' } }, { range: { follower_count: { gte: 1000 } } }] } } },
    baseline: (l) => ({
      sql: `SELECT rowid AS id FROM ${fts('root')} WHERE ${fts('root')} MATCH ?
            INTERSECT SELECT doc FROM ${T}_num_root WHERE field = ? AND value >= ?`,
      params: [`${col(l, 'location_country_iso_2')} : "\u00b5${Buffer.from('US').toString('hex')}"`, num(l, 'follower_count'), 1000],
    }),
  },
  {
    name: 'spec tp_05: phrase in headline + location match',
    body: { query: { bool: { must: [{ match_phrase: { headline: 'data engineer' } }, { match: { location_country: 'united states' } }] } } },
    baseline: (l) => ({
      sql: `SELECT rowid AS id FROM ${fts('root')} WHERE ${fts('root')} MATCH ?`,
      params: [`${col(l, 'headline')} : "data" + "engineer" AND ${col(l, 'location_country')} : (united OR states)`],
    }),
  },
  {
    name: 'wildcard on job_title.exact (*Engineer*) with exists',
    body: { query: { bool: { filter: [{ wildcard: { 'job_title.exact': '*Engineer*' } }, { exists: { field: 'headline' } }] } } },
    baseline: () => ({
      sql: `SELECT r.id FROM ${T}_records r WHERE json_extract(record_text(r.record), '$.job_title') GLOB '*Engineer*' AND json_extract(record_text(r.record), '$.headline') IS NOT NULL`,
      params: [],
    }),
  },
  {
    name: 'query_string boolean: (python OR java) AND NOT intern',
    body: { query: { query_string: { query: '(python OR java) AND NOT intern', default_field: 'description' } } },
    baseline: (l) => ({ sql: `SELECT rowid AS id FROM ${fts('root')} WHERE ${fts('root')} MATCH ?`, params: [`${col(l, 'description')} : ((python OR java) NOT intern)`] }),
  },
  {
    name: 'spec tp_03: nested range on company size',
    body: { query: { nested: { path: 'experience', query: { range: { 'experience.company_size_employees_count': { gte: 1000, lte: 5000 } } } } } },
    baseline: (l) => ({ sql: `SELECT DISTINCT doc / 1024 AS id FROM ${T}_num_experience WHERE field = ? AND value BETWEEN ? AND ?`, params: [num(l, 'experience.company_size_employees_count'), 1000, 5000] }),
  },
  {
    name: 'terms on country + recent last_updated',
    body: { query: { bool: { filter: [{ terms: { location_country_iso_2: ['DE', 'FR', 'GB'] } }, { range: { last_updated: { gte: '2025-01-01' } } }] } } },
    baseline: (l) => ({
      sql: `SELECT rowid AS id FROM ${fts('root')} WHERE ${fts('root')} MATCH ?
            INTERSECT SELECT doc FROM ${T}_num_root WHERE field = ? AND value >= ?`,
      params: [`${col(l, 'location_country_iso_2')} : ("\u00b5${Buffer.from('DE').toString('hex')}" OR "\u00b5${Buffer.from('FR').toString('hex')}" OR "\u00b5${Buffer.from('GB').toString('hex')}")`, num(l, 'last_updated'), Date.UTC(2025, 0, 1)],
    }),
  },
  {
    name: 'spec base_01 style: match full_name with operator and, sort id',
    body: { query: { match: { full_name: { query: 'john smith', operator: 'and' } } }, sort: ['id'] },
    baseline: (l) => ({ sql: `SELECT rowid AS id FROM ${fts('root')} WHERE ${fts('root')} MATCH ?`, params: [`${col(l, 'full_name')} : (john AND smith)`] }),
  },
  {
    name: 'skills python, sort _score',
    body: { query: { match: { skills: 'python' } }, sort: ['_score'] },
    baseline: (l) => ({ sql: `SELECT rowid AS id FROM ${fts('root')} WHERE ${fts('root')} MATCH ?`, params: [`${col(l, 'skills')} : python`] }),
  },
  {
    name: 'match description "cloud" filtered by management_level Senior',
    body: { query: { bool: { must: [{ match: { description: 'cloud' } }], filter: [{ term: { management_level: 'Senior' } }] } } },
    baseline: (l) => ({ sql: `SELECT rowid AS id FROM ${fts('root')} WHERE ${fts('root')} MATCH ?`, params: [`${col(l, 'description')} : cloud AND ${col(l, 'management_level')} : "\u00b5${Buffer.from('Senior').toString('hex')}"`] }),
  },
  {
    name: 'selective: exact full name',
    body: { query: { term: { 'full_name.exact': 'Avery Marlow' } } },
    baseline: (l) => ({ sql: `SELECT rowid AS id FROM ${fts('root')} WHERE ${fts('root')} MATCH ?`, params: [`${col(l, 'full_name.exact')} : "\u00b5${Buffer.from('Avery Marlow').toString('hex')}"`] }),
  },
  {
    name: 'prefix on full_name.exact ("Jo")',
    body: { query: { prefix: { 'full_name.exact': 'Jo' } } },
    baseline: () => ({ sql: `SELECT id FROM ${T}_records WHERE json_extract(record_text(record), '$.full_name') GLOB 'Jo*'`, params: [] }),
  },
  {
    name: 'should of 20 skills, minimum_should_match 3',
    body: { query: { bool: { should: skillWords.map((s) => ({ match: { skills: s } })), minimum_should_match: 3 } } },
    baseline: (l) => ({
      sql: `SELECT id FROM (${skillWords.map(() => `SELECT rowid AS id FROM ${fts('root')} WHERE ${fts('root')} MATCH ?`).join(' UNION ALL ')}) GROUP BY id HAVING count(*) >= 3`,
      params: skillWords.map((s) => `${col(l, 'skills')} : ${s}`),
    }),
  },
  {
    name: 'terms: 500 current company ids',
    body: { query: { terms: { company_id: companyIds } } },
    baseline: (l) => ({ sql: `SELECT DISTINCT doc AS id FROM ${T}_num_root WHERE field = ? AND value IN (${companyIds.map(() => '?').join(',')})`, params: [num(l, 'company_id'), ...companyIds] }),
  },
  {
    name: 'nested range + must_not: current jobs at 1,000-5,000 employee companies',
    body: { query: { nested: { path: 'experience', query: { bool: { filter: [{ range: { 'experience.company_size_employees_count': { gte: 1000, lte: 5000 } } }], must_not: [{ exists: { field: 'experience.date_to' } }] } } } } },
    baseline: (l) => ({
      sql: `SELECT DISTINCT n.doc / 1024 AS id FROM ${T}_num_experience n WHERE n.field = ? AND n.value BETWEEN ? AND ?
            AND n.doc NOT IN (SELECT rowid FROM ${fts('experience')} WHERE ${fts('experience')} MATCH ?)`,
      params: [num(l, 'experience.company_size_employees_count'), 1000, 5000, `${col(l, 'experience.date_to')} : "\u00b5"`],
    }),
  },
  {
    name: 'multi_match "data engineer" over headline, job_title, description',
    body: { query: { multi_match: { query: 'data engineer', fields: ['headline', 'job_title', 'description'] } } },
    baseline: (l) => ({
      sql: `SELECT rowid AS id FROM ${fts('root')} WHERE ${fts('root')} MATCH ?`,
      params: [`{${col(l, 'headline')} ${col(l, 'job_title')} ${col(l, 'description')}} : (data OR engineer)`],
    }),
  },
  {
    name: 'regexp on job_title.exact: "(Senior\\|Lead) .*"',
    body: { query: { regexp: { 'job_title.exact': '(Senior|Lead) .*' } } },
    baseline: () => ({
      sql: `SELECT id FROM ${T}_records WHERE json_extract(record_text(record), '$.job_title') GLOB 'Senior *' OR json_extract(record_text(record), '$.job_title') GLOB 'Lead *'`,
      params: [],
    }),
  },
  {
    name: 'US profiles in the default date order, page 20 (after cursors)',
    body: { query: { term: { location_country_iso_2: 'US' } } },
    page: 20,
    baseline: (l) => ({ sql: `SELECT rowid AS id FROM ${fts('root')} WHERE ${fts('root')} MATCH ?`, params: [`${col(l, 'location_country_iso_2')} : "\u00b5${Buffer.from('US').toString('hex')}"`] }),
  },
];

/** Clean field names and their Multi-source counterparts (spec current/ §10.2). */
const multiSourceFields: Readonly<Record<string, string>> = {
  description: 'summary',
  job_title: 'active_experience_title',
  'job_title.exact': 'active_experience_title.exact',
  'experience.title': 'experience.position_title',
  location_country_iso_2: 'location_country_iso2',
  follower_count: 'followers_count',
  last_updated: 'updated_at',
  'experience.company_size_employees_count': 'experience.company_employees_count',
  skills: 'historical_skills',
  management_level: 'active_experience_management_level.exact',
  company_id: 'active_experience_company_id',
  headline: 'headline',
};

/**
 * The same query asked of the Multi-source dataset: every Clean field name (as an object key or
 * a `default_field`) replaced by its Multi-source counterpart.
 */
export function asMultiSource(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(asMultiSource);
  if (body === null || typeof body !== 'object') return body;
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).map(([k, v]) => [
    multiSourceFields[k] ?? k,
    k === 'default_field' && typeof v === 'string' ? multiSourceFields[v] ?? v
      : k === 'fields' && Array.isArray(v) ? v.map((f) => (typeof f === 'string' ? multiSourceFields[f] ?? f : f))
        : asMultiSource(v),
  ]));
}

