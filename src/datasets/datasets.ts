// The datasets, each defined once as data: one registry entry (name, mapping file, lookup keys,
// wire details and the routes that serve it) and its mapping file. Everything per dataset —
// routes, tables, cursors, previews, change tracking — is derived from these entries, so adding
// a dataset means adding an entry and its mapping.
import { buildIndexLayout, type IndexLayout } from '../search/index-layout.js';
import { loadMappingFile, type Mapping } from './mapping.js';
import { basePreview, cleanPreview, multiSourcePreview } from './previews.js';
import { baseFilterTable, v1FilterTable, type FilterTable } from './filter-tables.js';

type Rec = Record<string, unknown>;

/** Bulk data request inputs a route family accepts. */
export type BulkKind = 'id_file' | 'es_dsl' | 'filter' | 'shorthand_names' | 'urls';

/** The HTTP surfaces of a dataset (full paths below the server root). */
export interface DatasetRoutes {
  /** OpenAPI tag. */
  readonly tag: string;
  /**
   * Prefixes ending in `/collect`; `urlSegment`: the key may be a profile URL, whose part after
   * `/<urlSegment>/` is the shorthand name (`in` for people, `company` for companies); `enrich`:
   * paths of `GET ...?social_url=<profile URL>`, served like a collect by that URL.
   */
  readonly collect?: { readonly prefixes: readonly string[]; readonly urlSegment: 'in' | 'company' | null; readonly enrich?: readonly string[] };
  /** ES DSL search paths (ids and paging headers). */
  readonly search?: readonly string[];
  /**
   * `semantic_search/es_dsl` paths: an ES DSL search whose job-title clauses are widened with
   * synonyms (query/semantic-expand.ts) on the entry's `semanticTitleFields`.
   */
  readonly semanticSearch?: readonly string[];
  /** v1 search-filter paths. */
  readonly filter?: readonly string[];
  /** ES DSL preview paths (20 short objects per page). */
  readonly preview?: readonly string[];
  /** Search-filter preview paths. */
  readonly filterPreview?: readonly string[];
  /** `map/ids` paths: v1 member ids → this dataset's ids (free). */
  readonly mapIds?: readonly string[];
  /** Bulk data request families. */
  readonly bulk?: readonly { readonly api: 'v1' | 'v2'; readonly kinds: readonly BulkKind[]; readonly prefixes: readonly string[] }[];
  /**
   * Webhook subscription create paths (`<prefix>/<selection>`), per subscription type; the first
   * prefix of each is the documented one. Needs `changes`.
   */
  readonly subscriptions?: readonly {
    readonly type: 'experience_changes' | 'profile_changes';
    readonly prefixes: readonly string[];
    readonly selections: readonly ('ids' | 'es_dsl' | 'filter' | 'all')[];
  }[];
}

/** How a dataset writes its stored `last_updated` into an `after` cursor and reads it back. */
export interface CursorDate {
  render(stored: string): string;
  parse(rendered: string): string;
}

export interface RegistryEntry {
  readonly name: string;
  readonly mappingFile: string;
  /** Error of a collect that finds nothing (errors/catalogue.ts). */
  readonly notFound: 'MEMBER_NOT_FOUND' | 'EMPLOYEE_NOT_FOUND' | 'COMPANY_NOT_FOUND';
  /** `detail` of that 404 body. */
  readonly notFoundDetail: string;
  readonly cursorDate: CursorDate;
  /** Preview object of a record, or null when the dataset has no preview. */
  readonly preview: ((record: Rec, score: number) => Rec) | null;
  /**
   * Change tracking for subscriptions: where the record keeps its experience entries, and the
   * top-level fields that change with every refresh (never reported as a profile change).
   */
  readonly changes: { readonly experiencePath: string; readonly ignoredFields: readonly string[] } | null;
  readonly routes: DatasetRoutes;
  /** The job-title fields semantic search widens (their `.exact` keywords too). */
  readonly semanticTitleFields?: readonly string[];
  /**
   * The parameters of `search/filter` and filter bulk requests and subscriptions: a fixed table
   * (datasets/filter-tables.ts), or `mapping`: every indexed field by name (domain/mapping-filters.ts).
   */
  readonly filterTable?: FilterTable | 'mapping';
  /**
   * Credits per 200 (bulk: per delivered record) where the dataset's price differs from the
   * server's; 0 = free. ROLLCALL_COST_<DATASET>_<OP> overrides both (config/config.ts costOf).
   */
  readonly costs?: { readonly search?: number; readonly preview?: number; readonly collect?: number; readonly bulkRecord?: number };
  /** Every shorthand name (current and historical) the record can be collected by, lower-cased. */
  shorthandNames(record: Rec): string[];
  /** The record's `last_updated` as stored (used for default ordering). */
  lastUpdated(record: Rec): string | null;
}

