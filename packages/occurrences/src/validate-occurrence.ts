import { hash } from 'node:crypto';
import { hasInvalidText, invalidTextErrors, type FieldError } from '@biomon/core';
import { toWgs84 } from '@biomon/layers';
import { BASIS_OF_RECORD, DATUMS, FLAG, OCCURRENCE_STATUS, SERVER_TERMS, type Flag } from './dwc-vocabulary';
import { parseEventDate } from './event-date';
import { mergeDynamic } from './import/columns';

/** A record that passed validation, ready to store. Coordinates are WGS84. */
export interface NormalizedOccurrence {
  occurrenceId: string;
  eventId: string | null;
  basisOfRecord: string;
  scientificName: string;
  occurrenceStatus: 'present' | 'absent';
  eventStart: Date;
  eventEnd: Date;
  lat: number;
  lon: number;
  uncertaintyM: number | null;
  individualCount: number | null;
  declaredRegion: string | null;
  /** The Darwin Core record as stored: every submitted term (unknown ones verbatim), coordinates converted. */
  data: Record<string, string | number | boolean | null>;
  flags: Flag[];
  flagNotes: Record<string, string>;
  contentHash: string;
  /** The version the client says it is editing (If-Match / `version`), when given. */
  expectedVersion: number | null;
}

export type ValidationResult = { ok: true; value: NormalizedOccurrence } | { ok: false; id: string | null; errors: FieldError[] };

/** Jilin's bounding box (WGS84), generous by ~0.2°, used only to recognise swapped coordinates. */
const JILIN_BBOX = { minLon: 121.4, maxLon: 131.5, minLat: 40.6, maxLat: 46.5 };
const inJilinBox = (lon: number, lat: number): boolean =>
  lon >= JILIN_BBOX.minLon && lon <= JILIN_BBOX.maxLon && lat >= JILIN_BBOX.minLat && lat <= JILIN_BBOX.maxLat;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_VALUE_LENGTH = 10_000;
const MAX_TERMS = 200;
/** Above this, a record's location is too vague for most uses (flagged, still stored). */
export const HIGH_UNCERTAINTY_M = 10_000;
/** A record may be dated up to this far ahead of the server clock (clock skew of field devices). */
const FUTURE_TOLERANCE_MS = 10 * 60_000;

function str(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
}

/** A finite number from a JSON number or a numeric string; NaN and ±Infinity are refused. */
function num(v: unknown): number | null | 'bad' {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : 'bad';
  if (typeof v === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : 'bad';
  }
  return 'bad';
}

/** The record as sorted [key, value] pairs, without `skip`: what the content hash is taken of. */
function canonicalJson(o: Record<string, unknown>, skip: string): string {
  const pairs: [string, unknown][] = [];
  for (const k of Object.keys(o).sort()) if (k !== skip) pairs.push([k, o[k]]);
  return JSON.stringify(pairs);
}

/**
 * Validates one Darwin Core occurrence (BRIEF §4, issue "Survey ingest"): rejects what cannot be
 * used, flags what is usable but doubtful, converts GCJ-02/BD-09 coordinates to WGS84 keeping the
 * originals verbatim. Pure: taxon matching and spatial checks happen in the database afterwards.
 */
