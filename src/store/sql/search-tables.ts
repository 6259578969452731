// Names of the search index tables, shared by both SQL dialects. Document ids: the record id
// for the root; record id * 1024 + entry sequence for nested entries.
import type { DatasetName } from '../../datasets/datasets.js';
import type { DocType } from '../../search/index-layout.js';
import { mark } from '../../search/index-documents.js';

export const docsPerRecord = 1024;

export function typeSuffix(type: DocType | string): string {
  const path = typeof type === 'string' ? type : type.path;
  return path === '' ? 'root' : path.replaceAll('.', '__');
}

export const ftsTable = (d: DatasetName, t: DocType | string): string => `${d}_fts_${typeSuffix(t)}`;
export const numTable = (d: DatasetName, t: DocType | string): string => `${d}_num_${typeSuffix(t)}`;
export const parentTable = (d: DatasetName, t: DocType | string): string => `${d}_parent_${typeSuffix(t)}`;
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
