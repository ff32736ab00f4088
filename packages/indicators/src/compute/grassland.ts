import type { DbOrTx } from '@biomon/db';
import { sql } from '@biomon/db';
import { missingDataset, ratio, type ResultRow, type RunContext } from '../run-context';
import { areaM2 } from './sql-helpers';

interface Cell { region: string; unit: string; type: string; s: number | null; c: number | null; n: number | null }

/**
 * 草原综合植被盖度 (BRIEF §6): in each leaf unit k (a region without child regions, or a priority
 * area) and grassland type t, C(t,k) = mean vegetationCover of the year's plots, S(t,k) = mapped
 * grassland area of type t in k; value = Σ C·S / Σ S over the (t,k) cells of the leaves under the
 * region — area-weighted by type, then by unit; never a plain mean of plots. Cells with area but no
 * plots, or plots but no area, are left out and listed as missing.
 */
export async function grasslandVegetationCover(db: DbOrTx, ctx: RunContext): Promise<ResultRow[]> {
  if (ctx.datasets.landCover === null) return missingDataset('grassland_vegetation_cover', ctx.regionCodes, 'land-cover');
  if (ctx.datasets.grasslandPlots === null) return missingDataset('grassland_vegetation_cover', ctx.regionCodes, 'grassland-plots');
  const rows = await sql<Cell>`
    WITH RECURSIVE allr AS (SELECT code, parent_code, level, geom FROM regions WHERE dataset_id = ${ctx.datasets.regions}),
    leaves AS (
      SELECT a.code, a.geom FROM allr a
      WHERE a.level = 'priority_area'
         OR NOT EXISTS (SELECT 1 FROM allr c WHERE c.parent_code = a.code AND c.level <> 'priority_area')
    ),
    -- each leaf with itself and its ancestors (priority areas have none and are nobody's leaf)
    anc (leaf, code) AS (
      SELECT l.code, l.code FROM leaves l
      UNION
      SELECT anc.leaf, p.parent_code FROM anc JOIN allr p ON p.code = anc.code
      WHERE p.parent_code IS NOT NULL AND p.level <> 'priority_area'
    ),
    cells AS (
      SELECT l.code AS unit, lc.grassland_type AS type, ${areaM2(sql`ST_Intersection(ST_Union(lc.geom), l.geom)`)} AS s
      FROM leaves l JOIN land_cover lc ON lc.dataset_id = ${ctx.datasets.landCover} AND lc.class = 'grassland' AND ST_Intersects(lc.geom, l.geom)
      GROUP BY l.code, l.geom, lc.grassland_type
    ),
    plots AS (
      SELECT l.code AS unit, p.grassland_type AS type, avg(p.vegetation_cover_pct)::float8 AS c, count(*)::int AS n
      FROM leaves l JOIN grassland_plots p ON p.dataset_id = ${ctx.datasets.grasslandPlots}
        AND extract(year FROM p.survey_date) = ${ctx.year} AND ST_Intersects(p.geom, l.geom)
      GROUP BY 1, 2
    ),
    joined AS (
      SELECT coalesce(c.unit, p.unit) AS unit, coalesce(c.type, p.type) AS type, c.s, p.c, p.n
      FROM cells c FULL JOIN plots p ON p.unit = c.unit AND p.type = c.type
    )
    SELECT a.code AS region, j.unit, j.type, j.s, j.c, j.n
    FROM anc a JOIN joined j ON j.unit = a.leaf
    WHERE a.code = ANY(${ctx.regionCodes}::text[])
    ORDER BY a.code, j.unit, j.type`.execute(db);
  const byRegion = new Map<string, Cell[]>(ctx.regionCodes.map((c) => [c, []]));
  for (const r of rows.rows) byRegion.get(r.region)?.push(r);
  return [...byRegion.entries()].map(([code, cells]) => {
    let cs = 0;
    let s = 0;
    const used: { unit: string; type: string; meanCoverPct: number; areaKm2: number; plots: number }[] = [];
    const missing: { unit: string; type: string; reason: string }[] = [];
    for (const cell of cells) {
      const hasArea = (cell.s ?? 0) > 0;
      const hasPlots = cell.c !== null && (cell.n ?? 0) > 0;
      if (hasArea && hasPlots) {
        cs += cell.c! * cell.s!;
        s += cell.s!;
        used.push({ unit: cell.unit, type: cell.type, meanCoverPct: cell.c!, areaKm2: cell.s! / 1e6, plots: cell.n! });
      } else if (hasArea) missing.push({ unit: cell.unit, type: cell.type, reason: 'grassland area mapped but no plot surveyed in the year' });
      else if (hasPlots) missing.push({ unit: cell.unit, type: cell.type, reason: 'plots surveyed but no grassland of this type mapped' });
    }
    // Σ C·S / Σ S is a percentage already (C is a percentage); ratio() multiplies by 100, so pass Σ C·S / 100.
    const row = ratio('grassland_vegetation_cover', code, cs / 100, s, 'no grassland cell with both mapped area and surveyed plots in the region', { cells: used, missing, sumAreaKm2: s / 1e6 });
    return { ...row, numerator: cs / 1e6, denominator: s / 1e6, details: { ...row.details, numeratorIs: 'Σ C·S (percent × km²)', denominatorIs: 'Σ S (km²)' } };
  });
}
