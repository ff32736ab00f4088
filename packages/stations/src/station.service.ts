import { type Db, type DbOrTx, type Tx, withTx } from '@biomon/db';
import { SYSTEM_VIEWER, viewerOf } from '@biomon/sensitive';
import { AppError, CHINA_TZ, type FieldError } from '@biomon/core';
import { createToken, readsEveryScope, revokeStationTokens, writeAudit, type Actor } from '@biomon/auth';
import { lockDatastreams } from './observation.repository';
import { validateDatastreamList, validateNewStation, validateStationFields, type NewStation } from './station-input';
import {
  datastreamRowsOf,
  findDatastreamOwners,
  findDatastreamStationId,
  findStationRef,
  lockStationRow,
  getStation,
  insertDatastreams,
  insertStation,
  isKnownTimeZone,
  listStations,
  updateDatastreamRow,
  updateStationRow,
  type StationRef,
} from './station.repository';
import type { StationOut, StationType } from './station.types';

interface WriteOptions {
  actor: Actor;
  route?: string;
}

async function assertTimeZone(db: DbOrTx, tz: string | undefined): Promise<void> {
  if (tz !== undefined && !(await isKnownTimeZone(db, tz))) {
    throw new AppError('VALIDATION_FAILED', `Unknown time zone ${tz}`, {
      errors: [{ field: 'timeZone', code: 'TIME_ZONE_INVALID', message: `timeZone is an IANA zone name such as ${CHINA_TZ} (PostgreSQL pg_timezone_names)` }],
    });
  }
}

/** A token for the station: role station, scoped to its stationId. Shown once, stored hashed. */
async function issueStationToken(tx: Tx, stationId: string): Promise<{ id: string; token: string }> {
  return createToken(tx, { role: 'station', stationId, label: `station:${stationId}` });
}

/**
 * Registers a station with its datastreams and issues its token, in one transaction with the
 * audit entry. A stationId or datastreamId already in use is a 409 CONFLICT naming the field (a
 * lost answer can be recovered by rotating the token). `issueToken: false` is for seeds, where
 * nobody would see the token.
 */
export async function registerStation(
  db: Db | Tx,
  raw: unknown,
  opts: WriteOptions & { issueToken?: boolean },
): Promise<{ station: StationOut; token: string | null }> {
  const s: NewStation = validateNewStation(raw);
  await assertTimeZone(db, s.timeZone);
  return withTx(db, async (tx) => {
    const conflicts: FieldError[] = [];
    if (await findStationRef(tx, s.stationId))
      conflicts.push({ field: 'stationId', code: 'STATION_ID_TAKEN', message: `station ${s.stationId} is already registered; PATCH it to add datastreams` });
    const owners = await findDatastreamOwners(
      tx,
      s.datastreams.map((d) => d.datastreamId),
    );
    s.datastreams.forEach((d, i) => {
      if (owners.has(d.datastreamId))
        conflicts.push({
          field: `datastreams[${i}].datastreamId`,
          code: 'DATASTREAM_ID_TAKEN',
          message: `datastream ${d.datastreamId} already exists (ids are unique across stations)`,
        });
    });
    if (conflicts.length) throw new AppError('CONFLICT', 'The station or a datastream id is already in use', { errors: conflicts });
    const pk = await insertStation(tx, s, opts.actor.tokenId);
    await insertDatastreams(tx, pk, s.datastreams);
    const token = opts.issueToken === false ? null : await issueStationToken(tx, s.stationId);
    await writeAudit(tx, opts.actor, {
      action: 'stations.create',
      entity: 'station',
      entityIds: [s.stationId],
      route: opts.route ?? null,
      summary: { datastreams: s.datastreams.map((d) => d.datastreamId), tokenId: token?.id ?? null },
    });
    return { station: await getStation(tx, pk, false, SYSTEM_VIEWER), token: token?.token ?? null };
  });
}

/**
 * Changes a station's description fields and adds datastreams (PATCH). A datastream already on
 * this station is updated in place (name, unit, range, interval) but its resultType never changes
 * (stored values were checked against it): 409 RESULT_TYPE_IMMUTABLE. A datastreamId of another
 * station is 409 DATASTREAM_ID_TAKEN.
 */
