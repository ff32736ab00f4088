import { sql, type RawBuilder } from '@biomon/db';
import type { RunContext } from '../run-context';

/** The run's regions (geometry as stored: valid MultiPolygons). */
export function regionsCte(ctx: RunContext): RawBuilder<unknown> {
  return sql`SELECT code, geom FROM regions WHERE dataset_id = ${ctx.datasets.regions} AND code = ANY(${ctx.regionCodes}::text[])`;
}

/**
 * The union of counted protected areas (BRIEF §6; Protected Planet rules): status designated,
 * established by the run's year (a missing year counts), biosphere reserves excluded; overlaps
 * count once because the union is taken first.
 */
export function countedPaUnion(ctx: RunContext): RawBuilder<unknown> {
  return sql`
    SELECT ST_Union(geom) AS g FROM protected_areas
    WHERE dataset_id = ${ctx.datasets.protectedAreas} AND status = 'designated' AND designation <> 'biosphere_reserve'
      AND (established_year IS NULL OR established_year <= ${ctx.year})`;
}

/** Ellipsoidal area (m²) of a geometry in EPSG:4326: PostGIS geography on WGS84, never planar degrees. */
export const areaM2 = (g: RawBuilder<unknown>): RawBuilder<number> => sql<number>`coalesce(ST_Area((${g})::geography), 0)`;
