import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { runSeeds } from '@biomon/seed';
import { RULE_CODES, evaluateAlerts } from '@biomon/alerts';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';
import { alertRows, record, storeRecords } from '../support/alerts';

// The alerts API: rules (GET evaluator, PUT admin, seeded by `reference`), the lifecycle
// open → acknowledged → resolved with who and when, filters and paging.

let t: TestContext;
let app: FastifyInstance;
const auth: Record<string, { authorization: string }> = {};

const raise = async (id: string, taxon: string, lon: number, lat: number) =>
  evaluateAlerts(t.ctx.db, { trigger: 'occurrences', occurrenceIds: await storeRecords(t, [record(id, taxon, lon, lat)]) });

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  await app.ready();
  for (const role of ['admin', 'evaluator', 'surveyor'] as const) auth[role] = await authAs(t, role);
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('alert rules', () => {
  it('are seeded by the reference level with their defaults, and listed to evaluators', async () => {
    const stored = await t.ctx.db.selectFrom('alert_rules').select('code').orderBy('code').execute();
    expect(stored.map((r) => r.code)).toEqual([...RULE_CODES].sort());
    expect(await t.ctx.db.selectFrom('seed_runs').select('name').where('name', '=', 'reference:alert-rules').execute()).toHaveLength(1);
    const res = await app.inject({ method: 'GET', url: '/v1/alert-rules', headers: auth.evaluator });
    expect(res.statusCode).toBe(200);
    const byCode = Object.fromEntries(res.json().rules.map((r: { code: string }) => [r.code, r]));
    expect(byCode.station_silent).toMatchObject({
      enabled: true,
      severity: 'warning',
      params: { intervalsMissed: 3 },
      source: 'stored',
      nameZh: '监测站点静默',
    });
    expect(byCode.sensitive_detection).toMatchObject({ privileged: true, params: { taxa: ['Panthera tigris', 'Panthera pardus'] } });
    expect(byCode.indicator_deadline.params).toEqual({ withinDays: 90, includeOverdue: true });
    expect((await app.inject({ method: 'GET', url: '/v1/alert-rules', headers: auth.surveyor })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/alert-rules' })).statusCode).toBe(401);
  });

  it('are changed by admins only, all or nothing, with the failing field named', async () => {
    const put = (headers: Record<string, string>, payload: unknown) =>
      app.inject({ method: 'PUT', url: '/v1/alert-rules', headers, payload: payload as object });
    expect((await put(auth.evaluator, { rules: [{ code: 'station_silent', params: { intervalsMissed: 4 } }] })).statusCode).toBe(403);
    const bad = await put(auth.admin, {
      rules: [{ code: 'station_silent', params: { intervalsMissed: 5 } }, { code: 'station_data_gap', params: { minCompletenessPct: 150 } }, { code: 'nope' }],
    });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().error.details.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['rules[1].params.minCompletenessPct', 'rules[2].code']));
    const unknownParam = await put(auth.admin, { rules: [{ code: 'station_silent', params: { intervals: 5 } }] });
    expect(unknownParam.statusCode).toBe(400);
    let silent = (await app.inject({ method: 'GET', url: '/v1/alert-rules', headers: auth.evaluator }))
      .json()
      .rules.find((r: { code: string }) => r.code === 'station_silent');
    expect(silent.params.intervalsMissed).toBe(3); // nothing stored
    const ok = await put(auth.admin, { rules: [{ code: 'station_silent', severity: 'critical', params: { intervalsMissed: 5 } }] });
    expect(ok.statusCode).toBe(200);
    silent = ok.json().rules.find((r: { code: string }) => r.code === 'station_silent');
    expect(silent).toMatchObject({ severity: 'critical', params: { intervalsMissed: 5, stationTypes: null } });
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'entity_ids']).where('action', '=', 'alert-rules.update').execute();
    expect(audit).toEqual([{ action: 'alert-rules.update', entity_ids: ['station_silent'] }]);
  });

  it('a disabled rule does not fire; enabled again it does', async () => {
    await app.inject({ method: 'PUT', url: '/v1/alert-rules', headers: auth.admin, payload: { rules: [{ code: 'invasive_new_cell', enabled: false }] } });
    expect((await raise('api-off-1', 'Ambrosia trifida', 124.35, 43.17)).invasive_new_cell).toEqual({ opened: 0, updated: 0, unchanged: 0 });
    await app.inject({ method: 'PUT', url: '/v1/alert-rules', headers: auth.admin, payload: { rules: [{ code: 'invasive_new_cell', enabled: true }] } });
    expect((await raise('api-on-1', 'Ambrosia trifida', 122.84, 45.62)).invasive_new_cell).toEqual({ opened: 1, updated: 0, unchanged: 0 });
  });
});

