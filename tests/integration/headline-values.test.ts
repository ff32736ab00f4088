import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { runSeeds } from '@biomon/seed';
import { createIndicatorRun, describeReason, executeIndicatorRun, REASON_CODES } from '@biomon/indicators';
import { createTestContext, type TestContext } from '../support/test-db';
import { buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';

// Issue 18: the newest run (2026) has no grassland plots, so its grassland value is empty although
// 2024 has one. The headline (dashboard overview and report) shows, per indicator, the newest year
// that has a value, with that year; where no year has one, the reason in the reader's language.

let t: TestContext;
let app: FastifyInstance;
type V = {
  regionCode: string;
  year: number;
  value: number | null;
  reason: string | null;
  reasonCode?: string | null;
  reasonZh?: string | null;
  reasonEn?: string | null;
};
// the dashboard's pure pick (apps/web/src/headline.ts), loaded by path: the web app is not a project of tests/tsconfig.json
let headlineValue: (values: V[], region: string) => V | undefined;
let reasonFor: (v: V, lang: 'zh' | 'en') => string | null;

beforeAll(async () => {
  ({ headlineValue, reasonFor } = await import(path.join(REPO_ROOT, 'apps/web/src/headline.ts')));
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  // a run of the current year: the demo's plots were surveyed in 2024 and 2020, none in 2026
  const { runId } = await createIndicatorRun(
    t.ctx.db,
    { year: 2026, indicators: ['grassland_vegetation_cover', 'forest_coverage'] },
    { tokenId: null, role: 'system', label: 'test' },
    'test',
  );
  await executeIndicatorRun(t.ctx.db, runId);
  app = await buildTestServer(t);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const values = async (code: string) => (await app.inject({ method: 'GET', url: `/v1/indicators/${code}/values` })).json().values as V[];

describe('headline values', () => {
  it('the values API gives each empty value a stable reason code with Chinese and English texts', async () => {
    const grass = await values('grassland_vegetation_cover');
    const y2026 = grass.find((v) => v.regionCode === '220000' && v.year === 2026)!;
    expect(y2026.value).toBeNull();
    expect(y2026.reasonCode).toBe('NO_GRASSLAND_WITH_PLOTS');
    expect(y2026.reasonZh).toMatch(/[\u4e00-\u9fff]/);
    expect(y2026.reasonEn).toBe(y2026.reason); // the English field stays for API compatibility
    const y2024 = grass.find((v) => v.regionCode === '220000' && v.year === 2024)!;
    expect(y2024.value).not.toBeNull();
    expect(y2024).toMatchObject({ reason: null, reasonCode: null, reasonZh: null });
    // every code the catalogue reads back from a stored English reason is a known code
    for (const v of grass.filter((x) => x.value === null)) expect(REASON_CODES).toContain(v.reasonCode);
    expect(describeReason("no land-cover dataset with vintage ≤ the run's year")).toMatchObject({
      reasonCode: 'DATASET_MISSING',
      reasonParams: { kind: 'land-cover' },
      reasonZh: '没有年份不晚于计算年份的土地覆盖数据集',
    });
    expect(describeReason('something new')).toMatchObject({ reasonCode: 'REASON_OTHER', reasonEn: 'something new' });
  });

  it('the dashboard picks the newest year with a value, and the reason in its language where none has one', async () => {
    const grass = await values('grassland_vegetation_cover');
    const h = headlineValue(grass, '220000')!;
    expect(h.year).toBe(2024);
    expect(h.value).toBe(grass.find((v) => v.regionCode === '220000' && v.year === 2024)!.value);
    // 通化 has no grassland plots in any year: the newest year, empty, with its reason
    const th = headlineValue(grass, '220500')!;
    expect(th).toMatchObject({ year: 2026, value: null });
    expect(reasonFor(th, 'zh')).toBe(th.reasonZh);
    expect(reasonFor(th, 'zh')).toMatch(/[\u4e00-\u9fff]/);
    expect(reasonFor(th, 'en')).toBe(th.reason);
    // forest has a 2026 value: the newest year wins
    expect(headlineValue(await values('forest_coverage'), '220000')!.year).toBe(2026);
  });

  it('the report keeps its year for the overall table and adds the headline: newest year with a value, else the reason', async () => {
    const r = (await app.inject({ method: 'GET', url: '/v1/reports/assessment?asOf=2026-11-28' })).json();
    expect(r.year).toBe(2026);
    const overallGrass = r.overall.find((v: V & { indicator: string }) => v.indicator === 'grassland_vegetation_cover');
    expect(overallGrass).toMatchObject({ year: 2026, value: null, reasonCode: 'NO_GRASSLAND_WITH_PLOTS' });
    const grass2024 = (await values('grassland_vegetation_cover')).find((v) => v.regionCode === '220000' && v.year === 2024)!;
    const head = Object.fromEntries(r.headline.map((v: V & { indicator: string }) => [v.indicator, v]));
    expect(head.grassland_vegetation_cover).toMatchObject({ year: 2024, value: grass2024.value, reason: null });
    expect(head.forest_coverage.year).toBe(2026);
    // natural wetland protection was not computed in 2026: its 2024 value
    expect(head.natural_wetland_protection_rate.year).toBe(2024);
    expect(head.natural_wetland_protection_rate.value).not.toBeNull();

    const pref = (await app.inject({ method: 'GET', url: '/v1/reports/assessment?region=220500&asOf=2026-11-28' })).json();
    const pg = pref.headline.find((v: { indicator: string }) => v.indicator === 'grassland_vegetation_cover');
    expect(pg).toMatchObject({ year: 2026, value: null, reasonCode: 'NO_GRASSLAND_WITH_PLOTS' });
    expect(pg.reason).toMatch(/^[\u4e00-\u9fff]/); // Chinese first

    const html = (await app.inject({ method: 'GET', url: '/v1/reports/assessment?asOf=2026-11-28&format=html' })).body;
    expect(html).toContain('最新数值');
    expect(html).toMatch(/data-indicator="grassland_vegetation_cover" data-year="2024"/);

    // the CSV has the same headline: grassland's 2024 value (not the empty 2026 one), with its year
    const csv = (await app.inject({ method: 'GET', url: '/v1/reports/assessment?asOf=2026-11-28&format=csv' })).body;
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    const at = lines.findIndex((l) => l.startsWith('一、最新数值'));
    expect(at).toBeGreaterThan(0);
    const grassRow = lines
      .slice(at)
      .find((l) => l.startsWith('grassland_vegetation_cover,'))!
      .split(',');
    expect([Number(grassRow[3]), Number(grassRow[4])]).toEqual([2024, Number(grass2024.value!.toFixed(2))]);
    // 通化: no year has a value — the reason in Chinese and English, as the values API gives them
    const tonghua = (await values('grassland_vegetation_cover')).find((v) => v.regionCode === '220500' && v.year === 2026)!;
    const pcsv = (await app.inject({ method: 'GET', url: '/v1/reports/assessment?region=220500&asOf=2026-11-28&format=csv' })).body;
    const plines = pcsv.replace(/^\uFEFF/, '').split('\r\n');
    const prow = plines.slice(plines.findIndex((l) => l.startsWith('一、最新数值'))).find((l) => l.startsWith('grassland_vegetation_cover,'))!;
    expect(prow).toContain(`,,,%,`); // no year, no value
    expect(prow).toContain(`,${tonghua.reasonEn},${tonghua.reasonCode},`);
    expect(prow).toMatch(/,%,[\u4e00-\u9fff][^,]*,/); // Chinese first
  });
});
