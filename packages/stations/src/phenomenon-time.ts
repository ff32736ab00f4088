/** How far ahead of the server clock a phenomenonTime may be (sensor clocks drift). */
export const FUTURE_TOLERANCE_MS = 10 * 60 * 1000;

export type ParsedTime =
  | { ok: true /** canonical UTC form, microseconds kept: the idempotency key */; iso: string; epochMs: number }
  | { ok: false; code: 'TIME_INVALID' | 'TIME_OFFSET_MISSING'; message: string };

// ISO 8601 / RFC 3339 date-time: the offset is required (Z or ±hh:mm, ±hhmm, ±hh). Seconds and
// fractions are optional; fractions beyond microseconds (PostgreSQL's precision) are truncated.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Parses a phenomenonTime. A time without an offset is refused (TIME_OFFSET_MISSING) rather than
 * guessed: a station's local clock and the server's zone differ, and a wrong guess shifts every
 * value by hours without anyone noticing. Intervals (`start/end`) are not accepted.
 */
export function parsePhenomenonTime(value: unknown): ParsedTime {
  if (typeof value !== 'string')
    return { ok: false, code: 'TIME_INVALID', message: 'phenomenonTime must be an ISO 8601 date-time string with an offset, e.g. 2026-11-28T06:00:00+08:00' };
  const s = value.trim();
  if (DATE_ONLY.test(s))
    return { ok: false, code: 'TIME_OFFSET_MISSING', message: `"${s}" is a date; send a date-time with an offset, e.g. ${s}T00:00:00+08:00` };
  if (s.includes('/'))
    return { ok: false, code: 'TIME_INVALID', message: 'time intervals are not accepted as phenomenonTime; send the instant (e.g. the interval start)' };
  const m = DATE_TIME.exec(s);
  if (!m) return { ok: false, code: 'TIME_INVALID', message: `"${s.slice(0, 60)}" is not an ISO 8601 date-time` };
  const [, ys, mos, ds, hs, mis, ss, frac, z, sign, ohs, oms] = m;
  if (!z && !sign) return { ok: false, code: 'TIME_OFFSET_MISSING', message: `"${s}" has no offset; add Z or ±hh:mm (e.g. +08:00)` };
  const y = Number(ys),
    mo = Number(mos),
    d = Number(ds),
    h = Number(hs),
    mi = Number(mis),
    sec = ss === undefined ? 0 : Number(ss);
  const oh = sign ? Number(ohs) : 0,
    om = sign && oms ? Number(oms) : 0;
  const dim = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1] ?? 0;
  if (mo < 1 || mo > 12 || d < 1 || d > dim || h > 23 || mi > 59 || sec > 59 || oh > 18 || om > 59) {
    return { ok: false, code: 'TIME_INVALID', message: `"${s}" is not a valid calendar date-time` };
  }
  const micros = (frac ?? '').padEnd(6, '0').slice(0, 6);
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, sec, Number(micros.slice(0, 3)));
  const offsetMin = (sign === '-' ? -1 : 1) * (oh * 60 + om);
  const epochMs = date.getTime() - offsetMin * 60_000;
  const u = new Date(epochMs);
  const iso = `${pad(u.getUTCFullYear(), 4)}-${pad(u.getUTCMonth() + 1)}-${pad(u.getUTCDate())}T${pad(u.getUTCHours())}:${pad(u.getUTCMinutes())}:${pad(u.getUTCSeconds())}.${pad(u.getUTCMilliseconds(), 3)}${micros.slice(3)}Z`;
  return { ok: true, iso, epochMs };
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
