// Names of the search index tables, shared by both SQL dialects. Document ids: the record id
// for the root; record id * 1024 + entry sequence for nested entries.
import { createHash } from 'node:crypto';
import type { DatasetName } from '../../datasets/datasets.js';
import type { DocType } from '../../search/index-layout.js';
import { mark } from '../../search/index-documents.js';

export const docsPerRecord = 1024;

export function typeSuffix(type: DocType | string): string {
  const path = typeof type === 'string' ? type : type.path;
  return path === '' ? 'root' : path.replaceAll('.', '__');
}

/**
 * PostgreSQL truncates identifiers to 63 bytes, and index names add up to 5 (`_pkey`): a longer
 * table name keeps its first 41 characters and a hash of the whole (a deep nested path of
 * Multi-source collided otherwise). Shorter names, every name of the first two datasets among
 * them, are unchanged.
 */
function tableName(d: DatasetName, kind: string, t: DocType | string): string {
  const full = `${d}_${kind}_${typeSuffix(t)}`;
  return full.length <= 50 ? full : `${full.slice(0, 41)}_${createHash('sha256').update(full).digest('hex').slice(0, 8)}`;
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
