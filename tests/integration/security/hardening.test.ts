import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { buildServer } from '@biomon/http';
import { createContext } from '@biomon/runtime';
import { apiModule } from '@biomon/api';
import { ingestModule } from '@biomon/ingest';
import { loadConfig } from '@biomon/config';
import { createToken, revokeToken } from '@biomon/auth';
import { createTestContext, type TestContext } from '../../support/test-db';
import { authAs, buildTestServer } from '../../support/http';
import { REPO_ROOT } from '../../support/cli';
import { startRedis } from '../../faults/private-stack';

let t: TestContext;
let app: FastifyInstance;
let surveyor: { authorization: string };

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  surveyor = await authAs(t, 'surveyor', { team: 'h' });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

const occurrenceCount = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM occurrences`.execute(t.ctx.db)).rows[0].n;
const good = { occurrenceID: 'h-1', scientificName: 'Sus scrofa', eventDate: '2025-01-01', decimalLatitude: 43, decimalLongitude: 126 };

describe('Content-Type handling (regressions of CVE-2025-32442, CVE-2026-25223, CVE-2026-3419, CVE-2026-33806)', () => {
  // Header variants that once let a body past schema validation. An invalid body must be refused
  // whatever the header looks like: 400 (validated) or 415 (type refused) — never stored.
  const variants = [
    'application/json',
    'Application/JSON',
    'APPLICATION/JSON; charset=utf-8',
    'application/json ; charset=utf-8',
    'application/json\t; charset=utf-8',
    ' application/json',
    'application/json;charset=utf-8;garbage',
    'application/jsonx',
    'application/json garbage',
    'application/json, text/plain',
    'text/plain',
    'text/plain; charset=utf-8',
    'application/x-www-form-urlencoded',
    'application/xml',
    'multipart/form-data',
    'application/json\u0000',
    'application/vnd.api+json',
    '',
  ];
  for (const ct of variants) {
    it(`refuses an invalid body sent as ${JSON.stringify(ct)}`, async () => {
      const before = await occurrenceCount();
      const headers: Record<string, string> = { ...surveyor };
      if (ct) headers['content-type'] = ct;
      const res = await app.inject({ method: 'POST', url: '/v1/occurrences', headers, payload: JSON.stringify({ records: 'not an array', injected: true }) });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(typeof res.json().error.code).toBe('string');
      expect(await occurrenceCount()).toBe(before);
    });
  }
  it('validates a valid body sent with a mixed-case type exactly like a plain one', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/occurrences',
      headers: { ...surveyor, 'content-type': 'Application/JSON; Charset=UTF-8' },
      payload: JSON.stringify({ records: [good] }),
    });
    expect([200, 415]).toContain(res.statusCode);
  });
});

describe('hostile bodies', () => {
  const post = (payload: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/occurrences', headers: { ...surveyor, 'content-type': 'application/json', ...headers }, payload });

  it('refuses prototype-poisoning keys', async () => {
    for (const body of [
      '{"records":[{"__proto__":{"admin":true},"occurrenceID":"p1"}]}',
      '{"__proto__":{"polluted":1},"records":[]}',
      '{"records":[{"constructor":{"prototype":{"polluted":1}}}]}',
    ]) {
      const res = await post(body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('BAD_JSON');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('refuses numbers that parse to Infinity, and deep nesting', async () => {
    const inf = await post(
      `{"records":[{"occurrenceID":"i1","scientificName":"Sus scrofa","eventDate":"2025-01-01","decimalLatitude":1e400,"decimalLongitude":126}]}`,
    );
    expect(inf.statusCode).toBe(400);
    expect(inf.json().error.details.errors[0].code).toBe('NUMBER_NOT_FINITE');
    const deep = await post(`{"records":[${'['.repeat(200)}${']'.repeat(200)}]}`);
    expect(deep.statusCode).toBe(400);
    expect(deep.json().error.details.errors[0].code).toBe('BODY_TOO_DEEP');
  });

  it('bounds bodies and arrays', async () => {
    const many = await post(JSON.stringify({ records: Array.from({ length: 5001 }, (_, i) => ({ occurrenceID: `m${i}` })) }));
    expect(many.statusCode).toBe(400);
    expect(JSON.stringify(many.json().error.details)).toContain('records');
    const huge = await post(JSON.stringify({ records: [{ ...good, occurrenceRemarks: 'x'.repeat(17 * 1024 * 1024) }] }));
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('BODY_TOO_LARGE');
  });

  it('refuses SQL-injection and path-traversal strings in filters and path parameters, changing nothing', async () => {
    const before = await occurrenceCount();
    const nasty = [
      "' OR 1=1 --",
      '1; DROP TABLE occurrences; --',
      '../../../../etc/passwd',
      '..%2F..%2Fetc%2Fpasswd',
      '%00',
      "\\' UNION SELECT token_hash FROM api_tokens --",
      '<script>alert(1)</script>',
    ];
    for (const s of nasty) {
      const q = encodeURIComponent(s);
      for (const url of [
        `/v1/occurrences?region=${q}`,
        `/v1/occurrences?priorityArea=${q}`,
        `/v1/occurrences?taxon=${q}`,
        `/v1/occurrences?bbox=${q}`,
        `/v1/occurrences?from=${q}`,
        `/v1/occurrences?to=${q}`,
        `/v1/occurrences?cursor=${q}`,
        `/v1/occurrences?basisOfRecord=${q}`,
        `/v1/occurrences?reviewState=${q}`,
        `/v1/occurrences?protectionClass=${q}`,
        `/v1/occurrences?limit=${q}`,
        `/v1/indicators/${q}/values`,
        `/v1/indicators/forest_coverage/values?region=${q}`,
        `/v1/indicator-runs/${q}`,
        `/v1/layers/${q}`,
        `/v1/layers/${q}/features`,
        `/v1/layers?kind=${q}`,
        `/v1/imports/${q}`,
        `/v1/imports/template.csv?headers=${q}`,
      ]) {
        const res = await app.inject({ method: 'GET', url, headers: surveyor });
        const body = res.body;
        const emptyOk = res.statusCode === 200 && /"(records|values|features|datasets)":\[\]/.test(body);
        expect((res.statusCode >= 400 && res.statusCode < 500) || emptyOk, `${url} → ${res.statusCode} ${body.slice(0, 200)}`).toBe(true);
      }
      const byId = await app.inject({ method: 'GET', url: `/v1/occurrences/${encodeURIComponent(s)}` });
      expect([400, 404]).toContain(byId.statusCode);
    }
    expect(await occurrenceCount()).toBe(before);
    const tables = await sql<{ n: number }>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'occurrences'`.execute(t.ctx.db);
    expect(tables.rows[0].n).toBe(1);
  });

  it('sends security headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['access-control-allow-origin']).toBeUndefined(); // same-origin only by default
  });
});

