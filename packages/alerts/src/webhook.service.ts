import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Db, DbOrTx } from '@biomon/db';
import { withTx } from '@biomon/db';
import { AppError, type FieldError } from '@biomon/core';
import { writeAudit, type AuditActor } from '@biomon/auth';
import type { Queue } from 'bullmq';
import { RULE_CODES, SEVERITIES } from './rules';
import {
  DELIVER_JOB, deleteSubscription, deliveryJobId, deliveryKey, insertDeadLetter, insertSubscription, listDeadLetters, listSubscriptions,
  findLiveSubscription, markDelivery, pendingDeliveriesOfEvent, readDelivery, recordAttempt, stalePendingDeliveries,
  type DeadLetterOut, type SubscriptionOut,
} from './webhook.repository';

export const SIGNATURE_HEADER = 'x-biomon-signature';
export const DELIVERY_HEADER = 'x-biomon-delivery';
export const TIMESTAMP_HEADER = 'x-biomon-timestamp';
export const EVENT_HEADER = 'x-biomon-event';
export const WEBHOOK_EVENTS = ['opened', 'updated', 'acknowledged', 'resolved'] as const;

/** `sha256=<hex HMAC-SHA256 of the raw body, keyed with the subscription secret>`. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export interface WebhookRetryOptions {
  attempts: number;
  backoffMs: number;
  timeoutMs: number;
}

/** The body of a delivery: the same bytes on every try, so a receiver may compare or dedupe. */
export function deliveryBody(key: string, kind: string, at: Date, snapshot: Record<string, unknown>): string {
  return JSON.stringify({ id: key, type: `alert.${kind}`, createdAt: at.toISOString(), alert: snapshot });
}

export interface PostResult { delivered: boolean; statusCode: number | null; error: string | null; durationMs: number }

