import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { loadConfig } from '@biomon/config';
import { LOG_REDACT_PATHS } from '@biomon/core';
import { runSeeds } from '@biomon/seed';
import { QUEUES } from '@biomon/queue';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';
import { WebhookReceiver, alertRows, record, storeRecords, waitFor, type ReceivedRequest } from '../support/alerts';

// Webhook delivery against a real receiving HTTP server on loopback: HMAC-SHA256 signatures,
// retries with exponential backoff through bullmq, the dead-letter list, sensitive alerts only
// to privileged subscriptions, the test endpoint, and at-least-once delivery across a worker
// restart with an idempotency key the receiver dedupes by.

let t: TestContext;
let app: FastifyInstance;
let worker: RunningWorker;
let admin: { authorization: string };
const receiver = new WebhookReceiver();
const BACKOFF_MS = 200;
const silent = pino({ level: 'silent' });

beforeAll(async () => {
  // small delays for the test: 3 tries, 200 ms then 400 ms apart; a lost worker's job is retried after ~1 s.
  // The receiver is on loopback, which webhooks may reach only when BIOMON_WEBHOOK_ALLOW_PRIVATE lists it:
  // this file lists 127.0.0.1 (and nothing else) for its own receiver.
  t = await createTestContext({
    alerts: { ...loadConfig().alerts, webhookAttempts: 3, webhookBackoffMs: BACKOFF_MS, webhookTimeoutMs: 8000, webhookAllowPrivate: ['127.0.0.1'] },
    jobLockMs: 1000,
  });
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  await app.ready();
  admin = await authAs(t, 'admin');
  await receiver.start();
  worker = startWorker(t.ctx, silent, { relayIntervalMs: 50 });
});
afterAll(async () => {
  await worker.stop();
  await receiver.stop();
  await app.close();
  await t.close();
});

const SECRET = 'whsec-0123456789-abcdef';
async function subscribe(p: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: { url: receiver.url(p), secret: SECRET, ...extra } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}
const unsubscribe = async (id: string) => expect((await app.inject({ method: 'DELETE', url: `/v1/webhooks/${id}`, headers: admin })).statusCode).toBe(204);
const signed = (r: ReceivedRequest) => r.headers['x-biomon-signature'] === `sha256=${createHmac('sha256', SECRET).update(r.raw).digest('hex')}`;
const body = (r: ReceivedRequest) => JSON.parse(r.raw) as { id: string; type: string; alert: { id: number; rule: string; privileged: boolean } | null };
const delivery = (subscriptionId: string) => t.ctx.db.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', subscriptionId).execute();
let n = 0;
/** An invasive species in a cell of its own: one new alert (through the outbox and the worker). */
const invasive = async () => {
  n++;
  return storeRecords(t, [record(`wh-inv-${n}`, 'Ambrosia artemisiifolia', 122.0 + n * 0.3, 44.5)]);
};

describe('webhook subscriptions', () => {
  it('are admin-only, validated, and show their secret once', async () => {
    const surveyor = await authAs(t, 'surveyor');
    expect((await app.inject({ method: 'POST', url: '/v1/webhooks', headers: surveyor, payload: { url: receiver.url('/x') } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: { url: 'ftp://example.org/x' } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: { url: receiver.url('/x'), secret: 'short' } })).statusCode).toBe(
      400,
    );
    expect((await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: { url: receiver.url('/x'), rules: ['nope'] } })).statusCode).toBe(
      400,
    );
    const created = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: admin, payload: { url: receiver.url('/generated') } });
    expect(created.statusCode).toBe(201);
    expect(created.json().secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const list = await app.inject({ method: 'GET', url: '/v1/webhooks', headers: admin });
    expect(list.json().webhooks.map((w: { url: string }) => w.url)).toContain(receiver.url('/generated'));
    expect(list.body).not.toContain(created.json().secret);
    expect(list.body).not.toMatch(/"secret"/);
    await unsubscribe(created.json().id);
    expect((await app.inject({ method: 'GET', url: '/v1/webhooks', headers: admin })).json().webhooks).toEqual([]);
  });

  it('never logs a secret: the logger redacts it wherever a subscription or a request body carries it', () => {
    const lines: string[] = [];
    const log = pino({ level: 'info', redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } }, { write: (l: string) => void lines.push(l) });
    log.info({ subscription: { url: receiver.url('/x'), secret: SECRET } }, 'created');
    log.info({ body: { url: receiver.url('/x'), secret: SECRET } }, 'request');
    log.info({ secret: SECRET }, 'bare');
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).not.toContain(SECRET);
  });
});

