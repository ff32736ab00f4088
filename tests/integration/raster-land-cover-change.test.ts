import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { importLayer } from '@biomon/layers';
import { importRasterFile, type RasterKind } from '@biomon/rasters';
import { computeRasterLandCoverChange, rasterPairForNewVersion, resolveRasterChangePair } from '@biomon/indicators';
import { evaluateAlerts } from '@biomon/alerts';
import { sql } from '@biomon/db';
import { startWorker, type RunningWorker } from '@biomon/worker';
import pino from 'pino';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { boxAreaM2, boxPolygon as box } from '../support/ellipsoid';

// Land-cover change between two land-cover RASTERS (issue 18) with a known transition matrix. The
// rasters are written here (raw bytes + an ENVI header, then gdal_translate to GeoTIFF) on a
// geographic grid of 0.01° pixels, lon 126.00–126.20 × lat 43.00–43.10 (20 × 10). Every expected
// figure is computed here, pixel by pixel: a pixel counts for a zone when its centre lies in it and
// weighs its cell's closed-form ellipsoidal area (support/ellipsoid.ts, not the code's pixel-area.ts).
//
// 2020 (CLCD codes, the default class table; nodata 255): forest west of 126.10, cropland east;
//   nodata at (row 0, cols 0–1); code 6 (other) at (row 9, col 15).
// 2024 (its own class table 10 forest, 20 cropland, 30 grassland; nodata 255): forest cols 0–4,
//   cropland 5–9 (forest lost), forest 10–14 (gained), cropland 15–19; nodata at (row 9, col 19);
//   code 77 (mapped to no class) at (row 5, col 7); grassland at (row 3, col 3).
// 2022 (a coarser grid, 0.02° over lon 125.98–126.22 × lat 42.98–43.12): forest west of 126.06,
//   grassland east, one nodata pixel — warped onto the 2020 grid (nearest neighbour).
// Regions: T0 the whole grid, TA its west half (overlapping zones). Protected areas: P1 and P2
// (overlapping, counted: their union counts once), BIO (biosphere reserve) and FUT (established
// 2030): never counted. Zone edges lie between pixel centres.

let t: TestContext;
let app: FastifyInstance;
let work: string;
let fileStore: string;
const ids: Record<string, number> = {};

const G = { w: 20, h: 10, lon0: 126.0, lat0: 43.1, d: 0.01 };
const cLon = (c: number) => G.lon0 + (c + 0.5) * G.d;
const cLat = (r: number) => G.lat0 - (r + 0.5) * G.d;
const pixelArea = (r: number) => boxAreaM2(0, G.d, G.lat0 - (r + 1) * G.d, G.lat0 - r * G.d);
const inBox = (b: [number, number, number, number]) => (c: number, r: number) => cLon(c) > b[0] && cLon(c) < b[1] && cLat(r) > b[2] && cLat(r) < b[3];

const P1: [number, number, number, number] = [126.043, 126.117, 43.022, 43.078];
const P2: [number, number, number, number] = [126.083, 126.137, 43.042, 43.098];
const ZONES = {
  T0: (_c: number, _r: number) => true,
  TA: (c: number, _r: number) => c < 10,
  P1: inBox(P1),
  P2: inBox(P2),
};
const inUnion = (c: number, r: number) => ZONES.P1(c, r) || ZONES.P2(c, r);

const CLCD: Record<number, string> = { 1: 'cropland', 2: 'forest', 3: 'shrub', 4: 'grassland', 5: 'water', 6: 'other', 7: 'bare', 8: 'built', 9: 'wetland' };
const OWN: Record<number, string> = { 10: 'forest', 20: 'cropland', 30: 'grassland' };

const code2020 = (c: number, r: number) => (r === 0 && c < 2 ? 255 : r === 9 && c === 15 ? 6 : c < 10 ? 2 : 1);
const code2024 = (c: number, r: number) =>
  r === 9 && c === 19 ? 255 : r === 5 && c === 7 ? 77 : r === 3 && c === 3 ? 30 : c < 5 ? 10 : c < 10 ? 20 : c < 15 ? 10 : 20;
