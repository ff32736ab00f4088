import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importLayer } from '@biomon/layers';
import { importRasterFile } from '@biomon/rasters';
import { createIndicatorRun, executeIndicatorRun, getIndicatorRun, type ResultOut } from '@biomon/indicators';
import { SYSTEM_VIEWER } from '@biomon/sensitive';
import type { Actor } from '@biomon/auth';
import { createTestContext, type TestContext } from '../../support/test-db';
import { boxAreaM2, boxPolygon as box } from '../../support/ellipsoid';

// grassland_vegetation_cover_rs (issue 18) on a small NDVI GeoTIFF written here: 0.1° pixels over
// lon 120–121, lat 40–41 (10 × 10, Float32), NDVI = 0.1 + 0.07·col + 0.003·row, one nodata pixel
// inside the grassland. Every polygon edge lies between pixel centres, so the set of mask pixels is
// unambiguous; each pixel's weight is its closed-form ellipsoidal area (support/ellipsoid.ts). The
// expected values (area-weighted percentiles, FVC, least squares) are computed here from those.

let t: TestContext;
let work: string;
const ds: Record<string, number> = {};
let ndviId: number;
const actor: Actor = { tokenId: null, role: 'evaluator', label: 'test' };
const feature = (geometry: unknown, properties: Record<string, unknown>) => ({ type: 'Feature' as const, geometry: geometry as never, properties });

const W = 10;
const H = 10;
const D = 0.1;
const NODATA = -9999;
const HOLE = { c: 2, r: 5 };
const ndviOf = (c: number, r: number) => Math.fround(0.1 + 0.07 * c + 0.003 * r);
const centreLon = (c: number) => 120 + (c + 0.5) * D;
const centreLat = (r: number) => 41 - (r + 0.5) * D;
const areaOf = (r: number) => boxAreaM2(0, D, centreLat(r) - D / 2, centreLat(r) + D / 2);
// grassland: lon 120.02–120.68 (pixel columns 0..6), lat 40.22–40.58 (rows 4..7)
const GRASS = { lon1: 120.02, lon2: 120.68, lat1: 40.22, lat2: 40.58 };

interface Px {
  c: number;
  r: number;
  v: number;
  a: number;
}
const mask: Px[] = [];
for (let r = 0; r < H; r++)
  for (let c = 0; c < W; c++) {
    if (c === HOLE.c && r === HOLE.r) continue;
    const lon = centreLon(c);
    const lat = centreLat(r);
    if (lon > GRASS.lon1 && lon < GRASS.lon2 && lat > GRASS.lat1 && lat < GRASS.lat2) mask.push({ c, r, v: ndviOf(c, r), a: areaOf(r) });
  }

/** The smallest value whose pixels with value ≤ it hold ≥ p of the area (written independently of the code). */
function percentile(p: number): number {
  const sorted = [...mask].sort((x, y) => x.v - y.v);
  const total = sorted.reduce((s, x) => s + x.a, 0);
  let acc = 0;
  for (const x of sorted) {
    acc += x.a;
    if (acc >= p * total - 1e-6) return x.v;
  }
  return sorted[sorted.length - 1].v;
}

