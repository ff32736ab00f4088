import { withTx, type Db, type Tx } from '@biomon/db';
import { AppError, hasInvalidText, TEXT_INVALID_CHARACTER, type FieldError } from '@biomon/core';
import { writeAudit, type Actor } from '@biomon/auth';
import { FUTURE_TOLERANCE_MS, parseTimeInto, type TimeSlot } from './phenomenon-time';
import { checkResult } from './observation-values';
import { beginObservationPush, copyNewObservations, upsertObservations, type ObservationColumns } from './observation.repository';
import { stationWithRules, type DatastreamRule, type StationRef } from './station.repository';
import { ID_PATTERN } from './station-input';
import type { ObservationBatchResult, ObservationRejection, ObservationWarning } from './station.types';

/** At most this many observations per push (JSON dataArray or NDJSON lines). */
export const MAX_OBSERVATIONS_PER_PUSH = 50_000;
/** At most this many datastream entries in one JSON push. */
export const MAX_DATASTREAMS_PER_PUSH = 1_000;

export interface PushOptions {
  actor: Actor;
  /** All or nothing: any rejected observation rejects the push (422) and nothing is stored. */
  atomic?: boolean;
  route?: string;
  now?: Date;
  /** The station's rules read ahead for this push (readStationAhead), in place of reading them here. */
  stationAhead?: Promise<StationRules>;
  /** Told, once the rows are written, how many went by COPY and how many through the upsert (tests, benchmarks). */
  onWrite?: (paths: WritePaths) => void;
}

/** How a push's valid, de-duplicated rows were written (see writeObservations). */
export interface WritePaths {
  /** times after the newest stored time of their datastream: COPY */
  copied: number;
  /** the rest (late data, replacements, repeats): INSERT … ON CONFLICT and the history */
  upserted: number;
}

/**
 * Below this many valid rows a push goes straight to the upsert: both are one round trip (the COPY's
 * rows go with its statement, @biomon/db copyFromStdin), and for a handful of rows the COPY path's
 * extra work (the split, the binary encoding, the datastream check's transition table) buys nothing.
 */
export const COPY_MIN_ROWS = 64;
/**
 * Whether a canonical time is one whose string order is time order, `YYYY-…` (a `-` at index 4: one
 * character code, where a regular expression per row cost ≈ 0.5 ms a 5,000-row push).
 * parsePhenomenonTime refuses every other year, so it always holds for the times of a push; the two
 * places that compare times as strings (the repeats in a push, the split before COPY) still test it,
 * so that a wider range of years could never make them compare wrongly.
 */
const isOrderedIso = (t: string): boolean => t.charCodeAt(4) === 45; /* - */

/** One observation as read from a push, before validation. */
export interface RawObservation {
  datastreamId: string | undefined;
  index: number;
  time: unknown;
  result: unknown;
  /** set when the row is already known to be malformed */
  error?: FieldError;
}

/**
 * A push's rows before validation, as columns (row i is entry i of each): what the readers make,
 * with no object per row (a push holds up to 50,000).
 */
export interface RawColumns {
  datastreamIds: (string | undefined)[];
  /** the row's index in its datastream's dataArray, or its NDJSON line */
  indexes: number[];
  times: unknown[];
  results: unknown[];
  /** rows already known to be malformed, by position */
  errors: Map<number, FieldError>;
}

function emptyRaw(): RawColumns {
  return { datastreamIds: [], indexes: [], times: [], results: [], errors: new Map() };
}

function pushRaw(raw: RawColumns, datastreamId: string | undefined, index: number, time: unknown, result: unknown, error?: FieldError): void {
  if (error) raw.errors.set(raw.indexes.length, error);
  raw.datastreamIds.push(datastreamId);
  raw.indexes.push(index);
  raw.times.push(time);
  raw.results.push(result);
}

/** Rows given one object each (seeds, tests) as columns. */
function rawColumns(rows: readonly RawObservation[]): RawColumns {
  const raw = emptyRaw();
  for (const r of rows) pushRaw(raw, r.datastreamId, r.index, r.time, r.result, r.error);
  return raw;
}

/** What validation keeps of a datastream while it reads a push. */
interface DatastreamSeen {
  pk: number;
  /** the latest canonical time so far among this datastream's kept rows ('' before the first) */
  latest: string;
  /**
   * time → position in the kept columns; made only when a time is not after `latest` (a push in time
   * order, the usual one, needs no lookup: a time after every earlier one cannot repeat one of them)
   */
  positions: Map<string, number> | null;
}

