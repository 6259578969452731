// Names of the search index tables, shared by both SQL dialects. Document ids: the record id
// for the root; record id * 1024 + entry sequence for nested entries.
import { createHash } from 'node:crypto';
import type { DatasetName } from '../../datasets/datasets.js';
import { layoutFingerprint, type DocType, type IndexLayout } from '../../search/index-layout.js';
import { mark } from '../../search/index-documents.js';

export const docsPerRecord = 1024;

/** Each record's field lengths, and their totals per column, for relevance (src/search/bm25.ts; both stores). */
export const lengthsTable = (d: DatasetName): string => `${d}_lengths`;
export const fieldTotalsTable = (d: DatasetName): string => `${d}_field_totals`;

export function typeSuffix(type: DocType | string): string {
  const path = typeof type === 'string' ? type : type.path;
  return path === '' ? 'root' : path.replaceAll('.', '__');
}

/**
 * The datasets whose tables the numbered migrations of both stores created, under the names
 * `{d}_{kind}_{type}` whatever their length. Frozen: existing stores hold these names.
 */
export const legacyDatasets = ['employee', 'employee_clean'] as const satisfies readonly DatasetName[];

const isLegacy = (d: DatasetName): boolean => (legacyDatasets as readonly string[]).includes(d);

/**
 * PostgreSQL truncates identifiers to 63 bytes, and index names add up to 5 (`_tsv`, `_doc`,
 * `_pkey`): a longer table name of a later dataset keeps its first 49 characters and a hash of
 * the whole (deep Multi-source paths collided otherwise). The legacy datasets keep their names,
 * whose longest (60) only reach PostgreSQL's limit through its own `_pkey` names, which it
 * shortens itself.
 */
function tableName(d: DatasetName, kind: string, t: DocType | string): string {
  const full = `${d}_${kind}_${typeSuffix(t)}`;
  if (full.length <= 58 || isLegacy(d)) return full;
  return `${full.slice(0, 49)}_${createHash('sha256').update(full).digest('hex').slice(0, 8)}`;
}

export const ftsTable = (d: DatasetName, t: DocType | string): string => tableName(d, 'fts', t);
export const numTable = (d: DatasetName, t: DocType | string): string => tableName(d, 'num', t);
export const parentTable = (d: DatasetName, t: DocType | string): string => tableName(d, 'parent', t);
export const column = (index: number): string => `c${index}`;

export const vocabTable = (d: DatasetName): string => `${d}_vocab`;

/**
 * The ranges of stored terms that decode to strings starting with `prefix`: plain tokens
 * ([a-z0-9]) sort below the marker, encoded ones are the marker + hex (index-documents.ts).
 */
export function termRanges(prefix: string): [from: string, to: string][] {
  const hex = mark + Buffer.from(prefix, 'utf8').toString('hex');
  const encoded: [string, string] = [hex, `${hex}g`];
  return /^[a-z0-9]*$/.test(prefix) ? [[prefix, prefix === '' ? mark : `${prefix}\u007f`], encoded] : [encoded];
}

/**
 * What a dataset's index tables are: its layout and the names of its tables. A store rebuilds a
 * dataset's search tables when this changes (a mapping edit, or a change of table naming).
 */
export function schemaFingerprint(d: DatasetName, layout: IndexLayout): string {
  const names = layout.docTypes.flatMap((t) => [ftsTable(d, t), numTable(d, t), parentTable(d, t)]);
  return `${layoutFingerprint(layout)}-${createHash('sha256').update(names.join(',')).digest('hex').slice(0, 8)}`;
}

