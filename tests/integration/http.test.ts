import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '@biomon/http';
import { createContext, type AppContext } from '@biomon/runtime';
import { apiModule } from '@biomon/api';
import { ingestModule } from '@biomon/ingest';
import { createToken } from '@biomon/auth';
import { loadConfig } from '@biomon/config';
import { createTestContext, type TestContext } from '../support/test-db';
import { sql } from '@biomon/db';

let t: TestContext;
let app: FastifyInstance;

beforeAll(async () => {
  t = await createTestContext();
  app = await buildServer({ ctx: t.ctx, apps: [ingestModule, apiModule] });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('combined server (ingest + api under one origin)', () => {
  it('answers /health with db and redis up', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.db).toBe('up');
    expect(body.redis).toBe('up');
    expect(body.apps).toEqual(['ingest', 'api']);
    expect(['ok', 'degraded']).toContain(body.status);
  });

  it('serves one merged OpenAPI 3 document and the docs UI', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/v1/taxa']));
    const ui = await app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(ui.statusCode);
  });

  it('answers unknown routes in the one error format, with a request id', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/nothing-here', headers: { 'x-request-id': 'abc-123' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: expect.any(String) } });
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('requires a token where the route says so, and rejects bad ones', async () => {
    const none = await app.inject({ method: 'GET', url: '/v1/taxa?name=tiger' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('UNAUTHENTICATED');
    const bad = await app.inject({ method: 'GET', url: '/v1/taxa?name=tiger', headers: { authorization: 'Bearer bm_admin_notarealtokenatall' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('TOKEN_INVALID');
    const { token } = await createToken(t.ctx.db, { role: 'evaluator', label: 'test' });
    const ok = await app.inject({ method: 'GET', url: '/v1/taxa?name=tiger', headers: { authorization: `Bearer ${token}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ taxa: [] });
  });

  it('names the failing field of an invalid query', async () => {
    const { token } = await createToken(t.ctx.db, { role: 'evaluator', label: 'test' });
    const res = await app.inject({ method: 'GET', url: '/v1/taxa', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.errors[0]).toMatchObject({ field: 'querystring.name', code: 'SCHEMA_REQUIRED' });
  });
});

/** The application_name of the connection a download would stream from. */
async function streamApplicationName(ctx: AppContext): Promise<string> {
  const c = await ctx.readStream.connect();
  try {
    return (await c.query<{ name: string }>(`SELECT current_setting('application_name') AS name`)).rows[0].name;
  } finally {
    c.release();
  }
}

describe('read routing (DATABASE_READ_URL)', () => {
  it('reads from the primary and reports the replica down while it is unreachable', async () => {
    const config = loadConfig(process.env, {
      databaseUrl: t.config.databaseUrl,
      databaseReadUrl: 'postgres://postgres@127.0.0.1:1/biomon',
      queuePrefix: `${t.config.queuePrefix}rr1`,
    });
    const ctx = createContext(config);
    const srv = await buildServer({ ctx, apps: [ingestModule, apiModule] });
    try {
      const res = await srv.inject({ method: 'GET', url: '/v1/indicators/forest_coverage/values' });
      expect(res.statusCode, res.body).toBe(200);
      expect(ctx.replica!.usesReplica()).toBe(false);
      // downloads stream from the primary meanwhile
      expect(await streamApplicationName(ctx)).not.toBe('biomon-read');
      const dl = await srv.inject({ method: 'GET', url: '/v1/downloads/indicator-results?format=csv' });
      expect(dl.statusCode, dl.body).toBe(200);
      const health = await srv.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toMatchObject({ status: 'degraded', db: 'up', replica: { status: 'down', lagSeconds: null } });
    } finally {
      await srv.close();
      await ctx.close();
    }
  });

  it('reads from a server that is not behind (here the primary itself: lag 0)', async () => {
    const config = loadConfig(process.env, {
      databaseUrl: t.config.databaseUrl,
      databaseReadUrl: t.config.databaseUrl,
      queuePrefix: `${t.config.queuePrefix}rr2`,
    });
    const ctx = createContext(config);
    const srv = await buildServer({ ctx, apps: [ingestModule, apiModule] });
    try {
      const health = await srv.inject({ method: 'GET', url: '/health' });
      expect(health.json().replica).toEqual({ status: 'up', lagSeconds: 0 });
      expect(ctx.replica!.usesReplica()).toBe(true);
      const res = await srv.inject({ method: 'GET', url: '/v1/indicators/forest_coverage/values' });
      expect(res.statusCode, res.body).toBe(200);
      // downloads stream from the read server's pool while it is up
      expect(await streamApplicationName(ctx)).toBe('biomon-read');
      const dl = await srv.inject({ method: 'GET', url: '/v1/downloads/indicator-results?format=csv' });
      expect(dl.statusCode, dl.body).toBe(200);
      expect(dl.body.split('\n')[0]).toContain('indicator');
    } finally {
      await srv.close();
      await ctx.close();
    }
  });

  it('is the primary itself without DATABASE_READ_URL, and /health says nothing of a replica', async () => {
    expect(t.ctx.replica).toBeNull();
    // dbRead is the primary's pool behind the read slots: the same server and database as ctx.db
    const where = sql<{
      db: string;
      port: number;
      standby: boolean;
    }>`SELECT current_database() AS db, inet_server_port() AS port, pg_is_in_recovery() AS standby`;
    const [read] = (await where.execute(t.ctx.dbRead)).rows;
    expect(read).toEqual((await where.execute(t.ctx.db)).rows[0]);
    expect(read.standby).toBe(false);
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).not.toHaveProperty('replica');
  });
});

describe('health with a dependency down', () => {
  it('is 503 with Retry-After when the database is unreachable', async () => {
    // A port nothing listens on: the database is "down" for this context.
    const config = loadConfig(process.env, { databaseUrl: 'postgres://postgres@127.0.0.1:1/biomon', queuePrefix: 'tdown' });
    const ctx = createContext(config);
    const down = await buildServer({ ctx, apps: [apiModule] });
    try {
      const res = await down.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toMatchObject({ status: 'down', db: 'down', redis: 'up' });
    } finally {
      await down.close();
      await ctx.close();
    }
  });
});
