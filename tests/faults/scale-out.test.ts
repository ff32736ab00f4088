import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { runSeeds } from '@biomon/seed';
import { createDb, sql, type DbHandle } from '@biomon/db';
import { createToken } from '@biomon/auth';
import { REPO_ROOT } from '../support/cli';
import {
  haveServers,
  startBiomon,
  startPostgres,
  startProxy,
  startRedis,
  startStandby,
  type BiomonProcess,
  type PrivatePostgres,
  type PrivateRedis,
} from './private-stack';
import { ingestLoad } from './load';

// Drill 9, past one machine (issue 17): a primary and its hot standby (pg_basebackup -R), Redis,
// 2 api processes behind one origin (infra/proxy.mjs), 2 workers. 20 clients — 10 ingesting, 10
// reading (occurrence lists and indicators, which read from the standby) — while one api process
// and one worker are killed (SIGKILL) and the standby is stopped and restarted. Afterwards: every
// acknowledged row stored once, none twice; reads answered throughout (from the primary while the
// standby is down); every outbox row became one job, and every job completed.

const PREFIX = 'drill9';
let primary: PrivatePostgres;
let standby: PrivatePostgres;
let redis: PrivateRedis;
let h: DbHandle;
let apis: BiomonProcess[] = [];
let workers: BiomonProcess[] = [];
let proxy: BiomonProcess;
let surveyor: string;
let evaluator: string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  haveServers();
  [primary, redis] = await Promise.all([startPostgres(), startRedis()]);
  h = createDb(primary.url, { max: 4 });
  await runSeeds(h.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  surveyor = (await createToken(h.db, { role: 'surveyor', team: 'drill', label: 'drill' })).token;
  evaluator = (await createToken(h.db, { role: 'evaluator', label: 'drill-reader' })).token;
  standby = await startStandby(primary);
  const env = {
    DATABASE_URL: primary.url,
    DATABASE_READ_URL: standby.url,
    REDIS_URL: redis.url,
    BIOMON_QUEUE_PREFIX: PREFIX,
    BIOMON_TRUST_PROXY: '127.0.0.1',
    BIOMON_JOB_LOCK_MS: '2000',
    BIOMON_DB_POOL_MAX: '8',
    BIOMON_READ_MAX_LAG_S: '10',
  };
  // (generous: four processes compile and start at once on a busy 2-core machine)
  const slow = { startTimeoutMs: 240_000 };
  [apis, workers] = await Promise.all([
    Promise.all([startBiomon('serve', env, slow), startBiomon('serve', env, slow)]),
    Promise.all([startBiomon('worker', env), startBiomon('worker', env)]),
  ]);
  proxy = await startProxy(apis.map((a) => a.url));
}, 420_000);
afterAll(async () => {
  for (const p of [proxy, ...apis, ...workers]) if (p && p.proc.exitCode === null && p.proc.signalCode === null) p.signal('SIGTERM');
  await Promise.all([proxy, ...apis, ...workers].filter(Boolean).map((p) => p.exited));
  await h?.close();
  await redis?.destroy();
  standby?.destroy();
  primary?.destroy();
});

async function get(url: string, token: string): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });
    return { status: res.status, body: await res.text() };
  } catch (e) {
    return { status: 0, body: String(e) };
  }
}

interface Health {
  status: string;
  replica?: { status: string; lagSeconds: number | null };
}

