import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as turf from '@turf/turf';
import gcoord from 'gcoord';
import { sql } from '@biomon/db';
import { importLayer } from '@biomon/layers';
import { createTestContext, type TestContext } from '../support/test-db';
import { runCli, SHARED_DATA } from '../support/cli';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

const PREFECTURES = path.join(SHARED_DATA, 'jilin-prefectures.geojson');

describe('biomon layers import', () => {
  it('imports the DataV prefectures with --crs gcj02, moving every vertex 300–800 m', async () => {
    const res = await runCli(['layers', 'import', 'regions', PREFECTURES, '--crs', 'gcj02', '--year', '2020'], { DATABASE_URL: t.database.url });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ kind: 'regions', year: 2020, features: 9, rejected: [] });

    const src = JSON.parse(readFileSync(PREFECTURES, 'utf8')) as GeoJSON.FeatureCollection<GeoJSON.MultiPolygon, { adcode: number }>;
    const rows = await sql<{ code: string; level: string; pts: [number, number][] }>`
      SELECT code, level, (SELECT json_agg(json_build_array(ST_X(d.geom), ST_Y(d.geom)) ORDER BY d.path) FROM ST_DumpPoints(geom) d) AS pts
      FROM regions WHERE dataset_id = ${out.datasetId} ORDER BY code`.execute(t.ctx.db);
    expect(rows.rows.map((r) => r.code)).toEqual(src.features.map((f) => String(f.properties.adcode)).sort());
    expect(new Set(rows.rows.map((r) => r.level))).toEqual(new Set(['prefecture']));

    // Two source outlines (长春市 and 吉林市, features 0 and 1) self-intersect where they meet:
    // ST_MakeValid repairs them, which re-nodes their rings, so their vertices are matched by
    // position; the other seven keep their vertex order and are compared index by index.
    expect(out.repaired.map((r: { index: number }) => r.index)).toEqual([0, 1]);
    let vertices = 0;
    let minM = Infinity;
    let maxM = 0;
    const note = (d: number) => {
      minM = Math.min(minM, d);
      maxM = Math.max(maxM, d);
      vertices++;
    };
    src.features.forEach((f, fi) => {
      const stored = rows.rows.find((r) => r.code === String(f.properties.adcode))!;
      const original = f.geometry.coordinates.flat(2) as [number, number][];
      if (fi > 1) {
        expect(stored.pts.length).toBe(original.length);
        original.forEach((p, i) => note(turf.distance(p, stored.pts[i], { units: 'meters' })));
      } else {
        // Each original vertex, converted independently here, must be a vertex of the stored outline
        // (within 5 cm) unless the repair removed it (a spike at the self-intersection): at most 1 %.
        let missing = 0;
        original.forEach((p) => {
          const expected = gcoord.transform(p, gcoord.GCJ02, gcoord.WGS84) as [number, number];
          let best = Infinity;
          for (const q of stored.pts) best = Math.min(best, turf.distance(expected, q, { units: 'meters' }));
          if (best > 0.05) missing++;
          note(turf.distance(p, expected, { units: 'meters' }));
        });
        expect(missing / original.length).toBeLessThan(0.01);
      }
    });
    expect(vertices).toBe(6120); // SOURCES.md: 13 polygons, 6,120 vertices

    // the helper table of pieces (ST_Subdivide) covers each outline exactly, in pieces of ≤ 256 vertices
    const pieces = await sql<{ code: string; whole: number; parts: number; n: number; maxv: number }>`
      SELECT r.code, ST_Area(r.geom::geography) AS whole, sum(ST_Area(s.geom::geography)) AS parts, count(*)::int AS n, max(ST_NPoints(s.geom)) AS maxv
      FROM regions r JOIN layer_subdivided s ON s.dataset_id = r.dataset_id AND s.feature_id = r.id
      WHERE r.dataset_id = ${out.datasetId} GROUP BY r.code, r.geom`.execute(t.ctx.db);
    expect(pieces.rows).toHaveLength(9);
    for (const p of pieces.rows) {
      // cuts split long edges at points of the lon/lat segment, a hair off the geodesic: ≤ 0.01 %
      expect(Math.abs(p.parts - p.whole) / p.whole).toBeLessThan(1e-4);
      expect(p.maxv).toBeLessThanOrEqual(256);
      expect(p.n).toBeGreaterThan(1);
    }
    expect(minM).toBeGreaterThan(300);
    expect(maxM).toBeLessThan(800);
  });

  it('repairs a bow-tie with the area change reported, rejects what cannot be a polygon, and keeps the rest', async () => {
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [125, 43],
          [125.1, 43.1],
          [125.1, 43],
          [125, 43.1],
          [125, 43],
        ],
      ],
    };
    const square = {
      type: 'Polygon',
      coordinates: [
        [
          [125, 44],
          [125.1, 44],
          [125.1, 44.1],
          [125, 44.1],
          [125, 44],
        ],
      ],
    };
    const line = {
      type: 'Polygon',
      coordinates: [
        [
          [125, 44],
          [125.1, 44],
          [125, 44],
        ],
      ],
    };
    const features = [
      { type: 'Feature', properties: { class: 'forest' }, geometry: bowtie },
      { type: 'Feature', properties: { class: 'forest' }, geometry: square },
      { type: 'Feature', properties: { class: 'jungle' }, geometry: square },
      { type: 'Feature', properties: { class: 'forest' }, geometry: line },
    ] as const;
    const r = await importLayer(t.ctx.db, features as never, { kind: 'land-cover', year: 2024 });
    expect(r.features).toBe(2);
    expect(r.repaired).toHaveLength(1);
    expect(r.repaired[0].index).toBe(0);
    expect(r.repaired[0].reason).toMatch(/Self-intersection|invalid/);
    expect(r.rejected.map((x) => x.index)).toEqual([2, 3]);
    expect(r.rejected[0].reason).toMatch(/class must be one of/);
  });

  it('creates no dataset version when nothing is valid', async () => {
    const before = await t.ctx.db.selectFrom('layer_datasets').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    await expect(importLayer(t.ctx.db, [{ type: 'Feature', properties: {}, geometry: null }], { kind: 'land-cover', year: 2024 })).rejects.toMatchObject({
      code: 'UNPROCESSABLE',
    });
    const after = await t.ctx.db.selectFrom('layer_datasets').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});
