import { AppError, CHINA_TZ, type FieldError } from '@biomon/core';
import { fromSeconds, nominalSeconds, parseIsoDuration, type IntervalParts } from './interval';
import { RESULT_TYPES, STATION_TYPES, type ResultType, type StationType, type UnitOfMeasurement } from './station.types';

/** Station and datastream ids appear in URLs: letters, digits and `._:-`, up to 100 characters. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
export const MAX_DATASTREAMS_PER_STATION = 200;
const ONE_YEAR_S = 366 * 86400;

export interface NewDatastream {
  datastreamId: string;
  name: string | null;
  description: string | null;
  observedProperty: string;
  unit: UnitOfMeasurement;
  resultType: ResultType;
  validMin: number | null;
  validMax: number | null;
  expectedInterval: IntervalParts | null;
}

export interface StationFields {
  name?: string;
  description?: string | null;
  type?: StationType;
  lon?: number;
  lat?: number;
  elevationM?: number | null;
  priorityArea?: string | null;
  department?: string | null;
  timeZone?: string;
  properties?: Record<string, unknown>;
}

export interface NewStation extends Required<Pick<StationFields, 'name' | 'type' | 'lon' | 'lat' | 'timeZone' | 'properties'>> {
  stationId: string;
  description: string | null;
  elevationM: number | null;
  priorityArea: string | null;
  department: string | null;
  datastreams: NewDatastream[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function optText(o: Obj, key: string, field: string, errors: FieldError[], max = 500): string | null | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v !== 'string' || v.length > max) {
    errors.push({ field, code: 'VALUE_INVALID', message: `${key} must be a string of at most ${max} characters` });
    return undefined;
  }
  return v.trim() || null;
}

/** Validates one datastream definition (SensorThings Datastream: observedProperty, unitOfMeasurement, …). */
export function validateDatastream(raw: unknown, at: string, errors: FieldError[]): NewDatastream | null {
  const before = errors.length;
  if (!isObj(raw)) {
    errors.push({ field: at, code: 'VALUE_INVALID', message: 'a datastream must be an object' });
    return null;
  }
  const id = raw.datastreamId;
  if (typeof id !== 'string' || !ID_PATTERN.test(id))
    errors.push({ field: `${at}.datastreamId`, code: 'ID_INVALID', message: 'datastreamId: 1–100 letters, digits or ._:- (starting with a letter or digit)' });
  const observedProperty = raw.observedProperty;
  if (typeof observedProperty !== 'string' || !observedProperty.trim() || observedProperty.length > 200)
    errors.push({ field: `${at}.observedProperty`, code: 'VALUE_REQUIRED', message: 'observedProperty is required (a name such as air_temperature)' });
  const u = raw.unitOfMeasurement;
  let unit: UnitOfMeasurement | null = null;
  if (!isObj(u) || typeof u.symbol !== 'string' || u.symbol.length > 50) {
    errors.push({
      field: `${at}.unitOfMeasurement`,
      code: 'VALUE_REQUIRED',
      message: 'unitOfMeasurement { symbol, name?, definition? } is required; symbol may be "" for unitless values',
    });
  } else {
    unit = { symbol: u.symbol };
    for (const k of ['name', 'definition'] as const) {
      if (u[k] === undefined || u[k] === null) continue;
      if (typeof u[k] !== 'string' || (u[k] as string).length > 500)
        errors.push({ field: `${at}.unitOfMeasurement.${k}`, code: 'VALUE_INVALID', message: `${k} must be a string` });
      else unit[k] = u[k] as string;
    }
  }
  const resultType = raw.resultType;
  if (typeof resultType !== 'string' || !(RESULT_TYPES as readonly string[]).includes(resultType)) {
    errors.push({ field: `${at}.resultType`, code: 'RESULT_TYPE_INVALID', message: `resultType must be one of ${RESULT_TYPES.join(', ')}` });
  }
  let validMin: number | null = null;
  let validMax: number | null = null;
  if (raw.validRange !== undefined && raw.validRange !== null) {
    const r = raw.validRange;
    const okBound = (x: unknown) => x === null || (typeof x === 'number' && Number.isFinite(x));
    if (!Array.isArray(r) || r.length !== 2 || !okBound(r[0]) || !okBound(r[1]) || (r[0] !== null && r[1] !== null && (r[0] as number) > (r[1] as number))) {
      errors.push({ field: `${at}.validRange`, code: 'VALID_RANGE_INVALID', message: 'validRange is [min, max] with min ≤ max (null for an open end)' });
    } else if (resultType !== 'number' && resultType !== 'integer') {
      errors.push({ field: `${at}.validRange`, code: 'VALID_RANGE_INVALID', message: 'validRange applies to number and integer datastreams only' });
    } else {
      validMin = r[0] as number | null;
      validMax = r[1] as number | null;
    }
  }
  let expectedInterval: IntervalParts | null = null;
  const secs = raw.expectedIntervalSeconds;
  const iso = raw.expectedInterval;
  if (secs !== undefined && secs !== null) {
    if (typeof secs !== 'number' || !Number.isInteger(secs) || secs < 1 || secs > ONE_YEAR_S)
      errors.push({
        field: `${at}.expectedIntervalSeconds`,
        code: 'INTERVAL_INVALID',
        message: `expectedIntervalSeconds is a whole number of seconds, 1–${ONE_YEAR_S}`,
      });
    else expectedInterval = fromSeconds(secs);
  }
  if (iso !== undefined && iso !== null) {
    const p = typeof iso === 'string' ? parseIsoDuration(iso) : null;
    const monthsPart = p ? p.years !== 0 || p.months !== 0 : false;
    const daysPart = p ? p.days !== 0 : false;
    const timePart = p ? p.hours !== 0 || p.minutes !== 0 || p.seconds !== 0 : false;
    if (!p || nominalSeconds(p) > ONE_YEAR_S)
      errors.push({
        field: `${at}.expectedInterval`,
        code: 'INTERVAL_INVALID',
        message: 'expectedInterval is an ISO 8601 duration up to one year, e.g. PT10M, P1D or P1M (a calendar month)',
      });
    // Slots are counted, not searched (station-health.repository.ts): a calendar interval is whole
    // months (P1M, P3M, P1Y) or whole days (P1D, P1W), never a mix with each other or with hours.
    else if ((monthsPart && (daysPart || timePart)) || (daysPart && timePart))
      errors.push({
        field: `${at}.expectedInterval`,
        code: 'INTERVAL_INVALID',
        message: 'a calendar interval is whole months/years (P1M) or whole days/weeks (P1D); use PT36H for fixed lengths',
      });
    else if (expectedInterval && nominalSeconds(expectedInterval) !== nominalSeconds(p))
      errors.push({
        field: `${at}.expectedInterval`,
        code: 'INTERVAL_INVALID',
        message: 'give expectedIntervalSeconds or expectedInterval, not two different ones',
      });
    else expectedInterval = p;
  }
  const name = optText(raw, 'name', `${at}.name`, errors, 200);
  const description = optText(raw, 'description', `${at}.description`, errors, 2000);
  if (errors.length > before) return null;
  return {
    datastreamId: id as string,
    name: name ?? null,
    description: description ?? null,
    observedProperty: (observedProperty as string).trim(),
    unit: unit!,
    resultType: resultType as ResultType,
    validMin,
    validMax,
    expectedInterval,
  };
}

