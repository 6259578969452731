// Derives a Multi-source Employee record (spec current/ §6.1) from a Clean record of the same
// person, by the rules of spec current/ §10.2: the same id, renamed fields, experience and
// education rows reshaped, totals and breakdowns computed. What Clean cannot supply (e-mails,
// salary projections, topics, GitHub, other sources' URLs) is null or [] and listed in
// docs/compatibility.md. Deterministic: the same Clean record always gives the same bytes.
import { createHash } from 'node:crypto';

type Rec = Record<string, unknown>;

const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const list = (v: unknown): Rec[] => (Array.isArray(v) ? (v.filter((x) => x !== null && typeof x === 'object') as Rec[]) : []);
export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** "June 2021" from year and month; the year alone when the month is unknown. */
export function monthYear(year: unknown, month: unknown): string | null {
  const y = num(year);
  const m = num(month);
  if (y === null) return null;
  return m !== null && m >= 1 && m <= 12 ? `${months[m - 1]} ${y}` : String(y);
}

/** A collection row's stable 32-hex id: the record, the collection and the row's position. */
export function rowId(id: unknown, collection: string, order: unknown): string {
  return createHash('md5').update(`${String(id)}:${collection}:${String(order)}`).digest('hex');
}

/** `YYYY-MM-DD` (Clean's last_updated) as a timestamp with microseconds, the time taken from the id. */
function timestamp(day: string | null, id: number): string | null {
  if (day === null || !/^\d{4}-\d{2}-\d{2}/.test(day)) return null;
  const h = createHash('md5').update(String(id)).digest();
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  return `${day.slice(0, 10)}T${pad(h[0]! % 24, 2)}:${pad(h[1]! % 60, 2)}:${pad(h[2]! % 60, 2)}.${pad(h.readUInt32BE(3) % 1_000_000, 6)}Z`;
}

function experienceRow(id: number, e: Rec): Rec {
  const open = e['date_to'] === null || e['date_to'] === undefined;
  return {
    id: rowId(id, 'experience', e['order_in_profile']),
    active_experience: open ? 1 : 0,
    position_title: str(e['title']),
    department: str(e['department']),
    management_level: str(e['management_level']),
    location: str(e['location']),
    description: str(e['description']),
    date_from: monthYear(e['date_from_year'], e['date_from_month']),
    date_from_year: num(e['date_from_year']),
    date_from_month: num(e['date_from_month']),
    date_to: open ? null : monthYear(e['date_to_year'], e['date_to_month']),
    date_to_year: open ? null : num(e['date_to_year']),
    date_to_month: open ? null : num(e['date_to_month']),
    duration_months: num(e['duration_months']),
    order_in_profile: num(e['order_in_profile']),
    company_id: num(e['company_id']),
    company_name: str(e['company_name']),
    company_type: str(e['company_type']),
    company_founded_year: typeof e['company_founded'] === 'string' && /^\d{4}$/.test(e['company_founded']) ? Number(e['company_founded']) : num(e['company_founded']),
    company_followers_count: num(e['company_followers_count']),
    company_website: str(e['company_website']),
    company_facebook_url: strings(e['company_facebook_url']),
    company_twitter_url: strings(e['company_twitter_url']),
    company_linkedin_url: str(e['company_professional_network_url']),
    company_size_range: str(e['company_size_range']),
    company_employees_count: num(e['company_size_employees_count']),
    company_industry: str(e['company_industry']),
    company_categories_and_keywords: strings(e['company_categories_and_keywords']),
    company_annual_revenue_source_1: num(e['company_annual_revenue']),
    company_annual_revenue_currency_source_1: str(e['company_annual_revenue_currency']),
    company_annual_revenue_source_5: null,
    company_annual_revenue_currency_source_5: null,
    company_employees_count_change_yearly_percentage: num(e['company_employees_count_change_yearly_percentage']),
    company_last_funding_round_date: str(e['company_last_funding_round_announced_date']),
    company_last_funding_round_amount_raised: num(e['company_last_funding_round_amount_raised']),
    company_hq_full_address: str(e['company_location_hq_full_address']),
    company_hq_country: str(e['company_location_hq_country']),
    company_hq_regions: strings(e['company_location_hq_regions']),
    company_hq_country_iso2: str(e['company_location_hq_country_iso2']),
    company_hq_country_iso3: str(e['company_location_hq_country_iso3']),
    company_hq_city: str(e['company_location_hq_city']),
    company_hq_state: str(e['company_location_hq_state']),
    company_hq_street: str(e['company_location_hq_street']),
    company_hq_zipcode: str(e['company_location_hq_zipcode']),
    company_last_updated_at: str(e['company_last_updated']),
    company_stock_ticker: strings(e['company_stock_ticker']).map((ticker) => ({ exchange: null, ticker })),
    company_is_b2b: num(e['company_is_b2b']),
  };
}

export function year(v: unknown): number | null {
  if (typeof v === 'number') return v;
  const m = typeof v === 'string' ? /^(\d{4})/.exec(v) : null;
  return m ? Number(m[1]) : null;
}