// the coarse 2022 raster: 12 × 7 pixels of 0.02°
const C = { w: 12, h: 7, lon0: 125.98, lat0: 43.12, d: 0.02 };
const code2022coarse = (k: number, j: number) => (k === 5 && j === 3 ? 255 : C.lon0 + (k + 0.5) * C.d < 126.06 ? 2 : 4);
/** the class of the coarse pixel under the centre of fine pixel (c, r) */
const code2022at = (c: number, r: number) => code2022coarse(Math.floor((cLon(c) - C.lon0) / C.d), Math.floor((C.lat0 - cLat(r)) / C.d));

/** Expected transitions (from>to → m²) of a zone: pixels valid in both rasters, centre in the zone. */
function expected(
  from: (c: number, r: number) => string | undefined,
  to: (c: number, r: number) => string | undefined,
  zone: (c: number, r: number) => boolean,
) {
  const m = new Map<string, number>();
  for (let r = 0; r < G.h; r++) {
    for (let c = 0; c < G.w; c++) {
      const a = from(c, r);
      const b = to(c, r);
      if (!a || !b || !zone(c, r)) continue;
      const k = `${a}>${b}`;
      m.set(k, (m.get(k) ?? 0) + pixelArea(r));
    }
  }
  return m;
}
const from2020 = (c: number, r: number) => CLCD[code2020(c, r)];
const to2024 = (c: number, r: number) => OWN[code2024(c, r)];
const to2022 = (c: number, r: number) => CLCD[code2022at(c, r)];
// the 2021 raster covers the west half only (cols 0–9), all shrub
const to2021 = (c: number, _r: number) => (c < 10 ? 'shrub' : undefined);

function writeByteTiff(
  name: string,
  w: number,
  h: number,
  value: (c: number, r: number) => number,
  ullr: [number, number, number, number],
  nodata: number | null = 255,
): string {
  const raw = new Uint8Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) raw[r * w + c] = value(c, r);
  const bin = path.join(work, `${name}.bin`);
  writeFileSync(bin, raw);
  writeFileSync(
    path.join(work, `${name}.hdr`),
    `ENVI\nsamples = ${w}\nlines = ${h}\nbands = 1\nheader offset = 0\nfile type = ENVI Standard\ndata type = 1\ninterleave = bsq\nbyte order = 0\n`,
  );
  const tif = path.join(work, `${name}.tif`);
  const nd = nodata === null ? [] : ['-a_nodata', String(nodata)];
  execFileSync('gdal_translate', ['-q', '-of', 'GTiff', '-a_srs', 'EPSG:4326', '-a_ullr', ...ullr.map(String), ...nd, bin, tif]);
  return tif;
}

async function importTiff(kind: RasterKind, file: string, year: number, classMap?: Record<string, string>) {
  const out = await importRasterFile(t.ctx.db, fileStore, createReadStream(file), { kind, year, source: 'test', fileName: path.basename(file), classMap });
  expect(out.status).toBe('ready');
  return out.datasetId;
}

