import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { withTx, type Db, type Tx } from '@biomon/db';
import { AppError } from '@biomon/core';
import { writeAudit, type Actor } from '@biomon/auth';
import { QUEUES, writeOutbox, writeOutboxOnce } from '@biomon/queue';
import { LAND_COVER_CLASSES } from '@biomon/layers';
import { BAND_TYPES, GdalError, gdalInfo, runGdal, withoutPaths, type GdalInfo } from './gdal';
import { DEFAULT_CLASS_MAP, RASTER_UNITS, rasterDataKind, type FvcScale, type RasterKind } from './raster-kinds';
import {
  cachedZonal,
  findRasterDataset,
  insertRasterDataset,
  layerDatasetKind,
  listRasterDatasets,
  markRasterFailed,
  markRasterReady,
  newestLayerDataset,
  overlappingZonePairs,
  storeZonal,
  writeZoneFeatures,
  zoneList,
  ZONE_KINDS,
  type RasterRow,
  type ZoneKind,
} from './raster.repository';
import { ZONAL_METHOD_VERSION, zonalStatistics, type ZoneGroup } from './zonal';
import { legendOf, renderTile } from './tiles';

/** Upload limit of POST /v1/rasters/{kind}; larger files go through `biomon rasters import` (streamed). */
export const MAX_RASTER_UPLOAD_BYTES = 200 * 1024 * 1024;

const fileError = (code: 'RASTER_UNREADABLE' | 'RASTER_UNSUPPORTED', fieldCode: string, message: string) =>
  new AppError(code, message, { errors: [{ field: 'file', code: fieldCode, message }] });

class TooLarge extends Error {}

export interface StagedFile {
  file: string;
  sha256: string;
  sizeBytes: number;
}

/**
 * Streams an upload to `<store>/rasters/incoming/<uuid>.tif` while hashing it (never whole in
 * memory); over `maxBytes` → 413 BODY_TOO_LARGE (field `file`, FILE_TOO_LARGE).
 */
export async function stageRasterFile(
  stream: Readable,
  fileStoreDir: string,
  opts: { maxBytes?: number; truncated?: () => boolean } = {},
): Promise<StagedFile> {
  const dir = path.join(fileStoreDir, 'rasters', 'incoming');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${randomUUID()}.tif`);
  const hash = createHash('sha256');
  let size = 0;
  const max = opts.maxBytes ?? Number.POSITIVE_INFINITY;
  const tooLarge = () =>
    new AppError(
      'BODY_TOO_LARGE',
      `栅格上传限 200 MB，更大的文件请用 biomon rasters import · uploads are limited to ${MAX_RASTER_UPLOAD_BYTES / 1024 / 1024} MB; use \`biomon rasters import\``,
      {
        errors: [{ field: 'file', code: 'FILE_TOO_LARGE', message: `at most ${MAX_RASTER_UPLOAD_BYTES / 1024 / 1024} MB` }],
      },
    );
  try {
    await pipeline(
      stream,
      new Transform({
        transform(chunk: Buffer, _enc, cb) {
          size += chunk.length;
          if (size > max) return cb(new TooLarge());
          hash.update(chunk);
          cb(null, chunk);
        },
      }),
      createWriteStream(file),
    );
    if (opts.truncated?.()) throw new TooLarge();
  } catch (err) {
    await rm(file, { force: true });
    if (err instanceof TooLarge) throw tooLarge();
    throw err;
  }
  return { file, sha256: hash.digest('hex'), sizeBytes: size };
}

/**
 * Reads a staged file with `gdalinfo -json` (GeoTIFF driver only, time-limited) and checks that the
 * platform can use it: one band of a real-valued type, a north-up geotransform and a CRS that
 * GDAL/PROJ knows. Anything else is a 422 naming the part `file`.
 */
