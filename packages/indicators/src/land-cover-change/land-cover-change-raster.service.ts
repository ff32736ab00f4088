import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db, DbOrTx, Tx } from '@biomon/db';
import { withTx } from '@biomon/db';
import { AppError, type FieldError } from '@biomon/core';
import { LAND_COVER_CLASSES } from '@biomon/layers';
import {
  DEFAULT_CLASS_MAP,
  getRaster,
  groupZones,
  listRasters,
  overlappingZonePairs,
  readyRaster,
  writeZoneFeatures,
  zonalStatistics,
  type RasterView,
  type ZoneGroup,
} from '@biomon/rasters';
import {
  claimChange,
  countedPaIds,
  findChange,
  insertPendingChange,
  markChangeFailed,
  regionsInsideCountedPas,
  regionsOf,
  storeRasterChangeAreas,
  storeTransitions,
  type ChangeRow,
  type TransitionRow,
} from './land-cover-change.repository';
import { zoneDatasets } from './zone-datasets';
import { buildPairRaster, CHANGE_BLOCK, decodePair } from './raster-pair';
import type { ChangeSummary, ResolvedPair } from './land-cover-change.service';

/**
 * Land-cover change between two land-cover RASTERS (issue 18, task 27): the same stored change and
 * transition rows as a vector pair (land-cover-change.service.ts), keyed by the two raster datasets
 * (land_cover_changes.source = 'raster', migration 0021), so that every reader — the API, the
 * forest-loss alert rule, the dashboard — works unchanged.
 *
 * The matrix is a cross-tabulation of the two rasters' pixel classes (each raster's codes mapped to
 * the vector classes by its class table; nodata and unmapped codes left out), each pixel weighted
 * by its own area on the WGS84 ellipsoid and counted for a zone when its centre lies in it — by
 * @biomon/rasters' zonalStatistics over a "pair raster" (raster-pair.ts). Zones: the regions of the
 * regions version; each region's part inside the union of the counted protected areas (BRIEF §6,
 * as of the `to` year: an overlap counts once); each counted protected area. A `to` raster on
 * another grid is warped onto the `from` grid with `gdalwarp -r near` first (never interpolated).
 * The changed pixels are also stored as the change layer of the map, per 256 × 256 pixel block.
 */

export const RASTER_LCC_METHOD_VERSION = 'lcc-raster-1';

/** Raster pairs whose `from` grid has at most this many pixels are computed on request when not stored yet. */
export const ON_REQUEST_MAX_PIXELS = 4_000_000;

const CLASSES: readonly string[] = LAND_COVER_CLASSES;

async function rasterOrNull(db: DbOrTx, id: number): Promise<RasterView | null> {
  try {
    return await getRaster(db as Db, id);
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND') return null;
    throw e;
  }
}

/**
 * The rasters a raster change compares: `from` and `to` must be land-cover rasters, `from` of an
 * earlier year than `to`, both ready (else 409 RASTER_NOT_READY); the regions are the newest
 * regions version (or the one named) and the protected areas the newest version with vintage ≤ the
 * `to` year (the newest of all when none is that old), as for vector pairs. Field errors name
 * `from` / `to`. `features` of each side is its number of pixels.
 */