describe('drill: scale-out (primary + standby, 2 api processes, 2 workers) under load', () => {
  it('loses no acknowledged row, duplicates none, keeps reading while the standby is down, and runs every job once', async () => {
    // the standby is read from once it has caught up
    let health: Health = { status: '' };
    for (let i = 0; i < 150 && health.replica?.status !== 'up'; i++) {
      health = JSON.parse((await get(`${proxy.url}/health`, evaluator)).body || '{}') as Health;
      if (health.replica?.status !== 'up') await sleep(200);
    }
    expect(health.replica?.status).toBe('up');

    // one platform, whichever process answers: a cursor sealed by one api process opens on the other
    const warm = ingestLoad(proxy.url, surveyor, { clients: 1, batchSize: 30, prefix: 'warm', pauseMs: 0 });
    await sleep(500);
    await warm.stop();
    const page1 = await get(`${apis[0].url}/v1/occurrences?limit=5`, evaluator);
    expect(page1.status, page1.body).toBe(200);
    const cursor = (JSON.parse(page1.body) as { nextCursor?: string }).nextCursor;
    expect(cursor).toBeTruthy();
    const page2 = await get(`${apis[1].url}/v1/occurrences?limit=5&cursor=${encodeURIComponent(cursor!)}`, evaluator);
    expect(page2.status, page2.body).toBe(200);

    // 10 ingesting clients and 10 readers through the one origin
    const load = ingestLoad(proxy.url, surveyor, { clients: 10, batchSize: 20, prefix: 'so', pauseMs: 20 });
    const reads: { at: number; status: number; standbyDown: boolean }[] = [];
    let standbyDown = false;
    let reading = true;
    const readers = Array.from({ length: 10 }, async (_, i) => {
      while (reading) {
        const url = i % 2 ? `${proxy.url}/v1/occurrences?limit=20` : `${proxy.url}/v1/indicators/forest_coverage/values`;
        const down = standbyDown;
        const res = await get(url, evaluator);
        reads.push({ at: Date.now(), status: res.status, standbyDown: down && standbyDown });
        await sleep(50);
      }
    });

    await sleep(3_000);
    apis[0].signal('SIGKILL');
    workers[0].signal('SIGKILL');
    await Promise.all([apis[0].exited, workers[0].exited]);
    await sleep(2_000);
    // the api processes read from the standby while it is up (their read pools' connections)
    const sh = createDb(standby.url, { max: 1 });
    const readConnections = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE '%read'`.execute(sh.db))
      .rows[0].n;
    await sh.close();
    expect(readConnections).toBeGreaterThan(0);
    standby.stop('fast');
    standbyDown = true;
    // /health says so, and reads go on from the primary
    let downHealth: Health = { status: '' };
    for (let i = 0; i < 60 && downHealth.replica?.status !== 'down'; i++) {
      downHealth = JSON.parse((await get(`${proxy.url}/health`, evaluator)).body || '{}') as Health;
      if (downHealth.replica?.status !== 'down') await sleep(250);
    }
    await sleep(5_000);
    standbyDown = false;
    standby.start();
    await sleep(4_000);
    reading = false;
    await Promise.all(readers);
    await load.stop();

    expect(downHealth.replica?.status).toBe('down');
    expect(downHealth.status).toBe('degraded');
    const readsDuringDown = reads.filter((r) => r.standbyDown);
    const readFailures = reads.filter((r) => r.status !== 200);
    expect(readsDuringDown.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    expect(readFailures.map((r) => r.status)).toEqual([]);

    // rows: every acknowledged one stored, none twice
    const acknowledged = [...load.acknowledged];
    expect(acknowledged.length).toBeGreaterThan(0);
    const stored = (
      await sql<{
        id: string;
        n: number;
      }>`SELECT occurrence_id AS id, count(*)::int AS n FROM occurrences WHERE occurrence_id LIKE 'so-%' GROUP BY occurrence_id`.execute(h.db)
    ).rows;
    const storedIds = new Set(stored.map((r) => r.id));
    const lost = acknowledged.filter((id) => !storedIds.has(id));
    const duplicated = stored.filter((r) => r.n > 1).length;
    expect(lost).toEqual([]);
    expect(duplicated).toBe(0);

    // jobs: every outbox row enqueued once and completed once, the killed worker's included
    let pending = -1;
    for (let i = 0; i < 600 && pending !== 0; i++) {
      pending = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE enqueued_at IS NULL`.execute(h.db)).rows[0].n;
      if (pending) await sleep(100);
    }
    expect(pending).toBe(0);
    const outbox = (await sql<{ id: number; queue: string }>`SELECT id, queue FROM outbox WHERE queue IN ('system', 'alerts') ORDER BY id`.execute(h.db)).rows;
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const jobIds: string[] = [];
    let completed = 0;
    let retried = 0;
    try {
      for (let i = 0; i < 900; i++) {
        jobIds.length = 0;
        completed = 0;
        retried = 0;
        let unfinished = 0;
        for (const name of ['system', 'alerts']) {
          const q = new Queue(name, { connection: conn, prefix: PREFIX });
          const jobs = await q.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed', 'prioritized', 'waiting-children'], 0, -1);
          for (const j of jobs) {
            if (!j.id?.startsWith('outbox-')) continue;
            jobIds.push(j.id);
            if (j.finishedOn && !j.failedReason) completed++;
            else unfinished++;
            if (j.attemptsMade > 1 || (j.stalledCounter ?? 0) > 0) retried++;
          }
          await q.close();
        }
        if (!unfinished && jobIds.length >= outbox.length) break;
        await sleep(200);
      }
    } finally {
      conn.disconnect();
    }
    expect(jobIds.length).toBe(new Set(jobIds).size);
    expect(new Set(jobIds)).toEqual(new Set(outbox.map((o) => `outbox-${o.id}`)));
    expect(completed).toBe(outbox.length);

    // the standby caught up and is read from again
    let after: Health = { status: '' };
    for (let i = 0; i < 150 && after.replica?.status !== 'up'; i++) {
      after = JSON.parse((await get(`${proxy.url}/health`, evaluator)).body || '{}') as Health;
      if (after.replica?.status !== 'up') await sleep(200);
    }
    expect(after.replica?.status).toBe('up');
    expect(apis[1].proc.exitCode).toBeNull();
    expect(workers[1].proc.exitCode).toBeNull();

    const byStatus = new Map<number, number>();
    for (const s of load.log) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
    console.log(
      `drill 9: ingest batches ${[...byStatus].map(([s, n]) => `${s}×${n}`).join(' ')}; acknowledged rows ${acknowledged.length}, found ${acknowledged.length - lost.length}, lost ${lost.length}, stored ${stored.length}, duplicated ${duplicated}; reads ${reads.length} answered ${reads.length - readFailures.length} (${readsDuringDown.length} while the standby was down, all from the primary), failed ${readFailures.length}; outbox rows ${outbox.length} → jobs ${jobIds.length}, completed ${completed}, retried after the kill ${retried}, duplicates ${jobIds.length - new Set(jobIds).size}; read connections on the standby before its stop ${readConnections}; replica lag at the end ${after.replica?.lagSeconds} s`,
    );
  }, 300_000);
});
