import { sql, type DbOrTx } from '@biomon/db';
import { startOfChinaYear } from '@biomon/core';
import type { DatasetRef } from './report-types';

// SQL reads of the assessment report. Values always parameterised.

export interface RegionRow {
  code: string;
  name: string;
  nameEn: string | null;
  level: string;
  parentCode: string | null;
  note: string | null;
}

/** The regions of the newest regions dataset (by vintage, then id). */
export async function selectNewestRegions(db: DbOrTx): Promise<RegionRow[]> {
  const r = await sql<{ code: string; name: string; name_en: string | null; level: string; parent_code: string | null; note: string | null }>`
    SELECT r.code, r.name, r.name_en, r.level, r.parent_code, r.properties->>'note' AS note
    FROM regions r
    WHERE r.dataset_id = (SELECT id FROM layer_datasets WHERE kind = 'regions' ORDER BY vintage_year DESC, id DESC LIMIT 1)
    ORDER BY r.code`.execute(db);
  return r.rows.map((x) => ({ code: x.code, name: x.name, nameEn: x.name_en, level: x.level, parentCode: x.parent_code, note: x.note }));
}

export interface ResultRow {
  indicator: string;
  regionCode: string;
  year: number;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  reason: string | null;
  runId: string;
}

/**
 * For each (indicator, region) the result of the latest completed run (by finished_at) for the
 * year — the same choice as GET /v1/indicators/{code}/values.
 */
export async function selectLatestResults(
  db: DbOrTx,
  year: number,
  regionCodes: string[],
  indicators: string[],
  /** the variant of each indicator to read ('' when omitted: indicators with one value per region) */
  variants: string[] = indicators.map(() => ''),
): Promise<ResultRow[]> {
  if (!regionCodes.length || !indicators.length) return [];
  const r = await sql<{
    indicator: string;
    region_code: string;
    year: number;
    value: number | null;
    numerator: number | null;
    denominator: number | null;
    reason: string | null;
    run_id: string;
  }>`
    SELECT DISTINCT ON (r.indicator, r.region_code) r.indicator, r.region_code, r.year, r.value, r.numerator, r.denominator, r.reason, r.run_id
    FROM indicator_results r JOIN indicator_runs u ON u.id = r.run_id
    WHERE u.status = 'completed' AND r.year = ${year} AND r.region_code = ANY(${regionCodes}::text[])
      AND (r.indicator, r.variant) IN (SELECT * FROM unnest(${indicators}::text[], ${variants}::text[]))
    ORDER BY r.indicator, r.region_code, u.finished_at DESC NULLS LAST, u.id`.execute(db);
  return r.rows.map((x) => ({
    indicator: x.indicator,
    regionCode: x.region_code,
    year: x.year,
    value: x.value,
    numerator: x.numerator,
    denominator: x.denominator,
    reason: x.reason,
    runId: x.run_id,
  }));
}

/** Every year's value of a region (latest completed run per year), for the values-by-year chart. */
export async function selectSeries(db: DbOrTx, regionCode: string, indicators: string[], variants: string[] = indicators.map(() => '')): Promise<ResultRow[]> {
  const r = await sql<{
    indicator: string;
    region_code: string;
    year: number;
    value: number | null;
    numerator: number | null;
    denominator: number | null;
    reason: string | null;
    run_id: string;
  }>`
    SELECT DISTINCT ON (r.indicator, r.year) r.indicator, r.region_code, r.year, r.value, r.numerator, r.denominator, r.reason, r.run_id
    FROM indicator_results r JOIN indicator_runs u ON u.id = r.run_id
    WHERE u.status = 'completed' AND r.region_code = ${regionCode}
      AND (r.indicator, r.variant) IN (SELECT * FROM unnest(${indicators}::text[], ${variants}::text[]))
    ORDER BY r.indicator, r.year, u.finished_at DESC NULLS LAST, u.id`.execute(db);
  return r.rows.map((x) => ({
    indicator: x.indicator,
    regionCode: x.region_code,
    year: x.year,
    value: x.value,
    numerator: x.numerator,
    denominator: x.denominator,
    reason: x.reason,
    runId: x.run_id,
  }));
}

