// How a dataset is laid out for search, derived from its mapping alone (no SQL here):
// one document type for the root record and one per `nested` path; in each, the fields that
// are matched as tokens (text, keyword, and keyword sub-fields such as `.exact`) and the fields
// compared as numbers (numeric, date as epoch ms, boolean as 0/1).
import { createHash } from 'node:crypto';
import type { FieldDef, Mapping } from '../datasets/mapping.js';

export interface TokenField {
  readonly def: FieldDef;
  /** Path segments of the source values, relative to the document type. */
  readonly segments: readonly string[];
  /** Column index within its document type's token table. */
  readonly column: number;
}

export interface NumberField {
  readonly def: FieldDef;
  readonly segments: readonly string[];
  /** Stable id of the field within the dataset. */
  readonly id: number;
}

export interface DocType {
  /** '' for the root record, else the nested path (`experience`, `patents.inventors`). */
  readonly path: string;
  /** Enclosing nested path for nested-in-nested ('' when the parent is the root). */
  readonly parent: string;
  readonly tokenFields: readonly TokenField[];
  readonly numberFields: readonly NumberField[];
}

export interface IndexLayout {
  readonly docTypes: readonly DocType[];
  readonly byPath: ReadonlyMap<string, DocType>;
  /** Where a field is indexed: token column or number id, keyed by full field path. */
  readonly tokenField: ReadonlyMap<string, TokenField>;
  readonly numberField: ReadonlyMap<string, NumberField>;
}

const numberTypes = new Set(['long', 'integer', 'short', 'byte', 'double', 'float', 'date', 'boolean']);

export function buildIndexLayout(mapping: Mapping): IndexLayout {
  const paths = ['', ...[...mapping.nestedPaths].sort()];
  const parentOf = (p: string): string => paths.filter((q) => q !== '' && q !== p && p.startsWith(`${q}.`)).sort((a, b) => b.length - a.length)[0] ?? '';
  const tokenField = new Map<string, TokenField>();
  const numberField = new Map<string, NumberField>();
  let nextNumberId = 1;
  const docTypes = paths.map((path): DocType => {
    const tokenFields: TokenField[] = [];
    const numberFields: NumberField[] = [];
    for (const def of mapping.byPath.values()) {
      if ((def.nestedPath ?? '') !== path || def.type === 'nested' || def.type === 'object' || !def.indexed) continue;
      const source = def.subfieldOf ?? def.path;
      const segments = (path === '' ? source : source.slice(path.length + 1)).split('.');
      if (numberTypes.has(def.type)) {
        const f = { def, segments, id: nextNumberId++ };
        numberFields.push(f);
        numberField.set(def.path, f);
      } else {
        const f = { def, segments, column: tokenFields.length };
        tokenFields.push(f);
        tokenField.set(def.path, f);
      }
    }
    return Object.freeze({ path, parent: path === '' ? '' : parentOf(path), tokenFields, numberFields });
  });
  return Object.freeze({ docTypes, byPath: new Map(docTypes.map((d) => [d.path, d])), tokenField, numberField });
}

/**
 * A short fingerprint of what the layout puts in the index (document types, token and number
 * fields with their types and positions): stores keep it per dataset and rebuild a dataset's
 * search tables when it changes (a mapping edit), see the stores' dataset reconcilers.
 */
export function layoutFingerprint(layout: IndexLayout): string {
  const shape = layout.docTypes.map((t) => [
    t.path, t.parent,
    t.tokenFields.map((f) => [f.def.path, f.def.type, f.column, f.def.nullValue ?? null]),
    t.numberFields.map((f) => [f.def.path, f.def.type, f.id, f.def.format ?? null, f.def.nullValue ?? null]),
  ]);
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}
