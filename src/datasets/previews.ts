// Preview objects: the short form of a record that search/es_dsl/preview returns, one function
// per dataset (named by its registry entry).
type Rec = Record<string, unknown>;

/** The current job: the open, undeleted experience entry listed first. */
function currentExperience(record: Rec): Rec | null {
  const list = Array.isArray(record['experience']) ? (record['experience'] as Rec[]) : [];
  const current = list.filter((e) => e && e['date_to'] === null && e['deleted'] !== 1);
  current.sort((a, b) => Number(a['order_in_profile'] ?? 0) - Number(b['order_in_profile'] ?? 0));
  return current[0] ?? null;
}

const cleanRecordFields = [
  'id', 'full_name', 'websites_professional_network', 'headline', 'location_full', 'location_raw_address',
  'location_country', 'connections_count', 'follower_count',
] as const;
const cleanCompanyFields = ['company_name', 'company_professional_network_url', 'company_website', 'company_industry'] as const;
const cleanJobFields = ['job_title', 'management_level', 'department'] as const;

/**
 * Clean (spec §5.2): the fields after `company_industry` are unconfirmed; Rollcall adds the
 * current job's title, level and department. `company_*` come from the current experience listed
 * first, as on Base preview.
 */
export function cleanPreview(record: Rec, score: number): Rec {
  const out: Rec = {};
  for (const f of cleanRecordFields) out[f] = record[f] ?? null;
  const job = currentExperience(record);
  for (const f of cleanCompanyFields) out[f] = job?.[f] ?? null;
  for (const f of cleanJobFields) out[f] = record[f] ?? null;
  out['_score'] = score;
  return out;
}

const multiSourceRecordFields = [
  'id', 'full_name', 'professional_network_url', 'headline', 'location_full', 'location_country', 'connections_count', 'followers_count',
] as const;
const multiSourceJobFields = ['active_experience_title', 'active_experience_department', 'active_experience_management_level'] as const;

/**
 * Multi-source (spec current/ §4.5, fields after `headline` from a live test): `company_*` from
 * the active experience row listed first; its `company_linkedin_url` is sent as
 * `company_professional_network_url`.
 */
export function multiSourcePreview(record: Rec, score: number): Rec {
  const rows = Array.isArray(record['experience']) ? (record['experience'] as Rec[]) : [];
  const job = rows.filter((e) => e && e['active_experience'] === 1).sort((a, b) => Number(a['order_in_profile'] ?? 0) - Number(b['order_in_profile'] ?? 0))[0] ?? null;
  const out: Rec = {};
  for (const f of multiSourceRecordFields) out[f] = record[f] ?? null;
  out['company_name'] = job?.['company_name'] ?? null;
  out['company_professional_network_url'] = job?.['company_linkedin_url'] ?? null;
  out['company_website'] = job?.['company_website'] ?? null;
  out['company_industry'] = job?.['company_industry'] ?? null;
  for (const f of multiSourceJobFields) out[f] = record[f] ?? null;
  out['company_hq_full_address'] = job?.['company_hq_full_address'] ?? null;
  out['company_hq_country'] = job?.['company_hq_country'] ?? null;
  out['_score'] = score;
  return out;
}

const baseRecordFields = [
  'id', 'full_name', 'profile_url', 'headline', 'location', 'country', 'industry', 'connections_count', 'follower_count', 'experience_count',
] as const;

/**
 * Base (spec current/ §5.3, §10.3): the record's fields, then the current job's (`is_current`,
 * not deleted, listed first): title, company and its location as `experience_location`.
 */
export function basePreview(record: Rec, score: number): Rec {
  const rows = Array.isArray(record['experience']) ? (record['experience'] as Rec[]) : [];
  const job = rows.filter((e) => e && e['is_current'] === 1 && e['deleted'] !== 1).sort((a, b) => Number(a['order_in_profile'] ?? 0) - Number(b['order_in_profile'] ?? 0))[0] ?? null;
  const out: Rec = {};
  for (const f of baseRecordFields) out[f] = record[f] ?? null;
  out['title'] = job?.['title'] ?? null;
  for (const f of ['company_name', 'company_url', 'company_website', 'company_industry'] as const) out[f] = job?.[f] ?? null;
  out['experience_location'] = job?.['location'] ?? null;
  out['_score'] = score;
  return out;
}
