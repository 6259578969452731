// The two datasets, each defined once as data: mapping file, lookup keys and wire details.
import { buildIndexLayout, type IndexLayout } from '../search/index-layout.js';
import { loadMappingFile, type Mapping } from './mapping.js';

export type DatasetName = 'employee' | 'employee_clean';
export const datasetNames: readonly DatasetName[] = ['employee', 'employee_clean'];

type Rec = Record<string, unknown>;

export interface DatasetDefinition {
  readonly name: DatasetName;
  readonly mapping: Mapping;
  /** How the search index lays the dataset out (derived from the mapping). */
  readonly layout: IndexLayout;
  /** `detail` of the 404 body when collect finds nothing. */
  readonly notFoundDetail: string;
  /** Every shorthand name (current and historical) the record can be collected by, lower-cased. */
  shorthandNames(record: Rec): string[];
  /** The record's `last_updated` as stored (used for default ordering). */
  lastUpdated(record: Rec): string | null;
}

/** `https://host/in/john-doe/` → `john-doe`; null when the URL has no `/in/<name>` part. */
export function shorthandFromProfileUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`);
  } catch {
    return null;
  }
  const parts = parsed.pathname.split('/').filter(Boolean);
  const at = parts.indexOf('in');
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

export function loadDatasets(): Readonly<Record<DatasetName, DatasetDefinition>> {
  const cleanMapping = loadMappingFile('employee_clean.json');
  const v1Mapping = loadMappingFile('employee_v1.json');
  const clean: DatasetDefinition = {
    name: 'employee_clean',
    mapping: cleanMapping,
    layout: buildIndexLayout(cleanMapping),
    notFoundDetail: 'Employee not found',
    shorthandNames: (r) => strings(r['shorthand_names'], fromUrls(r['websites_professional_network'])),
    lastUpdated: (r) => asString(r['last_updated']),
  };
  const v1: DatasetDefinition = {
    name: 'employee',
    mapping: v1Mapping,
    layout: buildIndexLayout(v1Mapping),
    notFoundDetail: 'Member not found',
    shorthandNames: (r) =>
      strings(r['member_shorthand_name'], r['canonical_shorthand_name'], fromUrls(r['url'], r['canonical_url'])),
    lastUpdated: (r) => asString(r['last_updated']),
  };
  return Object.freeze({ employee: v1, employee_clean: clean });
}
