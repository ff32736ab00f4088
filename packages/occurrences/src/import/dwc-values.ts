/**
 * Value fallbacks and unambiguous normalisations that every reader applies to a record before it
 * is yielded. Nothing here rejects a value: what cannot be converted without guessing is passed
 * through verbatim so the shared validator rejects it with its reason.
 */
import type { DwcRecord } from './import.types';

/**
 * basisOfRecord spellings → Darwin Core class names. Keys are lower-cased with `_`, spaces and
 * `-` removed, so GBIF enumerations (`PRESERVED_SPECIMEN`) and Darwin Core names share one table.
 * GBIF's generic `OBSERVATION` (also the old DwC value `Observation`) says neither human nor machine,
 * so it maps to the generic class `Occurrence`; GBIF's deprecated `LITERATURE` became
 * `MATERIAL_CITATION`. GBIF's `UNKNOWN` has no Darwin Core equivalent and is left verbatim.
 */
const BASIS_OF_RECORD: Record<string, string> = {
  preservedspecimen: 'PreservedSpecimen',
  fossilspecimen: 'FossilSpecimen',
  livingspecimen: 'LivingSpecimen',
  humanobservation: 'HumanObservation',
  machineobservation: 'MachineObservation',
  materialsample: 'MaterialSample',
  materialcitation: 'MaterialCitation',
  materialentity: 'MaterialEntity',
  occurrence: 'Occurrence',
  observation: 'Occurrence',
  literature: 'MaterialCitation',
  // Chinese sheets
  人工观测: 'HumanObservation',
  人工观察: 'HumanObservation',
  直接观察: 'HumanObservation',
  目击: 'HumanObservation',
  红外相机: 'MachineObservation',
  机器观测: 'MachineObservation',
  仪器观测: 'MachineObservation',
  标本: 'PreservedSpecimen',
  馆藏标本: 'PreservedSpecimen',
  活体标本: 'LivingSpecimen',
  化石: 'FossilSpecimen',
  化石标本: 'FossilSpecimen',
  样品: 'MaterialSample',
  文献: 'MaterialCitation',
};

/** Darwin Core basisOfRecord for a GBIF enumeration or a differently-cased class name; otherwise the value itself. */
export function normalizeBasisOfRecord(value: string): string {
  const key = value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
  return BASIS_OF_RECORD[key] ?? value;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const pad2 = (n: number): string => String(n).padStart(2, '0');

function isValidDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  if (m < 1 || m > 12 || d < 1) return false;
  const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= dim;
}

function ymd(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/**
 * `java.util.Date#toString()` output, e.g. `Tue Apr 01 00:00:00 CET 1930`, as written by old GBIF
 * portal downloads. The fields already are the calendar date in the stated zone, so the date part
 * is taken as written. Only Gregorian years (≥ 1583) with a matching weekday are converted: Java
 * prints earlier dates in the Julian calendar, and a wrong weekday means the value is not what it seems.
 */
const JAVA_DATE =
  /^(mon|tue|wed|thu|fri|sat|sun) (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([a-z]{1,6}|gmt[+-]\d{1,2}(?::?\d{2})?) (\d{4})$/i;
const ISO_SPACE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/;
const YMD_SEP = /^(\d{4})([/.-])(\d{1,2})\2(\d{1,2})$/;
const YM_SEP = /^(\d{4})[/.](\d{1,2})$/;
const YMD_CHINESE = /^(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?$/;
const YMD_COMPACT = /^([12]\d{3})(\d{2})(\d{2})$/;
const DMY_OR_MDY = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;

/**
 * ISO 8601 form of a date written in an unambiguous non-ISO way; any other value is returned unchanged.
 *
 * Converted: Java `Date#toString()` (date part), `YYYY-MM-DD hh:mm[:ss[.f]]` (→ `YYYY-MM-DD` when the
 * time is midnight, else `YYYY-MM-DDThh:mm[:ss[.f]]`, no zone added), `YYYY/M/D`, `YYYY.M.D`,
 * `YYYY-M-D`, `YYYY/M`, `YYYY.M`, `YYYY年M月D日`, `YYYYMMDD`, and `a/b/YYYY` only when exactly one of
 * day-month or month-day gives a real date (or both give the same one). `5/1/2009` stays as it is.
 * Values with a time in slash form (`5/14/2009 6:01:24 PM`) are left verbatim.
 */
export function normalizeDate(value: string): string {
  const v = value.trim();
  if (v === '') return value;
  let m = JAVA_DATE.exec(v);
  if (m) {
    const y = Number(m[8]);
    const mo = MONTHS[m[2].toLowerCase()];
    const d = Number(m[3]);
    if (y < 1583 || !isValidDate(y, mo, d)) return value;
    if (WEEKDAYS[new Date(Date.UTC(y, mo - 1, d)).getUTCDay()] !== m[1].toLowerCase()) return value;
    return ymd(y, mo, d);
  }
  m = ISO_SPACE_TIME.exec(v);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!isValidDate(y, mo, d)) return value;
    const secs = m[6] ?? '00';
    const frac = m[7] ?? '';
    const midnight = m[4] === '00' && m[5] === '00' && secs === '00' && /^\.?0*$/.test(frac);
    if (midnight) return ymd(y, mo, d);
    return `${ymd(y, mo, d)}T${m[4]}:${m[5]}${m[6] !== undefined ? `:${m[6]}${frac}` : ''}`;
  }
  m = YMD_SEP.exec(v);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[3]), Number(m[4])];
    return isValidDate(y, mo, d) ? ymd(y, mo, d) : value;
  }
  m = YM_SEP.exec(v);
  if (m) {
    const mo = Number(m[2]);
    return mo >= 1 && mo <= 12 ? `${m[1]}-${pad2(mo)}` : value;
  }
  m = YMD_CHINESE.exec(v);
  if (m) {
    const [y, mo] = [Number(m[1]), Number(m[2])];
    if (m[3] === undefined) return mo >= 1 && mo <= 12 ? `${m[1]}-${pad2(mo)}` : value;
    const d = Number(m[3]);
    return isValidDate(y, mo, d) ? ymd(y, mo, d) : value;
  }
  m = YMD_COMPACT.exec(v);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return isValidDate(y, mo, d) ? ymd(y, mo, d) : value;
  }
  m = DMY_OR_MDY.exec(v);
  if (m) {
    const [a, b, y] = [Number(m[1]), Number(m[3]), Number(m[4])];
    const asMonthDay = isValidDate(y, a, b);
    const asDayMonth = isValidDate(y, b, a);
    if (asMonthDay && asDayMonth) return a === b ? ymd(y, a, b) : value;
    if (asMonthDay) return ymd(y, a, b);
    if (asDayMonth) return ymd(y, b, a);
    return value;
  }
  return value;
}

