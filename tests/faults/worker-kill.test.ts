import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { runSeeds } from '@biomon/seed';
import { createDb, sql, type DbHandle } from '@biomon/db';
import { createIndicatorRun, executeIndicatorRun, getIndicatorRun } from '@biomon/indicators';
import { SYSTEM_VIEWER } from '@biomon/sensitive';
import { REPO_ROOT } from '../support/cli';
import { haveServers, startBiomon, startPostgres, startRedis, type PrivatePostgres, type PrivateRedis } from './private-stack';

// Drill 3: the worker is killed (SIGKILL) in the middle of an indicator run; after a restart the
// run ends with exactly one complete result set, equal to an undisturbed run of the same inputs.

let pgs: PrivatePostgres;
let redis: PrivateRedis;
let h: DbHandle;

beforeAll(async () => {
  haveServers();
  [pgs, redis] = await Promise.all([startPostgres(), startRedis()]);
  h = createDb(pgs.url, { max: 4 });
  await runSeeds(h.db, 'demo', path.join(REPO_ROOT, 'seeds'));
}, 120_000);
afterAll(async () => {
  await h?.close();
  await redis?.destroy();
  pgs?.destroy();
});

describe('drill: worker killed mid-run', () => {
  it('restarts the job and ends with exactly one complete result set', async () => {
    const env = { DATABASE_URL: pgs.url, REDIS_URL: redis.url, BIOMON_QUEUE_PREFIX: 'drill3', BIOMON_JOB_LOCK_MS: '2000', BIOMON_FAULT_STEP_DELAY_MS: '1500' };
    const { runId } = await createIndicatorRun(h.db, { year: 2024 }, { tokenId: null, role: 'evaluator', label: 'drill' });
    const w1 = await startBiomon('worker', env);
    // wait until some steps have committed but not all
    let progress = 0;
    for (let i = 0; i < 400; i++) {
      const r = await h.db.selectFrom('indicator_runs').select(['status', 'progress_done', 'progress_total']).where('id', '=', runId).executeTakeFirstOrThrow();
      progress = r.progress_done;
      if (r.status === 'running' && r.progress_done >= 2) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(progress, w1.output()).toBeGreaterThanOrEqual(2);
    w1.signal('SIGKILL');
    await w1.exited;
    const mid = await h.db.selectFrom('indicator_runs').select(['status', 'progress_done', 'progress_total']).where('id', '=', runId).executeTakeFirstOrThrow();
    expect(mid.status).toBe('running');
    expect(mid.progress_done).toBeLessThan(mid.progress_total);
    const partial = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM indicator_results WHERE run_id = ${runId}`.execute(h.db)).rows[0].n;
    expect(partial).toBeGreaterThan(0);

    const started = Date.now();
    const w2 = await startBiomon('worker', { ...env, BIOMON_FAULT_STEP_DELAY_MS: '0' });
    let status = '';
    for (let i = 0; i < 600 && status !== 'completed'; i++) {
      status = (await h.db.selectFrom('indicator_runs').select('status').where('id', '=', runId).executeTakeFirstOrThrow()).status;
      await new Promise((res) => setTimeout(res, 100));
    }
    const recoverySeconds = (Date.now() - started) / 1000;
    w2.signal('SIGTERM');
    await w2.exited;
    expect(status).toBe('completed');

    const regions = (
      await sql<{ n: number }>`SELECT count(*)::int AS n FROM regions WHERE dataset_id = (SELECT max(id) FROM layer_datasets WHERE kind = 'regions')`.execute(
        h.db,
      )
    ).rows[0].n;
    const run = await getIndicatorRun(h.db, runId, SYSTEM_VIEWER);
    expect(run!.results).toHaveLength(run!.indicators.length * regions);
    // the same inputs computed undisturbed, in-process
    const { runId: ref } = await createIndicatorRun(h.db, { year: 2024, datasets: run!.datasets }, { tokenId: null, role: 'evaluator', label: 'drill-ref' });
    await executeIndicatorRun(h.db, ref);
    const refRun = await getIndicatorRun(h.db, ref, SYSTEM_VIEWER);
    const strip = (rs: NonNullable<typeof run>['results']) =>
      rs.map((r) => ({ i: r.indicator, r: r.regionCode, v: r.value, n: r.numerator, d: r.denominator, reason: r.reason }));
    expect(strip(run!.results)).toEqual(strip(refRun!.results));
    console.log(
      `drill 3: results expected ${run!.indicators.length * regions}, found ${run!.results.length}, partial before the kill ${partial}, recovery ${recoverySeconds.toFixed(1)} s`,
    );
  }, 120_000);
});
