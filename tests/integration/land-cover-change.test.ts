import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { importLayer, uploadLayer } from '@biomon/layers';
import { computeLandCoverChange, resolveChangePair } from '@biomon/indicators';
import { evaluateAlerts } from '@biomon/alerts';
import { SYSTEM_ACTOR } from '@biomon/auth';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { sql } from '@biomon/db';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { boxAreaM2 as A, boxPolygon as box } from '../support/ellipsoid';

// A land-cover pair with a known transition matrix. Every expected figure is a closed-form
// ellipsoidal quadrangle area (support/ellipsoid.ts), never the code's own output.
//
// Region T0 = [126.0, 126.2] × [43.0, 43.1]; prefecture TA = its west half [126.0, 126.1].
// 2020: forest [126.0, 126.1], cropland [126.1, 126.2].
// 2024: forest [126.0, 126.05], bare [126.05, 126.1] (forest lost), forest [126.1, 126.15] (gained),
//       cropland [126.15, 126.2].
// Protected areas: P1 counted [126.04, 126.12] × [43.02, 43.08] (loses ≈ 2,700 ha of forest);
// P2 counted, tiny, [126.099, 126.101] × [43.09, 43.091] (loses < 1 ha: under the 5 ha threshold);
// BIO a biosphere reserve over everything and FUT established 2030: never counted.

let t: TestContext;
let app: FastifyInstance;
let evaluator: { authorization: string };
let surveyor: { authorization: string };
const ds: Record<string, number> = {};
const feature = (geometry: unknown, properties: Record<string, unknown>) => ({ type: 'Feature' as const, geometry: geometry as never, properties });
const ha = (m2: number) => m2 / 1e4;