describe('rate limits and timeouts (own server instances)', () => {
  it('answers 429 with Retry-After past the per-token limit', async () => {
    // (each server its own key prefix: the counts live in Redis, shared by servers of one prefix)
    const config = loadConfig(process.env, {
      databaseUrl: t.config.databaseUrl,
      queuePrefix: `${t.config.queuePrefix}rl1`,
      rateLimitPerMinute: 5,
      rateLimitPublicPerMinute: 3,
    });
    const ctx = createContext(config);
    const limited = await buildServer({ ctx, apps: [ingestModule, apiModule] });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) codes.push((await limited.inject({ method: 'GET', url: '/v1/taxa?name=x', headers: surveyor })).statusCode);
      expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const res = await limited.inject({ method: 'GET', url: '/v1/taxa?name=x', headers: surveyor });
      expect(res.json().error.code).toBe('RATE_LIMITED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      const pub: number[] = [];
      for (let i = 0; i < 4; i++) pub.push((await limited.inject({ method: 'GET', url: '/v1/indicators' })).statusCode);
      expect(pub).toEqual([200, 200, 200, 429]);
      expect((await limited.inject({ method: 'GET', url: '/health' })).statusCode).not.toBe(429);
    } finally {
      await limited.close();
      await ctx.close();
    }
  });

  it('counts failed token attempts against the address: guessing gets 429 with Retry-After, and no token is looked up past the limit', async () => {
    const config = loadConfig(process.env, {
      databaseUrl: t.config.databaseUrl,
      queuePrefix: `${t.config.queuePrefix}rl2`,
      rateLimitPerMinute: 100,
      rateLimitPublicPerMinute: 3,
    });
    const ctx = createContext(config);
    const limited = await buildServer({ ctx, apps: [ingestModule, apiModule] });
    try {
      const guess = (authorization: string, url = '/v1/taxa?name=x', remoteAddress = '127.0.0.1') =>
        limited.inject({ method: 'GET', url, headers: { authorization }, remoteAddress });
      // unknown, malformed and revoked tokens, also against a route exempt from counting (/health)
      const revoked = await createToken(ctx.db, { role: 'surveyor', label: 'revoked', team: 'h', stationId: null, departmentId: null });
      await revokeToken(ctx.db, revoked.id);
      const codes = [
        (await guess('Bearer bm_aaaaaaaaaaaaaaaaaaaaaaaaaaaa')).statusCode,
        (await guess('Basic abc')).statusCode,
        (await guess(`Bearer ${revoked.token}`, '/health')).statusCode,
      ];
      expect(codes).toEqual([401, 401, 401]);
      const fourth = await guess('Bearer bm_bbbbbbbbbbbbbbbbbbbbbbbbbbbb');
      expect(fourth.statusCode).toBe(429);
      expect(fourth.json().error.code).toBe('RATE_LIMITED');
      expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(0);
      // past the limit even a valid token from that address is not looked up: a lucky guess looks like a miss
      expect((await guess(surveyor.authorization)).statusCode).toBe(429);
      // the failures counted against the address's own limit: its anonymous requests are over it too
      expect((await limited.inject({ method: 'GET', url: '/v1/indicators', remoteAddress: '127.0.0.1' })).statusCode).toBe(429);
      // another address is not affected; a valid token there works
      expect((await guess(surveyor.authorization, '/v1/taxa?name=x', '10.9.9.9')).statusCode).toBe(200);
      expect((await limited.inject({ method: 'GET', url: '/v1/indicators', remoteAddress: '10.9.9.9' })).statusCode).toBe(200);
    } finally {
      await limited.close();
      await ctx.close();
    }
  });

  it('does not hold back valid tokens of an address whose anonymous traffic is over its limit (a shared NAT)', async () => {
    const config = loadConfig(process.env, {
      databaseUrl: t.config.databaseUrl,
      queuePrefix: `${t.config.queuePrefix}rl3`,
      rateLimitPerMinute: 100,
      rateLimitPublicPerMinute: 2,
    });
    const ctx = createContext(config);
    const limited = await buildServer({ ctx, apps: [ingestModule, apiModule] });
    try {
      const pub: number[] = [];
      for (let i = 0; i < 3; i++) pub.push((await limited.inject({ method: 'GET', url: '/v1/indicators', remoteAddress: '10.1.1.1' })).statusCode);
      expect(pub).toEqual([200, 200, 429]);
      expect((await limited.inject({ method: 'GET', url: '/v1/taxa?name=x', headers: surveyor, remoteAddress: '10.1.1.1' })).statusCode).toBe(200);
    } finally {
      await limited.close();
      await ctx.close();
    }
  });

  it('counts across processes: two servers on one Redis share the per-token, per-address and failed-attempt counts', async () => {
    const config = loadConfig(process.env, {
      databaseUrl: t.config.databaseUrl,
      queuePrefix: `${t.config.queuePrefix}rl4`,
      rateLimitPerMinute: 5,
      rateLimitPublicPerMinute: 3,
    });
    const [ctxA, ctxB] = [createContext(config), createContext(config)];
    const [a, b] = await Promise.all([
      buildServer({ ctx: ctxA, apps: [ingestModule, apiModule] }),
      buildServer({ ctx: ctxB, apps: [ingestModule, apiModule] }),
    ]);
    try {
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) codes.push((await (i % 2 ? b : a).inject({ method: 'GET', url: '/v1/taxa?name=x', headers: surveyor })).statusCode);
      expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
      // three failed attempts on A: the fourth, on B, is refused unread, and so is a valid token from that address
      const guess = (srv: FastifyInstance, authorization: string) =>
        srv.inject({ method: 'GET', url: '/v1/indicators', headers: { authorization }, remoteAddress: '10.4.4.4' });
      const failed = [
        (await guess(a, 'Bearer bm_aaaaaaaaaaaaaaaaaaaaaaaaaaaa')).statusCode,
        (await guess(b, 'Bearer bm_bbbbbbbbbbbbbbbbbbbbbbbbbbbb')).statusCode,
        (await guess(a, 'Bearer bm_cccccccccccccccccccccccccccc')).statusCode,
      ];
      expect(failed).toEqual([401, 401, 401]);
      const fourth = await guess(b, 'Bearer bm_dddddddddddddddddddddddddddd');
      expect(fourth.statusCode).toBe(429);
      expect(fourth.json().error.code).toBe('RATE_LIMITED');
      expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(0);
      const valid = await createToken(ctxA.db, { role: 'evaluator', label: 'rl4', team: null, stationId: null, departmentId: null });
      expect((await guess(b, `Bearer ${valid.token}`)).statusCode).toBe(429);
      expect((await b.inject({ method: 'GET', url: '/v1/indicators', remoteAddress: '10.4.4.5' })).statusCode).toBe(200);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all([ctxA.close(), ctxB.close()]);
    }
  });

  it('fails open: while Redis is down (stopped, or nothing listening), requests are answered and not limited', async () => {
    const redis = await startRedis();
    const config = loadConfig(process.env, {
      databaseUrl: t.config.databaseUrl,
      redisUrl: redis.url,
      queuePrefix: `${t.config.queuePrefix}rl5`,
      rateLimitPerMinute: 2,
      rateLimitPublicPerMinute: 2,
    });
    const ctx = createContext(config);
    const srv = await buildServer({ ctx, apps: [ingestModule, apiModule] });
    const dead = loadConfig(process.env, {
      databaseUrl: t.config.databaseUrl,
      redisUrl: 'redis://127.0.0.1:1',
      queuePrefix: `${t.config.queuePrefix}rl6`,
      rateLimitPerMinute: 2,
      rateLimitPublicPerMinute: 2,
    });
    const deadCtx = createContext(dead);
    const deadSrv = await buildServer({ ctx: deadCtx, apps: [ingestModule, apiModule] });
    try {
      const call = async (s: FastifyInstance) => {
        const res = await s.inject({ method: 'GET', url: '/v1/taxa?name=x', headers: surveyor });
        return res.statusCode;
      };
      const before = [await call(srv), await call(srv), await call(srv)];
      expect(before).toEqual([200, 200, 429]); // counted while Redis is up
      await redis.stop();
      const started = Date.now();
      const during: number[] = [];
      for (let i = 0; i < 5; i++) during.push(await call(srv));
      expect(during).toEqual([200, 200, 200, 200, 200]);
      expect(Date.now() - started).toBeLessThan(5_000); // not held until a timeout per request
      // ingest too
      const posted = await srv.inject({
        method: 'POST',
        url: '/v1/occurrences',
        headers: { ...surveyor, 'content-type': 'application/json' },
        payload: { records: [{ ...good, occurrenceID: 'h-rl5' }] },
      });
      expect(posted.statusCode).toBe(200);
      const never: number[] = [];
      for (let i = 0; i < 4; i++) never.push(await call(deadSrv));
      expect(never).toEqual([200, 200, 200, 200]);
    } finally {
      await Promise.all([srv.close(), deadSrv.close()]);
      await Promise.all([ctx.close(), deadCtx.close()]);
      await redis.destroy();
    }
  }, 60_000);

  it('cuts off a slow-drip body', async () => {
    const config = loadConfig(process.env, { databaseUrl: t.config.databaseUrl, queuePrefix: t.config.queuePrefix, requestTimeoutMs: 1000 });
    const ctx = createContext(config);
    const slow = await buildServer({ ctx, apps: [ingestModule, apiModule] });
    await slow.listen({ port: 0, host: '127.0.0.1' });
    const port = (slow.server.address() as net.AddressInfo).port;
    try {
      const started = Date.now();
      const outcome = await new Promise<string>((resolve) => {
        const sock = net.connect(port, '127.0.0.1', () => {
          sock.write(
            `POST /v1/occurrences HTTP/1.1\r\nHost: x\r\n${surveyor.authorization ? `Authorization: ${surveyor.authorization}\r\n` : ''}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`,
          );
          const drip = setInterval(() => sock.write(' '), 200);
          let data = '';
          sock.on('data', (d) => (data += d));
          sock.on('close', () => {
            clearInterval(drip);
            resolve(data.split('\r\n')[0] || 'closed');
          });
          setTimeout(() => {
            clearInterval(drip);
            sock.destroy();
            resolve('still open');
          }, 8000);
        });
      });
      expect(outcome).not.toBe('still open');
      expect(Date.now() - started).toBeLessThan(7000);
      if (outcome !== 'closed') expect(outcome).toMatch(/^HTTP\/1\.1 (408|400)/);
    } finally {
      await slow.close();
      await ctx.close();
    }
  });
});
