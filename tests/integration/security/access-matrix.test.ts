import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ACCESS_MATRIX, accessFor, type Role } from '@biomon/auth';
import { createTestContext, type TestContext } from '../../support/test-db';
import { authAs, buildTestServer } from '../../support/http';

// Enumerates every registered route and calls it as every role, comparing the outcome with the
// matrix: allowed ⇒ neither 401 nor a role 403; refused ⇒ 401 without a token, 403 (reason role)
// with one. A route without a matrix entry fails the first test.

let t: TestContext;
let app: FastifyInstance;
const ROLES: (Role | 'public')[] = ['public', 'admin', 'surveyor', 'station', 'evaluator', 'department'];
const headers: Record<string, Record<string, string>> = { public: {} };

beforeAll(async () => {
  t = await createTestContext();
  app = await buildTestServer(t);
  await app.ready();
  const dept = await t.ctx.db.insertInto('departments').values({ name: '矩阵测试部门' }).returning('id').executeTakeFirstOrThrow();
  for (const role of ROLES) if (role !== 'public') headers[role] = await authAs(t, role, { departmentId: role === 'department' ? dept.id : undefined });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

const routes = () => app.routeList.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
const fill = (url: string) =>
  url
    .replace(/:([A-Za-z]+)/g, (_, name: string) => (/id$/i.test(name) && name !== 'occurrenceID' ? '00000000-0000-4000-8000-000000000000' : 'x'))
    .replace(/\*$/, 'x');

describe('authorisation matrix', () => {
  it('has a rule for every registered route, and no rule for a route that does not exist', () => {
    const missing = routes()
      .filter((r) => !accessFor(r.method, r.url))
      .map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    const registered = new Set(routes().map((r) => `${r.method} ${r.url}`));
    const stale = Object.keys(ACCESS_MATRIX).filter((k) => !registered.has(k));
    expect(stale).toEqual([]);
  });

  it('answers every route × role as the matrix says', async () => {
    const wrong: string[] = [];
    for (const r of routes()) {
      const rule = accessFor(r.method, r.url)!;
      for (const role of ROLES) {
        const allowed = role === 'admin' || rule === 'public' || (role !== 'public' && rule.includes(role));
        const res = await app.inject({
          method: r.method as 'GET',
          url: fill(r.url),
          headers: { ...headers[role], ...(r.method === 'GET' ? {} : { 'content-type': 'application/json' }) },
          payload: r.method === 'GET' ? undefined : '{}',
        });
        let reason: string | undefined;
        try {
          reason = res.json()?.error?.details?.reason;
        } catch {
          /* not JSON */
        }
        const deniedByRole = res.statusCode === 401 || (res.statusCode === 403 && reason === 'role');
        if (allowed && deniedByRole) wrong.push(`${r.method} ${r.url} as ${role}: ${res.statusCode}, expected allowed`);
        if (!allowed && !(role === 'public' ? res.statusCode === 401 : res.statusCode === 403 && reason === 'role')) {
          wrong.push(`${r.method} ${r.url} as ${role}: ${res.statusCode}, expected ${role === 'public' ? 401 : '403 (role)'}`);
        }
        if (res.statusCode >= 500) wrong.push(`${r.method} ${r.url} as ${role}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
