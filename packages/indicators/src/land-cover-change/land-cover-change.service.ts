import type { Db, DbOrTx, Tx } from '@biomon/db';
import { withTx } from '@biomon/db';
import { AppError, type FieldError } from '@biomon/core';
import { QUEUES, writeOutbox } from '@biomon/queue';
import { withoutJit } from '../compute/run-work';
import {
  changeAreas,
  claimChange,
  datasetOfKind,
  findChange,
  hasSubdivided,
  insertPendingChange,
  landCoverVersions,
  markChangeFailed,
  protectedAreaLosses,
  protectedAreasOf,
  readTransitions,
  regionsOf,
  sharedExtent,
  storeTransitions,
  transitionsOfCells,
  type BatchRow,
  type ChangeKey,
  type ChangeRow,
  type PaLossRow,
  type TransitionRow,
} from './land-cover-change.repository';
import { zoneDatasets } from './zone-datasets';
import { computeRasterLandCoverChange, ON_REQUEST_MAX_PIXELS, RASTER_LCC_METHOD_VERSION, resolveRasterChangePair } from './land-cover-change-raster.service';

/** Which versions a change compares: two land-cover layer versions (default) or two land-cover rasters. */
export type ChangeSource = 'vector' | 'raster';

/**
 * Land-cover change detection (土地覆盖变化, issue 18, ledger task 27): between two versions of the
 * `land-cover` layer, the area (ha, WGS84 ellipsoid) that changed from each class to each other
 * class — a transition matrix, unchanged area on its diagonal — per region, per region inside the
 * counted protected areas, and per counted protected area.
 *
 * Computed once per version pair and stored (land_cover_changes / land_cover_transitions, keyed by
 * the from, to, regions and protected-area versions): by the worker when a new land-cover version
 * lands (job `indicators/land-cover-change`), by the demo seed, or on request when both versions are
 * small (≤ ON_REQUEST_MAX_FEATURES features together, a few seconds at most; larger pairs are queued and answered
 * `pending`). The overlay is cut by a grid of cells of 1/k degree (k chosen so a cell holds about
 * `featuresPerCell` features, as the indicator runs do): within a cell each version's features are
 * united by class, each pair of classes intersected, and the pieces measured within the regions'
 * and protected areas' subdivided outlines. No geometry larger than a cell is ever built, so a
 * province of 1,000,000 parcels costs what its cells cost, one statement per batch of cells.
 *
 * Raster land cover (packages/rasters, classified COGs): a raster pair produces the same transition
 * rows (per region / PA, from × to, m²) by cross-tabulating the two rasters' pixel classes weighted
 * by each pixel's ellipsoidal area, and stores them through `storeTransitions`
 * (land-cover-change-raster.service.ts; `source: 'raster'` here); everything downstream (the API,
 * the alert rule, the dashboard) reads rows only.
 */

export const LCC_METHOD_VERSION = 'lcc-1';

/** Versions whose features add up to at most this many are computed on request when not stored yet. */
export const ON_REQUEST_MAX_FEATURES = 5_000;

/** The land-cover classes (BRIEF §5) with their names. */
export const LAND_COVER_CLASS_NAMES = [
  { code: 'forest', nameZh: '乔木林地', nameEn: 'Forest' },
  { code: 'shrub_special', nameZh: '国家特别规定灌木林地', nameEn: 'Specially designated shrubland' },
  { code: 'shrub', nameZh: '其他灌木林地', nameEn: 'Shrubland' },
  { code: 'grassland', nameZh: '草地', nameEn: 'Grassland' },
  { code: 'wetland', nameZh: '湿地', nameEn: 'Wetland' },
  { code: 'water', nameZh: '水域', nameEn: 'Water' },
  { code: 'cropland', nameZh: '耕地', nameEn: 'Cropland' },
  { code: 'built', nameZh: '建设用地', nameEn: 'Built-up land' },
  { code: 'bare', nameZh: '裸地', nameEn: 'Bare land' },
  { code: 'other', nameZh: '其他', nameEn: 'Other' },
] as const;

