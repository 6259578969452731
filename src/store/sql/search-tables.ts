// Names of the search index tables, shared by both SQL dialects. Document ids: the record id
// for the root; record id * 1024 + entry sequence for nested entries.
import type { DatasetName } from '../../datasets/datasets.js';
import type { DocType } from '../../search/index-layout.js';

export const docsPerRecord = 1024;

export function typeSuffix(type: DocType | string): string {
  const path = typeof type === 'string' ? type : type.path;
  return path === '' ? 'root' : path.replaceAll('.', '__');
}

export const ftsTable = (d: DatasetName, t: DocType | string): string => `${d}_fts_${typeSuffix(t)}`;
export const numTable = (d: DatasetName, t: DocType | string): string => `${d}_num_${typeSuffix(t)}`;
export const parentTable = (d: DatasetName, t: DocType | string): string => `${d}_parent_${typeSuffix(t)}`;
export const column = (index: number): string => `c${index}`;