export async function resolveRasterChangePair(
  db: DbOrTx,
  q: { from: number; to: number; regionsDatasetId?: number; paDatasetId?: number },
): Promise<ResolvedPair> {
  const [from, to] = await Promise.all([rasterOrNull(db, q.from), rasterOrNull(db, q.to)]);
  const errors: FieldError[] = [];
  for (const [field, id, r] of [
    ['from', q.from, from],
    ['to', q.to, to],
  ] as const) {
    if (!r) errors.push({ field, code: 'LAND_COVER_DATASET_UNKNOWN', message: `没有 id 为 ${id} 的土地覆盖栅格 No land-cover raster ${id}` });
    else if (r.kind !== 'land-cover')
      errors.push({ field, code: 'NOT_LAND_COVER_RASTER', message: `栅格 ${id} 不是土地覆盖栅格（${r.kind}） Raster ${id} is ${r.kind}, not land-cover` });
  }
  if (from && to && from.datasetId === to.datasetId)
    errors.push({ field: 'to', code: 'LAND_COVER_SAME_DATASET', message: '两个版本相同 from and to are the same version' });
  else if (from && to && from.year >= to.year)
    errors.push({
      field: 'to',
      code: 'LAND_COVER_YEARS_ORDER',
      message: `to 的年份须晚于 from（${from.year} → ${to.year}） the to raster must be of a later year than the from raster`,
    });
  const { regions, pas } = await zoneDatasets(db, q, to ? to.year : null, errors);
  if (errors.length || !from || !to) throw new AppError('UNPROCESSABLE', errors[0]?.message, { errors });
  for (const r of [from, to]) {
    if (r.status !== 'ready')
      throw new AppError('RASTER_NOT_READY', `栅格 ${r.datasetId} 尚未就绪（${r.status}） · raster ${r.datasetId} is ${r.status}`, {
        status: r.status,
        error: r.error,
        errors: [{ field: r === from ? 'from' : 'to', code: 'RASTER_NOT_READY', message: `raster ${r.datasetId} is ${r.status}` }],
      });
  }
  return {
    key: { source: 'raster', fromDatasetId: from.datasetId, toDatasetId: to.datasetId, regionsDatasetId: regions?.id ?? null, paDatasetId: pas?.id ?? null },
    from: { datasetId: from.datasetId, year: from.year, features: from.width * from.height },
    to: { datasetId: to.datasetId, year: to.year, features: to.width * to.height },
  };
}

function summary(r: ChangeRow, computed: boolean): ChangeSummary {
  return { changeId: r.id, status: r.status, computed, cells: r.cells, cellDeg: r.cell_deg, ms: r.ms };
}

/**
 * Computes and stores the change of a raster pair unless it is stored already (idempotent, like the
 * vector pairs: the change row is locked while it is computed and a completed one is never redone).
 */
