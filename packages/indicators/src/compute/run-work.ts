import type { DbOrTx, RawBuilder } from '@biomon/db';
import type { RunContext } from '../run-context';
import {
  analyzePaUnion,
  analyzeRunGrid,
  clearPaUnion,
  countRegionPieces,
  deleteRunGrid,
  hasSubdividedOutlines,
  insertPaPieces,
  insertPaUnion,
  insertRunGrid,
  lockRunWork,
  paUnionBuilt,
  recordStage,
  selectGridExtent,
  selectGridStage,
  selectLeafAncestors,
  selectOverlayParts,
  selectPaUnionStats,
  selectRegionAreas,
  selectRegionsCells,
  selectRunCells,
  setRegionCellsPa,
  withoutJit,
  type OverlayPart,
} from './run-work.repository';

// the transaction helper (JIT off) the land-cover-change service takes from here
export { withoutJit };

/**
 * The work a run shares between its indicators (migration 0012_indicator_scale), built once per
 * run and kept by run id until the run completes:
 *
 * - a grid of cells over the run's regions. Cells partition the plane, so a sum over cells of the
 *   areas inside each cell is the area of the whole: no province-wide union is ever built, and an
 *   overlap counts once because the union is taken within each cell first;
 * - each region cut by each cell (the whole cell when the region covers it);
 * - the counted-PA union (BRIEF §6) within each cell, built once from the subdivided outlines
 *   (layer_subdivided) and reused by every indicator, with each region piece's part inside it;
 * - the same union cut into pieces of ≤ 256 vertices for point-in-polygon tests.
 *
 * Overlay (union, intersection) is in geometry, every area on the WGS84 ellipsoid (geography).
 * Neighbouring cells share their edges, so the edges a cut adds cancel in the sums: a region's sum
 * over its pieces is the area of the unsplit overlay. (A cut point on an edge longer than a few
 * kilometres lies on the lon/lat chord, as any crossing edge of the overlay puts it; edges of
 * realistic outlines are far shorter.)
 */

export interface WorkOptions {
  /** statements run at once on a pool (1 inside a transaction) */
  concurrency: number;
  /** land-cover (or ecosystem) features aimed at per cell when the cell size is chosen */
  featuresPerCell: number;
  /** a fixed cell size in degrees instead (tests) */
  cellDeg?: number;
  /** cells per overlay statement */
  cellsPerStatement: number;
}

export const DEFAULT_WORK: WorkOptions = { concurrency: 2, featuresPerCell: 1500, cellsPerStatement: 8 };

/**
 * The run's grid: cells of 1/k degree, numbered row by row (cell = gy · nx + gx) from the corner
 * (ix0/k, iy0/k); `cells` are those that meet a region.
 */
export interface Grid {
  k: number;
  ix0: number;
  iy0: number;
  nx: number;
  ny: number;
  cellDeg: number;
  cells: number[];
  regions: string[];
}

/** What a compute step gets besides the run: the PA warnings, the run's grid and how to run statements. */
export interface StepEnv {
  warnings: string[];
  grid: Grid;
  work: WorkOptions;
}

/**
 * The regions a run overlays: its own, and the leaf units under them (grassland cover sums over
 * leaves: BRIEF §6). `leafOf` maps each leaf to the run's regions it rolls up to (itself included).
 */
export async function runRegions(db: DbOrTx, ctx: RunContext): Promise<{ codes: string[]; leafOf: Map<string, string[]> }> {
  const rows = await selectLeafAncestors(db, ctx.datasets.regions, ctx.regionCodes);
  const leafOf = new Map<string, string[]>();
  for (const r of rows) leafOf.set(r.leaf, [...(leafOf.get(r.leaf) ?? []), r.code]);
  const codes = [...new Set([...ctx.regionCodes, ...leafOf.keys()])].sort(byCode);
  return { codes, leafOf };
}

/** Byte order of the strings (the database's C collation), for output in a stable order. */
export const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Builds the run's grid and its region pieces once (a second call finds them). The cell size is
 * 1/k degree (k whole), from the feature count of the run's largest polygon layer, so that a cell
 * holds about `featuresPerCell` features; cells are numbered row by row from a whole-degree origin.
 */
export async function prepareGrid(db: DbOrTx, ctx: RunContext, opts: WorkOptions): Promise<Grid> {
  const regions = (await runRegions(db, ctx)).codes;
  return withoutJit(db, async (tx) => {
    await lockRunWork(tx, `indicator-run-grid:${ctx.runId}`);
    const done = await selectGridStage(tx, ctx.runId);
    if (done) {
      const cells = await selectRunCells(tx, ctx.runId);
      const d = done.detail;
      return { k: d.k, ix0: d.ix0, iy0: d.iy0, nx: d.nx, ny: d.ny, cellDeg: d.cellDeg, cells, regions };
    }
    const startedAt = new Date();
    await deleteRunGrid(tx, ctx.runId);
    const ext = await selectGridExtent(tx, ctx.datasets.regions, regions, ctx.datasets.landCover, ctx.datasets.ecosystems);
    if (ext.x0 === null) {
      await recordStage(tx, ctx.runId, 'grid', startedAt, { k: 1, ix0: 0, iy0: 0, nx: 1, ny: 1, cellDeg: 1, cells: 0, regions: regions.length, pieces: 0 });
      return { k: 1, ix0: 0, iy0: 0, nx: 1, ny: 1, cellDeg: 1, cells: [], regions };
    }
    let k: number;
    if (opts.cellDeg) k = 1 / opts.cellDeg;
    else {
      const wanted = Math.max(1, Math.ceil(ext.n / opts.featuresPerCell));
      const side = Math.sqrt(((ext.x1 - ext.x0) * (ext.y1 - ext.y0)) / wanted);
      k = Math.max(1, Math.ceil(1 / side));
    }
    const ix0 = Math.floor(ext.x0 * k);
    const iy0 = Math.floor(ext.y0 * k);
    const nx = Math.max(1, Math.ceil(ext.x1 * k) - ix0);
    const ny = Math.max(1, Math.ceil(ext.y1 * k) - iy0);
    // each region by each cell it meets: the cell itself when the region covers it, else their intersection
    await insertRunGrid(tx, ctx.runId, ctx.datasets.regions, regions, { k, ix0, iy0, nx, ny });
    // fresh statistics, so that the steps' plans see the work as it is
    await analyzeRunGrid(tx);
    const cells = await selectRunCells(tx, ctx.runId);
    const pieces = await countRegionPieces(tx, ctx.runId);
    await recordStage(tx, ctx.runId, 'grid', startedAt, { k, ix0, iy0, nx, ny, cellDeg: 1 / k, cells: cells.length, regions: regions.length, pieces });
    return { k, ix0, iy0, nx, ny, cellDeg: 1 / k, cells, regions };
  });
}