export async function inspectRasterFile(file: string): Promise<GdalInfo> {
  let info: GdalInfo;
  try {
    info = await gdalInfo(file, { timeoutMs: 30_000 });
  } catch (err) {
    if (err instanceof GdalError) {
      throw fileError(
        'RASTER_UNREADABLE',
        'RASTER_UNREADABLE',
        `GDAL 无法读取此文件（须为 GeoTIFF/COG） · GDAL cannot read the file as a GeoTIFF: ${withoutPaths(err.stderr.trim().split('\n')[0] ?? '').slice(0, 200)}`,
      );
    }
    throw err;
  }
  if (info.bands !== 1) throw fileError('RASTER_UNSUPPORTED', 'RASTER_BANDS', `须为单波段 · one band expected, the file has ${info.bands}`);
  if (!(info.bandType in BAND_TYPES))
    throw fileError('RASTER_UNSUPPORTED', 'RASTER_DATA_TYPE', `不支持的数据类型 · data type ${info.bandType} is not supported`);
  const gt = info.geoTransform;
  if (!gt || gt.length !== 6) throw fileError('RASTER_UNSUPPORTED', 'RASTER_NO_GEOTRANSFORM', '文件没有地理参考 · the file has no geotransform');
  if (gt[2] !== 0 || gt[4] !== 0)
    throw fileError(
      'RASTER_UNSUPPORTED',
      'RASTER_ROTATED',
      '不支持旋转的栅格 · rotated or sheared rasters are not supported; warp it north-up first (gdalwarp)',
    );
  if (!(gt[1] > 0 && gt[5] < 0))
    throw fileError('RASTER_UNSUPPORTED', 'RASTER_NOT_NORTH_UP', '栅格须北向朝上 · the raster must be north-up (positive pixel width, negative pixel height)');
  if (!info.crsWkt) throw fileError('RASTER_UNSUPPORTED', 'RASTER_NO_CRS', '文件没有坐标系 · the file has no coordinate reference system');
  if (!info.wgs84Extent) throw fileError('RASTER_UNSUPPORTED', 'RASTER_CRS_UNKNOWN', '坐标系无法转换到 WGS84 · the CRS cannot be transformed to WGS84');
  return info;
}

export interface RasterUpload {
  kind: RasterKind;
  year: number;
  source?: string;
  fvcScale?: FvcScale;
  classMap?: Record<string, string>;
  fileName?: string;
}

function checkClassMap(map: Record<string, string> | undefined): Record<string, string> | null {
  if (!map) return null;
  const bad = Object.entries(map).filter(([code, cls]) => !/^-?\d+$/.test(code) || !(LAND_COVER_CLASSES as readonly string[]).includes(cls));
  if (bad.length) {
    throw new AppError('VALIDATION_FAILED', 'classMap maps integer codes to land-cover classes', {
      errors: [
        {
          field: 'classMap',
          code: 'CLASS_MAP_INVALID',
          message: `not a code → class pair: ${bad.map(([c, v]) => `${c}→${v}`).join(', ')}; classes: ${LAND_COVER_CLASSES.join(', ')}`,
        },
      ],
    });
  }
  return map;
}

function newRow(upload: RasterUpload, info: GdalInfo, staged: StagedFile, createdBy: string | null) {
  return {
    kind: upload.kind,
    vintage_year: upload.year,
    source: upload.source ?? '',
    original_name: (upload.fileName ?? '').replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200),
    crs_wkt: info.crsWkt!,
    epsg: info.epsg,
    geographic: info.geographic,
    geotransform: info.geoTransform!,
    width: info.width,
    height: info.height,
    band_type: info.bandType,
    nodata: info.nodata === null || Number.isNaN(info.nodata) ? null : info.nodata,
    scale: info.scale,
    value_offset: info.offset,
    fvc_scale: upload.kind === 'fvc' ? (upload.fvcScale ?? null) : null,
    class_map: upload.kind === 'land-cover' ? (checkClassMap(upload.classMap) ?? DEFAULT_CLASS_MAP) : null,
    source_key: staged.file,
    size_bytes: staged.sizeBytes,
    sha256: staged.sha256,
    created_by: createdBy,
  };
}

