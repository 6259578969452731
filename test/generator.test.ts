// Tests for the seeded synthetic people generator (src/generator/).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { changedPeopleBetween, DEFAULT_FIRST_ID, generatePeople } from '../src/generator/people-generator.js';
import type { GeneratedPerson, GeneratorOptions } from '../src/generator/people-generator.js';
import { writeDatasets } from '../src/generator/write-datasets.js';

type Rec = Record<string, unknown>;

// Key sets of /work/shared/spec/samples/employee_clean.json and employee_v1.json (minus _comment).
const CLEAN_KEYS = [
  'id', 'full_name', 'name_first', 'name_middle', 'name_last', 'websites_professional_network', 'shorthand_names',
  'public_profile_id', 'picture_url', 'headline', 'generated_headline', 'description', 'job_title', 'job_description',
  'company_id', 'department', 'management_level', 'is_decision_maker', 'is_working', 'is_hidden', 'is_deleted',
  'last_updated', 'skills', 'follower_count', 'connections_count', 'recommendations_count', 'total_experience_duration',
  'total_experience_duration_months', 'location_full', 'location_raw_address', 'location_country', 'location_regions',
  'location_city', 'location_state', 'location_country_iso_2', 'location_country_iso_3', 'experience', 'education',
  'certifications', 'languages', 'recommendations', 'courses', 'awards', 'activity', 'organizations', 'patents',
  'publications',
];
const CLEAN_EXPERIENCE_KEYS = [
  'title', 'description', 'location', 'department', 'management_level', 'order_in_profile', 'deleted', 'date_from',
  'date_from_year', 'date_from_month', 'date_to', 'date_to_year', 'date_to_month', 'duration', 'duration_months',
  'company_id', 'company_name', 'company_professional_network_url', 'company_website', 'company_industry',
  'company_type', 'company_founded', 'company_followers_count', 'company_size_range', 'company_size_employees_count',
  'company_facebook_url', 'company_twitter_url', 'company_location_hq_full_address', 'company_location_hq_country',
  'company_location_hq_regions', 'company_location_hq_country_iso2', 'company_location_hq_country_iso3',
  'company_location_hq_city', 'company_location_hq_state', 'company_location_hq_street', 'company_location_hq_zipcode',
  'company_last_updated', 'company_categories_and_keywords', 'company_stock_ticker', 'company_is_b2b',
  'company_annual_revenue', 'company_annual_revenue_currency', 'company_employees_count_change_yearly_percentage',
  'company_last_funding_round_announced_date', 'company_last_funding_round_amount_raised',
];
const CLEAN_SECTION_KEYS: Record<string, string[]> = {
  education: ['title', 'major', 'institution_url', 'description', 'activities_and_societies', 'date_from', 'date_to', 'order_in_profile'],
  certifications: ['title', 'issuer', 'credential_id', 'certificate_url', 'issuer_url', 'date_from', 'date_from_year', 'date_from_month', 'date_to', 'date_to_year', 'date_to_month', 'order_in_profile'],
  languages: ['language', 'proficiency', 'order_in_profile'],
  recommendations: ['recommendation', 'referee_name', 'referee_url', 'order_in_profile'],
  courses: ['title', 'organizer', 'order_in_profile'],
  awards: ['title', 'issuer', 'description', 'date', 'date_year', 'date_month', 'order_in_profile'],
  activity: ['activity_url', 'title', 'action', 'order_in_profile'],
  organizations: ['organization', 'position', 'description', 'date_from', 'date_from_year', 'date_from_month', 'date_to', 'date_to_year', 'date_to_month', 'order_in_profile'],
  publications: ['title', 'publisher', 'date', 'date_year', 'date_month', 'date_day', 'description', 'authors', 'publication_url', 'order_in_profile'],
};
const V1_KEYS = [
  'id', 'name', 'first_name', 'last_name', 'title', 'url', 'hash', 'location', 'industry', 'summary', 'connections',
  'recommendations_count', 'logo_url', 'last_response_code', 'created', 'last_updated', 'outdated', 'deleted', 'country',
  'connections_count', 'experience_count', 'last_updated_ux', 'member_shorthand_name', 'member_shorthand_name_hash',
  'canonical_url', 'canonical_hash', 'canonical_shorthand_name', 'canonical_shorthand_name_hash',
  'member_also_viewed_collection', 'member_awards_collection', 'member_certifications_collection',
  'member_courses_collection', 'member_courses_suggestion_collection', 'member_education_collection',
  'member_experience_collection', 'member_groups_collection', 'member_interests_collection',
  'member_languages_collection', 'member_organizations_collection', 'member_patents_collection',
  'member_posts_see_more_urls_collection', 'member_projects_collection', 'member_publications_collection',
  'member_recommendations_collection', 'member_similar_profiles_collection', 'member_skills_collection',
  'member_test_scores_collection', 'member_volunteering_cares_collection',
  'member_volunteering_opportunities_collection', 'member_volunteering_positions_collection',
  'member_volunteering_supports_collection', 'member_websites_collection',
];
const V1_EXPERIENCE_KEYS = [
  'id', 'member_id', 'title', 'location', 'company_name', 'company_url', 'date_from', 'date_to', 'duration',
  'description', 'order_in_profile', 'company_id', 'created', 'last_updated', 'deleted',
];

