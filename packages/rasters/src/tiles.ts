import { crc32, deflateSync } from 'node:zlib';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runGdal, typedView } from './gdal';
import type { RasterKind } from './raster-kinds';

// PNG map tiles of rasters (Web Mercator, 256 × 256): the tile's window warped from the COG with
// gdalwarp (which reads the COG's overviews when zoomed out), coloured in Node with the kind's
// ramp or the land-cover palette, encoded as PNG with node's zlib (no image library).

export const TILE_SIZE = 256;
const R = 6378137;
const HALF = Math.PI * R;

/** EPSG:3857 bounds [minx, miny, maxx, maxy] of tile z/x/y. */
export function tileBounds(z: number, x: number, y: number): [number, number, number, number] {
  const size = (2 * HALF) / 2 ** z;
  return [-HALF + x * size, HALF - (y + 1) * size, -HALF + (x + 1) * size, HALF - y * size];
}

/** The tile's bounds in lon/lat. */
export function tileLonLat(z: number, x: number, y: number): [number, number, number, number] {
  const [x0, y0, x1, y1] = tileBounds(z, x, y);
  const lon = (m: number) => (m / R) * (180 / Math.PI);
  const lat = (m: number) => (Math.atan(Math.sinh(m / R)) * 180) / Math.PI;
  return [lon(x0), lat(y0), lon(x1), lat(y1)];
}

type Rgba = [number, number, number, number];
export interface RampStop {
  value: number;
  color: string;
}

/** Colour ramps per continuous kind (values after scale and offset; FVC in its own scale). */
export function rampOf(kind: RasterKind, fvcScale: string | null): RampStop[] {
  if (kind === 'ndvi') {
    return [
      { value: -0.2, color: '#8c510a' },
      { value: 0, color: '#d8b365' },
      { value: 0.2, color: '#f6e8c3' },
      { value: 0.4, color: '#c7e9b4' },
      { value: 0.6, color: '#5ab4ac' },
      { value: 0.8, color: '#1b7837' },
      { value: 1, color: '#00441b' },
    ];
  }
  if (kind === 'fvc') {
    const k = fvcScale === 'fraction' ? 1 : 100;
    return [
      { value: 0, color: '#f7fcf5' },
      { value: 0.25 * k, color: '#c7e9c0' },
      { value: 0.5 * k, color: '#74c476' },
      { value: 0.75 * k, color: '#238b45' },
      { value: 1 * k, color: '#00441b' },
    ];
  }
  // elevation: Jilin spans 0–2,744 m (白头山 / Changbai)
  return [
    { value: 0, color: '#1a9850' },
    { value: 300, color: '#91cf60' },
    { value: 700, color: '#d9ef8b' },
    { value: 1200, color: '#fee08b' },
    { value: 1800, color: '#fc8d59' },
    { value: 2400, color: '#d73027' },
    { value: 2800, color: '#ffffff' },
  ];
}

/** The land-cover palette, by vector class (BRIEF §5), Chinese first. */
export const CLASS_PALETTE: Record<string, { color: string; labelZh: string }> = {
  forest: { color: '#1b7837', labelZh: '林地' },
  shrub_special: { color: '#5aae61', labelZh: '国家特别规定灌木林地' },
  shrub: { color: '#a6dba0', labelZh: '灌木林地' },
  grassland: { color: '#d9f0a3', labelZh: '草地' },
  wetland: { color: '#41b6c4', labelZh: '湿地' },
  water: { color: '#225ea8', labelZh: '水域' },
  cropland: { color: '#fee391', labelZh: '耕地' },
  built: { color: '#d7301f', labelZh: '建设用地' },
  bare: { color: '#bdbdbd', labelZh: '裸地' },
  other: { color: '#f0f0f0', labelZh: '其他' },
};

const hex = (c: string): Rgba => [Number.parseInt(c.slice(1, 3), 16), Number.parseInt(c.slice(3, 5), 16), Number.parseInt(c.slice(5, 7), 16), 255];

