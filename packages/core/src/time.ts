/**
 * The platform's reference time: China Standard Time (UTC+8, no daylight saving since 1991). A
 * date without a time is a whole day in this zone — in event dates, query filters, the ledger and
 * reports alike. Calendar dates are written `YYYY-MM-DD`; comparing two such strings compares the
 * dates. SQL fragments for the same zone are in @biomon/db (china-time.sql.ts).
 */

/** The IANA name of the reference zone (Intl, PostgreSQL `AT TIME ZONE`). */
export const CHINA_TZ = 'Asia/Shanghai';
/** Its UTC offset as ISO 8601 writes it: a date-time without an offset is read with this one. */
export const CHINA_OFFSET = '+08:00';
/** The same offset in milliseconds (China has kept UTC+8 all year since 1991). */
export const CHINA_OFFSET_MS = 8 * 3_600_000;

// en-CA formats as YYYY-MM-DD; one formatter per shape, built once
const DATE_FORMAT = new Intl.DateTimeFormat('en-CA', { timeZone: CHINA_TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
const DATE_TIME_FORMAT = new Intl.DateTimeFormat('en-CA', {
  timeZone: CHINA_TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** The calendar date of an instant in China (`YYYY-MM-DD`); by default today's. */
export function chinaDate(at: Date = new Date()): string {
  return DATE_FORMAT.format(at);
}

/** The calendar year of an instant in China. */
export function chinaYear(at: Date = new Date()): number {
  return Number(chinaDate(at).slice(0, 4));
}

/** An instant as China's wall clock to the minute: `2026-11-28T03:04:05.000Z` → `2026-11-28 11:04`. */
export function chinaDateTime(at: Date): string {
  const p = DATE_TIME_FORMAT.formatToParts(at);
  const v = (t: string) => p.find((x) => x.type === t)?.value ?? '';
  return `${v('year')}-${v('month')}-${v('day')} ${v('hour') === '24' ? '00' : v('hour')}:${v('minute')}`;
}

/** Midnight in China at the start of a `YYYY-MM-DD` date (an invalid Date when the text is no date). */
export function startOfChinaDay(date: string): Date {
  return new Date(`${date}T00:00:00${CHINA_OFFSET}`);
}

/** Midnight in China at the start of 1 January of a year. */
export function startOfChinaYear(year: number): Date {
  return startOfChinaDay(`${String(year).padStart(4, '0')}-01-01`);
}

/** Whether s is a real calendar date written `YYYY-MM-DD` (2025-02-30 is not). */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The calendar date `days` days after (or before, when negative) the given one. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from calendar date a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