/** Validates the mutable station fields present in `raw` (all optional here; registration checks the required ones). */
export function validateStationFields(raw: Obj, errors: FieldError[]): StationFields {
  const out: StationFields = {};
  if (raw.name !== undefined) {
    if (typeof raw.name !== 'string' || !raw.name.trim() || raw.name.length > 200)
      errors.push({ field: 'name', code: 'VALUE_REQUIRED', message: 'name is required (up to 200 characters)' });
    else out.name = raw.name.trim();
  }
  if (raw.type !== undefined) {
    if (typeof raw.type !== 'string' || !(STATION_TYPES as readonly string[]).includes(raw.type))
      errors.push({ field: 'type', code: 'STATION_TYPE_INVALID', message: `type must be one of ${STATION_TYPES.join(', ')}` });
    else out.type = raw.type as StationType;
  }
  if (raw.location !== undefined) {
    const loc = raw.location;
    const c = isObj(loc) ? loc.coordinates : undefined;
    if (
      !isObj(loc) ||
      loc.type !== 'Point' ||
      !Array.isArray(c) ||
      c.length < 2 ||
      c.length > 3 ||
      !c.every((x) => typeof x === 'number' && Number.isFinite(x))
    ) {
      errors.push({
        field: 'location',
        code: 'LOCATION_INVALID',
        message: 'location must be a GeoJSON Point { "type": "Point", "coordinates": [lon, lat] } in WGS84',
      });
    } else if (Math.abs(c[0] as number) > 180 || Math.abs(c[1] as number) > 90) {
      errors.push({ field: 'location', code: 'COORDINATE_OUT_OF_RANGE', message: 'coordinates are [lon, lat]: lon in -180..180, lat in -90..90' });
    } else {
      out.lon = c[0] as number;
      out.lat = c[1] as number;
      out.elevationM = c.length === 3 ? (c[2] as number) : null;
    }
  }
  const pa = optText(raw, 'priorityArea', 'priorityArea', errors, 64);
  if (pa !== undefined) out.priorityArea = pa;
  const dep = optText(raw, 'department', 'department', errors, 200);
  if (dep !== undefined) out.department = dep;
  const desc = optText(raw, 'description', 'description', errors, 4000);
  if (desc !== undefined) out.description = desc;
  if (raw.timeZone !== undefined) {
    // checked against PostgreSQL's zone list by the service
    if (typeof raw.timeZone !== 'string' || !/^[A-Za-z0-9_+\-/]{1,64}$/.test(raw.timeZone))
      errors.push({ field: 'timeZone', code: 'TIME_ZONE_INVALID', message: `timeZone is an IANA zone name such as ${CHINA_TZ}` });
    else out.timeZone = raw.timeZone;
  }
  if (raw.properties !== undefined) {
    if (!isObj(raw.properties) || JSON.stringify(raw.properties).length > 16_384)
      errors.push({ field: 'properties', code: 'VALUE_INVALID', message: 'properties must be an object (at most 16 KB as JSON)' });
    else out.properties = raw.properties;
  }
  return out;
}

