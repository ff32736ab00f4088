import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { runSeeds } from '@biomon/seed';
import { createDb, sql, type DbHandle } from '@biomon/db';
import { createToken } from '@biomon/auth';
import { REPO_ROOT } from '../support/cli';
import { haveServers, startBiomon, startPostgres, startRedis, type BiomonProcess, type PrivatePostgres, type PrivateRedis } from './private-stack';
import { ingestLoad } from './load';

// Drill 4: Redis stopped for 10 s under ingest → ingest keeps answering 2xx, the outbox holds the
// work, and every outbox row is enqueued exactly once after Redis returns.

let pgs: PrivatePostgres;
let redis: PrivateRedis;
let h: DbHandle;
let server: BiomonProcess;
let worker: BiomonProcess;
let token: string;
const PREFIX = 'drill4';

beforeAll(async () => {
  haveServers();
  [pgs, redis] = await Promise.all([startPostgres(), startRedis()]);
  h = createDb(pgs.url, { max: 4 });
  await runSeeds(h.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  token = (await createToken(h.db, { role: 'surveyor', team: 'drill', label: 'drill' })).token;
  const env = { DATABASE_URL: pgs.url, REDIS_URL: redis.url, BIOMON_QUEUE_PREFIX: PREFIX };
  [server, worker] = await Promise.all([startBiomon('serve', env), startBiomon('worker', env)]);
}, 120_000);
afterAll(async () => {
  server?.signal('SIGTERM');
  worker?.signal('SIGTERM');
  await Promise.all([server?.exited, worker?.exited]);
  await h?.close();
  await redis?.destroy();
  pgs?.destroy();
});

describe('drill: Redis outage under ingest', () => {
  it('keeps ingest answering 2xx and enqueues every outbox row exactly once afterwards', async () => {
    const load = ingestLoad(server.url, token, { clients: 4, batchSize: 50, prefix: 'r', pauseMs: 50 });
    await new Promise((r) => setTimeout(r, 2000));
    await redis.stop();
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, 10_000));
    const duringOutage = load.log.filter((s) => s.status === 200).length;
    const pendingDuringOutage = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE enqueued_at IS NULL`.execute(h.db)).rows[0].n;
    await redis.start();
    const upAt = Date.now();
    await new Promise((r) => setTimeout(r, 2000));
    await load.stop();

    const statuses = [...new Set(load.log.map((s) => s.status))];
    expect(statuses).toEqual([200]); // every batch answered 2xx, outage or not
    expect(duringOutage).toBeGreaterThan(0);
    expect(pendingDuringOutage).toBeGreaterThan(0); // the outbox held the work

    // wait for the relay to drain the outbox
    let pending = -1;
    for (let i = 0; i < 300 && pending !== 0; i++) {
      pending = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE enqueued_at IS NULL`.execute(h.db)).rows[0].n;
      if (pending) await new Promise((r) => setTimeout(r, 100));
    }
    expect(pending).toBe(0);
    // the system queue's rows (an ingest also writes an `alerts` row, relayed to its own queue)
    const outboxIds = (await sql<{ id: number }>`SELECT id FROM outbox WHERE queue = 'system' ORDER BY id`.execute(h.db)).rows.map((r) => r.id);
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const q = new Queue('system', { connection: conn, prefix: PREFIX });
    const jobs = await q.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed', 'prioritized', 'waiting-children'], 0, -1);
    const jobIds = jobs
      .map((j) => j.id!)
      .filter((id) => id.startsWith('outbox-'))
      .sort();
    await q.close();
    conn.disconnect();
    expect(jobIds).toEqual([...new Set(jobIds)]);
    expect(jobIds.length).toBe(outboxIds.length);
    expect(new Set(jobIds)).toEqual(new Set(outboxIds.map((id) => `outbox-${id}`)));
    // every acknowledged record is stored once
    const stored = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM occurrences`.execute(h.db)).rows[0].n;
    expect(stored).toBe(load.acknowledged.size);
    console.log(
      `drill 4: ${load.log.length} batches, all 2xx; ${duringOutage} acknowledged during the ${((upAt - downAt) / 1000).toFixed(0)} s outage; outbox rows ${outboxIds.length} → jobs ${jobIds.length} (duplicates 0); records expected ${load.acknowledged.size}, found ${stored}`,
    );
  }, 90_000);
});
