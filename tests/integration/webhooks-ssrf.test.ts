import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { loadConfig } from '@biomon/config';
import { AppError } from '@biomon/core';
import type { Actor } from '@biomon/auth';
import { runSeeds } from '@biomon/seed';
import {
  createSubscription,
  deliverWebhook,
  evaluateAlerts,
  removeSubscription,
  sendPinned,
  systemResolver,
  testSubscription,
  webhookNetwork,
  type WebhookResolver,
  type WebhookSender,
} from '@biomon/alerts';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';
import { TrapServer, WebhookReceiver, guardSystemDns, record, storeRecords, waitFor } from '../support/alerts';

// Webhook URLs may reach only public addresses (issue 14, "Webhook URLs"): refused at creation
// (422, `url`, WEBHOOK_URL_FORBIDDEN) and again at every delivery, where the name is resolved anew
// (DNS rebinding) and the POST connects to the address that was checked. BIOMON_WEBHOOK_ALLOW_PRIVATE
// lists 127.0.0.1 here, for the loopback receiver this file owns, and nothing else.
//
// No packet leaves this machine: names are answered by fake resolvers, the system resolver is
// guarded (a lookup fails instead of querying DNS), addresses the test does not own appear only in
// checks that refuse before any connection (creation never connects; deliveries to them go
// through a spy sender), and "no connection" is observed on trap listeners on 127.0.0.1 and
// 127.0.0.2, which the test owns.

const ADMIN: Actor = { tokenId: null, role: 'admin', label: 'ssrf test' };
const SECRET = 'whsec-0123456789-abcdef';
const PUBLIC = '93.184.215.14';

let t: TestContext;
let app: FastifyInstance;
let admin: { authorization: string };
let worker: RunningWorker | null = null;
let dnsGuard: ReturnType<typeof guardSystemDns>;
const receiver = new WebhookReceiver();
const trap1 = new TrapServer('127.0.0.1'); // allowed by the list: reached only if a check fails open
const trap2 = new TrapServer('127.0.0.2'); // loopback, not listed: must never see a connection

beforeAll(async () => {
  dnsGuard = guardSystemDns([new URL(loadConfig().databaseUrl).hostname, new URL(loadConfig().redisUrl).hostname]);
  t = await createTestContext({
    alerts: { ...loadConfig().alerts, webhookAttempts: 2, webhookBackoffMs: 50, webhookTimeoutMs: 3000, webhookAllowPrivate: ['127.0.0.1'] },
    jobLockMs: 1000,
  });
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  await app.ready();
  admin = await authAs(t, 'admin');
  await Promise.all([receiver.start(), trap1.start(), trap2.start()]);
});
afterAll(async () => {
  await worker?.stop();
  await Promise.all([receiver.stop(), trap1.stop(), trap2.stop()]);
  await app.close();
  await t.close();
  dnsGuard.restore();
});

