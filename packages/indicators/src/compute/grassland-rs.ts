import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db, DbOrTx } from '@biomon/db';
import {
  BAND_TYPES,
  groupZones,
  overlappingZonePairs,
  pixelAreas,
  readyRaster,
  runGdal,
  typedView,
  windowOf,
  writeZoneFeatures,
  type ZonalRaster,
} from '@biomon/rasters';
import { missingDataset, type ResultRow, type RunContext } from '../run-context';
import type { StepEnv } from './run-work';
import { selectPlotsOfYear } from './grassland-rs.repository';

/**
 * 草原植被盖度（遥感） grassland_vegetation_cover_rs (issue 18), the companion of the plot-based
 * grassland_vegetation_cover (which stays the official value):
 *
 * - mask: the grassland polygons (class 'grassland', the class the plot-based indicator uses) of the
 *   run's land-cover version; a pixel of the run's NDVI raster is in the mask when its centre lies in
 *   a grassland polygon, and counts for a region when its centre also lies in the region
 *   (gdal_rasterize's rule, as in @biomon/rasters' zonal statistics); nodata and NaN pixels are left out;
 * - each pixel weighs its own area on the WGS84 ellipsoid (@biomon/rasters pixelAreas);
 * - FVC per pixel (%):
 *   - 'regression' where the run's year has at least MIN_PLOTS grassland plots on valid NDVI pixels:
 *     least squares of plot cover (%) on the NDVI of the pixel holding each plot, cover = a + b·NDVI,
 *     clamped to [0, 100] (a, b, R², n recorded);
 *   - 'dichotomy' otherwise (the pixel dichotomy model): FVC = clamp((NDVI − NDVI_soil) /
 *     (NDVI_veg − NDVI_soil), 0, 1) × 100 with NDVI_soil, NDVI_veg the area-weighted 5th and 95th
 *     percentiles of NDVI over the whole mask (every grassland pixel of the land-cover version on the
 *     raster, not per region, so that a run over some regions gives the same values): the smallest
 *     NDVI v whose pixels with NDVI ≤ v hold at least p of the mask's area;
 * - value of a region = Σ FVC·a / Σ a over its mask pixels; no mask pixel → null with a reason.
 */

export const MIN_PLOTS = 3;
export const PERCENTILE_SOIL = 0.05;
export const PERCENTILE_VEG = 0.95;
const STRIP_BYTES = 32 * 1024 * 1024;
const NO_PIXELS = 'no grassland pixel with an NDVI value in the region';

/** Area-weighted lower percentile: the smallest value whose cumulative area share (values sorted ascending) reaches p. */
export function weightedPercentile(values: ArrayLike<number>, weights: ArrayLike<number>, order: Uint32Array, total: number, p: number): number {
  let acc = 0;
  const goal = p * total;
  for (let i = 0; i < order.length; i++) {
    acc += weights[order[i]];
    if (acc >= goal * (1 - 1e-12)) return values[order[i]];
  }
  return values[order[order.length - 1]];
}

/** Ordinary least squares y = a + b·x with R² (null when fewer than two distinct x). */
export function leastSquares(x: number[], y: number[]): { a: number; b: number; r2: number } | null {
  const n = x.length;
  if (n < 2) return null;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  if (!(sxx > 0)) return null;
  const b = sxy / sxx;
  const a = my - b * mx;
  let ssr = 0;
  for (let i = 0; i < n; i++) ssr += (y[i] - a - b * x[i]) ** 2;
  return { a, b, r2: syy > 0 ? 1 - ssr / syy : 1 };
}

class Grow {
  arr = new Float64Array(1024);
  n = 0;
  push(v: number) {
    if (this.n === this.arr.length) {
      const next = new Float64Array(this.arr.length * 2);
      next.set(this.arr);
      this.arr = next;
    }
    this.arr[this.n++] = v;
  }
}

function extentOf(fc: { features?: { geometry?: { coordinates?: unknown } | null }[] }): [number, number, number, number] | null {
  const e = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const walk = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number') {
      const [x, y] = c as number[];
      if (Number.isFinite(x) && Number.isFinite(y)) {
        e[0] = Math.min(e[0], x);
        e[1] = Math.min(e[1], y);
        e[2] = Math.max(e[2], x);
        e[3] = Math.max(e[3], y);
      }
      return;
    }
    for (const x of c) walk(x);
  };
  for (const f of fc.features ?? []) walk(f.geometry?.coordinates);
  return Number.isFinite(e[0]) ? (e as [number, number, number, number]) : null;
}