const generated = new Map<string, GeneratedPerson[]>();
/** Memoised: several tests look at the same few thousand people. */
function people(options: GeneratorOptions): GeneratedPerson[] {
  const key = JSON.stringify(options);
  let list = generated.get(key);
  if (list === undefined) {
    list = [...generatePeople(options)];
    generated.set(key, list);
  }
  return list;
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const serialise = (list: GeneratedPerson[]): string[] => list.map((p) => JSON.stringify(p.clean) + '\n' + JSON.stringify(p.v1));
const rows = (record: Rec, key: string): Rec[] => record[key] as Rec[];
/** "2021-06" -> month index. */
const monthIdx = (ym: string): number => Number(ym.slice(0, 4)) * 12 + Number(ym.slice(5, 7)) - 1;

test('same seed gives byte-identical output; a different seed gives different people', () => {
  const a = serialise([...generatePeople({ people: 200, seed: 7, snapshot: 0 })]);
  const b = serialise([...generatePeople({ people: 200, seed: 7, snapshot: 0 })]);
  assert.deepEqual(a, b);
  const c = serialise([...generatePeople({ people: 200, seed: 8, snapshot: 0 })]);
  const same = a.filter((line, i) => line === c[i]).length;
  assert.equal(same, 0, 'different seeds should not produce identical people');
});

test('person i does not depend on how many people are generated', () => {
  for (const snapshot of [0, 3]) {
    const few = serialise([...generatePeople({ people: 10, seed: 11, snapshot })]);
    const many = serialise([...generatePeople({ people: 400, seed: 11, snapshot })]);
    assert.deepEqual(few, many.slice(0, 10));
  }
});

test('ids start at firstId (default 100000001) and are consecutive', () => {
  const list = people({ people: 50, seed: 3, snapshot: 0 });
  list.forEach((p, i) => assert.equal(p.clean.id, DEFAULT_FIRST_ID + i));
  const custom = [...generatePeople({ people: 3, seed: 3, snapshot: 0, firstId: 5 })];
  assert.deepEqual(custom.map((p) => p.v1.id), [5, 6, 7]);
});

test('records have exactly the sample key sets', () => {
  for (const { clean, v1 } of people({ people: 300, seed: 5, snapshot: 0 })) {
    assert.deepEqual(Object.keys(clean), CLEAN_KEYS);
    assert.deepEqual(Object.keys(v1), V1_KEYS);
    for (const e of rows(clean, 'experience')) assert.deepEqual(Object.keys(e), CLEAN_EXPERIENCE_KEYS);
    for (const [section, keys] of Object.entries(CLEAN_SECTION_KEYS)) {
      for (const row of rows(clean, section)) assert.deepEqual(Object.keys(row), keys, section);
    }
    for (const e of rows(v1, 'member_experience_collection')) assert.deepEqual(Object.keys(e), V1_EXPERIENCE_KEYS);
    for (const key of V1_KEYS.filter((k) => k.endsWith('_collection'))) {
      assert.ok(Array.isArray(v1[key]), key);
      for (const row of rows(v1, key)) {
        const k = Object.keys(row);
        assert.deepEqual(k.slice(0, 2), ['id', 'member_id'], key);
        assert.deepEqual(k.slice(-3), ['created', 'last_updated', 'deleted'], key);
        assert.equal(row.member_id, v1.id);
      }
    }
  }
});

test('v1 value formats follow the sample', () => {
  const dateTime = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
  const monthYear = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}$/;
  for (const { v1 } of people({ people: 300, seed: 5, snapshot: 0 })) {
    assert.equal(typeof v1.recommendations_count, 'string');
    assert.match(v1.connections as string, /^(500\+|\d{1,3}) connections$/);
    assert.match(v1.created as string, dateTime);
    assert.match(v1.last_updated as string, dateTime);
    assert.ok((v1.created as string) < (v1.last_updated as string));
    assert.equal(v1.last_updated_ux, Date.parse(`${(v1.last_updated as string).replace(' ', 'T')}Z`) / 1000);
    assert.equal(v1.hash, md5(v1.url as string));
    assert.equal(v1.canonical_hash, md5(v1.canonical_url as string));
    assert.equal(v1.member_shorthand_name_hash, md5(v1.member_shorthand_name as string));
    assert.equal(v1.canonical_shorthand_name_hash, md5(v1.canonical_shorthand_name as string));
    const year = Number((v1.last_updated as string).slice(0, 4));
    assert.ok(year >= 2024 && year <= 2026);
    for (const e of rows(v1, 'member_experience_collection')) {
      assert.match(e.date_from as string, monthYear);
      if (e.date_to !== null) assert.match(e.date_to as string, monthYear);
    }
    const rowIds = V1_KEYS.filter((k) => k.endsWith('_collection')).flatMap((k) => rows(v1, k).map((r) => r.id));
    assert.equal(new Set(rowIds).size, rowIds.length, 'row ids are unique within a record');
  }
});

