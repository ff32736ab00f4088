import { runGdal } from './gdal';

// Pixel areas on the WGS84 ellipsoid.
//
// Geographic rasters: a pixel is a latitude–longitude quadrangle, whose area is closed-form:
//   A = Δλ · a²(1−e²)/2 · [q(φ1) − q(φ2)],  q(φ) = sinφ/(1−e² sin²φ) + 1/(2e)·ln((1+e sinφ)/(1−e sinφ))
// (the authalic-latitude q function), the same for every pixel of a row.
//
// Projected rasters: the pixel's four corners (subdivided s×s for large pixels) are transformed to
// lon/lat with gdaltransform (PROJ); each small quadrilateral's area is its shoelace area in the
// local metric of the ellipsoid at its centre (meridian radius M, prime-vertical radius N), whose
// relative error is of the order (side / 6,371 km)². This is done for the pixels of a lattice every
// LATTICE_STEP pixels but at most LATTICE_MAX_M (5 km) apart, and bilinearly interpolated between
// them. A projection's area scale k(x, y) varies smoothly: the interpolation error is at most
// h²/8 · |k''|/k with h the node spacing; |k''|/k is of the order 1/R² × a small factor (≈ 8 for
// Web Mercator at 45° N, the worst of the projections used in China: Albers, UTM, Gauss–Krüger,
// Lambert), so with h ≤ 5 km the relative error is ≤ (5/6371)² ≈ 6·10⁻⁷. An equal-area projection
// gives one constant, exactly.

export const WGS84_A = 6378137;
export const WGS84_F = 1 / 298.257223563;
const E2 = WGS84_F * (2 - WGS84_F);
const E = Math.sqrt(E2);
const RAD = Math.PI / 180;

function q(phiRad: number): number {
  const s = Math.sin(phiRad);
  return s / (1 - E2 * s * s) + (1 / (2 * E)) * Math.log((1 + E * s) / (1 - E * s));
}

/** Area (m²) of the ellipsoidal quadrangle between two parallels and two meridians (degrees). */
export function quadrangleAreaM2(dLonDeg: number, lat1Deg: number, lat2Deg: number): number {
  return Math.abs(dLonDeg * RAD * ((WGS84_A * WGS84_A * (1 - E2)) / 2) * (q(lat2Deg * RAD) - q(lat1Deg * RAD)));
}

/** Area (m²) of a small quadrilateral given by its corners in lon/lat degrees (in ring order). */
export function smallQuadAreaM2(lon: number[], lat: number[]): number {
  const lat0 = ((lat[0] + lat[1] + lat[2] + lat[3]) / 4) * RAD;
  const lon0 = lon[0];
  const s = Math.sin(lat0);
  const w = Math.sqrt(1 - E2 * s * s);
  const N = WGS84_A / w;
  const M = (WGS84_A * (1 - E2)) / (w * w * w);
  const kx = N * Math.cos(lat0) * RAD;
  const ky = M * RAD;
  let acc = 0;
  for (let i = 0; i < 4; i++) {
    const j = (i + 1) % 4;
    const xi = (lon[i] - lon0) * kx;
    const yi = lat[i] * ky;
    const xj = (lon[j] - lon0) * kx;
    const yj = lat[j] * ky;
    acc += xi * yj - xj * yi;
  }
  return Math.abs(acc) / 2;
}

export interface Grid {
  width: number;
  height: number;
  /** GDAL geotransform (north-up: gt[2] = gt[4] = 0) */
  gt: number[];
  crsWkt: string;
  geographic: boolean;
}

/** Pixel areas of a window of the grid: `rowAreas(r0, rows)` fills one Float64Array per row. */
export interface PixelAreas {
  /** area (m²) of pixel (col, row) of the whole grid, written for cols c0..c0+n-1 into `out` */
  fillRow(row: number, c0: number, n: number, out: Float64Array): void;
}

export const LATTICE_STEP = 32;
/** The lattice spacing in metres at most (coarse pixels: a node every few pixels, or every pixel). */
export const LATTICE_MAX_M = 5000;

