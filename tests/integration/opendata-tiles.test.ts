import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { ingestOccurrences } from '@biomon/occurrences';
import { CLUSTER_MAX_ZOOM } from '@biomon/opendata';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';

// Vector tiles decoded with @mapbox/vector-tile: layers, clustering, generalisation by role,
// "<3" for small public counts of sensitive records, and caching headers.

let t: TestContext;
let app: FastifyInstance;
const H: Record<string, { authorization: string }> = {};
const TIGER = { lon: 130.78, lat: 42.95 };
/** A leopard alone, far from every other record: its cell holds one sensitive record. */
const LONE = { lon: 126.93, lat: 44.62 };

function tileOf(lon: number, lat: number, z: number): [number, number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return [z, x, y];
}

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  await ingestOccurrences(
    t.ctx.db,
    [
      {
        occurrenceID: 'lone-leopard',
        scientificName: 'Panthera pardus orientalis',
        eventDate: '2024-06-01',
        decimalLatitude: LONE.lat,
        decimalLongitude: LONE.lon,
        geodeticDatum: 'WGS84',
        locality: 'secret place',
      },
    ],
    { actor: { tokenId: null, role: 'surveyor', team: 'x', label: 'test' } },
  );
  app = await buildTestServer(t);
  H.evaluator = await authAs(t, 'evaluator');
  H.surveyor = await authAs(t, 'surveyor');
}, 180_000);
afterAll(async () => {
  await app?.close();
  await t?.close();
});

async function tile(layer: string, [z, x, y]: [number, number, number], headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'GET', url: `/tiles/${layer}/${z}/${x}/${y}.mvt`, headers });
  expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
  const vt = new VectorTile(new PbfReader(res.rawPayload));
  const l = vt.layers[layer];
  const features = l ? Array.from({ length: l.length }, (_, i) => l.feature(i)) : [];
  return {
    res,
    features,
    geo: features.map((f) => {
      const g = f.toGeoJSON(x, y, z);
      return { geometry: g.geometry, properties: (g.properties ?? {}) as Record<string, unknown> };
    }),
  };
}

const coords = (g: { geometry: unknown }) => (g.geometry as { coordinates: [number, number] }).coordinates;

