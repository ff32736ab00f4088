import { chinaPart, sql, type DbOrTx } from '@biomon/db';
import { nameKey } from '@biomon/taxa';
import { cellBox, cellCentre, cellId, namedRegionOfCodes, NEWEST_REGIONS, regionsOfPoint } from './alert.sql';

/**
 * The SQL reads of the alert evaluators (evaluate-*.ts): what each rule looks at, in PostGIS (the
 * BRIEF §8 grid through alert.sql.ts). The evaluators decide what to raise, update or clear;
 * writes to alerts go through alert.repository.ts.
 */

// ---- rule 6, import_problem (evaluate-imports.ts)

export interface ImportRow {
  id: string;
  file_name: string;
  status: string;
  format: string | null;
  rows_total: number | null;
  rows_done: number;
  counts: {
    rejected?: number;
    inserted?: number;
    updated?: number;
    unchanged?: number;
    events?: { rejected?: number; inserted?: number; updated?: number; unchanged?: number };
  } | null;
  error: { code?: string; message?: string } | null;
  team: string | null;
  token_label: string | null;
  finished_at: Date | null;
}

/** Finished imports to judge: the one named, or those finished in the last `sweepDays` days. */
export async function importsToJudge(tx: DbOrTx, scope: { importId: string } | { sweep: true }, p: { sweepDays: number }, now: Date) {
  return sql<ImportRow>`
    SELECT i.id, i.file_name, i.status, i.format, i.rows_total, i.rows_done, i.counts, i.error, i.team, k.label AS token_label, i.finished_at
    FROM imports i LEFT JOIN api_tokens k ON k.id = i.token_id
    WHERE i.status IN ('completed', 'failed')
      ${'importId' in scope ? sql`AND i.id = ${scope.importId}::uuid` : sql`AND i.finished_at >= ${now}::timestamptz - make_interval(days => ${p.sweepDays}::int)`}
    ORDER BY i.id`.execute(tx);
}

// ---- rules 4a and 4b, indicator_deadline and indicator_drop (evaluate-indicators.ts)

export interface TaskLinkRow {
  task_no: number;
  ref: string;
  timeline_kind: string;
  timeline_end: string;
  timeline_text: string;
  status: string | null;
}

/** Ledger tasks linked to an indicator whose deadline falls before `horizon` (and not before `asOf` unless overdue ones count), with their status as of `asOf`. */
export async function indicatorDeadlineLinks(tx: DbOrTx, asOf: string, horizon: string, includeOverdue: boolean) {
  return sql<TaskLinkRow>`
    SELECT l.task_no, l.ref, t.timeline_kind, t.timeline_end::text AS timeline_end, t.timeline_text,
      (SELECT p.status FROM ledger_progress p WHERE p.task_no = t.no AND p.as_of <= ${asOf}::date ORDER BY p.as_of DESC, p.id DESC LIMIT 1) AS status
    FROM ledger_task_links l JOIN ledger_tasks t ON t.no = l.task_no
    WHERE l.kind = 'indicator' AND t.timeline_kind <> 'continuous' AND t.timeline_end IS NOT NULL
      AND t.timeline_end <= ${horizon}::date
      ${includeOverdue ? sql`` : sql`AND t.timeline_end >= ${asOf}::date`}
    ORDER BY l.task_no, l.ref`.execute(tx);
}

export interface DropRow {
  indicator: string;
  region_code: string;
  /** '' or which of the indicator's values for the region (pa_connectivity: 'd=10km'): compared only with the same */
  variant: string;
  region_name: string | null;
  year: number;
  value: number;
  run_id: string;
  finished_at: Date;
  prev_year: number;
  prev_value: number;
  prev_run_id: string;
  prev_finished_at: Date;
}

/** Per indicator and region, the latest completed value against the one before it, when it dropped by more than `minDropPoints`. */
export async function indicatorDropCandidates(tx: DbOrTx, minDropPoints: number) {
  return sql<DropRow>`
    WITH ranked AS (
      SELECT r.indicator, r.region_code, r.variant, r.year, r.value, u.id AS run_id, u.finished_at,
        row_number() OVER (PARTITION BY r.indicator, r.region_code, r.variant ORDER BY r.year DESC, u.finished_at DESC, u.id DESC) AS rn
      FROM indicator_results r JOIN indicator_runs u ON u.id = r.run_id
      WHERE u.status = 'completed' AND r.value IS NOT NULL
    )
    SELECT a.indicator, a.region_code, a.variant, reg.name AS region_name, a.year, a.value, a.run_id, a.finished_at,
      b.year AS prev_year, b.value AS prev_value, b.run_id AS prev_run_id, b.finished_at AS prev_finished_at
    FROM ranked a
    JOIN ranked b ON b.indicator = a.indicator AND b.region_code = a.region_code AND b.variant = a.variant AND b.rn = 2
    LEFT JOIN LATERAL (SELECT r.name FROM regions r WHERE r.dataset_id = ${NEWEST_REGIONS} AND r.code = a.region_code LIMIT 1) reg ON true
    WHERE a.rn = 1 AND b.value - a.value > ${minDropPoints}::float8
    ORDER BY a.indicator, a.region_code, a.variant`.execute(tx);
}