export interface DatasetDefinition extends RegistryEntry {
  readonly name: DatasetName;
  readonly mapping: Mapping;
  /** How the search index lays the dataset out (derived from the mapping). */
  readonly layout: IndexLayout;
}

/** `https://host/in/john-doe/` → `john-doe`; null when the URL has no `/<segment>/<name>` part. */
export function shorthandFromProfileUrl(url: string, segment: 'in' | 'company' = 'in'): string | null {
  let parsed: URL;
  try {
    parsed = new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`);
  } catch {
    return null;
  }
  const parts = parsed.pathname.split('/').filter(Boolean);
  const at = parts.indexOf(segment);
  const slug = at >= 0 ? parts[at + 1] : undefined;
  if (!slug) return null;
  let decoded: string;
  try { decoded = decodeURIComponent(slug); } catch { return null; }
  return isShorthandName(decoded) ? decoded.toLowerCase() : null;
}

/** Shorthand names are URL path segments: letters, digits, `-`, `_`, `.`, or percent-free Unicode letters. */
export function isShorthandName(value: string): boolean {
  return value.length > 0 && value.length <= 200 && /^[\p{L}\p{N}_.-]+$/u.test(value);
}

function strings(...values: unknown[]): string[] {
  const out = new Set<string>();
  for (const v of values.flat()) {
    if (typeof v === 'string' && v) out.add(v.toLowerCase());
  }
  return [...out];
}

function fromUrls(...urls: unknown[]): string[] {
  return urls.flatMap((u) => (typeof u === 'string' ? [shorthandFromProfileUrl(u)] : [])).filter((s): s is string => s !== null);
}

const asString = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Dates kept as they are in the record, quoted in the cursor (`"2024-11-20 08:00:01"`). */
const asStored: CursorDate = { render: (stored) => stored, parse: (rendered) => rendered };

/** Clean's date-only `last_updated` rendered as the ISO instant Elasticsearch sorts by. */
const dayAsInstant: CursorDate = {
  render: (stored) => (/^\d{4}-\d{2}-\d{2}$/.test(stored) ? `${stored}T00:00:00.000Z` : stored),
  parse: (rendered) => /^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.000)?Z$/.exec(rendered)?.[1] ?? rendered,
};

const v1Prefixes = ['/cdapi/v1/professional_network/employee', '/cdapi/v1/professional_network/member', '/cdapi/v1/linkedin/member', '/cdapi/v2/member'];

const baseRoots = ['/cdapi/v2/employee_base', '/cdapi/v1/professional_network/employee_base'];

/** The registry: one entry per dataset, in the order routes are registered. */
export const registry = [
  {
    name: 'employee',
    mappingFile: 'employee_v1.json',
    notFound: 'MEMBER_NOT_FOUND',
    notFoundDetail: 'Member not found',
    cursorDate: asStored,
    preview: null,
    changes: null,
    routes: {
      tag: 'Employee API v1',
      collect: { prefixes: v1Prefixes.slice(0, 3).map((p) => `${p}/collect`), urlSegment: null },
      search: v1Prefixes.map((p) => `${p}/search/es_dsl`),
      filter: v1Prefixes.map((p) => `${p}/search/filter`),
      bulk: [{ api: 'v1', kinds: ['id_file', 'filter', 'es_dsl'], prefixes: v1Prefixes.slice(0, 3).map((p) => `${p}/bulk_collect`) }],
    },
    filterTable: v1FilterTable,
    shorthandNames: (r: Rec) => strings(r['member_shorthand_name'], r['canonical_shorthand_name'], fromUrls(r['url'], r['canonical_url'])),
    lastUpdated: (r: Rec) => asString(r['last_updated']),
  },
  {
    name: 'employee_clean',
    mappingFile: 'employee_clean.json',
    notFound: 'EMPLOYEE_NOT_FOUND',
    notFoundDetail: 'Employee not found',
    cursorDate: dayAsInstant,
    preview: cleanPreview,
    changes: { experiencePath: 'experience', ignoredFields: ['last_updated'] },
    routes: {
      tag: 'Clean Employee API v2',
      collect: { prefixes: ['/cdapi/v2/employee_clean/collect', '/cdapi/v1/professional_network/clean_member/collect'], urlSegment: 'in' },
      search: ['/cdapi/v2/employee_clean/search/es_dsl', '/cdapi/v1/professional_network/clean_member/search/es_dsl'],
      preview: ['/cdapi/v2/employee_clean/search/es_dsl/preview'],
      bulk: [
        { api: 'v2', kinds: ['id_file', 'es_dsl', 'shorthand_names', 'urls'], prefixes: ['/cdapi/v2/data_requests/employee_clean'] },
        { api: 'v1', kinds: ['id_file', 'es_dsl'], prefixes: ['/cdapi/v1/professional_network/clean_member/bulk_collect'] },
      ],
      subscriptions: [
        {
          type: 'experience_changes',
          prefixes: ['/cdapi/v2/subscriptions/experience_changes/employee_clean', '/cdapi/v2/subscriptions/experience_changes', '/cdapi/v1/subscriptions/professional_network/member_experience'],
          selections: ['ids', 'es_dsl', 'all'],
        },
        { type: 'profile_changes', prefixes: ['/cdapi/v2/subscriptions/employee_clean'], selections: ['ids', 'es_dsl'] },
      ],
    },
    shorthandNames: (r: Rec) => strings(r['shorthand_names'], fromUrls(r['websites_professional_network'])),
    lastUpdated: (r: Rec) => asString(r['last_updated']),
  },
  {
    name: 'employee_multi_source',
    mappingFile: 'employee_multi_source.json',
    notFound: 'EMPLOYEE_NOT_FOUND',
    notFoundDetail: 'Employee not found',
    // `updated_at` with microseconds, as stored: "2025-03-11T03:32:52.304864Z".
    cursorDate: asStored,
    preview: multiSourcePreview,
    // The refresh timestamps change with every snapshot; they are not profile changes.
    changes: { experiencePath: 'experience', ignoredFields: ['updated_at', 'checked_at', 'changed_at'] },
    routes: {
      tag: 'Multi-source Employee API',
      collect: { prefixes: ['/cdapi/v2/employee_multi_source/collect'], urlSegment: 'in', enrich: ['/cdapi/v2/employee_multi_source/enrich'] },
      search: ['/cdapi/v2/employee_multi_source/search/es_dsl'],
      semanticSearch: ['/cdapi/v2/employee_multi_source/semantic_search/es_dsl'],
      filter: ['/cdapi/v2/employee_multi_source/search/filter'],
      preview: ['/cdapi/v2/employee_multi_source/search/es_dsl/preview'],
      filterPreview: ['/cdapi/v2/employee_multi_source/search/filter/preview'],
      bulk: [{ api: 'v2', kinds: ['id_file', 'es_dsl'], prefixes: ['/cdapi/v2/data_requests/employee_multi_source'] }],
      subscriptions: [
        { type: 'experience_changes', prefixes: ['/cdapi/v2/subscriptions/experience_changes/employee_multi_source'], selections: ['ids', 'es_dsl'] },
        { type: 'profile_changes', prefixes: ['/cdapi/v2/subscriptions/employee_multi_source'], selections: ['ids', 'es_dsl'] },
      ],
    },
    filterTable: 'mapping',
    semanticTitleFields: ['active_experience_title', 'experience.position_title', 'experience_recently_started.title', 'experience_recently_closed.title'],
    // Coresignal's current prices (spec current/ §2.3): search free, preview and collect 20, bulk
    // at the collect price per delivered record.
    costs: { search: 0, preview: 20, collect: 20, bulkRecord: 20 },
    shorthandNames: (r: Rec) => strings(r['professional_network_shorthand_names'], fromUrls(r['professional_network_url'])),
    lastUpdated: (r: Rec) => asString(r['updated_at']),
  },
  {
    // v1's successor (spec current/ §5): the same people and ids as v1 and Clean.
    name: 'employee_base',
    mappingFile: 'employee_base.json',
    notFound: 'EMPLOYEE_NOT_FOUND',
    notFoundDetail: 'Employee not found',
    // `updated_at` as stored: "2025-03-22 12:36:47".
    cursorDate: asStored,
    preview: basePreview,
    changes: { experiencePath: 'experience', ignoredFields: ['updated_at', 'checked_at', 'processed_at'] },
    routes: {
      tag: 'Base Employee API',
      collect: { prefixes: baseRoots.map((p) => `${p}/collect`), urlSegment: 'in' },
      search: baseRoots.map((p) => `${p}/search/es_dsl`),
      filter: baseRoots.map((p) => `${p}/search/filter`),
      preview: baseRoots.map((p) => `${p}/search/es_dsl/preview`),
      filterPreview: baseRoots.map((p) => `${p}/search/filter/preview`),
      mapIds: baseRoots.map((p) => `${p}/map/ids`),
      bulk: [{ api: 'v2', kinds: ['id_file', 'es_dsl', 'filter', 'shorthand_names', 'urls'], prefixes: ['/cdapi/v2/data_requests/employee_base'] }],
      subscriptions: [
        { type: 'experience_changes', prefixes: ['/cdapi/v2/subscriptions/experience_changes/employee_base'], selections: ['ids', 'es_dsl'] },
        { type: 'profile_changes', prefixes: ['/cdapi/v2/subscriptions/employee_base'], selections: ['ids', 'filter', 'es_dsl'] },
      ],
    },
    filterTable: baseFilterTable,
    // Coresignal's current prices (spec current/ §2.3): search free, preview and collect 10, bulk
    // at the collect price per delivered record.
    costs: { search: 0, preview: 10, collect: 10, bulkRecord: 10 },
    shorthandNames: (r: Rec) => strings(
      r['shorthand_name'], r['canonical_shorthand_name'],
      Array.isArray(r['shorthand_names']) ? (r['shorthand_names'] as Rec[]).map((s) => s?.['shorthand_name']) : [],
      fromUrls(r['profile_url']),
    ),
    lastUpdated: (r: Rec) => asString(r['updated_at']),
  },
  {
    // The companies the employee records name (same ids as their experience entries' company_id).
    name: 'company_base',
    mappingFile: 'company_base.json',
    notFound: 'COMPANY_NOT_FOUND',
    notFoundDetail: 'Company not found',
    cursorDate: asStored,
    preview: null,
    changes: null,
    routes: {
      tag: 'Base Company API',
      collect: { prefixes: ['/cdapi/v2/company_base/collect'], urlSegment: 'company' },
      search: ['/cdapi/v2/company_base/search/es_dsl'],
    },
    // Free: a reference for the employee data; Coresignal's n8n node collects id 2 on every
    // credential test (spec current/ §9.1 recommends not charging that).
    costs: { search: 0, collect: 0 },
    shorthandNames: (r: Rec) => strings(r['company_shorthand_name'], r['canonical_shorthand_name']),
    lastUpdated: (r: Rec) => asString(r['last_updated']),
  },
] as const satisfies readonly RegistryEntry[];

export type DatasetName = (typeof registry)[number]['name'];
export const datasetNames: readonly DatasetName[] = registry.map((e) => e.name);

export function registryEntry(name: DatasetName): RegistryEntry {
  return registry.find((e) => e.name === name)!;
}

/** One value per dataset. */
export function perDataset<T>(make: (d: DatasetName) => T): Record<DatasetName, T> {
  return Object.fromEntries(datasetNames.map((d) => [d, make(d)])) as Record<DatasetName, T>;
}

export function loadDatasets(): Readonly<Record<DatasetName, DatasetDefinition>> {
  return Object.freeze(perDataset((name): DatasetDefinition => {
    const entry = registryEntry(name);
    const mapping = loadMappingFile(entry.mappingFile);
    return Object.freeze({ ...entry, name, mapping, layout: buildIndexLayout(mapping) });
  }));
}

/** The search layout of every dataset. */
export function layoutsOf(datasets: Readonly<Record<DatasetName, DatasetDefinition>>): Record<DatasetName, IndexLayout> {
  return perDataset((d) => datasets[d].layout);
}
