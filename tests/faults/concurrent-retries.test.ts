import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { createToken } from '@biomon/auth';
import { createTestContext, type TestContext } from '../support/test-db';
import { buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';
import { post, records } from './load';

// Drill 1: 20 clients ingest concurrently; 10 % of batches are resent, and some clients vanish
// right after the server answered (so it committed) and resend later → exactly the expected rows,
// zero duplicates, zero 5xx.

let t: TestContext;
let app: FastifyInstance;
let url: string;
let token: string;

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  token = (await createToken(t.ctx.db, { role: 'surveyor', team: 'drill', label: 'drill' })).token;
}, 60_000);
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('drill: concurrent ingest with retries and vanishing clients', () => {
  it('stores exactly the expected rows once, with no 5xx', async () => {
    const CLIENTS = 20;
    const BATCHES = 12;
    const SIZE = 50;
    const statuses: number[] = [];
    let resent = 0;
    let vanished = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let b = 0; b < BATCHES; b++) {
          const batch = c * 1000 + b;
          const body = { records: records('cr', batch, SIZE) };
          const roll = (c * 31 + b * 17) % 20; // deterministic: 2 in 20 resent, 1 in 20 vanish after the answer
          if (roll === 0) {
            const gone = await post(`${url}/v1/occurrences`, token, body, { abortAfterHeaders: true });
            statuses.push(gone.status);
            vanished++;
          }
          const res = await post(`${url}/v1/occurrences`, token, body);
          statuses.push(res.status);
          if (roll === 1 || roll === 2) {
            statuses.push((await post(`${url}/v1/occurrences`, token, body)).status);
            resent++;
          }
        }
      }),
    );
    const expected = CLIENTS * BATCHES * SIZE;
    const rows = await sql<{ n: number; d: number }>`SELECT count(*)::int AS n, count(DISTINCT occurrence_id)::int AS d FROM occurrences`.execute(t.ctx.db);
    const fiveXX = statuses.filter((s) => s >= 500).length;
    expect(fiveXX).toBe(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(rows.rows[0]).toEqual({ n: expected, d: expected });
    const versions = await sql<{ v: number }>`SELECT max(version) AS v FROM occurrences`.execute(t.ctx.db);
    expect(versions.rows[0].v).toBe(1); // resends are never edits
    console.log(
      `drill 1: ${CLIENTS} clients, ${statuses.length} requests (${resent} resent, ${vanished} vanished after the answer); rows expected ${expected}, found ${rows.rows[0].n}, duplicates ${rows.rows[0].n - rows.rows[0].d}, 5xx ${fiveXX}`,
    );
  }, 120_000);
});