/**
 * The counted-PA union, once per run: within each cell, the union of the counted sites' subdivided
 * pieces clipped to the cell (an overlap counts once); then each region piece's part inside it
 * and its area, and the union cut into small pieces for point tests. A second call finds it built.
 */
export async function preparePaUnion(db: DbOrTx, ctx: RunContext): Promise<void> {
  if (ctx.datasets.protectedAreas === null) return;
  await withoutJit(db, async (tx) => {
    await lockRunWork(tx, `indicator-run-pa:${ctx.runId}`);
    if (await paUnionBuilt(tx, ctx.runId)) return;
    const startedAt = new Date();
    await clearPaUnion(tx, ctx.runId);
    // the subdivided outlines of the import (≤ 256 vertices a piece); a dataset without them uses its outlines
    const subdivided = await hasSubdividedOutlines(tx, ctx.datasets.protectedAreas);
    await insertPaUnion(tx, ctx, subdivided);
    await setRegionCellsPa(tx, ctx.runId);
    await insertPaPieces(tx, ctx.runId);
    await analyzePaUnion(tx);
    const stats = await selectPaUnionStats(tx, ctx);
    await recordStage(tx, ctx.runId, 'pa-union', startedAt, {
      countedSites: stats.sites,
      cells: stats.cells,
      pieces: stats.pieces,
      fromSubdivided: subdivided,
    });
  });
}

/** What one overlay measures: a polygon layer's rows (`s`), each under one or more keys. */
export interface OverlaySpec {
  table: 'land_cover' | 'ecosystems';
  /** a filter on `s` (dataset, class …) */
  where: RawBuilder<unknown>;
  /** text[] of keys for a row of `s`: the row counts in the union of each */
  keys: RawBuilder<unknown>;
  /** also measure the part inside the counted-PA union */
  withPa: boolean;
  /** the regions to measure */
  regions: string[];
}

/** Areas (m²) of the union of each key's rows within each region: Σ over cells, in cell order. */
export interface OverlayResult {
  area: Map<string, Map<string, number>>;
  paArea: Map<string, Map<string, number>>;
}

/**
 * For each cell: the union of each key's rows clipped to the cell (so overlaps count once), then its
 * area within each region piece of the cell and, with `withPa`, within the piece's part inside the
 * counted-PA union. Cells go in batches, `concurrency` statements at once; the per-cell areas are
 * summed in cell order (the same figures whatever order the statements finish in).
 */
export async function overlay(db: DbOrTx, ctx: RunContext, spec: OverlaySpec, opts: WorkOptions): Promise<OverlayResult> {
  const cells = await selectRegionsCells(db, ctx.runId, spec.regions);
  const batches: number[][] = [];
  for (let i = 0; i < cells.length; i += opts.cellsPerStatement) batches.push(cells.slice(i, i + opts.cellsPerStatement));
  const parts: OverlayPart[][] = new Array(batches.length);
  const runBatch = async (i: number) => {
    parts[i] = await withoutJit(db, (tx) => selectOverlayParts(tx, ctx.runId, spec, batches[i]));
  };
  const concurrency = db.isTransaction ? 1 : Math.max(1, opts.concurrency);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, batches.length) }, async () => {
      while (next < batches.length) await runBatch(next++);
    }),
  );
  const area = new Map<string, Map<string, number>>();
  const pa = new Map<string, Map<string, number>>();
  const add = (m: Map<string, Map<string, number>>, region: string, key: string, v: number) => {
    let byKey = m.get(region);
    if (!byKey) m.set(region, (byKey = new Map()));
    byKey.set(key, (byKey.get(key) ?? 0) + v);
  };
  // in cell order, whatever order the batches finished in
  for (const batch of parts) {
    for (const r of [...batch].sort((a, b) => a.cell - b.cell || byCode(a.region_code, b.region_code) || byCode(a.key, b.key))) {
      add(area, r.region_code, r.key, r.area ?? 0);
      if (spec.withPa) add(pa, r.region_code, r.key, r.pa_area ?? 0);
    }
  }
  return { area, paArea: pa };
}

/** Ellipsoidal area (m²) and official area of the run's regions. */
export async function regionAreas(db: DbOrTx, ctx: RunContext): Promise<Map<string, { areaM2: number; officialKm2: number | null }>> {
  const rows = await selectRegionAreas(db, ctx.datasets.regions, ctx.regionCodes);
  return new Map(rows.map((r) => [r.code, { areaM2: r.a ?? 0, officialKm2: r.official === null ? null : Number(r.official) }]));
}