/**
 * Authorises a push: a station token may push only to its own station; admin may push to any
 * (e.g. to load a backlog for a station). Checked before the station is looked up, so a token
 * learns nothing about other stations.
 */
export function assertMayPush(actor: Actor, stationId: string): void {
  if (mayPush(actor, stationId)) return;
  throw new AppError(
    'FORBIDDEN',
    actor.role === 'station'
      ? `This token belongs to station ${actor.stationId}; it may not push to ${stationId}`
      : "Only the station's own token may push observations",
  );
}

function mayPush(actor: Actor, stationId: string): boolean {
  return actor.role === 'admin' || actor.role === 'system' || (actor.role === 'station' && actor.stationId === stationId);
}

/** A station and the rules of its datastreams (stationWithRules); null when there is no such station. */
export type StationRules = Awaited<ReturnType<typeof stationWithRules>>;

/**
 * Starts reading a station's rules for a push while its body is still arriving (the route calls it
 * before the body is read; PushOptions.stationAhead), so that the read's round trip overlaps the
 * upload and the JSON parse instead of following them. Only when `actor` may push to the station —
 * the lookup still follows the authorisation, as in ingestObservations — and undefined otherwise.
 * A request that ends before its push (a body that is not JSON) leaves the read unawaited: its
 * failure is observed here, and the push that awaits it gets the error.
 */
export function readStationAhead(db: Db | Tx, stationId: string, actor: Actor): Promise<StationRules> | undefined {
  // (the route's parameters are validated after the body is read: an id that cannot be one is not looked up)
  if (!mayPush(actor, stationId) || !ID_PATTERN.test(stationId)) return undefined;
  const read = stationWithRules(db, stationId);
  read.catch(() => {});
  return read;
}

const envelopeError = (field: string, code: string, message: string) => new AppError('VALIDATION_FAILED', message, { errors: [{ field, code, message }] });

/**
 * Reads a SensorThings-style dataArray push:
 * `{ datastreams: [{ datastreamId, components: ["phenomenonTime", "result"], dataArray: [[time, result], …] }] }`.
 * The envelope must be right (400 otherwise); each dataArray row is judged on its own, and its index
 * is its position in its datastream's dataArray. components may list the two in either order.
 */
export function readDataArrayPush(body: unknown): RawColumns {
  const b = body as { datastreams?: unknown };
  if (!b || typeof b !== 'object' || !Array.isArray(b.datastreams) || b.datastreams.length === 0) {
    throw envelopeError('datastreams', 'VALUE_REQUIRED', 'datastreams must be a non-empty list of { datastreamId, components, dataArray }');
  }
  if (b.datastreams.length > MAX_DATASTREAMS_PER_PUSH)
    throw envelopeError('datastreams', 'TOO_MANY_DATASTREAMS', `at most ${MAX_DATASTREAMS_PER_PUSH} datastreams per push`);
  const out = emptyRaw();
  const seen = new Set<string>();
  let total = 0;
  b.datastreams.forEach((e: unknown, j: number) => {
    const entry = e as { datastreamId?: unknown; components?: unknown; dataArray?: unknown };
    if (!entry || typeof entry !== 'object' || typeof entry.datastreamId !== 'string' || !Array.isArray(entry.dataArray)) {
      throw envelopeError(`datastreams[${j}]`, 'VALUE_INVALID', 'each datastreams entry needs datastreamId (string) and dataArray (list)');
    }
    const id = entry.datastreamId;
    // A second entry for the same datastream would make (datastreamId, index) ambiguous in the answer.
    if (seen.has(id))
      throw envelopeError(`datastreams[${j}].datastreamId`, 'DATASTREAM_REPEATED', `${id} appears in more than one entry; send its rows in one dataArray`);
    seen.add(id);
    total += entry.dataArray.length;
    if (total > MAX_OBSERVATIONS_PER_PUSH)
      throw envelopeError('datastreams', 'TOO_MANY_OBSERVATIONS', `at most ${MAX_OBSERVATIONS_PER_PUSH} observations per push; split the backlog`);
    const c = entry.components;
    let ti = -1;
    let ri = -1;
    let componentsError: FieldError | undefined;
    if (Array.isArray(c) && c.length === 2 && c.includes('phenomenonTime') && c.includes('result')) {
      ti = c.indexOf('phenomenonTime');
      ri = c.indexOf('result');
    } else {
      componentsError = { field: 'components', code: 'MALFORMED_ROW', message: 'components must be ["phenomenonTime", "result"] (in either order)' };
    }
    const rows: unknown[] = entry.dataArray;
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index];
      if (componentsError) pushRaw(out, id, index, undefined, undefined, componentsError);
      else if (!Array.isArray(row) || row.length !== 2)
        pushRaw(out, id, index, undefined, undefined, {
          field: 'dataArray',
          code: 'MALFORMED_ROW',
          message: 'each dataArray row is a 2-element array matching components',
        });
      else pushRaw(out, id, index, row[ti], row[ri]);
    }
  });
  return out;
}

