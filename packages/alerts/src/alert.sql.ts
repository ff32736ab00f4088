import { sql, type RawBuilder } from '@biomon/db';

/**
 * SQL pieces shared by the evaluators: the BRIEF §8 grid (10 km cells of the Albers projection
 * registered by migration 0004 under SRID 990001, functions biomon_cell_id / biomon_cell_centre)
 * and region naming against the newest regions dataset. Fragments only: evaluation.repository.ts
 * runs the statements.
 */
export const GRID_SRID = 990001;
export const ALERT_CELL_M = 10_000;

/**
 * The cell's square, back in WGS84 and widened by ~1 km: an index-friendly prefilter (`geom && …`)
 * for "points in the same cell" (a cell's edges are not straight in lon/lat, hence the margin);
 * biomon_cell_id decides exactly.
 */
export function cellBox(point: RawBuilder<unknown>): RawBuilder<unknown> {
  const p = sql`ST_Transform(${point}, ${sql.lit(GRID_SRID)})`;
  const x0 = sql`floor(ST_X(${p}) / ${sql.lit(ALERT_CELL_M)}) * ${sql.lit(ALERT_CELL_M)}`;
  const y0 = sql`floor(ST_Y(${p}) / ${sql.lit(ALERT_CELL_M)}) * ${sql.lit(ALERT_CELL_M)}`;
  return sql`ST_Expand(ST_Transform(ST_MakeEnvelope(${x0}, ${y0}, ${x0} + ${sql.lit(ALERT_CELL_M)}, ${y0} + ${sql.lit(ALERT_CELL_M)}, ${sql.lit(GRID_SRID)}), 4326), 0.01)`;
}

export const cellId = (point: RawBuilder<unknown>) => sql<string>`biomon_cell_id(${point}, ${sql.lit(ALERT_CELL_M)})`;
export const cellCentre = (point: RawBuilder<unknown>) => sql`biomon_cell_centre(${point}, ${sql.lit(ALERT_CELL_M)})`;

export const NEWEST_REGIONS = sql`(SELECT id FROM layer_datasets WHERE kind = 'regions' ORDER BY vintage_year DESC, id DESC LIMIT 1)`;

/** Levels in the order an alert names its region: the prefecture (市州) first. */
const LEVEL_ORDER = sql`CASE r.level WHEN 'prefecture' THEN 0 WHEN 'county' THEN 1 WHEN 'priority_area' THEN 2 WHEN 'province' THEN 3 ELSE 4 END`;

/** LATERAL (code, name, name_en) of the region to name among the given codes (the prefecture when there is one). */
export function namedRegionOfCodes(codes: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`LATERAL (SELECT r.code, r.name, r.name_en FROM regions r
    WHERE r.dataset_id = ${NEWEST_REGIONS} AND r.code = ANY(${codes}) ORDER BY ${LEVEL_ORDER}, r.code LIMIT 1)`;
}

/** LATERAL (codes, code, name, name_en): every region containing a point, and the one to name. */
export function regionsOfPoint(point: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`LATERAL (
    SELECT coalesce(array_agg(r.code ORDER BY r.code), '{}') AS codes,
      (array_agg(r.code ORDER BY ${LEVEL_ORDER}, r.code))[1] AS code,
      (array_agg(r.name ORDER BY ${LEVEL_ORDER}, r.code))[1] AS name,
      (array_agg(r.name_en ORDER BY ${LEVEL_ORDER}, r.code))[1] AS name_en
    FROM regions r WHERE r.dataset_id = ${NEWEST_REGIONS} AND ST_Intersects(r.geom, ${point}))`;
}
