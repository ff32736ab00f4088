import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parse } from 'csv-parse/sync';
import { sql } from '@biomon/db';
import { runSeeds } from '@biomon/seed';
import { createIndicatorRun, executeIndicatorRun } from '@biomon/indicators';
import { canonicalJson, snapshotHash, type AssessmentReport } from '@biomon/reports';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';

let t: TestContext;
let app: FastifyInstance;
type Auth = { authorization: string };
let evaluator: Auth;
let evaluator2: Auth;
let department: Auth;

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  evaluator = await authAs(t, 'evaluator');
  evaluator2 = await authAs(t, 'evaluator');
  const lcj = await t.ctx.db.selectFrom('departments').select('id').where('name', '=', '省林草局').executeTakeFirstOrThrow();
  department = await authAs(t, 'department', { departmentId: lcj.id });
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const QUERY = 'year=2024&region=220000&asOf=2026-11-28';
const assessment = async (qs = QUERY): Promise<AssessmentReport> => {
  const res = await app.inject({ method: 'GET', url: `/v1/reports/assessment?${qs}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const latest = async (code: string, region: string) =>
  (await app.inject({ method: 'GET', url: `/v1/indicators/${code}/values?region=${region}&year=2024` })).json().values[0] ?? null;

describe('assessment report (JSON)', () => {
  it('is public and gives the overall targets with value, target, gap and met / not met, as the indicator API has them', async () => {
    const r = await assessment('');
    // defaults: the province of the newest regions dataset, the newest year with a completed run
    expect(r).toMatchObject({ kind: 'assessment', year: 2024, region: { code: '220000', name: '吉林省', level: 'province' } });
    expect(r.overall.filter((v) => !v.companionOf).map((v) => v.indicator)).toEqual([
      'forest_coverage',
      'grassland_vegetation_cover',
      'natural_wetland_protection_rate',
      'protected_species_rate',
      'ecosystem_type_protection_rate',
      'pa_coverage',
    ]);
    expect(r.overall.find((v) => v.companionOf === 'natural_wetland_protection_rate')).toMatchObject({
      indicator: 'wetland_protection_rate',
      companionOf: 'natural_wetland_protection_rate',
      target: null,
    });
    const targets: Record<string, number | null> = {
      forest_coverage: 45.8,
      grassland_vegetation_cover: 72.3,
      natural_wetland_protection_rate: 50,
      protected_species_rate: 95,
      ecosystem_type_protection_rate: null,
      pa_coverage: null,
    };
    for (const v of r.overall) {
      const api = await latest(v.indicator, '220000');
      expect(v.value, v.indicator).toBe(api.value);
      expect(v.runId).toBe(api.runId);
      if (v.indicator in targets) expect(v.target, v.indicator).toBe(targets[v.indicator]);
      if (v.target !== null && v.value !== null) {
        expect(v.gap).toBeCloseTo(v.value - v.target, 3);
        expect(v.meetsTarget).toBe(v.value >= v.target);
      } else {
        expect(v.gap).toBeNull();
        expect(v.meetsTarget).toBeNull();
      }
    }
    // no number where the seed gives none: the Chinese wording instead
    expect(r.overall.find((v) => v.indicator === 'ecosystem_type_protection_rate')).toMatchObject({
      target: null,
      targetText: '达到国家要求',
      meetsTarget: null,
    });
    expect(r.overall.find((v) => v.indicator === 'forest_coverage')!.target2035Text).toBe('稳定提高');
  });

  it('gives the same per prefecture and per priority area, with reasons instead of numbers where a value is empty', async () => {
    const r = await assessment();
    expect(r.prefectures.map((p) => p.code)).toEqual(['220100', '220200', '220300', '220400', '220500', '220600', '220700', '220800', '222400']);
    expect(r.priorityAreas.map((p) => p.code)).toEqual(['PA-CBS', 'PA-SNP']);
    for (const p of [...r.prefectures, ...r.priorityAreas]) {
      for (const v of p.values) {
        const api = await latest(v.indicator, p.code);
        expect(v.value, `${p.code} ${v.indicator}`).toBe(api?.value ?? null);
        if (v.value === null) expect(v.reason, `${p.code} ${v.indicator}`).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });

  it('summarises the ledger as of the date: the overdue tasks by responsible department', async () => {
    const r = await assessment();
    expect(r.ledger.asOf).toBe('2026-11-28');
    expect(r.ledger.totals).toMatchObject({ tasks: 55, overdue: 7, continuous: 34, notReported: 55 });
    expect(r.ledger.overdueTasks.map((x) => x.no)).toEqual([3, 4, 9, 12, 25, 40, 47]);
    expect(r.ledger.overdueByDepartment.map((d) => [d.department, d.tasks])).toEqual([
      ['省林草局', [3, 9, 12, 40, 47]],
      ['省农业农村厅', [3, 12, 25]],
      ['省生态环境厅', [3, 4]],
      ['省自然资源厅', [3]],
      ['省财政厅', [9]],
      ['省水利厅', [12]],
    ]);
    expect(r.ledger.implementing).toEqual([{ department: '各市州人民政府', overdue: 7, tasks: 55 }]);
    const earlier = await assessment('year=2024&asOf=2024-06-30');
    expect(earlier.ledger.overdueTasks.map((x) => x.no)).toEqual([3, 4]);
  });

  it('reports data coverage: survey events and records per priority area, stations and their completeness', async () => {
    const r = await assessment();
    const counts = await sql<{ pa: string | null; events: number; occ: number }>`
      SELECT pa, sum(e)::int AS events, sum(o)::int AS occ FROM (
        SELECT priority_area AS pa, 1 AS e, 0 AS o FROM survey_events UNION ALL SELECT priority_area, 0, 1 FROM occurrences) x
      GROUP BY pa`.execute(t.ctx.db);
    for (const p of r.coverage.priorityAreas) {
      const c = counts.rows.find((x) => x.pa === p.code)!;
      expect([p.code, p.surveyEvents, p.occurrences]).toEqual([c.pa, c.events, c.occ]);
      expect(p.surveyEvents).toBeGreaterThan(0);
    }
    const total = counts.rows.reduce((a, x) => a + x.occ, 0);
    expect(r.coverage.priorityAreas.reduce((a, p) => a + p.occurrences, 0) + r.coverage.outsidePriorityAreas.occurrences).toBe(total);
    const stations = await t.ctx.db.selectFrom('stations').select('station_id').execute();
    expect(r.coverage.stations.total).toBe(stations.length);
    expect(r.coverage.stations.list.map((s) => s.stationId).sort()).toEqual(stations.map((s) => s.station_id).sort());
    for (const s of r.coverage.stations.list) {
      if (s.expectedSlots > 0) expect(s.completenessPct).toBeCloseTo((s.observedSlots / s.expectedSlots) * 100, 1);
      expect(s.completenessPct === null || (s.completenessPct >= 0 && s.completenessPct <= 100)).toBe(true);
    }
    expect(r.coverage.stations.completenessPct).toBeCloseTo((r.coverage.stations.observedSlots / r.coverage.stations.expectedSlots) * 100, 1);
  });

  it('names its provenance: run ids, dataset versions, method versions', async () => {
    const r = await assessment();
    const seedRun = await t.ctx.db
      .selectFrom('indicator_runs')
      .select(['id', 'method_version', 'datasets'])
      .where('trigger', '=', 'seed')
      .executeTakeFirstOrThrow();
    expect(r.provenance.runIds).toEqual([seedRun.id]);
    expect(r.provenance.methodVersions).toEqual([seedRun.method_version]);
    const ds = seedRun.datasets as Record<string, number>;
    expect(r.provenance.datasetVersions.map((d) => d.id).sort()).toEqual(
      Object.values(ds)
        .filter((x) => x !== null)
        .sort(),
    );
    expect(r.provenance.runs[0].datasets.landCover).toMatchObject({ id: ds.landCover, kind: 'land-cover', vintageYear: 2024 });
  });

  it('shows a year without runs as empty values with the reason and the targets, never invented numbers; rejects unknown regions', async () => {
    const r = await assessment('year=2019&asOf=2026-11-28');
    expect(r.year).toBe(2019);
    for (const v of r.overall) {
      expect(v.value).toBeNull();
      expect(v.reason).toMatch(/尚无已完成的指标计算/);
    }
    expect(r.overall[0]).toMatchObject({ target: 45.8, gap: null, meetsTarget: null });
    const pref = await assessment('region=220100&year=2024&asOf=2026-11-28');
    expect(pref.region).toMatchObject({ code: '220100', name: '长春市' });
    expect(pref.prefectures).toEqual([]);
    const bad = await app.inject({ method: 'GET', url: '/v1/reports/assessment?region=999999' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.errors[0]).toMatchObject({ field: 'querystring.region', code: 'REGION_UNKNOWN' });
    expect((await app.inject({ method: 'GET', url: '/v1/reports/assessment?format=pdf' })).statusCode).toBe(400);
  });
});

describe('assessment report (CSV and HTML)', () => {
  it('serves CSV as UTF-8 with a BOM, each value as in the JSON', async () => {
    const r = await assessment();
    const res = await app.inject({ method: 'GET', url: `/v1/reports/assessment?${QUERY}&format=csv` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="assessment-220000-2024.csv"');
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(res.rawPayload.subarray(3).toString('utf8'), { relax_column_count: true }) as string[][];
    const forest = rows.find((x) => x[0] === '220000' && x[2] === 'forest_coverage')!;
    expect(forest[3]).toBe('森林覆盖率');
    expect(Number(forest[6])).toBe(Number(r.overall[0].value!.toFixed(2)));
    expect(forest[7]).toBe('45.8');
    expect(Number(forest[9])).toBe(Number(r.overall[0].gap!.toFixed(2)));
    const eco = rows.find((x) => x[0] === '220000' && x[2] === 'ecosystem_type_protection_rate')!;
    expect(eco[7]).toBe('');
    expect(eco[8]).toBe('达到国家要求');
    expect(rows.filter((x) => x[0] === '220700' && x.length > 5)).toHaveLength(6);
    expect(rows.some((x) => x[0] === '40' && x[4] === '省林草局')).toBe(true);
  });

  it('gives the CSV the headline values of the JSON: newest year with a value, else the reason in Chinese and English', async () => {
    let missing = 0;
    for (const region of ['220000', '220500']) {
      const qs = `year=2024&region=${region}&asOf=2026-11-28`;
      const r = await assessment(qs);
      expect(r.headline!.map((v) => v.indicator)).toEqual([
        'forest_coverage',
        'grassland_vegetation_cover',
        'natural_wetland_protection_rate',
        'protected_species_rate',
        'ecosystem_type_protection_rate',
        'pa_coverage',
      ]);
      const res = await app.inject({ method: 'GET', url: `/v1/reports/assessment?${qs}&format=csv` });
      expect(res.statusCode).toBe(200);
      const rows = parse(res.rawPayload.subarray(3).toString('utf8'), { relax_column_count: true }) as string[][];
      const at = rows.findIndex((x) => x[0].startsWith('一、最新数值'));
      expect(at, 'the headline section').toBeGreaterThan(0);
      expect(rows[at + 1].slice(0, 4)).toEqual(['指标代码 indicator', '指标 name', 'Indicator', '数据年度 year of the value']);
      const body = rows.slice(at + 2, at + 2 + r.headline!.length);
      expect(rows[at + 2 + r.headline!.length]).toEqual(['']); // the section ends there (an empty row)
      const html = (await app.inject({ method: 'GET', url: `/v1/reports/assessment?${qs}&format=html` })).body;
      for (const [i, v] of r.headline!.entries()) {
        const row = body[i];
        expect(row.slice(0, 3), v.indicator).toEqual([v.indicator, v.nameZh, v.nameEn]);
        expect(row[5]).toBe('%');
        if (v.value !== null) {
          expect([Number(row[3]), Number(row[4])]).toEqual([v.year, Number(v.value.toFixed(2))]);
          expect(row.slice(6, 9)).toEqual(['', '', '']);
          expect(row[9]).toBe(v.runId);
          continue;
        }
        missing++;
        // the same reason the indicator API gives for that value, and the HTML page shows
        const api = (await app.inject({ method: 'GET', url: `/v1/indicators/${v.indicator}/values?region=${region}&year=2024` })).json().values[0];
        expect(api.value).toBeNull();
        expect([row[3], row[4]]).toEqual(['', '']);
        expect(row[6]).toMatch(/^[\u4e00-\u9fff]/);
        expect(row[6]).toBe(v.reason!.replace(` (${api.reasonEn})`, ''));
        expect(row[7]).toBe(api.reasonEn);
        expect(row[8]).toBe(api.reasonCode);
        expect(v.reasonCode).toBe(api.reasonCode);
        const headline = html.slice(html.indexOf('<table class="grid headline">'));
        expect(headline.slice(0, headline.indexOf('</table>'))).toContain(`data-indicator="${v.indicator}" data-year="2024"`);
        expect(headline.slice(0, headline.indexOf('</table>'))).toContain(`<div class="reason">${row[6]}</div>`);
      }
    }
    // 通化 (220500) has no grassland plots: at least that one is empty, with its reason
    expect(missing).toBeGreaterThan(0);
  });

  it('serves one self-contained HTML page in Chinese with inline SVG charts and A4 print rules', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/reports/assessment?${QUERY}&format=html` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.body;
    expect(html).toMatch(/<html lang="zh-CN">/);
    expect(html).toContain('吉林省生物多样性保护成效评估报告');
    expect(html).toMatch(/总体目标<\/span><span class="en">Overall targets/);
    expect(html).toMatch(/@page \{ size: A4;/);
    expect(html).toContain("'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif");
    expect(html).toMatch(/<svg[^>]*>/);
    // self-contained: nothing to fetch
    expect(html).not.toMatch(/<(script|link|img)\b|src=|href="http/);
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'none'");
    expect(html).toContain('达到国家要求');
  });
});

describe('frozen reports', () => {
  it('needs an evaluator to freeze, read and review', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/reports', payload: {} })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/v1/reports', headers: department, payload: {} })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/reports/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/v1/reports/00000000-0000-4000-8000-000000000000', headers: evaluator })).statusCode).toBe(404);
  });

  it('does not change after a new run: GET returns the snapshot it froze, while the live report moves on', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/reports', headers: evaluator, payload: { year: 2024, region: '220000', asOf: '2026-11-28' } });
    expect(res.statusCode, res.body).toBe(201);
    const frozen = res.json();
    expect(res.headers.location).toBe(`/v1/reports/${frozen.reportId}`);
    expect(frozen.review.status).toBe('pending');
    expect(frozen.snapshotSha256).toBe(snapshotHash(frozen.report));
    const seedRun = await t.ctx.db.selectFrom('indicator_runs').select('id').where('trigger', '=', 'seed').executeTakeFirstOrThrow();
    expect(frozen.runIds).toEqual([seedRun.id]);
    const before = (await app.inject({ method: 'GET', url: `/v1/reports/${frozen.reportId}`, headers: evaluator })).body;
    expect(JSON.parse(before)).toEqual(frozen);
    const htmlBefore = (await app.inject({ method: 'GET', url: `/v1/reports/${frozen.reportId}?format=html`, headers: evaluator })).body;
    const csvBefore = (await app.inject({ method: 'GET', url: `/v1/reports/${frozen.reportId}?format=csv`, headers: evaluator })).body;

    // a new 2024 run on the 2020 land cover: forest coverage changes
    const lc2020 = await t.ctx.db
      .selectFrom('layer_datasets')
      .select('id')
      .where('kind', '=', 'land-cover')
      .where('vintage_year', '=', 2020)
      .executeTakeFirstOrThrow();
    const { runId } = await createIndicatorRun(
      t.ctx.db,
      { year: 2024, datasets: { landCover: lc2020.id } },
      { tokenId: null, role: 'system', label: 'test' },
      'test',
    );
    await executeIndicatorRun(t.ctx.db, runId);
    const live = await assessment();
    expect(live.provenance.runIds).toContain(runId);
    const liveForest = live.overall.find((v) => v.indicator === 'forest_coverage')!;
    const frozenForest = (frozen.report as AssessmentReport).overall.find((v) => v.indicator === 'forest_coverage')!;
    expect(liveForest.runId).toBe(runId);
    expect(liveForest.value).not.toBe(frozenForest.value);

    const after = await app.inject({ method: 'GET', url: `/v1/reports/${frozen.reportId}`, headers: evaluator });
    expect(after.body).toBe(before);
    expect(snapshotHash(after.json().report)).toBe(frozen.snapshotSha256);
    expect(canonicalJson(after.json().report)).toBe(canonicalJson(frozen.report));
    expect((await app.inject({ method: 'GET', url: `/v1/reports/${frozen.reportId}?format=html`, headers: evaluator })).body).toBe(htmlBefore);
    expect((await app.inject({ method: 'GET', url: `/v1/reports/${frozen.reportId}?format=csv`, headers: evaluator })).body).toBe(csvBefore);
    expect(htmlBefore).toContain(frozen.reportId);
    // the database refuses to change it
    await expect(sql`UPDATE reports SET year = 2020 WHERE id = ${frozen.reportId}`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM reports WHERE id = ${frozen.reportId}`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
    const list = (await app.inject({ method: 'GET', url: '/v1/reports', headers: evaluator })).json();
    expect(list.reports[0]).toMatchObject({ reportId: frozen.reportId, year: 2024, regionCode: '220000', reviewStatus: 'pending' });
  });

  it('records sign-off: approvals append, a return needs a reason and is final', async () => {
    // an empty POST freezes the default report
    const res = await app.inject({ method: 'POST', url: '/v1/reports', headers: evaluator });
    expect(res.statusCode, res.body).toBe(201);
    const frozen = res.json();
    expect(frozen).toMatchObject({ year: 2024, regionCode: '220000' });
    const noReason = await app.inject({ method: 'POST', url: `/v1/reports/${frozen.reportId}/review`, headers: evaluator2, payload: { decision: 'returned' } });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details.errors[0]).toMatchObject({ field: 'comment', code: 'COMMENT_REQUIRED' });
    expect(
      (await app.inject({ method: 'POST', url: `/v1/reports/${frozen.reportId}/review`, headers: department, payload: { decision: 'approved' } })).statusCode,
    ).toBe(403);
    const ok = await app.inject({
      method: 'POST',
      url: `/v1/reports/${frozen.reportId}/review`,
      headers: evaluator2,
      payload: { decision: 'approved', comment: '同意' },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().review).toMatchObject({
      status: 'approved',
      reviews: [{ decision: 'approved', comment: '同意', reviewerRole: 'evaluator', selfReview: false }],
    });
    const retried = await app.inject({
      method: 'POST',
      url: `/v1/reports/${frozen.reportId}/review`,
      headers: evaluator2,
      payload: { decision: 'approved', comment: '同意' },
    });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ duplicate: true });
    expect(retried.json().review.reviews).toHaveLength(1);
    const back = await app.inject({
      method: 'POST',
      url: `/v1/reports/${frozen.reportId}/review`,
      headers: evaluator,
      payload: { decision: 'returned', comment: '湿地数据需复核' },
    });
    expect(back.json().review.status).toBe('returned');
    expect(back.json().review.reviews[1]).toMatchObject({ decision: 'returned', selfReview: true });
    const again = await app.inject({ method: 'POST', url: `/v1/reports/${frozen.reportId}/review`, headers: evaluator2, payload: { decision: 'approved' } });
    expect(again.statusCode).toBe(409);
    // the snapshot is untouched by reviews; the audit log has the freeze and both reviews
    expect(back.json().report).toEqual(frozen.report);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'report')
      .where(sql<boolean>`${frozen.reportId} = ANY(entity_ids)`)
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['reports.freeze', 'reports.review', 'reports.review']);
    await expect(sql`DELETE FROM report_reviews`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
  });
});
