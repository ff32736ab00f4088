import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { runSeeds } from '@biomon/cli';
import { sql } from '@biomon/db';
import { createTestContext, type TestContext } from '../../support/test-db';
import { authAs, buildTestServer } from '../../support/http';
import { REPO_ROOT } from '../../support/cli';

// Every GET route, every path parameter and every declared query parameter, with SQL-injection and
// path-traversal strings: never a 5xx, never a changed row. Routes are enumerated from the server,
// so a new route or filter is covered without editing this test.

let t: TestContext;
let app: FastifyInstance;
let admin: { authorization: string };
const NASTY = ["' OR '1'='1", '1; DROP TABLE occurrences; --', "x') UNION SELECT token_hash::text FROM api_tokens --", '../../../../etc/passwd', '..%2f..%2fetc%2fpasswd', '%00', '\\u0000', '${7*7}', '<script>alert(1)</script>'];
const TABLES = ['occurrences', 'survey_events', 'api_tokens', 'layer_datasets', 'ledger_tasks', 'ledger_progress', 'indicator_runs', 'stations', 'alerts', 'audit_log', 'exports'];

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  await app.ready();
  admin = await authAs(t, 'admin');
}, 120_000);
afterAll(async () => {
  await app.close();
  await t.close();
});

async function snapshot(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.ctx.db)).rows[0].n;
  return out;
}

describe('injection and traversal strings in every path and query parameter', () => {
  it('never answers 5xx and never changes data', async () => {
    const before = await snapshot();
    const routes = app.routeList.filter((r) => r.method === 'GET' && !r.url.startsWith('/docs') && !r.url.startsWith('/assets'));
    expect(routes.length).toBeGreaterThan(30);
    let requests = 0;
    let refused = 0;
    const failures: string[] = [];
    for (const r of routes) {
      const params = [...r.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
      const targets: string[] = [];
      for (const p of params) for (const n of NASTY) targets.push(r.url.replace(/:([A-Za-z]+)/g, (_, name: string) => (name === p ? encodeURIComponent(n) : '1')));
      const base = r.url.replace(/:([A-Za-z]+)/g, '1');
      for (const q of r.query) for (const n of NASTY) targets.push(`${base}?${q}=${encodeURIComponent(n)}`);
      for (const url of targets) {
        for (const headers of [{}, admin]) {
          const res = await app.inject({ method: 'GET', url, headers });
          requests++;
          if (res.statusCode >= 400 && res.statusCode < 500) refused++;
          if (res.statusCode >= 500) failures.push(`${url} → ${res.statusCode} ${res.body.slice(0, 160)}`);
          if (/syntax error|unterminated quoted|relation ".*" does not exist/i.test(res.body)) failures.push(`${url} leaks an SQL error`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
    console.log(`injection: ${routes.length} GET routes, ${requests} requests, ${refused} refused with 4xx, the rest answered without data changes; 5xx 0`);
  }, 300_000);
});