describe('vector tiles', () => {
  it('regions and protected areas with their properties; TileJSON per layer', async () => {
    const reg = await tile('regions', [4, 13, 5]);
    expect(reg.features.map((f) => f.properties.code)).toEqual(expect.arrayContaining(['220000', 'PA-CBS']));
    expect(reg.res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(reg.res.headers['cache-control']).toMatch(/^public/);
    const pa = await tile('protected-areas', tileOf(128.1, 42.1, 7));
    expect(pa.features.map((f) => f.properties.name)).toContain('长白山国家级自然保护区');
    const st = await tile('stations', [4, 13, 5]);
    expect(st.features.length).toBe(8);
    const tj = (await app.inject({ method: 'GET', url: '/tiles/occurrences/tilejson.json' })).json();
    expect(tj).toMatchObject({ tilejson: '3.0.0', scheme: 'xyz', vector_layers: [{ id: 'occurrences' }] });
    expect(tj.tiles[0]).toMatch(/\/tiles\/occurrences\/\{z\}\/\{x\}\/\{y\}\.mvt$/);
    expect((await app.inject({ method: 'GET', url: '/tiles/occurrences/3/9/0.mvt' })).statusCode).toBe(400);
  });

  it('low zoom: clusters; the public sees "<3" for one or two sensitive records, an evaluator the count', async () => {
    const z = CLUSTER_MAX_ZOOM - 3;
    const pub = await tile('occurrences', tileOf(LONE.lon, LONE.lat, z));
    // the cluster square (8 × 8 per tile) that holds the leopard as the public sees it (at its cell centre), in Web Mercator metres
    const [shown] = (
      await sql<{
        lon: number;
        lat: number;
      }>`SELECT ST_X(c) AS lon, ST_Y(c) AS lat FROM (SELECT biomon_cell_centre(ST_SetSRID(ST_MakePoint(${LONE.lon}, ${LONE.lat}), 4326), 10000) AS c) s`.execute(
        t.ctx.db,
      )
    ).rows;
    const R = 6378137;
    const square = (2 * Math.PI * R) / 2 ** z / 8;
    const mx = (R * shown.lon * Math.PI) / 180;
    const my = R * Math.log(Math.tan(Math.PI / 4 + (shown.lat * Math.PI) / 360));
    const squareCentre = [
      ((Math.floor(mx / square) + 0.5) * square * 180) / (Math.PI * R),
      ((2 * Math.atan(Math.exp(((Math.floor(my / square) + 0.5) * square) / R)) - Math.PI / 2) * 180) / Math.PI,
    ];
    const lone = pub.geo.find((g) => Math.abs(coords(g)[0] - squareCentre[0]) < 0.01 && Math.abs(coords(g)[1] - squareCentre[1]) < 0.01)!;
    expect(lone.properties).toMatchObject({ cluster: true, count: 0, countLabel: '0 + <3', sensitiveCountLabel: '<3' });
    expect(lone.properties.sensitiveCount).toBeUndefined();
    // a cluster of nothing but a suppressed count sits at the centre of its square, not at the leopard's cell
    expect(pub.geo.some((g) => Math.abs(coords(g)[0] - shown.lon) < 0.05 && Math.abs(coords(g)[1] - shown.lat) < 0.05)).toBe(false);
    const ev = await tile('occurrences', tileOf(LONE.lon, LONE.lat, z), H.evaluator);
    const loneEv = ev.geo.find((g) => Math.abs(coords(g)[0] - LONE.lon) < 0.2 && Math.abs(coords(g)[1] - LONE.lat) < 0.2)!;
    expect(loneEv.properties).toMatchObject({ cluster: true, count: 1, sensitiveCount: 1, sensitiveCountLabel: '1' });
    // every record is in some cluster: the counts add up (the tile of the whole province at z 4)
    const all = await tile('occurrences', [4, 13, 5], H.evaluator);
    expect(all.features.reduce((s, f) => s + Number(f.properties.count), 0)).toBe(305);
    // big sensitive clusters are shown as they are, also to the public
    const hunchun = await tile('occurrences', tileOf(TIGER.lon, TIGER.lat, z));
    expect(hunchun.features.some((f) => Number(f.properties.sensitiveCount) >= 3)).toBe(true);
  });

  it('high zoom: sensitive taxa from their cell centre for the public and a surveyor, exact for an evaluator', async () => {
    const z = 12;
    const [centre] = (
      await sql<{
        lon: number;
        lat: number;
      }>`SELECT ST_X(c) AS lon, ST_Y(c) AS lat FROM (SELECT biomon_cell_centre(ST_SetSRID(ST_MakePoint(${TIGER.lon}, ${TIGER.lat}), 4326), 10000) AS c) s`.execute(
        t.ctx.db,
      )
    ).rows;
    for (const headers of [{}, H.surveyor]) {
      const atTrap = await tile('occurrences', tileOf(TIGER.lon, TIGER.lat, z), headers);
      // nothing at the trap: the tigers and the roe deer and boar of the same camera trap are all at the cell centre
      expect(atTrap.geo.filter((g) => Math.abs(coords(g)[0] - TIGER.lon) < 0.005 && Math.abs(coords(g)[1] - TIGER.lat) < 0.005)).toEqual([]);
      expect(atTrap.geo.filter((g) => /Panthera/.test(String(g.properties.scientificName)))).toEqual([]);
      const atCentre = await tile('occurrences', tileOf(centre.lon, centre.lat, z), headers);
      const tigers = atCentre.geo.filter((g) => g.properties.scientificName === 'Panthera tigris altaica');
      expect(tigers.length).toBe(1);
      expect(tigers[0].properties).toMatchObject({ generalised: true, sensitiveCount: 4 });
      expect(tigers[0].properties.occurrenceID).toBeUndefined();
      expect(coords(tigers[0])[0]).toBeCloseTo(centre.lon, 3);
      expect(coords(tigers[0])[1]).toBeCloseTo(centre.lat, 3);
      const lone = await tile('occurrences', tileOf(LONE.lon, LONE.lat, z + 2), headers);
      expect(lone.geo.filter((g) => /Panthera/.test(String(g.properties.scientificName)))).toEqual([]);
    }
    const ev = await tile('occurrences', tileOf(TIGER.lon, TIGER.lat, z), H.evaluator);
    const t1 = ev.geo.find((g) => g.properties.occurrenceID === 'demo-occ-0001')!;
    expect(t1.properties).toMatchObject({ generalised: false, scientificName: 'Panthera tigris altaica' });
    expect(coords(t1)[0]).toBeCloseTo(TIGER.lon, 4);
    expect(coords(t1)[1]).toBeCloseTo(TIGER.lat, 4);
  });

  it('caching: public tiles are shared, a token makes role-dependent tiles private; ETag revalidates', async () => {
    const at = tileOf(TIGER.lon, TIGER.lat, 10);
    const pub = await app.inject({ method: 'GET', url: `/tiles/occurrences/${at.join('/')}.mvt` });
    expect(pub.headers['cache-control']).toMatch(/^public, max-age=\d+/);
    expect(pub.headers.vary).toMatch(/Authorization/);
    const priv = await app.inject({ method: 'GET', url: `/tiles/occurrences/${at.join('/')}.mvt`, headers: H.evaluator });
    expect(priv.headers['cache-control']).toMatch(/^private/);
    expect(priv.headers.vary).toMatch(/Authorization/);
    expect(priv.headers.etag).not.toBe(pub.headers.etag);
    const again = await app.inject({ method: 'GET', url: `/tiles/occurrences/${at.join('/')}.mvt`, headers: { 'if-none-match': String(pub.headers.etag) } });
    expect(again.statusCode).toBe(304);
    const regions = await app.inject({ method: 'GET', url: '/tiles/regions/4/13/5.mvt', headers: H.evaluator });
    expect(regions.headers['cache-control']).toMatch(/^public/);
  });
});
