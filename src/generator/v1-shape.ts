// Renders a person model as a v1 "member" record (samples/employee_v1.json): v1 date formats
// ("Jun 2021"), string recommendations_count, display-string connections, md5 hashes, and every
// member_*_collection with the common row fields id / member_id / created / last_updated / deleted.

import { createHash } from 'node:crypto';
import { memoize } from './memoize.js';
import {
  CAUSES, COURSE_SUGGESTIONS, INDUSTRIES, INTERESTS, LANGUAGES, PATENT_STATUSES, PROFICIENCIES, VOLUNTEER_OPPORTUNITIES,
  VOLUNTEER_SUPPORTS,
} from './catalog.js';
import { formatDateTime, formatDuration, formatMonthDayYear, formatMonthYear, monthsBetween } from './dates.js';
import type { Derived } from './derived.js';
import { COUNTRIES } from './geo.js';
import type { PersonModel, PersonRef } from './model.js';
import type { Pools } from './pools.js';
import { slugify } from './slug.js';

type Row = Record<string, unknown>;

/** Lookup-list rows (skills, languages, ...) were created long before any member row. */
const LIST_TIMESTAMP = '2016-01-01 00:00:00';
/** Base of the row numbers of the non-experience collections (experience rows use 1..199). */
const OTHER_ROWS_SEQ = 200;

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** md5 of a lookup-list value; memoised because the same few hundred values repeat constantly. */
const listHash = memoize(md5);

function listEntry(id: number, key: string, value: string): Row {
  return { id, [key]: value, hash: listHash(value), created: LIST_TIMESTAMP, last_updated: LIST_TIMESTAMP };
}

/** Per-record row factory: numbers rows, stamps the common fields in the sample's key order. */
class RowMaker {
  private seq = OTHER_ROWS_SEQ;

  constructor(
    private readonly memberId: number,
    private readonly rowBase: number,
    private readonly created: string,
    private readonly lastUpdated: string,
  ) {}

  row(fields: Row): Row {
    return this.rowWith(this.seq++, this.created, fields);
  }

  rowWith(seq: number, created: string, fields: Row): Row {
    return { id: this.rowBase + seq, member_id: this.memberId, ...fields, created, last_updated: this.lastUpdated, deleted: 0 };
  }
}

export function renderV1(model: PersonModel, pools: Pools, d: Derived): Row {
  const { identity } = model;
  const created = formatDateTime(model.createdTs);
  const lastUpdated = formatDateTime(model.updatedTs);
  // Row ids are unique across the dataset: 1,000 row numbers per person.
  const rows = new RowMaker(identity.id, (identity.index + 1) * 1000, created, lastUpdated);
  const urlHash = md5(identity.url);
  const shorthandHash = md5(identity.shorthand);
  const industryCompany = pools.companies[model.jobs[0].company];
  return {
    id: identity.id,
    name: identity.name,
    first_name: identity.first,
    last_name: identity.last,
    title: d.headline,
    url: identity.url,
    hash: urlHash,
    location: identity.location,
    industry: INDUSTRIES[industryCompany.industry].v1Name,
    summary: model.summary,
    connections: model.connectionsCount >= 500 ? '500+ connections' : `${model.connectionsCount} connections`,
    recommendations_count: String(model.recommendations.length),
    logo_url: model.pictureUrl,
    last_response_code: 200,
    created,
    last_updated: lastUpdated,
    outdated: 0,
    deleted: 0,
    country: COUNTRIES[identity.countryIdx].name,
    connections_count: model.connectionsCount,
    experience_count: model.jobs.length,
    last_updated_ux: model.updatedTs,
    member_shorthand_name: identity.shorthand,
    member_shorthand_name_hash: shorthandHash,
    canonical_url: identity.url,
    canonical_hash: urlHash,
    canonical_shorthand_name: identity.shorthand,
    canonical_shorthand_name_hash: shorthandHash,
    ...collections(model, pools, d, rows),
  };
}

