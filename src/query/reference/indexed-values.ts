// What Elasticsearch indexes for one field of one document: analyzed tokens with positions for
// text fields, exact values for keyword/numeric/date/boolean fields, with `null_value` standing in
// for explicit nulls. The reference evaluator matches queries against exactly this.
import { dateToEpochMs } from '../../datasets/date-values.js';
import type { FieldDef } from '../../datasets/mapping.js';
import { valuesAt } from '../../datasets/record-paths.js';
import { analyzeValues, type PositionedToken } from '../analyzer.js';

export type IndexedValue = string | number | boolean;

export interface Indexed {
  /** Text fields: tokens with positions (multi-valued fields keep a 100-position gap). */
  readonly tokens: readonly PositionedToken[];
  /** Keyword, numeric, date (epoch ms) and boolean fields. */
  readonly values: readonly IndexedValue[];
  /** Field length in tokens (text) or values, for scoring. */
  readonly length: number;
}

/** The document a query runs against: the record, or one entry of a nested array. */
export interface DocContext {
  readonly obj: Record<string, unknown>;
  /** Path of the nested array this entry belongs to ('' for the root record). */
  readonly base: string;
}

/** Raw values at a path relative to the context, arrays flattened, explicit nulls kept as null. */
export function rawValues(ctx: DocContext, def: FieldDef): unknown[] {
  const source = def.subfieldOf ?? def.path;
  const relative = ctx.base === '' ? source : source.slice(ctx.base.length + 1);
  return valuesAt(ctx.obj, relative.split('.'));
}

function scalarString(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
}

export function indexedValues(ctx: DocContext, def: FieldDef): Indexed {
  const raw = rawValues(ctx, def).map((v) => (v === null && def.nullValue !== undefined ? def.nullValue : v)).filter((v) => v !== null);
  switch (def.type) {
    case 'text': {
      const tokens = analyzeValues(raw.map(scalarString).filter((s): s is string => s !== null));
      return { tokens, values: [], length: tokens.length };
    }
    case 'keyword': {
      const values = raw.map(scalarString).filter((s): s is string => s !== null);
      return { tokens: [], values, length: values.length };
    }
    case 'date': {
      const values = raw.map((v) => dateToEpochMs(v, def.format)).filter((n): n is number => n !== null);
      return { tokens: [], values, length: values.length };
    }
    case 'boolean': {
      const values = raw.map((v) => v === true || v === 'true');
      return { tokens: [], values, length: values.length };
    }
    case 'nested':
    case 'object':
      return { tokens: [], values: raw.length > 0 ? [true] : [], length: raw.length };
    default: {
      const values = raw.map((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v)).filter((n): n is number => typeof n === 'number' && Number.isFinite(n));
      return { tokens: [], values, length: values.length };
    }
  }
}
