import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BAND_TYPES, runGdal, typedView } from './gdal';
import { pixelAreas, type Grid } from './pixel-area';

/** Bumped when the arithmetic changes: cached results of another method version are not used. */
export const ZONAL_METHOD_VERSION = 1;

/** One band of a raster file as the zonal pass reads it. */
export interface ZonalRaster extends Grid {
  file: string;
  bandType: string;
  nodata: number | null;
  scale: number;
  offset: number;
}

/**
 * Zones in groups of non-overlapping zones: `file` is a GeoJSON FeatureCollection in EPSG:4326 whose
 * features carry `zid` = 1 + the index of their zone in `keys` (several features may share a zid).
 */
export interface ZoneGroup {
  file: string;
  keys: string[];
}

export interface ZoneStats {
  key: string;
  /** Σ v·a / Σ a over the valid pixels whose centre lies in the zone; null without any */
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Σ a (m²) of those pixels, on the WGS84 ellipsoid */
  validAreaM2: number;
  pixels: number;
  /** land-cover rasters: area and pixels of each class code (value after scale and offset, rounded) */
  classes?: { code: number; areaM2: number; pixels: number }[];
}

/** Bytes of raster values read per strip (each strip is one gdal_translate and one gdal_rasterize per group). */
const STRIP_BYTES = 48 * 1024 * 1024;
/** Block height of the COGs the platform writes. */
const BLOCK = 256;

/**
 * Area-true zonal statistics of one raster band over zones, in one streaming pass:
 * 1. each group's zones are reprojected to the raster's CRS (ogr2ogr) and the window of the raster
 *    that their extent covers is found;
 * 2. the window is read in strips of rows: the raw values with `gdal_translate -of ENVI -srcwin`, and
 *    each group's zone ids rasterised onto exactly the same pixels with `gdal_rasterize` (its rule:
 *    a pixel belongs to a polygon when its centre lies inside), the next strip read while this one
 *    is summed;
 * 3. a pixel counts when it is not nodata (nor NaN); its value is raw × scale + offset; it is weighted
 *    by its own area on the WGS84 ellipsoid (pixel-area.ts).
 * Memory is bounded by the strip size; temporary files live in a private folder removed at the end.
 */
