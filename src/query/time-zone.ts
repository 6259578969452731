// Time zones for date math and date parsing: fixed offsets (`+01:00`, `-0500`, `Z`, `UTC`) and IANA
// names (`Europe/Paris`, through Intl). Date math runs on "wall clock" milliseconds of the zone
// (local time encoded as if it were UTC), then converts back, as java.time does with ZonedDateTime.

export type Zone =
  | { readonly kind: 'fixed'; readonly offsetMs: number }
  | { readonly kind: 'iana'; readonly format: Intl.DateTimeFormat };

export const UTC: Zone = { kind: 'fixed', offsetMs: 0 };

const MINUTE = 60_000;

/** Parses an offset such as `+01:00`, `-0530`, `+1`, `Z`; null when the text is not one. */
export function parseOffset(text: string): number | null {
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(text);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 18 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes) * MINUTE;
}

/** A `time_zone` parameter: offset, `UTC`/`GMT` (optionally with an offset) or an IANA name. */
export function parseZone(text: string): Zone | null {
  const prefixed = /^(?:UTC|GMT|UT)(.*)$/i.exec(text);
  const rest = prefixed ? prefixed[1] ?? '' : text;
  if (prefixed && rest === '') return UTC;
  const offset = parseOffset(rest);
  if (offset !== null) return { kind: 'fixed', offsetMs: offset };
  if (prefixed) return null;
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: text, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    return { kind: 'iana', format };
  } catch {
    return null;
  }
}

function offsetAt(zone: Zone, utcMs: number): number {
  if (zone.kind === 'fixed') return zone.offsetMs;
  const parts: Record<string, number> = {};
  for (const p of zone.format.formatToParts(new Date(utcMs))) parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts['year'] ?? 1970, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0,
    parts['minute'] ?? 0, parts['second'] ?? 0);
  return wall - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

export function utcToWall(zone: Zone, utcMs: number): number {
  return utcMs + offsetAt(zone, utcMs);
}

export function wallToUtc(zone: Zone, wallMs: number): number {
  const guess = wallMs - offsetAt(zone, wallMs);
  return wallMs - offsetAt(zone, guess);
}