const subscriptionCount = async () =>
  (
    await t.ctx.db
      .selectFrom('webhook_subscriptions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
  ).n;
/** A resolver answering per call (`answers[i]` on the i-th call, the last one after), recording the names asked. */
function resolverSeq(...answers: string[][]): WebhookResolver & { asked: string[] } {
  const asked: string[] = [];
  const f = (async (hostname: string) => {
    const a = answers[Math.min(asked.length, answers.length - 1)];
    asked.push(hostname);
    return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  }) as WebhookResolver & { asked: string[] };
  f.asked = asked;
  return f;
}

describe('the test harness', () => {
  it('guards the system resolver: a lookup fails without a query', async () => {
    await expect(systemResolver('guard-self-check.example')).rejects.toThrow(/test guard/);
    expect(dnsGuard.names.splice(0)).toEqual(['guard-self-check.example']);
  });
});

describe('POST /v1/webhooks', () => {
  it('refuses forbidden targets in their many forms: 422, field url, WEBHOOK_URL_FORBIDDEN and the reason; nothing stored, nothing contacted', async () => {
    const p = trap2.port;
    const forms: [string, string][] = [
      [`http://127.0.0.2:${p}/hook`, 'loopback'],
      [`http://2130706434:${p}/hook`, 'loopback'], // 127.0.0.2 in decimal
      [`http://0x7f.0.0.2:${p}/hook`, 'loopback'],
      [`http://0177.0.0.2:${p}/hook`, 'loopback'],
      [`http://127.2:${p}/hook`, 'loopback'],
      [`http://[::ffff:127.0.0.2]:${p}/hook`, 'loopback'],
      [`http://[::ffff:7f00:2]:${p}/hook`, 'loopback'],
      [`http://[::1]:${p}/hook`, 'loopback'],
      ['http://10.0.0.5/hook', 'private'],
      ['http://172.20.1.1/hook', 'private'],
      ['http://192.168.1.10:8080/hook', 'private'],
      ['http://[fd12:3456::1]/hook', 'uniqueLocal'],
      ['http://[fe80::1]/hook', 'linkLocal'],
      ['http://169.254.10.10/hook', 'linkLocal'],
      ['http://100.64.0.1/hook', 'carrierGradeNat'],
      ['http://0.0.0.0/hook', 'unspecified'],
      ['http://0/hook', 'unspecified'],
      ['http://[::]/hook', 'unspecified'],
      ['http://169.254.169.254/latest/meta-data/', 'metadata'],
      ['http://2852039166/', 'metadata'],
      ['http://[::ffff:a9fe:a9fe]/', 'metadata'],
      ['http://[fd00:ec2::254]/', 'metadata'],
      ['http://metadata.google.internal/computeMetadata/v1/', 'metadata'],
      ['http://224.0.0.1/hook', 'multicast'],
      ['http://255.255.255.255/hook', 'broadcast'],
      ['http://240.0.0.1/hook', 'reserved'],
    ];
    const before = await subscriptionCount();
    const wrong: string[] = [];
    for (const [url, reason] of forms) {
      const res = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: { url, secret: SECRET } });
      if (res.statusCode === 201) await removeSubscription(t.ctx.db, res.json().id, ADMIN); // never leave one for a later delivery
      const body = res.json();
      const e = body.error?.details?.errors?.[0];
      if (res.statusCode !== 422 || body.error.code !== 'UNPROCESSABLE' || e?.field !== 'url' || e?.code !== 'WEBHOOK_URL_FORBIDDEN' || e?.reason !== reason) {
        wrong.push(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await subscriptionCount()).toBe(before);
    expect(trap2.connections).toBe(0);
    expect(dnsGuard.names).toEqual([]);
  });

  it('explains the refusal and lets the allow-listed loopback receiver through', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: { url: 'http://[::ffff:127.0.0.2]/x' } });
    expect(res.json().error).toMatchObject({
      code: 'UNPROCESSABLE',
      message: 'url is a loopback address; webhooks may reach only public addresses unless BIOMON_WEBHOOK_ALLOW_PRIVATE lists the host',
      details: { errors: [{ field: 'url', code: 'WEBHOOK_URL_FORBIDDEN', reason: 'loopback' }] },
    });
    const ok = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: { url: receiver.url('/allowed') } });
    expect(ok.statusCode, ok.body).toBe(201);
    await removeSubscription(t.ctx.db, ok.json().id, ADMIN);
    // credentials and other schemes stay 400 validation errors, checked before any lookup
    for (const url of ['https://user:pw@hooks.example.org/x', 'gopher://127.0.0.1:6379/_', 'file:///etc/passwd']) {
      const bad = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: { url } });
      expect([bad.statusCode, bad.json().error.details.errors[0].field]).toEqual([400, 'url']);
    }
    expect(dnsGuard.names).toEqual([]);
  });

  it('resolves names with the injected resolver and refuses one that answers any forbidden address', async () => {
    const before = await subscriptionCount();
    for (const [answers, code, reason] of [
      [['10.0.0.5'], 'WEBHOOK_URL_FORBIDDEN', 'private'],
      [['169.254.169.254'], 'WEBHOOK_URL_FORBIDDEN', 'metadata'],
      [['::ffff:127.0.0.1'], 'WEBHOOK_URL_FORBIDDEN', 'loopback'], // with nothing listed (below: passes once 127.0.0.1 is listed)
      [[PUBLIC, '192.168.0.7'], 'WEBHOOK_URL_FORBIDDEN', 'private'],
      [[], 'WEBHOOK_URL_UNRESOLVABLE', 'unresolvable'],
    ] as [string[], string, string][]) {
      const resolve = resolverSeq(answers);
      const send = vi.fn<WebhookSender>();
      // strict network (nothing listed) for the mapped-loopback case, the file's list for the others
      const allowPrivate = answers[0] === '::ffff:127.0.0.1' ? [] : ['127.0.0.1'];
      const err = await createSubscription(
        t.ctx.db,
        { url: 'https://hooks.example.org/alerts', secret: SECRET },
        ADMIN,
        webhookNetwork({ allowPrivate, resolve, send }),
      ).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(422);
      expect((err as AppError).details).toMatchObject({ errors: [{ field: 'url', code, reason }] });
      expect(resolve.asked).toEqual(['hooks.example.org']);
      expect(send).not.toHaveBeenCalled();
    }
    expect(await subscriptionCount()).toBe(before);
    // the same mapped loopback answer passes when 127.0.0.1 is listed
    const ok = await createSubscription(
      t.ctx.db,
      { url: 'https://hooks.example.org/alerts', secret: SECRET },
      ADMIN,
      webhookNetwork({ allowPrivate: ['127.0.0.1'], resolve: resolverSeq(['::ffff:127.0.0.1']) }),
    );
    await removeSubscription(t.ctx.db, ok.id, ADMIN);
    expect(dnsGuard.names).toEqual([]);
  });
});