/**
 * POST /v1/rasters/{kind}: the upload is staged and read by GDAL, then the dataset (status
 * processing), its outbox job and the audit record are written in one transaction; the worker
 * converts it to a COG (processRaster). Answers `{ datasetId, status }`.
 */
export async function uploadRaster(
  db: Db,
  actor: Actor,
  stream: Readable,
  upload: RasterUpload,
  opts: { fileStoreDir: string; truncated: () => boolean; route: string },
): Promise<{ datasetId: number; version: number; status: 'processing' }> {
  if (upload.kind === 'land-cover') checkClassMap(upload.classMap);
  const staged = await stageRasterFile(stream, opts.fileStoreDir, { maxBytes: MAX_RASTER_UPLOAD_BYTES, truncated: opts.truncated });
  try {
    if (staged.sizeBytes === 0) throw fileError('RASTER_UNREADABLE', 'FILE_EMPTY', '上传的文件为空 · the uploaded file has no content');
    const info = await inspectRasterFile(staged.file);
    const row = newRow(upload, info, staged, actor.tokenId || null);
    row.source_key = path.relative(opts.fileStoreDir, staged.file);
    return await db.transaction().execute(async (tx) => {
      const { id, version } = await insertRasterDataset(tx, row);
      await writeOutbox(tx, [{ queue: QUEUES.imports, jobName: 'raster-process', payload: { datasetId: id } }]);
      await writeAudit(tx, actor, {
        action: 'rasters.create',
        entity: 'raster_dataset',
        entityIds: [id],
        route: opts.route,
        summary: { kind: upload.kind, year: upload.year, width: info.width, height: info.height, sizeBytes: staged.sizeBytes },
      });
      return { datasetId: id, version, status: 'processing' as const };
    });
  } catch (err) {
    await rm(staged.file, { force: true });
    throw err;
  }
}

/**
 * The worker's step (and the CLI's, synchronously): converts the staged file to a Cloud-Optimised
 * GeoTIFF (256×256 blocks, DEFLATE, overviews) at `<store>/rasters/<id>/<sha256>.tif`, reads its
 * statistics, decides the FVC scale when not given (percent when the maximum exceeds 1) and marks
 * the dataset ready. Running it again for a ready dataset does nothing; a half-done run is redone.
 * Returns the status; throws on a failure worth retrying, returns 'failed' when it is not.
 * Becoming ready marks the indicators stale (`opts.markStale`, default true; the demo seed, whose own
 * run already reads its rasters, says false).
 */