beforeAll(async () => {
  t = await createTestContext();
  const imp = async (name: string, kind: Parameters<typeof importLayer>[2]['kind'], features: ReturnType<typeof feature>[], year: number) => {
    ds[name] = (await importLayer(t.ctx.db, features, { kind, year })).datasetId;
  };
  await imp(
    'regions',
    'regions',
    [
      feature(box(126.0, 126.2, 43.0, 43.1), { code: 'T0', name: '测试省', level: 'province' }),
      feature(box(126.0, 126.1, 43.0, 43.1), { code: 'TA', name: '甲市', level: 'prefecture', parentCode: 'T0' }),
    ],
    2020,
  );
  await imp(
    'pas',
    'protected-areas',
    [
      feature(box(126.04, 126.12, 43.02, 43.08), { id: 'P1', name: '甲保护区', designation: 'nature_reserve', status: 'designated', establishedYear: 2000 }),
      feature(box(126.099, 126.101, 43.09, 43.091, 0.001), {
        id: 'P2',
        name: '乙保护小区',
        designation: 'wetland_small_area',
        status: 'designated',
        establishedYear: 2000,
      }),
      feature(box(126.0, 126.2, 43.0, 43.1), {
        id: 'BIO',
        name: '生物圈保护区',
        designation: 'biosphere_reserve',
        status: 'designated',
        establishedYear: 1990,
      }),
      feature(box(126.0, 126.2, 43.0, 43.1), { id: 'FUT', name: '未来保护区', designation: 'nature_reserve', status: 'designated', establishedYear: 2030 }),
    ],
    2024,
  );
  await imp(
    'lc2020',
    'land-cover',
    [feature(box(126.0, 126.1, 43.0, 43.1), { class: 'forest' }), feature(box(126.1, 126.2, 43.0, 43.1), { class: 'cropland' })],
    2020,
  );
  await imp(
    'lc2024',
    'land-cover',
    [
      feature(box(126.0, 126.05, 43.0, 43.1), { class: 'forest' }),
      feature(box(126.05, 126.1, 43.0, 43.1), { class: 'bare' }),
      feature(box(126.1, 126.15, 43.0, 43.1), { class: 'forest' }),
      feature(box(126.15, 126.2, 43.0, 43.1), { class: 'cropland' }),
    ],
    2024,
  );
  app = await buildTestServer(t);
  evaluator = await authAs(t, 'evaluator');
  surveyor = await authAs(t, 'surveyor', { team: 'lcc-test' } as never);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

type Cell = { from: string; to: string; areaHa: number };
const asMap = (cells: Cell[]) => Object.fromEntries(cells.map((c) => [`${c.from}>${c.to}`, c.areaHa]));
const close = (got: number | undefined, want: number) => {
  expect(got, `want ${want}`).toBeDefined();
  // the API rounds to 0.01 ha; PostGIS's geodesic edges follow the densified parallels closely
  expect(Math.abs(got! - want)).toBeLessThan(Math.max(0.02, want * 1e-5));
};

describe('land-cover change: the transition matrix', () => {
  it('cut by a fine grid, stores the known matrix per region, inside the counted protected areas and per protected area', async () => {
    const pair = await resolveChangePair(t.ctx.db, { from: ds.lc2020, to: ds.lc2024 });
    expect(pair.key).toEqual({ fromDatasetId: ds.lc2020, toDatasetId: ds.lc2024, regionsDatasetId: ds.regions, paDatasetId: ds.pas });
    // cells of 1/33° cut every feature, region and protected area: the sums must still be the unsplit areas
    const first = await computeLandCoverChange(t.ctx.db, pair, { cellDeg: 1 / 33, cellsPerStatement: 3 });
    expect(first).toMatchObject({ status: 'completed', computed: true });
    expect(first.cells).toBeGreaterThan(20);
    const again = await computeLandCoverChange(t.ctx.db, pair, { cellDeg: 1 / 33 });
    expect(again).toMatchObject({ changeId: first.changeId, computed: false });

    const res = await app.inject({ method: 'GET', url: `/v1/land-cover/change?from=${ds.lc2020}&to=${ds.lc2024}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'completed', from: { datasetId: ds.lc2020, year: 2020 }, to: { datasetId: ds.lc2024, year: 2024 } });
    expect(body.classes.find((c: { code: string }) => c.code === 'forest')).toMatchObject({ nameZh: '乔木林地', nameEn: 'Forest' });
    const byCode = Object.fromEntries(body.regions.map((r: { code: string }) => [r.code, r]));
    expect(Object.keys(byCode).sort()).toEqual(['T0', 'TA']);

    const t0 = asMap(byCode.T0.matrix);
    expect(Object.keys(t0).sort()).toEqual(['cropland>cropland', 'cropland>forest', 'forest>bare', 'forest>forest']);
    close(t0['forest>forest'], ha(A(126.0, 126.05, 43.0, 43.1)));
    close(t0['forest>bare'], ha(A(126.05, 126.1, 43.0, 43.1)));
    close(t0['cropland>forest'], ha(A(126.1, 126.15, 43.0, 43.1)));
    close(t0['cropland>cropland'], ha(A(126.15, 126.2, 43.0, 43.1)));
    close(byCode.T0.forestLossHa, ha(A(126.05, 126.1, 43.0, 43.1)));
    close(byCode.T0.forestGainHa, ha(A(126.1, 126.15, 43.0, 43.1)));

    const ta = asMap(byCode.TA.matrix);
    expect(Object.keys(ta).sort()).toEqual(['forest>bare', 'forest>forest']);
    close(ta['forest>bare'], ha(A(126.05, 126.1, 43.0, 43.1)));

    // inside the counted-PA union (P1 ∪ P2; BIO and FUT never count)
    const inPa = asMap(byCode.T0.insideProtectedAreas);
    close(inPa['forest>forest'], ha(A(126.04, 126.05, 43.02, 43.08)));
    close(inPa['forest>bare'], ha(A(126.05, 126.1, 43.02, 43.08) + A(126.099, 126.1, 43.09, 43.091)));
    close(inPa['cropland>forest'], ha(A(126.1, 126.12, 43.02, 43.08) + A(126.1, 126.101, 43.09, 43.091)));
    expect(inPa['cropland>cropland']).toBeUndefined();
    close(byCode.T0.forestLossInProtectedAreasHa, ha(A(126.05, 126.1, 43.02, 43.08) + A(126.099, 126.1, 43.09, 43.091)));

    const pas = Object.fromEntries(body.protectedAreas.map((p: { id: string }) => [p.id, p]));
    expect(Object.keys(pas).sort()).toEqual(['P1', 'P2']);
    close(pas.P1.forestLossHa, ha(A(126.05, 126.1, 43.02, 43.08)));
    close(asMap(pas.P1.matrix)['cropland>forest'], ha(A(126.1, 126.12, 43.02, 43.08)));
    close(pas.P2.forestLossHa, ha(A(126.099, 126.1, 43.09, 43.091)));
  });

  it('the change layer: the changed pieces as GeoJSON, cut by the cells, summing to the matrix; forestLoss keeps the loss only', async () => {
    const all = (await app.inject({ method: 'GET', url: `/v1/land-cover/change/areas?from=${ds.lc2020}&to=${ds.lc2024}` })).json();
    expect(all).toMatchObject({ type: 'FeatureCollection', status: 'completed', truncated: false });
    type F = { geometry: { type: string }; properties: { from: string; to: string; areaHa: number; forestLoss: boolean; fromZh: string } };
    const sum = (fs: F[]) => fs.reduce((s, f) => s + f.properties.areaHa, 0);
    const tol = (fs: F[]) => 0.01 * fs.length + 0.02; // each piece rounded to 0.01 ha
    expect(new Set(all.features.map((f: F) => `${f.properties.from}>${f.properties.to}`))).toEqual(new Set(['forest>bare', 'cropland>forest']));
    expect(all.features.length).toBeGreaterThan(2); // cut by the 1/33° cells
    for (const f of all.features as F[]) expect(f.geometry.type).toBe('MultiPolygon');
    const loss = all.features.filter((f: F) => f.properties.forestLoss) as F[];
    expect(Math.abs(sum(loss) - ha(A(126.05, 126.1, 43.0, 43.1)))).toBeLessThan(tol(loss));
    expect(loss[0].properties.fromZh).toBe('乔木林地');
    const onlyLoss = (await app.inject({ method: 'GET', url: `/v1/land-cover/change/areas?from=${ds.lc2020}&to=${ds.lc2024}&forestLoss=true` })).json();
    expect(onlyLoss.features.length).toBe(loss.length);
    const boxed = (
      await app.inject({ method: 'GET', url: `/v1/land-cover/change/areas?from=${ds.lc2020}&to=${ds.lc2024}&bbox=126.16,43.0,126.2,43.1` })
    ).json();
    expect(boxed.features).toEqual([]); // unchanged cropland only there
    const one = (await app.inject({ method: 'GET', url: `/v1/land-cover/change/areas?from=${ds.lc2020}&to=${ds.lc2024}&limit=1` })).json();
    expect(one).toMatchObject({ truncated: true });
    expect(one.features).toHaveLength(1);
    const bad = await app.inject({ method: 'GET', url: `/v1/land-cover/change/areas?from=${ds.lc2020}&to=${ds.lc2024}&bbox=1,2,3` });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('bbox');
  });

  it('the default grid gives the same matrix as the fine one (a second regions version is a new change)', async () => {
    await importLayer(t.ctx.db, [feature(box(126.0, 126.2, 43.0, 43.1), { code: 'T0', name: '测试省', level: 'province' })], { kind: 'regions', year: 2021 });
    const res = (await app.inject({ method: 'GET', url: `/v1/land-cover/change?from=${ds.lc2020}&to=${ds.lc2024}&regionCodes=T0` })).json();
    expect(res.status).toBe('completed');
    expect(res.regionsDatasetId).not.toBe(ds.regions);
    const m = asMap(res.regions[0].matrix);
    close(m['forest>bare'], ha(A(126.05, 126.1, 43.0, 43.1)));
    close(m['cropland>forest'], ha(A(126.1, 126.15, 43.0, 43.1)));
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM land_cover_changes WHERE from_dataset_id = ${ds.lc2020}`.execute(t.ctx.db);
    expect(n.rows[0].n).toBe(2);
  });

  it('names the failing field: unknown versions, the same version twice, unknown region codes, bad parameters', async () => {
    const bad = async (url: string, field: string, status = 422) => {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(status);
      expect(JSON.stringify(r.json().error), url).toContain(field);
    };
    await bad(`/v1/land-cover/change?from=${ds.regions}&to=${ds.lc2024}`, 'from');
    await bad(`/v1/land-cover/change?from=${ds.lc2020}&to=999999`, 'to');
    await bad(`/v1/land-cover/change?from=${ds.lc2024}&to=${ds.lc2024}`, 'to');
    await bad(`/v1/land-cover/change?from=${ds.lc2020}&to=${ds.lc2024}&regionCodes=T0,NOPE`, 'regionCodes');
    await bad(`/v1/land-cover/change?from=abc&to=${ds.lc2024}`, 'from', 400);
    await bad(`/v1/land-cover/change?from=${ds.lc2020}`, 'to', 400);
  });
});

describe('land-cover change: forest_loss_in_protected_area', () => {
  it('fires once for the protected area over the threshold, never again when evaluated again, and only evaluators see it', async () => {
    const s1 = await evaluateAlerts(t.ctx.db, { trigger: 'rules', rules: ['forest_loss_in_protected_area'] });
    // two stored changes of 2020 → 2024 (two regions versions): one verdict for P1, none for P2 (< 5 ha)
    expect(s1.forest_loss_in_protected_area).toEqual({ opened: 1, updated: 0, unchanged: 0 });
    // at-least-once: the same evaluation again, and the schedule group, change nothing
    const s2 = await evaluateAlerts(t.ctx.db, { trigger: 'rules', rules: ['forest_loss_in_protected_area'] });
    expect(s2.forest_loss_in_protected_area).toEqual({ opened: 0, updated: 0, unchanged: 1 });
    await evaluateAlerts(t.ctx.db, { trigger: 'schedule', group: 'indicators' });
    const rows = await sql<{ subject_key: string; status: string; n: number }>`
      SELECT subject_key, status, (SELECT count(*) FROM alert_triggers g WHERE g.alert_id = a.id)::int AS n
      FROM alerts a WHERE rule_code = 'forest_loss_in_protected_area'`.execute(t.ctx.db);
    // two stored changes (two regions versions) of the same years: still one alert for P1, and none for P2 (< 5 ha)
    expect(rows.rows.map((r) => r.subject_key)).toEqual(['pa=P1;from=2020;to=2024']);
    expect(rows.rows[0].status).toBe('open');

    const list = (await app.inject({ method: 'GET', url: '/v1/alerts?rule=forest_loss_in_protected_area', headers: evaluator })).json();
    const mine = (list.alerts ?? list.items ?? []).filter(
      (a: { rule: string; ruleCode?: string }) => (a.rule ?? a.ruleCode) === 'forest_loss_in_protected_area',
    );
    expect(mine).toHaveLength(1);
    expect(mine[0].titleZh).toContain('甲保护区');
    close(mine[0].details.forestLossHa, ha(A(126.05, 126.1, 43.02, 43.08)));
    const other = (await app.inject({ method: 'GET', url: '/v1/alerts', headers: surveyor })).json();
    expect(JSON.stringify(other)).not.toContain('forest_loss_in_protected_area');
  });

  it('a threshold above the loss raises nothing for a new pair', async () => {
    await app.inject({
      method: 'PUT',
      url: '/v1/alert-rules',
      headers: await authAs(t, 'admin'),
      payload: { rules: [{ code: 'forest_loss_in_protected_area', params: { minLossHa: 1e6 } }] },
    });
    const lc = await importLayer(t.ctx.db, [feature(box(126.0, 126.2, 43.0, 43.1), { class: 'built' })], { kind: 'land-cover', year: 2025 });
    await computeLandCoverChange(t.ctx.db, await resolveChangePair(t.ctx.db, { from: ds.lc2024, to: lc.datasetId }));
    const s = await evaluateAlerts(t.ctx.db, { trigger: 'rules', rules: ['forest_loss_in_protected_area'] });
    expect(s.forest_loss_in_protected_area?.opened ?? 0).toBe(0);
  });
});

describe('land-cover change: a large pair is queued, once', () => {
  it('answers pending and writes one outbox job however often it is asked', async () => {
    // 2 × 2,600 boxes of 0.002° (over ON_REQUEST_MAX_FEATURES = 5,000 together): not computed on request
    const grid = (cls: string) =>
      Array.from({ length: 2600 }, (_, i) => {
        const x = 126.0 + (i % 52) * 0.002;
        const y = 43.0 + Math.floor(i / 52) * 0.002;
        return feature(box(x, x + 0.002, y, y + 0.002, 0.002), { class: cls });
      });
    const a = await importLayer(t.ctx.db, grid('cropland'), { kind: 'land-cover', year: 2030 });
    const b = await importLayer(t.ctx.db, grid('built'), { kind: 'land-cover', year: 2031 });
    const url = `/v1/land-cover/change?from=${a.datasetId}&to=${b.datasetId}`;
    for (let i = 0; i < 3; i++) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ status: 'pending', regions: [], protectedAreas: [] });
    }
    const jobs = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM outbox WHERE job_name = 'land-cover-change'
        AND payload->>'fromDatasetId' = ${String(a.datasetId)} AND payload->>'toDatasetId' = ${String(b.datasetId)}`.execute(t.ctx.db);
    expect(jobs.rows[0].n).toBe(1);
    // what the worker's job does with it: the matrix, then complete
    await computeLandCoverChange(t.ctx.db, await resolveChangePair(t.ctx.db, { from: a.datasetId, to: b.datasetId }));
    const done = (await app.inject({ method: 'GET', url: `${url}&regionCodes=T0` })).json();
    expect(done.status).toBe('completed');
    close(asMap(done.regions[0].matrix)['cropland>built'], ha(A(126.0, 126.104, 43.0, 43.1)));
  }, 120_000);
});

describe('land-cover change: a new version through the worker', () => {
  let worker: RunningWorker;
  afterAll(async () => {
    await worker?.stop();
  });

  it('an upload of a land-cover version computes its change from the version before it and evaluates the rule', async () => {
    await app.inject({
      method: 'PUT',
      url: '/v1/alert-rules',
      headers: await authAs(t, 'admin'),
      payload: { rules: [{ code: 'forest_loss_in_protected_area', params: { minLossHa: 5 } }] },
    });
    worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
    const upload = (cls: string, year: number) =>
      uploadLayer(t.ctx.db, SYSTEM_ACTOR, [feature(box(126.0, 126.2, 43.0, 43.1), { class: cls })] as never, { kind: 'land-cover', year }, 'test');
    const v2026 = await upload('forest', 2026);
    const v2027 = await upload('bare', 2027);
    const waitFor = async <T>(f: () => Promise<T | undefined>): Promise<T> => {
      for (let i = 0; i < 1200; i++) {
        const v = await f();
        if (v !== undefined) return v;
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error('timed out');
    };
    const change = await waitFor(async () => {
      const r = await sql<{ status: string; from_dataset_id: string }>`
        SELECT status, from_dataset_id::text FROM land_cover_changes WHERE to_dataset_id = ${v2027.datasetId} AND status = 'completed'`.execute(t.ctx.db);
      return r.rows[0];
    });
    expect(Number(change.from_dataset_id)).toBe(v2026.datasetId);
    const alert = await waitFor(async () => {
      const r = await sql<{ subject_key: string; details: { forestLossHa: number } }>`
        SELECT subject_key, details FROM alerts WHERE rule_code = 'forest_loss_in_protected_area' AND subject_key LIKE '%from=2026;to=2027'`.execute(t.ctx.db);
      return r.rows.length ? r.rows : undefined;
    });
    // all of P1 and P2 were forest in 2026 and bare in 2027: P1 over the threshold, P2 under it
    expect(alert.map((a) => a.subject_key)).toEqual(['pa=P1;from=2026;to=2027']);
    close(alert[0].details.forestLossHa, ha(A(126.04, 126.12, 43.02, 43.08)));
  }, 120_000);
});