export function validateOccurrence(raw: unknown, now: Date = new Date()): ValidationResult {
  const errors: FieldError[] = [];
  const err = (field: string, code: string, message: string) => errors.push({ field, code, message });
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, id: null, errors: [{ field: '', code: 'RECORD_NOT_OBJECT', message: 'a record must be a JSON object of Darwin Core terms' }] };
  }
  const rec = raw as Record<string, unknown>;
  // NUL and unpaired surrogates, in term names or values (TEXT_INVALID_CHARACTER naming the term)
  errors.push(...invalidTextErrors(rec));
  const id = str(rec.occurrenceID);
  const keys = Object.keys(rec);
  if (keys.length > MAX_TERMS) err('', 'TOO_MANY_TERMS', `a record may have at most ${MAX_TERMS} terms`);
  const data: NormalizedOccurrence['data'] = {};
  /** keys that are not term names, kept in dynamicProperties */
  const dynamic: Record<string, string | number | boolean> = {};
  let expectedVersion: number | null = null;
  for (const k of keys) {
    const v = rec[k];
    if (hasInvalidText(k)) continue; // reported above
    if (FORBIDDEN_KEYS.has(k)) {
      err(k, 'TERM_NAME_INVALID', 'this key is not allowed');
      continue;
    }
    // Darwin Core names, prefixed terms (eco:…) or full term URIs of unknown terms are kept verbatim;
    // any other key (`天气`, `Site Name`) is data all the same: kept in dynamicProperties
    if (k.length > 200 || !/^[A-Za-z_][A-Za-z0-9_:./#-]*$/.test(k)) {
      if (k.length > 200) err(k.slice(0, 200), 'TERM_NAME_INVALID', 'a key is at most 200 characters');
      else if (v !== null && typeof v === 'object') err(k, 'VALUE_NOT_SCALAR', 'Darwin Core values are strings, numbers or booleans');
      else if (typeof v === 'string' && v.length > MAX_VALUE_LENGTH) err(k, 'VALUE_TOO_LONG', `values are at most ${MAX_VALUE_LENGTH} characters`);
      else if (typeof v === 'number' && !Number.isFinite(v)) err(k, 'NUMBER_NOT_FINITE', 'numbers must be finite');
      else if (v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === ''))
        dynamic[k] = typeof v === 'string' ? v.trim() : (v as number | boolean);
      continue;
    }
    if (k === 'version') {
      const n = num(v);
      if (n === 'bad' || n === null || !Number.isInteger(n) || n < 1) err('version', 'VERSION_INVALID', 'version must be a positive integer');
      else expectedVersion = n;
      continue;
    }
    if (SERVER_TERMS.includes(k)) continue; // filled by the platform (review state, generalisation)
    if (v !== null && typeof v === 'object') {
      err(k, 'VALUE_NOT_SCALAR', 'Darwin Core values are strings, numbers or booleans');
      continue;
    }
    if (typeof v === 'number' && !Number.isFinite(v)) {
      err(k, 'NUMBER_NOT_FINITE', 'numbers must be finite');
      continue;
    }
    if (typeof v === 'string' && v.length > MAX_VALUE_LENGTH) {
      err(k, 'VALUE_TOO_LONG', `values are at most ${MAX_VALUE_LENGTH} characters`);
      continue;
    }
    if (v === undefined) continue;
    data[k] = typeof v === 'string' ? v.trim() : (v as number | boolean | null);
  }

  if (!id) err('occurrenceID', 'OCCURRENCE_ID_MISSING', 'occurrenceID is required: it is the idempotency key');
  else if (id.length > 200) err('occurrenceID', 'OCCURRENCE_ID_TOO_LONG', 'occurrenceID is at most 200 characters');
  const scientificName = str(rec.scientificName);
  if (!scientificName) err('scientificName', 'SCIENTIFIC_NAME_MISSING', 'scientificName is required');

  // No silent defaults: a missing (or empty) value that is defaulted is flagged; an invalid one is an error.
  const flags: Flag[] = [];
  const flagNotes: Record<string, string> = {};
  const basis = str(rec.basisOfRecord) ?? 'HumanObservation';
  if (!(BASIS_OF_RECORD as readonly string[]).includes(basis)) {
    err('basisOfRecord', 'BASIS_OF_RECORD_INVALID', `basisOfRecord "${basis}" is not in the Darwin Core vocabulary (${BASIS_OF_RECORD.join(', ')})`);
  }
  if (str(rec.basisOfRecord) === null) {
    data.basisOfRecord = basis;
    flags.push(FLAG.BASIS_OF_RECORD_ASSUMED);
    flagNotes[FLAG.BASIS_OF_RECORD_ASSUMED] = 'basisOfRecord was missing or empty; HumanObservation assumed';
  }

  const statusRaw = str(rec.occurrenceStatus)?.toLowerCase() ?? 'present';
  if (str(rec.occurrenceStatus) === null) {
    flags.push(FLAG.OCCURRENCE_STATUS_ASSUMED_PRESENT);
    flagNotes[FLAG.OCCURRENCE_STATUS_ASSUMED_PRESENT] = 'occurrenceStatus was missing or empty; present assumed';
  }
  if (!(OCCURRENCE_STATUS as readonly string[]).includes(statusRaw)) {
    err('occurrenceStatus', 'OCCURRENCE_STATUS_INVALID', 'occurrenceStatus must be present or absent');
  }

  let individualCount: number | null = null;
  const ic = rec.individualCount;
  if (ic !== undefined && ic !== null && ic !== '') {
    const n = num(ic);
    if (n === 'bad' || n === null || !Number.isInteger(n) || n < 0)
      err('individualCount', 'INDIVIDUAL_COUNT_INVALID', 'individualCount must be a non-negative integer');
    else individualCount = n;
  }

  let eventStart = new Date(NaN);
  let eventEnd = new Date(NaN);
  const dateRaw = str(rec.eventDate);
  if (!dateRaw) err('eventDate', 'EVENT_DATE_MISSING', 'eventDate is required (ISO 8601 date or interval)');
  else {
    const d = parseEventDate(dateRaw);
    if (!d.ok) err('eventDate', 'EVENT_DATE_INVALID', d.reason);
    else if (d.value.start.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) err('eventDate', 'EVENT_DATE_IN_FUTURE', `eventDate "${dateRaw}" is in the future`);
    else {
      eventStart = d.value.start;
      eventEnd = d.value.end;
    }
  }

  let lat = num(rec.decimalLatitude);
  let lon = num(rec.decimalLongitude);
  if (lat === null) err('decimalLatitude', 'COORDINATES_MISSING', 'decimalLatitude is required');
  else if (lat === 'bad') err('decimalLatitude', 'COORDINATE_INVALID', 'decimalLatitude must be a finite decimal number');
  if (lon === null) err('decimalLongitude', 'COORDINATES_MISSING', 'decimalLongitude is required');
  else if (lon === 'bad') err('decimalLongitude', 'COORDINATE_INVALID', 'decimalLongitude must be a finite decimal number');
  let datum: 'wgs84' | 'gcj02' | 'bd09' = 'wgs84';
  const datumRaw = str(rec.geodeticDatum);
  if (datumRaw) {
    const d = DATUMS[datumRaw.toLowerCase()];
    if (!d) err('geodeticDatum', 'GEODETIC_DATUM_INVALID', `geodeticDatum "${datumRaw}" is not supported (WGS84, EPSG:4326, CGCS2000, GCJ-02, BD-09)`);
    else datum = d;
  } else {
    flags.push(FLAG.GEODETIC_DATUM_ASSUMED_WGS84);
  }
  if (typeof lat === 'number' && typeof lon === 'number') {
    if (!inJilinBox(lon, lat) && inJilinBox(lat, lon)) {
      [lat, lon] = [lon, lat];
      flags.push(FLAG.PRESUMED_SWAPPED_COORDINATE);
      flagNotes[FLAG.PRESUMED_SWAPPED_COORDINATE] = `decimalLatitude and decimalLongitude appear swapped; stored as latitude ${lat}, longitude ${lon}`;
    }
    if (lat < -90 || lat > 90) err('decimalLatitude', 'COORDINATE_OUT_OF_RANGE', 'decimalLatitude must be between -90 and 90');
    if (lon < -180 || lon > 180) err('decimalLongitude', 'COORDINATE_OUT_OF_RANGE', 'decimalLongitude must be between -180 and 180');
    if (lat === 0 && lon === 0) flags.push(FLAG.ZERO_COORDINATE);
  }

  let uncertaintyM: number | null = null;
  const u = num(rec.coordinateUncertaintyInMeters);
  if (u === 'bad' || (typeof u === 'number' && u <= 0))
    err('coordinateUncertaintyInMeters', 'COORDINATE_UNCERTAINTY_INVALID', 'coordinateUncertaintyInMeters must be a positive number');
  else if (typeof u === 'number') {
    uncertaintyM = u;
    if (u > HIGH_UNCERTAINTY_M) flags.push(FLAG.COORDINATE_UNCERTAINTY_HIGH);
  }

  if (errors.length) return { ok: false, id, errors };

  let wLon = lon as number;
  let wLat = lat as number;
  if (datum !== 'wgs84') {
    [wLon, wLat] = toWgs84(wLon, wLat, datum);
    wLon = Math.round(wLon * 1e7) / 1e7;
    wLat = Math.round(wLat * 1e7) / 1e7;
    data.verbatimLatitude = String(rec.decimalLatitude);
    data.verbatimLongitude = String(rec.decimalLongitude);
    data.verbatimSRS = datumRaw;
    data.georeferenceRemarks = `converted from ${datumRaw} to WGS84 by biomon`;
    data.geodeticDatum = 'EPSG:4326';
    flags.push(FLAG.GEODETIC_DATUM_CONVERTED);
  }
  if (flags.includes(FLAG.PRESUMED_SWAPPED_COORDINATE) && datum === 'wgs84') {
    data.verbatimLatitude = String(rec.decimalLatitude);
    data.verbatimLongitude = String(rec.decimalLongitude);
  }
  data.decimalLatitude = wLat;
  data.decimalLongitude = wLon;
  if (individualCount === 0 && statusRaw === 'present') flags.push(FLAG.INDIVIDUAL_COUNT_ZERO_PRESENT);
  data.occurrenceStatus = statusRaw;
  const dynamicKeys = Object.keys(dynamic);
  if (dynamicKeys.length) {
    data.dynamicProperties = mergeDynamic(typeof data.dynamicProperties === 'string' ? data.dynamicProperties : undefined, dynamic);
    flags.push(FLAG.TERMS_KEPT_IN_DYNAMIC_PROPERTIES);
    flagNotes[FLAG.TERMS_KEPT_IN_DYNAMIC_PROPERTIES] = `not Darwin Core term names, kept in dynamicProperties: ${dynamicKeys.join(', ')}`;
  }

  const declaredRegion = str(rec.county) ?? str(rec.municipality);
  return {
    ok: true,
    value: {
      occurrenceId: id!,
      eventId: str(rec.eventID),
      basisOfRecord: basis,
      scientificName: scientificName!,
      occurrenceStatus: statusRaw as 'present' | 'absent',
      eventStart,
      eventEnd,
      lat: wLat,
      lon: wLon,
      uncertaintyM,
      individualCount,
      declaredRegion,
      data,
      flags,
      flagNotes,
      // one-shot hash (no Hash object per record); the same hex digest as createHash
      contentHash: hash('sha256', canonicalJson(rec, 'version'), 'hex'),
      expectedVersion,
    },
  };
}
