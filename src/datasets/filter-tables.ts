// The search-filter parameters of each dataset that has a `search/filter` (v1: spec §4.1; Base:
// spec current/ §5.2, which keeps the v1 names): which field each filter targets and how it
// matches. domain/v1-filters.ts turns a filter body into ES DSL with one of these tables.

type Dsl = Record<string, unknown>;
export type FilterKind = 'text' | 'keyword' | 'int' | 'bool' | 'timestamp';

export interface FilterDef {
  readonly field: string;
  readonly kind: FilterKind;
  /** Nested path the field lives under, if any. */
  readonly nested?: string;
  readonly range?: 'gte' | 'lte';
}

export interface FilterTable {
  readonly filters: Readonly<Record<string, FilterDef>>;
  /** Filters Coresignal lists whose data the dataset does not carry: 422 naming them. */
  readonly unsupported: ReadonlySet<string>;
  readonly unsupportedReason: string;
  /** The experience collection (`active_experience`, `keyword`). */
  readonly experiencePath: string;
  /** Inside that collection: the entries `active_experience: true` means. */
  readonly currentExperience: Dsl;
  /** Root fields and experience fields `keyword` searches. */
  readonly keywordFields: readonly string[];
  readonly keywordExperienceFields: readonly string[];
}

const exp = 'member_experience_collection';
const edu = 'member_education_collection';

const v1Filters: Readonly<Record<string, FilterDef>> = {
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

export const v1FilterTable: FilterTable = {
  filters: v1Filters,
  unsupported: new Set([
  'experience_company_website_url', 'experience_company_website_exact_url', 'experience_company_industry',
  'experience_company_size', 'experience_company_employees_count_gte', 'experience_company_employees_count_lte', 'is_hidden',
  ]),
  unsupportedReason: 'v1 member records carry no company firmographics',
  experiencePath: exp,
  currentExperience: { bool: { must_not: [{ exists: { field: `${exp}.date_to` } }] } },
  keywordFields: ['name', 'title', 'summary', 'industry', 'location'],
  keywordExperienceFields: [`${exp}.title`, `${exp}.description`],
};



const bx = 'experience';
const be = 'education';

/** Base keeps the v1 filter names (spec current/ §5.2) on its own field names. */
export const baseFilterTable: FilterTable = {
  filters: {
    full_name: { field: 'full_name', kind: 'text' },
    name: { field: 'full_name', kind: 'text' },
    headline: { field: 'headline', kind: 'text' },
    title: { field: 'headline', kind: 'text' },
    location: { field: 'location', kind: 'text' },
    industry: { field: 'industry', kind: 'text' },
    summary: { field: 'summary', kind: 'text' },
    country: { field: 'country.exact', kind: 'keyword' },
    created_at_gte: { field: 'created_at', kind: 'timestamp', range: 'gte' },
    created_at_lte: { field: 'created_at', kind: 'timestamp', range: 'lte' },
    updated_at_gte: { field: 'updated_at', kind: 'timestamp', range: 'gte' },
    updated_at_lte: { field: 'updated_at', kind: 'timestamp', range: 'lte' },
    last_updated_gte: { field: 'updated_at', kind: 'timestamp', range: 'gte' },
    last_updated_lte: { field: 'updated_at', kind: 'timestamp', range: 'lte' },
    deleted: { field: 'deleted', kind: 'bool' },
    skill: { field: 'inferred_skills', kind: 'text' },
    inferred_skills: { field: 'inferred_skills', kind: 'text' },
    certification_name: { field: 'certifications.title', kind: 'text', nested: 'certifications' },
    certification_title: { field: 'certifications.title', kind: 'text', nested: 'certifications' },
    experience_title: { field: `${bx}.title`, kind: 'text', nested: bx },
    experience_company_name: { field: `${bx}.company_name`, kind: 'text', nested: bx },
    experience_company_exact_name: { field: `${bx}.company_name.exact`, kind: 'keyword', nested: bx },
    experience_company_website_url: { field: `${bx}.company_website`, kind: 'text', nested: bx },
    experience_company_website_exact_url: { field: `${bx}.company_website.exact`, kind: 'keyword', nested: bx },
    experience_company_professional_network_url: { field: `${bx}.company_url.exact`, kind: 'keyword', nested: bx },
    experience_company_linkedin_url: { field: `${bx}.company_url.exact`, kind: 'keyword', nested: bx },
    experience_company_industry: { field: `${bx}.company_industry`, kind: 'text', nested: bx },
    experience_company_size: { field: `${bx}.company_size.exact`, kind: 'keyword', nested: bx },
    experience_company_employees_count_gte: { field: `${bx}.company_employees_count`, kind: 'int', nested: bx, range: 'gte' },
    experience_company_employees_count_lte: { field: `${bx}.company_employees_count`, kind: 'int', nested: bx, range: 'lte' },
    experience_date_from: { field: `${bx}.date_from`, kind: 'keyword', nested: bx },
    experience_date_to: { field: `${bx}.date_to`, kind: 'keyword', nested: bx },
    experience_description: { field: `${bx}.description`, kind: 'text', nested: bx },
    experience_deleted: { field: `${bx}.deleted`, kind: 'bool', nested: bx },
    experience_company_id: { field: `${bx}.company_id`, kind: 'int', nested: bx },
    education_institution_name: { field: `${be}.institution`, kind: 'text', nested: be },
    education_institution_exact_name: { field: `${be}.institution.exact`, kind: 'keyword', nested: be },
    education_program_name: { field: `${be}.program`, kind: 'text', nested: be },
    education_description: { field: `${be}.description`, kind: 'text', nested: be },
    education_date_from: { field: `${be}.date_from`, kind: 'keyword', nested: be },
    education_date_to: { field: `${be}.date_to`, kind: 'keyword', nested: be },
    education_institution_professional_network_url: { field: `${be}.institution_url.exact`, kind: 'keyword', nested: be },
  },
  unsupported: new Set(['is_hidden']),
  unsupportedReason: 'Base records carry no hidden-profile flag',
  experiencePath: bx,
  currentExperience: { term: { [`${bx}.is_current`]: 1 } },
  keywordFields: ['full_name', 'headline', 'summary', 'industry', 'location'],
  keywordExperienceFields: [`${bx}.title`, `${bx}.description`],
};