const meanOver = (pixels: Px[], f: (v: number) => number) => pixels.reduce((s, x) => s + f(x.v) * x.a, 0) / pixels.reduce((s, x) => s + x.a, 0);
const inTA = (x: Px) => centreLon(x.c) < 120.5;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'grassland-rs-'));
  t = await createTestContext({ fileStoreDir: path.join(work, 'store') });
  const values = new Float32Array(W * H);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) values[r * W + c] = c === HOLE.c && r === HOLE.r ? NODATA : ndviOf(c, r);
  writeFileSync(path.join(work, 'ndvi.bin'), Buffer.from(values.buffer));
  writeFileSync(
    path.join(work, 'ndvi.hdr'),
    `ENVI\nsamples = ${W}\nlines = ${H}\nbands = 1\nheader offset = 0\nfile type = ENVI Standard\ndata type = 4\ninterleave = bsq\nbyte order = 0\n`,
  );
  const tif = path.join(work, 'ndvi.tif');
  execFileSync('gdal_translate', [
    '-q',
    '-of',
    'GTiff',
    '-a_srs',
    'EPSG:4326',
    '-a_ullr',
    '120',
    '41',
    '121',
    '40',
    '-a_nodata',
    String(NODATA),
    path.join(work, 'ndvi.bin'),
    tif,
  ]);
  const imported = await importRasterFile(t.ctx.db, t.ctx.config.fileStoreDir, createReadStream(tif), {
    kind: 'ndvi',
    year: 2020,
    source: 'test',
    fileName: 'ndvi.tif',
  });
  expect(imported.status).toBe('ready');
  ndviId = imported.datasetId;

  const imp = async (kind: Parameters<typeof importLayer>[2]['kind'], features: ReturnType<typeof feature>[], year = 2020) => {
    ds[kind] = (await importLayer(t.ctx.db, features, { kind, year })).datasetId;
  };
  await imp('regions', [
    feature(box(120, 121, 40, 41), { code: 'T0', name: '测试省', level: 'province' }),
    feature(box(120, 120.5, 40, 41), { code: 'TA', name: '甲市', level: 'prefecture', parentCode: 'T0' }),
    feature(box(120.5, 121, 40, 41), { code: 'TB', name: '乙市', level: 'prefecture', parentCode: 'T0' }),
    feature(box(120.82, 120.98, 40.82, 40.98), { code: 'TN', name: '无草原区', level: 'priority_area' }),
  ]);
  await imp('land-cover', [
    feature(box(GRASS.lon1, GRASS.lon2, GRASS.lat1, GRASS.lat2), { class: 'grassland', grasslandType: '温性草原' }),
    feature(box(120.02, 120.98, 40.62, 40.98), { class: 'forest' }), // NDVI here is not grassland: never counted
    feature(box(120.72, 120.98, 40.02, 40.58), { class: 'cropland' }),
  ]);
  const plot = (id: string, c: number, r: number, cover: number, date = '2024-07-15') =>
    feature(
      { type: 'Point', coordinates: [centreLon(c) + 0.013, centreLat(r) - 0.021] },
      { plotId: id, grasslandType: '温性草原', vegetationCover: cover, surveyDate: date },
    );
  await imp('grassland-plots', [
    plot('p1', 1, 5, 40),
    plot('p2', 3, 6, 55),
    plot('p3', 5, 4, 70),
    plot('p4', 6, 7, 62),
    plot('p5', HOLE.c, HOLE.r, 99), // on the nodata pixel: not used
    plot('p6', 4, 4, 10, '2022-07-15'), // another year: not used
  ]);
});
afterAll(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

async function run(year: number) {
  const { runId } = await createIndicatorRun(t.ctx.db, { year, indicators: ['grassland_vegetation_cover_rs'], datasets: { regions: ds.regions } }, actor);
  expect(await executeIndicatorRun(t.ctx.db, runId, undefined, { fileStoreDir: t.ctx.config.fileStoreDir })).toBe('completed');
  const out = (await getIndicatorRun(t.ctx.db, runId, SYSTEM_VIEWER))!;
  return { out, get: (region: string) => out.results.find((r) => r.indicator === 'grassland_vegetation_cover_rs' && r.regionCode === region) as ResultOut };
}

const near = (actual: number | null, expected: number, tol = 1e-9) => {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
};

describe('grassland_vegetation_cover_rs', () => {
  it('the mask is what the test expects (28 pixels less the nodata one)', () => {
    expect(mask).toHaveLength(7 * 4 - 1);
  });

  it('dichotomy where the year has no plots: area-weighted 5th/95th percentiles, clamped FVC, area-weighted mean per region', async () => {
    const r = await run(2023);
    expect(r.out.datasets.ndvi).toBe(ndviId);
    const soil = percentile(0.05);
    const veg = percentile(0.95);
    const fvc = (v: number) => Math.min(1, Math.max(0, (v - soil) / (veg - soil))) * 100;
    const t0 = r.get('T0');
    expect(t0.details).toMatchObject({ method: 'dichotomy', maskPixels: mask.length, nPlots: 0 });
    near(t0.details.ndviSoil as number, soil);
    near(t0.details.ndviVeg as number, veg);
    near(t0.value, meanOver(mask, fvc));
    near(r.get('TA').value, meanOver(mask.filter(inTA), fvc));
    near(
      r.get('TB').value,
      meanOver(
        mask.filter((x) => !inTA(x)),
        fvc,
      ),
    );
    near(t0.denominator, mask.reduce((s, x) => s + x.a, 0) / 1e6);
    // the plot-free percentiles are mask pixels, not the extremes of the raster
    expect(soil).toBeGreaterThan(ndviOf(0, 4) - 1e-9);
    expect(r.get('TA').value!).toBeLessThan(r.get('TB').value!);
  });

  it('regression where the year has plots: least squares of cover on the NDVI of each plot pixel (a, b, R², n)', async () => {
    const r = await run(2024);
    const pts = [
      { v: ndviOf(1, 5), y: 40 },
      { v: ndviOf(3, 6), y: 55 },
      { v: ndviOf(5, 4), y: 70 },
      { v: ndviOf(6, 7), y: 62 },
    ];
    const n = pts.length;
    const mx = pts.reduce((s, p) => s + p.v, 0) / n;
    const my = pts.reduce((s, p) => s + p.y, 0) / n;
    const sxx = pts.reduce((s, p) => s + (p.v - mx) ** 2, 0);
    const sxy = pts.reduce((s, p) => s + (p.v - mx) * (p.y - my), 0);
    const syy = pts.reduce((s, p) => s + (p.y - my) ** 2, 0);
    const b = sxy / sxx;
    const a = my - b * mx;
    const r2 = (sxy * sxy) / (sxx * syy);
    const t0 = r.get('T0');
    expect(t0.details).toMatchObject({ method: 'regression', nPlots: 4 });
    near(t0.details.a as number, a, 1e-7);
    near(t0.details.b as number, b, 1e-7);
    near(t0.details.r2 as number, r2, 1e-9);
    const fvc = (v: number) => Math.min(100, Math.max(0, a + b * v));
    near(t0.value, meanOver(mask, fvc), 1e-7);
    near(r.get('TA').value, meanOver(mask.filter(inTA), fvc), 1e-7);
    near(
      r.get('TB').value,
      meanOver(
        mask.filter((x) => !inTA(x)),
        fvc,
      ),
      1e-7,
    );
  });

  it('a region without grassland pixels has no value, with the reason in Chinese and English', async () => {
    const r = await run(2024);
    const tn = r.get('TN');
    expect(tn.value).toBeNull();
    expect(tn.reasonCode).toBe('NO_GRASSLAND_PIXELS');
    expect(tn.reasonZh).toMatch(/草原像元/);
    expect(tn.reasonEn).toBe('no grassland pixel with an NDVI value in the region');
  });

  it('without an NDVI raster of the year or earlier, every region says which dataset is missing', async () => {
    const r = await run(2019);
    expect(r.out.datasets.ndvi).toBeNull();
    expect(r.get('T0')).toMatchObject({ value: null, reasonCode: 'DATASET_MISSING', reasonParams: { kind: 'ndvi' } });
  });
});
