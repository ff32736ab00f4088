import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { runSeeds } from '@biomon/seed';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';
import { boxAreaM2 } from '../support/ellipsoid';

// The demo seed's forest-loss patch (seeds/demo/build-demo.ts): the box [127.894, 127.906] ×
// [41.896, 41.904], forest in 2020 and bare in 2024, inside 长白山国家级自然保护区 (demo-pa-03).
// A fresh demo platform shows it in the transition matrix and as exactly one alert.

let t: TestContext;
let app: FastifyInstance;
const PATCH_HA = boxAreaM2(127.894, 127.906, 41.896, 41.904) / 1e4;

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const near = (got: number, want: number) => expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThan(Math.max(0.05, want * 1e-4));

describe('demo seed: land-cover change 2020 → 2024', () => {
  it('the matrix shows the patch as forest → bare inside demo-pa-03, and the afforestation since 2020 as gain', async () => {
    const layers = (await app.inject({ method: 'GET', url: '/v1/layers?kind=land-cover' })).json().datasets as { datasetId: number; year: number }[];
    const by = Object.fromEntries(layers.map((d) => [d.year, d.datasetId]));
    const res = await app.inject({ method: 'GET', url: `/v1/land-cover/change?from=${by[2020]}&to=${by[2024]}&regionCodes=220000,220600` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('completed');
    const province = body.regions.find((r: { code: string }) => r.code === '220000');
    const cell = (cells: { from: string; to: string; areaHa: number }[], from: string, to: string) => cells.find((c) => c.from === from && c.to === to)?.areaHa;
    near(cell(province.matrix, 'forest', 'bare')!, PATCH_HA);
    near(cell(province.insideProtectedAreas, 'forest', 'bare')!, PATCH_HA);
    near(province.forestLossHa, PATCH_HA);
    expect(province.forestGainHa).toBeGreaterThan(1000 * PATCH_HA); // ~0.9 points of the province became forest
    // the diagonal plus the off-diagonal cells cover the province (its cells tile it)
    const total = province.matrix.reduce((s: number, c: { areaHa: number }) => s + c.areaHa, 0);
    expect(total / 100).toBeGreaterThan(185_000);
    expect(total / 100).toBeLessThan(192_000);
    const pa03 = body.protectedAreas.find((p: { id: string }) => p.id === 'demo-pa-03');
    near(pa03.forestLossHa, PATCH_HA);
    for (const p of body.protectedAreas) if (p.id !== 'demo-pa-03') expect(p.forestLossHa, p.id).toBe(0);
    // the biosphere reserve over the patch never counts
    expect(body.protectedAreas.map((p: { id: string }) => p.id)).not.toContain('demo-pa-04');
  });

  it('exactly one forest-loss alert, for demo-pa-03, shown to evaluators', async () => {
    const evaluator = await authAs(t, 'evaluator');
    const list = (await app.inject({ method: 'GET', url: '/v1/alerts?rule=forest_loss_in_protected_area&limit=100', headers: evaluator })).json();
    expect(list.alerts).toHaveLength(1);
    const a = list.alerts[0];
    expect(a.titleZh).toContain('长白山国家级自然保护区');
    expect(a.details.protectedArea.id).toBe('demo-pa-03');
    expect(a.details.landCover).toMatchObject({ fromYear: 2020, toYear: 2024 });
    near(a.details.forestLossHa, PATCH_HA);
  });
});
