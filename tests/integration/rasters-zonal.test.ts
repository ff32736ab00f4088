import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { PNG } from 'pngjs';
import { importLayer, type GeoJsonFeature } from '@biomon/layers';
import { importRasterFile, readyRaster, zonalStatistics, type RasterKind } from '@biomon/rasters';
import { createTestContext, type TestContext } from '../support/test-db';
import { buildTestServer } from '../support/http';
import { boxAreaM2 } from '../support/ellipsoid';

// Golden cases of area-true zonal statistics (issue 18), each with its answer computed here in
// closed form: rasters are written in the test (raw values + an ENVI header, then gdal_translate to
// GeoTIFF), imported through the CLI's pipeline (importRasterFile), and read through
// GET /v1/rasters/{id}/zonal. A pixel counts when its centre lies in the zone; zone edges are put
// between pixel centres so that the expected set of pixels is unambiguous.

let t: TestContext;
let app: FastifyInstance;
let work: string;
let fileStore: string;
let regionsId: number;

const ALBERS = '+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs';

/** Writes a one-band GeoTIFF from values (row-major, north row first). */
function writeTiff(
  name: string,
  values: ArrayLike<number>,
  w: number,
  h: number,
  opts: {
    type?: 'Float32' | 'Int16' | 'Float64';
    srs: string;
    ullr: [number, number, number, number];
    nodata?: number;
    scale?: number;
    offset?: number;
    bands?: number;
  },
): string {
  const type = opts.type ?? 'Float32';
  const bands = opts.bands ?? 1;
  const Arr = type === 'Float32' ? Float32Array : type === 'Float64' ? Float64Array : Int16Array;
  const raw = new Arr(w * h * bands);
  for (let b = 0; b < bands; b++) for (let i = 0; i < w * h; i++) raw[b * w * h + i] = values[i];
  const bin = path.join(work, `${name}.bin`);
  writeFileSync(bin, Buffer.from(raw.buffer));
  const enviType = { Int16: 2, Float32: 4, Float64: 5 }[type];
  writeFileSync(
    path.join(work, `${name}.hdr`),
    `ENVI\nsamples = ${w}\nlines = ${h}\nbands = ${bands}\nheader offset = 0\nfile type = ENVI Standard\ndata type = ${enviType}\ninterleave = bsq\nbyte order = 0\n`,
  );
  const tif = path.join(work, `${name}.tif`);
  const args = ['-q', '-of', 'GTiff', '-a_srs', opts.srs, '-a_ullr', ...opts.ullr.map(String)];
  if (opts.nodata !== undefined) args.push('-a_nodata', String(opts.nodata));
  if (opts.scale !== undefined) args.push('-a_scale', String(opts.scale));
  if (opts.offset !== undefined) args.push('-a_offset', String(opts.offset));
  execFileSync('gdal_translate', [...args, bin, tif]);
  return tif;
}

async function importTiff(kind: RasterKind, file: string, extra: { fvcScale?: 'fraction' | 'percent' } = {}) {
  const out = await importRasterFile(t.ctx.db, fileStore, createReadStream(file), {
    kind,
    year: 2024,
    source: 'test',
    fileName: path.basename(file),
    ...extra,
  });
  expect(out.status).toBe('ready');
  return out.datasetId;
}

