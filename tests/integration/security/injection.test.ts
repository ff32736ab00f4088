import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { runSeeds } from '@biomon/seed';
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
const NASTY = [
  "' OR '1'='1",
  '1; DROP TABLE occurrences; --',
  "x') UNION SELECT token_hash::text FROM api_tokens --",
  '../../../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%00',
  '\\u0000',
  '${7*7}',
  '<script>alert(1)</script>',
  // text PostgreSQL cannot store: a NUL character (sent as %00)
  '\u0000',
  'Panthera\u0000tigris',
];
// Already percent-encoded: UTF-16 surrogates cannot be encoded as UTF-8, so clients that send them
// write CESU-8 (%ED%A0%80 = U+D800, %ED%B0%80 = U+DC00); %C0%80 is the overlong NUL of "modified
// UTF-8", %F4%90%80%80 lies past U+10FFFF. None of them decodes to text.
const NASTY_ENCODED = ['%ED%A0%80', 'x%ED%B0%80y', '%ED%A0%80%ED%B0%80', '%C0%80', '%F4%90%80%80'];
const TABLES = [
  'occurrences',
  'survey_events',
  'api_tokens',
  'layer_datasets',
  'ledger_tasks',
  'ledger_progress',
  'indicator_runs',
  'stations',
  'alerts',
  'audit_log',
  'exports',
];

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
      const values = [...NASTY.map((n) => encodeURIComponent(n)), ...NASTY_ENCODED];
      for (const p of params) for (const v of values) targets.push(r.url.replace(/:([A-Za-z]+)/g, (_, name: string) => (name === p ? v : '1')));
      const base = r.url.replace(/:([A-Za-z]+)/g, '1');
      for (const q of r.query) for (const v of values) targets.push(`${base}?${q}=${v}`);
      // a bad character in a query parameter's name, too
      targets.push(`${base}?x%00y=1`, `${base}?x%ED%A0%80=1`);
      for (const url of targets) {
        for (const headers of [{}, admin]) {
          const res = await app.inject({ method: 'GET', url, headers });
          requests++;
          if (res.statusCode >= 400 && res.statusCode < 500) refused++;
          if (res.statusCode >= 500) failures.push(`${url} → ${res.statusCode} ${res.body.slice(0, 160)}`);
          // a real NUL (%00, not the text "%00" = %2500) never reaches a handler: 4xx (422 TEXT_INVALID_CHARACTER once authorised)
          if (url.includes('%00') && res.statusCode < 400) failures.push(`${url} → ${res.statusCode}: a NUL was accepted`);
          if (/syntax error|unterminated quoted|relation ".*" does not exist/i.test(res.body)) failures.push(`${url} leaks an SQL error`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
    console.log(`injection: ${routes.length} GET routes, ${requests} requests, ${refused} refused with 4xx, the rest answered without data changes; 5xx 0`);
  }, 300_000);
});
