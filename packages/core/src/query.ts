import { AppError } from './errors';
import { CHINA_OFFSET, chinaDate, isCalendarDate, startOfChinaDay } from './time';

/**
 * Parsing of request parameters that the schemas cannot check alone — bounding boxes, dates,
 * date ranges, page sizes — for query strings and the same values in JSON bodies. One module, so
 * every route answers a bad value alike: 400 VALIDATION_FAILED with `details.errors[]` naming the
 * field (`querystring.bbox`, `body.from`) and a stable code (BBOX_INVALID, DATE_INVALID,
 * DATETIME_INVALID, RANGE_INVALID). Dates without a time are days in China (UTC+8, time.ts).
 */

/** `[minLon, minLat, maxLon, maxLat]`, WGS84 (CRS84). */
export type Bbox = [number, number, number, number];

/** A 400 naming one field. */
export function invalidField(field: string, code: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { errors: [{ field, code, message }] });
}

/** The parameter's name in a field path: `querystring.from` → `from`. */
const nameOf = (field: string): string => field.split('.').pop()!;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_OR_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Whether s is written as a date alone (`YYYY-MM-DD`), not a date-time. */
export const isDateOnly = (s: string): boolean => DATE_ONLY.test(s);

/** `minLon,minLat,maxLon,maxLat` in WGS84 (CRS84): four finite numbers, min < max, lon in −180..180, lat in −90..90. */
export function parseBbox(s: string, field = 'querystring.bbox'): Bbox {
  const parts = s.split(',').map((x) => Number(x));
  const bad = () =>
    invalidField(field, 'BBOX_INVALID', 'bbox must be four finite numbers minLon,minLat,maxLon,maxLat with min < max, lon in -180..180, lat in -90..90');
  if (parts.length !== 4 || parts.some((x) => !Number.isFinite(x))) throw bad();
  const [a, b, c, d] = parts;
  if (a >= c || b >= d || a < -180 || c > 180 || b < -90 || d > 90) throw bad();
  return [a, b, c, d];
}

/**
 * An ISO 8601 date (its midnight in China, UTC+8) or a date-time with an offset (`Z` or ±hh:mm);
 * undefined when absent or empty. `field` is the path the error names, e.g. `querystring.from`.
 */
export function parseDate(field: string, s: string | undefined): Date | undefined {
  if (!s) return undefined;
  const d = isDateOnly(s) ? startOfChinaDay(s) : new Date(s);
  if (!DATE_OR_DATE_TIME.test(s) || Number.isNaN(d.getTime()))
    throw invalidField(field, 'DATE_INVALID', `${nameOf(field)} must be an ISO 8601 date or date-time`);
  return d;
}

/**
 * A calendar date `YYYY-MM-DD` (a real one: 2025-02-30 is not), kept as text; today in China when
 * absent or empty.
 */
export function parseCalendarDate(field: string, s: string | undefined): string {
  if (s === undefined || s === '') return chinaDate();
  if (!isCalendarDate(s)) throw invalidField(field, 'DATE_INVALID', `${nameOf(field)} must be a date YYYY-MM-DD, got "${s}"`);
  return s;
}

/**
 * A date range as OGC API – Features writes `datetime`: an instant (a date is the whole day in
 * China), or an interval `start/end` with `..` (or nothing) for an open end. An end date includes
 * its whole day; start after end, or both ends open, is refused.
 */
export function parseDateRange(s: string | undefined, field = 'querystring.datetime'): { from?: Date; to?: Date } {
  if (!s) return {};
  const bad = () =>
    new AppError('VALIDATION_FAILED', `${nameOf(field)} must be an RFC 3339 date-time, a date, or an interval start/end with .. for an open end`, {
      errors: [{ field, code: 'DATETIME_INVALID', message: 'use e.g. 2024-05-01, 2024-05-01T00:00:00Z or 2024-01-01/..' }],
    });
  const one = (v: string, end: boolean): Date | undefined => {
    if (v === '..' || v === '') return undefined;
    if (isDateOnly(v)) {
      const d = new Date(`${v}T00:00:00${CHINA_OFFSET}`);
      if (Number.isNaN(d.getTime())) throw bad();
      return end ? new Date(d.getTime() + 86_400_000 - 1) : d;
    }
    if (!RFC3339.test(v)) throw bad();
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw bad();
    return d;
  };
  const parts = s.split('/');
  if (parts.length === 1) return { from: one(parts[0], false), to: one(parts[0], true) };
  if (parts.length !== 2 || (parts[0] === '..' && parts[1] === '..')) throw bad();
  const from = one(parts[0], false);
  const to = one(parts[1], true);
  if (from && to && from > to) throw bad();
  return { from, to };
}

/** A half-open window [from, to) must not be empty: 400 RANGE_INVALID on `field` otherwise. */
export function assertRange(from: Date | null | undefined, to: Date | null | undefined, field = 'querystring.to'): void {
  if (from && to && from >= to) throw invalidField(field, 'RANGE_INVALID', 'to must be after from');
}

/**
 * The page size of a list: the caller's `limit` (the route schema already bounds it) or the
 * list's default, never more than the list's maximum.
 */
export function pageLimit(limit: number | undefined, defaultLimit: number, max = Number.POSITIVE_INFINITY): number {
  return Math.min(limit ?? defaultLimit, max);
}
