import { open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BAND_TYPES, pixelAreas, runGdal, typedView, type ZonalRaster } from '@biomon/rasters';
import type { RasterChangePiece } from './land-cover-change.repository';

/**
 * The pixel side of land-cover change between two land-cover RASTERS (issue 18): both rasters'
 * pixels are read in strips on the `from` grid and each pixel becomes one byte, the code of its
 * class pair — 1 + i(from class) × N + i(to class), N = the number of classes — or 0 (nodata) when
 * either raster has nodata there or a code its class table maps to no class. That "pair raster" is
 * then given to @biomon/rasters' zonalStatistics with `classes`, which assigns its pixels to zones
 * (a pixel counts for a zone when its centre lies in it) and sums each code's ellipsoidal pixel
 * area per zone: the transition matrix of every zone in one pass, by the same machinery as the
 * zonal statistics route. Nothing of pixel areas or zone assignment is re-implemented here.
 *
 * Grids: when the `to` raster is not on the `from` grid (another CRS, pixel size, origin or size),
 * it is first warped onto the `from` grid with `gdalwarp -r near` (classes are never interpolated:
 * each `from` pixel takes the class of the `to` pixel under its centre) into a temporary file;
 * `from` pixels outside the `to` raster are nodata.
 */

/** A land-cover raster as the pair is built from: its band, grid and class table (code → class). */
export interface ClassifiedRaster extends ZonalRaster {
  classMap: Record<string, string>;
}

export interface PairRaster {
  raster: ZonalRaster;
  /** the `to` raster had to be warped onto the `from` grid */
  warped: boolean;
  /** changed pixels (from class ≠ to class), per 256 × 256 block and class pair, for the map */
  pieces: RasterChangePiece[];
  /** more changed rectangles than MAX_CHANGE_RECTS: `pieces` holds the first ones only */
  piecesTruncated: boolean;
}

/** Byte budget of one strip of the two rasters' values. */
const STRIP_BYTES = 64 * 1024 * 1024;
/** Blocks of the change layer (pixels). */
export const CHANGE_BLOCK = 256;
/** At most this many rectangles of changed pixels are kept for the map (the matrix is always complete). */
export const MAX_CHANGE_RECTS = 250_000;

/** Same CRS (text), size and geotransform (to 10⁻⁶ pixel): no warp needed. */
export function sameGrid(a: ZonalRaster, b: ZonalRaster): boolean {
  if (a.width !== b.width || a.height !== b.height || a.crsWkt !== b.crsWkt) return false;
  const px = Math.min(Math.abs(a.gt[1]), Math.abs(a.gt[5]));
  return a.gt.every((v, i) => Math.abs(v - b.gt[i]) <= px * 1e-6);
}

/** Decodes a pair code (1 + from × n + to) to class indexes. */
export function decodePair(code: number, n: number): [number, number] {
  return [Math.floor((code - 1) / n), (code - 1) % n];
}

const TYPE_RANGE: Record<string, [number, number]> = {
  Byte: [0, 255],
  Int8: [-128, 127],
  UInt16: [0, 65535],
  Int16: [-32768, 32767],
  UInt32: [0, 4294967295],
  Int32: [-2147483648, 2147483647],
};

/**
 * A raw value of the raster's band type whose code its class table maps to no class (NaN for a
 * floating-point band): the nodata of a warped copy of a raster without nodata.
 */
export function unmappedValue(r: { bandType: string; scale: number; offset: number; classMap: Record<string, string> }): number {
  const range = TYPE_RANGE[r.bandType];
  if (!range) return Number.NaN;
  const mapped = (v: number) => r.classMap[String(Math.round(v * r.scale + r.offset))] !== undefined;
  // from the top of the range down (codes are small numbers), then from the bottom up
  for (let i = 0; i < 70_000; i++) {
    if (!mapped(range[1] - i)) return range[1] - i;
    if (!mapped(range[0] + i)) return range[0] + i;
  }
  throw new Error('every value of the band type maps to a class');
}

