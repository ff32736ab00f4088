import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import * as turf from '@turf/turf';
import { runSeeds } from '@biomon/seed';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { createTestContext, type TestContext } from '../../support/test-db';
import { authAs, buildTestServer } from '../../support/http';
import { REPO_ROOT } from '../../support/cli';
import { boxPolygon } from '../../support/ellipsoid';

let t: TestContext;
let app: FastifyInstance;
let worker: RunningWorker;
let evaluator: { authorization: string };
let admin: { authorization: string };

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
  evaluator = await authAs(t, 'evaluator');
  admin = await authAs(t, 'admin');
});
afterAll(async () => {
  await worker.stop();
  await app.close();
  await t.close();
});

async function waitRun(runId: string) {
  for (let i = 0; i < 600; i++) {
    const run = (await app.inject({ method: 'GET', url: `/v1/indicator-runs/${runId}` })).json();
    if (run.status === 'completed' || run.status === 'failed') return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('run did not finish');
}

describe('indicators API', () => {
  it('lists the definitions in Chinese and English with targets, never inventing a number', async () => {
    const res = (await app.inject({ method: 'GET', url: '/v1/indicators' })).json();
    const byCode = Object.fromEntries(res.indicators.map((i: { code: string }) => [i.code, i]));
    expect(byCode.forest_coverage).toMatchObject({ nameZh: '森林覆盖率', target2025: { value: 45.8 } });
    expect(byCode.grassland_vegetation_cover.target2025.value).toBe(72.3);
    expect(byCode.natural_wetland_protection_rate.target2025.value).toBe(50);
    expect(byCode.protected_species_rate.target2025.value).toBe(95);
    expect(byCode.ecosystem_type_protection_rate.target2025).toMatchObject({ value: null, text: '达到国家要求' });
    expect(byCode.wetland_protection_rate.target2025.value).toBeNull();
    expect(byCode.forest_coverage.target2035).toMatchObject({ value: null, text: '稳定提高' });
  });

  it("serves the demo run's values, the province forest coverage agreeing with an independent turf measurement", async () => {
    const res = (await app.inject({ method: 'GET', url: '/v1/indicators/forest_coverage/values?region=220000&year=2024' })).json();
    expect(res.values).toHaveLength(1);
    const v = res.values[0];
    expect(v).toMatchObject({ indicator: 'forest_coverage', regionCode: '220000', year: 2024, target: 45.8, unit: '%' });
    expect(v.meetsTarget).toBe(v.value >= 45.8);
    // independent: turf's spherical areas of the demo land cover (a partition) and province; ratios agree within 0.05 pp
    const { readFileSync } = await import('node:fs');
    const lc = JSON.parse(readFileSync(path.join(REPO_ROOT, 'seeds/demo/land-cover.geojson'), 'utf8')) as GeoJSON.FeatureCollection;
    const regions = JSON.parse(readFileSync(path.join(REPO_ROOT, 'seeds/demo/regions.geojson'), 'utf8')) as GeoJSON.FeatureCollection;
    const prov = regions.features.find((f) => f.properties!.code === '220000')!;
    const forest = lc.features.filter((f) => ['forest', 'shrub_special'].includes(f.properties!.class)).reduce((s, f) => s + turf.area(f), 0);
    expect(Math.abs(v.value - (forest / turf.area(prov)) * 100)).toBeLessThan(0.05);
    const none = await app.inject({ method: 'GET', url: '/v1/indicators/nonsense/values' });
    expect(none.statusCode).toBe(404);
  });

  it('runs through the API and the worker: 202, then a completed run naming its datasets and parameters', async () => {
    const denied = await app.inject({ method: 'POST', url: '/v1/indicator-runs', payload: { year: 2024 } });
    expect(denied.statusCode).toBe(401);
    const bad = await app.inject({ method: 'POST', url: '/v1/indicator-runs', headers: evaluator, payload: { year: 2024, indicators: ['nope'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.errors[0]).toMatchObject({ field: 'indicators', code: 'INDICATOR_UNKNOWN' });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/indicator-runs',
      headers: evaluator,
      payload: { year: 2020, regions: ['220000', 'PA-SNP'], indicators: ['forest_coverage', 'grassland_vegetation_cover'] },
    });
    expect(res.statusCode).toBe(202);
    const run = await waitRun(res.json().runId);
    expect(run.status).toBe('completed');
    expect(run.progress).toEqual({ done: 2, total: 2 });
    expect(run.results).toHaveLength(4);
    // 2020 uses the 2020 land cover (vintage ≤ year), not the 2024 one
    const lc2020 = (await app.inject({ method: 'GET', url: '/v1/layers?kind=land-cover' })).json().datasets.find((d: { year: number }) => d.year === 2020);
    expect(run.datasets.landCover).toBe(lc2020.datasetId);
    const f2020 = run.results.find((r: { indicator: string; regionCode: string }) => r.indicator === 'forest_coverage' && r.regionCode === '220000');
    const f2024 = (await app.inject({ method: 'GET', url: '/v1/indicators/forest_coverage/values?region=220000&year=2024' })).json().values[0];
    expect(f2020.value).toBeLessThan(f2024.value); // the 2020 vintage has less forest
  });

  it('accepts a layer upload as a new immutable version and serves its features by bbox', async () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { id: 'NEW-1', name: '新保护地', designation: 'nature_reserve', status: 'designated', establishedYear: 2025 },
          geometry: boxPolygon(125.0, 125.1, 44.0, 44.1),
        },
        {
          type: 'Feature',
          properties: { id: 'NEW-2', name: '坏', designation: 'castle', status: 'designated' },
          geometry: boxPolygon(125.2, 125.3, 44.0, 44.1),
        },
      ],
    };
    const forbidden = await app.inject({ method: 'POST', url: '/v1/layers/protected-areas?year=2025', headers: evaluator, payload: fc });
    expect(forbidden.statusCode).toBe(403);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/layers/protected-areas?year=2025&source=test',
      headers: { ...admin, 'content-type': 'application/geo+json' },
      payload: JSON.stringify(fc),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ kind: 'protected-areas', year: 2025, features: 1, rejected: [{ index: 1 }] });
    expect(body.rejected[0].reason).toMatch(/designation must be one of/);
    const meta = (await app.inject({ method: 'GET', url: `/v1/layers/${body.datasetId}` })).json();
    expect(meta).toMatchObject({ datasetId: body.datasetId, features: 1 });
    const inBox = (await app.inject({ method: 'GET', url: `/v1/layers/${body.datasetId}/features?bbox=124.9,43.9,125.05,44.05` })).json();
    expect(inBox.features).toHaveLength(1);
    const outBox = (await app.inject({ method: 'GET', url: `/v1/layers/${body.datasetId}/features?bbox=120,40,121,41` })).json();
    expect(outBox.features).toHaveLength(0);
    const none = await app.inject({
      method: 'POST',
      url: '/v1/layers/protected-areas?year=2025',
      headers: admin,
      payload: { type: 'FeatureCollection', features: [fc.features[1]] },
    });
    expect(none.statusCode).toBe(422);
    expect(none.json().error.code).toBe('UNPROCESSABLE');
  });
});