/** The ledger tasks linked to each indicator (by code). */
export async function indicatorTasks(tx: DbOrTx): Promise<Map<string, number[]>> {
  const rows = await tx.selectFrom('ledger_task_links').select(['ref', 'task_no']).where('kind', '=', 'indicator').orderBy('task_no').execute();
  const m = new Map<string, number[]>();
  for (const r of rows) {
    if (!m.has(r.ref)) m.set(r.ref, []);
    m.get(r.ref)!.push(r.task_no);
  }
  return m;
}

// ---- rule 1, invasive_new_cell (evaluate-invasive.ts)

export interface InvasiveRow {
  id: number;
  occurrence_id: string;
  gid: number;
  scientific_name: string;
  chinese_name: string | null;
  cell: string;
  centre_lon: number;
  centre_lat: number;
  region_codes: string[];
  region_code: string | null;
  region_name: string | null;
  region_name_en: string | null;
  event_end: Date;
  basis_of_record: string;
  is_first: boolean;
}

/**
 * Present, non-rejected records of invasive taxa (species level) among `occurrencePks`, with their
 * cell, region and whether no earlier stored record of the taxon lies in the cell (`is_first`).
 */
export async function invasiveCandidates(tx: DbOrTx, occurrencePks: number[], p: { requireVerified: boolean; maxRecordAgeDays: number | null }, now: Date) {
  return sql<InvasiveRow>`
    WITH t AS (
      SELECT o.id, o.occurrence_id, o.geom, o.region_codes, o.priority_area, o.event_end, o.basis_of_record, coalesce(tx.parent_id, tx.id) AS gid
      FROM occurrences o
      JOIN taxa tx ON tx.id = o.taxon_id
      LEFT JOIN taxa pt ON pt.id = tx.parent_id
      WHERE o.id = ANY(${occurrencePks}::bigint[])
        AND o.occurrence_status = 'present' AND o.review_state <> 'rejected'
        AND (tx.invasive OR coalesce(pt.invasive, false))
        ${p.requireVerified ? sql`AND o.review_state = 'verified'` : sql``}
        ${p.maxRecordAgeDays !== null ? sql`AND o.event_end >= ${now}::timestamptz - make_interval(days => ${p.maxRecordAgeDays}::int)` : sql``}
    )
    SELECT t.id, t.occurrence_id, t.gid, g.scientific_name, g.chinese_name, ${cellId(sql`t.geom`)} AS cell,
      ST_X(${cellCentre(sql`t.geom`)}) AS centre_lon, ST_Y(${cellCentre(sql`t.geom`)}) AS centre_lat,
      t.region_codes || CASE WHEN t.priority_area IS NULL THEN '{}'::text[] ELSE ARRAY[t.priority_area] END AS region_codes, reg.code AS region_code, reg.name AS region_name, reg.name_en AS region_name_en,
      t.event_end, t.basis_of_record,
      NOT EXISTS (
        SELECT 1 FROM occurrences o2
        WHERE o2.taxon_id IN (SELECT x.id FROM taxa x WHERE x.id = t.gid OR x.parent_id = t.gid)
          AND o2.id < t.id
          AND o2.occurrence_status = 'present' AND o2.review_state <> 'rejected'
          AND o2.geom && ${cellBox(sql`t.geom`)}
          AND ${cellId(sql`o2.geom`)} = ${cellId(sql`t.geom`)}
      ) AS is_first
    FROM t
    JOIN taxa g ON g.id = t.gid
    LEFT JOIN ${namedRegionOfCodes(sql`t.region_codes`)} reg ON true
    ORDER BY t.gid, cell, t.id`.execute(tx);
}

// ---- rule 2, sensitive_detection (evaluate-sensitive.ts); species ids also for rule 5