test('clean and v1 records of a person agree', () => {
  for (const { clean, v1 } of people({ people: 300, seed: 5, snapshot: 0 })) {
    const shorthand = (clean.shorthand_names as string[])[0];
    assert.equal(clean.id, v1.id);
    assert.equal(shorthand, v1.member_shorthand_name);
    assert.equal(shorthand, v1.canonical_shorthand_name);
    assert.equal(clean.websites_professional_network, `https://www.professional-network.example/in/${shorthand}`);
    assert.equal(v1.url, clean.websites_professional_network);
    assert.equal(v1.name, `${clean.name_first as string} ${clean.name_last as string}`);
    assert.equal(v1.title, clean.headline);
    assert.equal(v1.location, clean.location_full);
    assert.equal(v1.summary, clean.description);
    assert.equal((v1.last_updated as string).slice(0, 10), clean.last_updated);
    assert.equal(Number(v1.recommendations_count), rows(clean, 'recommendations').length);
    const cleanExp = rows(clean, 'experience');
    const v1Exp = rows(v1, 'member_experience_collection');
    assert.equal(v1.experience_count, cleanExp.length);
    assert.deepEqual(v1Exp.map((e) => [e.title, e.company_id, e.duration, e.order_in_profile]),
      cleanExp.map((e) => [e.title, e.company_id, e.duration, e.order_in_profile]));
    assert.deepEqual(rows(v1, 'member_skills_collection').map((s) => ((s.member_skill_list as Rec).skill as string).toLowerCase()), clean.skills);
  }
});

