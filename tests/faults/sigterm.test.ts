import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { runSeeds } from '@biomon/seed';
import { createDb, sql } from '@biomon/db';
import { createToken } from '@biomon/auth';
import { REPO_ROOT } from '../support/cli';
import { haveServers, startBiomon, startPostgres, startRedis, type PrivatePostgres, type PrivateRedis } from './private-stack';
import { ingestLoad } from './load';

// Drill 7: the API gets SIGTERM under load → in-flight requests finish, new ones are refused
// (503 or connection refused), the process exits cleanly, and no acknowledged write is lost.

let pgs: PrivatePostgres;
let redis: PrivateRedis;
let token: string;

beforeAll(async () => {
  haveServers();
  [pgs, redis] = await Promise.all([startPostgres(), startRedis()]);
  const h = createDb(pgs.url, { max: 2 });
  await runSeeds(h.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  token = (await createToken(h.db, { role: 'surveyor', team: 'drill', label: 'drill' })).token;
  await h.close();
}, 120_000);
afterAll(async () => {
  await redis?.destroy();
  pgs?.destroy();
});

describe('drill: SIGTERM under load', () => {
  it('finishes in-flight requests, refuses new ones, exits 0, loses nothing acknowledged', async () => {
    const server = await startBiomon('serve', { DATABASE_URL: pgs.url, REDIS_URL: redis.url, BIOMON_QUEUE_PREFIX: 'drill7' });
    const load = ingestLoad(server.url, token, { clients: 6, batchSize: 200, prefix: 'term' });
    await new Promise((r) => setTimeout(r, 1500));
    const before = load.log.length;
    server.signal('SIGTERM');
    const code = await server.exited;
    // the clients keep trying against a closed port for a moment
    await new Promise((r) => setTimeout(r, 500));
    const stopping = load.stop();
    await Promise.race([stopping, new Promise((r) => setTimeout(r, 3000))]);
    expect(code).toBe(0);
    const after = load.log.slice(before);
    const serverErrors = load.log.filter((s) => s.status >= 500 && s.status !== 503);
    expect(serverErrors).toEqual([]);
    expect(after.some((s) => s.status === 503 || s.status === 0)).toBe(true); // refused once closing
    const h = createDb(pgs.url, { max: 1 });
    const stored = new Set((await sql<{ id: string }>`SELECT occurrence_id AS id FROM occurrences`.execute(h.db)).rows.map((r) => r.id));
    await h.close();
    const lost = [...load.acknowledged].filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    console.log(
      `drill 7: exit code ${code}; ${load.log.length} attempts, ${load.log.filter((s) => s.status === 200).length} acknowledged batches (${load.acknowledged.size} records), refused after SIGTERM ${after.filter((s) => s.status !== 200).length}, lost ${lost.length}`,
    );
  }, 90_000);
});