/** One signed POST; 2xx is delivered, anything else (3xx included: redirects are not followed) is a failure. */
export async function postSigned(url: string, secret: string, key: string, eventType: string, body: string, timeoutMs: number): Promise<PostResult> {
  const t0 = Date.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'biomon-webhooks/1',
        [SIGNATURE_HEADER]: signBody(secret, body),
        [TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)),
        [DELIVERY_HEADER]: key,
        'idempotency-key': key,
        [EVENT_HEADER]: eventType,
      },
      body,
    });
    await res.arrayBuffer().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return { delivered: ok, statusCode: res.status, error: ok ? null : `HTTP ${res.status}`, durationMs: Date.now() - t0 };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const msg = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`;
    return { delivered: false, statusCode: null, error: msg.slice(0, 500), durationMs: Date.now() - t0 };
  }
}

/** Adds one delivery job per pending delivery of the event; the job id dedupes while the job exists. */
export async function fanOutEvent(db: DbOrTx, queue: Queue, alertEventId: number, retry: WebhookRetryOptions): Promise<number> {
  const pending = await pendingDeliveriesOfEvent(db, alertEventId);
  await enqueueDeliveries(queue, pending, retry);
  return pending.length;
}

/** Re-adds deliveries still pending long after creation (their job was lost, e.g. with Redis data). */
export async function sweepPendingDeliveries(db: DbOrTx, queue: Queue, retry: WebhookRetryOptions): Promise<number> {
  // a delivery may legitimately wait through its whole backoff; only older ones are suspect
  const horizon = retry.backoffMs * 2 ** Math.min(retry.attempts, 20) + retry.timeoutMs * retry.attempts + 60_000;
  const stale = await stalePendingDeliveries(db, horizon);
  await enqueueDeliveries(queue, stale, retry);
  return stale.length;
}

async function enqueueDeliveries(queue: Queue, items: { alertEventId: number; subscriptionId: string }[], retry: WebhookRetryOptions): Promise<void> {
  if (!items.length) return;
  await queue.addBulk(items.map((d) => ({
    name: DELIVER_JOB,
    data: { alertEventId: d.alertEventId, subscriptionId: d.subscriptionId },
    opts: {
      jobId: deliveryJobId(d.alertEventId, d.subscriptionId),
      attempts: retry.attempts,
      backoff: { type: 'exponential', delay: retry.backoffMs },
      removeOnComplete: { age: 7 * 24 * 3600, count: 10000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  })));
}

export type DeliveryOutcome = 'delivered' | 'already-delivered' | 'cancelled' | 'missing' | 'dead';

/**
 * One try of a delivery (the worker's job). Re-reads the delivery: one already delivered is not
 * sent again (a redelivered job after a restart), one of a deleted subscription is cancelled.
 * A failure throws, so bullmq retries with exponential backoff; on the last try the delivery goes
 * to the dead letters first. At-least-once: a worker that dies between the receiver's 2xx and
 * the database update sends again, with the same idempotency key and the same body.
 */
export async function deliverWebhook(db: Db, alertEventId: number, subscriptionId: string, attempt: { isLast: boolean; timeoutMs: number }): Promise<DeliveryOutcome> {
  const d = await readDelivery(db, alertEventId, subscriptionId);
  if (!d) return 'missing';
  if (d.status === 'delivered') return 'already-delivered';
  if (d.status === 'dead') return 'dead';
  if (d.status === 'cancelled') return 'cancelled';
  if (d.deleted) {
    await markDelivery(db, alertEventId, subscriptionId, 'cancelled');
    return 'cancelled';
  }
  const key = deliveryKey(alertEventId, subscriptionId);
  const body = deliveryBody(key, d.kind, d.at, d.snapshot);
  const r = await postSigned(d.url, d.secret, key, `alert.${d.kind}`, body, attempt.timeoutMs);
  if (r.delivered) {
    await recordAttempt(db, alertEventId, subscriptionId, { statusCode: r.statusCode, error: null, delivered: true });
    return 'delivered';
  }
  await withTx(db, async (tx) => {
    await recordAttempt(tx, alertEventId, subscriptionId, { statusCode: r.statusCode, error: r.error, delivered: false });
    if (attempt.isLast) {
      await insertDeadLetter(tx, { alertEventId, subscriptionId, key, payload: JSON.parse(body), attempts: d.attempts + 1, statusCode: r.statusCode, error: r.error });
      await markDelivery(tx, alertEventId, subscriptionId, 'dead');
    }
  });
  throw new Error(`webhook delivery ${key} failed: ${r.error}`);
}

// ---- subscriptions (admin) -------------------------------------------------------------------------

export interface SubscriptionInput {
  url: string;
  secret?: string;
  description?: string;
  includeSensitive?: boolean;
  rules?: string[] | null;
  minSeverity?: string;
  events?: string[];
}

const invalid = (errors: FieldError[]) => new AppError('VALIDATION_FAILED', errors.map((e) => e.message).join('; '), { errors });

/**
 * Creates a subscription. The secret (given, ≥ 16 characters, or generated) is in the answer this
 * once; it is stored as given, because signing needs it, and never shown or logged again.
 */
export async function createSubscription(db: Db, input: SubscriptionInput, actor: AuditActor & { tokenId: string | null }): Promise<SubscriptionOut & { secret: string }> {
  const errors: FieldError[] = [];
  let url: URL | null = null;
  try {
    url = new URL(input.url);
  } catch { /* below */ }
  if (!url || !['http:', 'https:'].includes(url.protocol)) errors.push({ field: 'url', code: 'URL_INVALID', message: 'url must be an absolute http or https URL' });
  else if (url.username || url.password) errors.push({ field: 'url', code: 'URL_INVALID', message: 'url must not carry credentials; the signature authenticates biomon' });
  if (input.secret !== undefined && input.secret.length < 16) errors.push({ field: 'secret', code: 'SECRET_TOO_SHORT', message: 'secret must have at least 16 characters' });
  for (const [i, r] of (input.rules ?? []).entries()) {
    if (!(RULE_CODES as readonly string[]).includes(r)) errors.push({ field: `rules[${i}]`, code: 'RULE_UNKNOWN', message: `unknown rule ${r}; known: ${RULE_CODES.join(', ')}` });
  }
  if (input.minSeverity !== undefined && !(SEVERITIES as readonly string[]).includes(input.minSeverity)) errors.push({ field: 'minSeverity', code: 'SEVERITY_UNKNOWN', message: `minSeverity is one of ${SEVERITIES.join(', ')}` });
  for (const [i, e] of (input.events ?? []).entries()) {
    if (!(WEBHOOK_EVENTS as readonly string[]).includes(e)) errors.push({ field: `events[${i}]`, code: 'EVENT_UNKNOWN', message: `events are ${WEBHOOK_EVENTS.join(', ')}` });
  }
  if (errors.length) throw invalid(errors);
  const secret = input.secret ?? randomBytes(32).toString('base64url');
  return withTx(db, async (tx) => {
    const id = await insertSubscription(tx, {
      url: url!.toString(), secret, description: input.description ?? '', includeSensitive: input.includeSensitive ?? false,
      rules: input.rules?.length ? [...new Set(input.rules)] : null, minSeverity: input.minSeverity ?? 'info',
      events: input.events?.length ? [...new Set(input.events)] : ['opened'], createdBy: actor.tokenId,
    });
    // the audit names the subscription, never the secret
    await writeAudit(tx, actor, { action: 'webhooks.create', entity: 'webhook_subscription', entityIds: [id], route: 'POST /v1/webhooks', summary: { url: url!.origin, includeSensitive: input.includeSensitive ?? false, rules: input.rules ?? null } });
    const [out] = await listSubscriptions(tx, id);
    return { ...out, secret };
  });
}

export async function readSubscriptions(db: DbOrTx): Promise<SubscriptionOut[]> {
  return listSubscriptions(db);
}

export async function removeSubscription(db: Db, id: string, actor: AuditActor & { tokenId: string | null }): Promise<void> {
  await withTx(db, async (tx) => {
    if (!(await deleteSubscription(tx, id))) throw new AppError('NOT_FOUND', `No webhook subscription ${id}`);
    await writeAudit(tx, actor, { action: 'webhooks.delete', entity: 'webhook_subscription', entityIds: [id], route: 'DELETE /v1/webhooks/{id}' });
  });
}

export async function readDeadLetters(db: DbOrTx, id: string, limit: number): Promise<DeadLetterOut[]> {
  const exists = await db.selectFrom('webhook_subscriptions').select('id').where('id', '=', id).executeTakeFirst();
  if (!exists) throw new AppError('NOT_FOUND', `No webhook subscription ${id}`);
  return listDeadLetters(db, id, limit);
}

/**
 * POST /v1/webhooks/{id}/test: one signed `ping` now, answered with what the receiver said. Not
 * retried and not stored as a delivery; its key starts with `test:`.
 */
export async function testSubscription(db: Db, id: string, timeoutMs: number, actor: AuditActor & { tokenId: string | null }): Promise<PostResult & { idempotencyKey: string }> {
  const sub = await findLiveSubscription(db, id);
  if (!sub) throw new AppError('NOT_FOUND', `No webhook subscription ${id}`);
  const key = `test:${randomUUID()}`;
  const body = JSON.stringify({ id: key, type: 'ping', createdAt: new Date().toISOString(), alert: null, message: 'biomon webhook test (测试消息)' });
  const r = await postSigned(sub.url, sub.secret, key, 'ping', body, timeoutMs);
  await writeAudit(db, actor, { action: 'webhooks.test', entity: 'webhook_subscription', entityIds: [id], route: 'POST /v1/webhooks/{id}/test', summary: { delivered: r.delivered, statusCode: r.statusCode } });
  return { ...r, idempotencyKey: key };
}
