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
