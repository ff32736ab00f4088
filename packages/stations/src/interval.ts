import type { PgInterval } from '@biomon/db';

/**
 * A duration as calendar parts. Months and years are calendar units (a month is 28–31 days) and
 * days are calendar days in the station's time zone; hours, minutes and seconds are fixed lengths.
 */
export interface IntervalParts {
  years: number;
  months: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const ISO_DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,6})?)S)?)?$/;
const SHORT = /^(\d{1,6})\s*(s|sec|m|min|h|d|w|mo|mon|y)$/;

/** ISO 8601 duration (`PT10M`, `P1D`, `P1M`, `P1Y2M`, `P2W`) → parts; null when malformed or zero. */
export function parseIsoDuration(s: string): IntervalParts | null {
  const m = ISO_DURATION.exec(s.trim().toUpperCase());
  if (!m || s.trim().toUpperCase().endsWith('T')) return null;
  const n = (x: string | undefined) => (x === undefined ? 0 : Number(x));
  const p: IntervalParts = { years: n(m[1]), months: n(m[2]), days: n(m[3]) * 7 + n(m[4]), hours: n(m[5]), minutes: n(m[6]), seconds: n(m[7]) };
  return nominalSeconds(p) > 0 ? p : null;
}

/** An aggregation interval: `15m`/`15min`, `1h`, `1d`, `1w`, `1mo`, `1y`, or an ISO 8601 duration. */
export function parseIntervalParam(s: string): IntervalParts | null {
  const t = s.trim();
  if (/^P/i.test(t)) return parseIsoDuration(t);
  const m = SHORT.exec(t.toLowerCase());
  if (!m) return null;
  const v = Number(m[1]);
  if (v <= 0) return null;
  const p: IntervalParts = { years: 0, months: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
  switch (m[2]) {
    case 's':
    case 'sec':
      p.seconds = v;
      break;
    case 'm':
    case 'min':
      p.minutes = v;
      break;
    case 'h':
      p.hours = v;
      break;
    case 'd':
      p.days = v;
      break;
    case 'w':
      p.days = 7 * v;
      break;
    case 'mo':
    case 'mon':
      p.months = v;
      break;
    case 'y':
      p.years = v;
      break;
  }
  return p;
}

export function fromSeconds(seconds: number): IntervalParts {
  return { years: 0, months: 0, days: 0, hours: 0, minutes: 0, seconds };
}

/** PostgreSQL interval input text for the parts (`1 years 2 mons 3 days 600 seconds`). */
export function toPgInterval(p: IntervalParts): string {
  const secs = p.hours * 3600 + p.minutes * 60 + p.seconds;
  return `${p.years} years ${p.months} mons ${p.days} days ${secs} seconds`;
}

export function fromPg(i: PgInterval): IntervalParts {
  return {
    years: i.years ?? 0,
    months: i.months ?? 0,
    days: i.days ?? 0,
    hours: i.hours ?? 0,
    minutes: i.minutes ?? 0,
    seconds: (i.seconds ?? 0) + (i.milliseconds ?? 0) / 1000,
  };
}

/** Whether the interval has calendar parts (years, months, days) whose length varies. */
export function isCalendar(p: IntervalParts): boolean {
  return p.years !== 0 || p.months !== 0 || p.days !== 0;
}

/** Length in seconds, counting a month as 30 days, a year as 365.25 days (for bounds and display). */
export function nominalSeconds(p: IntervalParts): number {
  return p.years * 365.25 * 86400 + p.months * 30 * 86400 + p.days * 86400 + p.hours * 3600 + p.minutes * 60 + p.seconds;
}

/** ISO 8601 form: `PT10M`, `P1M`, `PT24H`, `P1D`. */
export function toIsoDuration(p: IntervalParts): string {
  let date = '';
  if (p.years) date += `${p.years}Y`;
  if (p.months) date += `${p.months}M`;
  if (p.days) date += `${p.days}D`;
  let time = '';
  const total = p.hours * 3600 + p.minutes * 60 + p.seconds;
  const h = Math.floor(total / 3600);
  const mi = Math.floor((total - h * 3600) / 60);
  const s = Math.round((total - h * 3600 - mi * 60) * 1e6) / 1e6;
  if (h) time += `${h}H`;
  if (mi) time += `${mi}M`;
  if (s) time += `${s}S`;
  const iso = `P${date}${time ? `T${time}` : ''}`;
  return iso === 'P' ? 'PT0S' : iso;
}
