import type { DbOrTx } from '@biomon/db';
import { missingDataset, ratio, type ResultRow, type RunContext } from '../run-context';
import { byCode, overlay, runRegions, withoutJit, type StepEnv } from './run-work';
import { selectPlotCoverByLeaf } from './grassland.repository';
import { grasslandRows } from './grassland.sql';

interface Cell {
  unit: string;
  type: string;
  s: number | null;
  c: number | null;
  n: number | null;
}

/**
 * 草原综合植被盖度 (BRIEF §6): in each leaf unit k (a region without child regions, or a priority
 * area) and grassland type t, C(t,k) = mean vegetationCover of the year's plots, S(t,k) = mapped
 * grassland area of type t in k; value = Σ C·S / Σ S over the (t,k) cells of the leaves under the
 * region — area-weighted by type, then by unit; never a plain mean of plots. Cells with area but no
 * plots, or plots but no area, are left out and listed as missing. S(t,k) is the area of the union
 * of type t's polygons within k, summed over the cells of the run's grid.
 */
export async function grasslandVegetationCover(db: DbOrTx, ctx: RunContext, env: StepEnv): Promise<ResultRow[]> {
  if (ctx.datasets.landCover === null) return missingDataset('grassland_vegetation_cover', ctx.regionCodes, 'land-cover');
  if (ctx.datasets.grasslandPlots === null) return missingDataset('grassland_vegetation_cover', ctx.regionCodes, 'grassland-plots');
  const { leafOf } = await runRegions(db, ctx);
  const leaves = [...leafOf.keys()].sort(byCode);
  const o = await overlay(db, ctx, { ...grasslandRows(ctx.datasets.landCover), withPa: false, regions: leaves }, env.work);
  // plots of the year in each leaf: the leaves whose piece of the plot's cell holds it (a plot on a
  // border between leaves counts in both)
  const plots = await withoutJit(db, (tx) => selectPlotCoverByLeaf(tx, ctx, env.grid, leaves));
  const cells = new Map<string, Cell>();
  const cellOf = (unit: string, type: string): Cell => {
    const k = `${unit}\u0000${type}`;
    let c = cells.get(k);
    if (!c) cells.set(k, (c = { unit, type, s: null, c: null, n: null }));
    return c;
  };
  for (const [unit, byType] of o.area) for (const [type, s] of byType) cellOf(unit, type).s = s;
  for (const p of plots) Object.assign(cellOf(p.unit, p.type), { c: p.c, n: p.n });
  const byRegion = new Map<string, Cell[]>(ctx.regionCodes.map((c) => [c, []]));
  for (const cell of [...cells.values()].sort((a, b) => byCode(a.unit, b.unit) || byCode(a.type, b.type))) {
    for (const code of leafOf.get(cell.unit) ?? []) byRegion.get(code)?.push(cell);
  }
  return [...byRegion.entries()].map(([code, list]) => {
    let cs = 0;
    let s = 0;
    const used: { unit: string; type: string; meanCoverPct: number; areaKm2: number; plots: number }[] = [];
    const missing: { unit: string; type: string; reason: string }[] = [];
    for (const cell of list) {
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
    const row = ratio('grassland_vegetation_cover', code, cs / 100, s, 'no grassland cell with both mapped area and surveyed plots in the region', {
      cells: used,
      missing,
      sumAreaKm2: s / 1e6,
    });
    return { ...row, numerator: cs / 1e6, denominator: s / 1e6, details: { ...row.details, numeratorIs: 'Σ C·S (percent × km²)', denominatorIs: 'Σ S (km²)' } };
  });
}
