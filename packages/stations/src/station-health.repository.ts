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

/**
 * The expected slots of each datastream in the window [from, to): slot k starts at from + k·interval.
 * Calendar intervals (months, days) step in the station's local time, so "P1M" from 1958-03-01
 * gives the 1st of every month (k·interval from the start, never cumulative, so the 31st does not
 * drift to the 28th); fixed intervals step in absolute time, unaffected by daylight saving.
 * The series is generated with 10 % headroom over window/interval and cut at `to`.
 */
const slotsCte = (stationPk: number, from: Date, to: Date, tz: string) => sql`
  ds AS (
    SELECT d.id, d.datastream_id, d.observed_property, d.result_type, d.expected_interval AS iv, d.last_received_at,
      (extract(year FROM d.expected_interval) <> 0 OR extract(month FROM d.expected_interval) <> 0 OR extract(day FROM d.expected_interval) <> 0) AS calendar
    FROM datastreams d WHERE d.station_pk = ${stationPk}
  ),
  slots AS (
    SELECT ds.id, array_agg(g.s ORDER BY g.s) AS starts
    FROM ds CROSS JOIN LATERAL (
      SELECT CASE WHEN ds.calendar THEN ((${from}::timestamptz AT TIME ZONE ${tz}) + k * ds.iv) AT TIME ZONE ${tz}
                  ELSE ${from}::timestamptz + k * ds.iv END AS s
      FROM generate_series(0, ceil(extract(epoch FROM (${to}::timestamptz - ${from}::timestamptz)) / extract(epoch FROM ds.iv) * 1.1 + 2)::int) k
    ) g
    WHERE ds.iv IS NOT NULL AND g.s < ${to}::timestamptz
    GROUP BY ds.id
  )`;

/**
 * Per datastream: last observation time (all time), observations, expected and observed slots in
 * the window. A slot is observed when at least one observation falls in it (width_bucket over the
 * sorted slot starts), so two readings in one slot count once and completeness never exceeds 100 %.
 */
export async function healthSummary(db: DbOrTx, stationPk: number, from: Date, to: Date, tz: string): Promise<HealthSummaryRow[]> {
  const r = await sql<HealthSummaryRow>`
    WITH ${slotsCte(stationPk, from, to, tz)}
    SELECT ds.id, ds.datastream_id, ds.observed_property, ds.result_type, ds.iv AS expected_interval, ds.last_received_at,
      (SELECT max(o.phenomenon_time) FROM observations o WHERE o.datastream_pk = ds.id) AS last_time,
      ob.n_obs, cardinality(sl.starts) AS n_slots, ob.observed_slots
    FROM ds
    LEFT JOIN slots sl ON sl.id = ds.id
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS n_obs, count(DISTINCT width_bucket(o.phenomenon_time, sl.starts))::int AS observed_slots
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
 * two observations (slot numbers by width_bucket; 0 before the first slot, n + 1 at `to`).
 * Calendar intervals compare in local time: after 1958-05-01 with P1M the next value is due
 * before 1958-06-16 (1 month 15 days).
 */
export async function healthGaps(db: DbOrTx, stationPk: number, from: Date, to: Date, tz: string, maxPerDatastream: number): Promise<GapRow[]> {
  const shift = (t: ReturnType<typeof sql>, by: ReturnType<typeof sql>) =>
    sql`CASE WHEN calendar THEN ((${t} AT TIME ZONE ${tz}) + ${by}) AT TIME ZONE ${tz} ELSE ${t} + ${by} END`;
  const r = await sql<GapRow>`
    WITH ${slotsCte(stationPk, from, to, tz)},
    pts AS (
      SELECT ds.id, ds.iv, ds.calendar, sl.starts, x.t, x.is_end
      FROM ds JOIN slots sl ON sl.id = ds.id
      CROSS JOIN LATERAL (
        SELECT o.phenomenon_time AS t, false AS is_end FROM observations o
        WHERE o.datastream_pk = ds.id AND o.phenomenon_time >= ${from}::timestamptz AND o.phenomenon_time < ${to}::timestamptz
        UNION ALL SELECT ${to}::timestamptz, true
      ) x
    ),
    seq AS (
      SELECT id, iv, calendar, starts, t, is_end, lag(t) OVER (PARTITION BY id ORDER BY t, is_end) AS prev FROM pts
    ),
    gaps AS (
      SELECT id, coalesce(prev, ${from}::timestamptz) AS gap_from, t AS gap_to, prev IS NULL AS at_start, is_end AS ongoing,
        greatest(0, (CASE WHEN is_end THEN cardinality(starts) + 1 ELSE width_bucket(t, starts) END)
                    - (CASE WHEN prev IS NULL THEN 0 ELSE width_bucket(prev, starts) END) - 1)::int AS missing
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
