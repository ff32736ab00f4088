import { withTx, type Db, type Tx } from '@biomon/db';
import { AppError, hasInvalidText, TEXT_INVALID_CHARACTER, type FieldError } from '@biomon/core';
import { writeAudit, type Actor } from '@biomon/auth';
import { FUTURE_TOLERANCE_MS, parsePhenomenonTime } from './phenomenon-time';
import { checkResult } from './observation-values';
import { beginObservationPush, copyNewObservations, upsertObservations, type ObservationColumns } from './observation.repository';
import { stationWithRules, type DatastreamRule, type StationRef } from './station.repository';
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
 * Whether a canonical time (parsePhenomenonTime) is one whose string order is time order: years
 * 0000–9999, `YYYY-…`. The others are written `±YYYYYY-…`, a digit at index 4: one character code
 * tells them apart (a regular expression per row cost ≈ 0.5 ms a 5,000-row push).
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

/** The first valid row of a (datastream, time) in a push. */
interface Valid {
  index: number;
  cmp: string | number;
}

/**
 * Authorises a push: a station token may push only to its own station; admin may push to any
 * (e.g. to load a backlog for a station). Checked before the station is looked up, so a token
 * learns nothing about other stations.
 */
export function assertMayPush(actor: Actor, stationId: string): void {
  if (actor.role === 'admin' || actor.role === 'system') return;
  if (actor.role === 'station' && actor.stationId === stationId) return;
  throw new AppError(
    'FORBIDDEN',
    actor.role === 'station'
      ? `This token belongs to station ${actor.stationId}; it may not push to ${stationId}`
      : "Only the station's own token may push observations",
  );
}

const envelopeError = (field: string, code: string, message: string) => new AppError('VALIDATION_FAILED', message, { errors: [{ field, code, message }] });

/**
 * Reads a SensorThings-style dataArray push:
 * `{ datastreams: [{ datastreamId, components: ["phenomenonTime", "result"], dataArray: [[time, result], …] }] }`.
 * The envelope must be right (400 otherwise); each dataArray row is judged on its own, and its index
 * is its position in its datastream's dataArray. components may list the two in either order.
 */
export function readDataArrayPush(body: unknown): RawObservation[] {
  const b = body as { datastreams?: unknown };
  if (!b || typeof b !== 'object' || !Array.isArray(b.datastreams) || b.datastreams.length === 0) {
    throw envelopeError('datastreams', 'VALUE_REQUIRED', 'datastreams must be a non-empty list of { datastreamId, components, dataArray }');
  }
  if (b.datastreams.length > MAX_DATASTREAMS_PER_PUSH)
    throw envelopeError('datastreams', 'TOO_MANY_DATASTREAMS', `at most ${MAX_DATASTREAMS_PER_PUSH} datastreams per push`);
  const out: RawObservation[] = [];
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
    entry.dataArray.forEach((row: unknown, index: number) => {
      if (componentsError) out.push({ datastreamId: id, index, time: undefined, result: undefined, error: componentsError });
      else if (!Array.isArray(row) || row.length !== 2)
        out.push({
          datastreamId: id,
          index,
          time: undefined,
          result: undefined,
          error: { field: 'dataArray', code: 'MALFORMED_ROW', message: 'each dataArray row is a 2-element array matching components' },
        });
      else out.push({ datastreamId: id, index, time: row[ti], result: row[ri] });
    });
  });
  return out;
}

// Python's json module writes NaN/Infinity as bare tokens: name the real problem, not the syntax.
const BARE_NON_FINITE = /"result"\s*:\s*-?(NaN|Infinity)\b/;

/**
 * Reads an NDJSON push: one `{ "datastreamId", "phenomenonTime", "result" }` per line. The index is
 * the line number from 0; blank lines are skipped (but counted, so indexes match the file).
 */
