import { copyFromStdin, PREPARED_STATEMENT, sql, type DbOrTx, type Tx } from '@biomon/db';

/** Column arrays of valid, de-duplicated observations: one entry per (datastream, time). */
export interface ObservationColumns {
  datastreamPks: number[];
  /** canonical UTC ISO strings (microseconds kept) */
  times: string[];
  /** the same times as epoch milliseconds (parsePhenomenonTime's epochMs), for the binary COPY */
  epochMs: number[];
  numbers: (number | null)[];
  /** JSON text for boolean, string and json results */
  jsons: (string | null)[];
}

/**
 * Serialises writers of the same datastreams until the transaction ends. Sorted, so two pushes
 * that share datastreams lock them in the same order and never deadlock. The key space (a hash
 * of 'biomon:datastream:<pk>') is apart from the occurrence locks (hashtextextended(id, 7)).
 */
export async function lockDatastreams(tx: Tx, pks: number[]): Promise<void> {
  if (!pks.length) return;
  await sql`
    SELECT pg_advisory_xact_lock(h)
    FROM (SELECT DISTINCT hashtextextended('biomon:datastream:' || d, 0) AS h FROM unnest(${pks}::bigint[]) d ORDER BY h) s`.execute(tx);
}

/**
 * Upserts observations set-wise: one INSERT … SELECT FROM unnest(…) ON CONFLICT statement, never
 * row by row. A time already stored with the same result is left alone (no new row version, not
 * counted); a different result replaces it and the replaced value goes to observation_history.
 *
 * (A push of COPY_MIN_ROWS rows or more sends its times after the newest stored ones through
 * copyNewObservations instead, and only the rest here.)
 * New times (the usual push) cost one index probe each: the INSERT … ON CONFLICT DO NOTHING. Only
 * the times it skipped, already stored, are read again (their previous value, for the history) and
 * updated when the result differs. Those reads come from the statement's snapshot, in which the
 * rows this statement inserts are not visible; that snapshot holds the value actually replaced only
 * if no other transaction changed the row in between: the caller must hold the lock of every datastream in
 * `rows` (beginObservationPush or lockDatastreams) (READ COMMITTED takes the statement's snapshot after the locks are granted, so
 * it sees every committed writer).
 */
export async function upsertObservations(tx: Tx, rows: ObservationColumns, supersededBy: string | null): Promise<{ inserted: number; updated: number }> {
  if (!rows.datastreamPks.length) return { inserted: 0, updated: 0 };
  const r = await sql<{ inserted: number; updated: number }>`
    WITH input AS (
      SELECT * FROM unnest(${rows.datastreamPks}::bigint[], ${rows.times}::timestamptz[], ${rows.numbers}::float8[], ${rows.jsons}::jsonb[])
        AS i(datastream_pk, phenomenon_time, result_number, result_json)
    ),
    inserted AS (
      INSERT INTO observations (datastream_pk, phenomenon_time, result_number, result_json)
      SELECT datastream_pk, phenomenon_time, result_number, result_json FROM input
      ON CONFLICT (datastream_pk, phenomenon_time) DO NOTHING
      RETURNING datastream_pk, phenomenon_time
    ),
    stored AS (
      -- the times already stored (skipped by the INSERT); the fence keeps the probe below to these
      SELECT i.* FROM input i
      WHERE NOT EXISTS (SELECT 1 FROM inserted n WHERE n.datastream_pk = i.datastream_pk AND n.phenomenon_time = i.phenomenon_time)
      OFFSET 0
    ),
    changed AS (
      SELECT s.datastream_pk, s.phenomenon_time, s.result_number, s.result_json,
        o.result_number AS old_number, o.result_json AS old_json, o.received_at AS old_received_at
      FROM stored s JOIN observations o USING (datastream_pk, phenomenon_time)
      WHERE (o.result_number, o.result_json) IS DISTINCT FROM (s.result_number, s.result_json)
    ),
    updated AS (
      UPDATE observations o SET result_number = c.result_number, result_json = c.result_json, received_at = now()
      FROM changed c
      WHERE o.datastream_pk = c.datastream_pk AND o.phenomenon_time = c.phenomenon_time
      RETURNING o.datastream_pk, o.phenomenon_time
    ),
    history AS (
      INSERT INTO observation_history (datastream_pk, phenomenon_time, result_number, result_json, received_at, superseded_by)
      SELECT c.datastream_pk, c.phenomenon_time, c.old_number, c.old_json, c.old_received_at, ${supersededBy}::uuid
      FROM changed c JOIN updated u USING (datastream_pk, phenomenon_time)
    )
    SELECT (SELECT count(*) FROM inserted)::int AS inserted, (SELECT count(*) FROM updated)::int AS updated`.execute(tx);
  return r.rows[0];
}