type Row = { scope: string; scope_code: string; from_class: string; to_class: string; area_m2: number };
async function storedRows(changeId: number): Promise<Row[]> {
  return (
    await sql<Row>`SELECT scope, scope_code, from_class, to_class, area_m2 FROM land_cover_transitions WHERE change_id = ${changeId}
      ORDER BY scope, scope_code, from_class, to_class`.execute(t.ctx.db)
  ).rows;
}
/** The stored matrix of one zone equals the expected one: same cells, areas to 1e-9 (same closed form, other summing order). */
function expectMatrix(rows: Row[], scope: string, code: string, want: Map<string, number>) {
  const got = new Map(rows.filter((r) => r.scope === scope && r.scope_code === code).map((r) => [`${r.from_class}>${r.to_class}`, r.area_m2]));
  expect([...got.keys()].sort(), `${scope} ${code}`).toEqual([...want.keys()].sort());
  for (const [k, v] of want) expect(Math.abs(got.get(k)! - v), `${scope} ${code} ${k}`).toBeLessThan(v * 1e-9 + 1e-6);
}
const ha = (m2: number) => m2 / 1e4;
type Cell = { from: string; to: string; areaHa: number };
const asMap = (cells: Cell[]) => new Map(cells.map((c) => [`${c.from}>${c.to}`, c.areaHa]));

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'raster-lcc-'));
  fileStore = path.join(work, 'store');
  t = await createTestContext({ fileStoreDir: fileStore });
  const feature = (geometry: unknown, properties: Record<string, unknown>) => ({ type: 'Feature' as const, geometry: geometry as never, properties });
  ids.regions = (
    await importLayer(
      t.ctx.db,
      [
        feature(box(126.0, 126.2, 43.0, 43.1), { code: 'T0', name: '测试省', level: 'province' }),
        feature(box(126.0, 126.1, 43.0, 43.1), { code: 'TA', name: '甲市', level: 'prefecture', parentCode: 'T0' }),
      ],
      { kind: 'regions', year: 2020 },
    )
  ).datasetId;
  const pa = (b: [number, number, number, number], props: Record<string, unknown>) =>
    feature(box(b[0], b[1], b[2], b[3], 0.001), { status: 'designated', designation: 'nature_reserve', ...props });
  ids.pas = (
    await importLayer(
      t.ctx.db,
      [
        pa(P1, { id: 'P1', name: '甲保护区', establishedYear: 2000 }),
        pa(P2, { id: 'P2', name: '乙保护区', establishedYear: 2010 }),
        pa([126.0, 126.2, 43.0, 43.1], { id: 'BIO', name: '生物圈保护区', designation: 'biosphere_reserve', establishedYear: 1990 }),
        pa([126.0, 126.2, 43.0, 43.1], { id: 'FUT', name: '未来保护区', establishedYear: 2030 }),
      ],
      { kind: 'protected-areas', year: 2024 },
    )
  ).datasetId;
  const ullr: [number, number, number, number] = [G.lon0, G.lat0, G.lon0 + G.w * G.d, G.lat0 - G.h * G.d];
  ids.r2020 = await importTiff('land-cover', writeByteTiff('lc2020', G.w, G.h, code2020, ullr), 2020);
  ids.r2024 = await importTiff('land-cover', writeByteTiff('lc2024', G.w, G.h, code2024, ullr), 2024, {
    '10': 'forest',
    '20': 'cropland',
    '30': 'grassland',
  });
  ids.r2022 = await importTiff('land-cover', writeByteTiff('lc2022', C.w, C.h, code2022coarse, [C.lon0, C.lat0, C.lon0 + C.w * C.d, C.lat0 - C.h * C.d]), 2022);
  // 2021: shrub, no nodata value, on a 0.02° grid over the west half only (lon 126.0–126.1)
  ids.r2021 = await importTiff(
    'land-cover',
    writeByteTiff('lc2021', 5, 5, () => 3, [126.0, 43.1, 126.1, 43.0], null),
    2021,
  );
  ids.ndvi = await importTiff(
    'ndvi',
    writeByteTiff('ndvi', G.w, G.h, () => 100, ullr),
    2019,
  );
  app = await buildTestServer(t);
  await app.ready();
}, 180_000);