// Python's json module writes NaN/Infinity as bare tokens: name the real problem, not the syntax.
const BARE_NON_FINITE = /"result"\s*:\s*-?(NaN|Infinity)\b/;

/**
 * Reads an NDJSON push: one `{ "datastreamId", "phenomenonTime", "result" }` per line. The index is
 * the line number from 0; blank lines are skipped (but counted, so indexes match the file).
 */
export function readNdjsonPush(text: string): RawColumns {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  const out = emptyRaw();
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (!line) continue;
    if (out.indexes.length >= MAX_OBSERVATIONS_PER_PUSH)
      throw envelopeError('body', 'TOO_MANY_OBSERVATIONS', `at most ${MAX_OBSERVATIONS_PER_PUSH} observations per push; split the backlog`);
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      const idMatch = /"datastreamId"\s*:\s*"([^"\\]{1,100})"/.exec(line);
      pushRaw(
        out,
        idMatch?.[1],
        index,
        undefined,
        undefined,
        BARE_NON_FINITE.test(line)
          ? { field: 'result', code: 'RESULT_NOT_FINITE', message: 'NaN and Infinity are not JSON numbers; leave the observation out' }
          : { field: 'line', code: 'INVALID_JSON', message: 'the line is not valid JSON' },
      );
      continue;
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      pushRaw(out, undefined, index, undefined, undefined, {
        field: 'line',
        code: 'MALFORMED_ROW',
        message: 'each line is an object { datastreamId, phenomenonTime, result }',
      });
      continue;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.datastreamId !== 'string') {
      pushRaw(out, undefined, index, undefined, undefined, {
        field: 'datastreamId',
        code: 'MALFORMED_ROW',
        message: 'datastreamId (string) is required on every line',
      });
      continue;
    }
    pushRaw(out, o.datastreamId, index, o.phenomenonTime, o.result);
  }
  return out;
}

/**
 * Stores a push of observations for one station (BRIEF §9 batch answer). Valid rows are stored
 * even when others are rejected (unless `atomic`); 422 BATCH_REJECTED when nothing was valid.
 * Idempotent on (datastream, phenomenonTime): the same value again is `unchanged`, another value
 * is `updated` and the old one kept in observation_history. Late and out-of-order times are
 * accepted; times more than 10 minutes ahead of the server clock are not.
 * Within one push a repeated time with the same value counts once (unchanged, with a warning);
 * with another value the later row is rejected (DUPLICATE_IN_BATCH).
 * One transaction: rows, history, the datastreams' last-received time and the audit entry. Rows
 * after the newest stored time of their datastream are written by COPY, the rest by the upsert
 * (writeObservations); `opts.onWrite` tells how many took each path.
 */
