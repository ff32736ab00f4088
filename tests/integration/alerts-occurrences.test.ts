import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { sql } from '@biomon/db';
import { runSeeds } from '@biomon/seed';
import { evaluateAlerts } from '@biomon/alerts';
import { startWorker } from '@biomon/worker';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';
import { alertRows, cellOf, record, storeRecords, waitFor } from '../support/alerts';

// Rules 1 (invasive species in a new 10 km cell) and 2 (sensitive-species detections), evaluated
// for the occurrences an ingest stored; who may see what.

let t: TestContext;
let app: FastifyInstance;
const auth: Record<string, { authorization: string }> = {};

// 长春市 (220100), 吉林市 (220200), 白城市 (220800), 四平市 (220300), 珲春 in 延边州 (222400)
const CHANGCHUN = [125.32, 43.88] as const;
const JILIN = [126.55, 43.84] as const;
const BAICHENG = [122.84, 45.62] as const;
const SIPING = [124.35, 43.17] as const;
const HUNCHUN = [130.78123, 42.95321] as const;

const evaluate = (ids: number[]) => evaluateAlerts(t.ctx.db, { trigger: 'occurrences', occurrenceIds: ids });
const eventCount = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM alert_events`.execute(t.ctx.db)).rows[0].n;

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  await app.ready();
  const dept = await t.ctx.db.insertInto('departments').values({ name: '预警测试部门' }).returning('id').executeTakeFirstOrThrow();
  for (const role of ['admin', 'evaluator', 'surveyor', 'station', 'department'] as const) {
    auth[role] = await authAs(t, role, { departmentId: role === 'department' ? dept.id : undefined });
  }
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('rule 1: invasive species in a new 10 km cell (外来入侵物种预警)', () => {
  let alertId: number;

  it('fires once for the first record of an invasive taxon in a cell, naming taxon, cell and prefecture', async () => {
    const ids = await storeRecords(t, [record('inv-1', 'Ambrosia artemisiifolia', ...CHANGCHUN)]);
    const summary = await evaluate(ids);
    expect(summary.invasive_new_cell).toEqual({ opened: 1, updated: 0, unchanged: 0 });
    const [a] = await alertRows(t, 'invasive_new_cell');
    alertId = a.id;
    expect(a).toMatchObject({
      status: 'open',
      severity: 'critical',
      region_code: '220100',
      region_name: '长春市',
      cell_id: await cellOf(t, ...CHANGCHUN),
      occurrences: 1,
      privileged: false,
    });
    expect(a.subject_key).toMatch(/^taxon=\d+;cell=10000:-?\d+:-?\d+$/);
    expect(a.title_zh).toContain('豚草');
    expect(a.title_zh).toContain('长春市');
    expect(a.region_codes).toEqual(expect.arrayContaining(['220000', '220100']));
    expect((a.details as { ledgerTasks: number[] }).ledgerTasks).toEqual(expect.arrayContaining([27, 38, 39, 41]));
  });

  it('is idempotent: evaluating the same records again changes nothing', async () => {
    const ids = (await t.ctx.db.selectFrom('occurrences').select('id').where('occurrence_id', '=', 'inv-1').execute()).map((r) => r.id);
    const before = await eventCount();
    expect((await evaluate(ids)).invasive_new_cell).toEqual({ opened: 0, updated: 0, unchanged: 1 });
    expect(await alertRows(t, 'invasive_new_cell')).toHaveLength(1);
    expect(await eventCount()).toBe(before);
  });

  it('does not fire for the taxon recorded again in the known cell: the open alert is updated instead', async () => {
    const centre = (
      await sql<{
        x: number;
        y: number;
      }>`SELECT ST_X(c) AS x, ST_Y(c) AS y FROM (SELECT biomon_cell_centre(ST_SetSRID(ST_MakePoint(${CHANGCHUN[0]}, ${CHANGCHUN[1]}), 4326), 10000) AS c) s`.execute(
        t.ctx.db,
      )
    ).rows[0];
    expect(await cellOf(t, centre.x, centre.y)).toBe(await cellOf(t, ...CHANGCHUN));
    const ids = await storeRecords(t, [record('inv-2', 'Ambrosia artemisiifolia', centre.x, centre.y)]);
    const summary = await evaluate(ids);
    expect(summary.invasive_new_cell).toEqual({ opened: 0, updated: 1, unchanged: 0 });
    const rows = await alertRows(t, 'invasive_new_cell');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: alertId, occurrences: 2 });
    // the first record stays the first; the repeat is listed as the latest
    expect((rows[0].details as { firstRecord: { occurrenceID: string } }).firstRecord.occurrenceID).toBe('inv-1');
  });

  it('once resolved, the cell stays known: a later record there opens nothing', async () => {
    const res = await app.inject({ method: 'POST', url: `/v1/alerts/${alertId}/resolve`, headers: auth.evaluator, payload: { note: '已现场核实并清除' } });
    expect(res.statusCode).toBe(200);
    const ids = await storeRecords(t, [record('inv-3', 'Ambrosia artemisiifolia', CHANGCHUN[0] + 0.001, CHANGCHUN[1])]);
    expect((await evaluate(ids)).invasive_new_cell ?? { opened: 0 }).toMatchObject({ opened: 0 });
    const rows = await alertRows(t, 'invasive_new_cell');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'resolved', occurrences: 2 });
  });

  it('counts synonyms as the same taxon, and two records of one batch in a new cell as one alert', async () => {
    // Conyza canadensis is a synonym of Erigeron canadensis (小蓬草)
    const ids = await storeRecords(t, [
      record('inv-syn-1', 'Conyza canadensis', ...JILIN),
      record('inv-syn-2', 'Erigeron canadensis', JILIN[0] + 0.001, JILIN[1] + 0.001),
    ]);
    expect(await cellOf(t, ...JILIN)).toBe(await cellOf(t, JILIN[0] + 0.001, JILIN[1] + 0.001));
    expect((await evaluate(ids)).invasive_new_cell).toEqual({ opened: 1, updated: 0, unchanged: 0 });
    const a = (await alertRows(t, 'invasive_new_cell')).find((x) => x.region_code === '220200')!;
    expect(a).toMatchObject({ occurrences: 2, region_name: '吉林市' });
    expect(a.title_zh).toContain('小蓬草');
  });

  it('ignores non-invasive taxa, absence records and rejected records', async () => {
    const ids = await storeRecords(t, [
      record('inv-no-1', 'Pinus koraiensis', ...SIPING),
      record('inv-no-2', 'Ambrosia trifida', ...BAICHENG, { occurrenceStatus: 'absent' }),
    ]);
    const [rejected] = await storeRecords(t, [record('inv-no-3', 'Ambrosia trifida', ...SIPING)]);
    await t.ctx.db.updateTable('occurrences').set({ review_state: 'rejected' }).where('id', '=', rejected).execute();
    const summary = await evaluate([...ids, rejected]);
    expect(summary.invasive_new_cell ?? { opened: 0 }).toMatchObject({ opened: 0 });
    expect((await alertRows(t, 'invasive_new_cell')).map((a) => a.region_code).sort()).toEqual(['220100', '220200']);
  });
});

describe('rule 2: flagship or sensitive species detected', () => {
  let tigerAlert: number;

  it('fires once for a tiger camera-trap detection, privileged, with the exact point', async () => {
    const ids = await storeRecords(t, [
      record('ct-tiger-1', 'Panthera tigris altaica', ...HUNCHUN, {
        basisOfRecord: 'MachineObservation',
        eventDate: new Date(Date.now() - 3_600_000).toISOString(),
      }),
    ]);
    const summary = await evaluate(ids);
    expect(summary.sensitive_detection).toEqual({ opened: 1, updated: 0, unchanged: 0 });
    const [a] = await alertRows(t, 'sensitive_detection');
    tigerAlert = a.id;
    expect(a).toMatchObject({ privileged: true, region_code: '222400', cell_id: await cellOf(t, ...HUNCHUN) });
    const rec = (a.details as { records: { decimalLongitude: number; decimalLatitude: number }[] }).records[0];
    expect([rec.decimalLongitude, rec.decimalLatitude]).toEqual([HUNCHUN[0], HUNCHUN[1]]);
    expect(await evaluate(ids)).toMatchObject({ sensitive_detection: { opened: 0, updated: 0, unchanged: 0 } });
  });

  it('repeats in the cell update the open alert; old records and unwatched species do not fire', async () => {
    const ids = await storeRecords(t, [
      record('ct-tiger-2', 'Panthera tigris', HUNCHUN[0] + 0.0005, HUNCHUN[1], { basisOfRecord: 'MachineObservation' }),
      // a detection from three years ago is history, not a warning (maxRecordAgeDays 365)
      record('ct-tiger-old', 'Panthera tigris altaica', 130.3, 43.3, { basisOfRecord: 'MachineObservation', eventDate: '2023-05-01' }),
      // sensitive, but not watched by the default rule (tiger and leopard)
      record('ct-bear-1', 'Ursus thibetanus', 130.5, 43.1, { basisOfRecord: 'MachineObservation' }),
    ]);
    expect((await evaluate(ids)).sensitive_detection).toEqual({ opened: 0, updated: 1, unchanged: 0 });
    const rows = await alertRows(t, 'sensitive_detection');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: tigerAlert, occurrences: 2 });
  });

  it('lists sensitive alerts to evaluator and admin only, and leaks no exact point to other roles', async () => {
    for (const role of ['evaluator', 'admin']) {
      const body = (await app.inject({ method: 'GET', url: '/v1/alerts', headers: auth[role] })).json();
      expect(body.alerts.map((a: { rule: string }) => a.rule)).toContain('sensitive_detection');
      expect(JSON.stringify(body)).toContain(String(HUNCHUN[0]));
    }
    expect((await app.inject({ method: 'GET', url: '/v1/alerts' })).statusCode).toBe(401);
    for (const role of ['surveyor', 'station', 'department']) {
      const res = await app.inject({ method: 'GET', url: '/v1/alerts?rule=sensitive_detection,invasive_new_cell', headers: auth[role] });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.alerts.length).toBeGreaterThan(0);
      expect(body.alerts.every((a: { rule: string; privileged: boolean }) => a.rule !== 'sensitive_detection' && !a.privileged)).toBe(true);
      const text = JSON.stringify(body);
      expect(text).not.toContain(String(HUNCHUN[0]));
      expect(text).not.toContain(String(HUNCHUN[1]));
      expect(text).not.toContain('Panthera');
      const one = await app.inject({ method: 'GET', url: `/v1/alerts/${tigerAlert}`, headers: auth[role] });
      expect(one.statusCode).toBe(404);
    }
  });
});

describe('through the outbox and the worker', () => {
  it('an upload through POST /v1/occurrences raises the alert without anyone asking', async () => {
    const worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/occurrences',
        headers: auth.surveyor,
        payload: { records: [record('wk-inv-1', 'Solanum rostratum', ...BAICHENG)] },
      });
      expect(res.statusCode).toBe(200);
      const a = await waitFor('the invasive alert', async () => (await alertRows(t, 'invasive_new_cell')).find((x) => x.region_code === '220800'));
      expect(a.title_zh).toContain('刺萼龙葵');
      expect(a.title_zh).toContain('白城市');
      // the same upload again (a client retry) is unchanged and raises nothing more
      const again = await app.inject({
        method: 'POST',
        url: '/v1/occurrences',
        headers: auth.surveyor,
        payload: { records: [record('wk-inv-1', 'Solanum rostratum', ...BAICHENG)] },
      });
      expect(again.json()).toMatchObject({ inserted: 0, unchanged: 1 });
      await new Promise((r) => setTimeout(r, 500));
      expect((await alertRows(t, 'invasive_new_cell')).filter((x) => x.region_code === '220800')).toHaveLength(1);
    } finally {
      await worker.stop();
    }
  });
});