/**
 * eventDate built from separate year/month/day columns: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`,
 * zero-padded. A day without a month is ignored (it cannot be placed). Returns null when the year
 * is missing or not four digits, or when a given month or day is not a real one; the columns stay
 * in the record either way.
 */
export function eventDateFromParts(year?: string, month?: string, day?: string): string | null {
  const y = (year ?? '').trim();
  const mo = (month ?? '').trim();
  const d = (day ?? '').trim();
  if (!/^\d{4}$/.test(y)) return null;
  if (mo === '') return y;
  if (!/^\d{1,2}$/.test(mo) || Number(mo) < 1 || Number(mo) > 12) return null;
  if (d === '') return `${y}-${pad2(Number(mo))}`;
  if (!/^\d{1,2}$/.test(d) || !isValidDate(Number(y), Number(mo), Number(d))) return null;
  return ymd(Number(y), Number(mo), Number(d));
}

/** Terms whose values are dates and get {@link normalizeDate}. */
const DATE_TERMS = ['eventDate', 'dateIdentified', 'modified', 'georeferencedDate'] as const;

export interface FinishOptions {
  kind: 'occurrence' | 'event';
  importId: string;
  /** The file the row came from, as named in ParsedRow.file. */
  file: string;
  rowNumber: number;
  /**
   * Values to use, in order, when the record's own identifier (occurrenceID for occurrences,
   * eventID for events) is empty — e.g. the DwC-A core row's `id` column.
   */
  idFallbacks?: (string | undefined)[];
}

const isBlank = (v: string | undefined): boolean => v === undefined || v.trim() === '';

/**
 * The record as the validator sees it: empty and whitespace-only values dropped, basisOfRecord and
 * dates normalised, eventDate filled from year/month/day when empty, and the identifier filled from
 * `idFallbacks`, then (occurrences only) from `${importId}:${file}:${rowNumber}`.
 */
export function finishRecord(raw: DwcRecord, opts: FinishOptions): DwcRecord {
  const rec: DwcRecord = {};
  for (const [k, v] of Object.entries(raw)) if (!isBlank(v)) rec[k] = v;

  if (rec.basisOfRecord !== undefined) rec.basisOfRecord = normalizeBasisOfRecord(rec.basisOfRecord);
  for (const t of DATE_TERMS) if (rec[t] !== undefined) rec[t] = normalizeDate(rec[t]);

  if (rec.eventDate === undefined) {
    const fromParts = eventDateFromParts(rec.year, rec.month, rec.day);
    if (fromParts !== null) rec.eventDate = fromParts;
  }

  const idTerm = opts.kind === 'occurrence' ? 'occurrenceID' : 'eventID';
  if (rec[idTerm] === undefined) {
    const fallback = (opts.idFallbacks ?? []).find((v) => !isBlank(v));
    if (fallback !== undefined) rec[idTerm] = fallback;
    else if (opts.kind === 'occurrence') rec[idTerm] = `${opts.importId}:${opts.file}:${opts.rowNumber}`;
  }
  return rec;
}
