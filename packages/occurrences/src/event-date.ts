/**
 * ISO 8601 event dates as Darwin Core uses them: a date, a date-time, or an interval `start/end`
 * (each side a full date or date-time; the end may be abbreviated, e.g. `2024-05-01/05`).
 * Dates without a time are whole days in China Standard Time (UTC+8, no daylight saving), the
 * platform's reference zone; date-times without an offset are read as UTC+8 as well.
 */
import { CHINA_OFFSET } from '@biomon/core';

export interface EventDateRange {
  start: Date;
  end: Date;
}
export type EventDateResult = { ok: true; value: EventDateRange } | { ok: false; reason: string };

const CST = CHINA_OFFSET;
const YEAR = /^(\d{4})$/;
const YEAR_MONTH = /^(\d{4})-(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

function validDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** One side of an interval: its earliest and latest instant. */
function parsePoint(s: string): EventDateRange | null {
  let m: RegExpExecArray | null;
  if ((m = YEAR.exec(s))) {
    const y = +m[1];
    return { start: new Date(`${y}-01-01T00:00:00${CST}`), end: new Date(new Date(`${y + 1}-01-01T00:00:00${CST}`).getTime() - 1) };
  }
  if ((m = YEAR_MONTH.exec(s))) {
    const y = +m[1];
    const mo = +m[2];
    if (mo < 1 || mo > 12) return null;
    const next = mo === 12 ? `${y + 1}-01` : `${y}-${pad(mo + 1)}`;
    return { start: new Date(`${y}-${pad(mo)}-01T00:00:00${CST}`), end: new Date(new Date(`${next}-01T00:00:00${CST}`).getTime() - 1) };
  }
  if ((m = DATE.exec(s))) {
    if (!validDate(+m[1], +m[2], +m[3])) return null;
    const start = new Date(`${s}T00:00:00${CST}`);
    return { start, end: new Date(start.getTime() + 86_400_000 - 1) };
  }
  if ((m = DATETIME.exec(s))) {
    if (!validDate(+m[1], +m[2], +m[3])) return null;
    const h = +m[4];
    const mi = +m[5];
    const se = m[6] ? +m[6] : 0;
    if (h > 23 || mi > 59 || se > 59) return null;
    let off = m[8] ?? CST;
    if (off !== 'Z' && !off.includes(':')) off = `${off.slice(0, 3)}:${off.slice(3)}`;
    const frac = m[7] ? `.${m[7].padEnd(3, '0').slice(0, 3)}` : '';
    const t = new Date(`${m[1]}-${m[2]}-${m[3]}T${pad(h)}:${pad(mi)}:${pad(se)}${frac}${off}`);
    if (Number.isNaN(t.getTime())) return null;
    return { start: t, end: t };
  }
  return null;
}

export function parseEventDate(raw: string): EventDateResult {
  const s = raw.trim();
  if (!s) return { ok: false, reason: 'eventDate is empty' };
  const parts = s.split('/');
  if (parts.length > 2) return { ok: false, reason: `eventDate "${s}" is not an ISO 8601 date or interval` };
  const a = parsePoint(parts[0]);
  if (!a) return { ok: false, reason: `eventDate "${s}" is not an ISO 8601 date, date-time or interval` };
  if (parts.length === 1) return { ok: true, value: a };
  let endText = parts[1];
  // Abbreviated end: "2024-05-01/05" or "2024-05-01/06-02" takes the missing leading parts from the start.
  if (/^\d{2}$/.test(endText) && DATE.test(parts[0])) endText = `${parts[0].slice(0, 8)}${endText}`;
  else if (/^\d{2}-\d{2}$/.test(endText) && DATE.test(parts[0])) endText = `${parts[0].slice(0, 5)}${endText}`;
  const b = parsePoint(endText);
  if (!b) return { ok: false, reason: `the end of eventDate "${s}" is not an ISO 8601 date or date-time` };
  if (b.end.getTime() < a.start.getTime()) return { ok: false, reason: `eventDate "${s}" ends before it starts` };
  return { ok: true, value: { start: a.start, end: b.end } };
}