/** The classes that count for forest_coverage (森林覆盖率, BRIEF §6): forest and shrub_special. */
export const FOREST_CLASSES: readonly string[] = ['forest', 'shrub_special'];

export interface ChangeOptions {
  /** cells of this size (degrees) instead of the feature-count choice (tests) */
  cellDeg?: number;
  featuresPerCell?: number;
  cellsPerStatement?: number;
  /** statements at once on a pool */
  concurrency?: number;
}

export interface ResolvedPair {
  key: ChangeKey;
  from: { datasetId: number; year: number; features: number };
  to: { datasetId: number; year: number; features: number };
}

/**
 * The versions a change compares: `from` and `to` must be land-cover datasets; the regions are the
 * newest regions version (or the one named) and the protected areas the newest version with vintage
 * ≤ the `to` year (the newest of all when none is that old). Field errors name `from` / `to`.
 */
export async function resolveChangePair(db: DbOrTx, q: { from: number; to: number; regionsDatasetId?: number; paDatasetId?: number }): Promise<ResolvedPair> {
  const [from, to] = await Promise.all([datasetOfKind(db, 'land-cover', q.from), datasetOfKind(db, 'land-cover', q.to)]);
  const errors: FieldError[] = [];
  if (!from)
    errors.push({ field: 'from', code: 'LAND_COVER_DATASET_UNKNOWN', message: `没有 id 为 ${q.from} 的土地覆盖数据集 No land-cover dataset ${q.from}` });
  if (!to) errors.push({ field: 'to', code: 'LAND_COVER_DATASET_UNKNOWN', message: `没有 id 为 ${q.to} 的土地覆盖数据集 No land-cover dataset ${q.to}` });
  if (from && to && from.id === to.id) errors.push({ field: 'to', code: 'LAND_COVER_SAME_DATASET', message: '两个版本相同 from and to are the same version' });
  const { regions, pas } = await zoneDatasets(db, q, to ? to.year : null, errors);
  if (errors.length || !from || !to) throw new AppError('UNPROCESSABLE', errors[0]?.message, { errors });
  return {
    key: { fromDatasetId: from.id, toDatasetId: to.id, regionsDatasetId: regions?.id ?? null, paDatasetId: pas?.id ?? null },
    from: { datasetId: from.id, year: from.year, features: from.features },
    to: { datasetId: to.id, year: to.year, features: to.features },
  };
}

export interface ChangeSummary {
  changeId: number;
  status: ChangeRow['status'];
  computed: boolean;
  cells: number;
  cellDeg: number | null;
  ms: number | null;
  /** raster pairs computed now: milliseconds of each step (pair raster, zones, zonal pass, storing) */
  phasesMs?: Record<string, number>;
}

/**
 * Computes and stores the change of a pair unless it is stored already (idempotent: at-least-once
 * jobs and concurrent requests compute it once — the change row is locked while it is computed).
 * Batches of cells run `concurrency` statements at once on the pool; the sums are taken in cell
 * order, so the figures do not depend on which statement finished first.
 */