test('shorthand names are unique, lower-case slugs', () => {
  const list = people({ people: 5000, seed: 9, snapshot: 0 });
  const names = list.map((p) => (p.clean.shorthand_names as string[])[0]);
  assert.equal(new Set(names).size, names.length);
  for (const name of names) assert.match(name, /^[a-z0-9]+(-[a-z0-9]+)*-[0-9a-f]{8}$/);
});

/** Experience invariants shared by the base snapshot and later snapshots. */
function checkExperience(clean: Rec, baseSnapshot: boolean): void {
  const exp = rows(clean, 'experience');
  assert.ok(exp.length >= 1, 'at least one job');
  if (baseSnapshot) assert.ok(exp.length <= 8, 'at most 8 jobs in the base snapshot');
  const asOf = monthIdx(clean.last_updated as string);
  exp.forEach((e, k) => {
    assert.equal(e.order_in_profile, k + 1);
    if (k > 0) assert.notEqual(e.date_to, null, 'only the newest job can be current');
    const from = monthIdx(e.date_from as string);
    const to = e.date_to === null ? asOf : monthIdx(e.date_to as string);
    assert.equal(e.date_from_year, Number((e.date_from as string).slice(0, 4)));
    assert.equal(e.date_from_month, Number((e.date_from as string).slice(5, 7)));
    assert.equal(e.date_to_year, e.date_to === null ? null : Number((e.date_to as string).slice(0, 4)));
    assert.ok(from <= to && to <= asOf, 'dates in order and not after the record date');
    assert.equal(e.duration_months, to - from + 1);
    if (k > 0) {
      const newerFrom = monthIdx(exp[k - 1].date_from as string);
      // Snapshot job changes end the old job in the month the new one starts.
      assert.ok(baseSnapshot ? newerFrom > to : newerFrom >= to, 'jobs do not overlap');
    }
  });
  const covered = new Set<number>();
  for (const e of exp) {
    const to = e.date_to === null ? asOf : monthIdx(e.date_to as string);
    for (let m = monthIdx(e.date_from as string); m <= to; m++) covered.add(m);
  }
  assert.equal(clean.total_experience_duration_months, covered.size);
  const current = exp[0].date_to === null ? exp[0] : null;
  assert.equal(clean.is_working, current === null ? 0 : 1);
  assert.equal(clean.job_title, current === null ? null : current.title);
  assert.equal(clean.company_id, current === null ? null : current.company_id);
  assert.equal(clean.department, current === null ? null : current.department);
  assert.equal(clean.management_level, current === null ? null : current.management_level);
  if (current === null) assert.equal(clean.is_decision_maker, 0);
  else assert.equal(clean.headline, `${current.title as string} at ${current.company_name as string}`);
}

test('experience timelines are consistent and top-level job fields match the current job', () => {
  const base = people({ people: 2000, seed: 1, snapshot: 0 });
  for (const { clean } of base) checkExperience(clean, true);
  for (const { clean } of people({ people: 2000, seed: 1, snapshot: 6 })) checkExperience(clean, false);
  const working = base.filter((p) => p.clean.is_working === 1).length / base.length;
  assert.ok(working > 0.8 && working < 0.9, `about 85% have a current job (got ${working})`);
});

test('section sizes stay within the specified ranges', () => {
  const ranges: [string, number, number][] = [
    ['education', 0, 3], ['skills', 3, 15], ['certifications', 0, 4], ['languages', 1, 3], ['recommendations', 0, 3],
    ['courses', 0, 2], ['awards', 0, 2], ['activity', 0, 2], ['organizations', 0, 2], ['publications', 0, 2], ['patents', 0, 2],
  ];
  for (const { clean } of people({ people: 2000, seed: 1, snapshot: 0 })) {
    for (const [key, min, max] of ranges) {
      const n = (clean[key] as unknown[]).length;
      assert.ok(n >= min && n <= max, `${key}: ${n}`);
    }
  }
});