export async function updateStation(db: Db | Tx, stationId: string, raw: unknown, opts: WriteOptions): Promise<StationOut> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new AppError('VALIDATION_FAILED', 'The body must be an object');
  const errors: FieldError[] = [];
  const body = raw as Record<string, unknown>;
  if (body.stationId !== undefined && body.stationId !== stationId)
    errors.push({ field: 'stationId', code: 'STATION_ID_IMMUTABLE', message: 'a station keeps its stationId' });
  const fields = validateStationFields(body, errors);
  const datastreams = validateDatastreamList(body.datastreams, errors, false);
  if (errors.length) throw new AppError('VALIDATION_FAILED', 'The station change is invalid', { errors });
  await assertTimeZone(db, fields.timeZone);
  return withTx(db, async (tx) => {
    const pk = await lockStationRow(tx, stationId);
    if (pk === undefined) throw new AppError('NOT_FOUND', `No station ${stationId}`);
    const mine = await datastreamRowsOf(tx, pk);
    const owners = await findDatastreamOwners(
      tx,
      datastreams.filter((d) => !mine.has(d.datastreamId)).map((d) => d.datastreamId),
    );
    const conflicts: FieldError[] = [];
    const added = [];
    const changed = [];
    for (const [i, d] of datastreams.entries()) {
      const own = mine.get(d.datastreamId);
      if (own && own.resultType !== d.resultType)
        conflicts.push({
          field: `datastreams[${i}].resultType`,
          code: 'RESULT_TYPE_IMMUTABLE',
          message: `${d.datastreamId} is a ${own.resultType} datastream; register a new datastream for ${d.resultType} values`,
        });
      else if (own) changed.push({ pk: own.pk, d });
      else if (owners.has(d.datastreamId))
        conflicts.push({
          field: `datastreams[${i}].datastreamId`,
          code: 'DATASTREAM_ID_TAKEN',
          message: `datastream ${d.datastreamId} belongs to another station`,
        });
      else added.push(d);
    }
    if (conflicts.length) throw new AppError('CONFLICT', 'A datastream cannot be changed that way', { errors: conflicts });
    await updateStationRow(tx, pk, fields);
    // Pushes to these datastreams hold the same locks; taking them keeps row-lock order acyclic.
    await lockDatastreams(
      tx,
      changed.map((c) => c.pk).sort((a, b) => a - b),
    );
    for (const c of changed) await updateDatastreamRow(tx, c.pk, c.d);
    await insertDatastreams(tx, pk, added);
    await writeAudit(tx, opts.actor, {
      action: 'stations.update',
      entity: 'station',
      entityIds: [stationId],
      route: opts.route ?? null,
      summary: { fields: Object.keys(fields), addedDatastreams: added.map((d) => d.datastreamId), changedDatastreams: changed.map((c) => c.d.datastreamId) },
    });
    return getStation(tx, pk, false, SYSTEM_VIEWER);
  });
}

/** Revokes every live token of the station and issues a new one (shown once). */
export async function rotateStationToken(db: Db | Tx, stationId: string, opts: WriteOptions): Promise<{ stationId: string; token: string; revoked: number }> {
  return withTx(db, async (tx) => {
    const ref = await findStationRef(tx, stationId);
    if (!ref) throw new AppError('NOT_FOUND', `No station ${stationId}`);
    const revoked = await revokeStationTokens(tx, stationId);
    const token = await issueStationToken(tx, stationId);
    await writeAudit(tx, opts.actor, {
      action: 'stations.token.rotate',
      entity: 'station',
      entityIds: [stationId],
      route: opts.route ?? null,
      summary: { revoked, tokenId: token.id },
    });
    return { stationId, token: token.token, revoked };
  });
}

/**
 * Who may read a station: admin and evaluators all; a station token its own station; a department
 * token the stations it is responsible for. Others are refused (403).
 */
export function assertMayRead(actor: Actor, station: StationRef): void {
  if (readsEveryScope(actor)) return;
  if (actor.role === 'station' && actor.stationId === station.stationId) return;
  if (
    actor.role === 'department' &&
    ((actor.departmentId != null && actor.departmentId === station.departmentId) ||
      (actor.departmentName != null && actor.departmentName === station.department))
  )
    return;
  throw new AppError('FORBIDDEN', `This token may not read station ${station.stationId}`);
}

