// Parse + validate one JSONL line and derive its search documents: the per-line work of an import, shared by the inline path
// and the worker threads.
import type { DatasetDefinition } from '../datasets/datasets.js';
import { validateRecord } from '../datasets/validate-record.js';
import { indexDocuments, type IndexDoc } from '../search/index-documents.js';
import type { TermKey, TermLog } from '../search/index-terms.js';
import { tracksChanges } from '../changes/change-state.js';
import { tsvectorDoc, type TsvectorDoc } from '../search/tsvector-doc.js';
import type { IndexForm } from '../store/store.js';
import { compressRecord, type RecordDictionary, type RecordForm } from '../store/stored-record.js';

/** What the per-line work derives besides validation. */
export interface LineOptions {
  /** Derive the search documents. */
  readonly withIndex: boolean;
  /** Compare with the stored version on write (datasets that track changes). */
  readonly withChanges: boolean;
  readonly indexForm: IndexForm;
  /** `compressed`: also compress the line as the store keeps it. */
  readonly recordForm: RecordForm;
  /** What to compress it with (none: a gzip member). */
  readonly dictionary?: RecordDictionary | null;
  /**
   * Collect the embedded store's bitmap postings from the documents derived (parse workers
   * only), except for the shards listed in `skip` (those that held records before: an import
   * holds only part of them).
   */
  readonly postings?: { readonly skip: readonly number[] };
}

export type LineResult =
  | {
      readonly ok: true;
      readonly id: number;
      readonly lastUpdated: string | null;
      readonly shorthandNames: string[];
      /** The record's search documents, derived here so the writing thread only writes. */
      readonly index: IndexDoc[];
      /** The line as the store keeps it, when the store compresses records (else null). */
      readonly stored: Uint8Array | null;
      /** Terms of `index` not reported before by the caller's term log (for the store's term dictionary). */
      readonly terms: TermKey[];
      /** The same documents in tsvector form, for the PostgreSQL store (else empty). */
      readonly tsvectorDocs: TsvectorDoc[];
      /** Compare with the stored version and record changes (datasets that track changes). */
      readonly detectChanges: boolean;
    }
  | { readonly ok: false; readonly reason: string };

export function checkLine(dataset: DatasetDefinition, text: string, options: LineOptions, terms: TermLog | null = null): LineResult {
  const { withIndex, withChanges, indexForm } = options;
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  const check = validateRecord(dataset.mapping, record);
  if (!check.ok) return { ok: false, reason: check.reason };
  const r = record as Record<string, unknown>;
  const tsvector = indexForm === 'tsvector';
  const sink = tsvector || terms === null ? undefined : terms;
  const docs = withIndex ? indexDocuments(dataset.layout, r, sink) : [];
  return {
    ok: true,
    id: check.id,
    lastUpdated: dataset.lastUpdated(r),
    shorthandNames: dataset.shorthandNames(r),
    stored: options.recordForm === 'compressed' ? compressRecord(text, options.dictionary ?? null) : null,
    index: tsvector ? [] : docs,
    terms: sink ? sink.take() : [],
    tsvectorDocs: tsvector ? docs.map(tsvectorDoc) : [],
    detectChanges: withChanges && tracksChanges(dataset.name),
  };
}