/** Builds the pixel-area model of a window [c0, c0+w) × [r0, r0+h) of the grid. */
export async function pixelAreas(grid: Grid, win: { c0: number; r0: number; w: number; h: number }, crsFile: string): Promise<PixelAreas> {
  const gt = grid.gt;
  if (grid.geographic) {
    const dLon = Math.abs(gt[1]);
    return {
      fillRow(row, _c0, n, out) {
        const lat1 = gt[3] + row * gt[5];
        const a = quadrangleAreaM2(dLon, lat1, lat1 + gt[5]);
        out.fill(a, 0, n);
      },
    };
  }
  // lattice of pixel columns and rows (window-relative), the last pixel always included
  const pxSize = Math.max(Math.abs(gt[1]), Math.abs(gt[5]));
  // lattice nodes at most LATTICE_MAX_M apart (and at most LATTICE_STEP pixels)
  const step = Math.max(1, Math.min(LATTICE_STEP, Math.floor(LATTICE_MAX_M / pxSize)));
  const cols = latticeOf(win.c0, win.w, step);
  const rows = latticeOf(win.r0, win.h, step);
  // subdivide large pixels (projected units are metres for the CRSs accepted): error ~ (side/R)²
  const sub = pxSize > 20_000 ? 8 : pxSize > 2_000 ? 4 : 1;
  const pts: string[] = [];
  for (const r of rows) {
    for (const c of cols) {
      for (let j = 0; j <= sub; j++) {
        for (let i = 0; i <= sub; i++) {
          const x = gt[0] + (c + i / sub) * gt[1];
          const y = gt[3] + (r + j / sub) * gt[5];
          pts.push(`${x} ${y}`);
        }
      }
    }
  }
  const out = await runGdal('gdaltransform', ['-s_srs', crsFile, '-t_srs', '+proj=longlat +datum=WGS84 +no_defs', '-output_xy'], {
    stdin: `${pts.join('\n')}\n`,
    timeoutMs: 600_000,
  });
  const lines = out.toString('utf8').trim().split('\n');
  if (lines.length !== pts.length) throw new Error(`gdaltransform returned ${lines.length} points for ${pts.length}`);
  const ll = new Float64Array(lines.length * 2);
  for (let k = 0; k < lines.length; k++) {
    const [x, y] = lines[k].trim().split(/\s+/);
    ll[2 * k] = Number(x);
    ll[2 * k + 1] = Number(y);
  }
  const per = (sub + 1) * (sub + 1);
  const lattice = new Float64Array(rows.length * cols.length);
  const lon = [0, 0, 0, 0];
  const lat = [0, 0, 0, 0];
  for (let a = 0; a < rows.length; a++) {
    for (let b = 0; b < cols.length; b++) {
      const base = (a * cols.length + b) * per;
      let area = 0;
      for (let j = 0; j < sub; j++) {
        for (let i = 0; i < sub; i++) {
          const k00 = base + j * (sub + 1) + i;
          const ks = [k00, k00 + 1, k00 + sub + 2, k00 + sub + 1];
          for (let t = 0; t < 4; t++) {
            lon[t] = ll[2 * ks[t]];
            lat[t] = ll[2 * ks[t] + 1];
          }
          area += smallQuadAreaM2(lon, lat);
        }
      }
      if (!Number.isFinite(area)) throw new Error('a pixel corner cannot be transformed to WGS84');
      lattice[a * cols.length + b] = area;
    }
  }
  const rowBuf = new Float64Array(cols.length);
  let rowBufFor = -1;
  return {
    fillRow(row, c0, n, outRow) {
      if (rowBufFor !== row) {
        // interpolate the lattice between its two rows around `row`
        let a = upper(rows, row);
        if (a === 0) a = 1;
        const r0 = rows[a - 1];
        const r1 = rows[a];
        const t = r1 === r0 ? 0 : (row - r0) / (r1 - r0);
        for (let b = 0; b < cols.length; b++) rowBuf[b] = lattice[(a - 1) * cols.length + b] * (1 - t) + lattice[a * cols.length + b] * t;
        rowBufFor = row;
      }
      let b = 1;
      for (let k = 0; k < n; k++) {
        const c = c0 + k;
        while (b < cols.length - 1 && cols[b] < c) b++;
        const ca = cols[b - 1];
        const cb = cols[b];
        const t = cb === ca ? 0 : (c - ca) / (cb - ca);
        outRow[k] = rowBuf[b - 1] * (1 - t) + rowBuf[b] * t;
      }
    },
  };
}

function latticeOf(start: number, n: number, step: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(start + i);
  if (out[out.length - 1] !== start + n - 1) out.push(start + n - 1);
  if (out.length === 1) out.push(out[0]);
  return out;
}

/** Index of the first lattice entry ≥ v (at least 1, at most length − 1). */
function upper(arr: number[], v: number): number {
  let lo = 1;
  let hi = arr.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