export async function processRaster(db: Db, fileStoreDir: string, id: number, opts: { markStale?: boolean } = {}): Promise<'ready' | 'failed' | 'missing'> {
  const row = await findRasterDataset(db, id);
  if (!row) return 'missing';
  if (row.status === 'ready') return 'ready';
  if (row.status === 'failed') return 'failed';
  const storageKey = path.posix.join('rasters', String(id), `${row.sha256}.tif`);
  const final = path.join(fileStoreDir, storageKey);
  const exists = await stat(final).then(
    () => true,
    () => false,
  );
  if (!exists) {
    if (!row.source_key) {
      await markRasterFailed(db, id, { code: 'RASTER_SOURCE_MISSING', message: 'the uploaded file is gone; upload it again' });
      return 'failed';
    }
    const src = path.join(fileStoreDir, row.source_key);
    await mkdir(path.dirname(final), { recursive: true });
    const tmp = `${final}.${randomUUID()}.part`;
    const resampling = row.kind === 'land-cover' ? 'NEAREST' : 'AVERAGE';
    try {
      await runGdal(
        'gdal_translate',
        [
          '-q',
          '-if',
          'GTiff',
          '-of',
          'COG',
          '-co',
          'BLOCKSIZE=256',
          '-co',
          'COMPRESS=DEFLATE',
          '-co',
          'PREDICTOR=YES',
          '-co',
          'OVERVIEWS=AUTO',
          '-co',
          `RESAMPLING=${resampling}`,
          '-co',
          'BIGTIFF=IF_SAFER',
          src,
          tmp,
        ],
        { timeoutMs: 3_600_000 },
      );
      await rename(tmp, final);
    } catch (err) {
      await rm(tmp, { force: true });
      // a concurrent run (at-least-once delivery) finished first and removed the staged file
      if ((await findRasterDataset(db, id))?.status === 'ready') return 'ready';
      if (err instanceof GdalError && !err.timedOut && /not recognized|not a TIFF|cannot open|No such file/i.test(err.stderr)) {
        await markRasterFailed(db, id, { code: 'RASTER_UNREADABLE', message: err.message });
        return 'failed';
      }
      throw err;
    }
  }
  const info = await gdalInfo(final, { stats: true, timeoutMs: 3_600_000 });
  const s = info.stats;
  const scaled = (v: number) => v * row.scale + row.value_offset;
  const stats = s
    ? {
        min: Math.min(scaled(s.min), scaled(s.max)),
        max: Math.max(scaled(s.min), scaled(s.max)),
        mean: scaled(s.mean),
        stdDev: s.stdDev * Math.abs(row.scale),
        validPercent: s.validPercent,
        note: 'plain pixel statistics from gdalinfo -stats (not area-weighted)',
      }
    : { min: null, max: null, mean: null, stdDev: null, validPercent: 0, note: 'no valid pixel' };
  let fvcScale = row.fvc_scale;
  if (row.kind === 'fvc' && !fvcScale) fvcScale = stats.max !== null && stats.max > 1 ? 'percent' : 'fraction';
  // ready, and — in the same transaction, once — the outbox row that marks the indicators built on
  // this kind stale (grassland_vegetation_cover_rs on ndvi/fvc, …) and schedules their recompute,
  // as a new vector layer version does (the worker's data-changed job)
  await withTx(db, async (tx) => {
    const became = await markRasterReady(tx, id, { storageKey, stats, fvcScale, bbox: info.wgs84Extent });
    if (became && opts.markStale !== false) {
      await writeOutbox(tx, [{ queue: QUEUES.system, jobName: 'data-changed', payload: { kind: rasterDataKind(row.kind), datasetId: id } }]);
    }
  });
  if (row.source_key) await rm(path.join(fileStoreDir, row.source_key), { force: true });
  return 'ready';
}

/**
 * `biomon rasters import KIND FILE`: the same pipeline as the upload, without the size limit and
 * synchronously — staged (streamed), inspected, recorded, converted and marked ready.
 */
export async function importRasterFile(db: Db, fileStoreDir: string, stream: Readable, upload: RasterUpload, opts: { markStale?: boolean } = {}) {
  if (upload.kind === 'land-cover') checkClassMap(upload.classMap);
  const staged = await stageRasterFile(stream, fileStoreDir);
  let id: number;
  let version: number;
  try {
    const info = await inspectRasterFile(staged.file);
    const row = newRow(upload, info, staged, null);
    row.source_key = path.relative(fileStoreDir, staged.file);
    // inside a caller's transaction (the demo seed) the row joins it
    const insert = (tx: Tx) => insertRasterDataset(tx, row);
    ({ id, version } = await (db.isTransaction ? insert(db as unknown as Tx) : db.transaction().execute(insert)));
  } catch (err) {
    await rm(staged.file, { force: true });
    throw err;
  }
  const status = await processRaster(db, fileStoreDir, id, opts);
  return { datasetId: id, version, status };
}

export async function markRasterProcessingFailed(db: Db, id: number, message: string): Promise<void> {
  await markRasterFailed(db, id, { code: 'RASTER_PROCESSING_FAILED', message });
}

// ---- reads ---------------------------------------------------------------------------------------

