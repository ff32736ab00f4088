import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { importLayer } from '@biomon/layers';
import type { Actor } from '@biomon/auth';
import { createIndicatorRun, executeIndicatorRun } from '@biomon/indicators';
import { evaluateAlerts } from '@biomon/alerts';
import { sql } from '@biomon/db';
import { createTestContext, type TestContext } from '../../support/test-db';
import { authAs, buildTestServer } from '../../support/http';
import { boxAreaM2 as boxArea, boxPolygon as box } from '../../support/ellipsoid';
import { vincentyM } from '../../support/geodesic';

// pa_connectivity gives one result per region × dispersal distance (issue 19), told apart by their
// variant (migration 0017). Every read of indicator results keeps them apart and keeps the
// indicators with one value per region as they were: the values API (and its cache), a run, OGC
// items, the downloads, the assessment report (ProtConn at 10 km beside the coverage).

let t: TestContext;
let app: FastifyInstance;
let evaluator: { authorization: string };
let runId: string;
const actor: Actor = { tokenId: null, role: 'evaluator', label: 'test' };
const feature = (geometry: unknown, properties: Record<string, unknown>) => ({ type: 'Feature' as const, geometry: geometry as never, properties });

// two squares 0.05° apart in a 1° province (closed form as in connectivity.test.ts)
const a1 = boxArea(120.2, 120.3, 43, 43.1);
const a2 = boxArea(120.35, 120.45, 43, 43.1);
const AL = boxArea(120, 121, 42.5, 43.5);
const d = vincentyM(120.3, 43.1, 120.35, 43.1);
const protConn = (km: number) => (100 * Math.sqrt(a1 * a1 + a2 * a2 + 2 * a1 * a2 * Math.exp((-Math.LN2 / (km * 1000)) * d))) / AL;

beforeAll(async () => {
  t = await createTestContext();
  app = await buildTestServer(t);
  evaluator = await authAs(t, 'evaluator');
  const regions = await importLayer(t.ctx.db, [feature(box(120, 121, 42.5, 43.5), { code: 'P0', name: '试验省', level: 'province' })], {
    kind: 'regions',
    year: 2020,
  });
  const pas = await importLayer(
    t.ctx.db,
    [
      feature(box(120.2, 120.3, 43, 43.1), { id: 'A', name: '甲保护区', designation: 'nature_reserve', status: 'designated', establishedYear: 2000 }),
      feature(box(120.35, 120.45, 43, 43.1), { id: 'B', name: '乙保护区', designation: 'nature_reserve', status: 'designated', establishedYear: 2000 }),
    ],
    { kind: 'protected-areas', year: 2020 },
  );
  const run = await createIndicatorRun(
    t.ctx.db,
    {
      year: 2024,
      indicators: ['pa_coverage', 'pa_connectivity'],
      datasets: { regions: regions.datasetId, protectedAreas: pas.datasetId },
      params: { dispersalDistanceKm: [10, 1] },
    },
    actor,
  );
  runId = run.runId;
  await executeIndicatorRun(t.ctx.db, runId);
});
afterAll(async () => {
  await app.close();
  await t.close();
});

const runOf = async (id: string) =>
  (await sql<{ datasets: { regions: number; protectedAreas: number } }>`SELECT datasets FROM indicator_runs WHERE id = ${id}`.execute(t.ctx.db)).rows[0];
const close = (x: number, y: number) => expect(Math.abs(x - y) / y, `${x} vs ${y}`).toBeLessThan(1e-6);

