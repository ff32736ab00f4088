import { sql, type DbOrTx, type PgInterval } from '@biomon/db';

export interface HealthSummaryRow {
  id: number;
  datastream_id: string;
  observed_property: string;
  result_type: string;
  expected_interval: PgInterval | null;
  last_received_at: Date | null;
  last_time: Date | null;
  n_obs: number;
  n_slots: number | null;
  observed_slots: number;
}

export interface GapRow {
  id: number;
  gap_from: Date;
  gap_to: Date;
  missing: number;
  at_start: boolean;
  ongoing: boolean;
  total: number;
}

type Frag = ReturnType<typeof sql>;

/**
 * The expected slots of each datastream in the window [from, to): slot k (from 0) starts at
 * from + k·interval. Calendar intervals (whole months, or whole days) step in the station's local
 * time, so "P1M" from 1958-03-01 gives the 1st of every month (k·interval from the start, never
 * cumulative, so the 31st does not drift to the 28th); fixed intervals step in absolute time,
 * unaffected by daylight saving. `kind`: 'fixed', 'months' or 'days' (see validateDatastream).
 */
const dsCte = (stationPk: number, tz: string) => sql`
  ds AS (
    SELECT d.id, d.datastream_id, d.observed_property, d.result_type, d.expected_interval AS iv, d.last_received_at,
      CASE WHEN extract(year FROM d.expected_interval) <> 0 OR extract(month FROM d.expected_interval) <> 0 THEN 'months'
           WHEN extract(day FROM d.expected_interval) <> 0 THEN 'days' ELSE 'fixed' END AS kind,
      (extract(year FROM d.expected_interval) * 12 + extract(month FROM d.expected_interval))::int AS iv_months,
      extract(day FROM d.expected_interval)::int AS iv_days,
      extract(epoch FROM d.expected_interval) AS iv_secs,
      ${tz}::text AS tz
    FROM datastreams d WHERE d.station_pk = ${stationPk}
  )`;

/** Start of slot k: from + k·iv, in local time for calendar intervals. Columns of ds in scope. */
const slotStart = (from: Date, k: Frag): Frag =>
  sql`CASE WHEN kind = 'fixed' THEN ${from}::timestamptz + ${k} * iv ELSE ((${from}::timestamptz AT TIME ZONE tz) + ${k} * iv) AT TIME ZONE tz END`;

/**
 * The slot number (from 0) of time t, computed (not searched): whole seconds, months or days
 * since `from`, divided by the interval, less one when t falls before that slot's start (the
 * day of the month or the time of day of `from` not yet reached).
 */
const slotOf = (from: Date, t: Frag): Frag => {
  const local = (x: Frag) => sql`(${x} AT TIME ZONE tz)`;
  const f = sql`${from}::timestamptz`;
  const months = sql`((extract(year FROM ${local(t)}) - extract(year FROM ${local(f)})) * 12 + extract(month FROM ${local(t)}) - extract(month FROM ${local(f)}))::int`;
  const days = sql`(${local(t)}::date - ${local(f)}::date)`;
  const k0m = sql`floor(${months}::numeric / iv_months)::int`;
  const k0d = sql`floor(${days}::numeric / iv_days)::int`;
  return sql`(CASE
    WHEN kind = 'fixed' THEN floor(extract(epoch FROM ${t} - ${f}) / iv_secs)::int
    WHEN kind = 'months' THEN ${k0m} - (${slotStart(from, k0m)} > ${t})::int
    ELSE ${k0d} - (${slotStart(from, k0d)} > ${t})::int END)`;
};

/** Number of expected slots in [from, to): the slots whose start is before `to`. */
const slotCount = (from: Date, to: Date): Frag =>
  sql`(SELECT count(*)::int FROM generate_series(0, ceil(extract(epoch FROM (${to}::timestamptz - ${from}::timestamptz)) / iv_secs * 1.1 + 2)::int) k
       WHERE ${slotStart(from, sql`k`)} < ${to}::timestamptz)`;

/**
 * Per datastream: last observation time (all time), observations, expected and observed slots in
 * the window. A slot is observed when at least one observation falls in it, so two readings in one
 * slot count once and completeness never exceeds 100 %.
 */