function view(r: RasterRow) {
  const gt = r.geotransform;
  return {
    datasetId: r.id,
    kind: r.kind,
    version: r.version,
    year: r.vintage_year,
    source: r.source,
    fileName: r.original_name,
    status: r.status,
    error: (r.error as { code: string; message: string } | null) ?? null,
    crs: { epsg: r.epsg, geographic: r.geographic, wkt: r.crs_wkt },
    width: r.width,
    height: r.height,
    pixelSize: [gt[1], -gt[5]],
    geoTransform: gt,
    bandType: r.band_type,
    nodata: r.nodata,
    scale: r.scale,
    offset: r.value_offset,
    fvcScale: r.fvc_scale,
    classMap: (r.class_map as Record<string, string> | null) ?? null,
    unit:
      r.kind === 'fvc' && r.fvc_scale
        ? `${RASTER_UNITS.fvc}（${r.fvc_scale === 'percent' ? '% 0–100' : '比例 fraction 0–1'}）`
        : RASTER_UNITS[r.kind as RasterKind],
    stats: (r.stats as Record<string, unknown> | null) ?? null,
    bbox: r.bbox_geojson ? bboxOf(JSON.parse(r.bbox_geojson) as { coordinates: number[][][] }) : null,
    sizeBytes: r.size_bytes,
    sha256: r.sha256,
    createdAt: r.created_at,
    readyAt: r.ready_at,
  };
}