describe('reads of indicator results with variants', () => {
  it('the values API answers one value per distance, each with its variant; pa_coverage has none', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/indicators/pa_connectivity/values?region=P0' });
    expect(r.statusCode).toBe(200);
    const values = r.json().values as {
      variant?: string;
      value: number;
      details: { dispersalDistanceKm: number; topConnectors: unknown[]; links: unknown[] };
    }[];
    expect(values.map((v) => v.variant)).toEqual(['d=1km', 'd=10km']);
    close(values[0].value, protConn(1));
    close(values[1].value, protConn(10));
    expect(values.map((v) => v.details.dispersalDistanceKm)).toEqual([1, 10]);
    const cov = (await app.inject({ method: 'GET', url: '/v1/indicators/pa_coverage/values?region=P0' })).json().values;
    expect(cov).toHaveLength(1);
    expect(cov[0]).not.toHaveProperty('variant');
    // the catalogue lists it, beside the coverage
    const defs = (await app.inject({ method: 'GET', url: '/v1/indicators' })).json().indicators as { code: string; companionOf?: string }[];
    expect(defs.find((x) => x.code === 'pa_connectivity')).toMatchObject({ companionOf: 'pa_coverage' });
  });

  it('a run answers every result with its variant', async () => {
    const r = await app.inject({ method: 'GET', url: `/v1/indicator-runs/${runId}`, headers: evaluator });
    expect(r.statusCode).toBe(200);
    const results = r.json().results as { indicator: string; variant?: string }[];
    expect(results.map((x) => `${x.indicator}:${x.variant ?? ''}`)).toEqual(['pa_connectivity:d=1km', 'pa_connectivity:d=10km', 'pa_coverage:']);
  });

  it('POST /v1/indicator-runs refuses bad connectivity parameters naming the field', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/indicator-runs',
      headers: evaluator,
      payload: { year: 2024, indicators: ['pa_connectivity'], params: { dispersalDistanceKm: [10, 0] } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.errors[0].field).toBe('params.dispersalDistanceKm[1]');
    const p = await app.inject({
      method: 'POST',
      url: '/v1/indicator-runs',
      headers: evaluator,
      payload: { year: 2024, indicators: ['pa_connectivity'], params: { probabilityAtDistance: 1.5 } },
    });
    expect(p.statusCode).toBe(400);
    expect(p.json().error.details.errors[0].field).toBe('params.probabilityAtDistance');
  });

  it('OGC items: one feature per variant, each found by its id', async () => {
    const r = await app.inject({ method: 'GET', url: '/ogc/collections/indicator-results/items?f=json' });
    expect(r.statusCode).toBe(200);
    const ids = (r.json().features as { id: string }[]).map((f) => f.id).sort();
    expect(ids).toEqual(['pa_connectivity.P0.2024.d=10km', 'pa_connectivity.P0.2024.d=1km', 'pa_coverage.P0.2024']);
    const one = await app.inject({
      method: 'GET',
      url: `/ogc/collections/indicator-results/items/${encodeURIComponent('pa_connectivity.P0.2024.d=10km')}?f=json`,
    });
    expect(one.statusCode).toBe(200);
    expect(one.json().properties.variant).toBe('d=10km');
    close(one.json().properties.value, protConn(10));
    const cov = await app.inject({ method: 'GET', url: '/ogc/collections/indicator-results/items/pa_coverage.P0.2024?f=json' });
    expect(cov.statusCode).toBe(200);
    expect(cov.json().properties).not.toHaveProperty('variant');
  });

  it('the CSV download has a variant column', async () => {
    const csv = await app.inject({ method: 'GET', url: '/v1/downloads/indicator-results', headers: evaluator });
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.slice(1).trim().split(/\r?\n/);
    const header = lines[0].split(',');
    expect(header.at(-1)).toBe('variant');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((x) => `${x[0]}:${x.at(-1)}`).sort()).toEqual(['pa_connectivity:d=10km', 'pa_connectivity:d=1km', 'pa_coverage:']);
  });

  it('the assessment report shows ProtConn at 10 km right after the coverage', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/reports/assessment?format=json&year=2024&asOf=2024-12-31' });
    expect(r.statusCode).toBe(200);
    const overall = r.json().overall as { indicator: string; nameZh: string; value: number | null; companionOf?: string }[];
    const i = overall.findIndex((v) => v.indicator === 'pa_coverage');
    expect(overall[i + 1]).toMatchObject({ indicator: 'pa_connectivity', companionOf: 'pa_coverage' });
    expect(overall[i + 1].nameZh).toContain('10 千米');
    close(overall[i + 1].value!, protConn(10));
    const html = await app.inject({ method: 'GET', url: '/v1/reports/assessment?format=html&year=2024&asOf=2024-12-31' });
    expect(html.body).toContain('ProtConn');
  });

  it('the indicator-drop alert compares a distance only with the same distance of an earlier run', async () => {
    // a threshold below the gap between ProtConn at 1 km and at 10 km (≈ 0.4 points here)
    await sql`INSERT INTO alert_rules (code, enabled, severity, params) VALUES ('indicator_drop', true, 'warning', '{"minDropPoints": 0.1}')`.execute(t.ctx.db);
    expect(protConn(10) - protConn(1)).toBeGreaterThan(0.1);
    // a second run with the same inputs: the same values, so nothing dropped
    const again = await createIndicatorRun(
      t.ctx.db,
      { year: 2024, indicators: ['pa_connectivity'], datasets: (await runOf(runId)).datasets, params: { dispersalDistanceKm: [1, 10] } },
      actor,
    );
    await executeIndicatorRun(t.ctx.db, again.runId);
    const now = new Date().toISOString();
    expect((await evaluateAlerts(t.ctx.db, { trigger: 'rules', rules: ['indicator_drop'], now })).indicator_drop).toEqual({
      opened: 0,
      updated: 0,
      unchanged: 0,
    });
    // a real fall at 10 km is seen, as that distance's alert
    await sql`UPDATE indicator_results SET value = value - 0.2 WHERE run_id = ${again.runId} AND variant = 'd=10km'`.execute(t.ctx.db);
    expect((await evaluateAlerts(t.ctx.db, { trigger: 'rules', rules: ['indicator_drop'], now })).indicator_drop).toEqual({
      opened: 1,
      updated: 0,
      unchanged: 0,
    });
    const alerts = await sql<{ subject_key: string }>`SELECT subject_key FROM alerts WHERE rule_code = 'indicator_drop'`.execute(t.ctx.db);
    expect(alerts.rows.map((a) => a.subject_key)).toEqual(['indicator=pa_connectivity;region=P0;variant=d=10km']);
  });
});
