// Date values as Elasticsearch indexes them: epoch milliseconds (UTC).
// Mapping formats in use: the default `strict_date_optional_time||epoch_millis`, and
// `yyyy-MM-dd HH:mm:ss` (v1 timestamps).

const optionalTime = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;

function utc(y: number, mo = 1, d = 1, h = 0, mi = 0, s = 0, ms = 0): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return new Date(t).getUTCDate() === d ? t : null;
}

/** Parses a stored or queried date to epoch ms; null when it is not a valid date for the format. */
export function dateToEpochMs(value: unknown, format?: string): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && !format ? value : null;
  if (typeof value !== 'string') return null;
  if (format === 'yyyy-MM-dd HH:mm:ss') {
    const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
    return m ? utc(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : null;
  }
  if (/^-?\d{9,}$/.test(value)) return Number(value); // epoch_millis as a string
  const m = optionalTime.exec(value);
  if (!m) return null;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const base = utc(+m[1]!, m[2] ? +m[2] : 1, m[3] ? +m[3] : 1, m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, ms);
  if (base === null) return null;
  const zone = m[8];
  if (!zone || zone === 'Z') return base;
  const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  const offset = (Number(z[2]) * 60 + Number(z[3])) * 60_000;
  return z[1] === '+' ? base - offset : base + offset;
}