export async function zonalStatistics(
  raster: ZonalRaster,
  groups: ZoneGroup[],
  opts: { timeoutMs?: number; classes?: boolean; stripBytes?: number } = {},
): Promise<ZoneStats[]> {
  const n = groups.reduce((s, g) => s + g.keys.length, 0);
  const sumA = new Float64Array(n);
  const sumVA = new Float64Array(n);
  const min = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  const count = new Float64Array(n);
  const classes: Map<number, [number, number]>[] | null = opts.classes ? Array.from({ length: n }, () => new Map()) : null;
  const offsets: number[] = [];
  let o = 0;
  for (const g of groups) {
    offsets.push(o);
    o += g.keys.length;
  }
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const dir = await mkdtemp(path.join(tmpdir(), 'biomon-zonal-'));
  try {
    const crsFile = path.join(dir, 'raster.wkt');
    await writeFile(crsFile, raster.crsWkt);
    // 1. zones in the raster's CRS, and their extent
    const projected: string[] = [];
    let ext: [number, number, number, number] | null = null;
    for (let i = 0; i < groups.length; i++) {
      const out = path.join(dir, `zones-${i}.geojson`);
      await runGdal('ogr2ogr', ['-f', 'GeoJSON', '-s_srs', 'EPSG:4326', '-t_srs', crsFile, out, groups[i].file], { timeoutMs });
      projected.push(out);
      const e = extentOf(JSON.parse(await readFile(out, 'utf8')));
      if (e) ext = ext ? [Math.min(ext[0], e[0]), Math.min(ext[1], e[1]), Math.max(ext[2], e[2]), Math.max(ext[3], e[3])] : e;
    }
    const win = ext ? windowOf(raster, ext) : null;
    if (win) {
      const areas = await pixelAreas(raster, win, crsFile);
      const bytes = BAND_TYPES[raster.bandType];
      // strips end on multiples of the COG's 256-row blocks (no block is decoded twice), each ≤ STRIP_BYTES
      const fit = Math.floor((opts.stripBytes ?? STRIP_BYTES) / (win.w * Math.max(bytes, 4)));
      const stripRows = fit >= BLOCK ? fit - (fit % BLOCK) : Math.max(1, fit);
      const strips: [number, number][] = [];
      for (let r = win.r0; r < win.r0 + win.h; ) {
        const end = Math.min(win.r0 + win.h, stripRows % BLOCK === 0 ? (Math.floor(r / stripRows) + 1) * stripRows : r + stripRows);
        strips.push([r, end - r]);
        r = end;
      }
      const zoneType = n < 65535 ? 'UInt16' : 'UInt32';
      const gt = raster.gt;
      const readStrip = async ([r0, h]: [number, number]) => {
        const vFile = path.join(dir, `v-${r0}.bil`);
        const xmin = gt[0] + win.c0 * gt[1];
        const xmax = gt[0] + (win.c0 + win.w) * gt[1];
        const ymax = gt[3] + r0 * gt[5];
        const ymin = gt[3] + (r0 + h) * gt[5];
        const jobs: Promise<unknown>[] = [
          runGdal('gdal_translate', ['-q', '-of', 'ENVI', '-srcwin', String(win.c0), String(r0), String(win.w), String(h), raster.file, vFile], { timeoutMs }),
        ];
        const zFiles = projected.map((_, i) => path.join(dir, `z-${r0}-${i}.bil`));
        projected.forEach((p, i) => {
          jobs.push(
            runGdal(
              'gdal_rasterize',
              [
                '-q',
                '-a',
                'zid',
                '-ot',
                zoneType,
                '-of',
                'ENVI',
                '-init',
                '0',
                '-te',
                String(xmin),
                String(ymin),
                String(xmax),
                String(ymax),
                '-ts',
                String(win.w),
                String(h),
                p,
                zFiles[i],
              ],
              { timeoutMs },
            ),
          );
        });
        await Promise.all(jobs);
        const vals = typedView(raster.bandType, await readFile(vFile), win.w * h);
        const zones = await Promise.all(zFiles.map(async (f) => typedView(zoneType, await readFile(f), win.w * h)));
        await Promise.all([vFile, ...zFiles].flatMap((f) => [rm(f, { force: true }), rm(f.replace(/\.bil$/, '.hdr'), { force: true })]));
        return { r0, h, vals, zones };
      };
      const nodata = raster.nodata === null ? null : raster.bandType === 'Float32' ? Math.fround(raster.nodata) : raster.nodata;
      const areaRow = new Float64Array(win.w);
      let next = readStrip(strips[0]);
      for (let s = 0; s < strips.length; s++) {
        const strip = await next;
        if (s + 1 < strips.length) {
          next = readStrip(strips[s + 1]);
          next.catch(() => {}); // awaited on the next turn; never an unhandled rejection if this one throws
        }
        const { vals, zones, h, r0 } = strip;
        for (let rr = 0; rr < h; rr++) {
          areas.fillRow(r0 + rr, win.c0, win.w, areaRow);
          const base = rr * win.w;
          for (let k = 0; k < win.w; k++) {
            const raw = vals[base + k];
            if (raw === nodata || Number.isNaN(raw)) continue;
            let hit = false;
            for (let g = 0; g < zones.length; g++) {
              if (zones[g][base + k] !== 0) {
                hit = true;
                break;
              }
            }
            if (!hit) continue;
            const v = raw * raster.scale + raster.offset;
            const a = areaRow[k];
            for (let g = 0; g < zones.length; g++) {
              const z = zones[g][base + k];
              if (z === 0) continue;
              const i = offsets[g] + z - 1;
              sumA[i] += a;
              sumVA[i] += v * a;
              count[i]++;
              if (v < min[i]) min[i] = v;
              if (v > max[i]) max[i] = v;
              if (classes) {
                const code = Math.round(v);
                const acc = classes[i].get(code);
                if (acc) {
                  acc[0] += a;
                  acc[1]++;
                } else classes[i].set(code, [a, 1]);
              }
            }
          }
        }
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const out: ZoneStats[] = [];
  groups.forEach((g, gi) => {
    g.keys.forEach((key, k) => {
      const i = offsets[gi] + k;
      const has = count[i] > 0;
      out.push({
        key,
        mean: has ? sumVA[i] / sumA[i] : null,
        min: has ? min[i] : null,
        max: has ? max[i] : null,
        validAreaM2: sumA[i],
        pixels: count[i],
        ...(classes
          ? {
              classes: [...classes[i].entries()].sort((x, y) => x[0] - y[0]).map(([code, [areaM2, pixels]]) => ({ code, areaM2, pixels })),
            }
          : {}),
      });
    });
  });
  return out;
}

/** The pixel window [c0, c0+w) × [r0, r0+h) of the raster covering an extent in its CRS; null when they do not meet. */
export function windowOf(grid: Grid, [xmin, ymin, xmax, ymax]: [number, number, number, number]) {
  const gt = grid.gt;
  const cA = (xmin - gt[0]) / gt[1];
  const cB = (xmax - gt[0]) / gt[1];
  const rA = (ymax - gt[3]) / gt[5];
  const rB = (ymin - gt[3]) / gt[5];
  const c0 = Math.max(0, Math.floor(Math.min(cA, cB)));
  const c1 = Math.min(grid.width, Math.ceil(Math.max(cA, cB)));
  const r0 = Math.max(0, Math.floor(Math.min(rA, rB)));
  const r1 = Math.min(grid.height, Math.ceil(Math.max(rA, rB)));
  if (c1 <= c0 || r1 <= r0) return null;
  return { c0, r0, w: c1 - c0, h: r1 - r0 };
}

function extentOf(fc: { features?: { geometry?: { coordinates?: unknown } | null }[] }): [number, number, number, number] | null {
  let xmin = Number.POSITIVE_INFINITY;
  let ymin = Number.POSITIVE_INFINITY;
  let xmax = Number.NEGATIVE_INFINITY;
  let ymax = Number.NEGATIVE_INFINITY;
  const walk = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number') {
      const [x, y] = c as number[];
      if (Number.isFinite(x) && Number.isFinite(y)) {
        if (x < xmin) xmin = x;
        if (x > xmax) xmax = x;
        if (y < ymin) ymin = y;
        if (y > ymax) ymax = y;
      }
      return;
    }
    for (const x of c) walk(x);
  };
  for (const f of fc.features ?? []) walk(f.geometry?.coordinates);
  return Number.isFinite(xmin) ? [xmin, ymin, xmax, ymax] : null;
}
