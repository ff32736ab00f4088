import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { sql } from '@biomon/db';
import { runSeeds } from '@biomon/seed';
import { createIndicatorRun, executeIndicatorRun } from '@biomon/indicators';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { checkRules, judge } from '@biomon/screening';
import { toWgs84 } from '@biomon/layers';
import { projectScreeningSpecies } from '@biomon/sensitive';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';
import { waitFor } from '../support/alerts';
import { boxAreaM2, boxPolygon } from '../support/ellipsoid';
import { vincentyM } from '../support/geodesic';
import { metres, scanBody, type LonLat } from '../support/leaks';

// Project impact screening (issue 19). A test province with a nature reserve whose core zone the
// footprint crosses, a strip of natural wetland partly inside the reserve, and a tiger recorded 3 km
// east of the footprint. Expected areas are closed-form ellipsoidal areas of lon/lat boxes
// (tests/support/ellipsoid.ts), the distance a Vincenty geodesic — independent of PostGIS.

let t: TestContext;
let app: FastifyInstance;
let worker: RunningWorker;
const H: Record<string, Record<string, string>> = {};

// the footprint: lon 127.40–127.44, lat 43.50–43.52
const FP = { w: 127.4, e: 127.44, s: 43.5, n: 43.52 };
// the reserve: core zone lon 127.42–127.47, experimental zone lon 127.47–127.60 (lat 43.40–43.60)
const CORE = { w: 127.42, e: 127.47, s: 43.4, n: 43.6 };
const EXP = { w: 127.47, e: 127.6, s: 43.4, n: 43.6 };
// natural wetland: lon 127.30–127.44 on the footprint's latitudes
const WET = { w: 127.3, e: 127.44, s: 43.5, n: 43.52 };
// the tiger: 3 km east of the footprint's east edge, on its middle latitude (a point of the province's grid cell not near a vertex)
const MID = 43.51;
let TIGER: LonLat;

const box = (b: { w: number; e: number; s: number; n: number }) => boxPolygon(b.w, b.e, b.s, b.n);
const feature = (geometry: unknown, properties: Record<string, unknown>) => ({ type: 'Feature', geometry, properties });
const fc = (features: unknown[]) => ({ type: 'FeatureCollection', features });

/** The longitude 3 km east of (lon, lat) along the geodesic, by bisection on Vincenty. */
function eastBy(lon: number, lat: number, m: number): number {
  let lo = lon;
  let hi = lon + 0.1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (vincentyM(lon, lat, mid, lat) < m) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

async function upload(kind: string, body: unknown) {
  const res = await app.inject({ method: 'POST', url: `/v1/layers/${kind}?year=2026`, headers: H.admin, payload: body as Record<string, unknown> });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().datasetId as number;
}

async function screen(headers: Record<string, string>, payload: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/v1/screenings', headers, payload });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().screeningId as string;
}

async function completed(id: string, headers: Record<string, string>) {
  return waitFor(
    `screening ${id}`,
    async () => {
      const r = await app.inject({ method: 'GET', url: `/v1/screenings/${id}`, headers });
      expect(r.statusCode, r.body).toBe(200);
      const s = r.json();
      if (s.status === 'failed') throw new Error(`screening failed: ${s.error}`);
      return s.status === 'completed' ? s : null;
    },
    60_000,
  );
}

let ids: { main: string };

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
  H.admin = await authAs(t, 'admin');
  H.evaluator = await authAs(t, 'evaluator');
  H.surveyorA = await authAs(t, 'surveyor', { team: 'team-a' });
  H.planner = await authAs(t, 'surveyor', { team: 'planning' });
  const dept = await t.ctx.db.selectFrom('departments').select('id').where('name', '=', '省林草局').executeTakeFirstOrThrow();
  H.department = await authAs(t, 'department', { departmentId: dept.id });

  TIGER = [eastBy(FP.e, MID, 3000), MID];
  const prov = { w: 126, e: 129, s: 42, n: 45 };
  await upload('regions', fc([feature(box(prov), { code: 'T00000', name: '测试省', level: 'province' })]));
  await upload(
    'protected-areas',
    fc([
      feature(box(CORE), {
        id: 'NR-1-core',
        name: '测试自然保护区',
        designation: 'nature_reserve',
        level: 'national',
        status: 'designated',
        establishedYear: 2000,
        zone: '核心区',
      }),
      feature(box(EXP), {
        id: 'NR-1-exp',
        name: '测试自然保护区',
        designation: 'nature_reserve',
        level: 'national',
        status: 'designated',
        establishedYear: 2000,
        功能区: '实验区',
      }),
    ]),
  );
  await upload(
    'land-cover',
    fc([
      feature(box(WET), { class: 'wetland', natural: true, wetlandType: '沼泽' }),
      feature(box({ w: 127.3, e: 127.7, s: 43.3, n: 43.5 }), { class: 'forest' }),
    ]),
  );
  await upload('ecosystems', fc([feature(box(prov), { ecosystemType: '森林', terrestrial: true })]));
  // the provincial baseline: an indicator run on these datasets
  const { runId } = await createIndicatorRun(t.ctx.db, { year: 2026 }, { tokenId: null, role: 'system', label: 'test' }, 'test');
  await executeIndicatorRun(t.ctx.db, runId);
  // a tiger recorded by team A, 3 km east of the footprint
  const occ = await app.inject({
    method: 'POST',
    url: '/v1/occurrences',
    headers: H.surveyorA,
    payload: {
      records: [
        {
          occurrenceID: 'scr-tiger-1',
          basisOfRecord: 'HumanObservation',
          scientificName: 'Panthera tigris altaica',
          eventDate: '2026-05-20',
          decimalLongitude: TIGER[0],
          decimalLatitude: TIGER[1],
          geodeticDatum: 'WGS84',
        },
      ],
    },
  });
  expect(occ.statusCode, occ.body).toBe(200);
  ids = { main: await screen(H.planner, { name: '测试公路', footprint: box(FP), buffersKm: [1, 5, 10] }) };
}, 300_000);