test('clean records average 4-10 KB of JSON', () => {
  const list = people({ people: 2000, seed: 1, snapshot: 0 });
  const avg = list.reduce((sum, p) => sum + JSON.stringify(p.clean).length, 0) / list.length;
  assert.ok(avg >= 4000 && avg <= 10000, `average clean record is ${Math.round(avg)} bytes`);
});

test('snapshot 1 changes a few percent of people, exactly those reported by changedPeopleBetween', () => {
  const base = people({ people: 2000, seed: 1, snapshot: 0 });
  const next = people({ people: 2000, seed: 1, snapshot: 1 });
  const expected = changedPeopleBetween(1, 2000, 0, 1);
  const changed = new Set<number>();
  base.forEach((before, i) => {
    const after = next[i];
    const cleanSame = JSON.stringify(before.clean) === JSON.stringify(after.clean);
    const v1Same = JSON.stringify(before.v1) === JSON.stringify(after.v1);
    assert.equal(cleanSame, v1Same, 'clean and v1 change together');
    if (cleanSame) return;
    changed.add(after.clean.id as number);
    assert.ok((after.clean.last_updated as string) > (before.clean.last_updated as string));
    assert.ok((after.v1.last_updated_ux as number) > (before.v1.last_updated_ux as number));
    const beforeExp = rows(before.clean, 'experience');
    const afterExp = rows(after.clean, 'experience');
    const started = afterExp.length === beforeExp.length + 1;
    if (started) {
      assert.equal(afterExp[0].date_to, null);
      assert.equal(afterExp[0].date_from, '2025-07');
    }
    if (beforeExp[0].date_to === null) assert.equal(afterExp[started ? 1 : 0].date_to, '2025-07');
    else assert.ok(started, 'someone without a job can only change by starting one');
    assert.equal(rows(after.v1, 'member_experience_collection').length, afterExp.length);
  });
  assert.deepEqual([...changed].sort(), [...expected].sort());
  const share = changed.size / base.length;
  assert.ok(share > 0.02 && share < 0.07, `share changed: ${share}`);
});

test('changedPeopleBetween accumulates over steps and ignores direction', () => {
  const oneTwo = changedPeopleBetween(4, 3000, 1, 2);
  const zeroOne = changedPeopleBetween(4, 3000, 0, 1);
  const zeroTwo = changedPeopleBetween(4, 3000, 0, 2);
  assert.deepEqual([...zeroTwo].sort(), [...new Set([...zeroOne, ...oneTwo])].sort());
  assert.deepEqual([...changedPeopleBetween(4, 3000, 2, 0)].sort(), [...zeroTwo].sort());
  assert.equal(changedPeopleBetween(4, 3000, 2, 2).size, 0);
  for (const id of changedPeopleBetween(4, 3000, 0, 1, 7)) assert.ok(id >= 7 && id < 3007);
});

test('writeDatasets writes two gzip JSON Lines files with one record per person', async () => {
  const outDir = await mkdtemp(join(tmpdir(), 'rollcall-generator-'));
  try {
    const progress: number[] = [];
    const result = await writeDatasets({
      people: 1234, seed: 2, snapshot: 1, outDir: join(outDir, 'nested'), onProgress: (done) => progress.push(done),
    });
    assert.equal(result.people, 1234);
    assert.equal(progress.at(-1), 1234);
    const expected = [...generatePeople({ people: 1234, seed: 2, snapshot: 1 })];
    for (const [key, shape] of [['employee', 'v1'], ['employee_clean', 'clean']] as const) {
      const file = result.files[key];
      assert.ok(file.endsWith(`${key}.jsonl.gz`));
      assert.equal(result.bytes[key], (await stat(file)).size);
      const lines = gunzipSync(await readFile(file)).toString('utf8').split('\n');
      assert.equal(lines.pop(), '', 'file ends with a newline');
      assert.equal(lines.length, 1234);
      lines.forEach((line, i) => assert.deepEqual(JSON.parse(line), expected[i][shape]));
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});