describe('alert lifecycle', () => {
  let id: number;
  beforeAll(async () => {
    await raise('api-life-1', 'Hyphantria cunea', 125.32, 43.88);
    id = (await alertRows(t, 'invasive_new_cell')).find((a) => a.region_code === '220100')!.id;
  });

  it('open → acknowledged → resolved, with who and when; repeats are no-ops; a resolved alert cannot be acknowledged', async () => {
    const post = (action: string, headers: Record<string, string>, payload?: object) =>
      app.inject({ method: 'POST', url: `/v1/alerts/${id}/${action}`, headers, ...(payload ? { payload } : {}) });
    expect((await post('ack', auth.surveyor)).statusCode).toBe(403);
    const ack = await post('ack', auth.evaluator, { note: '已通知白城市林草局' });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'acknowledged', acknowledged: { by: 'test:evaluator' }, changed: true });
    expect(Date.parse(ack.json().acknowledged.at)).toBeGreaterThan(Date.now() - 60_000);
    expect((await post('ack', auth.evaluator)).json()).toMatchObject({ status: 'acknowledged', changed: false });
    expect((await post('ack', auth.evaluator, { note: 1 })).statusCode).toBe(400);
    const res = await post('resolve', auth.admin);
    expect(res.json()).toMatchObject({ status: 'resolved', resolved: { by: 'test:admin', automatic: false }, acknowledged: { by: 'test:evaluator' } });
    expect((await post('resolve', auth.evaluator)).json()).toMatchObject({ status: 'resolved', changed: false });
    const conflict = await post('ack', auth.evaluator);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error.details.reason).toBe('ALERT_RESOLVED');
    const one = (await app.inject({ method: 'GET', url: `/v1/alerts/${id}`, headers: auth.surveyor })).json();
    expect(one.events.map((e: { kind: string; actor: string; note: string | null }) => [e.kind, e.actor, e.note])).toEqual([
      ['opened', 'system', null],
      ['acknowledged', 'test:evaluator', '已通知白城市林草局'],
      ['resolved', 'test:admin', null],
    ]);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('entity', '=', 'alert').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['alerts.ack', 'alerts.resolve']);
    expect((await app.inject({ method: 'POST', url: '/v1/alerts/999999/ack', headers: auth.evaluator })).statusCode).toBe(404);
  });

  it('a new alert opens for the subject after resolution only when the rule allows it (invasive: never)', async () => {
    await raise('api-life-2', 'Hyphantria cunea', 125.3201, 43.8801);
    expect((await alertRows(t, 'invasive_new_cell')).filter((a) => a.region_code === '220100')).toHaveLength(1);
  });
});

describe('GET /v1/alerts', () => {
  it('filters by status, rule, region, severity and since, and pages by cursor', async () => {
    const get = async (q: string) => {
      const res = await app.inject({ method: 'GET', url: `/v1/alerts${q}`, headers: auth.surveyor });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { alerts: { id: number; status: string; region: { code: string; codes: string[] }; severity: string }[]; nextCursor: string | null };
    };
    const all = await get('');
    expect(all.alerts.length).toBe(2);
    expect(all.alerts[0].id).toBeGreaterThan(all.alerts[1].id);
    expect((await get('?status=open')).alerts.every((a) => a.status === 'open')).toBe(true);
    expect((await get('?status=resolved')).alerts).toHaveLength(1);
    expect((await get('?status=open,resolved')).alerts).toHaveLength(2);
    expect((await get('?region=220800')).alerts.map((a) => a.region.code)).toEqual(['220800']);
    expect((await get('?region=220000')).alerts).toHaveLength(2);
    expect((await get('?rule=station_silent')).alerts).toHaveLength(0);
    expect((await get('?severity=critical')).alerts).toHaveLength(2);
    expect((await get('?severity=info')).alerts).toHaveLength(0);
    expect((await get(`?since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)).alerts).toHaveLength(0);
    const p1 = await get('?limit=1');
    expect(p1.alerts).toHaveLength(1);
    const p2 = await get(`?limit=1&cursor=${p1.nextCursor}`);
    expect(p2.alerts[0].id).toBeLessThan(p1.alerts[0].id);
    for (const q of ['?status=closed', '?rule=nope', '?severity=high', '?since=yesterday', '?cursor=zzz', '?limit=0', '?colour=red']) {
      const res = await app.inject({ method: 'GET', url: `/v1/alerts${q}`, headers: auth.surveyor });
      expect(res.statusCode, q).toBe(400);
    }
    expect((await app.inject({ method: 'GET', url: '/v1/alerts' })).statusCode).toBe(401);
  });
});