afterAll(async () => {
  await worker?.stop();
  await app?.close();
  await t?.close();
});

describe('screening a footprint that crosses a core zone, with a tiger 3 km away', () => {
  it('names the reserve, its zone and the overlap area on the ellipsoid; the wetland and its effect on the protection rate', async () => {
    const s = await completed(ids.main, H.planner);
    const r = s.result;
    expect(s.footprintHa).toBeCloseTo(boxAreaM2(FP.w, FP.e, FP.s, FP.n) / 1e4, 1);
    const core = r.protectedAreas.find((p: { paId: string }) => p.paId === 'NR-1-core');
    expect(core).toMatchObject({ name: '测试自然保护区', designation: 'nature_reserve', zone: 'core', zoneLabel: '核心区', distanceM: 0 });
    const overlapHa = boxAreaM2(CORE.w, FP.e, FP.s, FP.n) / 1e4;
    expect(Math.abs(core.overlapHa - overlapHa) / overlapHa).toBeLessThan(1e-3);
    const exp = r.protectedAreas.find((p: { paId: string }) => p.paId === 'NR-1-exp');
    expect(exp).toMatchObject({ zone: 'experimental', overlapHa: 0 });
    // 127.44 → 127.47 at lat 43.5: about 2.4 km: within the 5 and 10 km buffers only
    const expDist = vincentyM(FP.e, FP.s, EXP.w, FP.s);
    expect(Math.abs(exp.distanceM - expDist)).toBeLessThan(expDist * 0.002);
    expect(exp.buffers.map((b: { within: boolean }) => b.within)).toEqual([1, 5, 10].map((k) => expDist <= k * 1000));
    // natural wetland: the whole footprint; its protected part: the core zone's share of it
    expect(Math.abs(r.wetland.naturalHa - s.footprintHa) / s.footprintHa).toBeLessThan(1e-3);
    expect(Math.abs(r.wetland.naturalProtectedHa - overlapHa) / overlapHa).toBeLessThan(1e-3);
    // the province: wetland lon 127.30–127.44, protected 127.42–127.44 (same latitudes: areas ∝ Δλ)
    const before = (0.02 / 0.14) * 100;
    const after = ((0.02 - 0.02) / (0.14 - 0.04)) * 100;
    expect(r.wetland.province.ratePct).toBeCloseTo(before, 2);
    expect(r.wetland.province.rateAfterPct).toBeCloseTo(after, 2);
    expect(r.wetland.province.changePp).toBeCloseTo(after - before, 2);
    expect(r.landCover).toEqual([{ class: 'wetland', natural: true, ha: expect.any(Number) }]);
    // ecosystems: the footprint's forest type; its protected part over the type's protected extent in the province
    const eco = r.ecosystems.find((e: { type: string }) => e.type === '森林');
    const provProtectedHa = (boxAreaM2(CORE.w, CORE.e, CORE.s, CORE.n) + boxAreaM2(EXP.w, EXP.e, EXP.s, EXP.n)) / 1e4;
    expect(Math.abs(eco.provincialProtectedHa - provProtectedHa) / provProtectedHa).toBeLessThan(1e-3);
    expect(eco.shareOfProtectedPct).toBeCloseTo((overlapHa / provProtectedHa) * 100, 3);
    // verdict: the core zone means avoid; task 29 always, the wetland and species tasks too
    expect(r.verdict.level).toBe('avoid');
    expect(r.verdict.fired.map((f: { id: string }) => f.id)).toEqual(expect.arrayContaining(['pa-core-zone', 'natural-wetland', 'pa-overlap']));
    expect(r.ledgerTasks.map((x: { no: number }) => x.no)).toEqual(expect.arrayContaining([29, 14, 17, 21]));
    expect(r.indicators.map((x: { code: string }) => x.code)).toEqual(
      expect.arrayContaining(['natural_wetland_protection_rate', 'protected_species_rate', 'pa_coverage']),
    );
    expect(s.datasets).toMatchObject({
      protectedAreas: expect.any(Number),
      landCover: expect.any(Number),
      ecosystems: expect.any(Number),
      regions: expect.any(Number),
    });
  });

  it('tells a planning team the tiger and its distance band, but no distance and no point', async () => {
    const s = await completed(ids.main, H.planner);
    const tiger = s.result.species.find((x: { scientificName: string }) => x.scientificName === 'Panthera tigris');
    expect(tiger).toBeDefined();
    expect(tiger).toMatchObject({ protectionClass: 'I', sensitive: true });
    expect(tiger.nearestM).toBeUndefined();
    expect(tiger.buffers).toBeUndefined();
    // the band is measured from the tiger's 10 km cell (its polygon), never from the point: at most the point's 3 km
    const cell = await sql<{ d: number }>`
      SELECT ST_Distance(ST_Transform(ST_MakeEnvelope(floor(ST_X(p) / 10000) * 10000, floor(ST_Y(p) / 10000) * 10000,
               floor(ST_X(p) / 10000) * 10000 + 10000, floor(ST_Y(p) / 10000) * 10000 + 10000, 990001), 4326)::geography,
             ST_GeomFromGeoJSON(${JSON.stringify(box(FP))})::geography) AS d
      FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${TIGER[0]}, ${TIGER[1]}), 4326), 990001) AS p) x`.execute(t.ctx.db);
    const cd = cell.rows[0].d;
    expect(cd).toBeLessThanOrEqual(3000);
    expect(tiger.nearestBandKm).toBe([1, 5, 10].find((k) => cd <= k * 1000));
    expect(tiger.bands.find((b: { km: number }) => b.km === 10).records).toBe('<3');
    // walked like the linkage suite: no coordinate within 1 km of the tiger, no number that is its distance
    for (const url of [`/v1/screenings/${ids.main}`, `/v1/screenings/${ids.main}/report.html`]) {
      const res = await app.inject({ method: 'GET', url, headers: H.planner });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      const scanned = await scanBody(String(res.headers['content-type']), res.rawPayload);
      for (const c of scanned.coordinates) expect(metres(c, TIGER), `${url}: ${c}`).toBeGreaterThan(1000);
      expect(scanned.text).not.toContain(TIGER[0].toFixed(4));
      expect(scanned.text).not.toMatch(/\b(2\.9|3\.0) km\b/);
    }
    const html = (await app.inject({ method: 'GET', url: `/v1/screenings/${ids.main}/report.html`, headers: H.planner })).body;
    // the page as a planning team gets it (git-ignored artefact, for a look in a browser)
    mkdirSync(path.join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    writeFileSync(path.join(REPO_ROOT, 'test-artifacts', 'screening-report.html'), html);
    expect(html).toContain('虎 <i>Panthera tigris</i>');
    expect(html).toContain('核心区');
    expect(html).toContain('<svg');
    expect(html).toContain('避让');
  });

  it('gives an evaluator the exact distance of the tiger', async () => {
    const s = await completed(ids.main, H.evaluator);
    const tiger = s.result.species.find((x: { scientificName: string }) => x.scientificName === 'Panthera tigris');
    expect(tiger.sensitive).toBe(true);
    expect(Math.abs(tiger.nearestM - 3000)).toBeLessThan(3);
    expect(tiger.buffers).toEqual([
      { km: 1, records: 0, nearestM: null },
      { km: 5, records: 1, nearestM: tiger.nearestM },
      { km: 10, records: 1, nearestM: tiger.nearestM },
    ]);
    expect(s.result.generalised).toBe(false);
  });

  it('is kept immutable, read only by its team, evaluators and admins, and re-run as a new screening', async () => {
    await expect(sql`UPDATE screenings SET name = 'x' WHERE id = ${ids.main}`.execute(t.ctx.db)).rejects.toThrow(/immutable/);
    await expect(sql`DELETE FROM screenings WHERE id = ${ids.main}`.execute(t.ctx.db)).rejects.toThrow(/immutable/);
    const other = await app.inject({ method: 'GET', url: `/v1/screenings/${ids.main}`, headers: H.surveyorA });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.details.reason).toBe('scope');
    const rr = await app.inject({ method: 'POST', url: `/v1/screenings/${ids.main}/rerun`, headers: H.planner });
    expect(rr.statusCode, rr.body).toBe(202);
    expect(rr.json().rerunOf).toBe(ids.main);
    const again = await completed(rr.json().screeningId, H.planner);
    expect(again.rerunOf).toBe(ids.main);
    expect(again.screeningId).not.toBe(ids.main);
    expect(again.result.verdict.level).toBe('avoid');
    const old = await completed(ids.main, H.planner);
    expect(old.status).toBe('completed');
    // a screening that has not completed has no report yet (409), and its JSON no result
    const failed = await sql<{ id: string }>`
      INSERT INTO screenings (name, status, footprint, buffers_km, species_years, as_of, rules_version, requester_role, team, error)
      SELECT name, 'failed', footprint, buffers_km, species_years, as_of, rules_version, requester_role, team, 'drill' FROM screenings WHERE id = ${ids.main}
      RETURNING id`.execute(t.ctx.db);
    const fid = failed.rows[0].id;
    const rep = await app.inject({ method: 'GET', url: `/v1/screenings/${fid}/report.html`, headers: H.planner });
    expect(rep.statusCode).toBe(409);
    expect(rep.json().error.code).toBe('SCREENING_NOT_READY');
    const js = await app.inject({ method: 'GET', url: `/v1/screenings/${fid}`, headers: H.planner });
    expect(js.json()).toMatchObject({ status: 'failed', result: null, error: 'drill' });
  });
});