describe('delivery', () => {
  it('DNS rebinding: a name public at creation and 127.0.0.1 at delivery is refused at delivery, without a connection, and dead-lettered with the reason', async () => {
    // public when the admin subscribes …
    const atCreation = resolverSeq([PUBLIC]);
    const sub = await createSubscription(
      t.ctx.db,
      { url: `http://rebind.example.org:${trap1.port}/hook`, secret: SECRET },
      ADMIN,
      webhookNetwork({ resolve: atCreation }),
    );
    expect(atCreation.asked).toEqual(['rebind.example.org']);
    const ids = await storeRecords(t, [record('ssrf-rebind-1', 'Ambrosia artemisiifolia', 121.3, 44.1)]);
    await evaluateAlerts(t.ctx.db, { trigger: 'occurrences', occurrenceIds: ids });
    const d = await t.ctx.db.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', sub.id).executeTakeFirstOrThrow();

    // … 127.0.0.1 when the worker delivers (with no allow-list, as in production). The connect path
    // is the real one behind a spy: were the check to fail open, trap1 (ours) would see the connection.
    const atDelivery = resolverSeq(['127.0.0.1']);
    const send = vi.fn<WebhookSender>(sendPinned);
    const net = webhookNetwork({ resolve: atDelivery, send });
    await expect(deliverWebhook(t.ctx.db, d.alert_event_id, sub.id, { isLast: false, timeoutMs: 2000 }, net)).rejects.toThrow(/WEBHOOK_URL_FORBIDDEN/);
    const afterFirst = await t.ctx.db.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', sub.id).executeTakeFirstOrThrow();
    expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null });
    expect(afterFirst.last_error).toBe(
      'WEBHOOK_URL_FORBIDDEN: url resolves to a loopback address; webhooks may reach only public addresses unless BIOMON_WEBHOOK_ALLOW_PRIVATE lists the host',
    );

    await expect(deliverWebhook(t.ctx.db, d.alert_event_id, sub.id, { isLast: true, timeoutMs: 2000 }, net)).rejects.toThrow(/WEBHOOK_URL_FORBIDDEN/);
    const dead = (await app.inject({ method: 'GET', url: `/v1/webhooks/${sub.id}/dead-letters`, headers: admin })).json().deadLetters;
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ attempts: 2, lastStatusCode: null, lastError: afterFirst.last_error, payload: { type: 'alert.opened' } });
    expect((await t.ctx.db.selectFrom('webhook_deliveries').select('status').where('subscription_id', '=', sub.id).executeTakeFirstOrThrow()).status).toBe(
      'dead',
    );

    expect(atDelivery.asked).toEqual(['rebind.example.org', 'rebind.example.org']); // resolved again at every try
    expect(send).not.toHaveBeenCalled();
    expect(trap1.connections).toBe(0);
    expect(dnsGuard.names).toEqual([]);
    await removeSubscription(t.ctx.db, sub.id, ADMIN);
  });

  it('connects to the checked address only: the name is not looked up again, Host keeps the name', async () => {
    const resolve = resolverSeq(['127.0.0.1'], ['10.9.9.9']); // a second lookup would answer an address that is refused
    const net = webhookNetwork({ allowPrivate: ['127.0.0.1'], resolve });
    const sub = await createSubscription(
      t.ctx.db,
      { url: `http://pinned.example.org:${receiver.port}/pinned`, secret: SECRET },
      ADMIN,
      webhookNetwork({ allowPrivate: ['127.0.0.1'], resolve: resolverSeq(['127.0.0.1']) }),
    );
    const r = await testSubscription(t.ctx.db, sub.id, 3000, ADMIN, net);
    expect(r).toMatchObject({ delivered: true, statusCode: 200, errorCode: null, error: null });
    expect(resolve.asked).toEqual(['pinned.example.org']);
    const [got] = receiver.at('/pinned');
    expect(got.headers.host).toBe(`pinned.example.org:${receiver.port}`);
    expect(dnsGuard.names).toEqual([]); // node:http did not look the name up itself
    await removeSubscription(t.ctx.db, sub.id, ADMIN);
  });

  it('the worker refuses a stored subscription whose target is forbidden: failed tries, then a dead letter, never a connection', async () => {
    // subscriptions stored before this check existed, or while an allow-list entry did
    const rows = await t.ctx.db
      .insertInto('webhook_subscriptions')
      .values([
        { url: trap2.url('/w'), secret: SECRET, events: ['opened'] },
        { url: trap2.url('/w6', '::ffff:127.0.0.2'), secret: SECRET, events: ['opened'] },
      ])
      .returning('id')
      .execute();
    const allowed = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: { url: receiver.url('/worker-ok'), secret: SECRET } });
    expect(allowed.statusCode).toBe(201);
    worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
    await storeRecords(t, [record('ssrf-worker-1', 'Ambrosia artemisiifolia', 123.1, 43.2)]);
    for (const { id } of rows) {
      const dead = await waitFor(`the dead letter of ${id}`, async () => {
        const r = (await app.inject({ method: 'GET', url: `/v1/webhooks/${id}/dead-letters`, headers: admin })).json().deadLetters;
        return r.length ? r : null;
      });
      expect(dead[0]).toMatchObject({
        attempts: 2,
        lastStatusCode: null,
        lastError: expect.stringMatching(/^WEBHOOK_URL_FORBIDDEN: url is a loopback address/),
      });
    }
    await waitFor('the allowed delivery', async () => receiver.at('/worker-ok').length > 0);
    expect(trap2.connections).toBe(0);
    expect(dnsGuard.names).toEqual([]);
    for (const { id } of rows) await removeSubscription(t.ctx.db, id, ADMIN);
    await removeSubscription(t.ctx.db, allowed.json().id, ADMIN);
  });
});