export async function ingestObservations(
  db: Db | Tx,
  stationId: string,
  rows: RawColumns | readonly RawObservation[],
  opts: PushOptions,
): Promise<ObservationBatchResult> {
  assertMayPush(opts.actor, stationId);
  const raw = isRawColumns(rows) ? rows : rawColumns(rows);
  const found = await (opts.stationAhead ?? stationWithRules(db, stationId));
  if (!found) throw new AppError('NOT_FOUND', `No station ${stationId}`);
  const { station, rules } = found;
  const now = (opts.now ?? new Date()).getTime();

  const rejected: ObservationRejection[] = [];
  const warnings: ObservationWarning[] = [];
  const seenBy = new Map<DatastreamRule, DatastreamSeen>();
  // the valid rows, de-duplicated, in the order first seen; beside them each one's index and equality key
  const cols = emptyColumns();
  const keptIndexes: number[] = [];
  const keptCmps: (string | number)[] = [];
  let sameInBatch = 0;
  // One pass, no object per row: the time goes into one slot, and a number result in range (the
  // usual one) is taken without checkResult's answer object.
  const time: TimeSlot = { iso: '', epochMs: 0 };
  const n = raw.indexes.length;
  const hasErrors = raw.errors.size > 0;
  // rows come grouped by datastream: its rule and state are looked up when the datastream changes
  let lastId: string | undefined;
  let rule: DatastreamRule | undefined;
  let seen: DatastreamSeen | undefined;

  for (let i = 0; i < n; i++) {
    const datastreamId = raw.datastreamIds[i];
    const index = raw.indexes[i];
    const known = hasErrors ? raw.errors.get(i) : undefined;
    if (known) {
      rejected.push({ datastreamId, index, errors: [known] });
      continue;
    }
    if (datastreamId !== lastId || rule === undefined) {
      lastId = datastreamId;
      rule = rules.get(datastreamId!);
      seen = rule && seenBy.get(rule);
    }
    if (!rule) {
      // (a registered datastreamId never holds invalid text, so a known one needs no check)
      const error: FieldError = hasInvalidText(datastreamId!)
        ? { field: 'datastreamId', code: TEXT_INVALID_CHARACTER, message: 'datastreamId contains a NUL character or an unpaired UTF-16 surrogate' }
        : {
            field: 'datastreamId',
            code: 'DATASTREAM_UNKNOWN',
            message: `station ${stationId} has no datastream ${datastreamId}; register it with PATCH /v1/stations/${stationId}`,
          };
      rejected.push({ datastreamId, index, errors: [error] });
      continue;
    }
    const timeError = parseTimeInto(raw.times[i], time);
    const value = raw.results[i];
    let num: number | null;
    let json: string | null;
    let cmp: string | number;
    let resultError: FieldError | undefined;
    if (
      rule.resultType === 'number' &&
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (rule.validMin === null || value >= rule.validMin) &&
      (rule.validMax === null || value <= rule.validMax)
    ) {
      // as checkResult: -0 and 0 are the same value in float8
      num = value === 0 ? 0 : value;
      json = null;
      cmp = num;
    } else {
      const v = checkResult(value, rule);
      if (v.ok) {
        num = v.num;
        json = v.json;
        cmp = v.cmp;
      } else {
        num = json = null;
        cmp = 0;
        resultError = v.error;
      }
    }
    if (timeError || time.epochMs > now + FUTURE_TOLERANCE_MS || resultError) {
      const errors: FieldError[] = [];
      if (timeError) errors.push({ field: 'phenomenonTime', code: timeError.code, message: timeError.message });
      else if (time.epochMs > now + FUTURE_TOLERANCE_MS)
        errors.push({
          field: 'phenomenonTime',
          code: 'TIME_IN_FUTURE',
          message: `${String(raw.times[i])} is more than 10 minutes ahead of the server clock (${new Date(now).toISOString()})`,
        });
      if (resultError) errors.push(resultError);
      rejected.push({ datastreamId, index, errors });
      continue;
    }
    if (!seen) {
      seen = { pk: rule.pk, latest: '', positions: null };
      seenBy.set(rule, seen);
    }
    const iso = time.iso;
    if (seen.positions === null && isOrderedIso(iso) && iso > seen.latest) seen.latest = iso;
    else {
      if (seen.positions === null) seen.positions = positionsOf(cols, rule.pk);
      const first = seen.positions.get(iso);
      if (first !== undefined) {
        if (keptCmps[first] === cmp) {
          sameInBatch++;
          warnings.push({
            datastreamId,
            index,
            flags: ['DUPLICATE_IN_BATCH_SAME_VALUE'],
            notes: { DUPLICATE_IN_BATCH_SAME_VALUE: `same time and value as index ${keptIndexes[first]}; counted once` },
          });
        } else {
          rejected.push({
            datastreamId,
            index,
            errors: [
              {
                field: 'phenomenonTime',
                code: 'DUPLICATE_IN_BATCH',
                message: `this time was sent with another result at index ${keptIndexes[first]} of ${rule.datastreamId} in this push`,
              },
            ],
          });
        }
        continue;
      }
      seen.positions.set(iso, cols.times.length);
    }
    cols.datastreamPks.push(rule.pk);
    cols.times.push(iso);
    cols.epochMs.push(time.epochMs);
    cols.numbers.push(num);
    cols.jsons.push(json);
    keptIndexes.push(index);
    keptCmps.push(cmp);
  }
  // (rejections are in input order: datastream entries, then rows; NDJSON by line)

  const valid = cols.times.length;
  if (valid === 0 || (opts.atomic && rejected.length)) {
    throw new AppError(
      'BATCH_REJECTED',
      valid === 0 ? 'No observation of the push could be stored' : 'The push is atomic and some observations were rejected; nothing was stored',
      { rejected },
    );
  }

  const pks = [...seenBy.values()].map((d) => d.pk);
  const run = async (tx: Tx): Promise<ObservationBatchResult> => {
    const counts = await writeObservations(tx, station, pks, cols, opts);
    return { inserted: counts.inserted, updated: counts.updated, unchanged: valid - counts.inserted - counts.updated + sameInBatch, rejected, warnings };
  };
  return withTx(db, run);
}

