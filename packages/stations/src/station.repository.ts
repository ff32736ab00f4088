import { jsonbRowsParam, PREPARED_STATEMENT, sql, type DbOrTx, type PgInterval } from '@biomon/db';
import { stationShown, STATION_GENERALISATION, STATION_WITHHELD, type Viewer } from '@biomon/sensitive';
import { fromPg, isCalendar, nominalSeconds, toIsoDuration, toPgInterval } from './interval';
import type { NewDatastream, NewStation, StationFields } from './station-input';
import type { DatastreamOut, ResultType, StationOut, StationType } from './station.types';

/** The columns of a station that authorisation and time arithmetic need. */
export interface StationRef {
  pk: number;
  stationId: string;
  type: StationType;
  timeZone: string;
  department: string | null;
  departmentId: number | null;
}

/** What the ingest path needs of a datastream to validate and store a value. */
export interface DatastreamRule {
  pk: number;
  datastreamId: string;
  resultType: ResultType;
  validMin: number | null;
  validMax: number | null;
}

interface StationRow {
  id: number;
  station_id: string;
  name: string;
  description: string | null;
  type: string;
  lon: number;
  lat: number;
  elevation_m: number | null;
  priority_area: string | null;
  department: string | null;
  time_zone: string;
  properties: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  last_seen_at: Date | null;
  generalised: boolean;
}

/** What a datastream's `unit` column holds (SensorThings unitOfMeasurement). */
export interface UnitOfMeasurement {
  symbol: string;
  name?: string;
  definition?: string;
}

interface DatastreamRow {
  id: number;
  station_pk: number;
  datastream_id: string;
  name: string | null;
  description: string | null;
  observed_property: string;
  unit: UnitOfMeasurement;
  result_type: string;
  valid_min: number | null;
  valid_max: number | null;
  expected_interval: PgInterval | null;
  latest_time?: Date | null;
  latest_number?: number | null;
  latest_json?: unknown;
  latest_received?: Date | null;
}

/** Maps a stored interval to the API's two forms (seconds for fixed lengths, ISO 8601 always). */
export function intervalOut(i: PgInterval | null): { expectedIntervalSeconds: number | null; expectedInterval: string | null } {
  if (!i) return { expectedIntervalSeconds: null, expectedInterval: null };
  const p = fromPg(i);
  return { expectedIntervalSeconds: isCalendar(p) ? null : nominalSeconds(p), expectedInterval: toIsoDuration(p) };
}

function datastreamOut(r: DatastreamRow, withLatest: boolean): DatastreamOut {
  const out: DatastreamOut = {
    datastreamId: r.datastream_id,
    name: r.name,
    description: r.description,
    observedProperty: r.observed_property,
    unitOfMeasurement: r.unit,
    resultType: r.result_type as ResultType,
    validRange: r.valid_min === null && r.valid_max === null ? null : [r.valid_min, r.valid_max],
    ...intervalOut(r.expected_interval),
  };
  if (withLatest) {
    out.latest = r.latest_time
      ? { phenomenonTime: r.latest_time.toISOString(), result: r.latest_number ?? r.latest_json, receivedAt: r.latest_received!.toISOString() }
      : null;
  }
  return out;
}

function stationOut(r: StationRow, datastreams: DatastreamOut[]): StationOut {
  return {
    stationId: r.station_id,
    name: r.name,
    description: r.description,
    type: r.type as StationType,
    location: { type: 'Point', coordinates: r.elevation_m === null ? [r.lon, r.lat] : [r.lon, r.lat, r.elevation_m] },
    ...(r.generalised ? { generalised: true, dataGeneralizations: STATION_GENERALISATION, informationWithheld: STATION_WITHHELD } : {}),
    priorityArea: r.priority_area,
    department: r.department,
    timeZone: r.time_zone,
    properties: r.properties,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    lastSeenAt: r.last_seen_at ? r.last_seen_at.toISOString() : null,
    datastreams,
  };
}

