import type { DbOrTx } from '@biomon/db';
import { sql } from '@biomon/db';

/**
 * Spatial enrichment of stored occurrences, computed in PostGIS against the newest regions and
 * protected-areas versions: administrative regions containing the point, the priority area,
 * whether it lies in a counted protected area (designated, not a biosphere reserve, established
 * by now), and the flags COORDINATE_OUTSIDE_JILIN / COORDINATE_OUTSIDE_DECLARED_REGION.
 * Indicator runs compute their own overlays and never read these columns.
 * `ids` null = every record (after a new regions or protected-areas version).
 */
export async function enrichOccurrences(db: DbOrTx, ids: number[] | null): Promise<void> {
  if (ids && ids.length === 0) return;
  const where = ids ? sql`o.id = ANY(${ids}::bigint[])` : sql`true`;
  await sql`
    WITH reg AS (SELECT id FROM layer_datasets WHERE kind = 'regions' ORDER BY vintage_year DESC, id DESC LIMIT 1),
         pa AS (SELECT id FROM layer_datasets WHERE kind = 'protected-areas' ORDER BY vintage_year DESC, id DESC LIMIT 1),
         has_province AS (SELECT EXISTS (SELECT 1 FROM regions r WHERE r.dataset_id = (SELECT id FROM reg) AND r.level = 'province') AS yes),
         calc AS (
           SELECT o.id,
             coalesce((SELECT array_agg(r.code ORDER BY r.code) FROM regions r
                       WHERE r.dataset_id = (SELECT id FROM reg) AND r.level <> 'priority_area' AND ST_Intersects(r.geom, o.geom)), '{}') AS region_codes,
             (SELECT r.code FROM regions r WHERE r.dataset_id = (SELECT id FROM reg) AND r.level = 'priority_area' AND ST_Intersects(r.geom, o.geom)
              ORDER BY r.code LIMIT 1) AS priority_area,
             EXISTS (SELECT 1 FROM protected_areas p WHERE p.dataset_id = (SELECT id FROM pa) AND p.status = 'designated'
                     AND p.designation <> 'biosphere_reserve'
                     AND (p.established_year IS NULL OR p.established_year <= extract(year FROM now()))
                     AND ST_Intersects(p.geom, o.geom)) AS in_counted_pa,
             ((SELECT yes FROM has_province) AND NOT EXISTS (
                SELECT 1 FROM regions r WHERE r.dataset_id = (SELECT id FROM reg) AND r.level = 'province' AND ST_Intersects(r.geom, o.geom))) AS outside_jilin,
             (EXISTS (SELECT 1 FROM regions r WHERE r.dataset_id = (SELECT id FROM reg) AND r.level IN ('prefecture', 'county')
                        AND coalesce(o.data->>'county', o.data->>'municipality') IN (r.name, r.code))
              AND NOT EXISTS (SELECT 1 FROM regions r WHERE r.dataset_id = (SELECT id FROM reg) AND r.level IN ('prefecture', 'county')
                        AND coalesce(o.data->>'county', o.data->>'municipality') IN (r.name, r.code) AND ST_Intersects(r.geom, o.geom))) AS outside_declared
           FROM occurrences o WHERE ${where}
         )
    UPDATE occurrences o SET
      region_codes = c.region_codes,
      priority_area = c.priority_area,
      in_counted_pa = c.in_counted_pa,
      flags = ARRAY(SELECT DISTINCT f FROM unnest(
                array_remove(array_remove(o.flags, 'COORDINATE_OUTSIDE_JILIN'), 'COORDINATE_OUTSIDE_DECLARED_REGION')
                || CASE WHEN c.outside_jilin THEN ARRAY['COORDINATE_OUTSIDE_JILIN'] ELSE '{}'::text[] END
                || CASE WHEN c.outside_declared THEN ARRAY['COORDINATE_OUTSIDE_DECLARED_REGION'] ELSE '{}'::text[] END) f ORDER BY f)
    FROM calc c WHERE c.id = o.id`.execute(db);
}
