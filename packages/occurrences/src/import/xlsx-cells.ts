/**
 * Excel cell values as text, the way Excel stores them (pure functions, used by xlsx.reader.ts):
 *
 * - numbers: the shortest round-trip form of the value at Excel's own precision of 15 significant
 *   digits — 43.1234 stays "43.1234", and a computed 43.123400000000004 (what Excel shows as 43.1234)
 *   becomes "43.1234" too; never an exponent for numbers Excel shows in full (1e-7 → "0.0000001");
 * - serial dates (a number under a date/time number format): the calendar date in the workbook's
 *   date system, no time zone added — `YYYY-MM-DD` when the time is midnight, else
 *   `YYYY-MM-DDThh:mm:ss` (rounded to the second), and `hh:mm:ss` for a time-only value (serial < 1).
 *   1900 system: serial 1 = 1900-01-01 … 59 = 1900-02-28, 60 = Excel's fictitious 1900-02-29 (kept as
 *   "1900-02-29", which the validator then refuses as an invalid date), 61 = 1900-03-01 onwards;
 *   1904 system (workbook.xml `<workbookPr date1904="1"/>`, old Mac workbooks): 0 = 1904-01-01.
 */

const DAY_MS = 86_400_000;
/** 1899-12-30 (the 1900 system's epoch for serials ≥ 61, which absorbs the 1900-02-29 bug) and 1904-01-01, in UTC ms. */
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * Built-in number formats that exceljs does not name (CJK locales, ids 27–36 and 50–58: e.g. 31 is
 * `yyyy"年"m"月"d"日"`, the date format of Chinese Excel) — all of them dates or times in zh-CN.
 */
export const CJK_BUILTIN_DATE_FORMATS: Record<number, string> = {
  27: 'yyyy"年"m"月"',
  28: 'm"月"d"日"',
  29: 'm"月"d"日"',
  30: 'm-d-yy',
  31: 'yyyy"年"m"月"d"日"',
  32: 'h"时"mm"分"',
  33: 'h"时"mm"分"ss"秒"',
  34: '上午/下午 h"时"mm"分"',
  35: '上午/下午 h"时"mm"分"ss"秒"',
  36: 'yyyy"年"m"月"',
  50: 'yyyy"年"m"月"',
  51: 'm"月"d"日"',
  52: 'yyyy"年"m"月"',
  53: 'm"月"d"日"',
  54: 'm"月"d"日"',
  55: '上午/下午 h"时"mm"分"',
  56: '上午/下午 h"时"mm"分"ss"秒"',
  57: 'yyyy"年"m"月"',
  58: 'm"月"d"日"',
};

/**
 * Whether a number format shows a date or a time: after dropping quoted text, backslash-escaped and
 * padding characters (`\m`, `_)`, `*-`) and bracketed parts (`[Red]`, `[$-804]`; but `[h]` elapsed
 * hours count), it still has a d, m, y, h or s. `0.0\ \k\m` (a distance) is a number, not a date.
 */
export function isDateFormat(fmt: string | undefined | null): boolean {
  if (!fmt) return false;
  if (/\[(?:h+|m+|s+)\]/i.test(fmt)) return true;
  const bare = fmt
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/[_*]./g, '')
    .replace(/\[[^\]]*\]/g, '');
  if (/^general$/i.test(bare.trim())) return false;
  return /[dmyhs]/i.test(bare.replace(/general/gi, ''));
}

/** The text of a number at Excel's precision (15 significant digits), shortest round-trip, without exponent where Excel shows digits. */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  const plain = String(n);
  // fast path: at most 15 digits already (16 characters with the point), no exponent
  if (plain.length <= 16 && !plain.includes('e')) return plain;
  const v = Number(n.toPrecision(15));
  const s = String(v);
  if (!/e/i.test(s)) return s;
  const abs = Math.abs(v);
  // Excel shows digits up to 1e15 and down to 1e-9 or so; keep those plain, the rest in exponent form
  if (abs >= 1e15 || abs < 1e-9) return s;
  return trimFixed(v.toFixed(20));
}

function trimFixed(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/**
 * A serial date of the workbook's date system as ISO 8601 text, computed in UTC arithmetic only
 * (no local time zone can shift it). Negative or non-finite serials are not dates: the number text.
 */
export function serialToIso(serial: number, date1904: boolean): string {
  if (!Number.isFinite(serial) || serial < 0) return numberText(serial);
  // whole seconds: Excel keeps times as fractions of a day, which rarely land exactly on a second
  let seconds = Math.round(serial * 86_400);
  let days = Math.floor(seconds / 86_400);
  seconds -= days * 86_400;
  const time = seconds === 0 ? '' : `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
  if (days === 0 && !date1904) return time === '' ? '1900-01-00' : time; // Excel shows serial 0 as 1900-01-00
  if (days === 0 && serial < 1 && time !== '') return time;
  let date: string;
  if (date1904) {
    date = isoDay(EPOCH_1904 + days * DAY_MS);
  } else if (days === 60) {
    date = '1900-02-29'; // Lotus 1-2-3's leap day, kept as Excel shows it
  } else {
    if (days < 60) days += 1; // before the fictitious leap day the 1899-12-30 epoch is one day early
    date = isoDay(EPOCH_1900 + days * DAY_MS);
  }
  return time === '' ? date : `${date}T${time}`;
}

const dayCache = new Map<number, string>();

function isoDay(ms: number): string {
  let s = dayCache.get(ms);
  if (s === undefined) {
    const d = new Date(ms);
    s = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    if (dayCache.size >= 50_000) dayCache.clear(); // a survey sheet has few distinct days
    dayCache.set(ms, s);
  }
  return s;
}

/** OOXML escapes characters XML cannot hold as `_xHHHH_` (`_x000D_` for a carriage return; a literal `_x` is `_x005F_x`). */
export function decodeOoxmlEscapes(s: string): string {
  return s.includes('_x') ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : s;
}

/** A cell value as exceljs's streaming reader gives it, with the cell's number format. */
export function cellText(value: unknown, numFmt: string | undefined, date1904: boolean): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return decodeOoxmlEscapes(value);
  if (typeof value === 'number') return isDateFormat(numFmt) ? serialToIso(value, date1904) : numberText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    // not produced by xlsx.reader.ts (it keeps exceljs from converting), kept for safety: UTC calendar fields
    return value
      .toISOString()
      .replace(/T00:00:00\.000Z$/, '')
      .replace(/\.000Z$/, '')
      .replace(/Z$/, '');
  }
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return decodeOoxmlEscapes((v.richText as { text?: string }[]).map((r) => r.text ?? '').join(''));
    if ('formula' in v || 'sharedFormula' in v) {
      const result = v.result;
      // exceljs reads every non-string cached result with parseFloat: NaN is an error value (#N/A) or none
      if (typeof result === 'number' && Number.isNaN(result)) return '';
      return cellText(result, numFmt, date1904);
    }
    if ('error' in v) return String(v.error ?? '');
    if ('text' in v) return cellText(v.text, numFmt, date1904); // a hyperlink: its text
  }
  return String(value);
}
