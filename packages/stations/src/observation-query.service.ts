import type { DbOrTx } from '@biomon/db';
import { AppError, assertRange, isDateOnly, pageLimit, type CursorCodec } from '@biomon/core';
import { isCalendar, nominalSeconds, parseIntervalParam, toIsoDuration, toPgInterval } from './interval';
import { parsePhenomenonTime } from './phenomenon-time';
import { aggregateObservations, selectObservations, type Aggregate } from './observation.repository';
import { findReadableStation } from './station.service';
import { findDatastreamWithStation, localMidnight } from './station.repository';
import type { Actor } from '@biomon/auth';

export const MAX_QUERY_LIMIT = 10_000;
export const AGGREGATES: readonly Aggregate[] = ['avg', 'min', 'max', 'count'];

export interface ObservationQuery {
  from?: string;
  to?: string;
  interval?: string;
  agg?: string;
  limit?: number;
  cursor?: string;
}

const badParam = (field: string, code: string, message: string) =>
  new AppError('VALIDATION_FAILED', message, { errors: [{ field: `querystring.${field}`, code, message }] });

/** A query bound: a date-time with offset, or a date meaning local midnight at the station. */
export async function resolveBound(db: DbOrTx, field: string, value: string | undefined, tz: string): Promise<Date | null> {
  if (value === undefined || value === '') return null;
  if (isDateOnly(value)) {
    // an impossible date (2024-02-30) fails the cast and falls through to the error below
    const midnight = await localMidnight(db, value, tz).catch(() => null);
    if (midnight) return midnight;
  }
  const t = parsePhenomenonTime(value);
  if (!t.ok) throw badParam(field, 'DATE_INVALID', `${field} is an ISO 8601 date-time with offset (or a date, read as local midnight at the station)`);
  return new Date(t.epochMs);
}

/** Paging cursors of a datastream's observations or buckets: the last time of a page, sealed (@biomon/core CursorCodec). */
const cursorKind = (datastreamId: string, aggregated: boolean) => `observations:${aggregated ? 'buckets' : 'raw'}:${datastreamId}`;
function decodeCursor(cursors: CursorCodec, kind: string, c: string): string {
  const [iso] = cursors.decode(kind, c);
  if (typeof iso !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3,6}Z$/.test(iso))
    throw badParam('cursor', 'CURSOR_INVALID', 'use nextCursor from a previous page');
  return iso;
}

/**
 * GET /v1/datastreams/{id}/observations. Without `interval`: the observations in [from, to) in
 * time order. With `interval` (1h, 15m, 1d, 1w, 1mo, 1y or an ISO 8601 duration) and `agg`
 * (avg, min, max, count; default avg, or count for non-numeric datastreams): one value per
 * non-empty bucket, computed in SQL. Both page with `limit` and `nextCursor`.
 */
export async function queryDatastreamObservations(db: DbOrTx, actor: Actor, datastreamId: string, q: ObservationQuery, cursors: CursorCodec) {
  const ds = await findDatastreamWithStation(db, datastreamId);
  if (!ds) throw new AppError('NOT_FOUND', `No datastream ${datastreamId}`);
  const station = await findReadableStation(db, actor, ds.station_id);
  const from = await resolveBound(db, 'from', q.from, station.timeZone);
  const to = await resolveBound(db, 'to', q.to, station.timeZone);
  assertRange(from, to);
  const limit = pageLimit(q.limit, 1000, MAX_QUERY_LIMIT);
  const kind = cursorKind(ds.datastream_id, q.interval !== undefined);
  const after = q.cursor ? decodeCursor(cursors, kind, q.cursor) : null;
  const numeric = ds.result_type === 'number' || ds.result_type === 'integer';
  const head = {
    datastreamId: ds.datastream_id,
    stationId: ds.station_id,
    resultType: ds.result_type,
    unitOfMeasurement: ds.unit,
    from: from?.toISOString() ?? null,
    to: to?.toISOString() ?? null,
  };

  if (q.interval === undefined) {
    if (q.agg !== undefined) throw badParam('agg', 'INTERVAL_REQUIRED', 'agg needs interval (e.g. interval=1h&agg=avg)');
    const rows = await selectObservations(db, { datastreamPk: ds.id, from, to, after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    // the cursor keeps microseconds (a JS Date would drop them and repeat a row)
    const nextCursor = rows.length > limit ? cursors.encode(kind, [page[page.length - 1].time_iso]) : null;
    return {
      ...head,
      interval: null,
      agg: null,
      observations: page.map((r) => ({
        phenomenonTime: r.time_iso.replace(/(\.\d{3})000Z$/, '$1Z'),
        result: r.result_number ?? r.result_json,
        receivedAt: r.received_at.toISOString(),
      })),
      nextCursor,
    };
  }

  const iv = parseIntervalParam(q.interval);
  if (!iv || nominalSeconds(iv) < 1 || nominalSeconds(iv) > 100 * 365.25 * 86400)
    throw badParam('interval', 'INTERVAL_INVALID', 'interval is e.g. 15m, 1h, 1d, 1w, 1mo, 1y or an ISO 8601 duration (PT1H, P1M), from 1 second to 100 years');
  const months = iv.years * 12 + iv.months;
  if (months > 0 && (iv.days || iv.hours || iv.minutes || iv.seconds))
    throw badParam('interval', 'INTERVAL_INVALID', 'an interval of months or years cannot also have days or hours');
  const agg = (q.agg ?? (numeric ? 'avg' : 'count')) as Aggregate;
  if (!AGGREGATES.includes(agg)) throw badParam('agg', 'AGG_INVALID', `agg is one of ${AGGREGATES.join(', ')}`);
  if (agg !== 'count' && !numeric) throw badParam('agg', 'AGG_NOT_NUMERIC', `${ds.datastream_id} holds ${ds.result_type} results; only agg=count applies`);
  const rows = await aggregateObservations(db, {
    datastreamPk: ds.id,
    timeZone: station.timeZone,
    months,
    interval: toPgInterval(iv),
    localBins: months === 0 && isCalendar(iv),
    agg,
    from,
    to,
    after,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    ...head,
    interval: toIsoDuration(iv),
    agg,
    buckets: page.map((r) => ({ time: r.bucket.toISOString(), value: r.value, count: r.n })),
    nextCursor: rows.length > limit ? cursors.encode(kind, [page[page.length - 1].bucket.toISOString()]) : null,
  };
}