function breakdown(rows: Rec[], key: 'department' | 'management_level'): Rec[] {
  const sums = new Map<string, number>();
  for (const e of rows) {
    const k = str(e[key]);
    if (k !== null) sums.set(k, (sums.get(k) ?? 0) + (num(e['duration_months']) ?? 0));
  }
  return [...sums].map(([k, total]) => ({ [key]: k, total_experience_duration_months: total }));
}

const orderOf = (rows: Rec[]): Rec[] => rows.map((r) => ({ ...r, order_in_profile: num(r['order_in_profile']) }));

/** Letters of a name part as an e-mail local part: accents dropped, lower case, a-z only. */
function mailPart(v: unknown): string {
  return typeof v === 'string' ? v.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase() : '';
}

/**
 * Work e-mails (not in Clean; generated plausibly, docs/compatibility.md): first.last@ and
 * flast@ the current employer's website domain, as Coresignal's pattern-matched addresses look.
 * None for someone without a current employer with a website.
 */
function workEmails(c: Rec, active: Rec | undefined): Rec[] {
  const site = str(active?.['company_website']);
  const domain = site ? site.replace(/^[a-z]+:\/\//i, '').replace(/^www\./i, '').replace(/\/.*$/, '').toLowerCase() : '';
  const first = mailPart(c['name_first']);
  const last = mailPart(c['name_last']);
  if (!domain || !first || !last) return [];
  return [
    { professional_email: `${first}.${last}@${domain}`, professional_email_status: 'matched_pattern', order_of_priority: 1 },
    { professional_email: `${first[0]}${last}@${domain}`, professional_email_status: 'guessed_common_pattern', order_of_priority: 2 },
  ];
}

/** Median annual base pay in USD by management level (generated, not a salary model). */
const medianPay: Record<string, number> = {
  Intern: 38_000, Specialist: 72_000, Senior: 104_000, Manager: 128_000, Head: 152_000, Director: 168_000,
  'President/Vice President': 205_000, 'C-Level': 240_000, Partner: 220_000, Owner: 150_000, Founder: 160_000,
};

/**
 * Salary projections (not in Clean; generated plausibly): a median by management level, moved by
 * up to ±15% per person (from the id), with the 25th and 75th percentiles around it and a bonus.
 */
function salary(id: number, level: string | null, updated: string | null): Rec {
  const median = level !== null ? medianPay[level] : undefined;
  const h = createHash('md5').update(`salary:${id}`).digest();
  const base = Math.round(((median ?? 0) * (0.85 + (h[0]! / 255) * 0.3)) / 100) * 100;
  const bonus = Math.round((base * (0.04 + (h[1]! / 255) * 0.08)) / 100) * 100;
  const day = updated ? updated.slice(0, 10) : null;
  const band = (v: number): [number, number, number] => [Math.round((v * 0.9) / 100) * 100, v, Math.round((v * 1.11) / 100) * 100];
  const [b25, b50, b75] = band(base);
  const [a25, a50, a75] = band(bonus);
  const [t25, t50, t75] = band(base + bonus);
  const projected: Rec = {
    projected_base_salary_p25: b25, projected_base_salary_median: b50, projected_base_salary_p75: b75,
    projected_base_salary_period: 'ANNUAL', projected_base_salary_currency: 'USD', projected_base_salary_updated_at: day,
    projected_additional_salary: [{ projected_additional_salary_type: 'Cash Bonus', projected_additional_salary_p25: a25, projected_additional_salary_median: a50, projected_additional_salary_p75: a75 }],
    projected_additional_salary_period: 'ANNUAL', projected_additional_salary_currency: 'USD', projected_additional_salary_updated_at: day,
    projected_total_salary_p25: t25, projected_total_salary_median: t50, projected_total_salary_p75: t75,
    projected_total_salary_period: 'ANNUAL', projected_total_salary_currency: 'USD', projected_total_salary_updated_at: day,
  };
  // Without a level there is nothing to project: the same keys, empty.
  return median !== undefined ? projected : Object.fromEntries(Object.entries(projected).map(([k, v]) => [k, Array.isArray(v) ? [] : null]));
}

export function multiSourceFromClean(c: Rec): Rec {
  const id = Number(c['id']);
  const initial = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v[0]!.toUpperCase() : null);
  const experience = list(c['experience']).filter((e) => e['deleted'] !== 1);
  const rows = experience.map((e) => experienceRow(id, e));
  const active = rows.filter((e) => e['active_experience'] === 1).sort((a, b) => Number(a['order_in_profile'] ?? 0) - Number(b['order_in_profile'] ?? 0))[0];
  const education = list(c['education']).map((e) => ({
    id: rowId(id, 'education', e['order_in_profile']),
    degree: str(e['major']),
    description: str(e['description']),
    institution_url: str(e['institution_url']),
    institution_name: str(e['title']),
    institution_full_address: null, institution_country_iso2: null, institution_country_iso3: null, institution_regions: [],
    institution_city: null, institution_state: null, institution_street: null, institution_zipcode: null,
    date_from_year: year(e['date_from']),
    date_to_year: year(e['date_to']),
    activities_and_societies: str(e['activities_and_societies']),
    order_in_profile: num(e['order_in_profile']),
  }));
  const graduation = education.map((e) => e.date_to_year).filter((y): y is number => y !== null);
  const updated = timestamp(str(c['last_updated']), id);
  const emails = workEmails(c, active);
  const publicId = str(c['public_profile_id']);
  const patents = list(c['patents']).map((p) => {
    const { patent_or_application_number: number, inventors: _inventors, date_day: _day, ...rest } = p;
    return { ...rest, patent_number: number ?? null, order_in_profile: num(p['order_in_profile']) };
  });
  const publications = list(c['publications']).map((p) => {
    const { publisher, authors: _authors, date_day: _day, ...rest } = p;
    return { ...rest, publisher_names: typeof publisher === 'string' ? [publisher] : [], order_in_profile: num(p['order_in_profile']) };
  });
  return {
    id,
    parent_id: id,
    created_at: updated,
    updated_at: updated,
    checked_at: updated,
    changed_at: updated,
    experience_change_last_identified_at: null,
    is_deleted: num(c['is_deleted']) ?? 0,
    is_parent: 1,
    public_profile_id: publicId !== null && /^\d{1,15}$/.test(publicId) ? Number(publicId) : null,
    professional_network_url: str(c['websites_professional_network']),
    professional_network_shorthand_names: strings(c['shorthand_names']),
    facebook_url: null,
    twitter_url: null,
    financial_website_url: null,
    website: null,
    historical_ids: [id],
    full_name: str(c['full_name']),
    first_name: str(c['name_first']),
    first_name_initial: initial(c['name_first']),
    middle_name: str(c['name_middle']),
    middle_name_initial: initial(c['name_middle']),
    last_name: str(c['name_last']),
    last_name_initial: initial(c['name_last']),
    headline: str(c['headline']),
    generated_headline: str(c['generated_headline']),
    summary: str(c['description']),
    services: null,
    picture_url: str(c['picture_url']),
    connections_count: num(c['connections_count']),
    followers_count: num(c['follower_count']),
    interests: [],
    primary_professional_email: emails[0]?.['professional_email'] ?? null,
    primary_professional_email_status: emails[0]?.['professional_email_status'] ?? null,
    professional_emails_collection: emails,
    location_full: str(c['location_full']),
    location_country: str(c['location_country']),
    location_city: str(c['location_city']),
    location_state: str(c['location_state']),
    location_country_iso2: str(c['location_country_iso_2']),
    location_country_iso3: str(c['location_country_iso_3']),
    location_regions: strings(c['location_regions']),
    is_working: num(c['is_working']) ?? 0,
    active_experience_company_id: num(active?.['company_id']) ?? num(c['company_id']),
    active_experience_title: str(c['job_title']),
    active_experience_description: str(c['job_description']),
    active_experience_department: str(c['department']),
    active_experience_management_level: str(c['management_level']),
    is_decision_maker: num(c['is_decision_maker']) ?? 0,
    // Declared skills stand in for inferred ones (no skills model here; docs/compatibility.md).
    inferred_skills: strings(c['skills']),
    historical_skills: strings(c['skills']),
    total_experience_duration_months: num(c['total_experience_duration_months']),
    total_experience_duration_months_breakdown_department: breakdown(experience, 'department'),
    total_experience_duration_months_breakdown_management_level: breakdown(experience, 'management_level'),
    experience: rows,
    last_graduation_date: graduation.length > 0 ? Math.max(...graduation) : null,
    education_degrees: education.map((e) => e.degree).filter((d): d is string => d !== null),
    education,
    ...salary(id, str(c['management_level']), str(c['last_updated'])),
    profile_root_field_changes_summary: [],
    profile_collection_field_changes_summary: [],
    experience_recently_started: [],
    experience_recently_closed: [],
    recommendations_count: num(c['recommendations_count']),
    recommendations: list(c['recommendations']).map((r) => ({ recommendation: str(r['recommendation']), referee_full_name: str(r['referee_name']), referee_url: str(r['referee_url']), order_in_profile: num(r['order_in_profile']) })),
    activity: orderOf(list(c['activity'])),
    awards: orderOf(list(c['awards'])),
    courses: orderOf(list(c['courses'])),
    certifications: orderOf(list(c['certifications'])),
    languages: orderOf(list(c['languages'])),
    patents_count: patents.length,
    patents_topics: [],
    patents,
    publications_count: publications.length,
    publications_topics: [],
    publications,
    projects_count: 0,
    projects_topics: [],
    projects: [],
    organizations: list(c['organizations']).map((o) => {
      const { organization, ...rest } = o;
      return { ...rest, organization_name: organization ?? null, order_in_profile: num(o['order_in_profile']) };
    }),
    github_url: null,
    github_username: null,
    github_mapping_confidence: null,
    github_contributions_count: null,
    github_repos_summary: null,
  };
}
