import { describe, expect, it } from 'vitest';
import {
  addDays,
  assertRange,
  chinaDate,
  chinaDateTime,
  chinaYear,
  daysBetween,
  isCalendarDate,
  pageLimit,
  parseBbox,
  parseCalendarDate,
  parseDate,
  parseDateRange,
  startOfChinaDay,
  startOfChinaYear,
} from '@biomon/core';

/** The 400 a parser throws: its code and the field it names. */
function refusal(f: () => unknown): { status: number; field: string; code: string } {
  try {
    f();
  } catch (err) {
    const e = err as { status: number; details: { errors: { field: string; code: string }[] } };
    return { status: e.status, field: e.details.errors[0].field, code: e.details.errors[0].code };
  }
  throw new Error('not refused');
}

describe('time: China (UTC+8) is the reference zone', () => {
  it('dates, years and wall-clock times of instants in China', () => {
    expect(chinaDate(new Date('2024-12-31T16:00:00Z'))).toBe('2025-01-01');
    expect(chinaDate(new Date('2024-12-31T15:59:59Z'))).toBe('2024-12-31');
    expect(chinaYear(new Date('2024-12-31T16:00:00Z'))).toBe(2025);
    expect(chinaDateTime(new Date('2026-11-28T03:04:05.000Z'))).toBe('2026-11-28 11:04');
    expect(chinaDateTime(new Date('2026-11-27T16:00:00.000Z'))).toBe('2026-11-28 00:00');
    expect(startOfChinaDay('2024-05-01').toISOString()).toBe('2024-04-30T16:00:00.000Z');
    expect(startOfChinaYear(2024).toISOString()).toBe('2023-12-31T16:00:00.000Z');
  });

  it('calendar dates: real ones only, day arithmetic across months and leap days', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    for (const bad of ['2025-02-29', '2025-13-01', '2025-1-01', '2025-01-01T00:00:00Z', '']) expect(isCalendarDate(bad), bad).toBe(false);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(daysBetween('2024-02-01', '2024-03-01')).toBe(29);
  });
});

describe('query: one parser per kind of parameter, one way to refuse', () => {
  it('bbox: four numbers in range, min < max; BBOX_INVALID naming the field', () => {
    expect(parseBbox('126.1,42.0,128.5,43.2')).toEqual([126.1, 42, 128.5, 43.2]);
    for (const bad of ['1,2,3', '1,2,3,x', '3,2,1,4', '1,4,3,2', '-181,0,0,1', '0,0,181,1', '0,-91,1,0', '0,0,1,91']) {
      expect(
        refusal(() => parseBbox(bad)),
        bad,
      ).toEqual({ status: 400, field: 'querystring.bbox', code: 'BBOX_INVALID' });
    }
    expect(refusal(() => parseBbox('x', 'body.bbox')).field).toBe('body.bbox');
  });

  it('a date is its midnight in China; a date-time needs an offset; empty is no filter', () => {
    expect(parseDate('querystring.from', '2024-05-01')!.toISOString()).toBe('2024-04-30T16:00:00.000Z');
    expect(parseDate('querystring.from', '2024-05-01T08:00:00+08:00')!.toISOString()).toBe('2024-05-01T00:00:00.000Z');
    expect(parseDate('querystring.from', '2024-05-01T00:00Z')!.toISOString()).toBe('2024-05-01T00:00:00.000Z');
    expect(parseDate('querystring.from', undefined)).toBeUndefined();
    expect(parseDate('querystring.from', '')).toBeUndefined();
    for (const bad of ['yesterday', '2024-05-01T08:00:00', '2024-13-01', '2024-05-01 08:00:00Z']) {
      expect(
        refusal(() => parseDate('querystring.since', bad)),
        bad,
      ).toEqual({ status: 400, field: 'querystring.since', code: 'DATE_INVALID' });
    }
  });

  it('calendar dates of the ledger: YYYY-MM-DD, today in China by default', () => {
    expect(parseCalendarDate('querystring.asOf', '2025-06-30')).toBe('2025-06-30');
    expect(parseCalendarDate('querystring.asOf', undefined)).toBe(chinaDate());
    expect(refusal(() => parseCalendarDate('querystring.asOf', '2026-02-30'))).toEqual({ status: 400, field: 'querystring.asOf', code: 'DATE_INVALID' });
  });

  it('date ranges (OGC datetime): instants, whole days, open ends; DATETIME_INVALID otherwise', () => {
    const day = parseDateRange('2024-05-01');
    expect([day.from!.toISOString(), day.to!.toISOString()]).toEqual(['2024-04-30T16:00:00.000Z', '2024-05-01T15:59:59.999Z']);
    const open = parseDateRange('2024-01-01/..');
    expect(open.from!.toISOString()).toBe('2023-12-31T16:00:00.000Z');
    expect(open.to).toBeUndefined();
    expect(parseDateRange('2024-05-01T00:00:00Z/2024-05-02T00:00:00Z').to!.toISOString()).toBe('2024-05-02T00:00:00.000Z');
    expect(parseDateRange(undefined)).toEqual({});
    for (const bad of ['../..', '2024-05-02/2024-05-01', 'x', '2024-05-01T00:00:00', '2024/05/01/02']) {
      expect(
        refusal(() => parseDateRange(bad)),
        bad,
      ).toEqual({ status: 400, field: 'querystring.datetime', code: 'DATETIME_INVALID' });
    }
  });

  it('ranges must not be empty; page sizes default and cap', () => {
    expect(() => assertRange(new Date(1), new Date(2))).not.toThrow();
    expect(() => assertRange(undefined, new Date(2))).not.toThrow();
    expect(refusal(() => assertRange(new Date(2), new Date(2)))).toEqual({ status: 400, field: 'querystring.to', code: 'RANGE_INVALID' });
    expect(pageLimit(undefined, 100)).toBe(100);
    expect(pageLimit(50, 100, 40)).toBe(40);
    expect(pageLimit(5, 100, 40)).toBe(5);
  });
});