function bboxOf(p: { coordinates: number[][][] }): [number, number, number, number] {
  const xs = p.coordinates[0].map((c) => c[0]);
  const ys = p.coordinates[0].map((c) => c[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

export type RasterView = ReturnType<typeof view>;

export async function listRasters(db: Db, kind?: RasterKind): Promise<RasterView[]> {
  return (await listRasterDatasets(db, kind)).map(view);
}

/** One raster dataset (any status: the metadata says whether it is ready); 404 when unknown. */
export async function getRaster(db: Db, id: number): Promise<RasterView> {
  const r = await findRasterDataset(db, id);
  if (!r) throw new AppError('NOT_FOUND', `栅格数据集不存在 · no raster dataset ${id}`);
  return view(r);
}

/** A ready raster with its COG path, for reading its pixels (other packages too); 404 / 409 RASTER_NOT_READY otherwise. */
export async function readyRaster(db: Db, fileStoreDir: string, id: number) {
  const r = await findRasterDataset(db, id);
  if (!r) throw new AppError('NOT_FOUND', `栅格数据集不存在 · no raster dataset ${id}`);
  if (r.status !== 'ready' || !r.storage_key) {
    throw new AppError('RASTER_NOT_READY', `栅格 ${id} 尚未就绪（${r.status}） · raster ${id} is ${r.status}`, { status: r.status, error: r.error ?? null });
  }
  return {
    row: r,
    raster: {
      file: path.join(fileStoreDir, r.storage_key),
      width: r.width,
      height: r.height,
      gt: r.geotransform,
      crsWkt: r.crs_wkt,
      geographic: r.geographic,
      bandType: r.band_type,
      nodata: r.nodata,
      scale: r.scale,
      offset: r.value_offset,
    },
  };
}

export interface ZonalQuery {
  /** zone codes (region codes, pa_ids, land-cover classes, ecosystem types); all zones when absent */
  codes?: string[];
  /** a regions dataset (default: the newest) */
  regions?: number;
  /** any vector dataset: regions, protected-areas, land-cover or ecosystems */
  layer?: number;
}

export interface ZonalResult {
  regionCode: string;
  name: string;
  mean: number | null;
  min: number | null;
  max: number | null;
  validAreaKm2: number;
  pixels: number;
  /** land-cover rasters only: the area of each class code in the zone, with its vector class (null when the table has none) */
  classes?: { code: number; class: string | null; areaKm2: number; pixels: number }[];
}

/** At most this many zonal passes at once in a process (each holds a strip of pixels and runs GDAL). */
let running = 0;
const waiting: (() => void)[] = [];
async function gate<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * Area-true zonal statistics of a raster over zones of a vector dataset (zonal.ts): each result is
 * cached per (raster, zone dataset, zone) — both are immutable versions — so a second request reads
 * the cache. Zones whose interiors overlap are rasterised in separate passes.
 */
export async function rasterZonal(db: Db, fileStoreDir: string, id: number, q: ZonalQuery): Promise<ZonalAnswer> {
  const plan = await planZonal(db, fileStoreDir, id, q);
  if (plan.missing.length) await computeMissingZones(db, plan);
  return zonalAnswer(plan);
}

/** The answer of GET /v1/rasters/{id}/zonal while a job computes it (202, with Retry-After). */
export interface ZonalComputing {
  status: 'computing';
  rasterId: number;
  zoneDataset: { datasetId: number; kind: string };
  /** zones whose statistics are not stored yet */
  pendingZones: number;
  /** the raster's pixels (width × height), above config.zonalJobMinPixels */
  pixels: number;
  /** when to ask again (also the Retry-After header) */
  retryAfterSeconds: number;
}

/** A repeated GET writes no second job for the same zones within this time (writeOutboxOnce). */
export const ZONAL_JOB_REQUEUE_MS = 15 * 60_000;

/**
 * GET /v1/rasters/{id}/zonal: cached statistics are answered at once; missing ones are computed in
 * the request for a raster of at most `jobMinPixels` pixels (config.zonalJobMinPixels), and for a
 * larger one left to a worker job (`raster-zonal`, written once per window through the outbox):
 * the answer is then `computing` (202) until the job has stored them, and the same GET answers
 * them afterwards from the cache.
 */
export async function requestRasterZonal(
  db: Db,
  fileStoreDir: string,
  id: number,
  q: ZonalQuery,
  opts: { jobMinPixels: number },
): Promise<ZonalAnswer | ZonalComputing> {
  const plan = await planZonal(db, fileStoreDir, id, q);
  const pixels = plan.row.width * plan.row.height;
  if (plan.missing.length && pixels > opts.jobMinPixels) {
    const keys = [...plan.missing].sort();
    await withTx(db, (tx) =>
      writeOutboxOnce(tx, { queue: QUEUES.imports, jobName: 'raster-zonal', payload: { rasterId: id, zoneDatasetId: plan.ds.id, keys } }, ZONAL_JOB_REQUEUE_MS),
    );
    return {
      status: 'computing',
      rasterId: id,
      zoneDataset: { datasetId: plan.ds.id, kind: plan.ds.kind },
      pendingZones: keys.length,
      pixels,
      // BENCHMARKS.md: 100 million pixels over 9 prefectures took 36–48 s on a loaded 2-core machine;
      // ask again after about half that (1 s per 5 million pixels), between 5 s and a minute
      retryAfterSeconds: Math.min(60, Math.max(5, Math.ceil(pixels / 5_000_000))),
    };
  }
  if (plan.missing.length) await computeMissingZones(db, plan);
  return zonalAnswer(plan);
}

/**
 * The `raster-zonal` job: computes and stores the statistics of those zones not stored yet (a
 * repeated or concurrent job finds them stored, or stores the same values: insert-or-keep).
 */
export async function computeRasterZonal(
  db: Db,
  fileStoreDir: string,
  job: { rasterId: number; zoneDatasetId: number; keys: string[] },
): Promise<{ rasterId: number; zoneDatasetId: number; computed: number; cached: number }> {
  const plan = await planZonal(db, fileStoreDir, job.rasterId, { layer: job.zoneDatasetId, codes: job.keys });
  const missing = plan.missing.length;
  if (missing) await computeMissingZones(db, plan);
  return { rasterId: job.rasterId, zoneDatasetId: job.zoneDatasetId, computed: missing, cached: plan.keys.length - missing };
}

export interface ZonalAnswer {
  rasterId: number;
  kind: string;
  unit: string;
  zoneDataset: { datasetId: number; kind: string };
  methodVersion: number;
  results: ZonalResult[];
}

type CachedZone = Awaited<ReturnType<typeof cachedZonal>>[number];

/** What a zonal request needs: the ready raster, the zone dataset and zones, what is cached and what is missing. */
interface ZonalPlan {
  id: number;
  row: RasterRow;
  raster: Awaited<ReturnType<typeof readyRaster>>['raster'];
  ds: { id: number; kind: string };
  kind: ZoneKind;
  codes: string[] | null;
  zones: { key: string; name: string }[];
  keys: string[];
  cached: Map<string, CachedZone>;
  missing: string[];
}

async function planZonal(db: Db, fileStoreDir: string, id: number, q: ZonalQuery): Promise<ZonalPlan> {
  const { row, raster } = await readyRaster(db, fileStoreDir, id);
  let ds: { id: number; kind: string } | undefined;
  if (q.layer !== undefined && q.regions !== undefined) {
    throw new AppError('VALIDATION_FAILED', 'give layer or regions, not both', {
      errors: [{ field: 'layer', code: 'CONFLICTING_PARAMETERS', message: 'give layer or regions, not both' }],
    });
  }
  const field = q.layer !== undefined ? 'layer' : 'regions';
  if (q.layer !== undefined || q.regions !== undefined) {
    ds = await layerDatasetKind(db, (q.layer ?? q.regions)!);
    if (!ds)
      throw new AppError('NOT_FOUND', `图层数据集不存在 · no layer dataset ${q.layer ?? q.regions}`, {
        errors: [{ field, code: 'NOT_FOUND', message: 'no such layer dataset' }],
      });
    if (q.regions !== undefined && ds.kind !== 'regions') {
      throw new AppError('VALIDATION_FAILED', `dataset ${ds.id} is ${ds.kind}, not regions`, {
        errors: [{ field: 'regions', code: 'NOT_REGIONS', message: `dataset ${ds.id} is ${ds.kind}` }],
      });
    }
    if (!(ZONE_KINDS as string[]).includes(ds.kind)) {
      throw new AppError('VALIDATION_FAILED', `zones must be polygons: dataset ${ds.id} is ${ds.kind}`, {
        errors: [{ field, code: 'NOT_POLYGON_LAYER', message: `${ds.kind} has no polygons; use ${ZONE_KINDS.join(', ')}` }],
      });
    }
  } else {
    ds = await newestLayerDataset(db, 'regions');
    if (!ds) throw new AppError('NOT_FOUND', '尚无行政区图层 · no regions dataset has been loaded');
  }
  const kind = ds.kind as ZoneKind;
  const codes = q.codes ? [...new Set(q.codes)] : null;
  const zones = await zoneList(db, ds.id, kind, codes);
  if (codes) {
    const known = new Set(zones.map((z) => z.key));
    const unknown = codes.filter((c) => !known.has(c));
    if (unknown.length) {
      throw new AppError('VALIDATION_FAILED', `unknown zone codes in dataset ${ds.id}: ${unknown.join(', ')}`, {
        errors: [{ field: 'regionCodes', code: 'UNKNOWN_CODE', message: `not in dataset ${ds.id}: ${unknown.slice(0, 20).join(', ')}` }],
      });
    }
  }
  const keys = zones.map((z) => z.key);
  const cached = new Map((await cachedZonal(db, id, ds.id, keys, ZONAL_METHOD_VERSION)).map((c) => [c.zone_key, c]));
  const missing = keys.filter((k) => !cached.has(k));
  return { id, row, raster, ds, kind, codes, zones, keys, cached, missing };
}

/** Computes the plan's missing zones in this process (at most two passes at once), stores them and adds them to `plan.cached`. */
async function computeMissingZones(db: Db, plan: ZonalPlan): Promise<void> {
  const { id, ds, kind, missing, raster, row, cached } = plan;
  const computed = await gate(async () => {
    const groups = groupZones(missing, await overlappingZonePairs(db, ds.id, kind, missing));
    const dir = await mkdtemp(path.join(tmpdir(), 'biomon-zones-'));
    try {
      const zg: ZoneGroup[] = [];
      for (let i = 0; i < groups.length; i++) {
        const file = path.join(dir, `group-${i}.geojson`);
        await writeZoneFeatures(db, ds.id, kind, new Map(groups[i].map((k, j) => [k, j + 1])), file);
        zg.push({ file, keys: groups[i] });
      }
      return await zonalStatistics(raster, zg, { classes: row.kind === 'land-cover' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  await storeZonal(db, id, ds.id, ZONAL_METHOD_VERSION, computed);
  for (const c of computed) {
    cached.set(c.key, { zone_key: c.key, mean: c.mean, min: c.min, max: c.max, valid_area_m2: c.validAreaM2, pixels: c.pixels, classes: c.classes ?? null });
  }
}

function zonalAnswer(plan: ZonalPlan): ZonalAnswer {
  const { id, row, ds, zones, codes, keys, cached } = plan;
  const names = new Map(zones.map((z) => [z.key, z.name]));
  const order = codes ?? keys;
  const classMap = (row.class_map as Record<string, string> | null) ?? {};
  return {
    rasterId: id,
    kind: row.kind,
    unit: view(row).unit,
    zoneDataset: { datasetId: ds.id, kind: ds.kind },
    methodVersion: ZONAL_METHOD_VERSION,
    results: order.map((k) => {
      const c = cached.get(k)!;
      return {
        regionCode: k,
        name: names.get(k) ?? k,
        mean: c.mean,
        min: c.min,
        max: c.max,
        validAreaKm2: c.valid_area_m2 / 1e6,
        pixels: Number(c.pixels),
        ...(row.kind === 'land-cover'
          ? { classes: (c.classes ?? []).map((x) => ({ code: x.code, class: classMap[String(x.code)] ?? null, areaKm2: x.areaM2 / 1e6, pixels: x.pixels })) }
          : {}),
      };
    }),
  };
}

/** Greedy colouring: zones into groups in which no two overlap. */
export function groupZones(keys: string[], overlaps: [string, string][]): string[][] {
  const adj = new Map<string, Set<string>>();
  for (const [a, b] of overlaps) {
    if (!adj.has(a)) adj.set(a, new Set());
    if (!adj.has(b)) adj.set(b, new Set());
    adj.get(a)!.add(b);
    adj.get(b)!.add(a);
  }
  const groups: string[][] = [];
  const groupOf = new Map<string, number>();
  // most-constrained first
  const order = [...keys].sort((x, y) => (adj.get(y)?.size ?? 0) - (adj.get(x)?.size ?? 0) || (x < y ? -1 : 1));
  for (const k of order) {
    const taken = new Set([...(adj.get(k) ?? [])].map((n) => groupOf.get(n)).filter((g) => g !== undefined));
    let g = 0;
    while (taken.has(g)) g++;
    if (!groups[g]) groups[g] = [];
    groups[g].push(k);
    groupOf.set(k, g);
  }
  return groups;
}

// ---- map tiles -----------------------------------------------------------------------------------

/** PNG tile z/x/y (Web Mercator) of a ready raster; 409 RASTER_NOT_READY before, 400 for a tile that does not exist. */
export async function rasterTile(db: Db, fileStoreDir: string, id: number, z: number, x: number, y: number): Promise<Buffer> {
  if (x >= 2 ** z || y >= 2 ** z) {
    throw new AppError('VALIDATION_FAILED', `no tile ${z}/${x}/${y}`, {
      errors: [{ field: 'x', code: 'TILE_OUT_OF_RANGE', message: `x and y must be below 2^z = ${2 ** z}` }],
    });
  }
  const { row, raster } = await readyRaster(db, fileStoreDir, id);
  const v = view(row);
  return renderTile(
    {
      file: raster.file,
      kind: row.kind as RasterKind,
      bandType: row.band_type,
      nodata: row.nodata,
      scale: row.scale,
      offset: row.value_offset,
      fvcScale: row.fvc_scale,
      classMap: v.classMap,
      bbox: v.bbox,
    },
    z,
    x,
    y,
  );
}

/** The legend of a ready raster's tiles: a colour ramp, or the land-cover classes with their codes and colours. */
export async function rasterLegend(db: Db, fileStoreDir: string, id: number) {
  const { row } = await readyRaster(db, fileStoreDir, id);
  const v = view(row);
  return { rasterId: id, ...legendOf(row.kind as RasterKind, row.fvc_scale, v.classMap, v.unit) };
}