async function writeObservations(tx: Tx, station: StationRef, pks: number[], cols: ObservationColumns, opts: PushOptions) {
  // one round trip: the datastreams' lock, their last-received time, and their newest stored times
  const newest = await beginObservationPush(tx, pks);
  // Under the locks no other writer adds rows to these datastreams until commit, so a time after the
  // newest stored one cannot conflict: those rows go by COPY. The rest — late data, repeats,
  // replacements — take the upsert, which counts unchanged and updated rows and writes the history.
  const split = cols.times.length >= COPY_MIN_ROWS ? splitAfterNewest(cols, newest) : { fresh: null, rest: cols };
  const copied = split.fresh ? await copyNewObservations(tx, split.fresh) : 0;
  const upserted = await upsertObservations(tx, split.rest, opts.actor.tokenId);
  const counts = { inserted: copied + upserted.inserted, updated: upserted.updated };
  opts.onWrite?.({ copied, upserted: split.rest.times.length });
  if (counts.inserted + counts.updated > 0) {
    let min = cols.times[0];
    let max = cols.times[0];
    for (const t of cols.times) {
      if (t < min) min = t;
      if (t > max) max = t;
    }
    await writeAudit(tx, opts.actor, {
      action: 'observations.push',
      entity: 'station',
      entityIds: [station.stationId],
      route: opts.route ?? null,
      summary: {
        inserted: counts.inserted,
        updated: counts.updated,
        received: cols.times.length,
        datastreams: pks.length,
        phenomenonTimeMin: min,
        phenomenonTimeMax: max,
      },
    });
  }
  return counts;
}

function emptyColumns(): ObservationColumns {
  return { datastreamPks: [], times: [], epochMs: [], numbers: [], jsons: [] };
}

/** Position of each kept time of a datastream (its kept times are distinct). */
function positionsOf(cols: ObservationColumns, pk: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let j = 0; j < cols.times.length; j++) if (cols.datastreamPks[j] === pk) out.set(cols.times[j], j);
  return out;
}

function isRawColumns(rows: RawColumns | readonly RawObservation[]): rows is RawColumns {
  return !Array.isArray(rows);
}

/**
 * Splits rows into those strictly after the newest stored time of their datastream (`fresh`: none
 * when nothing qualifies) and the rest. A datastream with nothing stored has every row fresh.
 */
function splitAfterNewest(cols: ObservationColumns, newest: Map<number, string>): { fresh: ObservationColumns | null; rest: ObservationColumns } {
  const n = cols.times.length;
  const isFresh = new Uint8Array(n);
  let freshCount = 0;
  for (let i = 0; i < n; i++) {
    const t = cols.times[i];
    const after = newest.get(cols.datastreamPks[i]);
    if (isOrderedIso(t) && (after === undefined || t > after)) {
      isFresh[i] = 1;
      freshCount++;
    }
  }
  // the usual pushes are all new (or all old): no copy of the columns
  if (freshCount === n) return { fresh: cols, rest: emptyColumns() };
  if (freshCount === 0) return { fresh: null, rest: cols };
  const fresh = emptyColumns();
  const rest = emptyColumns();
  for (let i = 0; i < n; i++) {
    const to = isFresh[i] ? fresh : rest;
    to.datastreamPks.push(cols.datastreamPks[i]);
    to.times.push(cols.times[i]);
    to.epochMs.push(cols.epochMs[i]);
    to.numbers.push(cols.numbers[i]);
    to.jsons.push(cols.jsons[i]);
  }
  return { fresh, rest };
}

/** Parses and stores a JSON dataArray push (see readDataArrayPush). */
export function ingestDataArrayPush(db: Db | Tx, stationId: string, body: unknown, opts: PushOptions): Promise<ObservationBatchResult> {
  assertMayPush(opts.actor, stationId);
  return ingestObservations(db, stationId, readDataArrayPush(body), opts);
}

/** Parses and stores an NDJSON push (see readNdjsonPush). */
export function ingestNdjsonPush(db: Db | Tx, stationId: string, text: string, opts: PushOptions): Promise<ObservationBatchResult> {
  assertMayPush(opts.actor, stationId);
  return ingestObservations(db, stationId, readNdjsonPush(text), opts);
}