export async function computeRasterLandCoverChange(db: Db | Tx, fileStoreDir: string, pair: ResolvedPair): Promise<ChangeSummary> {
  if (pair.key.source !== 'raster') throw new Error('computeRasterLandCoverChange: not a raster pair');
  const years = { from: pair.from.year, to: pair.to.year };
  const done = await findChange(db, pair.key);
  if (done?.status === 'completed') return summary(done, false);
  const startedAt = Date.now();
  await insertPendingChange(db, pair.key, years, RASTER_LCC_METHOD_VERSION);
  try {
    return await withTx(db, async (tx) => {
      const row = await claimChange(tx, pair.key, years, RASTER_LCC_METHOD_VERSION);
      if (row.status === 'completed') return summary(row, false);
      const [a, b] = await Promise.all([readyRaster(tx, fileStoreDir, pair.key.fromDatasetId), readyRaster(tx, fileStoreDir, pair.key.toDatasetId)]);
      const classMap = (r: typeof a) => (r.row.class_map as Record<string, string> | null) ?? DEFAULT_CLASS_MAP;
      const dir = await mkdtemp(path.join(tmpdir(), 'biomon-lcc-raster-'));
      try {
        const phasesMs: Record<string, number> = {};
        let t0 = Date.now();
        const lap = (name: string) => {
          phasesMs[name] = Date.now() - t0;
          t0 = Date.now();
        };
        const built = await buildPairRaster({ ...a.raster, classMap: classMap(a) }, { ...b.raster, classMap: classMap(b) }, CLASSES, dir);
        lap(built.warped ? 'warpAndPairRaster' : 'pairRaster');
        const { groups, scopes } = await changeZones(tx, pair, dir);
        lap('zones');
        const stats = groups.length ? await zonalStatistics(built.raster, groups, { classes: true }) : [];
        lap(`zonal(${groups.length} groups)`);
        const rows: TransitionRow[] = [];
        let i = 0;
        groups.forEach((g, gi) => {
          for (const _ of g.keys) {
            const s = stats[i++];
            for (const c of s.classes ?? []) {
              if (c.code < 1) continue;
              const [fi, ti] = decodePair(c.code, CLASSES.length);
              rows.push({ scope: scopes[gi], scope_code: s.key, from_class: CLASSES[fi], to_class: CLASSES[ti], area_m2: c.areaM2 });
            }
          }
        });
        await storeRasterChangeAreas(tx, row.id, built.pieces, { epsg: a.row.epsg, wkt: a.row.crs_wkt });
        lap('changeAreas');
        const cells = Math.ceil(a.raster.width / CHANGE_BLOCK) * Math.ceil(a.raster.height / CHANGE_BLOCK);
        const ms = Date.now() - startedAt;
        await storeTransitions(tx, row.id, rows, { cellDeg: null, cells, ms });
        lap('transitions');
        return { changeId: row.id, status: 'completed' as const, computed: true, cells, cellDeg: null, ms, phasesMs };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  } catch (e) {
    if (!db.isTransaction) {
      const row = await findChange(db, pair.key);
      if (row) await markChangeFailed(db, row.id, e instanceof Error ? e.message : String(e));
    }
    throw e;
  }
}

/**
 * The zones of a raster change as zonalStatistics takes them (GeoJSON files, EPSG:4326), each group
 * with its scope: regions (overlapping regions — a province and its prefectures — in separate
 * groups), each region's part inside the counted-PA union (grouped as the regions), and the counted
 * protected areas (overlapping ones in separate groups).
 */
async function changeZones(tx: Tx, pair: ResolvedPair, dir: string): Promise<{ groups: ZoneGroup[]; scopes: TransitionRow['scope'][] }> {
  const groups: ZoneGroup[] = [];
  const scopes: TransitionRow['scope'][] = [];
  const { regionsDatasetId: regionsId, paDatasetId: paId } = pair.key;
  const year = pair.to.year;
  let n = 0;
  const file = () => path.join(dir, `zones-${n++}.geojson`);
  if (regionsId !== null) {
    const codes = (await regionsOf(tx, regionsId, null)).map((r) => r.code);
    const regionGroups = codes.length ? groupZones(codes, await overlappingZonePairs(tx, regionsId, 'regions', codes)) : [];
    for (const g of regionGroups) {
      const f = file();
      await writeZoneFeatures(tx, regionsId, 'regions', new Map(g.map((k, j) => [k, j + 1])), f);
      groups.push({ file: f, keys: g });
      scopes.push('region');
    }
    if (paId !== null && codes.length) {
      const inside = new Map((await regionsInsideCountedPas(tx, regionsId, paId, year, codes)).map((r) => [r.code, r.geojson]));
      for (const g of regionGroups) {
        const keys = g.filter((k) => inside.has(k));
        if (!keys.length) continue;
        const f = file();
        const features = keys.map((k, j) => `{"type":"Feature","properties":{"zid":${j + 1}},"geometry":${inside.get(k)}}`);
        await writeFile(f, `{"type":"FeatureCollection","features":[\n${features.join(',\n')}\n]}\n`);
        groups.push({ file: f, keys });
        scopes.push('region_pa');
      }
    }
  }
  if (paId !== null) {
    const ids = await countedPaIds(tx, paId, year);
    const paGroups = ids.length ? groupZones(ids, await overlappingZonePairs(tx, paId, 'protected-areas', ids)) : [];
    for (const g of paGroups) {
      const f = file();
      await writeZoneFeatures(tx, paId, 'protected-areas', new Map(g.map((k, j) => [k, j + 1])), f);
      groups.push({ file: f, keys: g });
      scopes.push('pa');
    }
  }
  return { groups, scopes };
}

/**
 * After a land-cover raster becomes ready: the pair (the newest ready land-cover raster of an
 * earlier year → it) to compute; null when there is none, or the raster is not a ready land-cover one.
 */
export async function rasterPairForNewVersion(db: DbOrTx, rasterId: number): Promise<ResolvedPair | null> {
  const ready = (await listRasters(db as Db, 'land-cover')).filter((r) => r.status === 'ready');
  const me = ready.find((r) => r.datasetId === rasterId);
  if (!me) return null;
  const prev = ready.filter((r) => r.year < me.year).sort((x, y) => y.year - x.year || y.datasetId - x.datasetId)[0];
  if (!prev) return null;
  return resolveRasterChangePair(db, { from: prev.datasetId, to: rasterId });
}