interface MaskPixels {
  n: number;
  values: Float64Array;
  areas: Float64Array;
  /** per region group: the 1-based zone index of each mask pixel (0: in no zone of the group) */
  zones: Uint32Array[];
}

/**
 * The valid pixels of the raster whose centre lies in the mask (features of maskFile, EPSG:4326),
 * with their value (raw × scale + offset), ellipsoidal area and zone in each region group; read in
 * strips of rows over the window of the mask's extent.
 */
async function maskPixels(raster: ZonalRaster, maskFile: string, groupFiles: string[], timeoutMs: number, inLonLat: boolean): Promise<MaskPixels> {
  const dir = await mkdtemp(path.join(tmpdir(), 'biomon-fvc-'));
  const values = new Grow();
  const areas = new Grow();
  const zones = groupFiles.map(() => new Grow());
  try {
    const crsFile = path.join(dir, 'raster.wkt');
    await writeFile(crsFile, raster.crsWkt);
    // zones are written in EPSG:4326: reprojected to the raster's CRS unless that is EPSG:4326 itself
    const project = async (src: string, name: string) => {
      if (inLonLat) return src;
      const out = path.join(dir, name);
      await runGdal('ogr2ogr', ['-f', 'GeoJSON', '-s_srs', 'EPSG:4326', '-t_srs', crsFile, out, src], { timeoutMs });
      return out;
    };
    const mask = await project(maskFile, 'mask.geojson');
    const groups = await Promise.all(groupFiles.map((f, i) => project(f, `zones-${i}.geojson`)));
    const ext = extentOf(JSON.parse(await readFile(mask, 'utf8')));
    const win = ext ? windowOf(raster, ext) : null;
    if (win) {
      const pa = await pixelAreas(raster, win, crsFile);
      const stripRows = Math.max(1, Math.floor(STRIP_BYTES / (win.w * Math.max(BAND_TYPES[raster.bandType], 4))));
      const nodata = raster.nodata === null ? null : raster.bandType === 'Float32' ? Math.fround(raster.nodata) : raster.nodata;
      const areaRow = new Float64Array(win.w);
      const gt = raster.gt;
      for (let r0 = win.r0; r0 < win.r0 + win.h; r0 += stripRows) {
        const h = Math.min(stripRows, win.r0 + win.h - r0);
        const te = [gt[0] + win.c0 * gt[1], gt[3] + (r0 + h) * gt[5], gt[0] + (win.c0 + win.w) * gt[1], gt[3] + r0 * gt[5]].map(String);
        const rasterize = (src: string, out: string) =>
          runGdal(
            'gdal_rasterize',
            ['-q', '-a', 'zid', '-ot', 'UInt32', '-of', 'ENVI', '-init', '0', '-te', ...te, '-ts', String(win.w), String(h), src, out],
            {
              timeoutMs,
            },
          );
        const vFile = path.join(dir, `v-${r0}.bil`);
        const mFile = path.join(dir, `m-${r0}.bil`);
        const zFiles = groups.map((_, i) => path.join(dir, `z-${r0}-${i}.bil`));
        await Promise.all([
          runGdal('gdal_translate', ['-q', '-of', 'ENVI', '-srcwin', String(win.c0), String(r0), String(win.w), String(h), raster.file, vFile], { timeoutMs }),
          rasterize(mask, mFile),
          ...groups.map((g, i) => rasterize(g, zFiles[i])),
        ]);
        const count = win.w * h;
        const vals = typedView(raster.bandType, await readFile(vFile), count);
        const m = typedView('UInt32', await readFile(mFile), count);
        const zs = await Promise.all(zFiles.map(async (f) => typedView('UInt32', await readFile(f), count)));
        await Promise.all([vFile, mFile, ...zFiles].flatMap((f) => [rm(f, { force: true }), rm(f.replace(/\.bil$/, '.hdr'), { force: true })]));
        for (let rr = 0; rr < h; rr++) {
          pa.fillRow(r0 + rr, win.c0, win.w, areaRow);
          for (let k = 0; k < win.w; k++) {
            const i = rr * win.w + k;
            if (m[i] === 0) continue;
            const raw = vals[i];
            if (raw === nodata || Number.isNaN(raw)) continue;
            values.push(raw * raster.scale + raster.offset);
            areas.push(areaRow[k]);
            zs.forEach((z, g) => zones[g].push(z[i]));
          }
        }
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    n: values.n,
    values: values.arr.subarray(0, values.n),
    areas: areas.arr.subarray(0, areas.n),
    zones: zones.map((z) => Uint32Array.from(z.arr.subarray(0, z.n))),
  };
}

/** NDVI (raw × scale + offset) of the pixel holding each point; null off the raster or on nodata. */
async function ndviAt(raster: ZonalRaster, points: { lon: number; lat: number }[], timeoutMs: number): Promise<(number | null)[]> {
  if (!points.length) return [];
  const out = await runGdal('gdallocationinfo', ['-valonly', '-wgs84', raster.file], {
    stdin: `${points.map((p) => `${p.lon} ${p.lat}`).join('\n')}\n`,
    timeoutMs,
  });
  const lines = out.toString('utf8').split('\n');
  const nodata = raster.nodata === null ? null : raster.bandType === 'Float32' ? Math.fround(raster.nodata) : raster.nodata;
  return points.map((_, i) => {
    const s = (lines[i] ?? '').trim();
    if (s === '') return null;
    let raw = Number(s);
    if (raster.bandType === 'Float32') raw = Math.fround(raw);
    if (!Number.isFinite(raw) || raw === nodata || (nodata !== null && Math.abs(raw - nodata) <= Math.abs(nodata) * 1e-7)) return null;
    return raw * raster.scale + raster.offset;
  });
}

export async function grasslandVegetationCoverRs(db: DbOrTx, ctx: RunContext, _env: StepEnv): Promise<ResultRow[]> {
  const code = 'grassland_vegetation_cover_rs' as const;
  const ndviId = ctx.datasets.ndvi ?? null;
  if (ndviId === null) return missingDataset(code, ctx.regionCodes, 'ndvi');
  if (ctx.datasets.landCover === null) return missingDataset(code, ctx.regionCodes, 'land-cover');
  const nullRows = (reason: string, details: Record<string, unknown> = {}): ResultRow[] =>
    ctx.regionCodes.map((c) => ({ indicator: code, regionCode: c, value: null, numerator: null, denominator: null, reason, details }));
  if (!ctx.fileStoreDir) return nullRows('the raster file store is not available to this run', { ndviRaster: ndviId });
  const { row, raster } = await readyRaster(db as Db, ctx.fileStoreDir, ndviId);
  const timeoutMs = 600_000;

  // the run's regions in groups of non-overlapping zones (a province and its prefectures overlap)
  const codes = ctx.regionCodes;
  const groups = groupZones(codes, await overlappingZonePairs(db, ctx.datasets.regions!, 'regions', codes));
  const dir = await mkdtemp(path.join(tmpdir(), 'biomon-fvc-zones-'));
  let px: MaskPixels;
  try {
    const maskFile = path.join(dir, 'grassland.geojson');
    await writeZoneFeatures(db, ctx.datasets.landCover, 'land-cover', new Map([['grassland', 1]]), maskFile);
    const groupFiles: string[] = [];
    for (let i = 0; i < groups.length; i++) {
      const f = path.join(dir, `regions-${i}.geojson`);
      await writeZoneFeatures(db, ctx.datasets.regions!, 'regions', new Map(groups[i].map((k, j) => [k, j + 1])), f);
      groupFiles.push(f);
    }
    px = await maskPixels(raster, maskFile, groupFiles, timeoutMs, row.epsg === 4326);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const source = { ndviRaster: { datasetId: ndviId, year: row.vintage_year, version: row.version }, landCover: ctx.datasets.landCover };
  if (px.n === 0) return nullRows(NO_PIXELS, { ...source, maskPixels: 0 });

  // calibration: plots of the run's year on valid NDVI pixels
  let calibration: Record<string, unknown> = { method: 'dichotomy' };
  let fvc: (v: number) => number;
  const plots = ctx.datasets.grasslandPlots === null ? [] : await selectPlotsOfYear(db, ctx.datasets.grasslandPlots, ctx.year);
  const at = await ndviAt(raster, plots, timeoutMs);
  const used = plots.map((p, i) => ({ plotId: p.plot_id, cover: Number(p.cover), ndvi: at[i] })).filter((p) => p.ndvi !== null) as {
    plotId: string;
    cover: number;
    ndvi: number;
  }[];
  const fit =
    used.length >= MIN_PLOTS
      ? leastSquares(
          used.map((p) => p.ndvi),
          used.map((p) => p.cover),
        )
      : null;
  const order = new Uint32Array(px.n);
  for (let i = 0; i < px.n; i++) order[i] = i;
  order.sort((x, y) => px.values[x] - px.values[y]);
  let totalArea = 0;
  for (let i = 0; i < px.n; i++) totalArea += px.areas[i];
  const ndviSoil = weightedPercentile(px.values, px.areas, order, totalArea, PERCENTILE_SOIL);
  const ndviVeg = weightedPercentile(px.values, px.areas, order, totalArea, PERCENTILE_VEG);
  const percentiles = {
    ndviSoil,
    ndviVeg,
    percentileSoil: PERCENTILE_SOIL * 100,
    percentileVeg: PERCENTILE_VEG * 100,
    percentileMethod: 'area-weighted over the whole grassland mask: the smallest NDVI whose pixels with NDVI ≤ it hold ≥ p of the mask area',
  };
  if (fit) {
    const { a, b, r2 } = fit;
    fvc = (v) => Math.min(100, Math.max(0, a + b * v));
    calibration = { method: 'regression', a, b, r2, nPlots: used.length, formula: 'FVC% = clamp(a + b·NDVI, 0, 100)', ...percentiles };
  } else {
    if (!(ndviVeg > ndviSoil)) {
      return nullRows('NDVI_veg equals NDVI_soil over the grassland mask: the dichotomy model is undefined', { ...source, ...percentiles });
    }
    fvc = (v) => Math.min(1, Math.max(0, (v - ndviSoil) / (ndviVeg - ndviSoil))) * 100;
    calibration = {
      method: 'dichotomy',
      ...percentiles,
      formula: 'FVC% = clamp((NDVI − NDVI_soil) / (NDVI_veg − NDVI_soil), 0, 1) × 100',
      nPlots: used.length,
      ...(plots.length ? { regressionSkipped: `fewer than ${MIN_PLOTS} plots of ${ctx.year} on valid NDVI pixels, or no spread of NDVI among them` } : {}),
    };
  }

  // Σ FVC·a and Σ a per region
  const sums = new Map<string, { fa: number; a: number; n: number }>(codes.map((c) => [c, { fa: 0, a: 0, n: 0 }]));
  const keyOf = groups.map((g) => g.map((k) => sums.get(k)!));
  for (let i = 0; i < px.n; i++) {
    const f = fvc(px.values[i]);
    const a = px.areas[i];
    for (let g = 0; g < keyOf.length; g++) {
      const z = px.zones[g][i];
      if (z === 0) continue;
      const s = keyOf[g][z - 1];
      s.fa += f * a;
      s.a += a;
      s.n++;
    }
  }
  const shared = { ...source, ...calibration, maskPixels: px.n, maskAreaKm2: totalArea / 1e6, officialIndicator: 'grassland_vegetation_cover' };
  return codes.map((c) => {
    const s = sums.get(c)!;
    if (!(s.a > 0)) return { indicator: code, regionCode: c, value: null, numerator: null, denominator: null, reason: NO_PIXELS, details: shared };
    return {
      indicator: code,
      regionCode: c,
      value: s.fa / s.a,
      numerator: s.fa / 1e6,
      denominator: s.a / 1e6,
      reason: null,
      details: {
        ...shared,
        pixels: s.n,
        grasslandAreaKm2: s.a / 1e6,
        numeratorIs: 'Σ FVC·a (percent × km²)',
        denominatorIs: 'Σ a (km²) of the grassland pixels',
      },
    };
  });
}