async function zonal(id: number, query: string) {
  const res = await app.inject({ method: 'GET', url: `/v1/rasters/${id}/zonal?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { results: { regionCode: string; mean: number | null; min: number | null; max: number | null; validAreaKm2: number; pixels: number }[] };
}

const box = (lon1: number, lon2: number, lat1: number, lat2: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [lon1, lat1],
      [lon2, lat1],
      [lon2, lat2],
      [lon1, lat2],
      [lon1, lat1],
    ],
  ],
});

/** Lon/lat of points given in the Albers CRS (gdaltransform, i.e. PROJ). */
function albersToLonLat(pts: [number, number][]): [number, number][] {
  const out = execFileSync('gdaltransform', ['-s_srs', ALBERS, '-t_srs', '+proj=longlat +datum=WGS84 +no_defs', '-output_xy'], {
    input: `${pts.map((p) => `${p[0]} ${p[1]}`).join('\n')}\n`,
  })
    .toString()
    .trim()
    .split('\n');
  return out.map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
}

// The geographic grid: 0.1° pixels over lon 124–127, lat 40–50 (30 × 100)
const G = { w: 30, h: 100, lon0: 124, lat0: 50, d: 0.1 };
const centreLat = (row: number) => G.lat0 - (row + 0.5) * G.d;
const centreLon = (col: number) => G.lon0 + (col + 0.5) * G.d;
// zone BAND: lon 124.52–126.48, lat 41.03–48.97 → pixel centres lon 124.55…126.45 (20), lat 41.05…48.95 (80)
const BAND = { lon1: 124.52, lon2: 126.48, lat1: 41.03, lat2: 48.97 };
const inBand = (c: number, r: number) => centreLon(c) > BAND.lon1 && centreLon(c) < BAND.lon2 && centreLat(r) > BAND.lat1 && centreLat(r) < BAND.lat2;
const cellArea = (r: number) => boxAreaM2(0, G.d, centreLat(r) - G.d / 2, centreLat(r) + G.d / 2);

// Albers grid: 1 km pixels, 200 × 150, upper-left corner at (1,500,000, 5,000,000)
const A = { w: 200, h: 150, x0: 1_500_000, y0: 5_000_000, px: 1000 };
// zone ALB: an Albers rectangle whose edges lie between pixel centres
const ALB = { x1: A.x0 + 20.3 * A.px, x2: A.x0 + 170.6 * A.px, y1: A.y0 - 130.2 * A.px, y2: A.y0 - 10.7 * A.px };

// Web Mercator grid (EPSG:3857): 2 km pixels, 300 × 300, upper-left (13,900,000, 5,800,000) ≈ 124.9° E, 46.2° N.
// Its pixel edges are meridians and parallels, so each pixel's ellipsoidal area is closed-form — and
// it changes by a third from the south row to the north row: a strong test of the lattice.
const M = { w: 300, h: 300, x0: 13_900_000, y0: 5_800_000, px: 2000, x1: 0, x2: 0, y1: 0, y2: 0 };
Object.assign(M, { x1: M.x0 + 20.3 * M.px, x2: M.x0 + 280.6 * M.px, y1: M.y0 - 290.2 * M.px, y2: M.y0 - 10.7 * M.px });
const mLon = (x: number) => (x / 6378137) * (180 / Math.PI);
const mLat = (y: number) => (Math.atan(Math.sinh(y / 6378137)) * 180) / Math.PI;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'rasters-zonal-'));
  fileStore = path.join(work, 'store');
  t = await createTestContext({ fileStoreDir: fileStore });
  app = await buildTestServer(t);
  await app.ready();
  const corners = albersToLonLat([
    [ALB.x1, ALB.y1],
    [ALB.x2, ALB.y1],
    [ALB.x2, ALB.y2],
    [ALB.x1, ALB.y2],
  ]);
  const regions: GeoJsonFeature[] = [
    {
      type: 'Feature',
      properties: { code: 'BAND', name: '纬度带', level: 'prefecture', parentCode: 'ALL' },
      geometry: box(BAND.lon1, BAND.lon2, BAND.lat1, BAND.lat2),
    },
    // the northern and southern halves of BAND, and ALL, which holds them all: overlapping zones
    { type: 'Feature', properties: { code: 'NORTH', name: '北', level: 'county', parentCode: 'BAND' }, geometry: box(BAND.lon1, BAND.lon2, 45.03, BAND.lat2) },
    { type: 'Feature', properties: { code: 'SOUTH', name: '南', level: 'county', parentCode: 'BAND' }, geometry: box(BAND.lon1, BAND.lon2, BAND.lat1, 45.03) },
    { type: 'Feature', properties: { code: 'ALL', name: '全部', level: 'province' }, geometry: box(123, 128, 39, 51) },
    { type: 'Feature', properties: { code: 'AWAY', name: '区外', level: 'prefecture', parentCode: 'ALL' }, geometry: box(60, 61, 10, 11) },
    {
      type: 'Feature',
      properties: { code: 'MERC', name: 'Mercator 矩形', level: 'prefecture' },
      geometry: box(mLon(M.x1), mLon(M.x2), mLat(M.y1), mLat(M.y2)),
    },
    {
      type: 'Feature',
      properties: { code: 'ALB', name: 'Albers 矩形', level: 'prefecture' },
      geometry: { type: 'Polygon', coordinates: [[...corners, corners[0]]] },
    },
  ];
  const res = await importLayer(t.ctx.db, regions, { kind: 'regions', year: 2024, source: 'test' });
  expect(res.rejected).toEqual([]);
  regionsId = res.datasetId;
}, 120_000);

afterAll(async () => {
  await app?.close();
  await t?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('area-true zonal statistics, golden cases', () => {
  it('a constant over a band of latitudes: the mean is the constant, the area that of the pixels’ cells on the ellipsoid', async () => {
    const tif = writeTiff('const', new Float32Array(G.w * G.h).fill(7.25), G.w, G.h, { srs: 'EPSG:4326', ullr: [124, 50, 127, 40] });
    const id = await importTiff('elevation', tif);
    const { results } = await zonal(id, 'regionCodes=BAND,AWAY');
    const [band, away] = results;
    expect(band.regionCode).toBe('BAND');
    expect(band.pixels).toBe(20 * 80);
    expect(band.mean).toBeCloseTo(7.25, 10);
    expect(band.min).toBe(7.25);
    expect(band.max).toBe(7.25);
    // the cells of the counted pixels form the box lon 124.5–126.5, lat 41–49
    const expected = boxAreaM2(124.5, 126.5, 41, 49) / 1e6;
    expect(Math.abs(band.validAreaKm2 - expected) / expected).toBeLessThan(1e-9);
    // a zone outside the raster: nothing counted
    expect(away).toMatchObject({ regionCode: 'AWAY', pixels: 0, mean: null, min: null, max: null, validAreaKm2: 0 });
  });

  it('value = latitude of the pixel centre: the mean is area-weighted (not the plain mean), over overlapping zones', async () => {
    const vals = new Float64Array(G.w * G.h);
    for (let r = 0; r < G.h; r++) for (let c = 0; c < G.w; c++) vals[r * G.w + c] = centreLat(r);
    const tif = writeTiff('lat', vals, G.w, G.h, { type: 'Float64', srs: 'EPSG:4326', ullr: [124, 50, 127, 40] });
    const id = await importTiff('elevation', tif);
    const expectFor = (pred: (c: number, r: number) => boolean) => {
      let sa = 0;
      let sva = 0;
      let plain = 0;
      let n = 0;
      for (let r = 0; r < G.h; r++) {
        for (let c = 0; c < G.w; c++) {
          if (!pred(c, r)) continue;
          const a = cellArea(r);
          sa += a;
          sva += centreLat(r) * a;
          plain += centreLat(r);
          n++;
        }
      }
      return { mean: sva / sa, plain: plain / n, areaKm2: sa / 1e6, n };
    };
    const { results } = await zonal(id, 'regionCodes=BAND,NORTH,SOUTH,ALL');
    const by = Object.fromEntries(results.map((x) => [x.regionCode, x]));
    const band = expectFor(inBand);
    expect(by.BAND.pixels).toBe(band.n);
    expect(Math.abs(by.BAND.mean! - band.mean)).toBeLessThan(1e-9);
    // the weighting matters: pixels shrink toward the pole, so the weighted mean lies south of the plain one
    expect(band.plain - band.mean).toBeGreaterThan(0.05);
    expect(Math.abs(by.BAND.mean! - band.plain)).toBeGreaterThan(0.05);
    expect(Math.abs(by.BAND.validAreaKm2 - band.areaKm2) / band.areaKm2).toBeLessThan(1e-9);
    const north = expectFor((c, r) => inBand(c, r) && centreLat(r) > 45.03);
    const south = expectFor((c, r) => inBand(c, r) && centreLat(r) < 45.03);
    const all = expectFor(() => true);
    expect(by.NORTH.pixels).toBe(north.n);
    expect(by.SOUTH.pixels).toBe(south.n);
    expect(by.ALL.pixels).toBe(G.w * G.h);
    expect(Math.abs(by.NORTH.mean! - north.mean)).toBeLessThan(1e-9);
    expect(Math.abs(by.SOUTH.mean! - south.mean)).toBeLessThan(1e-9);
    expect(Math.abs(by.ALL.mean! - all.mean)).toBeLessThan(1e-9);
    expect(by.ALL.min).toBeCloseTo(40.05, 9);
    expect(by.ALL.max).toBeCloseTo(49.95, 9);
    // the halves add up to the band
    expect(by.NORTH.pixels + by.SOUTH.pixels).toBe(by.BAND.pixels);
    expect(Math.abs(by.NORTH.validAreaKm2 + by.SOUTH.validAreaKm2 - by.BAND.validAreaKm2)).toBeLessThan(1e-6);
    // a second request reads the cache and answers the same
    expect((await zonal(id, 'regionCodes=BAND,NORTH,SOUTH,ALL')).results).toEqual(results);
  });

  it('nodata holes are left out of both sums', async () => {
    const NODATA = -9999;
    const vals = new Float32Array(G.w * G.h);
    const hole = (c: number, r: number) => (c * 7 + r * 3) % 5 === 0 || (r >= 30 && r < 40);
    for (let r = 0; r < G.h; r++) for (let c = 0; c < G.w; c++) vals[r * G.w + c] = hole(c, r) ? NODATA : c + 0.5;
    const tif = writeTiff('holes', vals, G.w, G.h, { srs: 'EPSG:4326', ullr: [124, 50, 127, 40], nodata: NODATA });
    const id = await importTiff('ndvi', tif);
    let sa = 0;
    let sva = 0;
    let n = 0;
    for (let r = 0; r < G.h; r++) {
      for (let c = 0; c < G.w; c++) {
        if (!inBand(c, r) || hole(c, r)) continue;
        sa += cellArea(r);
        sva += (c + 0.5) * cellArea(r);
        n++;
      }
    }
    const [band] = (await zonal(id, 'regionCodes=BAND')).results;
    expect(band.pixels).toBe(n);
    expect(n).toBeLessThan(1600);
    expect(Math.abs(band.validAreaKm2 - sa / 1e6) / (sa / 1e6)).toBeLessThan(1e-9);
    expect(Math.abs(band.mean! - sva / sa)).toBeLessThan(1e-9);
    expect(band.min).toBe(5.5);
    expect(band.max).toBe(24.5);
  });

  it('scale and offset are applied to the raw values (Int16 NDVI × 0.0001 − 0.1)', async () => {
    const vals = new Int16Array(G.w * G.h);
    for (let r = 0; r < G.h; r++) for (let c = 0; c < G.w; c++) vals[r * G.w + c] = r === 50 ? -3000 : 100 * c + r;
    const tif = writeTiff('scaled', vals, G.w, G.h, { type: 'Int16', srs: 'EPSG:4326', ullr: [124, 50, 127, 40], nodata: -3000, scale: 0.0001, offset: -0.1 });
    const id = await importTiff('ndvi', tif);
    let sa = 0;
    let sva = 0;
    let n = 0;
    let mn = Number.POSITIVE_INFINITY;
    let mx = Number.NEGATIVE_INFINITY;
    for (let r = 0; r < G.h; r++) {
      for (let c = 0; c < G.w; c++) {
        if (!inBand(c, r) || r === 50) continue;
        const v = (100 * c + r) * 0.0001 - 0.1;
        sa += cellArea(r);
        sva += v * cellArea(r);
        mn = Math.min(mn, v);
        mx = Math.max(mx, v);
        n++;
      }
    }
    const [band] = (await zonal(id, 'regionCodes=BAND')).results;
    expect(band.pixels).toBe(n);
    expect(Math.abs(band.mean! - sva / sa)).toBeLessThan(1e-9);
    expect(band.min).toBeCloseTo(mn, 12);
    expect(band.max).toBeCloseTo(mx, 12);
    const meta = (await app.inject({ method: 'GET', url: `/v1/rasters/${id}` })).json();
    expect(meta).toMatchObject({ status: 'ready', scale: 0.0001, offset: -0.1, nodata: -3000, bandType: 'Int16', crs: { epsg: 4326, geographic: true } });
  });

  it('a projected (Albers equal-area) raster: every pixel’s ellipsoidal area is the pixel’s square metres', async () => {
    const vals = new Float32Array(A.w * A.h);
    for (let r = 0; r < A.h; r++) for (let c = 0; c < A.w; c++) vals[r * A.w + c] = (c % 17) + r / 10;
    const tif = writeTiff('albers', vals, A.w, A.h, { srs: ALBERS, ullr: [A.x0, A.y0, A.x0 + A.w * A.px, A.y0 - A.h * A.px] });
    const id = await importTiff('elevation', tif);
    let n = 0;
    let sum = 0;
    for (let r = 0; r < A.h; r++) {
      for (let c = 0; c < A.w; c++) {
        const x = A.x0 + (c + 0.5) * A.px;
        const y = A.y0 - (r + 0.5) * A.px;
        if (x > ALB.x1 && x < ALB.x2 && y > ALB.y1 && y < ALB.y2) {
          n++;
          sum += Math.fround((c % 17) + r / 10);
        }
      }
    }
    expect(n).toBe(151 * 119);
    const [alb] = (await zonal(id, 'regionCodes=ALB')).results;
    expect(alb.pixels).toBe(n);
    // equal-area on the WGS84 ellipsoid: each pixel is exactly 1 km²
    expect(Math.abs(alb.validAreaKm2 - n) / n).toBeLessThan(1e-6);
    // equal areas: the weighted mean is the plain mean
    expect(Math.abs(alb.mean! - sum / n)).toBeLessThan(1e-6);
  });
});

describe('a conformal projection (Web Mercator)', () => {
  it('weights each pixel by its own ellipsoidal area (the lattice interpolation within 1e-6)', async () => {
    const vals = new Float32Array(M.w * M.h);
    for (let r = 0; r < M.h; r++) for (let c = 0; c < M.w; c++) vals[r * M.w + c] = r;
    const tif = writeTiff('merc', vals, M.w, M.h, { srs: 'EPSG:3857', ullr: [M.x0, M.y0, M.x0 + M.w * M.px, M.y0 - M.h * M.px] });
    const id = await importTiff('elevation', tif);
    let sa = 0;
    let sva = 0;
    let n = 0;
    let plain = 0;
    for (let r = 0; r < M.h; r++) {
      const yTop = M.y0 - r * M.px;
      const yBottom = yTop - M.px;
      const yc = yTop - M.px / 2;
      for (let c = 0; c < M.w; c++) {
        const xLeft = M.x0 + c * M.px;
        const xc = xLeft + M.px / 2;
        if (!(xc > M.x1 && xc < M.x2 && yc > M.y1 && yc < M.y2)) continue;
        const a = boxAreaM2(mLon(xLeft), mLon(xLeft + M.px), mLat(yBottom), mLat(yTop));
        sa += a;
        sva += r * a;
        plain += r;
        n++;
      }
    }
    expect(n).toBe(261 * 279);
    const [merc] = (await zonal(id, 'regionCodes=MERC')).results;
    expect(merc.pixels).toBe(n);
    expect(Math.abs(merc.validAreaKm2 - sa / 1e6) / (sa / 1e6)).toBeLessThan(1e-6);
    expect(Math.abs(merc.mean! - sva / sa)).toBeLessThan(1e-4);
    // southern rows (larger r) have larger pixels on the ground: the weighted mean is south of the plain one
    expect(sva / sa - plain / n).toBeGreaterThan(1);
  });
});

describe('strips', () => {
  it('reading the raster in strips of a few rows gives the same sums as in one strip', async () => {
    const vals = new Float64Array(A.w * A.h);
    for (let r = 0; r < A.h; r++) for (let c = 0; c < A.w; c++) vals[r * A.w + c] = Math.sin(c / 7) + r / 3;
    const tif = writeTiff('strips', vals, A.w, A.h, { type: 'Float64', srs: ALBERS, ullr: [A.x0, A.y0, A.x0 + A.w * A.px, A.y0 - A.h * A.px] });
    const id = await importTiff('elevation', tif);
    const { raster } = await readyRaster(t.ctx.db, fileStore, id);
    const zones = path.join(work, 'strip-zones.geojson');
    const corners = albersToLonLat([
      [ALB.x1, ALB.y1],
      [ALB.x2, ALB.y1],
      [ALB.x2, ALB.y2],
      [ALB.x1, ALB.y2],
    ]);
    writeFileSync(
      zones,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: { zid: 1 }, geometry: { type: 'Polygon', coordinates: [[...corners, corners[0]]] } }],
      }),
    );
    const one = await zonalStatistics(raster, [{ file: zones, keys: ['ALB'] }]);
    for (const rows of [31]) {
      const many = await zonalStatistics(raster, [{ file: zones, keys: ['ALB'] }], { stripBytes: rows * A.w * 8 });
      expect(many[0].pixels).toBe(one[0].pixels);
      expect(Math.abs(many[0].validAreaM2 - one[0].validAreaM2) / one[0].validAreaM2).toBeLessThan(1e-12);
      expect(Math.abs(many[0].mean! - one[0].mean!)).toBeLessThan(1e-9);
    }
    expect(one[0].pixels).toBe(151 * 119);
  });
});

describe('land-cover rasters', () => {
  it('give the area of each class code in a zone, named by the class table (CLCD codes by default)', async () => {
    // columns 0–14: 2 (forest), 15–29: 4 (grassland); row 20: 9 (wetland)
    const vals = new Float32Array(G.w * G.h);
    for (let r = 0; r < G.h; r++) for (let c = 0; c < G.w; c++) vals[r * G.w + c] = r === 20 ? 9 : c < 15 ? 2 : 4;
    const tif = writeTiff('lc', vals, G.w, G.h, { srs: 'EPSG:4326', ullr: [124, 50, 127, 40] });
    const id = await importTiff('land-cover', tif);
    const expected = new Map<number, { area: number; n: number }>();
    for (let r = 0; r < G.h; r++) {
      for (let c = 0; c < G.w; c++) {
        if (!inBand(c, r)) continue;
        const code = vals[r * G.w + c];
        const e = expected.get(code) ?? { area: 0, n: 0 };
        e.area += cellArea(r);
        e.n++;
        expected.set(code, e);
      }
    }
    const [band] = (await zonal(id, 'regionCodes=BAND')).results as unknown as {
      classes: { code: number; class: string; areaKm2: number; pixels: number }[];
    }[];
    expect(band.classes.map((x) => [x.code, x.class, x.pixels])).toEqual([
      [2, 'forest', expected.get(2)!.n],
      [4, 'grassland', expected.get(4)!.n],
      [9, 'wetland', expected.get(9)!.n],
    ]);
    for (const x of band.classes) expect(Math.abs(x.areaKm2 - expected.get(x.code)!.area / 1e6)).toBeLessThan(1e-6);
  });
});

describe('zones', () => {
  it('names the unknown codes, refuses a non-polygon layer and answers 404 for an unknown raster', async () => {
    const tif = writeTiff('z', new Float32Array(G.w * G.h).fill(1), G.w, G.h, { srs: 'EPSG:4326', ullr: [124, 50, 127, 40] });
    const id = await importTiff('elevation', tif);
    const bad = await app.inject({ method: 'GET', url: `/v1/rasters/${id}/zonal?regionCodes=BAND,NOPE` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.errors[0]).toMatchObject({ field: 'regionCodes', code: 'UNKNOWN_CODE' });
    expect(bad.json().error.details.errors[0].message).toContain('NOPE');
    const none = await app.inject({ method: 'GET', url: `/v1/rasters/99999/zonal?regionCodes=BAND` });
    expect(none.statusCode).toBe(404);
    // the regions dataset named explicitly; and the same dataset as a generic layer
    const a = await zonal(id, `regionCodes=BAND&regions=${regionsId}`);
    const b = await zonal(id, `regionCodes=BAND&layer=${regionsId}`);
    expect(a.results[0].pixels).toBe(1600);
    expect(b.results).toEqual(a.results);
    const plots = await importLayer(
      t.ctx.db,
      [
        {
          type: 'Feature',
          properties: { plotId: 'P1', grasslandType: '温性草原', vegetationCover: 60, surveyDate: '2024-07-01' },
          geometry: { type: 'Point', coordinates: [125, 45] },
        },
      ],
      { kind: 'grassland-plots', year: 2024, source: 'test' },
    );
    const pts = await app.inject({ method: 'GET', url: `/v1/rasters/${id}/zonal?layer=${plots.datasetId}` });
    expect(pts.statusCode).toBe(400);
    expect(pts.json().error.details.errors[0]).toMatchObject({ field: 'layer', code: 'NOT_POLYGON_LAYER' });
  });

  it('protected areas as zones (?layer=), overlapping ones each counted whole', async () => {
    const tif = writeTiff('pa', new Float32Array(G.w * G.h).fill(3), G.w, G.h, { srs: 'EPSG:4326', ullr: [124, 50, 127, 40] });
    const id = await importTiff('fvc', tif);
    const pa = await importLayer(
      t.ctx.db,
      [
        {
          type: 'Feature',
          properties: { id: 'PA-1', name: '保护区一', designation: 'nature_reserve', status: 'designated', establishedYear: 2000 },
          geometry: box(124.52, 125.48, 41.03, 42.97),
        },
        {
          type: 'Feature',
          properties: { id: 'PA-2', name: '保护区二', designation: 'national_park', status: 'designated', establishedYear: 2021 },
          geometry: box(125.02, 125.98, 42.03, 43.97),
        },
      ],
      { kind: 'protected-areas', year: 2024, source: 'test' },
    );
    const { results } = await zonal(id, `layer=${pa.datasetId}`);
    expect(results.map((r) => [r.regionCode, r.pixels])).toEqual([
      ['PA-1', 10 * 20],
      ['PA-2', 10 * 20],
    ]);
    expect(Math.abs(results[0].validAreaKm2 - boxAreaM2(124.5, 125.5, 41, 43) / 1e6)).toBeLessThan(1e-6);
    expect(Math.abs(results[1].validAreaKm2 - boxAreaM2(125, 126, 42, 44) / 1e6)).toBeLessThan(1e-6);
    // a percent-looking maximum (3 > 1) makes the FVC scale percent
    expect((await app.inject({ method: 'GET', url: `/v1/rasters/${id}` })).json().fvcScale).toBe('percent');
  });
});

describe('PNG tiles and legend', () => {
  it('colours the raster with the kind’s ramp, transparent outside it and over nodata; the legend says the ramp', async () => {
    // NDVI 0.6 over lon 124–127, lat 40–50, with a nodata stripe (rows 40–49: lat 45–46)
    const vals = new Float32Array(G.w * G.h);
    for (let r = 0; r < G.h; r++) for (let c = 0; c < G.w; c++) vals[r * G.w + c] = r >= 40 && r < 50 ? -1 : 0.6;
    const tif = writeTiff('tile', vals, G.w, G.h, { srs: 'EPSG:4326', ullr: [124, 50, 127, 40], nodata: -1 });
    const id = await importTiff('ndvi', tif);
    // tile 6/54/23: lon 123.75–129.375, lat ≈ 40.98–45.09
    const res = await app.inject({ method: 'GET', url: `/tiles/rasters/${id}/6/54/23.png` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    const png = PNG.sync.read(res.rawPayload);
    expect([png.width, png.height]).toEqual([256, 256]);
    const at = (lon: number, lat: number) => {
      const z = 6;
      const px = Math.floor((((lon + 180) / 360) * 2 ** z - 54) * 256);
      const m = Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
      const py = Math.floor((((1 - m / Math.PI) / 2) * 2 ** z - 23) * 256);
      const i = (py * 256 + px) * 4;
      return [...png.data.subarray(i, i + 4)];
    };
    // 0.6 is a stop of the NDVI ramp: #5ab4ac
    expect(at(125.5, 43)).toEqual([0x5a, 0xb4, 0xac, 255]);
    expect(at(128.5, 43)[3]).toBe(0); // east of the raster
    expect(at(125.5, 45.06)[3]).toBe(0); // the nodata stripe
    expect(at(125.5, 44.9)).toEqual([0x5a, 0xb4, 0xac, 255]);
    // a tile far away is transparent; one of the nodata stripe (lat 45–46) is too
    const far = PNG.sync.read((await app.inject({ method: 'GET', url: `/tiles/rasters/${id}/6/10/10.png` })).rawPayload);
    expect(far.data.every((v, i) => i % 4 !== 3 || v === 0)).toBe(true);
    const legend = (await app.inject({ method: 'GET', url: `/tiles/rasters/${id}/legend.json` })).json();
    expect(legend).toMatchObject({ rasterId: id, kind: 'ndvi', type: 'ramp' });
    expect(legend.stops).toContainEqual({ value: 0.6, color: '#5ab4ac' });
    expect((await app.inject({ method: 'GET', url: `/tiles/rasters/${id}/6/64/0.png` })).statusCode).toBe(400);
  });
});