/** Species-level taxon ids of names (scientific or Chinese, synonyms included); unknown names are skipped. */
export async function speciesIdsOf(db: DbOrTx, names: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!names.length) return out;
  const keys = names.map((n) => nameKey(n));
  const rows = await sql<{ name_key: string; gid: number }>`
    SELECT DISTINCT ON (n.name_key) n.name_key, coalesce(t.parent_id, t.id) AS gid
    FROM taxon_names n JOIN taxa t ON t.id = n.taxon_id
    WHERE n.name_key = ANY(${keys}::text[])
    ORDER BY n.name_key, (n.kind = 'accepted') DESC, t.id`.execute(db);
  const byKey = new Map(rows.rows.map((r) => [r.name_key, r.gid]));
  names.forEach((n, i) => {
    const g = byKey.get(keys[i]);
    if (g !== undefined) out.set(n, g);
  });
  return out;
}

export interface SensitiveRow {
  id: number;
  occurrence_id: string;
  gid: number;
  scientific_name: string;
  chinese_name: string | null;
  recorded_as: string;
  basis_of_record: string;
  event_id: string | null;
  event_start: Date;
  event_end: Date;
  lon: number;
  lat: number;
  uncertainty_m: number | null;
  individual_count: number | null;
  locality: string | null;
  recorded_by: string | null;
  cell: string;
  centre_lon: number;
  centre_lat: number;
  region_codes: string[];
  priority_area: string | null;
  region_code: string | null;
  region_name: string | null;
  region_name_en: string | null;
}

/** Present, non-rejected records among `fresh` of the listed species (or of any sensitive taxon), with their exact point, cell and region. */
export async function sensitiveCandidates(
  tx: DbOrTx,
  fresh: number[],
  listed: number[],
  p: { includeAllSensitive: boolean; basisOfRecord: string[] | null; maxRecordAgeDays: number | null },
  now: Date,
) {
  return sql<SensitiveRow>`
    SELECT o.id, o.occurrence_id, g.id AS gid, g.scientific_name, g.chinese_name, o.scientific_name AS recorded_as,
      o.basis_of_record, o.event_id, o.event_start, o.event_end, ST_X(o.geom) AS lon, ST_Y(o.geom) AS lat,
      o.coordinate_uncertainty_m AS uncertainty_m, o.individual_count, o.data->>'locality' AS locality, o.data->>'recordedBy' AS recorded_by,
      ${cellId(sql`o.geom`)} AS cell, ST_X(${cellCentre(sql`o.geom`)}) AS centre_lon, ST_Y(${cellCentre(sql`o.geom`)}) AS centre_lat,
      o.region_codes, o.priority_area, reg.code AS region_code, reg.name AS region_name, reg.name_en AS region_name_en
    FROM occurrences o
    JOIN taxa tx ON tx.id = o.taxon_id
    LEFT JOIN taxa pt ON pt.id = tx.parent_id
    JOIN taxa g ON g.id = coalesce(tx.parent_id, tx.id)
    LEFT JOIN ${namedRegionOfCodes(sql`o.region_codes`)} reg ON true
    WHERE o.id = ANY(${fresh}::bigint[])
      AND o.occurrence_status = 'present' AND o.review_state <> 'rejected'
      AND (g.id = ANY(${listed}::int[]) ${p.includeAllSensitive ? sql`OR tx.sensitive OR coalesce(pt.sensitive, false)` : sql``})
      ${p.basisOfRecord?.length ? sql`AND o.basis_of_record = ANY(${p.basisOfRecord}::text[])` : sql``}
      ${p.maxRecordAgeDays !== null ? sql`AND o.event_end >= ${now}::timestamptz - make_interval(days => ${p.maxRecordAgeDays}::int)` : sql``}
    ORDER BY g.id, cell, o.id`.execute(tx);
}

// ---- rule 3a, station_silent (evaluate-stations.ts)

export interface StreamRow {
  station_pk: number;
  station_id: string;
  station_name: string;
  station_type: string;
  department: string | null;
  created_at: Date;
  datastream_id: string;
  observed_property: string;
  interval_s: number;
  interval_text: string;
  last_time: Date | null;
  silent: boolean;
  region_codes: string[];
  region_code: string | null;
  region_name: string | null;
  region_name_en: string | null;
  priority_area: string | null;
}

/** Every scheduled datastream (one with an expected interval), its last observation and where its station is. */
export async function scheduledStreams(tx: DbOrTx, intervalsMissed: number, stationTypes: string[] | null, now: Date): Promise<StreamRow[]> {
  const r = await sql<StreamRow>`
    SELECT s.id AS station_pk, s.station_id, s.name AS station_name, s.type AS station_type, s.department, d.created_at,
      d.datastream_id, d.observed_property, extract(epoch FROM d.expected_interval)::float8 AS interval_s,
      d.expected_interval::text AS interval_text, lt.t AS last_time,
      -- interval arithmetic in SQL, so a calendar month ('1 mon') counts as one
      (coalesce(lt.t, d.created_at) + ${intervalsMissed}::float8 * d.expected_interval) < ${now}::timestamptz AS silent,
      reg.codes AS region_codes, reg.code AS region_code, reg.name AS region_name, reg.name_en AS region_name_en, s.priority_area
    FROM datastreams d
    JOIN stations s ON s.id = d.station_pk
    LEFT JOIN LATERAL (SELECT max(o.phenomenon_time) AS t FROM observations o WHERE o.datastream_pk = d.id) lt ON true
    LEFT JOIN ${regionsOfPoint(sql`s.location`)} reg ON true
    WHERE d.expected_interval IS NOT NULL
      ${stationTypes?.length ? sql`AND s.type = ANY(${stationTypes}::text[])` : sql``}
    ORDER BY s.station_id, d.datastream_id`.execute(tx);
  return r.rows;
}

