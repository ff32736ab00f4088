import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { writeAudit, SYSTEM_ACTOR } from '@biomon/auth';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';

// GET /v1/audit pages by a sealed cursor (@biomon/core CursorCodec) like every other list: the
// internal id of an entry is not a query parameter (it was `before` until issue 16).

let t: TestContext;
let app: FastifyInstance;
let admin: { authorization: string };

beforeAll(async () => {
  t = await createTestContext();
  app = await buildTestServer(t);
  await app.ready();
  admin = await authAs(t, 'admin');
  for (let i = 0; i < 7; i++) await writeAudit(t.ctx.db, SYSTEM_ACTOR, { action: 'paging.test', entity: 'paging_test', entityIds: [i] });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('GET /v1/audit', () => {
  it('walks every entry once, newest first, by nextCursor', async () => {
    const seen: number[] = [];
    let url = '/v1/audit?entity=paging_test&limit=3';
    for (let page = 0; page < 5; page++) {
      const res = await app.inject({ method: 'GET', url, headers: admin });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { entries: { id: number; role: string; actor: string; entityIds: string[] }[]; nextCursor: string | null };
      seen.push(...body.entries.map((e) => Number(e.entityIds[0])));
      expect(body.entries.every((e) => e.role === 'system' && e.actor === 'system')).toBe(true);
      if (!body.nextCursor) break;
      expect(body.nextCursor).not.toMatch(/^\d+$/);
      url = `/v1/audit?entity=paging_test&limit=3&cursor=${encodeURIComponent(body.nextCursor)}`;
    }
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0]);
  });

  it('refuses an edited or foreign cursor (400 CURSOR_INVALID) and the old integer `before`', async () => {
    const first = (await app.inject({ method: 'GET', url: '/v1/audit?entity=paging_test&limit=2', headers: admin })).json() as { nextCursor: string };
    const c = first.nextCursor;
    const edited = `${c.slice(0, 30)}${c[30] === 'A' ? 'B' : 'A'}${c.slice(31)}`;
    const bad = await app.inject({ method: 'GET', url: `/v1/audit?cursor=${encodeURIComponent(edited)}`, headers: admin });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'CURSOR_INVALID', details: { errors: [{ field: 'querystring.cursor', code: 'CURSOR_INVALID' }] } });
    const alertsCursor = (await t.ctx.cursors()).encode('alerts', [1]);
    expect((await app.inject({ method: 'GET', url: `/v1/audit?cursor=${alertsCursor}`, headers: admin })).json().error.code).toBe('CURSOR_INVALID');
    expect((await app.inject({ method: 'GET', url: '/v1/audit?before=5', headers: admin })).statusCode).toBe(400);
  });
});