afterAll(async () => {
  await app?.close();
  await t?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('land-cover change between two rasters: the transition matrix', () => {
  it('GET /v1/land-cover/change?source=raster computes and stores the known matrix per region, inside the counted PAs and per PA', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/land-cover/change?source=raster&from=${ids.r2020}&to=${ids.r2024}` });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      source: 'raster',
      status: 'completed',
      methodVersion: 'lcc-raster-1',
      from: { datasetId: ids.r2020, year: 2020 },
      to: { datasetId: ids.r2024, year: 2024 },
      regionsDatasetId: ids.regions,
      protectedAreasDatasetId: ids.pas,
    });
    const change = await sql<{ id: number; source: string; from_dataset_id: number | null }>`
      SELECT id::int AS id, source, from_dataset_id FROM land_cover_changes WHERE from_raster_id = ${ids.r2020} AND to_raster_id = ${ids.r2024}`.execute(
      t.ctx.db,
    );
    expect(change.rows).toHaveLength(1);
    expect(change.rows[0]).toMatchObject({ source: 'raster', from_dataset_id: null });
    const rows = await storedRows(change.rows[0].id);
    for (const code of ['T0', 'TA'] as const) {
      expectMatrix(rows, 'region', code, expected(from2020, to2024, ZONES[code]));
      expectMatrix(
        rows,
        'region_pa',
        code,
        expected(from2020, to2024, (c, r) => ZONES[code](c, r) && inUnion(c, r)),
      );
    }
    expectMatrix(rows, 'pa', 'P1', expected(from2020, to2024, ZONES.P1));
    expectMatrix(rows, 'pa', 'P2', expected(from2020, to2024, ZONES.P2));
    // never counted: the biosphere reserve and the protected area established after 2024
    expect(new Set(rows.filter((r) => r.scope === 'pa').map((r) => r.scope_code))).toEqual(new Set(['P1', 'P2']));

    // the answer, in hectares (rounded to 0.01 ha), read from the same rows
    const t0 = body.regions.find((r: { code: string }) => r.code === 'T0');
    const want = expected(from2020, to2024, ZONES.T0);
    const got = asMap(t0.matrix);
    expect(new Set(got.keys())).toEqual(new Set(want.keys()));
    for (const [k, v] of want) expect(Math.abs(got.get(k)! - ha(v)), k).toBeLessThanOrEqual(0.0051);
    const loss = [...want].filter(([k]) => k.startsWith('forest>') && k !== 'forest>forest').reduce((s, [, v]) => s + v, 0);
    expect(Math.abs(t0.forestLossHa - ha(loss))).toBeLessThanOrEqual(0.0051);
    const p1 = body.protectedAreas.find((p: { id: string }) => p.id === 'P1');
    expect(Math.abs(p1.forestLossHa - ha(expected(from2020, to2024, ZONES.P1).get('forest>cropland')!))).toBeLessThanOrEqual(0.0051);
  });

  it('leaves out nodata in either raster and codes its class table does not map', async () => {
    const res = (await app.inject({ method: 'GET', url: `/v1/land-cover/change?source=raster&from=${ids.r2020}&to=${ids.r2024}&regionCodes=T0` })).json();
    const total = res.regions[0].matrix.reduce((s: number, c: Cell) => s + c.areaHa, 0);
    let all = 0;
    let excluded = 0;
    for (let r = 0; r < G.h; r++) {
      for (let c = 0; c < G.w; c++) {
        all += pixelArea(r);
        if (code2020(c, r) === 255 || code2024(c, r) === 255 || code2024(c, r) === 77) excluded += pixelArea(r);
      }
    }
    // four pixels out: two nodata of 2020, one nodata of 2024, one unmapped code of 2024
    expect(excluded).toBeGreaterThan(3.5 * pixelArea(0));
    expect(Math.abs(total - ha(all - excluded))).toBeLessThan(0.05);
    expect(Math.abs(total - ha(all))).toBeGreaterThan(ha(3 * pixelArea(0)));
    // code 6 of the default table (other) is a class, kept
    expect(asMap(res.regions[0].matrix).get('other>cropland')).toBeGreaterThan(0);
  });

  it('is idempotent: computing again (and concurrently) gives the same rows, one change row per pair', async () => {
    const pair = await resolveRasterChangePair(t.ctx.db, { from: ids.r2020, to: ids.r2024 });
    const before = await sql<{
      id: number;
    }>`SELECT id::int AS id FROM land_cover_changes WHERE source = 'raster' AND from_raster_id = ${ids.r2020} AND to_raster_id = ${ids.r2024}`.execute(
      t.ctx.db,
    );
    const rowsBefore = await storedRows(before.rows[0].id);
    const again = await computeRasterLandCoverChange(t.ctx.db, fileStore, pair);
    expect(again).toMatchObject({ changeId: before.rows[0].id, status: 'completed', computed: false });
    expect(await storedRows(before.rows[0].id)).toEqual(rowsBefore);
    // a fresh pair asked twice at once: computed once
    const fresh = await resolveRasterChangePair(t.ctx.db, { from: ids.r2020, to: ids.r2022 });
    const [a, b] = await Promise.all([computeRasterLandCoverChange(t.ctx.db, fileStore, fresh), computeRasterLandCoverChange(t.ctx.db, fileStore, fresh)]);
    expect(a.changeId).toBe(b.changeId);
    expect([a.computed, b.computed].filter(Boolean)).toHaveLength(1);
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM land_cover_changes WHERE source = 'raster'`.execute(t.ctx.db);
    expect(n.rows[0].n).toBe(2);
    const dup = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM (SELECT 1 FROM land_cover_transitions GROUP BY change_id, scope, scope_code, from_class, to_class HAVING count(*) > 1) x`.execute(
      t.ctx.db,
    );
    expect(dup.rows[0].n).toBe(0);
  });

  it('a to raster on another grid is warped onto the from grid by nearest neighbour: each pixel takes the class under its centre', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/land-cover/change?source=raster&from=${ids.r2020}&to=${ids.r2022}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'completed', to: { datasetId: ids.r2022, year: 2022 } });
    const change = await sql<{
      id: number;
    }>`SELECT id::int AS id FROM land_cover_changes WHERE from_raster_id = ${ids.r2020} AND to_raster_id = ${ids.r2022}`.execute(t.ctx.db);
    const rows = await storedRows(change.rows[0].id);
    for (const code of ['T0', 'TA'] as const) expectMatrix(rows, 'region', code, expected(from2020, to2022, ZONES[code]));
    expectMatrix(rows, 'pa', 'P1', expected(from2020, to2022, ZONES.P1));
    // the coarse nodata pixel (lon 126.08–126.10, lat 43.04–43.06) covers four fine pixels, left out
    const T0 = expected(from2020, to2022, ZONES.T0);
    const sum = [...T0.values()].reduce((s, v) => s + v, 0);
    const fourPixels = 2 * pixelArea(4) + 2 * pixelArea(5);
    const valid2020 = [...expected(from2020, from2020, ZONES.T0).values()].reduce((s, v) => s + v, 0);
    expect(Math.abs(valid2020 - fourPixels - sum)).toBeLessThan(1e-3);
  });

  it('a to raster without nodata covering part of the from grid: the from pixels outside it are left out', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/land-cover/change?source=raster&from=${ids.r2020}&to=${ids.r2021}` });
    expect(res.statusCode, res.body).toBe(200);
    const change = await sql<{
      id: number;
    }>`SELECT id::int AS id FROM land_cover_changes WHERE from_raster_id = ${ids.r2020} AND to_raster_id = ${ids.r2021}`.execute(t.ctx.db);
    const rows = await storedRows(change.rows[0].id);
    for (const code of ['T0', 'TA'] as const) expectMatrix(rows, 'region', code, expected(from2020, to2021, ZONES[code]));
    expectMatrix(rows, 'pa', 'P2', expected(from2020, to2021, ZONES.P2));
    expect(new Set(rows.map((r) => `${r.from_class}>${r.to_class}`))).toEqual(new Set(['forest>shrub']));
  });

  it('the change layer of a raster pair: its changed pixels as GeoJSON, summing to the matrix', async () => {
    const url = `/v1/land-cover/change/areas?source=raster&from=${ids.r2020}&to=${ids.r2024}`;
    const all = (await app.inject({ method: 'GET', url })).json();
    expect(all).toMatchObject({ type: 'FeatureCollection', source: 'raster', status: 'completed', truncated: false });
    type F = { geometry: { type: string; coordinates: number[][][][] }; properties: { from: string; to: string; areaHa: number; forestLoss: boolean } };
    const want = expected(from2020, to2024, ZONES.T0);
    const changed = [...want].filter(([k]) => k.split('>')[0] !== k.split('>')[1]);
    expect(new Set((all.features as F[]).map((f) => `${f.properties.from}>${f.properties.to}`))).toEqual(new Set(changed.map(([k]) => k)));
    for (const [k, v] of changed) {
      const s = (all.features as F[]).filter((f) => `${f.properties.from}>${f.properties.to}` === k).reduce((a, f) => a + f.properties.areaHa, 0);
      expect(Math.abs(s - ha(v)), k).toBeLessThan(0.02);
    }
    // forest lost: to cropland in columns 5–9 (lon 126.05–126.10), to grassland in one pixel (lon 126.03–126.04, lat 43.06–43.07)
    const loss = (await app.inject({ method: 'GET', url: `${url}&forestLoss=true` })).json().features as F[];
    expect(new Set(loss.map((f) => `${f.properties.from}>${f.properties.to}`))).toEqual(new Set(['forest>cropland', 'forest>grassland']));
    for (const f of loss) {
      expect(f.geometry.type).toBe('MultiPolygon');
      const xs = f.geometry.coordinates.flat(2).map((p) => p[0]);
      const ys = f.geometry.coordinates.flat(2).map((p) => p[1]);
      const [x0, x1] = f.properties.to === 'cropland' ? [126.05, 126.1] : [126.03, 126.04];
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(x0 - 1e-9);
      expect(Math.max(...xs)).toBeLessThanOrEqual(x1 + 1e-9);
      if (f.properties.to === 'grassland') expect([Math.min(...ys), Math.max(...ys)].map((y) => Math.round(y * 1e6) / 1e6)).toEqual([43.06, 43.07]);
    }
  });

  it('names the failing field: not a land-cover raster, unknown, the same raster twice, years not in order', async () => {
    const bad = async (q: string, field: string, code: string, status = 422) => {
      const r = await app.inject({ method: 'GET', url: `/v1/land-cover/change?source=raster&${q}` });
      expect(r.statusCode, q).toBe(status);
      const errs = r.json().error.details.errors as { field: string; code: string }[];
      expect(
        errs.some((e) => e.field === field && e.code === code),
        `${q}: ${JSON.stringify(errs)}`,
      ).toBe(true);
    };
    await bad(`from=${ids.ndvi}&to=${ids.r2024}`, 'from', 'NOT_LAND_COVER_RASTER');
    await bad(`from=${ids.r2020}&to=999999`, 'to', 'LAND_COVER_DATASET_UNKNOWN');
    await bad(`from=${ids.r2024}&to=${ids.r2024}`, 'to', 'LAND_COVER_SAME_DATASET');
    await bad(`from=${ids.r2024}&to=${ids.r2020}`, 'to', 'LAND_COVER_YEARS_ORDER');
    const r = await app.inject({ method: 'GET', url: `/v1/land-cover/change?source=pixels&from=${ids.r2020}&to=${ids.r2024}` });
    expect(r.statusCode).toBe(400);
  });

  it('a new land-cover raster is paired with the newest ready one of an earlier year', async () => {
    const p = await rasterPairForNewVersion(t.ctx.db, ids.r2024);
    expect(p?.key).toMatchObject({ source: 'raster', fromDatasetId: ids.r2022, toDatasetId: ids.r2024 });
    expect((await rasterPairForNewVersion(t.ctx.db, ids.r2022))?.key).toMatchObject({ fromDatasetId: ids.r2021, toDatasetId: ids.r2022 });
    expect((await rasterPairForNewVersion(t.ctx.db, ids.r2021))?.key).toMatchObject({ fromDatasetId: ids.r2020, toDatasetId: ids.r2021 });
    expect(await rasterPairForNewVersion(t.ctx.db, ids.r2020)).toBeNull();
    expect(await rasterPairForNewVersion(t.ctx.db, ids.ndvi)).toBeNull();
  });
});