/** All member_*_collection arrays, alphabetical like the sample. */
function collections(model: PersonModel, pools: Pools, d: Derived, rows: RowMaker): Row {
  const v1 = model.v1;
  return {
    member_also_viewed_collection: v1.alsoViewed.map((p) => rows.row({ url: p.url, title: null, location: p.location })),
    member_awards_collection: model.awards.map((a) => rows.row({
      title: a.title, issuer: a.issuer, description: a.description, date: formatMonthYear(a.month),
    })),
    member_certifications_collection: model.certifications.map((c) => rows.row({
      name: c.title, authority: c.issuer, url: c.url,
      date_from: formatMonthYear(c.from), date_to: c.to === null ? null : formatMonthYear(c.to),
    })),
    member_courses_collection: model.courses.map((c) => rows.row({ position: null, courses: c.title })),
    member_courses_suggestion_collection: v1.courseSuggestions.map((s) => rows.row({
      course_suggestion_id: 500 + s,
      member_courses_suggestion_list: {
        id: 500 + s, name: COURSE_SUGGESTIONS[s], hash: listHash(COURSE_SUGGESTIONS[s]),
        url: `https://learning.example.com/${slugify(COURSE_SUGGESTIONS[s])}`,
        created: LIST_TIMESTAMP, last_updated: LIST_TIMESTAMP,
      },
    })),
    member_education_collection: model.education.map((e) => rows.row({
      title: e.school.name, subtitle: `${e.degree}, ${e.field}`, date_from: String(e.fromYear), date_to: String(e.toYear),
      activities_and_societies: e.activities, description: e.description, school_url: e.school.url,
    })),
    member_experience_collection: experienceRows(model, pools, d, rows),
    member_groups_collection: v1.groups.map((g) => rows.row({ name: g.name, url: g.url })),
    member_interests_collection: v1.interests.map((i) => rows.row({
      interest_id: 300 + i, member_interest_list: listEntry(300 + i, 'interest', INTERESTS[i]),
    })),
    member_languages_collection: model.languages.map((l) => rows.row({
      language_id: l.language + 1,
      proficiency_id: l.proficiency + 1,
      member_language_list: listEntry(l.language + 1, 'language', LANGUAGES[l.language]),
      member_language_proficiency_list: listEntry(l.proficiency + 1, 'proficiency', PROFICIENCIES[l.proficiency]),
    })),
    member_organizations_collection: model.organizations.map((o) => rows.row({
      organization: o.name, position: o.position, description: o.description,
      date_from: formatMonthYear(o.from), date_to: o.to === null ? null : formatMonthYear(o.to),
    })),
    member_patents_collection: model.patents.map((p) => rows.row({
      title: p.title, status_id: p.status + 1, inventors: names(p.inventors), date: formatMonthDayYear(p.month, p.day),
      url: p.url, description: p.description, valid_area: 'United States',
      member_patent_status_list: listEntry(p.status + 1, 'status', PATENT_STATUSES[p.status]),
    })),
    member_posts_see_more_urls_collection: v1.postUrls.map((url) => rows.row({ url })),
    member_projects_collection: v1.projects.map((p) => rows.row({
      name: p.name, url: p.url, description: p.description, date_from: String(p.fromYear),
      date_to: p.toYear === null ? null : String(p.toYear), team_members: p.teamMembers,
    })),
    member_publications_collection: model.publications.map((p) => rows.row({
      title: p.title, publisher: p.publisher, date: formatMonthDayYear(p.month, p.day), description: p.description,
      authors: p.authors.length > 1 ? names(p.authors) : null, url: p.url,
    })),
    member_recommendations_collection: model.recommendations.map((r) => rows.row({ recommendation: r.text })),
    member_similar_profiles_collection: v1.similarProfiles.map((url) => rows.row({ url })),
    member_skills_collection: model.skills.map((s) => rows.row({
      skill_id: pools.skills[s].id, member_skill_list: listEntry(pools.skills[s].id, 'skill', pools.skills[s].name),
    })),
    member_test_scores_collection: [],
    member_volunteering_cares_collection: v1.cares.map((c) => rows.row({
      care_id: 400 + c, member_volunteering_care_list: listEntry(400 + c, 'care', CAUSES[c]),
    })),
    member_volunteering_opportunities_collection: v1.opportunities.map((o) => rows.row({
      opportunity_id: 450 + o, member_volunteering_opportunity_list: listEntry(450 + o, 'opportunity', VOLUNTEER_OPPORTUNITIES[o]),
    })),
    member_volunteering_positions_collection: v1.volunteering.map((v) => rows.row({
      organization: v.organization, role: v.role, cause_id: 400 + v.cause,
      date_from: formatMonthYear(v.from), date_to: v.to === null ? null : formatMonthYear(v.to),
      duration: formatDuration(monthsBetween(v.from, v.to ?? d.asOfMonth)), description: v.description,
      organization_url: v.organizationUrl,
      member_volunteering_positions_cause_list: listEntry(400 + v.cause, 'cause', CAUSES[v.cause]),
    })),
    member_volunteering_supports_collection: v1.supports.map((s) => rows.row({
      support_id: 470 + s, member_volunteering_support_list: listEntry(470 + s, 'support', VOLUNTEER_SUPPORTS[s]),
    })),
    member_websites_collection: v1.websites.map((website) => rows.row({ website })),
  };
}

function experienceRows(model: PersonModel, pools: Pools, d: Derived, rows: RowMaker): Row[] {
  return model.jobs.map((job, k) => {
    const company = pools.companies[job.company];
    return rows.rowWith(job.seq, formatDateTime(job.createdTs), {
      title: job.title,
      location: job.location,
      company_name: company.name,
      company_url: company.networkUrl,
      date_from: formatMonthYear(job.from),
      date_to: job.to === null ? null : formatMonthYear(job.to),
      duration: formatDuration(d.jobMonths[k]),
      description: job.description,
      order_in_profile: k + 1,
      company_id: company.id,
    });
  });
}

function names(list: readonly PersonRef[]): string {
  return list.map((p) => p.fullName).join(', ');
}
