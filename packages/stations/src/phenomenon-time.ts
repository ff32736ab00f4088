/** How far ahead of the server clock a phenomenonTime may be (sensor clocks drift). */
export const FUTURE_TOLERANCE_MS = 10 * 60 * 1000;

export type ParsedTimeError = { ok: false; code: 'TIME_INVALID' | 'TIME_OFFSET_MISSING'; message: string };
export type ParsedTime = { ok: true /** canonical UTC form, microseconds kept: the idempotency key */; iso: string; epochMs: number } | ParsedTimeError;

/** Where parseTimeInto puts a valid time: a loop over a push reuses one. */
export interface TimeSlot {
  iso: string;
  epochMs: number;
}

// ISO 8601 / RFC 3339 date-time: the offset is required (Z or ±hh:mm, ±hhmm, ±hh). Seconds and
// fractions are optional; fractions beyond microseconds (PostgreSQL's precision) are truncated.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Parses a phenomenonTime. A time without an offset is refused (TIME_OFFSET_MISSING) rather than
 * guessed: a station's local clock and the server's zone differ, and a wrong guess shifts every
 * value by hours without anyone noticing. Intervals (`start/end`) are not accepted. The instant must
 * fall in the years 0001–9999 in UTC (TIME_INVALID otherwise): PostgreSQL has no year 0000 and writes
 * the years before 1 with BC, and the canonical form sorts as time only within four-digit years.
 */
export function parsePhenomenonTime(value: unknown): ParsedTime {
  if (typeof value !== 'string')
    return { ok: false, code: 'TIME_INVALID', message: 'phenomenonTime must be an ISO 8601 date-time string with an offset, e.g. 2026-11-28T06:00:00+08:00' };
  const s = value.trim();
  if (parseUtcFast(s, scratch)) return { ok: true, iso: scratch.iso, epochMs: scratch.epochMs };
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
  const dim = mo === 2 ? (isLeap(y) ? 29 : 28) : (DAYS_IN_MONTH[mo - 1] ?? 0);
  if (mo < 1 || mo > 12 || d < 1 || d > dim || h > 23 || mi > 59 || sec > 59 || oh > 18 || om > 59) {
    return { ok: false, code: 'TIME_INVALID', message: `"${s}" is not a valid calendar date-time` };
  }
  const micros = (frac ?? '').padEnd(6, '0').slice(0, 6);
  // In integer arithmetic (a push parses up to 50,000 times): the epoch from the civil date, and the
  // canonical form from the UTC fields — for a Z time the fields as sent.
  const offsetMin = (sign === '-' ? -1 : 1) * (oh * 60 + om);
  const epochMs = (daysFromCivil(y, mo, d) * 86_400 + h * 3_600 + mi * 60 + sec - offsetMin * 60) * 1_000 + Number(micros.slice(0, 3));
  const days = Math.floor(epochMs / 86_400_000);
  const [uy, um, ud] = offsetMin === 0 ? [y, mo, d] : civilFromDays(days);
  if (uy < 1 || uy > 9999) return { ok: false, code: 'TIME_INVALID', message: `"${s}" is outside the years 0001–9999 (UTC)` };
  if (offsetMin === 0) return { ok: true, iso: `${ys}-${mos}-${ds}T${hs}:${mis}:${ss ?? '00'}.${micros}Z`, epochMs };
  const secOfDay = Math.floor((epochMs - days * 86_400_000) / 1_000);
  const iso = `${pad(uy, 4)}-${TWO_DIGITS[um]}-${TWO_DIGITS[ud]}T${TWO_DIGITS[Math.floor(secOfDay / 3_600)]}:${TWO_DIGITS[Math.floor(secOfDay / 60) % 60]}:${TWO_DIGITS[secOfDay % 60]}.${micros}Z`;
  return { ok: true, iso, epochMs };
}

const scratch: TimeSlot = { iso: '', epochMs: 0 };

/**
 * parsePhenomenonTime for a loop over a push's rows: the same answer, without an object per valid
 * time. Puts a valid time into `into` and returns null; returns the error otherwise.
 */
export function parseTimeInto(value: unknown, into: TimeSlot): ParsedTimeError | null {
  if (typeof value === 'string' && parseUtcFast(value, into)) return null;
  const t = parsePhenomenonTime(value);
  if (!t.ok) return t;
  into.iso = t.iso;
  into.epochMs = t.epochMs;
  return null;
}

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};
const two = (s: string, i: number): number => {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
};

/**
 * The usual station time, `YYYY-MM-DDTHH:MM:SS[.f…]Z` (what toISOString and most loggers write),
 * read from its characters without a regular expression: a push of 50,000 rows made 50,000 match
 * arrays of 12 strings each. Puts exactly what the general path gives for these strings into
 * `into` and returns true; false for anything else (which the general path then reads, or refuses
 * with its message), leaving `into` alone.
 */
function parseUtcFast(s: string, into: TimeSlot): boolean {
  const n = s.length;
  if (n < 20 || n > 30) return false;
  const last = s.charCodeAt(n - 1);
  const sep = s.charCodeAt(10);
  if ((last !== 90 && last !== 122) || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  if (sep !== 84 && sep !== 116 && sep !== 32) return false;
  const y0 = two(s, 0);
  const y1 = two(s, 2);
  const mo = two(s, 5);
  const d = two(s, 8);
  const h = two(s, 11);
  const mi = two(s, 14);
  const sec = two(s, 17);
  if (y0 < 0 || y1 < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return false;
  let micros = '000000';
  if (n > 20) {
    const dot = s.charCodeAt(19);
    const fracLen = n - 21;
    if ((dot !== 46 && dot !== 44) || fracLen < 1 || fracLen > 9) return false;
    for (let i = 20; i < n - 1; i++) if (digit(s, i) < 0) return false;
    micros = fracLen >= 6 ? s.slice(20, 26) : s.slice(20, n - 1).padEnd(6, '0');
  }
  const y = y0 * 100 + y1;
  if (y === 0) return false;
  const dim = mo === 2 ? (isLeap(y) ? 29 : 28) : DAYS_IN_MONTH[mo - 1];
  if (d > dim) return false;
  const epochMs = (daysFromCivil(y, mo, d) * 86_400 + h * 3_600 + mi * 60 + sec) * 1_000 + Number(micros.slice(0, 3));
  into.iso = `${s.slice(0, 10)}T${s.slice(11, 19)}.${micros}Z`;
  into.epochMs = epochMs;
  return true;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => pad(i));

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

/** The inverse: [year, month, day] of a day number (civil_from_days). */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1_460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, doy - Math.floor((153 * mp + 2) / 5) + 1];
}