describe('delivery', () => {
  it('signs the raw body with HMAC-SHA256, sends the idempotency key, and keeps sensitive alerts to privileged subscriptions', async () => {
    const privileged = await subscribe('/ok', { includeSensitive: true });
    const plain = await subscribe('/plain');
    await invasive();
    const [got] = await waitFor('the delivery to /ok', async () => (receiver.at('/ok').length ? receiver.at('/ok') : null));
    expect(signed(got)).toBe(true);
    const b = body(got);
    const ev = await t.ctx.db.selectFrom('alert_events').select('id').where('kind', '=', 'opened').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(got.headers['x-biomon-delivery']).toBe(`${ev.id}:${privileged}`);
    expect(got.headers['idempotency-key']).toBe(`${ev.id}:${privileged}`);
    expect(b).toMatchObject({ id: `${ev.id}:${privileged}`, type: 'alert.opened', alert: { rule: 'invasive_new_cell' } });
    expect(Math.abs(Number(got.headers['x-biomon-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(got.headers['x-biomon-event']).toBe('alert.opened');
    const plainGot = await waitFor('the delivery to /plain', async () => receiver.at('/plain')[0]);
    expect(signed(plainGot)).toBe(true);
    expect(body(plainGot).alert!.rule).toBe('invasive_new_cell');

    // a tiger camera-trap detection: delivered to the privileged subscription only
    await storeRecords(t, [record('wh-tiger-1', 'Panthera tigris altaica', 130.78, 42.95, { basisOfRecord: 'MachineObservation' })]);
    const tiger = await waitFor('the sensitive delivery', async () => receiver.at('/ok').find((r) => body(r).alert?.rule === 'sensitive_detection'));
    expect(body(tiger).alert!.privileged).toBe(true);
    expect(signed(tiger)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.at('/plain').map((r) => body(r).alert!.rule)).toEqual(['invasive_new_cell']);
    expect((await delivery(plain)).length).toBe(1);
    expect((await delivery(privileged)).map((d) => d.status)).toEqual(['delivered', 'delivered']);
    await unsubscribe(privileged);
    await unsubscribe(plain);
  });

  it('the test endpoint sends a signed ping now and reports the answer', async () => {
    const id = await subscribe('/ping');
    const res = await app.inject({ method: 'POST', url: `/v1/webhooks/${id}/test`, headers: admin });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ delivered: true, statusCode: 200, idempotencyKey: expect.stringMatching(/^test:/) });
    const [ping] = receiver.at('/ping');
    expect(signed(ping)).toBe(true);
    expect(body(ping)).toMatchObject({ type: 'ping', alert: null });
    receiver.on('/ping-down', () => ({ status: 500 }));
    const down = await subscribe('/ping-down');
    expect((await app.inject({ method: 'POST', url: `/v1/webhooks/${down}/test`, headers: admin })).json()).toMatchObject({
      delivered: false,
      statusCode: 500,
    });
    await unsubscribe(id);
    await unsubscribe(down);
  });

  it('retries a failing receiver with exponential backoff: fails twice, then succeeds, with the same key and body', async () => {
    receiver.on('/flaky', (k) => ({ status: k <= 2 ? 503 : 200 }));
    const id = await subscribe('/flaky');
    await invasive();
    await waitFor('the delivered flaky delivery', async () => (await delivery(id))[0]?.status === 'delivered');
    const reqs = receiver.at('/flaky');
    expect(reqs).toHaveLength(3);
    expect(new Set(reqs.map((r) => r.headers['x-biomon-delivery'])).size).toBe(1);
    expect(new Set(reqs.map((r) => r.raw)).size).toBe(1);
    expect(reqs.every(signed)).toBe(true);
    const gap1 = reqs[1].at - reqs[0].at;
    const gap2 = reqs[2].at - reqs[1].at;
    expect(gap1).toBeGreaterThanOrEqual(BACKOFF_MS * 0.9);
    expect(gap2).toBeGreaterThanOrEqual(BACKOFF_MS * 2 * 0.9);
    expect((await delivery(id))[0]).toMatchObject({ attempts: 3, last_status_code: 200 });
    expect((await app.inject({ method: 'GET', url: `/v1/webhooks/${id}/dead-letters`, headers: admin })).json().deadLetters).toEqual([]);
    await unsubscribe(id);
  });

  it('puts a delivery on the dead-letter list after its last try', async () => {
    receiver.on('/down', () => ({ status: 500 }));
    const id = await subscribe('/down');
    await invasive();
    const dead = await waitFor('the dead letter', async () => {
      const r = (await app.inject({ method: 'GET', url: `/v1/webhooks/${id}/dead-letters`, headers: admin })).json().deadLetters;
      return r.length ? r : null;
    });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      attempts: 3,
      lastStatusCode: 500,
      lastError: 'HTTP 500',
      payload: { type: 'alert.opened', alert: { rule: 'invasive_new_cell' } },
    });
    expect(receiver.at('/down')).toHaveLength(3);
    expect(receiver.at('/down').every((r) => r.headers['x-biomon-delivery'] === dead[0].idempotencyKey)).toBe(true);
    expect((await delivery(id))[0]).toMatchObject({ status: 'dead', attempts: 3 });
    await new Promise((r) => setTimeout(r, BACKOFF_MS * 5));
    expect(receiver.at('/down')).toHaveLength(3);
    await unsubscribe(id);
  });
});