describe('POST /v1/webhooks/{id}/test', () => {
  const NO_INTERNALS = /ECONN|EAI_|ENOTFOUND|errno|syscall|getaddrinfo|connect |127\.0\.0\.|::ffff|10\.9\.|\n\s+at |stack/i;

  it("answers a stable code and a generic reason, never the failing connection's internals", async () => {
    // a loopback port we own and nobody listens on: connection refused
    const closed = new TrapServer('127.0.0.1');
    await closed.start();
    const closedPort = closed.port;
    await closed.stop();
    const sub = await app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: admin,
      payload: { url: `http://127.0.0.1:${closedPort}/gone`, secret: SECRET },
    });
    expect(sub.statusCode).toBe(201);
    const res = await app.inject({ method: 'POST', url: `/v1/webhooks/${sub.json().id}/test`, headers: admin });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      delivered: false,
      statusCode: null,
      errorCode: 'WEBHOOK_CONNECT_FAILED',
      error: 'the receiver could not be reached',
      durationMs: expect.any(Number),
      idempotencyKey: expect.stringMatching(/^test:/),
    });
    expect(res.body).not.toMatch(NO_INTERNALS);

    // a receiver that does not answer in time (service call with a short timeout)
    receiver.on('/slow-test', () => ({ status: 200, delayMs: 1500 }));
    const slow = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: { url: receiver.url('/slow-test'), secret: SECRET } });
    const timedOut = await testSubscription(t.ctx.db, slow.json().id, 200, ADMIN, webhookNetwork({ allowPrivate: ['127.0.0.1'] }));
    expect(timedOut).toMatchObject({ delivered: false, statusCode: null, errorCode: 'WEBHOOK_TIMEOUT', error: 'no answer within 200 ms' });

    // a name that no longer resolves: the resolver's message stays out of the answer
    const gone: WebhookResolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND gone.example.org'), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'gone.example.org' });
    };
    const named = await createSubscription(
      t.ctx.db,
      { url: 'https://gone.example.org/x', secret: SECRET },
      ADMIN,
      webhookNetwork({ resolve: resolverSeq([PUBLIC]) }),
    );
    const unresolvable = await testSubscription(t.ctx.db, named.id, 1000, ADMIN, webhookNetwork({ resolve: gone }));
    expect(unresolvable).toMatchObject({ delivered: false, errorCode: 'WEBHOOK_URL_UNRESOLVABLE', error: 'the host name of the url could not be resolved' });
    expect(JSON.stringify(unresolvable)).not.toMatch(NO_INTERNALS);

    // a stored target that is forbidden now: refused, not contacted
    const [stored] = await t.ctx.db
      .insertInto('webhook_subscriptions')
      .values({ url: trap2.url('/t'), secret: SECRET })
      .returning('id')
      .execute();
    const refused = await app.inject({ method: 'POST', url: `/v1/webhooks/${stored.id}/test`, headers: admin });
    expect(refused.json()).toMatchObject({ delivered: false, statusCode: null, errorCode: 'WEBHOOK_URL_FORBIDDEN' });
    expect(refused.body).not.toMatch(NO_INTERNALS);
    expect(trap2.connections).toBe(0);
    expect(dnsGuard.names).toEqual([]);
    for (const id of [sub.json().id, slow.json().id, named.id, stored.id]) await removeSubscription(t.ctx.db, id, ADMIN);
  });
});
