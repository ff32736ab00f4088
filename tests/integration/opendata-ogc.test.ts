import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { occurrenceReadSql, viewerOf } from '@biomon/sensitive';
import { countOf } from '../../packages/opendata/src/ogc.repository';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';

// OGC API – Features – Part 1 under /ogc: documents, links, paging and filters, generalisation by
// role, and GDAL's OAPIF driver (Debian gdal-bin) reading it over a real socket.

const run = promisify(execFile);
let t: TestContext;
let app: FastifyInstance;
let port: number;
const H: Record<string, { authorization: string }> = {};
const TIGER = { lon: 130.78, lat: 42.95 }; // camera trap hc01: demo-occ-0001 and others
let cellCentre: { lon: number; lat: number };

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
  H.evaluator = await authAs(t, 'evaluator');
  H.surveyor = await authAs(t, 'surveyor');
  [cellCentre] = (
    await sql<{
      lon: number;
      lat: number;
    }>`SELECT ST_X(c) AS lon, ST_Y(c) AS lat FROM (SELECT biomon_cell_centre(ST_SetSRID(ST_MakePoint(${TIGER.lon}, ${TIGER.lat}), 4326), 10000) AS c) s`.execute(
      t.ctx.db,
    )
  ).rows;
}, 180_000);
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const get = async (url: string, headers: Record<string, string> = {}) => {
  const res = await app.inject({ method: 'GET', url, headers });
  expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
  return { body: res.json(), headers: res.headers };
};
const rels = (links: { rel: string; type?: string }[]) => links.map((l) => `${l.rel}${l.type ? ` ${l.type}` : ''}`);

