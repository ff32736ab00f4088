import { sql, type DbOrTx } from '@biomon/db';
import type { RunContext } from '../run-context';
import type { Grid } from './run-work';
import { cellOfPoint } from './run-work.sql';

// SQL of grassland_vegetation_cover (compute/grassland.ts) beyond the run's shared overlay.

/**
 * Mean vegetation cover (%) and count of the grassland plots of the run's year in each leaf and
 * grassland type: the leaves whose piece of the plot's cell holds it (a plot on a border between
 * leaves counts in both).
 */
export async function selectPlotCoverByLeaf(
  tx: DbOrTx,
  ctx: RunContext,
  grid: Grid,
  leaves: string[],
): Promise<{ unit: string; type: string; c: number; n: number }[]> {
  const rows = await sql<{ unit: string; type: string; c: number; n: number }>`
    WITH pl AS (
      SELECT p.id, f.region_code AS unit, p.grassland_type AS type, p.vegetation_cover_pct AS cover
      FROM grassland_plots p
      JOIN indicator_run_region_cells f ON f.run_id = ${ctx.runId} AND f.cell = ${cellOfPoint(grid, sql`p.geom`)} AND f.region_code = ANY(${leaves}::text[])
      WHERE p.dataset_id = ${ctx.datasets.grasslandPlots} AND extract(year FROM p.survey_date) = ${ctx.year}
        AND (f.full_cell OR ST_Intersects(f.geom, p.geom))
    )
    SELECT unit, type, avg(cover)::float8 AS c, count(*)::int AS n FROM pl GROUP BY unit, type`.execute(tx);
  return rows.rows;
}
