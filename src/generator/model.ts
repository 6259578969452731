// The neutral in-memory model of one person. Both output shapes (Clean and v1) are rendered from
// it, which is what guarantees the two datasets describe the same people, and snapshot steps
// edit it before rendering.

import type { School } from './pools.js';

export interface Identity {
  index: number;
  id: number;
  first: string;
  middle: string | null;
  last: string;
  /** "First Last" (v1 `name`). */
  name: string;
  /** "First M. Last" (Clean `full_name`). */
  fullName: string;
  shorthand: string;
  url: string;
  countryIdx: number;
  cityIdx: number;
  location: string;
}

/** A profile another person links to (referee, co-author, "also viewed"). */
export interface PersonRef {
  fullName: string;
  url: string;
  location: string;
}

export interface Job {
  /** Stable per-person row number; v1 row ids derive from it, so rows keep their id across snapshots. */
  seq: number;
  /** Index into pools.companies. */
  company: number;
  title: string;
  department: string;
  level: number;
  location: string;
  description: string | null;
  from: number;
  /** Month index, or null for the current job. */
  to: number | null;
  /** Unix seconds when the row first appeared (v1 row `created`). */
  createdTs: number;
}

export interface EducationEntry {
  school: School;
  degree: string;
  field: string;
  fromYear: number;
  toYear: number;
  activities: string | null;
  description: string | null;
}

export interface CertificationEntry {
  title: string;
  issuer: string;
  issuerUrl: string;
  credentialId: string;
  url: string;
  from: number;
  to: number | null;
}

export interface LanguageEntry {
  /** Index into catalog LANGUAGES. */
  language: number;
  /** Index into catalog PROFICIENCIES. */
  proficiency: number;
}

export interface RecommendationEntry {
  text: string;
  referee: PersonRef;
}

export interface CourseEntry {
  title: string;
  organizer: string;
}

export interface AwardEntry {
  title: string;
  issuer: string;
  description: string | null;
  month: number;
}

export interface ActivityEntry {
  url: string;
  title: string;
  action: string;
}

export interface OrganizationEntry {
  name: string;
  position: string;
  description: string | null;
  from: number;
  to: number | null;
}

export interface PublicationEntry {
  title: string;
  publisher: string;
  description: string | null;
  month: number;
  day: number;
  url: string;
  authors: PersonRef[];
}

export interface PatentEntry {
  title: string;
  /** Index into catalog PATENT_STATUSES. */
  status: number;
  description: string | null;
  number: string;
  url: string;
  month: number;
  day: number;
  inventors: PersonRef[];
}

export interface ProjectEntry {
  name: string;
  url: string | null;
  description: string | null;
  fromYear: number;
  toYear: number | null;
  teamMembers: string | null;
}

export interface VolunteeringEntry {
  organization: string;
  role: string;
  /** Index into catalog CAUSES. */
  cause: number;
  from: number;
  to: number | null;
  description: string | null;
  organizationUrl: string | null;
}

/** Sections only the v1 ("member") dataset carries. */
export interface V1Extras {
  groups: { name: string; url: string }[];
  interests: number[];
  projects: ProjectEntry[];
  websites: string[];
  alsoViewed: PersonRef[];
  similarProfiles: string[];
  postUrls: string[];
  courseSuggestions: number[];
  cares: number[];
  opportunities: number[];
  supports: number[];
  volunteering: VolunteeringEntry[];
}

export interface PersonModel {
  identity: Identity;
  departmentIdx: number;
  /** The role the person's titles are built around ("Data Engineer"). */
  role: string;
  pictureUrl: string | null;
  publicProfileId: string;
  summary: string | null;
  /** Indexes into pools.skills. */
  skills: number[];
  followerCount: number;
  connectionsCount: number;
  /** Unix seconds: v1 `created`. */
  createdTs: number;
  /** Unix seconds: Clean/v1 `last_updated`; also the "as of" month for current-job durations. */
  updatedTs: number;
  /** Newest first; at most one has `to === null`. */
  jobs: Job[];
  education: EducationEntry[];
  certifications: CertificationEntry[];
  languages: LanguageEntry[];
  recommendations: RecommendationEntry[];
  courses: CourseEntry[];
  awards: AwardEntry[];
  activity: ActivityEntry[];
  organizations: OrganizationEntry[];
  publications: PublicationEntry[];
  patents: PatentEntry[];
  v1: V1Extras;
}