describe('footprints in every accepted format', () => {
  it('reads KML, KMZ and a zipped shapefile with GDAL, and GCJ-02 GeoJSON, to the same footprint', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scr-test-'));
    try {
      const ring = box(FP).coordinates[0];
      const kml = `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>测试</name><Placemark><name>用地</name><Polygon><outerBoundaryIs><LinearRing><coordinates>${ring.map((p) => `${p[0]},${p[1]},0`).join(' ')}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark><Placemark><name>入口</name><Point><coordinates>127.41,43.51</coordinates></Point></Placemark></Document></kml>`;
      writeFileSync(path.join(dir, 'doc.kml'), kml);
      execFileSync('zip', ['-q', '-j', path.join(dir, 'fp.kmz'), path.join(dir, 'doc.kml')]);
      writeFileSync(path.join(dir, 'fp.geojson'), JSON.stringify(fc([feature(box(FP), { n: 1 })])));
      mkdirSync(path.join(dir, 'shp'));
      execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', path.join(dir, 'shp', 'fp.shp'), path.join(dir, 'fp.geojson'), '-t_srs', 'EPSG:32652']);
      execFileSync('zip', ['-q', '-j', path.join(dir, 'fp.zip'), ...['shp', 'shx', 'dbf', 'prj'].map((x) => path.join(dir, 'shp', `fp.${x}`))]);
      const expected = boxAreaM2(FP.w, FP.e, FP.s, FP.n) / 1e4;
      for (const [file, type] of [
        ['doc.kml', 'application/vnd.google-earth.kml+xml'],
        ['fp.kmz', 'application/vnd.google-earth.kmz'],
        ['fp.zip', 'application/zip'],
      ]) {
        const body = Buffer.concat([
          Buffer.from(`--b\r\nContent-Disposition: form-data; name="file"; filename="${file}"\r\nContent-Type: ${type}\r\n\r\n`),
          readFileSync(path.join(dir, file)),
          Buffer.from('\r\n--b--\r\n'),
        ]);
        const res = await app.inject({
          method: 'POST',
          url: '/v1/screenings?name=upload&buffersKm=1,5',
          headers: { ...H.department, 'content-type': 'multipart/form-data; boundary=b' },
          payload: body,
        });
        expect(res.statusCode, `${file}: ${res.body}`).toBe(202);
        const s = await completed(res.json().screeningId, H.department);
        expect(s.source.format, file).toBe(file.endsWith('.kml') ? 'kml' : file.endsWith('.kmz') ? 'kmz' : 'shapefile');
        expect(s.buffersKm).toEqual([1, 5]);
        // a UTM shapefile comes back within centimetres of the lon/lat box
        expect(Math.abs(s.footprintHa - expected) / expected, file).toBeLessThan(2e-3);
      }
      // GCJ-02 (AMap): shifted a few hundred metres, converted back to WGS84 on the way in
      const gcj = {
        type: 'Polygon',
        coordinates: [
          ring.map(([x, y]) => {
            let [gx, gy] = [x, y];
            // invert toWgs84 by fixed-point iteration: find GCJ-02 coordinates that convert to (x, y)
            for (let i = 0; i < 5; i++) {
              const [wx, wy] = toWgs84(gx, gy, 'gcj02');
              gx += x - wx;
              gy += y - wy;
            }
            return [gx, gy];
          }),
        ],
      };
      const id = await screen(H.evaluator, { name: 'gcj', footprint: gcj, crs: 'gcj02' });
      const s = await completed(id, H.evaluator);
      expect(Math.abs(s.footprintHa - expected) / expected).toBeLessThan(2e-3);
      expect(s.source).toMatchObject({ format: 'geojson', crs: 'gcj02' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers 422 FOOTPRINT_INVALID naming the field for what is not a footprint', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'p', footprint: { type: 'Point', coordinates: [127.4, 43.5] } }, 'body.footprint'],
      [
        {
          name: 'p',
          footprint: {
            type: 'Polygon',
            coordinates: [
              [
                [127.4, 43.5],
                [127.41, 43.5],
              ],
            ],
          },
        },
        'body.footprint.coordinates[0]',
      ],
      [
        {
          name: 'p',
          footprint: {
            type: 'Polygon',
            coordinates: [
              [
                [127.4, 43.5],
                [200, 43.5],
                [127.41, 43.51],
                [127.4, 43.5],
              ],
            ],
          },
        },
        'body.footprint.coordinates[0][1]',
      ],
      [{ name: 'p', footprint: { type: 'Banana' } }, 'body.footprint.type'],
      [{ name: 'p', footprint: box({ w: 110, e: 130, s: 30, n: 50 }) }, 'body.footprint'],
    ];
    for (const [payload, field] of cases) {
      const res = await app.inject({ method: 'POST', url: '/v1/screenings', headers: H.planner, payload });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'FOOTPRINT_INVALID', details: { errors: [{ field, code: 'FOOTPRINT_INVALID' }] } });
    }
    const notKml = Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename="x.kml"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n');
    const res = await app.inject({
      method: 'POST',
      url: '/v1/screenings',
      headers: { ...H.planner, 'content-type': 'multipart/form-data; boundary=b' },
      payload: notKml,
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.details.errors[0]).toMatchObject({ field: 'file', code: 'FOOTPRINT_INVALID' });
    const bad = await app.inject({ method: 'POST', url: '/v1/screenings', headers: H.planner, payload: { name: 'p', footprint: box(FP), buffersKm: [0] } });
    expect(bad.statusCode).toBe(400);
  });
});