/** class index of a raw value (−1: nodata, NaN or a code mapped to no class), cached per raw value */
function classifier(
  r: { nodata: number | null; scale: number; offset: number; classMap: Record<string, string>; bandType: string },
  classes: readonly string[],
) {
  const cache = new Map<number, number>();
  const nodata = r.nodata;
  const classOf = (raw: number): number => {
    if (Number.isNaN(raw) || (nodata !== null && (raw === nodata || raw === Math.fround(nodata)))) return -1;
    const cls = r.classMap[String(Math.round(raw * r.scale + r.offset))];
    return cls === undefined ? -1 : classes.indexOf(cls);
  };
  // 8- and 16-bit integer bands: a table of every raw value
  const small = ['Byte', 'Int8', 'UInt16', 'Int16'].includes(r.bandType) ? TYPE_RANGE[r.bandType] : undefined;
  if (small) {
    const table = new Int8Array(small[1] - small[0] + 1);
    for (let v = small[0]; v <= small[1]; v++) table[v - small[0]] = classOf(v);
    const lo = small[0];
    return (raw: number): number => table[raw - lo];
  }
  return (raw: number): number => {
    let c = cache.get(raw);
    if (c === undefined) {
      c = classOf(raw);
      cache.set(raw, c);
    }
    return c;
  };
}

/**
 * Builds the pair raster of `from` and `to` in `dir` (a private temporary folder the caller removes),
 * and collects the changed pixels as rectangles (runs of a row merged with the same run of the rows
 * below) with their ellipsoidal area (pixel-area.ts).
 */