export async function healthSummary(db: DbOrTx, stationPk: number, from: Date, to: Date, tz: string): Promise<HealthSummaryRow[]> {
  const r = await sql<HealthSummaryRow>`
    WITH ${dsCte(stationPk, tz)}
    SELECT ds.id, ds.datastream_id, ds.observed_property, ds.result_type, ds.iv AS expected_interval, ds.last_received_at,
      (SELECT max(o.phenomenon_time) FROM observations o WHERE o.datastream_pk = ds.id) AS last_time,
      ob.n_obs, CASE WHEN ds.iv IS NULL THEN NULL ELSE ${slotCount(from, to)} END AS n_slots, ob.observed_slots
    FROM ds
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS n_obs, count(DISTINCT CASE WHEN ds.iv IS NOT NULL THEN ${slotOf(from, sql`o.phenomenon_time`)} END)::int AS observed_slots
      FROM observations o
      WHERE o.datastream_pk = ds.id AND o.phenomenon_time >= ${from}::timestamptz AND o.phenomenon_time < ${to}::timestamptz
    ) ob
    ORDER BY ds.datastream_id`.execute(db);
  return r.rows;
}

/**
 * Gaps: silences longer than 1.5 × the expected interval between consecutive observations of a
 * datastream in the window. The window's ends count as observations just outside it — the slot
 * before `from` and `to` itself — so a missing first or last slot is a gap like a missing middle
 * one, and a station silent now has an ongoing gap. `missing` counts the empty slots between the
 * two observations.
 * Calendar intervals compare in local time: after 1958-05-01 with P1M the next value is due
 * before 1958-06-16 (1 month 15 days).
 */
export async function healthGaps(db: DbOrTx, stationPk: number, from: Date, to: Date, tz: string, maxPerDatastream: number): Promise<GapRow[]> {
  const shift = (t: Frag, by: Frag) => sql`CASE WHEN kind = 'fixed' THEN ${t} + ${by} ELSE ((${t} AT TIME ZONE tz) + ${by}) AT TIME ZONE tz END`;
  const r = await sql<GapRow>`
    WITH ${dsCte(stationPk, tz)},
    pts AS (
      SELECT ds.id, ds.iv, ds.kind, ds.iv_months, ds.iv_days, ds.iv_secs, ds.tz, x.t, x.is_end
      FROM ds
      CROSS JOIN LATERAL (
        SELECT o.phenomenon_time AS t, false AS is_end FROM observations o
        WHERE o.datastream_pk = ds.id AND o.phenomenon_time >= ${from}::timestamptz AND o.phenomenon_time < ${to}::timestamptz
        UNION ALL SELECT ${to}::timestamptz, true
      ) x
      WHERE ds.iv IS NOT NULL
    ),
    seq AS (
      SELECT *, lag(t) OVER (PARTITION BY id ORDER BY t, is_end) AS prev FROM pts
    ),
    gaps AS (
      SELECT id, coalesce(prev, ${from}::timestamptz) AS gap_from, t AS gap_to, prev IS NULL AS at_start, is_end AS ongoing,
        -- slot numbers 1…n; 0 for the virtual observation before the window, n + 1 for its end
        greatest(0, (CASE WHEN is_end THEN ${slotCount(from, to)} + 1 ELSE ${slotOf(from, sql`t`)} + 1 END)
                    - (CASE WHEN prev IS NULL THEN 0 ELSE ${slotOf(from, sql`prev`)} + 1 END) - 1)::int AS missing
      FROM seq
      WHERE ${shift(sql`coalesce(prev, ${shift(sql`${from}::timestamptz`, sql`-iv`)})`, sql`iv * 1.5`)} < t
    )
    SELECT * FROM (
      SELECT *, (row_number() OVER (PARTITION BY id ORDER BY gap_from))::int AS rn, (count(*) OVER (PARTITION BY id))::int AS total FROM gaps
    ) g
    WHERE rn <= ${maxPerDatastream}
    ORDER BY id, gap_from`.execute(db);
  return r.rows;
}

/** The expected interval of each datastream of a station. */
export async function expectedIntervals(db: DbOrTx, stationPk: number): Promise<{ datastream_id: string; expected_interval: PgInterval | null }[]> {
  return db.selectFrom('datastreams').select(['datastream_id', 'expected_interval']).where('station_pk', '=', stationPk).execute();
}