describe('land-cover change between two rasters: forest_loss_in_protected_area', () => {
  it('fires once per protected area and year pair, never again when evaluated again', async () => {
    const s1 = await evaluateAlerts(t.ctx.db, { trigger: 'rules', rules: ['forest_loss_in_protected_area'] });
    const alerts = async () =>
      (
        await sql<{ subject_key: string; details: { forestLossHa: number; change: string; landCover: { source?: string } } }>`
          SELECT subject_key, details FROM alerts WHERE rule_code = 'forest_loss_in_protected_area' ORDER BY subject_key COLLATE "C"`.execute(t.ctx.db)
      ).rows;
    const first = await alerts();
    // forest lost inside P1 and P2 in 2020 → 2024 (both far above 5 ha), in 2020 → 2022 (forest east of
    // 126.06 became grassland) and in 2020 → 2021 (forest became shrub)
    const lossIn = (zone: (c: number, r: number) => boolean, to: (c: number, r: number) => string | undefined) =>
      [...expected(from2020, to, zone)].filter(([k]) => k.startsWith('forest>') && k !== 'forest>forest').reduce((s, [, v]) => s + v, 0);
    const want = new Map<string, number>();
    for (const [pa, zone] of [
      ['P1', ZONES.P1],
      ['P2', ZONES.P2],
    ] as const) {
      for (const [year, to] of [
        [2024, to2024],
        [2022, to2022],
        [2021, to2021],
      ] as const) {
        const m2 = lossIn(zone, to);
        if (m2 >= 5e4) want.set(`pa=${pa};from=2020;to=${year}`, m2);
      }
    }
    expect(want.has('pa=P1;from=2020;to=2024')).toBe(true);
    expect(first.map((a) => a.subject_key)).toEqual([...want.keys()].sort());
    expect(s1.forest_loss_in_protected_area?.opened).toBe(want.size);
    for (const a of first) {
      expect(Math.abs(a.details.forestLossHa - ha(want.get(a.subject_key)!)), a.subject_key).toBeLessThanOrEqual(0.0051);
      expect(a.details.landCover.source).toBe('raster');
      expect(a.details.change).toContain('source=raster');
    }
    const s2 = await evaluateAlerts(t.ctx.db, { trigger: 'rules', rules: ['forest_loss_in_protected_area'] });
    expect(s2.forest_loss_in_protected_area).toMatchObject({ opened: 0, updated: 0 });
    expect((await alerts()).map((a) => a.subject_key)).toEqual(first.map((a) => a.subject_key));
    // evaluators see them through the API
    const list = (await app.inject({ method: 'GET', url: '/v1/alerts?rule=forest_loss_in_protected_area', headers: await authAs(t, 'evaluator') })).json();
    expect(JSON.stringify(list)).toContain('甲保护区');
  });
});