export function readNdjsonPush(text: string): RawObservation[] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  const out: RawObservation[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (!line) continue;
    if (out.length >= MAX_OBSERVATIONS_PER_PUSH)
      throw envelopeError('body', 'TOO_MANY_OBSERVATIONS', `at most ${MAX_OBSERVATIONS_PER_PUSH} observations per push; split the backlog`);
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      const idMatch = /"datastreamId"\s*:\s*"([^"\\]{1,100})"/.exec(line);
      out.push({
        datastreamId: idMatch?.[1],
        index,
        time: undefined,
        result: undefined,
        error: BARE_NON_FINITE.test(line)
          ? { field: 'result', code: 'RESULT_NOT_FINITE', message: 'NaN and Infinity are not JSON numbers; leave the observation out' }
          : { field: 'line', code: 'INVALID_JSON', message: 'the line is not valid JSON' },
      });
      continue;
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      out.push({
        datastreamId: undefined,
        index,
        time: undefined,
        result: undefined,
        error: { field: 'line', code: 'MALFORMED_ROW', message: 'each line is an object { datastreamId, phenomenonTime, result }' },
      });
      continue;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.datastreamId !== 'string') {
      out.push({
        datastreamId: undefined,
        index,
        time: undefined,
        result: undefined,
        error: { field: 'datastreamId', code: 'MALFORMED_ROW', message: 'datastreamId (string) is required on every line' },
      });
      continue;
    }
    out.push({ datastreamId: o.datastreamId, index, time: o.phenomenonTime, result: o.result });
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
export async function ingestObservations(db: Db | Tx, stationId: string, raw: RawObservation[], opts: PushOptions): Promise<ObservationBatchResult> {
  assertMayPush(opts.actor, stationId);
  const found = await stationWithRules(db, stationId);
  if (!found) throw new AppError('NOT_FOUND', `No station ${stationId}`);
  const { station, rules } = found;
  const now = (opts.now ?? new Date()).getTime();

  const rejected: ObservationRejection[] = [];
  const warnings: ObservationWarning[] = [];
  const reject = (r: RawObservation, error: FieldError) => rejected.push({ datastreamId: r.datastreamId, index: r.index, errors: [error] });
  const seenTimes = new Map<DatastreamRule, Map<string, Valid>>();
  // the valid rows, de-duplicated, in the order first seen
  const cols = emptyColumns();
  let sameInBatch = 0;

  for (const r of raw) {
    if (r.error) {
      reject(r, r.error);
      continue;
    }
    const ds = rules.get(r.datastreamId!);
    if (!ds) {
      // (a registered datastreamId never holds invalid text, so a known one needs no check)
      if (hasInvalidText(r.datastreamId!))
        reject(r, { field: 'datastreamId', code: TEXT_INVALID_CHARACTER, message: 'datastreamId contains a NUL character or an unpaired UTF-16 surrogate' });
      else
        reject(r, {
          field: 'datastreamId',
          code: 'DATASTREAM_UNKNOWN',
          message: `station ${stationId} has no datastream ${r.datastreamId}; register it with PATCH /v1/stations/${stationId}`,
        });
      continue;
    }
    const t = parsePhenomenonTime(r.time);
    const v = checkResult(r.result, ds);
    if (!t.ok || t.epochMs > now + FUTURE_TOLERANCE_MS || !v.ok) {
      const errors: FieldError[] = [];
      if (!t.ok) errors.push({ field: 'phenomenonTime', code: t.code, message: t.message });
      else if (t.epochMs > now + FUTURE_TOLERANCE_MS)
        errors.push({
          field: 'phenomenonTime',
          code: 'TIME_IN_FUTURE',
          message: `${String(r.time)} is more than 10 minutes ahead of the server clock (${new Date(now).toISOString()})`,
        });
      if (!v.ok) errors.push(v.error);
      rejected.push({ datastreamId: r.datastreamId, index: r.index, errors });
      continue;
    }
    // one map of times per datastream: no key string per row
    let seen = seenTimes.get(ds);
    if (!seen) seenTimes.set(ds, (seen = new Map()));
    const first = seen.get(t.iso);
    if (first) {
      if (first.cmp === v.cmp) {
        sameInBatch++;
        warnings.push({
          datastreamId: r.datastreamId,
          index: r.index,
          flags: ['DUPLICATE_IN_BATCH_SAME_VALUE'],
          notes: { DUPLICATE_IN_BATCH_SAME_VALUE: `same time and value as index ${first.index}; counted once` },
        });
      } else {
        reject(r, {
          field: 'phenomenonTime',
          code: 'DUPLICATE_IN_BATCH',
          message: `this time was sent with another result at index ${first.index} of ${ds.datastreamId} in this push`,
        });
      }
      continue;
    }
    seen.set(t.iso, { index: r.index, cmp: v.cmp });
    cols.datastreamPks.push(ds.pk);
    cols.times.push(t.iso);
    cols.epochMs.push(t.epochMs);
    cols.numbers.push(v.num);
    cols.jsons.push(v.json);
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

  const pks = [...seenTimes.keys()].map((ds) => ds.pk);
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