/**
 * Begins a push (migration 0022, biomon_begin_push) in one round trip: takes the writers' lock of
 * the datastreams (as lockDatastreams), marks them heard from now (the health view's "last
 * received"; now() is the transaction's start), and returns the newest stored phenomenon_time of
 * each, in the canonical form of parsePhenomenonTime (`YYYY-MM-DDTHH:MM:SS.ffffffZ`, UTC), so that
 * string order is time order; datastreams without observations are left out. The newest times are
 * read by a statement of the function that starts after the locks were granted, so they include
 * what a writer waited for committed.
 */
export async function beginObservationPush(tx: Tx, pks: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (!pks.length) return out;
  // a named statement (PREPARED_STATEMENT): one per push, its text never changes
  const r = await sql<{ pk: number; newest: string }>`${sql.raw(PREPARED_STATEMENT)} SELECT pk, newest FROM biomon_begin_push(${pks}::bigint[])`.execute(tx);
  for (const row of r.rows) out.set(Number(row.pk), row.newest);
  return out;
}

// COPY binary format (PostgreSQL docs, "COPY … Binary Format"): no text to escape or parse. Each row
// is a field count, then per field its byte length (-1 = NULL) and its binary value: int8 and
// timestamptz (microseconds since 2000-01-01 UTC) as big-endian 64-bit integers, float8 as IEEE 754,
// jsonb as a version byte (1) and the JSON text in UTF-8 (parsed by the server as jsonb input).
const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_32 = 4_294_967_296;
const COPY_CHUNK = 1 << 20;

/** Writes an integer as a big-endian int8; exact for |v| < 2^53, through BigInt beyond. */
function writeInt8(buf: Buffer, o: number, v: number | bigint): void {
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    const hi = Math.floor(v / TWO_32);
    buf.writeInt32BE(hi, o);
    buf.writeUInt32BE(v - hi * TWO_32, o + 4);
  } else buf.writeBigInt64BE(BigInt(v), o);
}

/** Microseconds since 2000-01-01 UTC of a row: its epoch milliseconds and the last three digits of its canonical time. */
function pgMicros(epochMs: number, iso: string): number | bigint {
  const us = Number(iso.slice(23, 26));
  const v = (epochMs - PG_EPOCH_MS) * 1_000 + us;
  return Number.isSafeInteger(v) ? v : BigInt(epochMs - PG_EPOCH_MS) * 1_000n + BigInt(us);
}

/** The COPY input in buffers of at most about 1 MB, many rows a buffer (a small push gets a buffer of its size). */
function* copyBinaryChunks(rows: ObservationColumns): Generator<Buffer> {
  // numeric rows take 42 bytes; json rows are measured as they come
  let buf = Buffer.allocUnsafe(Math.min(COPY_CHUNK, 21 + 42 * rows.datastreamPks.length));
  COPY_SIGNATURE.copy(buf, 0);
  buf.writeInt32BE(0, 11); // flags
  buf.writeInt32BE(0, 15); // header extension length
  let o = 19;
  for (let i = 0; i < rows.datastreamPks.length; i++) {
    const num = rows.numbers[i];
    const json = rows.jsons[i];
    const jsonBytes = json === null ? 0 : Buffer.byteLength(json, 'utf8');
    // this row and room for the trailer
    const need = 2 + 12 + 12 + (num === null ? 4 : 12) + (json === null ? 4 : 5 + jsonBytes) + 2;
    if (o + need > buf.length) {
      yield buf.subarray(0, o);
      buf = Buffer.allocUnsafe(Math.max(COPY_CHUNK, need));
      o = 0;
    }
    buf.writeInt16BE(4, o);
    buf.writeInt32BE(8, o + 2);
    writeInt8(buf, o + 6, rows.datastreamPks[i]);
    buf.writeInt32BE(8, o + 14);
    writeInt8(buf, o + 18, pgMicros(rows.epochMs[i], rows.times[i]));
    o += 26;
    if (num === null) {
      buf.writeInt32BE(-1, o);
      o += 4;
    } else {
      buf.writeInt32BE(8, o);
      buf.writeDoubleBE(num, o + 4);
      o += 12;
    }
    if (json === null) {
      buf.writeInt32BE(-1, o);
      o += 4;
    } else {
      buf.writeInt32BE(1 + jsonBytes, o);
      buf[o + 4] = 1; // jsonb version
      buf.write(json, o + 5, jsonBytes, 'utf8');
      o += 5 + jsonBytes;
    }
  }
  buf.writeInt16BE(-1, o); // trailer
  yield buf.subarray(0, o + 2);
}

/**
 * Writes observations that cannot conflict with a stored row — times after the newest stored time of
 * their datastream (beginObservationPush, which holds their lock), de-duplicated — with one binary
 * `COPY FROM STDIN` on the transaction's connection: no speculative insertion, many rows per heap
 * write, no timestamp or number text for the server to parse. received_at takes its default (now(),
 * as the upsert). The datastream check of migration 0019 (an AFTER INSERT statement trigger with a
 * transition table) fires for COPY as for INSERT, so an unknown datastream refuses the whole COPY
 * with SQLSTATE 23503. `rows.times` must be canonical (parsePhenomenonTime; years 0001–9999) and
 * `rows.epochMs` their epochs. Returns the rows copied.
 */