describe('OGC API – Features documents', () => {
  it('landing page, conformance and API definition', async () => {
    const { body } = await get('/ogc');
    expect(rels(body.links)).toEqual(
      expect.arrayContaining([
        'self application/json',
        'service-desc application/vnd.oai.openapi+json;version=3.0',
        'conformance application/json',
        'data application/json',
      ]),
    );
    expect(body.links.every((l: { href: string }) => l.href.startsWith('http://'))).toBe(true);
    const conf = await get('/ogc/conformance');
    expect(conf.body.conformsTo).toEqual(
      expect.arrayContaining([
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
      ]),
    );
    const api = await get('/ogc/api');
    expect(api.headers['content-type']).toMatch(/application\/vnd\.oai\.openapi\+json/);
    expect(api.body.openapi).toMatch(/^3\.0/);
    expect(Object.keys(api.body.paths)).toContain('/ogc/collections/{collectionId}/items');
  });

  it('lists the collections with extents in CRS84, land cover once per dataset version', async () => {
    const { body } = await get('/ogc/collections');
    const ids = body.collections.map((c: { id: string }) => c.id);
    const lcSets = (await t.ctx.db.selectFrom('layer_datasets').select('id').where('kind', '=', 'land-cover').execute()).map((d) => `land-cover-${d.id}`);
    expect(lcSets.length).toBe(2);
    expect(ids).toEqual(expect.arrayContaining(['occurrences', 'survey-events', 'stations', 'protected-areas', 'regions', 'indicator-results', ...lcSets]));
    for (const c of body.collections) {
      expect(c.extent.spatial.crs).toBe('http://www.opengis.net/def/crs/OGC/1.3/CRS84');
      expect(c.extent.spatial.bbox[0]).toHaveLength(4);
      expect(rels(c.links)).toEqual(expect.arrayContaining(['self application/json', 'items application/geo+json']));
    }
    const one = await get('/ogc/collections/regions');
    expect(one.body.id).toBe('regions');
    expect((await app.inject({ method: 'GET', url: '/ogc/collections/nope' })).statusCode).toBe(404);
  });

  it('items: limit, next links, numberMatched/numberReturned, geo+json and json', async () => {
    const first = await get('/ogc/collections/occurrences/items?limit=100');
    expect(first.headers['content-type']).toMatch(/application\/geo\+json/);
    expect(first.body).toMatchObject({ type: 'FeatureCollection', numberMatched: 304, numberReturned: 100 });
    const seen = new Set<string>(first.body.features.map((f: { id: string }) => f.id));
    let next = first.body.links.find((l: { rel: string }) => l.rel === 'next');
    expect(rels(first.body.links)).toEqual(expect.arrayContaining(['self application/geo+json', 'alternate application/json', 'collection application/json']));
    while (next) {
      const page = await get(new URL(next.href).pathname + new URL(next.href).search);
      for (const f of page.body.features) seen.add(f.id);
      next = page.body.links.find((l: { rel: string }) => l.rel === 'next');
    }
    expect(seen.size).toBe(304);
    const asJson = await get('/ogc/collections/occurrences/items?limit=1&f=json');
    expect(asJson.headers['content-type']).toMatch(/^application\/json/);
    const item = await get('/ogc/collections/regions/items/220000');
    expect(item.body).toMatchObject({ type: 'Feature', id: '220000', properties: { code: '220000', level: 'province' } });
    expect((await app.inject({ method: 'GET', url: '/ogc/collections/regions/items/999999' })).statusCode).toBe(404);
  });

  it('numberMatched is exact up to its cap and left out above it', async () => {
    const occurrences = occurrenceReadSql(viewerOf(null), {});
    expect(await countOf(t.ctx.db, occurrences)).toBe(304);
    expect(await countOf(t.ctx.db, occurrences, 304)).toBe(304);
    expect(await countOf(t.ctx.db, occurrences, 303)).toBeNull();
  });

  it('bbox and datetime filter every collection', async () => {
    const pa = await get('/ogc/collections/protected-areas/items?bbox=127.9,41.9,128.2,42.3');
    expect(pa.body.features.map((f: { properties: { name: string } }) => f.properties.name)).toEqual(expect.arrayContaining(['长白山国家级自然保护区']));
    expect(pa.body.numberMatched).toBeLessThan(13);
    const ev = await get('/ogc/collections/survey-events/items?datetime=2024-01-01/2024-12-31');
    // a generalised event shows its days only (eventDate), the others their instants
    for (const f of ev.body.features)
      expect(
        new Date(f.properties.eventEnd ?? `${String(f.properties.eventDate).split('/').pop()}T23:59:59+08:00`) >= new Date('2024-01-01T00:00:00+08:00'),
      ).toBe(true);
    expect(ev.body.numberMatched).toBeGreaterThan(0);
    const occ = await get('/ogc/collections/occurrences/items?datetime=../2022-12-31&limit=1000');
    expect(occ.body.numberMatched).toBeGreaterThan(0);
    expect(occ.body.numberMatched).toBeLessThan(304);
    const st = await get('/ogc/collections/stations/items');
    expect(st.body.numberMatched).toBe(8);
    const ind = await get('/ogc/collections/indicator-results/items?datetime=2024-06-01');
    expect(ind.body.numberMatched).toBeGreaterThan(0);
    expect(ind.body.features[0].properties).toHaveProperty('indicator');
    const bad = await app.inject({ method: 'GET', url: '/ogc/collections/occurrences/items?bbox=1,2,3' });
    expect(bad.statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/ogc/collections/occurrences/items?datetime=yesterday' })).statusCode).toBe(400);
  });
});

describe('generalisation in OGC items', () => {
  const tinyAroundTiger = `${TIGER.lon - 0.001},${TIGER.lat - 0.001},${TIGER.lon + 0.001},${TIGER.lat + 0.001}`;
  it('without a token and for a surveyor, a tiger is at its cell centre and a tiny bbox around it finds no tiger', async () => {
    for (const headers of [{}, H.surveyor]) {
      const one = await get('/ogc/collections/occurrences/items/demo-occ-0001', headers);
      expect(one.body.geometry.coordinates[0]).toBeCloseTo(cellCentre.lon, 5);
      expect(one.body.geometry.coordinates[1]).toBeCloseTo(cellCentre.lat, 5);
      expect(one.body.properties).toMatchObject({ generalised: true });
      expect(one.body.properties.dataGeneralizations).toBeTruthy();
      expect(one.body.properties.locality).toBeUndefined();
      const tiny = await get(`/ogc/collections/occurrences/items?bbox=${tinyAroundTiger}&limit=1000`, headers);
      expect(tiny.body.features.filter((f: { properties: { scientificName: string } }) => /Panthera/.test(f.properties.scientificName))).toEqual([]);
      // the roe deer and boar photographed by the tiger's trap are generalised with it: they would give the trap away
      expect(tiny.body.features).toEqual([]);
      const ev = await get('/ogc/collections/survey-events/items/demo-ev-ct-2023-hc01', headers);
      expect(ev.body.geometry.type).toBe('Point');
      expect(ev.body.geometry.coordinates[0]).toBeCloseTo(cellCentre.lon, 5);
      expect(ev.body.properties.generalised).toBe(true);
      const tinyEv = await get(`/ogc/collections/survey-events/items?bbox=${tinyAroundTiger}`, headers);
      expect(tinyEv.body.features.map((f: { id: string }) => f.id)).not.toContain('demo-ev-ct-2023-hc01');
    }
    const items = await get('/ogc/collections/occurrences/items?taxon=Panthera%20tigris&limit=1000');
    expect(items.body.numberMatched).toBe(22);
    expect(items.body.features.every((f: { properties: { generalised: boolean } }) => f.properties.generalised)).toBe(true);
    const pub = await app.inject({ method: 'GET', url: '/ogc/collections/occurrences/items?limit=1' });
    expect(pub.headers['cache-control']).toMatch(/^public/);
    const priv = await app.inject({ method: 'GET', url: '/ogc/collections/occurrences/items?limit=1', headers: H.surveyor });
    expect(priv.headers['cache-control']).toMatch(/^private/);
    expect(priv.headers.vary).toMatch(/Authorization/);
  });

  it('an evaluator sees the exact point and finds the tiger in the tiny bbox', async () => {
    const one = await get('/ogc/collections/occurrences/items/demo-occ-0001', H.evaluator);
    expect(one.body.geometry.coordinates).toEqual([TIGER.lon, TIGER.lat]);
    expect(one.body.properties.generalised).toBe(false);
    const tiny = await get(`/ogc/collections/occurrences/items?bbox=${tinyAroundTiger}&limit=1000`, H.evaluator);
    expect(tiny.body.features.some((f: { properties: { scientificName: string } }) => /Panthera tigris/.test(f.properties.scientificName))).toBe(true);
    const ev = await get('/ogc/collections/survey-events/items/demo-ev-ct-2023-hc01', H.evaluator);
    expect(ev.body.geometry).toEqual({ type: 'Point', coordinates: [TIGER.lon, TIGER.lat] });
  });
});

describe('GDAL OAPIF driver (a real GIS client)', () => {
  const ogr = async (args: string[]) => {
    try {
      return await run('ogrinfo', args, { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
      if (e.code === 'ENOENT') throw new Error('ogrinfo is missing: install Debian gdal-bin (BRIEF §3: a missing tool fails the test)');
      throw new Error(`ogrinfo ${args.join(' ')} failed: ${e.message}\n${e.stdout}\n${e.stderr}`);
    }
  };

  it('lists the collections', async () => {
    const { stdout, stderr } = await ogr(['-ro', '-so', `OAPIF:http://127.0.0.1:${port}/ogc`]);
    expect(stderr).not.toMatch(/ERROR|Warning/i);
    for (const id of ['occurrences', 'survey-events', 'stations', 'protected-areas', 'regions', 'indicator-results'])
      expect(stdout).toMatch(new RegExp(`^\\d+: ${id}( \\(|$)`, 'm'));
    // a layer's summary: the feature count from numberMatched, the extent from the collection
    const occ = await ogr(['-ro', '-so', `OAPIF:http://127.0.0.1:${port}/ogc`, 'occurrences']);
    expect(occ.stdout).toMatch(/Feature Count: 304/);
    expect(occ.stdout).toMatch(/Geometry: Point/);
    expect(occ.stdout).toMatch(/scientificName: String/);
  });

  it('reads features with a bbox, generalised for the public', async () => {
    const { stdout } = await ogr(['-ro', '-spat', '130.5', '42.8', '131.0', '43.1', `OAPIF:http://127.0.0.1:${port}/ogc`, 'occurrences']);
    const count = Number(/Feature Count: (\d+)/.exec(stdout)?.[1]);
    const [{ n }] = (
      await sql<{ n: number }>`SELECT count(*)::int AS n FROM occurrences o LEFT JOIN taxa t ON t.id = o.taxon_id LEFT JOIN taxa pt ON pt.id = t.parent_id
      WHERE ST_Intersects(CASE WHEN coalesce(t.sensitive, false) OR coalesce(pt.sensitive, false) THEN biomon_cell_centre(o.geom, 10000) ELSE o.geom END, ST_MakeEnvelope(130.5, 42.8, 131.0, 43.1, 4326))`.execute(
        t.ctx.db,
      )
    ).rows;
    expect(n).toBeGreaterThan(0);
    expect(count).toBe(n);
    const features = stdout.split(/\nOGRFeature\(occurrences\):/).slice(1);
    expect(features.length).toBe(n);
    const tigers = features.filter((f) => /scientificName \(String\) = Panthera tigris altaica/.test(f));
    expect(tigers.length).toBeGreaterThan(0);
    for (const f of tigers) {
      const [, x, y] = /POINT \(([\d.]+) ([\d.]+)\)/.exec(f)!;
      expect([Number(x), Number(y)]).not.toEqual([TIGER.lon, TIGER.lat]);
      expect(f).toMatch(/generalised \(Integer\(Boolean\)\) = 1/);
    }
    // generalised records carry no eventID (it would tie them to the exact records of the same trap)
    for (const f of tigers) expect(f).not.toMatch(/eventID \(String\) = demo-ev/);
    const hc01 = tigers.filter((f) => {
      const [, x, y] = /POINT \(([\d.]+) ([\d.]+)\)/.exec(f)!;
      return Math.abs(Number(x) - cellCentre.lon) < 1e-4 && Math.abs(Number(y) - cellCentre.lat) < 1e-4;
    });
    expect(hc01.length).toBe(4); // the four detections of trap hc01, all at the cell centre
    for (const f of hc01) {
      const [, x, y] = /POINT \(([\d.]+) ([\d.]+)\)/.exec(f)!;
      expect(Number(x)).toBeCloseTo(cellCentre.lon, 5);
      expect(Number(y)).toBeCloseTo(cellCentre.lat, 5);
    }
  });
});