export async function isKnownTimeZone(db: DbOrTx, tz: string): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = ${tz}) AS ok`.execute(db);
  return r.rows[0].ok;
}

export async function insertStation(db: DbOrTx, s: NewStation, createdBy: string | null): Promise<number> {
  const r = await sql<{ id: number }>`
    INSERT INTO stations (station_id, name, description, type, location, elevation_m, priority_area, department, department_id, time_zone, properties, created_by)
    VALUES (${s.stationId}, ${s.name}, ${s.description}, ${s.type}, ST_SetSRID(ST_MakePoint(${s.lon}, ${s.lat}), 4326), ${s.elevationM},
      ${s.priorityArea}, ${s.department}, (SELECT id FROM departments WHERE name = ${s.department}), ${s.timeZone},
      ${JSON.stringify(s.properties)}::jsonb, ${createdBy}::uuid)
    RETURNING id`.execute(db);
  return r.rows[0].id;
}

export async function updateStationRow(db: DbOrTx, pk: number, f: StationFields): Promise<void> {
  const has = (k: keyof StationFields) => f[k] !== undefined;
  await sql`
    UPDATE stations SET
      name = ${has('name') ? f.name : sql.ref('name')},
      description = ${has('description') ? f.description : sql.ref('description')},
      type = ${has('type') ? f.type : sql.ref('type')},
      location = ${has('lon') ? sql`ST_SetSRID(ST_MakePoint(${f.lon}, ${f.lat}), 4326)` : sql.ref('location')},
      elevation_m = ${has('lon') ? (f.elevationM ?? null) : sql.ref('elevation_m')},
      priority_area = ${has('priorityArea') ? f.priorityArea : sql.ref('priority_area')},
      department = ${has('department') ? f.department : sql.ref('department')},
      department_id = ${has('department') ? sql`(SELECT id FROM departments WHERE name = ${f.department ?? null})` : sql.ref('department_id')},
      time_zone = ${has('timeZone') ? f.timeZone : sql.ref('time_zone')},
      properties = ${has('properties') ? sql`${JSON.stringify(f.properties)}::jsonb` : sql.ref('properties')},
      updated_at = now()
    WHERE id = ${pk}`.execute(db);
}

export async function insertDatastreams(db: DbOrTx, stationPk: number, ds: NewDatastream[]): Promise<void> {
  if (!ds.length) return;
  const rows = ds.map((d) => ({
    datastream_id: d.datastreamId,
    name: d.name,
    description: d.description,
    observed_property: d.observedProperty,
    unit: d.unit,
    result_type: d.resultType,
    valid_min: d.validMin,
    valid_max: d.validMax,
    expected_interval: d.expectedInterval ? toPgInterval(d.expectedInterval) : null,
  }));
  await sql`
    INSERT INTO datastreams (datastream_id, station_pk, name, description, observed_property, unit, result_type, valid_min, valid_max, expected_interval)
    SELECT r.datastream_id, ${stationPk}, r.name, r.description, r.observed_property, r.unit, r.result_type, r.valid_min, r.valid_max, r.expected_interval::interval
    FROM jsonb_to_recordset(${jsonbRowsParam(rows)}::jsonb) AS r(datastream_id text, name text, description text, observed_property text,
      unit jsonb, result_type text, valid_min double precision, valid_max double precision, expected_interval text)`.execute(db);
}

/** Updates a datastream's description (never its id, station or result type). */
export async function updateDatastreamRow(db: DbOrTx, pk: number, d: NewDatastream): Promise<void> {
  await sql`
    UPDATE datastreams SET name = ${d.name}, description = ${d.description}, observed_property = ${d.observedProperty},
      unit = ${JSON.stringify(d.unit)}::jsonb, valid_min = ${d.validMin}, valid_max = ${d.validMax},
      expected_interval = ${d.expectedInterval ? toPgInterval(d.expectedInterval) : null}::interval, updated_at = now()
    WHERE id = ${pk}`.execute(db);
}

export async function findStationRef(db: DbOrTx, stationId: string): Promise<StationRef | null> {
  const r = await db
    .selectFrom('stations')
    .select(['id', 'station_id', 'type', 'time_zone', 'department', 'department_id'])
    .where('station_id', '=', stationId)
    .executeTakeFirst();
  return r ? stationRefOf(r) : null;
}

/** The columns of `stations` a StationRef is made of. */
interface StationRefRow {
  id: number;
  station_id: string;
  type: string;
  time_zone: string;
  department: string | null;
  department_id: number | null;
}

/** A StationRef from a row of `stations` (findStationRef, stationWithRules). */
function stationRefOf(r: StationRefRow): StationRef {
  return { pk: r.id, stationId: r.station_id, type: r.type as StationType, timeZone: r.time_zone, department: r.department, departmentId: r.department_id };
}

/** Datastreams by id, with the station that owns each (ids are unique across stations). */
export async function findDatastreamOwners(db: DbOrTx, ids: string[]): Promise<Map<string, { pk: number; stationPk: number; resultType: string }>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('datastreams').select(['id', 'datastream_id', 'station_pk', 'result_type']).where('datastream_id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.datastream_id, { pk: r.id, stationPk: r.station_pk, resultType: r.result_type }]));
}

/**
 * A station and the rules of its datastreams in one statement (a push's first read, one round trip
 * instead of two). Null when there is no such station. A named statement (PREPARED_STATEMENT): read
 * at every push, its text never changes, and a lookup by the unique station_id plans the same for
 * every value.
 */
export async function stationWithRules(db: DbOrTx, stationId: string): Promise<{ station: StationRef; rules: Map<string, DatastreamRule> } | null> {
  const { rows } = await sql<
    StationRefRow & {
      ds_pk: number | null;
      datastream_id: string | null;
      result_type: string | null;
      valid_min: number | null;
      valid_max: number | null;
    }
  >`${sql.raw(PREPARED_STATEMENT)}
    SELECT s.id, s.station_id, s.type, s.time_zone, s.department, s.department_id,
      d.id AS ds_pk, d.datastream_id, d.result_type, d.valid_min, d.valid_max
    FROM stations s LEFT JOIN datastreams d ON d.station_pk = s.id
    WHERE s.station_id = ${stationId}`.execute(db);
  if (!rows.length) return null;
  const station = stationRefOf(rows[0]);
  const rules = new Map<string, DatastreamRule>();
  for (const d of rows)
    if (d.ds_pk !== null && d.datastream_id !== null)
      rules.set(d.datastream_id, {
        pk: d.ds_pk,
        datastreamId: d.datastream_id,
        resultType: d.result_type as ResultType,
        validMin: d.valid_min,
        validMax: d.valid_max,
      });
  return { station, rules };
}

export interface StationListFilter {
  type?: StationType;
  priorityArea?: string;
  /** Scope of the caller: only this station, or only this department's stations. */
  onlyStationId?: string;
  onlyDepartment?: { id: number | null; name: string | null };
  afterPk?: number;
  limit: number;
}

/**
 * A station's columns as the viewer sees them (@biomon/sensitive): a camera trap is at the centre of
 * its 10 km cell for everyone but evaluators, admins and the station itself, without its elevation,
 * description and free properties.
 */
function stationColumns(viewer: Viewer) {
  const { generalised, location } = stationShown(viewer);
  return sql`s.id, s.station_id, s.name, CASE WHEN ${generalised} THEN NULL ELSE s.description END AS description, s.type,
  ST_X(${location}) AS lon, ST_Y(${location}) AS lat, CASE WHEN ${generalised} THEN NULL ELSE s.elevation_m END AS elevation_m,
  s.priority_area, s.department, s.time_zone, CASE WHEN ${generalised} THEN '{}'::jsonb ELSE s.properties END AS properties, s.created_at, s.updated_at,
  (SELECT max(d.last_received_at) FROM datastreams d WHERE d.station_pk = s.id) AS last_seen_at, ${generalised} AS generalised`;
}

async function datastreamsOf(db: DbOrTx, stationPks: number[], withLatest: boolean): Promise<Map<number, DatastreamOut[]>> {
  const out = new Map<number, DatastreamOut[]>(stationPks.map((pk) => [pk, []]));
  if (!stationPks.length) return out;
  // The latest value per datastream: one backward scan of the primary key each.
  const rows = withLatest
    ? await sql<DatastreamRow>`
        SELECT d.*, l.phenomenon_time AS latest_time, l.result_number AS latest_number, l.result_json AS latest_json, l.received_at AS latest_received
        FROM datastreams d
        LEFT JOIN LATERAL (
          SELECT o.phenomenon_time, o.result_number, o.result_json, o.received_at FROM observations o
          WHERE o.datastream_pk = d.id ORDER BY o.phenomenon_time DESC LIMIT 1) l ON true
        WHERE d.station_pk = ANY(${stationPks}::bigint[])
        ORDER BY d.station_pk, d.datastream_id`.execute(db)
    : await sql<DatastreamRow>`SELECT d.* FROM datastreams d WHERE d.station_pk = ANY(${stationPks}::bigint[]) ORDER BY d.station_pk, d.datastream_id`.execute(
        db,
      );
  for (const r of rows.rows) out.get(r.station_pk)!.push(datastreamOut(r, withLatest));
  return out;
}

export async function getStation(db: DbOrTx, stationPk: number, withLatest: boolean, viewer: Viewer): Promise<StationOut> {
  const r = await sql<StationRow>`SELECT ${stationColumns(viewer)} FROM stations s WHERE s.id = ${stationPk}`.execute(db);
  const ds = await datastreamsOf(db, [stationPk], withLatest);
  return stationOut(r.rows[0], ds.get(stationPk)!);
}

export async function listStations(db: DbOrTx, f: StationListFilter, viewer: Viewer): Promise<{ stations: StationOut[]; lastPk: number | null }> {
  const dep = f.onlyDepartment;
  const r = await sql<StationRow>`
    SELECT ${stationColumns(viewer)} FROM stations s
    WHERE true
      ${f.type ? sql`AND s.type = ${f.type}` : sql``}
      ${f.priorityArea ? sql`AND s.priority_area = ${f.priorityArea}` : sql``}
      ${f.onlyStationId !== undefined ? sql`AND s.station_id = ${f.onlyStationId}` : sql``}
      ${dep ? sql`AND (s.department_id = ${dep.id} OR s.department = ${dep.name})` : sql``}
      ${f.afterPk !== undefined ? sql`AND s.id > ${f.afterPk}` : sql``}
    ORDER BY s.id
    LIMIT ${f.limit}`.execute(db);
  const ds = await datastreamsOf(
    db,
    r.rows.map((x) => x.id),
    false,
  );
  return { stations: r.rows.map((x) => stationOut(x, ds.get(x.id)!)), lastPk: r.rows.length ? r.rows[r.rows.length - 1].id : null };
}

/** Raw rows of a station's datastreams, for PATCH (compare before update). */
export async function datastreamRowsOf(db: DbOrTx, stationPk: number): Promise<Map<string, { pk: number; resultType: string }>> {
  const rows = await db.selectFrom('datastreams').select(['id', 'datastream_id', 'result_type']).where('station_pk', '=', stationPk).execute();
  return new Map(rows.map((r) => [r.datastream_id, { pk: r.id, resultType: r.result_type }]));
}

/** The station id (`station_id`) of a datastream, or null when there is no such datastream. */
export async function findDatastreamStationId(db: DbOrTx, datastreamId: string): Promise<string | null> {
  const r = await db
    .selectFrom('datastreams as d')
    .innerJoin('stations as s', 's.id', 'd.station_pk')
    .select('s.station_id')
    .where('d.datastream_id', '=', datastreamId)
    .executeTakeFirst();
  return r?.station_id ?? null;
}

/** Locks a station's row against concurrent changes until the transaction ends; its pk, or undefined when there is none. */
export async function lockStationRow(tx: DbOrTx, stationId: string): Promise<number | undefined> {
  const ref = await sql<{ id: number }>`SELECT id FROM stations WHERE station_id = ${stationId} FOR NO KEY UPDATE`.execute(tx);
  return ref.rows[0]?.id;
}

/** A datastream with the id of its station, for reading its observations. */
export async function findDatastreamWithStation(db: DbOrTx, datastreamId: string) {
  const r = await db
    .selectFrom('datastreams as d')
    .innerJoin('stations as s', 's.id', 'd.station_pk')
    .select(['d.id', 'd.datastream_id', 'd.result_type', 'd.unit', 's.station_id'])
    .where('d.datastream_id', '=', datastreamId)
    .executeTakeFirst();
  return r && { ...r, unit: r.unit as UnitOfMeasurement };
}

/** Midnight of a calendar date (YYYY-MM-DD) in a time zone, as an instant; rejects when the date does not exist (2024-02-30). */
export async function localMidnight(db: DbOrTx, date: string, timeZone: string): Promise<Date> {
  const r = await sql<{ t: Date }>`SELECT (${date}::date::timestamp AT TIME ZONE ${timeZone}) AS t`.execute(db);
  return r.rows[0].t;
}