function rampColour(stops: { value: number; rgba: Rgba }[], v: number, out: Uint8Array, o: number) {
  if (v <= stops[0].value) return out.set(stops[0].rgba, o);
  const last = stops[stops.length - 1];
  if (v >= last.value) return out.set(last.rgba, o);
  let i = 1;
  while (stops[i].value < v) i++;
  const a = stops[i - 1];
  const b = stops[i];
  const t = (v - a.value) / (b.value - a.value);
  for (let k = 0; k < 3; k++) out[o + k] = Math.round(a.rgba[k] + (b.rgba[k] - a.rgba[k]) * t);
  out[o + 3] = 255;
}

/** An RGBA image as PNG (colour type 6, no filter), with node's zlib. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let emptyTile: Buffer | null = null;
/** A fully transparent tile. */
export function emptyPng(): Buffer {
  emptyTile ??= encodePng(TILE_SIZE, TILE_SIZE, new Uint8Array(TILE_SIZE * TILE_SIZE * 4));
  return emptyTile;
}

export interface TileRaster {
  file: string;
  kind: RasterKind;
  bandType: string;
  nodata: number | null;
  scale: number;
  offset: number;
  fvcScale: string | null;
  classMap: Record<string, string> | null;
  /** WGS84 bbox of the raster, to skip tiles outside it */
  bbox: [number, number, number, number] | null;
}

/** Renders tile z/x/y of a raster as PNG: transparent where there is no data. */
export async function renderTile(r: TileRaster, z: number, x: number, y: number): Promise<Buffer> {
  if (r.bbox) {
    const [w, s, e, n] = tileLonLat(z, x, y);
    if (e < r.bbox[0] || w > r.bbox[2] || n < r.bbox[1] || s > r.bbox[3]) return emptyPng();
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'biomon-tile-'));
  try {
    const out = path.join(dir, 't.bil');
    const [x0, y0, x1, y1] = tileBounds(z, x, y);
    const args = ['-q', '-t_srs', 'EPSG:3857', '-te', String(x0), String(y0), String(x1), String(y1), '-ts', String(TILE_SIZE), String(TILE_SIZE)];
    args.push('-r', r.kind === 'land-cover' ? 'near' : 'bilinear', '-ot', 'Float64', '-dstnodata', 'nan', '-of', 'ENVI');
    if (r.nodata !== null) args.push('-srcnodata', String(r.nodata));
    await runGdal('gdalwarp', [...args, r.file, out], { timeoutMs: 30_000 });
    const vals = typedView('Float64', await readFile(out), TILE_SIZE * TILE_SIZE);
    const rgba = new Uint8Array(TILE_SIZE * TILE_SIZE * 4);
    if (r.kind === 'land-cover') {
      const map = r.classMap ?? {};
      const colours = new Map<number, Rgba>();
      for (const [code, cls] of Object.entries(map)) if (CLASS_PALETTE[cls]) colours.set(Number(code), hex(CLASS_PALETTE[cls].color));
      for (let i = 0; i < vals.length; i++) {
        const v = vals[i];
        if (Number.isNaN(v)) continue;
        const c = colours.get(Math.round(v * r.scale + r.offset));
        if (c) rgba.set(c, i * 4);
      }
    } else {
      const stops = rampOf(r.kind, r.fvcScale).map((s) => ({ value: s.value, rgba: hex(s.color) }));
      for (let i = 0; i < vals.length; i++) {
        const v = vals[i];
        if (Number.isNaN(v)) continue;
        rampColour(stops, v * r.scale + r.offset, rgba, i * 4);
      }
    }
    return encodePng(TILE_SIZE, TILE_SIZE, rgba);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The legend of a raster: a ramp (value → colour) or the land-cover classes with their codes. */
export function legendOf(kind: RasterKind, fvcScale: string | null, classMap: Record<string, string> | null, unit: string) {
  if (kind === 'land-cover') {
    const classes = Object.entries(classMap ?? {}).map(([code, cls]) => ({
      code: Number(code),
      class: cls,
      labelZh: CLASS_PALETTE[cls]?.labelZh ?? cls,
      color: CLASS_PALETTE[cls]?.color ?? '#000000',
    }));
    return { kind, unit, type: 'classes' as const, stops: [], classes };
  }
  return { kind, unit, type: 'ramp' as const, stops: rampOf(kind, fvcScale), classes: [] };
}