export async function computeLandCoverChange(db: Db | Tx, pair: ResolvedPair, opts: ChangeOptions = {}): Promise<ChangeSummary> {
  const done = await findChange(db, pair.key);
  if (done?.status === 'completed') return summary(done, false);
  const startedAt = Date.now();
  // the row first, committed, so that the batches on other connections may reference it
  await insertPendingChange(db, pair.key, { from: pair.from.year, to: pair.to.year }, LCC_METHOD_VERSION);
  try {
    return await withTx(db, async (tx) => {
      const row = await claimChange(tx, pair.key, { from: pair.from.year, to: pair.to.year }, LCC_METHOD_VERSION);
      if (row.status === 'completed') return summary(row, false);
      const ext = await sharedExtent(tx, pair.key.fromDatasetId, pair.key.toDatasetId);
      let k = 1;
      let cells: number[] = [];
      let grid = { k, ix0: 0, iy0: 0, nx: 1 };
      if (ext) {
        if (opts.cellDeg) k = Math.round(1 / opts.cellDeg);
        else {
          const wanted = Math.max(1, Math.ceil(ext.n / (opts.featuresPerCell ?? 1500)));
          const side = Math.sqrt(Math.max(1e-9, (ext.x1 - ext.x0) * (ext.y1 - ext.y0)) / wanted);
          k = Math.max(1, Math.ceil(1 / side));
        }
        const ix0 = Math.floor(ext.x0 * k);
        const iy0 = Math.floor(ext.y0 * k);
        const nx = Math.max(1, Math.ceil(ext.x1 * k) - ix0);
        const ny = Math.max(1, Math.ceil(ext.y1 * k) - iy0);
        grid = { k, ix0, iy0, nx };
        cells = Array.from({ length: nx * ny }, (_, i) => i);
      }
      const [regionsSubdivided, paSubdivided] = await Promise.all([hasSubdivided(tx, pair.key.regionsDatasetId), hasSubdivided(tx, pair.key.paDatasetId)]);
      const per = opts.cellsPerStatement ?? 8;
      const batches: number[][] = [];
      for (let i = 0; i < cells.length; i += per) batches.push(cells.slice(i, i + per));
      const parts: BatchRow[][] = new Array(batches.length);
      const runBatch = (i: number, on: DbOrTx) =>
        withoutJit(on, (t) =>
          transitionsOfCells(t, {
            changeId: row.id,
            fromId: pair.key.fromDatasetId,
            toId: pair.key.toDatasetId,
            regionsId: pair.key.regionsDatasetId,
            paId: pair.key.paDatasetId,
            year: pair.to.year,
            grid,
            cells: batches[i],
            regionsSubdivided,
            paSubdivided,
          }),
        ).then((rows) => {
          parts[i] = rows;
        });
      // the overlay reads immutable datasets: batches may run on the pool beside the claiming
      // transaction; inside a caller's transaction (the seed) they run on it, one at a time
      const concurrency = db.isTransaction ? 1 : Math.max(1, opts.concurrency ?? 2);
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(concurrency, batches.length) }, async () => {
          while (next < batches.length) await runBatch(next++, db);
        }),
      );
      const sums = new Map<string, TransitionRow>();
      for (const batch of parts) {
        for (const r of [...batch].sort(
          (a, b) =>
            a.cell - b.cell || cmp(a.scope, b.scope) || cmp(a.scope_code, b.scope_code) || cmp(a.from_class, b.from_class) || cmp(a.to_class, b.to_class),
        )) {
          const key = `${r.scope}\u0000${r.scope_code}\u0000${r.from_class}\u0000${r.to_class}`;
          const s = sums.get(key);
          if (s) s.area_m2 += r.area ?? 0;
          else sums.set(key, { scope: r.scope, scope_code: r.scope_code, from_class: r.from_class, to_class: r.to_class, area_m2: r.area ?? 0 });
        }
      }
      const ms = Date.now() - startedAt;
      await storeTransitions(tx, row.id, [...sums.values()], { cellDeg: 1 / k, cells: cells.length, ms });
      return { changeId: row.id, status: 'completed' as const, computed: true, cells: cells.length, cellDeg: 1 / k, ms };
    });
  } catch (e) {
    // a caller's transaction is aborted: it rolls back the pending row too
    if (!db.isTransaction) {
      const row = await findChange(db, pair.key);
      if (row) await markChangeFailed(db, row.id, e instanceof Error ? e.message : String(e));
    }
    throw e;
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function summary(r: ChangeRow, computed: boolean): ChangeSummary {
  return { changeId: r.id, status: r.status, computed, cells: r.cells, cellDeg: r.cell_deg, ms: r.ms };
}

export interface MatrixCell {
  from: string;
  to: string;
  areaHa: number;
}

export interface LandCoverChangeOut {
  /** 'raster' for a raster pair (from/to datasetId are raster ids); absent for a vector pair, whose answer is unchanged */
  source?: 'raster';
  status: 'completed' | 'pending' | 'failed';
  methodVersion: string;
  from: { datasetId: number; year: number };
  to: { datasetId: number; year: number };
  regionsDatasetId: number | null;
  protectedAreasDatasetId: number | null;
  computedAt: string | null;
  error: string | null;
  forestClasses: string[];
  classes: { code: string; nameZh: string; nameEn: string }[];
  regions: {
    code: string;
    name: string;
    nameEn: string | null;
    level: string;
    matrix: MatrixCell[];
    insideProtectedAreas: MatrixCell[];
    forestLossHa: number;
    forestGainHa: number;
    forestLossInProtectedAreasHa: number;
  }[];
  protectedAreas: { id: string; name: string; nameEn: string | null; designation: string; matrix: MatrixCell[]; forestLossHa: number; forestGainHa: number }[];
}

const ha = (m2: number) => Math.round(m2 / 100) / 100; // m² → ha, 2 decimals

function cellsOf(rows: TransitionRow[]): MatrixCell[] {
  return rows.filter((r) => r.area_m2 > 0).map((r) => ({ from: r.from_class, to: r.to_class, areaHa: ha(r.area_m2) }));
}

function forestFlows(rows: TransitionRow[]): { loss: number; gain: number } {
  let loss = 0;
  let gain = 0;
  for (const r of rows) {
    const a = FOREST_CLASSES.includes(r.from_class);
    const b = FOREST_CLASSES.includes(r.to_class);
    if (a && !b) loss += r.area_m2;
    if (!a && b) gain += r.area_m2;
  }
  return { loss: ha(loss), gain: ha(gain) };
}

function groupBy(rows: TransitionRow[]): Map<string, TransitionRow[]> {
  const m = new Map<string, TransitionRow[]>();
  for (const r of rows) m.set(r.scope_code, [...(m.get(r.scope_code) ?? []), r]);
  return m;
}

/**
 * The stored transition matrices of a pair, per region (all regions of the regions version, or the
 * codes asked: an unknown code is a 422 naming `regionCodes`) and per counted protected area.
 * When the pair is not stored yet: computed now when small (`computeDb`, the primary), else
 * `status: 'pending'`, the first such request having queued the worker's job (an outbox row,
 * written with the pending change row, so a pair is queued once).
 * `source: 'raster'`: `from` / `to` are land-cover raster ids (resolveRasterChangePair); small pairs
 * (≤ ON_REQUEST_MAX_PIXELS pixels) are computed on request from the COGs under `opts.fileStoreDir`.
 */
export async function landCoverChange(
  readDb: DbOrTx,
  computeDb: Db,
  q: { from: number; to: number; regionCodes?: string[]; source?: ChangeSource },
  opts: { fileStoreDir?: string } = {},
): Promise<LandCoverChangeOut> {
  const pair = await resolvePair(readDb, q);
  const codes = q.regionCodes?.length ? [...new Set(q.regionCodes)] : null;
  let regions = pair.key.regionsDatasetId === null ? [] : await regionsOf(readDb, pair.key.regionsDatasetId, codes);
  if (codes) {
    const known = new Set(regions.map((r) => r.code));
    const unknown = codes.filter((c) => !known.has(c));
    if (unknown.length)
      throw new AppError('UNPROCESSABLE', `未知的区域代码 Unknown region code(s): ${unknown.join(', ')}`, {
        errors: [{ field: 'regionCodes', code: 'REGION_UNKNOWN', message: `Unknown region code(s): ${unknown.join(', ')}` }],
      });
  }
  const got = await storedChange(readDb, computeDb, pair, opts.fileStoreDir);
  const change = got.change;
  readDb = got.db;
  const base = {
    ...(pair.key.source === 'raster' ? { source: 'raster' as const } : {}),
    methodVersion: pair.key.source === 'raster' ? RASTER_LCC_METHOD_VERSION : LCC_METHOD_VERSION,
    from: { datasetId: pair.from.datasetId, year: pair.from.year },
    to: { datasetId: pair.to.datasetId, year: pair.to.year },
    regionsDatasetId: pair.key.regionsDatasetId,
    protectedAreasDatasetId: pair.key.paDatasetId,
    forestClasses: [...FOREST_CLASSES],
    classes: LAND_COVER_CLASS_NAMES.map((c) => ({ ...c })),
  };
  if (!change || change.status !== 'completed') {
    return {
      ...base,
      status: change?.status === 'failed' ? 'failed' : 'pending',
      computedAt: null,
      error: change?.error ?? null,
      regions: [],
      protectedAreas: [],
    };
  }
  const regionCodes = regions.map((r) => r.code);
  const [byRegion, byRegionPa, byPa] = await Promise.all([
    readTransitions(readDb, change.id, 'region', regionCodes).then(groupBy),
    readTransitions(readDb, change.id, 'region_pa', regionCodes).then(groupBy),
    readTransitions(readDb, change.id, 'pa', null).then(groupBy),
  ]);
  if (!codes) regions = regions.filter((r) => byRegion.has(r.code));
  const pas = pair.key.paDatasetId === null ? [] : await protectedAreasOf(readDb, pair.key.paDatasetId, [...byPa.keys()]);
  return {
    ...base,
    status: 'completed',
    computedAt: change.computed_at ? new Date(change.computed_at).toISOString() : null,
    error: null,
    regions: regions.map((r) => {
      const rows = byRegion.get(r.code) ?? [];
      const inPa = byRegionPa.get(r.code) ?? [];
      const f = forestFlows(rows);
      return {
        code: r.code,
        name: r.name,
        nameEn: r.name_en,
        level: r.level,
        matrix: cellsOf(rows),
        insideProtectedAreas: cellsOf(inPa),
        forestLossHa: f.loss,
        forestGainHa: f.gain,
        forestLossInProtectedAreasHa: forestFlows(inPa).loss,
      };
    }),
    protectedAreas: pas.map((p) => {
      const rows = byPa.get(p.pa_id) ?? [];
      const f = forestFlows(rows);
      return { id: p.pa_id, name: p.name, nameEn: p.name_en, designation: p.designation, matrix: cellsOf(rows), forestLossHa: f.loss, forestGainHa: f.gain };
    }),
  };
}

/**
 * The stored change of a pair, computed now when the pair is small and not stored yet (on the
 * primary, then read back from it), or queued for the worker (one outbox row per pair: the pending
 * row and the outbox row are written together). Raster pairs: small means ≤ ON_REQUEST_MAX_PIXELS
 * pixels on the `from` grid, and the job is `land-cover-change-raster`.
 */
async function storedChange(readDb: DbOrTx, computeDb: Db, pair: ResolvedPair, fileStoreDir?: string): Promise<{ change: ChangeRow | null; db: DbOrTx }> {
  const change = await findChange(readDb, pair.key);
  if (change?.status === 'completed' || change?.status === 'failed') return { change, db: readDb };
  const raster = pair.key.source === 'raster';
  if (raster ? pair.from.features <= ON_REQUEST_MAX_PIXELS : pair.from.features + pair.to.features <= ON_REQUEST_MAX_FEATURES) {
    if (raster) {
      if (!fileStoreDir) throw new Error('landCoverChange: a raster pair needs the file store');
      await computeRasterLandCoverChange(computeDb, fileStoreDir, pair);
    } else await computeLandCoverChange(computeDb, pair);
    return { change: await findChange(computeDb, pair.key), db: computeDb };
  }
  if (!change) {
    await withTx(computeDb, async (tx) => {
      const years = { from: pair.from.year, to: pair.to.year };
      const { fromDatasetId, toDatasetId } = pair.key;
      if (raster) {
        if (await insertPendingChange(tx, pair.key, years, RASTER_LCC_METHOD_VERSION))
          await writeOutbox(tx, [
            { queue: QUEUES.indicators, jobName: 'land-cover-change-raster', payload: { fromRasterId: fromDatasetId, toRasterId: toDatasetId } },
          ]);
      } else if (await insertPendingChange(tx, pair.key, years, LCC_METHOD_VERSION)) {
        await writeOutbox(tx, [{ queue: QUEUES.indicators, jobName: 'land-cover-change', payload: { fromDatasetId, toDatasetId } }]);
      }
    });
  }
  return { change: await findChange(computeDb, pair.key), db: computeDb };
}

/** The pair of a request: two land-cover layer versions, or (`source: 'raster'`) two land-cover rasters. */
function resolvePair(db: DbOrTx, q: { from: number; to: number; source?: ChangeSource }): Promise<ResolvedPair> {
  return q.source === 'raster' ? resolveRasterChangePair(db, { from: q.from, to: q.to }) : resolveChangePair(db, { from: q.from, to: q.to });
}

export interface ChangeAreasOut {
  type: 'FeatureCollection';
  /** 'raster' for a raster pair (pieces: its changed pixels, per 256 × 256 pixel block); absent for a vector pair */
  source?: 'raster';
  status: 'completed' | 'pending' | 'failed';
  from: { datasetId: number; year: number };
  to: { datasetId: number; year: number };
  /** more pieces matched than `limit` */
  truncated: boolean;
  features: {
    type: 'Feature';
    geometry: unknown;
    properties: { from: string; to: string; areaHa: number; forestLoss: boolean; fromZh: string; toZh: string };
  }[];
}

/**
 * The change layer: where the land cover changed between two versions (pieces cut by the grid
 * cells of the computation), as GeoJSON, largest first; `forestLoss` keeps only forest that became
 * another class. Within a bbox, at most `limit` pieces (`truncated` says when there were more).
 */
export async function landCoverChangeAreas(
  readDb: DbOrTx,
  computeDb: Db,
  q: { from: number; to: number; bbox?: [number, number, number, number]; forestLoss?: boolean; limit: number; source?: ChangeSource },
  opts: { fileStoreDir?: string } = {},
): Promise<ChangeAreasOut> {
  const pair = await resolvePair(readDb, q);
  const { change, db } = await storedChange(readDb, computeDb, pair, opts.fileStoreDir);
  const base = {
    type: 'FeatureCollection' as const,
    ...(pair.key.source === 'raster' ? { source: 'raster' as const } : {}),
    from: { datasetId: pair.from.datasetId, year: pair.from.year },
    to: { datasetId: pair.to.datasetId, year: pair.to.year },
  };
  if (!change || change.status !== 'completed') return { ...base, status: change?.status === 'failed' ? 'failed' : 'pending', truncated: false, features: [] };
  const rows = await changeAreas(db, change.id, { bbox: q.bbox ?? null, fromClasses: q.forestLoss ? [...FOREST_CLASSES] : null, limit: q.limit + 1 });
  const zh = (c: string) => LAND_COVER_CLASS_NAMES.find((x) => x.code === c)?.nameZh ?? c;
  return {
    ...base,
    status: 'completed',
    truncated: rows.length > q.limit,
    features: rows.slice(0, q.limit).map((r) => ({
      type: 'Feature' as const,
      geometry: JSON.parse(r.geometry) as unknown,
      properties: {
        from: r.from_class,
        to: r.to_class,
        areaHa: ha(r.area_m2),
        forestLoss: FOREST_CLASSES.includes(r.from_class) && !FOREST_CLASSES.includes(r.to_class),
        fromZh: zh(r.from_class),
        toZh: zh(r.to_class),
      },
    })),
  };
}

/**
 * After a new land-cover version: the pair (the version before it → it) to compute, by vintage
 * (then id); null when it is the only version or the oldest.
 */
export async function pairForNewVersion(db: DbOrTx, datasetId: number): Promise<ResolvedPair | null> {
  const me = await datasetOfKind(db, 'land-cover', datasetId);
  if (!me) return null;
  const all = await landCoverVersions(db);
  const i = all.findIndex((d) => d.id === datasetId);
  if (i <= 0) return null;
  return resolveChangePair(db, { from: all[i - 1].id, to: datasetId });
}

/** Forest (FOREST_CLASSES) lost inside each counted protected area, per completed change, ≥ minHa. */
export async function forestLossInProtectedAreas(db: DbOrTx, minHa: number): Promise<PaLossRow[]> {
  return protectedAreaLosses(db, [...FOREST_CLASSES], minHa * 1e4);
}
export type { PaLossRow };