describe('worker restart', () => {
  it('does not duplicate alerts or deliveries beyond at-least-once: the receiver dedupes by the idempotency key', async () => {
    // the receiver holds its first answer for 6 s: the worker is stopped hard while it waits
    receiver.on('/slow', (k) => ({ status: 200, delayMs: k === 1 ? 6000 : 0 }));
    const id = await subscribe('/slow');
    const ids = await invasive();
    await waitFor('the first (held) delivery', async () => receiver.at('/slow').length > 0);
    const alertsBefore = (await alertRows(t)).length;
    const eventsBefore = (await t.ctx.db.selectFrom('alert_events').select('id').execute()).length;

    // a crash: the workers close without finishing their active jobs (their locks lapse)
    await Promise.all(worker.workers.map((w) => w.close(true)));
    await worker.stop();
    worker = startWorker(t.ctx, silent, { relayIntervalMs: 50 });
    await waitFor('the delivery to be recorded', async () => (await delivery(id))[0]?.status === 'delivered', 20_000);
    // the outbox message of the same records delivered again (at-least-once): evaluated again
    const q = t.ctx.queues.get(QUEUES.alerts)!;
    const again = await q.add('evaluate', { trigger: 'occurrences', occurrenceIds: ids }, { jobId: `redelivered-${ids[0]}` });
    await waitFor('the re-evaluation', async () => (await again.isCompleted()) || null);
    await new Promise((r) => setTimeout(r, 500));

    const reqs = receiver.at('/slow');
    // sent again by the new worker while the first try was still held: at least once, here twice
    expect(reqs.length).toBeGreaterThanOrEqual(2);
    expect(reqs.every(signed)).toBe(true);
    // every request carries the one key and the same bytes: a receiver processes each key once
    const keys = new Set(reqs.map((r) => r.headers['x-biomon-delivery']));
    expect(keys.size).toBe(1);
    expect(new Set(reqs.map((r) => r.raw)).size).toBe(1);
    const processed = new Map<string, unknown>();
    for (const r of reqs) if (!processed.has(body(r).id)) processed.set(body(r).id, body(r).alert);
    expect(processed.size).toBe(1);
    // nothing was duplicated in the database
    expect((await alertRows(t)).length).toBe(alertsBefore);
    expect((await t.ctx.db.selectFrom('alert_events').select('id').execute()).length).toBe(eventsBefore);
    expect(await delivery(id)).toHaveLength(1);
    await unsubscribe(id);
  });
});
