import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { runSeeds } from '@biomon/seed';
import { createDb, sql, type DbHandle } from '@biomon/db';
import { createToken } from '@biomon/auth';
import { REPO_ROOT } from '../support/cli';
import { haveServers, startBiomon, startPostgres, startRedis, type BiomonProcess, type PrivatePostgres, type PrivateRedis } from './private-stack';
import { ingestLoad } from './load';

// Drills 5 and 6: PostgreSQL restarted under ingest (fast shutdown), then stopped with
// `pg_ctl stop -m immediate` (a crash) under ingest. While it is down the API answers 503 with
// Retry-After and never crashes; every batch it acknowledged is in the database afterwards
// (synchronous_commit on).

let pgs: PrivatePostgres;
let redis: PrivateRedis;
let server: BiomonProcess;
let token: string;

beforeAll(async () => {
  haveServers();
  [pgs, redis] = await Promise.all([startPostgres(), startRedis()]);
  const h = createDb(pgs.url, { max: 2 });
  await runSeeds(h.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  token = (await createToken(h.db, { role: 'surveyor', team: 'drill', label: 'drill' })).token;
  await h.close();
  server = await startBiomon('serve', { DATABASE_URL: pgs.url, REDIS_URL: redis.url, BIOMON_QUEUE_PREFIX: 'drill56' });
}, 120_000);
afterAll(async () => {
  server?.signal('SIGTERM');
  await server?.exited;
  await redis?.destroy();
  pgs?.destroy();
});

async function storedIds(): Promise<Set<string>> {
  const h: DbHandle = createDb(pgs.url, { max: 1 });
  try {
    return new Set((await sql<{ id: string }>`SELECT occurrence_id AS id FROM occurrences`.execute(h.db)).rows.map((r) => r.id));
  } finally {
    await h.close();
  }
}

for (const mode of ['fast', 'immediate'] as const) {
  describe(`drill: PostgreSQL ${mode === 'fast' ? 'restarted' : 'stopped -m immediate'} under ingest`, () => {
    it('answers 503 with Retry-After while it is down, never crashes, loses no acknowledged batch', async () => {
      const load = ingestLoad(server.url, token, { clients: 4, batchSize: 40, prefix: `pg-${mode}`, pauseMs: 20 });
      await new Promise((r) => setTimeout(r, 1500));
      const t0 = Date.now();
      pgs.stop(mode);
      await new Promise((r) => setTimeout(r, 3000));
      pgs.start();
      const recovered = Date.now();
      await new Promise((r) => setTimeout(r, 2500));
      await load.stop();
      expect(server.proc.exitCode).toBeNull(); // still running
      const byStatus = new Map<number, number>();
      for (const s of load.log) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
      const unavailable = load.log.filter((s) => s.status === 503);
      expect(unavailable.length).toBeGreaterThan(0);
      expect(unavailable.every((s) => Number(s.retryAfter) > 0)).toBe(true);
      expect([...byStatus.keys()].filter((s) => s !== 200 && s !== 503)).toEqual([]);
      const stored = await storedIds();
      const lost = [...load.acknowledged].filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
      console.log(
        `drill ${mode === 'fast' ? 5 : 6} (${mode}): ${load.log.length} attempts ${JSON.stringify(Object.fromEntries(byStatus))}; acknowledged ${load.acknowledged.size}, lost ${lost.length}; down ${((recovered - t0) / 1000).toFixed(1)} s`,
      );
    }, 90_000);
  });
}
