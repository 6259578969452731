// Derives a Base Employee record (spec current/ §6.2) for a generated person from the v1 member
// record and the Clean record of the same person, by the rules of spec current/ §10.1: Base is
// v1's successor, so most fields are v1's under new names; what v1 lacks (followers, ISO codes,
// city and state, company firmographics in experience, issuer URLs) comes from Clean. Every
// collection row gets a stable 32-hex id, `order_in_profile`, `deleted`, `created_at` and
// `updated_at`. Deterministic: the same two records always give the same bytes.
import { list, monthYear, num, rowId, str, strings, year } from './multi-source-shape.js';

type Rec = Record<string, unknown>;

/** v1's "Sep 2021" / "2021" as Base's "September 2021" with year and month. */
function v1Date(v: unknown): { text: string | null; year: number | null; month: number | null } {
  const s = str(v);
  if (s === null) return { text: null, year: null, month: null };
  const short = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const m = /^([A-Z][a-z]{2})\w* (?:\d{1,2}, )?(\d{4})$/.exec(s);
  if (m && short.includes(m[1]!)) {
    const month = short.indexOf(m[1]!) + 1;
    return { text: monthYear(Number(m[2]), month), year: Number(m[2]), month };
  }
  const y = year(s);
  return { text: y === null ? s : String(y), year: y, month: null };
}

/** v1's `date_from` and `date_to` as Base's six fields (text, year and month of each). */
function span(row: Rec): Rec {
  const from = v1Date(row['date_from']);
  const to = v1Date(row['date_to']);
  return {
    date_from: from.text, date_from_year: from.year, date_from_month: from.month,
    date_to: to.text, date_to_year: to.year, date_to_month: to.month,
  };
}

function slugOf(url: unknown, kind: string): string | null {
  const m = typeof url === 'string' ? new RegExp(`/${kind}/([^/?#]+)`).exec(url) : null;
  return m ? m[1]!.toLowerCase() : null;
}

/** The fields every Base collection row carries, from the v1 row when there is one. */
function rowBase(id: number, collection: string, order: number, v1: Rec | undefined, fallback: { created: string | null; updated: string | null }): Rec {
  return {
    id: rowId(id, collection, order),
    order_in_profile: order,
    deleted: num(v1?.['deleted']) ?? 0,
    created_at: str(v1?.['created']) ?? fallback.created,
    updated_at: str(v1?.['last_updated']) ?? fallback.updated,
  };
}

/** Rows of a v1 collection (or Clean's, where Clean has the richer rows) in Base's shape. */
function rows(id: number, collection: string, items: Rec[], make: (item: Rec, i: number) => Rec, v1Rows: Rec[], times: { created: string | null; updated: string | null }): Rec[] {
  return items.map((item, i) => {
    const order = num(item['order_in_profile']) ?? i + 1;
    return { ...rowBase(id, collection, order, v1Rows[i], times), ...make(item, i) };
  });
}

const fromList = (row: Rec, listKey: string, field: string): string | null => str((row[listKey] as Rec | undefined)?.[field]);