export async function buildPairRaster(
  from: ClassifiedRaster,
  to: ClassifiedRaster,
  classes: readonly string[],
  dir: string,
  opts: { timeoutMs?: number; maxRects?: number } = {},
): Promise<PairRaster> {
  const timeoutMs = opts.timeoutMs ?? 3_600_000;
  const maxRects = opts.maxRects ?? MAX_CHANGE_RECTS;
  const n = classes.length;
  if (1 + n * n > 255) throw new Error('too many classes for a byte pair code');
  const W = from.width;
  const H = from.height;
  const gt = from.gt;
  const crsFile = path.join(dir, 'from.wkt');
  await writeFile(crsFile, from.crsWkt);
  let toSrc: { file: string; bandType: string; nodata: number | null } = { file: to.file, bandType: to.bandType, nodata: to.nodata };
  const warped = !sameGrid(from, to);
  if (warped) {
    // the warped file keeps the band type; outside `to` (and on its nodata) it holds a nodata value
    // that is `to`'s own, or else one whose code maps to no class (left out either way)
    const nodata = to.nodata ?? unmappedValue(to);
    const file = path.join(dir, 'to-warped.tif');
    const te = [gt[0], gt[3] + H * gt[5], gt[0] + W * gt[1], gt[3]].map(String);
    await runGdal(
      'gdalwarp',
      [
        '-q',
        '-overwrite',
        '-of',
        'GTiff',
        '-r',
        'near',
        '-t_srs',
        crsFile,
        '-te',
        ...te,
        '-ts',
        String(W),
        String(H),
        '-ot',
        to.bandType,
        '-dstnodata',
        Number.isNaN(nodata) ? 'nan' : String(nodata),
        to.file,
        file,
      ],
      { timeoutMs },
    );
    toSrc = { file, bandType: to.bandType, nodata: Number.isNaN(nodata) ? null : nodata };
  }
  const fromClass = classifier(from, classes);
  const toClass = classifier({ ...to, nodata: toSrc.nodata, bandType: toSrc.bandType }, classes);
  const areas = await pixelAreas(from, { c0: 0, r0: 0, w: W, h: H }, crsFile);
  const areaRow = new Float64Array(W);
  const pairFile = path.join(dir, 'pair.bil');
  await writeFile(
    path.join(dir, 'pair.hdr'),
    `ENVI\nsamples = ${W}\nlines = ${H}\nbands = 1\nheader offset = 0\nfile type = ENVI Standard\ndata type = 1\ninterleave = bsq\nbyte order = 0\n`,
  );
  const out = await open(pairFile, 'w');
  const blocksX = Math.ceil(W / CHANGE_BLOCK);
  const pieces = new Map<string, RasterChangePiece>();
  let rects = 0;
  let truncated = false;
  // the rectangles still open (ending at the previous row): "c0,c1,code" → [piece, index of its y1 in rects]
  let open_ = new Map<string, [RasterChangePiece, number]>();
  try {
    // both rasters' values and the pair codes
    const bytesPerRow = W * (BAND_TYPES[from.bandType] + BAND_TYPES[toSrc.bandType] + 1);
    const stripRows = Math.max(1, Math.floor(STRIP_BYTES / bytesPerRow));
    for (let r0 = 0; r0 < H; r0 += stripRows) {
      const h = Math.min(stripRows, H - r0);
      const read = async (file: string, type: string, name: string) => {
        const f = path.join(dir, `${name}-${r0}.bil`);
        await runGdal('gdal_translate', ['-q', '-of', 'ENVI', '-srcwin', '0', String(r0), String(W), String(h), file, f], { timeoutMs });
        const buf = await readFile(f);
        await Promise.all([rm(f, { force: true }), rm(f.replace(/\.bil$/, '.hdr'), { force: true })]);
        return typedView(type, buf, W * h);
      };
      const [a, b] = await Promise.all([read(from.file, from.bandType, 'from'), read(toSrc.file, toSrc.bandType, 'to')]);
      const codes = new Uint8Array(W * h);
      for (let rr = 0; rr < h; rr++) {
        const row = r0 + rr;
        const base = rr * W;
        const blockRow = Math.floor(row / CHANGE_BLOCK);
        // a new block row closes every open rectangle
        if (row % CHANGE_BLOCK === 0) open_ = new Map();
        const nextOpen = new Map<string, [RasterChangePiece, number]>();
        areas.fillRow(row, 0, W, areaRow);
        let runStart = -1;
        let runCode = 0;
        let runArea = 0;
        const closeRun = (end: number) => {
          if (runStart < 0) return;
          const [fi, ti] = decodePair(runCode, n);
          const cell = blockRow * blocksX + Math.floor(runStart / CHANGE_BLOCK);
          const k = `${runStart},${end},${runCode}`;
          const prev = open_.get(k);
          if (prev) {
            // the same run in the row above: extend that rectangle down
            prev[0].rects[prev[1]] = gt[3] + (row + 1) * gt[5];
            prev[0].area_m2 += runArea;
            nextOpen.set(k, prev);
          } else {
            const pk = `${cell}|${runCode}`;
            let p = pieces.get(pk);
            if (!p) {
              p = { cell, from_class: classes[fi], to_class: classes[ti], area_m2: 0, rects: [] };
              pieces.set(pk, p);
            }
            p.area_m2 += runArea;
            if (rects < maxRects) {
              p.rects.push(gt[0] + runStart * gt[1], gt[3] + (row + 1) * gt[5], gt[0] + end * gt[1], gt[3] + row * gt[5]);
              nextOpen.set(k, [p, p.rects.length - 3]);
              rects++;
            } else truncated = true;
          }
          runStart = -1;
        };
        for (let c = 0; c < W; c++) {
          const fi = fromClass(a[base + c]);
          const ti = fi < 0 ? -1 : toClass(b[base + c]);
          const code = fi < 0 || ti < 0 ? 0 : 1 + fi * n + ti;
          codes[base + c] = code;
          const changed = code !== 0 && fi !== ti;
          if (runStart >= 0 && (!changed || code !== runCode || c % CHANGE_BLOCK === 0)) closeRun(c);
          if (changed) {
            if (runStart < 0) {
              runStart = c;
              runCode = code;
              runArea = 0;
            }
            runArea += areaRow[c];
          }
        }
        closeRun(W);
        open_ = nextOpen;
      }
      await out.write(codes);
    }
  } finally {
    await out.close();
  }
  return {
    raster: { file: pairFile, width: W, height: H, gt, crsWkt: from.crsWkt, geographic: from.geographic, bandType: 'Byte', nodata: 0, scale: 1, offset: 0 },
    warped,
    pieces: [...pieces.values()].filter((p) => p.rects.length > 0),
    piecesTruncated: truncated,
  };
}
