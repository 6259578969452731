// What change detection compares between the stored and the imported version of a record. Most
// of a snapshot repeats what is stored byte for byte, and those records are skipped before any
// of this runs; only records whose JSON differs are parsed and compared here:
//   experience — the set of companies where the person holds an open position (no date_to)
//                changed: a new company is a started job, a missing one a closed job. A
//                promotion (a new title at the same company) leaves the set unchanged, as
//                Coresignal's Clean experience subscription requires (spec §7.4);
//   fields     — the top-level fields whose value changed (never the refresh timestamps, such as
//                Clean's `last_updated`, which change with everything; the registry names them).
import { registry, type DatasetName } from '../datasets/datasets.js';

export interface ChangeDiff {
  readonly experience: boolean;
  readonly fields: readonly string[];
}

/** Datasets whose changes are tracked: where each keeps its experience entries, what it ignores. */
const tracked: Partial<Record<DatasetName, { path: string; ignored: ReadonlySet<string> }>> = Object.fromEntries(
  registry.flatMap((e) => (e.changes ? [[e.name, { path: e.changes.experiencePath, ignored: new Set<string>(e.changes.ignoredFields) }]] : [])),
);

export function tracksChanges(dataset: DatasetName): boolean {
  return tracked[dataset] !== undefined;
}

function openCompanies(entries: unknown): string {
  if (!Array.isArray(entries)) return '';
  const open = new Set<string>();
  for (const e of entries as Record<string, unknown>[]) {
    if (e === null || typeof e !== 'object' || (e['date_to'] !== null && e['date_to'] !== undefined) || e['deleted'] === 1) continue;
    const company = e['company_id'] ?? e['company_name'] ?? e['title'];
    open.add(typeof company === 'string' ? company.trim().toLowerCase() : String(company));
  }
  return [...open].sort().join('\u001f');
}

export function diffRecords(dataset: DatasetName, before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): ChangeDiff {
  const path = tracked[dataset]?.path ?? '';
  const ignored = tracked[dataset]?.ignored;
  const fields: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (ignored?.has(key)) continue;
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)) fields.push(key);
  }
  return { experience: openCompanies(before[path]) !== openCompanies(after[path]), fields };
}

/** The change-log row for a record about to be written (null: nothing to notify). */
export function changeOf(dataset: DatasetName, stored: string | null, incoming: string): { created: boolean; experience: boolean; fields: string[] } | null {
  if (stored === null) return { created: true, experience: false, fields: [] };
  if (stored === incoming) return null;
  const diff = diffRecords(dataset, JSON.parse(stored) as Record<string, unknown>, JSON.parse(incoming) as Record<string, unknown>);
  return diff.experience || diff.fields.length > 0 ? { created: false, experience: diff.experience, fields: [...diff.fields] } : null;
}