describe('the projection below evaluator (@biomon/sensitive screening-read.ts)', () => {
  it('depends on the cells of a sensitive species only: moving its points within their cells changes nothing', () => {
    const stored = (d: number[]) => [
      {
        scientificName: 'Panthera tigris',
        chineseName: '虎',
        protectionClass: 'I',
        taxonSensitive: true,
        records: d.map((x, i) => ({ d: x, cd: [400, 4200][i], g: true, c: `10000:1:${i}` })),
      },
    ];
    const a = projectScreeningSpecies(stored([900, 6100]), [1, 5, 10], { role: 'surveyor' });
    const b = projectScreeningSpecies(stored([2900, 9800]), [1, 5, 10], { role: 'surveyor' });
    expect(a).toEqual(b);
    expect(a[0]).toEqual({
      scientificName: 'Panthera tigris',
      chineseName: '虎',
      protectionClass: 'I',
      sensitive: true,
      nearestBandKm: 1,
      bands: [
        { km: 1, records: '<3' },
        { km: 5, records: '<3' },
        { km: 10, records: '<3' },
      ],
      cells: ['10000:1:0', '10000:1:1'],
    });
    // evaluators see the points' distances, which differ
    const ea = projectScreeningSpecies(stored([900, 6100]), [1, 5, 10], { role: 'evaluator' });
    const eb = projectScreeningSpecies(stored([2900, 9800]), [1, 5, 10], { role: 'evaluator' });
    expect(ea[0].nearestM).toBe(900);
    expect(eb[0].nearestM).toBe(2900);
  });

  it('shows a species by band once one of its records near the footprint is generalised, and never counts a generalised record by its point', () => {
    const roe = (records: { d: number; cd: number; g: boolean }[]) => [
      {
        scientificName: 'Moschus moschiferus',
        chineseName: '原麝',
        protectionClass: 'I',
        taxonSensitive: false,
        records: records.map((r, i) => ({ ...r, c: `10000:2:${i}` })),
      },
    ];
    // a generalised record whose cell is within 10 km: band only
    const banded = projectScreeningSpecies(
      roe([
        { d: 2000, cd: 0, g: false },
        { d: 7000, cd: 3000, g: true },
      ]),
      [1, 5, 10],
      { role: 'department' },
    );
    expect(banded[0]).toMatchObject({ sensitive: true, nearestBandKm: 1 });
    expect(banded[0].nearestM).toBeUndefined();
    // a generalised record whose cell lies farther: counted nowhere, the public record by its point
    const far = projectScreeningSpecies(
      roe([
        { d: 2000, cd: 0, g: false },
        { d: 14_000, cd: 11_000, g: true },
      ]),
      [1, 5, 20],
      { role: 'department' },
    );
    expect(far[0]).toMatchObject({ sensitive: false, nearestM: 2000 });
    expect(far[0].buffers).toEqual([
      { km: 1, records: 0, nearestM: null },
      { km: 5, records: 1, nearestM: 2000 },
      { km: 20, records: 1, nearestM: 2000 },
    ]);
  });
});