export async function copyNewObservations(tx: Tx, rows: ObservationColumns): Promise<number> {
  if (!rows.datastreamPks.length) return 0;
  return copyFromStdin(tx, 'COPY observations (datastream_pk, phenomenon_time, result_number, result_json) FROM STDIN (FORMAT binary)', copyBinaryChunks(rows));
}

export interface ObservationOutRow {
  phenomenon_time: Date;
  result_number: number | null;
  result_json: unknown;
  received_at: Date;
  /** phenomenon_time in UTC with microseconds */
  time_iso: string;
}

/** Raw observations in [from, to), after `after` when paging, in time order. */
export async function selectObservations(
  db: DbOrTx,
  q: { datastreamPk: number; from: Date | null; to: Date | null; after: string | null; limit: number },
): Promise<ObservationOutRow[]> {
  const r = await sql<ObservationOutRow>`
    SELECT phenomenon_time, result_number, result_json, received_at,
      to_char(phenomenon_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS time_iso
    FROM observations
    WHERE datastream_pk = ${q.datastreamPk}
      ${q.from ? sql`AND phenomenon_time >= ${q.from}` : sql``}
      ${q.to ? sql`AND phenomenon_time < ${q.to}` : sql``}
      ${q.after ? sql`AND phenomenon_time > ${q.after}::timestamptz` : sql``}
    ORDER BY phenomenon_time
    LIMIT ${q.limit}`.execute(db);
  return r.rows;
}

export type Aggregate = 'avg' | 'min' | 'max' | 'count';

const AGGREGATES: Record<Aggregate, ReturnType<typeof sql>> = {
  avg: sql`avg(result_number)`,
  min: sql`min(result_number)`,
  max: sql`max(result_number)`,
  count: sql`count(*)::float8`,
};

export interface BucketRow {
  bucket: Date;
  value: number | null;
  n: number;
}

/**
 * Aggregates in SQL, one row per non-empty bucket (empty buckets are left out), with buckets
 * aligned in the station's time zone:
 * - months and years (`months` > 0): calendar months in local time, counted from 2000-01, so
 *   1mo = months, 3mo = quarters, 1y = 12mo = years;
 * - days and weeks (`localBins`): date_bin on local wall time, so a day is a local calendar day;
 * - shorter intervals: date_bin on absolute time.
 * The origin of date_bin is local midnight of Monday 2000-01-03, so weeks start on Mondays.
 */
export async function aggregateObservations(
  db: DbOrTx,
  q: {
    datastreamPk: number;
    timeZone: string;
    months: number;
    interval: string;
    localBins: boolean;
    agg: Aggregate;
    from: Date | null;
    to: Date | null;
    after: string | null;
    limit: number;
  },
): Promise<BucketRow[]> {
  const tz = q.timeZone;
  let bucket;
  if (q.months > 0) {
    // the local month number (year * 12 + month - 1), floored to a multiple of `months` from 2000-01
    const m = sql`(extract(year FROM phenomenon_time AT TIME ZONE ${tz}) * 12 + extract(month FROM phenomenon_time AT TIME ZONE ${tz}) - 1)::int`;
    const bm = sql`(${m} - ((((${m} - 24000) % ${q.months}) + ${q.months}) % ${q.months}))`;
    bucket = sql`(make_timestamp(${bm} / 12, ${bm} % 12 + 1, 1, 0, 0, 0) AT TIME ZONE ${tz})`;
  } else if (q.localBins) {
    bucket = sql`(date_bin(${q.interval}::interval, phenomenon_time AT TIME ZONE ${tz}, timestamp '2000-01-03') AT TIME ZONE ${tz})`;
  } else {
    bucket = sql`date_bin(${q.interval}::interval, phenomenon_time, timestamp '2000-01-03' AT TIME ZONE ${tz})`;
  }
  const r = await sql<BucketRow>`
    SELECT bucket, value, n FROM (
      SELECT ${bucket} AS bucket, ${AGGREGATES[q.agg]} AS value, count(*)::int AS n
      FROM observations
      WHERE datastream_pk = ${q.datastreamPk}
        ${q.from ? sql`AND phenomenon_time >= ${q.from}` : sql``}
        ${q.to ? sql`AND phenomenon_time < ${q.to}` : sql``}
        ${q.after ? sql`AND phenomenon_time > ${q.after}::timestamptz` : sql``}
      GROUP BY 1
    ) b
    ${q.after ? sql`WHERE bucket > ${q.after}::timestamptz` : sql``}
    ORDER BY bucket
    LIMIT ${q.limit}`.execute(db);
  return r.rows;
}