/** The station (NOT_FOUND if unknown, FORBIDDEN if out of the caller's scope). */
export async function findReadableStation(db: DbOrTx, actor: Actor, stationId: string): Promise<StationRef> {
  // A station token asking for another station learns nothing about it.
  if (actor.role === 'station' && actor.stationId !== stationId) throw new AppError('FORBIDDEN', `This token may not read station ${stationId}`);
  const ref = await findStationRef(db, stationId);
  if (!ref) throw new AppError('NOT_FOUND', `No station ${stationId}`);
  assertMayRead(actor, ref);
  return ref;
}

/** GET /v1/stations/{id}: the station with its datastreams and each one's latest value. */
export async function readStation(db: DbOrTx, actor: Actor, stationId: string): Promise<StationOut> {
  const ref = await findReadableStation(db, actor, stationId);
  return getStation(db, ref.pk, true, viewerOf(actor));
}

export interface StationListQuery {
  type?: StationType;
  priorityArea?: string;
  limit: number;
  afterPk?: number;
}

/** GET /v1/stations, scoped to what the caller may read, in registration order, paged by cursor. */
export async function readStations(db: DbOrTx, actor: Actor, q: StationListQuery): Promise<{ stations: StationOut[]; lastPk: number | null }> {
  const scope: { onlyStationId?: string; onlyDepartment?: { id: number | null; name: string | null } } = {};
  if (actor.role === 'station') scope.onlyStationId = actor.stationId ?? '';
  else if (actor.role === 'department') scope.onlyDepartment = { id: actor.departmentId ?? null, name: actor.departmentName ?? null };
  else if (!readsEveryScope(actor)) throw new AppError('FORBIDDEN', 'This token may not list stations');
  return listStations(db, { ...q, ...scope }, viewerOf(actor));
}

/**
 * The station of a datastream named in a request (404 NOT_FOUND when unknown); a station named
 * beside it must be the same (422 DATASTREAM_OF_OTHER_STATION on `querystring.datastream`).
 */
export async function stationOfDatastream(db: DbOrTx, datastreamId: string, stationId?: string): Promise<string> {
  const owner = await findDatastreamStationId(db, datastreamId);
  if (!owner) throw new AppError('NOT_FOUND', `No datastream ${datastreamId}`);
  if (stationId && stationId !== owner) {
    throw new AppError('VALIDATION_FAILED', 'datastream belongs to another station', {
      errors: [{ field: 'querystring.datastream', code: 'DATASTREAM_OF_OTHER_STATION', message: `datastream ${datastreamId} is not on station ${stationId}` }],
    });
  }
  return owner;
}

/**
 * The stations whose observations a caller may download: the one named (when the caller may read
 * it: 403/404 otherwise), a station token's own, or all (undefined) for those who read every scope;
 * a department names one station (422 STATION_REQUIRED on `querystring.station`).
 */
export async function observationStationScope(db: DbOrTx, actor: Actor, stationId?: string): Promise<string[] | undefined> {
  if (stationId) {
    await findReadableStation(db, actor, stationId); // scope: 403 for another station or department
    return [stationId];
  }
  if (actor.role === 'station') return [actor.stationId ?? ''];
  if (!readsEveryScope(actor)) {
    throw new AppError('VALIDATION_FAILED', 'name a station or a datastream', {
      errors: [{ field: 'querystring.station', code: 'STATION_REQUIRED', message: 'departments download one station at a time' }],
    });
  }
  return undefined;
}

/**
 * BRIEF §8: a station token may post occurrences only when its station is a camera trap, and only
 * its detections (MachineObservation); other callers are not limited here. 403 FORBIDDEN (reason scope) otherwise.
 */
export async function occurrencePostingLimits(db: DbOrTx, poster: Pick<Actor, 'role' | 'stationId'>): Promise<{ allowedBasisOfRecord?: string[] }> {
  if (poster.role !== 'station') return {};
  const st = await findStationRef(db, poster.stationId ?? '');
  if (st?.type !== 'camera_trap')
    throw new AppError('FORBIDDEN', 'only camera-trap stations may post occurrences (their detections, as MachineObservation)', { reason: 'scope' });
  return { allowedBasisOfRecord: ['MachineObservation'] };
}
