/**
 * A synthetic province for the indicator benchmark (issue 17): deterministic (a seeded PRNG, every
 * block of land cover seeded by its own grid position), generated inside the demo province outline
 * (seeds/demo/regions.geojson, WGS84).
 *
 * - land cover: a partition into N parcels (三调 scale at N = 1,000,000: 0.1–50 ha, mean ≈ 19 ha).
 *   The bbox is cut into blocks; each block has its own parcel scale and is cut into rows (straight
 *   parallels) and each row into parcels by jittered dividers shared by the two neighbours, so
 *   parcels tile the plane exactly (no gaps, no overlaps; T-junctions on the straight row lines).
 *   A parcel is kept when its centre lies in the province. Classes come from smooth value-noise
 *   fields (forest in the east, grassland and wetland in the west, cropland between, towns and
 *   water in clusters) with thresholds calibrated to realistic shares (forest ∪ shrub_special ≈ 45 %).
 * - protected areas: irregular star-shaped outlines (edges ≤ ~1 km), sizes from 1 km² to a
 *   national park of ~10,000 km², a third placed inside or across others (overlaps), with
 *   biosphere reserves, proposed sites, future years and missing years (BRIEF §6 rules).
 * - regions: the province outline, 9 prefectures, 70 counties (Voronoi cells of seeded points inside
 *   each prefecture, clipped to it: made in PostGIS by `regionFeatures`), and the two priority areas.
 * - grassland plots, ecosystems (a coarser partition typed by its own noise), species records.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql, type DbOrTx } from '@biomon/db';
import { mulberry32 } from '@biomon/core';
import type { GeoJsonFeature } from '@biomon/layers';

type Ring = number[][];
export interface Outline {
  rings: Ring[];
  bbox: [number, number, number, number];
}

const M_PER_DEG_LAT = 111_320;
const mPerDegLon = (lat: number) => 111_320 * Math.cos((lat * Math.PI) / 180);

// ---- deterministic randomness ---------------------------------------------------------------

/** 32-bit hash of integers (xorshift-multiply), the seed of every block and lattice point. */
export function hash32(...xs: number[]): number {
  let h = 0x811c9dc5;
  for (const x of xs) {
    h = Math.imul(h ^ (x | 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    h = Math.imul(h, 0x297a2d39);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/** mulberry32 (@biomon/core): a small seeded PRNG in [0, 1). */
export const prng = mulberry32;

/** Smooth value noise in [0, 1] with lattice spacing `scale` degrees. */
function valueNoise(seed: number, scale: number) {
  const at = (ix: number, iy: number) => hash32(seed, ix, iy) / 4294967296;
  const smooth = (t: number) => t * t * (3 - 2 * t);
  return (x: number, y: number): number => {
    const fx = x / scale;
    const fy = y / scale;
    const ix = Math.floor(fx);
    const iy = Math.floor(fy);
    const tx = smooth(fx - ix);
    const ty = smooth(fy - iy);
    const a = at(ix, iy) + (at(ix + 1, iy) - at(ix, iy)) * tx;
    const b = at(ix, iy + 1) + (at(ix + 1, iy + 1) - at(ix, iy + 1)) * tx;
    return a + (b - a) * ty;
  };
}

// ---- the outline ----------------------------------------------------------------------------

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

interface DemoRegion {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
  geometry: { type: string; coordinates: unknown };
}

export function demoRegions(): DemoRegion[] {
  const fc = JSON.parse(readFileSync(path.join(ROOT, 'seeds/demo/regions.geojson'), 'utf8')) as {
    features: { properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }[];
  };
  return fc.features.map((f) => ({
    code: String(f.properties.code),
    name: String(f.properties.name),
    level: String(f.properties.level),
    parentCode: (f.properties.parentCode as string | null) ?? null,
    geometry: f.geometry,
  }));
}

export function outlineOf(geometry: { type: string; coordinates: unknown }): Outline {
  const polys = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as Ring[][];
  const rings = polys.flat();
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const r of rings)
    for (const [x, y] of r) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  return { rings, bbox: [x0, y0, x1, y1] };
}

/** Even-odd point in polygon over all rings (holes and several polygons alike). */
export function inside(o: Outline, x: number, y: number): boolean {
  if (x < o.bbox[0] || x > o.bbox[2] || y < o.bbox[1] || y > o.bbox[3]) return false;
  let c = false;
  for (const r of o.rings) {
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const [xi, yi] = r[i];
      const [xj, yj] = r[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
    }
  }
  return c;
}

/** Ellipsoid-free planar-ish area of the outline in m² (for sizing only). */
function approxAreaM2(o: Outline): number {
  let a = 0;
  for (const r of o.rings) {
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const [xi, yi] = r[i];
      const [xj, yj] = r[j];
      const lat = (yi + yj) / 2;
      a += (xj - xi) * mPerDegLon(lat) * (yj + yi) * 0.5 * M_PER_DEG_LAT;
    }
  }
  return Math.abs(a);
}

// ---- land cover -----------------------------------------------------------------------------

export const GRASSLAND_TYPES = ['温性草甸草原', '温性草原', '低地草甸', '山地草甸'];
const NATURAL_WETLAND_TYPES = ['沼泽湿地', '河流湿地', '湖泊湿地'];
const ARTIFICIAL_WETLAND_TYPES = ['库塘', '人工湿地'];

export interface LandCoverStats {
  parcels: number;
  byClass: Record<string, number>;
  meanAreaHa: number;
  minAreaHa: number;
  maxAreaHa: number;
  vertices: number;
}

interface Fields {
  forest: (x: number, y: number) => number;
  west: (x: number, y: number) => number;
  built: (x: number, y: number) => number;
  water: (x: number, y: number) => number;
  mix: (x: number, y: number) => number;
  detail: (x: number, y: number) => number;
}

function fields(seed: number): Fields {
  const f1 = valueNoise(hash32(seed, 1), 0.6);
  const f2 = valueNoise(hash32(seed, 2), 0.15);
  const w1 = valueNoise(hash32(seed, 3), 0.4);
  const b1 = valueNoise(hash32(seed, 4), 0.08);
  const h1 = valueNoise(hash32(seed, 5), 0.05);
  const m1 = valueNoise(hash32(seed, 6), 0.3);
  const d1 = valueNoise(hash32(seed, 7), 0.03);
  return {
    // forest: the Changbai east, with smooth noise at two scales
    forest: (x, y) => 0.85 * (x - 125.9) + 0.25 * (y < 42.5 ? 42.5 - y : 0) + 2.2 * (f1(x, y) - 0.5) + 1.1 * (f2(x, y) - 0.5),
    // the Songnen plain in the west: grassland and wetland
    west: (x, y) => -0.9 * (x - 124.3) + 1.6 * (w1(x, y) - 0.5),
    built: (x, y) => b1(x, y),
    water: (x, y) => h1(x, y),
    mix: (x, y) => m1(x, y),
    detail: (x, y) => d1(x, y),
  };
}

interface Thresholds {
  forest: number;
  west: number;
  built: number;
  water: number;
}

/** Thresholds so that the classes take realistic shares of the province (calibrated on a fixed sample). */
function calibrate(o: Outline, fl: Fields, seed: number): Thresholds {
  const rnd = prng(hash32(seed, 99));
  const fs: number[] = [];
  const ws: number[] = [];
  const bs: number[] = [];
  const hs: number[] = [];
  while (fs.length < 40_000) {
    const x = o.bbox[0] + rnd() * (o.bbox[2] - o.bbox[0]);
    const y = o.bbox[1] + rnd() * (o.bbox[3] - o.bbox[1]);
    if (!inside(o, x, y)) continue;
    fs.push(fl.forest(x, y) + 0.35 * (fl.detail(x, y) - 0.5));
    ws.push(fl.west(x, y));
    bs.push(fl.built(x, y));
    hs.push(fl.water(x, y));
  }
  const q = (a: number[], p: number) => [...a].sort((u, v) => u - v)[Math.floor(p * (a.length - 1))];
  // forest (incl. shrub_special and shrub) ≈ 47.5 % of the area; the west 10 % of the rest;
  // built ≈ 5 %, water ≈ 2 % of the area
  return { forest: q(fs, 1 - 0.475), west: q(ws, 1 - 0.11), built: q(bs, 1 - 0.12), water: q(hs, 1 - 0.022) };
}

interface ParcelProps {
  class: string;
  grasslandType?: string;
  wetlandType?: string;
  natural?: boolean;
}

function classify(fl: Fields, t: Thresholds, x: number, y: number, u: number): ParcelProps {
  if (fl.forest(x, y) + 0.35 * (fl.detail(x, y) - 0.5) > t.forest) {
    if (u < 0.032) return { class: 'shrub_special' };
    if (u < 0.052) return { class: 'shrub' };
    return { class: 'forest' };
  }
  if (fl.water(x, y) > t.water) return { class: 'water' };
  if (fl.west(x, y) > t.west) {
    const m = fl.mix(x, y);
    if (m + 0.3 * (u - 0.5) > 0.52) {
      const natural = u < 0.82;
      const types = natural ? NATURAL_WETLAND_TYPES : ARTIFICIAL_WETLAND_TYPES;
      return { class: 'wetland', natural, wetlandType: types[Math.floor(fl.detail(x, y) * types.length * 0.999)] };
    }
    if (u < 0.06) return { class: 'bare' };
    return { class: 'grassland', grasslandType: GRASSLAND_TYPES[Math.min(3, Math.floor(fl.mix(y * 3, x * 3) * 4))] };
  }
  if (fl.built(x, y) > t.built) return { class: 'built' };
  if (u < 0.012) return { class: 'other' };
  if (u < 0.02) return { class: 'bare' };
  return { class: 'cropland' };
}

export interface LandCoverPlan {
  target: number;
  seed: number;
  outline: Outline;
  /** mean parcel area (m²) the generator aims at, and the block size (degrees) */
  meanAreaM2: number;
  blockLonDeg: number;
  blockLatDeg: number;
  origin: [number, number];
  thresholds: Thresholds;
  fields: Fields;
}

export interface Parcel {
  ring: Ring;
  props: ParcelProps;
  centre: [number, number];
  areaM2: number;
}

/**
 * Plans a land cover of about `target` parcels inside the outline: the mean parcel area is
 * calibrated by counting (the count of a plan is exact and cheap: nothing is built).
 */
export function planLandCover(target: number, outline: Outline, seed: number): LandCoverPlan {
  const area = approxAreaM2(outline);
  const lat0 = (outline.bbox[1] + outline.bbox[3]) / 2;
  const meanAreaM2 = area / target;
  const side = 10 * Math.sqrt(meanAreaM2);
  const fl = fields(seed);
  const plan: LandCoverPlan = {
    target,
    seed,
    outline,
    meanAreaM2,
    blockLonDeg: side / mPerDegLon(lat0),
    blockLatDeg: side / M_PER_DEG_LAT,
    // an origin off any round degree, so parcel edges never line up with an overlay grid
    origin: [outline.bbox[0] - 0.01371, outline.bbox[1] - 0.00917],
    thresholds: calibrate(outline, fl, seed),
    fields: fl,
  };
  for (let i = 0; i < 4; i++) {
    let n = 0;
    for (const _ of parcels(plan, true)) n++;
    const err = n / target;
    if (Math.abs(err - 1) < 0.005) break;
    plan.meanAreaM2 *= err;
  }
  return plan;
}

/** Whether a block may hold parcels whose centre is inside (9 sample points or an outline vertex in it). */
function blockTouches(o: Outline, x0: number, y0: number, x1: number, y1: number): 'in' | 'edge' | 'out' {
  let n = 0;
  for (let i = 0; i <= 2; i++) for (let j = 0; j <= 2; j++) if (inside(o, x0 + ((x1 - x0) * i) / 2, y0 + ((y1 - y0) * j) / 2)) n++;
  let vertex = false;
  for (const r of o.rings)
    for (const [x, y] of r)
      if (x >= x0 && x <= x1 && y >= y0 && y <= y1) {
        vertex = true;
        break;
      }
  if (n === 9 && !vertex) return 'in';
  if (n === 0 && !vertex) return 'out';
  return 'edge';
}

/**
 * The parcels of a plan, block by block (each block seeded by its position). With `countOnly`,
 * yields placeholders without building rings.
 */
export function* parcels(plan: LandCoverPlan, countOnly = false): Generator<Parcel> {
  const { outline: o, origin, blockLonDeg: bw, blockLatDeg: bh } = plan;
  const nx = Math.ceil((o.bbox[2] - origin[0]) / bw) + 1;
  const ny = Math.ceil((o.bbox[3] - origin[1]) / bh) + 1;
  const round = (v: number) => Math.round(v * 1e7) / 1e7;
  for (let by = 0; by < ny; by++) {
    const y0 = round(origin[1] + by * bh);
    const y1 = round(origin[1] + (by + 1) * bh);
    const mLon = mPerDegLon((y0 + y1) / 2);
    for (let bx = 0; bx < nx; bx++) {
      const x0 = round(origin[0] + bx * bw);
      const x1 = round(origin[0] + (bx + 1) * bw);
      const where = blockTouches(o, x0, y0, x1, y1);
      if (where === 'out') continue;
      const rnd = prng(hash32(plan.seed, bx, by));
      // block scale: the harmonic mean of g over blocks is ≈ 1, so the mean parcel area is ≈ meanAreaM2;
      // at 1,000,000 parcels this keeps parcels within 0.1–50 ha
      // a few blocks of small parcels (villages, 0.1–1 ha at 1,000,000 parcels), the rest large
      const ug = rnd();
      const g = ug < 0.003 ? 0.006 + 0.03 * rnd() : Math.min(0.92, Math.max(0.01, rnd() ** 0.3));
      const a = plan.meanAreaM2 * g;
      const hM = Math.sqrt(a);
      // rows: equal heights ±10 %, filling the block exactly
      const nRows = Math.max(1, Math.round(((y1 - y0) * M_PER_DEG_LAT) / hM));
      const rowW = Array.from({ length: nRows }, () => 0.9 + 0.2 * rnd());
      const rowSum = rowW.reduce((s, w) => s + w, 0);
      const rows: number[] = [y0];
      for (let r = 0, acc = 0; r + 1 < nRows; r++) {
        acc += rowW[r];
        rows.push(round(y0 + ((y1 - y0) * acc) / rowSum));
      }
      rows.push(y1);
      for (let r = 0; r + 1 < rows.length; r++) {
        const yb = rows[r];
        const yt = rows[r + 1];
        const rowHM = (yt - yb) * M_PER_DEG_LAT;
        // parcels of the row: widths ±25 %, filling the row exactly; dividers (bottom x, top x and
        // two intermediate vertices) shared by the neighbours
        const nPar = Math.max(1, Math.round(((x1 - x0) * mLon * rowHM) / a));
        const wW = Array.from({ length: nPar }, () => 0.75 + 0.5 * rnd());
        const wSum = wW.reduce((s, w) => s + w, 0);
        const widths = wW.map((w) => ((x1 - x0) * w) / wSum);
        const divs: { xb: number; xt: number; m1: number; m2: number }[] = [{ xb: x0, xt: x0, m1: x0, m2: x0 }];
        for (let i = 0, x = x0; i + 1 < nPar; i++) {
          x += widths[i];
          divs.push({ xb: x, xt: x, m1: x, m2: x });
        }
        divs.push({ xb: x1, xt: x1, m1: x1, m2: x1 });
        for (let i = 1; i + 1 < divs.length; i++) {
          const amp = 0.2 * Math.min(widths[i - 1], widths[i]);
          const d = divs[i];
          const j = () => (rnd() * 2 - 1) * amp;
          const base = d.xb;
          d.xb = round(base + j());
          d.xt = round(base + j());
          d.m1 = round(base + j());
          d.m2 = round(base + j());
        }
        const ym1 = round(yb + (yt - yb) / 3);
        const ym2 = round(yb + (2 * (yt - yb)) / 3);
        for (let i = 0; i + 1 < divs.length; i++) {
          const L = divs[i];
          const R = divs[i + 1];
          const cx = (L.xb + R.xb + L.xt + R.xt) / 4;
          const cy = (yb + yt) / 2;
          const u = rnd();
          if (where === 'edge' && !inside(o, cx, cy)) continue;
          if (countOnly) {
            yield { ring: [], props: { class: '' }, centre: [cx, cy], areaM2: 0 };
            continue;
          }
          const ring: Ring = [
            [L.xb, yb],
            [R.xb, yb],
            [R.m1, ym1],
            [R.m2, ym2],
            [R.xt, yt],
            [L.xt, yt],
            [L.m2, ym2],
            [L.m1, ym1],
            [L.xb, yb],
          ];
          // drop the repeated straight-edge vertices of the block's own sides (x0/x1 dividers)
          const clean = ring.filter(
            (p, k) => k === 0 || k === ring.length - 1 || !(p[0] === ring[k - 1][0] && p[1] !== ring[k - 1][1] && ring[k + 1] && p[0] === ring[k + 1][0]),
          );
          let area = 0;
          for (let k = 0; k + 1 < clean.length; k++) area += (clean[k + 1][0] - clean[k][0]) * mLon * (clean[k + 1][1] + clean[k][1]) * 0.5 * M_PER_DEG_LAT;
          yield { ring: clean, props: classify(plan.fields, plan.thresholds, cx, cy, u), centre: [cx, cy], areaM2: Math.abs(area) };
        }
      }
    }
  }
}

/** Land-cover features of a plan (streamed), with statistics gathered on the way. */
export async function* landCoverFeatures(plan: LandCoverPlan, stats: LandCoverStats, onParcel?: (p: Parcel) => void): AsyncGenerator<GeoJsonFeature> {
  stats.parcels = 0;
  stats.byClass = {};
  stats.vertices = 0;
  let sum = 0;
  stats.minAreaHa = Infinity;
  stats.maxAreaHa = 0;
  for (const p of parcels(plan)) {
    stats.parcels++;
    stats.byClass[p.props.class] = (stats.byClass[p.props.class] ?? 0) + p.areaM2 / 1e6;
    stats.vertices += p.ring.length - 1;
    sum += p.areaM2;
    stats.minAreaHa = Math.min(stats.minAreaHa, p.areaM2 / 1e4);
    stats.maxAreaHa = Math.max(stats.maxAreaHa, p.areaM2 / 1e4);
    onParcel?.(p);
    yield { type: 'Feature', properties: { ...p.props, year: 2024 }, geometry: { type: 'Polygon', coordinates: [p.ring] } };
  }
  stats.meanAreaHa = sum / stats.parcels / 1e4;
}

// ---- protected areas ------------------------------------------------------------------------

/** An irregular star-shaped outline around (cx, cy) of about `areaKm2`, vertices ≤ ~1 km apart. */
function blob(rnd: () => number, cx: number, cy: number, areaKm2: number): Ring {
  const rM = Math.sqrt((areaKm2 * 1e6) / Math.PI);
  const n = Math.max(16, Math.min(720, Math.ceil((2 * Math.PI * rM) / 800)));
  const harmonics = [1, 2, 3, 5, 8].map((k) => ({ k, amp: (0.25 / k) * rnd(), ph: rnd() * 2 * Math.PI }));
  const ring: Ring = [];
  const mLon = mPerDegLon(cy);
  for (let i = 0; i < n; i++) {
    const t = (i / n) * 2 * Math.PI;
    let f = 1;
    for (const h of harmonics) f += h.amp * Math.sin(h.k * t + h.ph);
    const r = rM * Math.max(0.3, f);
    ring.push([Math.round((cx + (r * Math.cos(t)) / mLon) * 1e6) / 1e6, Math.round((cy + (r * Math.sin(t)) / M_PER_DEG_LAT) * 1e6) / 1e6]);
  }
  ring.push(ring[0]);
  return ring;
}

export interface PaStats {
  count: number;
  counted: number;
  biosphere: number;
  proposed: number;
  future: number;
  missingYear: number;
  sumAreaKm2: number;
}

/**
 * `n` protected areas (BRIEF §5 properties). Counted ones: designated, established ≤ 2024 or no
 * year, not biosphere reserves; the others exercise the exclusion rules.
 */
export function protectedAreaFeatures(n: number, outline: Outline, seed: number): { features: GeoJsonFeature[]; stats: PaStats } {
  const rnd = prng(hash32(seed, 1000));
  const o = outline;
  const pointIn = (): [number, number] => {
    for (;;) {
      const x = o.bbox[0] + rnd() * (o.bbox[2] - o.bbox[0]);
      const y = o.bbox[1] + rnd() * (o.bbox[3] - o.bbox[1]);
      if (inside(o, x, y)) return [x, y];
    }
  };
  const designations: [string, number][] = [
    ['nature_reserve', 0.34],
    ['forest_park', 0.2],
    ['wetland_park', 0.14],
    ['scenic_area', 0.1],
    ['geopark', 0.04],
    ['wetland_small_area', 0.1],
    ['other', 0.065],
    ['biosphere_reserve', 0.015],
  ];
  const pick = (): string => {
    let u = rnd();
    for (const [d, p] of designations) {
      if ((u -= p) < 0) return d;
    }
    return 'other';
  };
  const stats: PaStats = { count: n, counted: 0, biosphere: 0, proposed: 0, future: 0, missingYear: 0, sumAreaKm2: 0 };
  const out: GeoJsonFeature[] = [];
  const centres: { c: [number, number]; areaKm2: number }[] = [];
  for (let i = 0; i < n; i++) {
    let designation = pick();
    let areaKm2 = Math.exp(Math.log(1) + (Math.log(600) - Math.log(1)) * rnd() ** 2.2);
    let c = pointIn();
    if (i === 0) {
      // a national park in the south-east (the tiger and leopard park's scale)
      designation = 'national_park';
      areaKm2 = 10_000;
      c = [130.55, 43.45];
    } else if (i === 1) {
      designation = 'national_park';
      areaKm2 = 2_800;
      c = [128.05, 42.1];
    } else if (centres.length > 4 && rnd() < 0.33) {
      // inside or across an earlier one: the overlaps the union must count once
      const host = centres[Math.floor(rnd() * centres.length)];
      const rDeg = (Math.sqrt(host.areaKm2 / Math.PI) / 111) * (0.2 + 0.9 * rnd());
      const t = rnd() * 2 * Math.PI;
      c = [host.c[0] + (rDeg * Math.cos(t)) / Math.cos((host.c[1] * Math.PI) / 180), host.c[1] + rDeg * Math.sin(t)];
      areaKm2 = Math.min(areaKm2, host.areaKm2 * (0.1 + 0.8 * rnd()));
    }
    const u = rnd();
    const status = i > 1 && u < 0.05 ? 'proposed' : 'designated';
    const yu = rnd();
    const year = i === 0 ? 2021 : yu < 0.02 ? null : yu < 0.05 ? 2025 + Math.floor(rnd() * 6) : 1960 + Math.floor(rnd() * 65);
    centres.push({ c, areaKm2 });
    stats.sumAreaKm2 += areaKm2;
    if (designation === 'biosphere_reserve') stats.biosphere++;
    if (status === 'proposed') stats.proposed++;
    if (year !== null && year > 2024) stats.future++;
    if (year === null) stats.missingYear++;
    if (designation !== 'biosphere_reserve' && status === 'designated' && (year === null || year <= 2024)) stats.counted++;
    out.push({
      type: 'Feature',
      properties: {
        id: `SYN-PA-${String(i).padStart(4, '0')}`,
        name: `合成保护地 ${i}`,
        designation,
        level: rnd() < 0.3 ? 'national' : 'provincial',
        status,
        ...(year === null ? {} : { establishedYear: year }),
      },
      geometry: { type: 'Polygon', coordinates: [blob(rnd, c[0], c[1], areaKm2)] },
    });
  }
  return { features: out, stats };
}

// ---- regions --------------------------------------------------------------------------------

/**
 * Province (the demo outline), its 9 prefectures (demo outlines: they share borders exactly and
 * dissolve to the province), `counties` counties — Voronoi cells of seeded points inside each
 * prefecture (count ∝ area, at least 2), edges densified to 0.01°, clipped to the prefecture —
 * and the 2 priority areas. Computed in PostGIS (the scratch database).
 */
export async function regionFeatures(db: DbOrTx, counties: number, seed: number): Promise<GeoJsonFeature[]> {
  const demo = demoRegions();
  const prefectures = demo.filter((r) => r.level === 'prefecture');
  const areas = prefectures.map((p) => approxAreaM2(outlineOf(p.geometry)));
  const total = areas.reduce((s, a) => s + a, 0);
  const quota = areas.map((a) => Math.max(2, Math.round((counties * a) / total)));
  while (quota.reduce((s, q) => s + q, 0) > counties) quota[quota.indexOf(Math.max(...quota))]--;
  while (quota.reduce((s, q) => s + q, 0) < counties) quota[quota.indexOf(Math.max(...quota))]++;
  const rnd = prng(hash32(seed, 2000));
  const out: GeoJsonFeature[] = [];
  for (const r of demo) {
    out.push({
      type: 'Feature',
      properties: { code: r.code, name: r.name, level: r.level, parentCode: r.parentCode },
      geometry: r.geometry as GeoJsonFeature['geometry'],
    });
  }
  for (let p = 0; p < prefectures.length; p++) {
    const o = outlineOf(prefectures[p].geometry);
    const pts: number[][] = [];
    while (pts.length < quota[p]) {
      const x = o.bbox[0] + rnd() * (o.bbox[2] - o.bbox[0]);
      const y = o.bbox[1] + rnd() * (o.bbox[3] - o.bbox[1]);
      if (inside(o, x, y)) pts.push([x, y]);
    }
    const rows = await sql<{ i: number; gj: string }>`
      WITH pref AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(prefectures[p].geometry)}), 4326) AS g),
      pts AS (SELECT (row_number() OVER ())::int - 1 AS i, ST_SetSRID(ST_MakePoint(x, y), 4326) AS pt
              FROM unnest(${pts.map((q) => q[0])}::float8[], ${pts.map((q) => q[1])}::float8[]) AS u(x, y)),
      cells AS (SELECT (ST_Dump(ST_VoronoiPolygons(ST_Collect(pt), 0, (SELECT ST_Expand(g, 1) FROM pref)))).geom AS cell FROM pts)
      SELECT pts.i, ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(ST_Intersection(ST_Segmentize(cells.cell, 0.01), pref.g), 3)), 7) AS gj
      FROM cells JOIN pts ON ST_Contains(cells.cell, pts.pt) CROSS JOIN pref
      ORDER BY pts.i`.execute(db);
    for (const row of rows.rows) {
      const code = `${prefectures[p].code.slice(0, 4)}${String(row.i + 1).padStart(2, '0')}`;
      out.push({
        type: 'Feature',
        properties: { code, name: `${prefectures[p].name}第${row.i + 1}县`, level: 'county', parentCode: prefectures[p].code },
        geometry: JSON.parse(row.gj),
      });
    }
  }
  return out;
}

// ---- grassland plots, ecosystems, species records -------------------------------------------

/** Plots in sampled grassland parcels (cover by type), most surveyed in 2024, some in 2023, and plots of a type with no mapped area. */
export function plotSampler(target: number, expectedGrassland: number, seed: number) {
  const rnd = prng(hash32(seed, 3000));
  const p = Math.min(1, target / Math.max(1, expectedGrassland));
  const meanCover: Record<string, number> = { 温性草甸草原: 78, 温性草原: 62, 低地草甸: 74, 山地草甸: 83 };
  const features: GeoJsonFeature[] = [];
  return {
    features,
    onParcel(parcel: Parcel) {
      if (parcel.props.class !== 'grassland' || rnd() >= p) return;
      const t = parcel.props.grasslandType!;
      const cover = Math.max(5, Math.min(100, Math.round((meanCover[t] + (rnd() - 0.5) * 30) * 10) / 10));
      const date = rnd() < 0.88 ? `2024-0${7 + Math.floor(rnd() * 2)}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}` : '2023-07-20';
      const i = features.length;
      features.push({
        type: 'Feature',
        properties: { plotId: `SYN-G-${i}`, grasslandType: i % 97 === 0 ? '沼泽草甸' : t, vegetationCover: cover, surveyDate: date },
        geometry: { type: 'Point', coordinates: parcel.centre },
      });
    },
  };
}

const ECOSYSTEMS: Record<string, string[]> = {
  forest: ['温带针阔混交林', '温带落叶阔叶林', '寒温带针叶林'],
  shrub_special: ['温带灌丛'],
  shrub: ['温带灌丛'],
  grassland: ['温带草甸草原', '温带草原'],
  wetland: ['内陆湿地'],
  water: ['湖泊', '河流'],
  cropland: ['农田'],
  built: ['城镇'],
  bare: ['荒漠'],
  other: ['高山苔原'],
};

/** Ecosystems: a coarser partition of the same province (its own plan), typed from the land-cover fields. */
export async function* ecosystemFeatures(n: number, outline: Outline, seed: number): AsyncGenerator<GeoJsonFeature> {
  const plan = planLandCover(n, outline, hash32(seed, 4000));
  const lcFields = fields(seed);
  const t = calibrate(outline, lcFields, seed);
  for (const p of parcels(plan)) {
    const cls = classify(lcFields, t, p.centre[0], p.centre[1], 0.5).class;
    const types = ECOSYSTEMS[cls];
    const type = types[Math.floor(lcFields.mix(p.centre[0] * 2, p.centre[1] * 2) * types.length * 0.999)];
    yield {
      type: 'Feature',
      properties: { ecosystemType: type, terrestrial: !(type === '湖泊' || type === '河流') },
      geometry: { type: 'Polygon', coordinates: [p.ring] },
    };
  }
}

/**
 * Darwin Core records of listed and unlisted species: uniform over the province, a third of the
 * common species' records placed inside protected areas, a rare tail left to chance; some absent,
 * captive, too vague, outside the window (qualifying rules).
 */
export function occurrenceRecords(
  n: number,
  outline: Outline,
  names: { listed: string[]; unlisted: string[] },
  paCentres: [number, number][],
  seed: number,
): Record<string, unknown>[] {
  const rnd = prng(hash32(seed, 5000));
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const listed = rnd() < 0.7;
    const pool = listed ? names.listed : names.unlisted;
    // common species (skewed) and a rare tail (the last tenth of the list, 0.5 % of the records,
    // only where chance puts them), so that some species are never seen in a protected area
    const rare = rnd() < 0.005;
    const si = rare ? Math.floor(pool.length * (0.9 + 0.1 * rnd())) : Math.floor(pool.length * 0.9 * rnd() ** 2);
    const name = pool[si];
    let x: number;
    let y: number;
    // a third of the common species' records are placed in protected areas
    if (!rare && rnd() < 0.33 && paCentres.length) {
      const c = paCentres[Math.floor(rnd() * paCentres.length)];
      x = c[0] + (rnd() - 0.5) * 0.02;
      y = c[1] + (rnd() - 0.5) * 0.02;
    } else {
      do {
        x = outline.bbox[0] + rnd() * (outline.bbox[2] - outline.bbox[0]);
        y = outline.bbox[1] + rnd() * (outline.bbox[3] - outline.bbox[1]);
      } while (!inside(outline, x, y));
    }
    const year = 2012 + Math.floor(rnd() * 13);
    const u = rnd();
    out.push({
      occurrenceID: `SYN-OCC-${i}`,
      scientificName: name,
      basisOfRecord: 'HumanObservation',
      eventDate: `${year}-0${5 + Math.floor(rnd() * 4)}-1${Math.floor(rnd() * 9)}`,
      decimalLongitude: Math.round(x * 1e5) / 1e5,
      decimalLatitude: Math.round(y * 1e5) / 1e5,
      geodeticDatum: 'WGS84',
      ...(u < 0.04 ? { occurrenceStatus: 'absent' } : {}),
      ...(u >= 0.04 && u < 0.06 ? { establishmentMeans: 'captive' } : {}),
      ...(u >= 0.06 && u < 0.09 ? { coordinateUncertaintyInMeters: 20_000 } : { coordinateUncertaintyInMeters: 30 }),
    });
  }
  return out;
}
