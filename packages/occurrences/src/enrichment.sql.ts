import { sql, type RawBuilder } from '@biomon/db';

/**
 * Spatial enrichment of occurrences, computed in PostGIS against the newest regions and
 * protected-areas versions: the administrative regions containing the point, the priority area,
 * whether it lies in a counted protected area (designated, not a biosphere reserve, established
 * by now), and the flags COORDINATE_OUTSIDE_JILIN / COORDINATE_OUTSIDE_DECLARED_REGION.
 * Indicator runs compute their own overlays and never read these columns.
 *
 * `layersCte` names the dataset versions once per statement; `enrichmentLateral(point, declared)`
 * computes the values for one point — used inline by the ingest INSERT/UPDATE (one write per row)
 * and by enrichOccurrences() (occurrence.repository.ts) when a new layer version arrives. Fragments
 * only: they execute nothing.
 */
export const layersCte = sql`
  SELECT (SELECT id FROM layer_datasets WHERE kind = 'regions' ORDER BY vintage_year DESC, id DESC LIMIT 1) AS reg,
         (SELECT id FROM layer_datasets WHERE kind = 'protected-areas' ORDER BY vintage_year DESC, id DESC LIMIT 1) AS pa`;

/**
 * Columns: region_codes, priority_area, in_counted_pa, outside_jilin, outside_declared. Needs `lyr`
 * (layersCte) in scope. With `when`, the lookups run only for rows where it holds (no row otherwise:
 * use it in a LEFT JOIN).
 */
export function enrichmentLateral(point: RawBuilder<unknown>, declared: RawBuilder<unknown>, when?: RawBuilder<boolean>): RawBuilder<unknown> {
  // One probe of the GiST index on layer_subdivided finds every piece of the regions and
  // protected-areas versions under the point; the four answers are aggregates over those pieces
  // (four separate probes per row before: the enrichment was most of the cost of an ingest INSERT).
  return sql`LATERAL (
    SELECT
      coalesce(h.region_codes, '{}') AS region_codes,
      h.priority_area,
      coalesce(h.in_counted_pa, false) AS in_counted_pa,
      (EXISTS (SELECT 1 FROM regions r WHERE r.dataset_id = lyr.reg AND r.level = 'province')
        AND NOT coalesce(h.in_province, false)) AS outside_jilin,
      (${declared} IS NOT NULL
        AND EXISTS (SELECT 1 FROM regions r WHERE r.dataset_id = lyr.reg AND r.level IN ('prefecture', 'county') AND ${declared} IN (r.name, r.code))
        AND NOT EXISTS (SELECT 1 FROM regions r WHERE r.dataset_id = lyr.reg AND r.level IN ('prefecture', 'county')
                        AND ${declared} IN (r.name, r.code) AND ST_Intersects(r.geom, ${point}))) AS outside_declared
    FROM (
      SELECT array_agg(DISTINCT r.code ORDER BY r.code) FILTER (WHERE r.level <> 'priority_area') AS region_codes,
        min(r.code) FILTER (WHERE r.level = 'priority_area') AS priority_area,
        bool_or(p.status = 'designated' AND p.designation <> 'biosphere_reserve'
                AND (p.established_year IS NULL OR p.established_year <= extract(year FROM now()))) AS in_counted_pa,
        bool_or(r.level = 'province') AS in_province
      FROM layer_subdivided s
      LEFT JOIN regions r ON s.dataset_id = lyr.reg AND r.id = s.feature_id
      LEFT JOIN protected_areas p ON s.dataset_id = lyr.pa AND p.id = s.feature_id
      WHERE ${when ?? sql`true`} AND s.dataset_id IN (lyr.reg, lyr.pa) AND ST_Intersects(s.geom, ${point})
    ) h
    ${when ? sql`WHERE ${when}` : sql``}
    -- a fence: each lookup runs once per row, however often its column is used
    OFFSET 0
  )`;
}

/** The record's flags with the two spatial flags replaced by what the enrichment found. */
export function mergedFlags(flags: RawBuilder<unknown>, e = sql`e`): RawBuilder<string[]> {
  return sql<string[]>`ARRAY(SELECT DISTINCT f FROM unnest(
    array_remove(array_remove(${flags}, 'COORDINATE_OUTSIDE_JILIN'), 'COORDINATE_OUTSIDE_DECLARED_REGION')
    || CASE WHEN ${e}.outside_jilin THEN ARRAY['COORDINATE_OUTSIDE_JILIN'] ELSE '{}'::text[] END
    || CASE WHEN ${e}.outside_declared THEN ARRAY['COORDINATE_OUTSIDE_DECLARED_REGION'] ELSE '{}'::text[] END) f ORDER BY f)`;
}