describe('land-cover change between two rasters: a new raster through the worker', () => {
  let worker: RunningWorker | undefined;
  afterAll(async () => {
    await worker?.stop();
  });

  it('a land-cover raster that becomes ready is compared with the newest earlier one, and the rule evaluated', async () => {
    worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
    const ullr: [number, number, number, number] = [G.lon0, G.lat0, G.lon0 + G.w * G.d, G.lat0 - G.h * G.d];
    const r2026 = await importTiff(
      'land-cover',
      writeByteTiff('lc2026', G.w, G.h, () => 2, ullr),
      2026,
    );
    const r2027 = await importTiff(
      'land-cover',
      writeByteTiff('lc2027', G.w, G.h, () => 7, ullr),
      2027,
    );
    const waitFor = async <T>(f: () => Promise<T | undefined>): Promise<T> => {
      for (let i = 0; i < 2400; i++) {
        const v = await f();
        if (v !== undefined) return v;
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error('timed out');
    };
    const change = await waitFor(async () => {
      const r = await sql<{ from_raster_id: string }>`
        SELECT from_raster_id::text FROM land_cover_changes WHERE source = 'raster' AND to_raster_id = ${r2027} AND status = 'completed'`.execute(t.ctx.db);
      return r.rows[0];
    });
    expect(Number(change.from_raster_id)).toBe(r2026);
    const alerts = await waitFor(async () => {
      const r = await sql<{ subject_key: string; details: { forestLossHa: number } }>`
        SELECT subject_key, details FROM alerts WHERE rule_code = 'forest_loss_in_protected_area' AND subject_key LIKE '%from=2026;to=2027'
        ORDER BY subject_key`.execute(t.ctx.db);
      return r.rows.length === 2 ? r.rows : undefined;
    });
    // all forest in 2026, all bare in 2027: every pixel of P1 and of P2 lost
    expect(alerts.map((a) => a.subject_key)).toEqual(['pa=P1;from=2026;to=2027', 'pa=P2;from=2026;to=2027']);
    const all = (zone: (c: number, r: number) => boolean) =>
      expected(
        () => 'forest',
        () => 'bare',
        zone,
      ).get('forest>bare')!;
    expect(Math.abs(alerts[0].details.forestLossHa - ha(all(ZONES.P1)))).toBeLessThanOrEqual(0.0051);
    expect(Math.abs(alerts[1].details.forestLossHa - ha(all(ZONES.P2)))).toBeLessThanOrEqual(0.0051);
  }, 300_000);
});