/** Validates a registration (POST /v1/stations); throws VALIDATION_FAILED naming every failing field. */
export function validateNewStation(raw: unknown): NewStation {
  const errors: FieldError[] = [];
  if (!isObj(raw)) throw new AppError('VALIDATION_FAILED', 'The station must be an object');
  if (typeof raw.stationId !== 'string' || !ID_PATTERN.test(raw.stationId))
    errors.push({ field: 'stationId', code: 'ID_INVALID', message: 'stationId: 1–100 letters, digits or ._:- (starting with a letter or digit)' });
  for (const k of ['name', 'type', 'location'] as const) {
    if (raw[k] === undefined || raw[k] === null) errors.push({ field: k, code: 'VALUE_REQUIRED', message: `${k} is required` });
  }
  const fields = validateStationFields(raw, errors);
  const datastreams = validateDatastreamList(raw.datastreams, errors, true);
  if (errors.length) throw new AppError('VALIDATION_FAILED', 'The station registration is invalid', { errors });
  return {
    stationId: raw.stationId as string,
    name: fields.name!,
    description: fields.description ?? null,
    type: fields.type!,
    lon: fields.lon!,
    lat: fields.lat!,
    elevationM: fields.elevationM ?? null,
    priorityArea: fields.priorityArea ?? null,
    department: fields.department ?? null,
    timeZone: fields.timeZone ?? CHINA_TZ,
    properties: fields.properties ?? {},
    datastreams,
  };
}

export function validateDatastreamList(raw: unknown, errors: FieldError[], required: boolean): NewDatastream[] {
  if (raw === undefined && !required) return [];
  if (!Array.isArray(raw) || (required && raw.length === 0) || raw.length > MAX_DATASTREAMS_PER_STATION) {
    errors.push({
      field: 'datastreams',
      code: 'DATASTREAMS_INVALID',
      message: `datastreams is a list of 1–${MAX_DATASTREAMS_PER_STATION} datastream definitions`,
    });
    return [];
  }
  const out: NewDatastream[] = [];
  const seen = new Set<string>();
  raw.forEach((d, i) => {
    const v = validateDatastream(d, `datastreams[${i}]`, errors);
    if (!v) return;
    if (seen.has(v.datastreamId)) {
      errors.push({ field: `datastreams[${i}].datastreamId`, code: 'DUPLICATE_IN_BATCH', message: `${v.datastreamId} is listed twice` });
      return;
    }
    seen.add(v.datastreamId);
    out.push(v);
  });
  return out;
}
