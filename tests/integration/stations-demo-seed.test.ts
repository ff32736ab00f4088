import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql, type Tx } from '@biomon/db';
import { SEED_STEPS } from '@biomon/seed';
import { seedDemoStations } from '@biomon/stations';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';

const SEEDS = path.join(REPO_ROOT, 'seeds');
const stations = JSON.parse(readFileSync(path.join(SEEDS, 'demo/stations.json'), 'utf8')) as {
  stationId: string;
  datastreams: { datastreamId: string; resultType: string; expectedIntervalSeconds: number }[];
}[];

let t: TestContext;
let app: FastifyInstance;

beforeAll(async () => {
  t = await createTestContext();
  app = await buildTestServer(t);
});
afterAll(async () => {
  await app.close();
  await t.close();
});

/** Runs the seed in a transaction that is rolled back, returning a checksum of what it wrote. */
async function dryRun(now: Date): Promise<{ n: number; total: string }> {
  let out = { n: 0, total: '' };
  await t.ctx.db
    .transaction()
    .execute(async (tx: Tx) => {
      await seedDemoStations(tx, stations, { now });
      // An exact checksum: a float8 sum depends on the order rows are added (a parallel
      // aggregate differs in the last digits), so hash every (datastream, time, value) in order.
      const r = await sql<{ n: number; total: string }>`
        SELECT count(*)::int AS n,
               md5(string_agg(d.datastream_id || '|' || o.phenomenon_time::text || '|' || coalesce(o.result_number::text, o.result_json::text),
                              ',' ORDER BY d.datastream_id, o.phenomenon_time)) AS total
          FROM observations o JOIN datastreams d ON d.id = o.datastream_pk`.execute(tx);
      out = r.rows[0];
      throw new Error('rollback');
    })
    .catch((e: Error) => {
      if (e.message !== 'rollback') throw e;
    });
  return out;
}

describe('demo:stations seed step', () => {
  it('is deterministic: the same slots get the same values whenever it runs (dry runs, rolled back)', async () => {
    const stamp = new Date('2026-11-20T10:17:00Z');
    const a = await dryRun(stamp);
    const b = await dryRun(stamp);
    expect(a.n).toBeGreaterThan(10_000);
    expect(b).toEqual(a);
  });

  it('comes after the other demo steps and creates the 8 stations with ~14 days of numeric data', async () => {
    const step = SEED_STEPS.find((s) => s.name === 'demo:stations');
    expect(step).toMatchObject({ level: 'demo' });
    expect(SEED_STEPS.findIndex((s) => s.name === 'demo:stations')).toBeGreaterThan(SEED_STEPS.findIndex((s) => s.name === 'demo:survey'));
    const summary = (await t.ctx.db.transaction().execute((tx) => step!.run(tx, SEEDS))) as { stations: number; datastreams: number; observations: number };
    expect(summary.stations).toBe(8);
    expect(summary.datastreams).toBe(stations.reduce((a, s) => a + s.datastreams.length, 0));
    // 14 days at each numeric datastream's interval, less each station's one outage (and 5 h of 莫莫格)
    const numeric = stations.flatMap((s) => s.datastreams.filter((d) => d.resultType === 'number' || d.resultType === 'integer'));
    const full = numeric.reduce((a, d) => a + (14 * 86400) / d.expectedIntervalSeconds, 0);
    expect(summary.observations).toBeGreaterThan(full * 0.9);
    expect(summary.observations).toBeLessThanOrEqual(full);
    const tokens = await t.ctx.db.selectFrom('api_tokens').select('id').where('role', '=', 'station').execute();
    expect(tokens).toEqual([]);
  });

  it('shows the demo health: recent data, one station silent for 5 hours', async () => {
    const ev = await authAs(t, 'evaluator');
    const ok = (await app.inject({ method: 'GET', url: '/v1/stations/demo-st-cbs-eco/health', headers: ev })).json();
    expect(ok.datastreams.map((d: { status: string }) => d.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(ok.completenessPct).toBeGreaterThan(90);
    const silent = (await app.inject({ method: 'GET', url: '/v1/stations/demo-st-mmg-hyd/health', headers: ev })).json();
    for (const d of silent.datastreams) {
      expect(d.status).toBe('late');
      expect(d.gaps[d.gaps.length - 1]).toMatchObject({ ongoing: true });
      expect(d.gaps[d.gaps.length - 1].missingSlots).toBeGreaterThanOrEqual(5 * 4 - 1);
    }
    const cam = (await app.inject({ method: 'GET', url: '/v1/stations/demo-st-hc-ct07', headers: ev })).json();
    const byId = Object.fromEntries(cam.datastreams.map((d: { datastreamId: string }) => [d.datastreamId, d]));
    expect(Number.isInteger(byId['demo-st-hc-ct07-det'].latest.result)).toBe(true);
    expect(byId['demo-st-hc-ct07-last'].latest).toBeNull();
  });
});