export function baseFromPerson(v1: Rec, clean: Rec): Rec {
  const id = Number(v1['id']);
  const times = { created: str(v1['created']), updated: str(v1['last_updated']) };
  const v1List = (k: string): Rec[] => list(v1[`member_${k}_collection`]);
  const cleanExperience = list(clean['experience']);
  const experience = v1List('experience').map((e, i) => {
    const order = num(e['order_in_profile']) ?? i + 1;
    const c = cleanExperience.find((x) => num(x['order_in_profile']) === order) ?? {};
    const url = str(e['company_url']);
    return {
      ...rowBase(id, 'experience', order, e, times),
      title: str(e['title']),
      location: str(e['location']),
      company_id: num(e['company_id']),
      company_source_id: null,
      company_name: str(e['company_name']),
      company_url: url,
      company_logo_url: null,
      company_shorthand_name: slugOf(url, 'company'),
      company_url_shorthand_name: slugOf(url, 'company'),
      company_url_canonical_shorthand_name: slugOf(url, 'company'),
      company_industry: str(c['company_industry']),
      company_website: str(c['company_website']),
      company_employees_count: num(c['company_size_employees_count']),
      company_size: str(c['company_size_range']),
      ...span(e),
      is_current: e['date_to'] === null || e['date_to'] === undefined ? 1 : 0,
      duration: str(e['duration']),
      description: str(e['description']),
      deleted_at: null,
    };
  });
  const education = v1List('education').map((e, i) => {
    const order = num(e['order_in_profile']) ?? i + 1;
    const url = str(e['school_url']);
    return {
      ...rowBase(id, 'education', order, e, times),
      institution: str(e['title']),
      program: str(e['subtitle']),
      institution_id: null,
      institution_source_id: null,
      ...span(e),
      activities_and_societies: str(e['activities_and_societies']),
      description: str(e['description']),
      institution_url: url,
      institution_logo_url: null,
      institution_shorthand_name: slugOf(url, 'school'),
      deleted_at: null,
    };
  });
  const dated = (c: Rec, key: 'date' | 'date_from' | 'date_to'): Rec => ({
    [key]: monthYear(c[`${key}_year`], c[`${key}_month`]),
    [`${key}_year`]: num(c[`${key}_year`]),
    [`${key}_month`]: num(c[`${key}_month`]),
  });
  const skills = v1List('skills').map((s) => fromList(s, 'member_skill_list', 'skill')).filter((s): s is string => s !== null);
  const profileUrl = str(v1['canonical_url']) ?? str(v1['url']);
  const shorthands = [...new Set([str(v1['member_shorthand_name']), str(v1['canonical_shorthand_name'])].filter((s): s is string => s !== null))];
  return {
    id,
    parent_id: id,
    is_parent: 1,
    full_name: str(v1['name']),
    first_name: str(v1['first_name']),
    last_name: str(v1['last_name']),
    headline: str(v1['title']),
    created_at: times.created,
    updated_at: times.updated,
    checked_at: times.updated,
    processed_at: times.updated,
    public_profile_id: str(clean['public_profile_id']),
    profile_url: profileUrl,
    location: str(v1['location']),
    city: str(clean['location_city']),
    state: str(clean['location_state']),
    industry: str(v1['industry']),
    summary: str(v1['summary']),
    services: null,
    profile_photo_url: str(v1['logo_url']),
    deleted: num(v1['deleted']) ?? 0,
    country: str(v1['country']),
    country_iso_2: str(clean['location_country_iso_2']),
    country_iso_3: str(clean['location_country_iso_3']),
    regions: strings(clean['location_regions']).map((region) => ({ region })),
    recommendations_count: typeof v1['recommendations_count'] === 'string' && /^\d+$/.test(v1['recommendations_count']) ? Number(v1['recommendations_count']) : num(v1['recommendations_count']),
    connections_count: num(v1['connections_count']),
    follower_count: num(clean['follower_count']),
    experience_count: num(v1['experience_count']) ?? experience.length,
    shorthand_name: str(v1['member_shorthand_name']),
    canonical_shorthand_name: str(v1['canonical_shorthand_name']),
    shorthand_names: shorthands.map((shorthand_name) => ({ shorthand_name })),
    historical_ids: [{ id }],
    // Declared skills stand in for inferred ones (no skills model here; docs/compatibility.md).
    inferred_skills: skills,
    experience,
    education,
    awards: rows(id, 'awards', list(clean['awards']), (a) => ({ title: str(a['title']), issuer: str(a['issuer']), description: str(a['description']), ...dated(a, 'date'), date_day: num(a['date_day']) }), v1List('awards'), times),
    certifications: rows(id, 'certifications', list(clean['certifications']), (c) => ({
      title: str(c['title']), issuer: str(c['issuer']), credential_id: str(c['credential_id']), certificate_url: str(c['certificate_url']), certificate_logo_url: null,
      ...dated(c, 'date_from'), ...dated(c, 'date_to'), issuer_url: str(c['issuer_url']),
    }), v1List('certifications'), times),
    courses: rows(id, 'courses', list(clean['courses']), (c) => ({ organizer: str(c['organizer']), title: str(c['title']) }), v1List('courses'), times),
    languages: rows(id, 'languages', list(clean['languages']), (l) => ({ language: str(l['language']), proficiency: str(l['proficiency']) }), v1List('languages'), times),
    organizations: rows(id, 'organizations', list(clean['organizations']), (o) => ({
      organization: str(o['organization']), position: str(o['position']), description: str(o['description']), ...dated(o, 'date_from'), ...dated(o, 'date_to'),
    }), v1List('organizations'), times),
    patents: rows(id, 'patents', list(clean['patents']), (p) => ({
      title: str(p['title']), status: str(p['status']), inventors: list(p['inventors']), ...dated(p, 'date'), date_day: num(p['date_day']),
      patent_url: str(v1List('patents').find((x) => x['title'] === p['title'])?.['url']), description: str(p['description']), patent_or_application_number: str(p['patent_or_application_number']),
    }), v1List('patents'), times),
    projects: rows(id, 'projects', v1List('projects'), (p) => {
      const members = (str(p['team_members']) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      return {
        name: str(p['name']), project_url: str(p['url']), description: str(p['description']), ...span(p),
        team_members: members.map((full_name, i) => ({ full_name, profile_url: null, order_in_profile: i + 1 })),
      };
    }, v1List('projects'), times),
    publications: rows(id, 'publications', list(clean['publications']), (p) => ({
      title: str(p['title']), publisher: str(p['publisher']), ...dated(p, 'date'), date_day: num(p['date_day']), description: str(p['description']),
      authors: list(p['authors']), publication_url: str(v1List('publications').find((x) => x['title'] === p['title'])?.['url']),
    }), v1List('publications'), times),
    recommendations: rows(id, 'recommendations', list(clean['recommendations']), (r) => ({ recommendation: str(r['recommendation']), full_name: str(r['referee_name']), referee_url: str(r['referee_url']) }), v1List('recommendations'), times),
    similar_profiles: rows(id, 'similar_profiles', v1List('similar_profiles'), (s) => ({ profile_url: str(s['url']), full_name: null, headline: null, location: null, company: null, followers: null }), v1List('similar_profiles'), times),
    others_named: [],
    test_scores: [],
    volunteering_positions: rows(id, 'volunteering_positions', v1List('volunteering_positions'), (v) => ({
        organization: str(v['organization']), role: str(v['role']), cause: fromList(v, 'member_volunteering_positions_cause_list', 'cause'), ...span(v),
        duration: str(v['duration']), description: str(v['description']), organization_url: str(v['organization_url']), organization_shorthand_name: slugOf(v['organization_url'], 'company'),
      }), v1List('volunteering_positions'), times),
    websites: rows(id, 'websites', v1List('websites'), (w) => ({ personal_website: str(w['website']) }), v1List('websites'), times),
    course_suggestions: rows(id, 'course_suggestions', v1List('courses_suggestion'), (c) => ({ title: fromList(c, 'member_courses_suggestion_list', 'name'), course_url: fromList(c, 'member_courses_suggestion_list', 'url') }), v1List('courses_suggestion'), times),
    activity: rows(id, 'activity', list(clean['activity']), (a) => ({ activity_url: str(a['activity_url']), title: str(a['title']), action: str(a['action']) }), [], times),
    also_viewed: rows(id, 'also_viewed', v1List('also_viewed'), (a) => ({ full_name: null, profile_url: str(a['url']), headline: str(a['title']), location: str(a['location']) }), v1List('also_viewed'), times),
    groups: rows(id, 'groups', v1List('groups'), (g) => ({ title: str(g['name']), url: str(g['url']) }), v1List('groups'), times),
    interests: rows(id, 'interests', v1List('interests'), (x) => ({ interest: fromList(x, 'member_interest_list', 'interest') }), v1List('interests'), times),
    posts_see_more_urls: rows(id, 'posts_see_more_urls', v1List('posts_see_more_urls'), (x) => ({ url: str(x['url']) }), v1List('posts_see_more_urls'), times),
    skills: rows(id, 'skills', v1List('skills'), (x) => ({ skill: fromList(x, 'member_skill_list', 'skill') }), v1List('skills'), times),
    volunteering_cares: rows(id, 'volunteering_cares', v1List('volunteering_cares'), (x) => ({ care: fromList(x, 'member_volunteering_care_list', 'care') }), v1List('volunteering_cares'), times),
    volunteering_opportunities: rows(id, 'volunteering_opportunities', v1List('volunteering_opportunities'), (x) => ({ opportunity: fromList(x, 'member_volunteering_opportunity_list', 'opportunity') }), v1List('volunteering_opportunities'), times),
    volunteering_supports: rows(id, 'volunteering_supports', v1List('volunteering_supports'), (x) => ({ support: fromList(x, 'member_volunteering_support_list', 'support') }), v1List('volunteering_supports'), times),
    hidden_details: [],
  };
}