describe('verdict rules', () => {
  it('are checked when loaded and take the most severe level that fires', () => {
    expect(() => checkRules({ version: '1', levels: {}, rules: [] })).toThrow(/level/);
    const rules = checkRules({
      version: 't',
      levels: {
        avoid: { zh: '避让', en: 'Avoid', rank: 3 },
        mitigate: { zh: '减缓', en: 'Mitigate', rank: 2 },
        proceed: { zh: '推进', en: 'Proceed', rank: 1 },
      },
      rules: [
        { id: 'w', verdict: 'mitigate', when: { naturalWetlandHa: { atLeast: 1 } }, zh: '湿地', en: 'wetland' },
        { id: 's', verdict: 'avoid', when: { species: { classes: ['I'], withinKm: 5 } }, zh: '物种', en: 'species' },
      ],
    });
    const wetland = { naturalHa: 2, naturalProtectedHa: 0, province: null, note: null };
    const band = (k: number) => ({
      scientificName: 'Panthera tigris',
      chineseName: '虎',
      protectionClass: 'I',
      sensitive: true,
      nearestBandKm: k,
      bands: [],
      cells: [],
    });
    expect(judge({ protectedAreas: [], species: [], wetland, ecosystems: [] }, rules, 't').level).toBe('mitigate');
    expect(judge({ protectedAreas: [], species: [band(5)], wetland, ecosystems: [] }, rules, 't').level).toBe('avoid');
    expect(judge({ protectedAreas: [], species: [band(10)], wetland: { ...wetland, naturalHa: 0 }, ecosystems: [] }, rules, 't')).toMatchObject({
      level: 'proceed',
      fired: [],
    });
  });
});