/** The newest year with a completed result for the region, or null. */
export async function selectLatestYear(db: DbOrTx, regionCode: string): Promise<number | null> {
  const r = await sql<{ year: number | null }>`
    SELECT max(r.year) AS year FROM indicator_results r JOIN indicator_runs u ON u.id = r.run_id
    WHERE u.status = 'completed' AND r.region_code = ${regionCode}`.execute(db);
  return r.rows[0]?.year ?? null;
}

export interface RunRow {
  id: string;
  year: number;
  trigger: string;
  method_version: string;
  params: Record<string, unknown>;
  datasets: Record<string, number | null>;
  created_at: Date;
  finished_at: Date | null;
}

export async function selectRuns(db: DbOrTx, ids: string[]): Promise<RunRow[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom('indicator_runs')
    .select(['id', 'year', 'trigger', 'method_version', 'params', 'datasets', 'created_at', 'finished_at'])
    .where('id', 'in', ids)
    .orderBy('year')
    .orderBy('finished_at')
    .execute();
  return rows.map((r) => ({ ...r, params: r.params as Record<string, unknown>, datasets: r.datasets as Record<string, number | null> }));
}

export async function selectDatasets(db: DbOrTx, ids: number[]): Promise<DatasetRef[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom('layer_datasets')
    .select(['id', 'kind', 'vintage_year', 'source', 'name', 'feature_count', 'created_at'])
    .where('id', 'in', ids)
    .orderBy('kind')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    vintageYear: r.vintage_year,
    source: r.source,
    name: r.name,
    featureCount: r.feature_count,
    createdAt: r.created_at.toISOString(),
  }));
}

export interface SurveyCoverageRow {
  priorityArea: string | null;
  events: number;
  occurrences: number;
  species: number;
  eventsInYear: number;
  occurrencesInYear: number;
}

/**
 * Survey events and occurrence records per priority area: all of them, and those whose date
 * interval overlaps the year (calendar year in Asia/Shanghai). Species: distinct matched taxa of
 * present, not rejected records.
 */
export async function selectSurveyCoverage(db: DbOrTx, year: number): Promise<SurveyCoverageRow[]> {
  const from = startOfChinaYear(year).toISOString();
  const to = startOfChinaYear(year + 1).toISOString();
  const r = await sql<{
    priority_area: string | null;
    events: number;
    occurrences: number;
    species: number;
    events_in_year: number;
    occurrences_in_year: number;
  }>`
    SELECT priority_area, sum(events)::int AS events, sum(occurrences)::int AS occurrences, sum(species)::int AS species,
           sum(events_in_year)::int AS events_in_year, sum(occurrences_in_year)::int AS occurrences_in_year
    FROM (
      SELECT priority_area, count(*) AS events, 0 AS occurrences, 0 AS species,
             count(*) FILTER (WHERE event_start < ${to}::timestamptz AND event_end >= ${from}::timestamptz) AS events_in_year, 0 AS occurrences_in_year
      FROM survey_events GROUP BY priority_area
      UNION ALL
      SELECT priority_area, 0, count(*),
             count(DISTINCT taxon_id) FILTER (WHERE occurrence_status = 'present' AND review_state <> 'rejected'),
             0, count(*) FILTER (WHERE event_start < ${to}::timestamptz AND event_end >= ${from}::timestamptz)
      FROM occurrences GROUP BY priority_area
    ) x
    GROUP BY priority_area
    ORDER BY priority_area NULLS LAST`.execute(db);
  return r.rows.map((x) => ({
    priorityArea: x.priority_area,
    events: x.events,
    occurrences: x.occurrences,
    species: x.species,
    eventsInYear: x.events_in_year,
    occurrencesInYear: x.occurrences_in_year,
  }));
}

export async function selectSeedRun(db: DbOrTx, name: string): Promise<{ name: string; version: string; appliedAt: string } | null> {
  const r = await db.selectFrom('seed_runs').select(['name', 'version', 'applied_at']).where('name', '=', name).executeTakeFirst();
  return r ? { name: r.name, version: r.version, appliedAt: r.applied_at.toISOString() } : null;
}