// ---- rule 5, indicator_species_decline (evaluate-species-decline.ts)

export interface YearRow {
  priority_area: string;
  area_name: string | null;
  yr: number;
  effort: number;
  n: number;
  events: number;
}

/**
 * Survey effort and the species' count per priority area and year. Effort is the Humboldt
 * samplingEffortValue of leaf events (events no other event names as parent — a camera-trap
 * grid's total and its stations' own efforts would otherwise count twice) in the unit (and
 * protocol) of the species entry, in a priority area; the year is that of the event's end
 * (Asia/Shanghai). The count is the species' present, non-rejected records on those events, or
 * their individuals (individualCount, 1 when absent). A year with effort and no record counts 0 —
 * with `zeros: 'if-absence-reported'` only events that report absences (Humboldt
 * isAbsenceReported) or recorded the species carry effort, so a farmland bird transect does not
 * count as zero cranes.
 */
export async function yearlyRates(
  tx: DbOrTx,
  gid: number,
  entry: { effortUnit: string; protocol?: string | null; count: 'records' | 'individuals'; zeros: 'always' | 'if-absence-reported' },
): Promise<YearRow[]> {
  const hasSpecies = (e: ReturnType<typeof sql>) => sql`EXISTS (SELECT 1 FROM occurrences o JOIN taxa tx ON tx.id = o.taxon_id
    WHERE o.event_id = ${e}.event_id AND coalesce(tx.parent_id, tx.id) = ${gid} AND o.occurrence_status = 'present' AND o.review_state <> 'rejected')`;
  const r = await sql<YearRow>`
    WITH ev AS (
      SELECT e.event_id, e.priority_area, ${chinaPart('year', sql`e.event_end`)} AS yr, e.sampling_effort_value::float8 AS effort
      FROM survey_events e
      WHERE e.priority_area IS NOT NULL AND e.sampling_effort_value > 0
        AND lower(trim(e.sampling_effort_unit)) = lower(trim(${entry.effortUnit}))
        ${entry.protocol ? sql`AND e.sampling_protocol = ${entry.protocol}` : sql``}
        AND NOT EXISTS (SELECT 1 FROM survey_events c WHERE c.parent_event_id = e.event_id)
        ${entry.zeros === 'if-absence-reported' ? sql`AND (e.is_absence_reported IS TRUE OR ${hasSpecies(sql`e`)})` : sql``}
    ),
    eff AS (SELECT priority_area, yr, sum(effort) AS effort, count(*)::int AS events FROM ev GROUP BY priority_area, yr),
    cnt AS (
      SELECT ev.priority_area, ev.yr,
        ${entry.count === 'records' ? sql`count(*)` : sql`sum(coalesce(o.individual_count, 1))`}::float8 AS n
      FROM ev
      JOIN occurrences o ON o.event_id = ev.event_id
      JOIN taxa tx ON tx.id = o.taxon_id
      WHERE coalesce(tx.parent_id, tx.id) = ${gid} AND o.occurrence_status = 'present' AND o.review_state <> 'rejected'
      GROUP BY ev.priority_area, ev.yr
    )
    SELECT eff.priority_area, reg.name AS area_name, eff.yr, eff.effort, coalesce(cnt.n, 0)::float8 AS n, eff.events
    FROM eff
    LEFT JOIN cnt ON cnt.priority_area = eff.priority_area AND cnt.yr = eff.yr
    LEFT JOIN LATERAL (SELECT r.name FROM regions r WHERE r.dataset_id = ${NEWEST_REGIONS} AND r.code = eff.priority_area LIMIT 1) reg ON true
    ORDER BY eff.priority_area, eff.yr`.execute(tx);
  return r.rows;
}

/** A taxon's scientific and Chinese names. */
export async function taxonNamesOf(tx: DbOrTx, gid: number) {
  return tx.selectFrom('taxa').select(['scientific_name', 'chinese_name']).where('id', '=', gid).executeTakeFirstOrThrow();
}
