import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Db, DbOrTx } from '@biomon/db';
import { withTx } from '@biomon/db';
import { AppError, type FieldError } from '@biomon/core';
import { writeAudit, type Actor } from '@biomon/auth';
import type { JobQueue } from '@biomon/queue';
import { RULE_CODES, SEVERITIES, type Severity } from './rules';
import {
  checkWebhookTarget,
  describeSendFailure,
  parseWebhookUrl,
  webhookNetwork,
  WebhookTargetError,
  type WebhookErrorCode,
  type WebhookNetwork,
  type WebhookTarget,
} from './webhook-target';
import {
  DELIVER_JOB,
  deleteSubscription,
  deliveryJobId,
  deliveryKey,
  insertDeadLetter,
  insertSubscription,
  listDeadLetters,
  listSubscriptions,
  findLiveSubscription,
  markDelivery,
  pendingDeliveriesOfEvent,
  readDelivery,
  recordAttempt,
  stalePendingDeliveries,
  subscriptionExists,
  type DeadLetterOut,
  type SubscriptionOut,
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

/**
 * The outcome of one try. `error` is a short generic reason and `errorCode` a stable code
 * (WEBHOOK_URL_FORBIDDEN, WEBHOOK_URL_UNRESOLVABLE, WEBHOOK_TIMEOUT, WEBHOOK_CONNECT_FAILED,
 * WEBHOOK_TLS_FAILED, WEBHOOK_HTTP_STATUS): never an errno, a syscall, an address or a stack.
 * `internal` holds those for the worker's log and is never part of an answer.
 */
export interface PostResult {
  delivered: boolean;
  statusCode: number | null;
  error: string | null;
  errorCode: WebhookErrorCode | null;
  durationMs: number;
  /** true when the target was refused before any connection was attempted */
  refused: boolean;
  internal?: string;
}

/**
 * One signed POST; 2xx is delivered, anything else (3xx included: redirects are not followed) is
 * a failure. The URL is checked first (resolved now, every address public or allowed) and the
 * request connects to the checked address only; a refused target is never connected to.
 * `net` is the allow-list, the resolver and the connect path (`webhookNetwork()`; tests inject fakes).
 */
export async function postSigned(
  url: string,
  secret: string,
  key: string,
  eventType: string,
  body: string,
  timeoutMs: number,
  net: WebhookNetwork,
): Promise<PostResult> {
  const t0 = Date.now();
  const failed = (e: WebhookTargetError, refused: boolean): PostResult => ({
    delivered: false,
    statusCode: null,
    error: e.message.slice(0, 500),
    errorCode: e.code,
    durationMs: Date.now() - t0,
    refused,
    internal: e.internal,
  });
  let target: WebhookTarget;
  try {
    target = await checkWebhookTarget(url, net, timeoutMs);
  } catch (err) {
    if (err instanceof WebhookTargetError) return failed(err, true);
    throw err;
  }
  try {
    // one budget for the lookup and the exchange, so a try never takes longer than timeoutMs
    const res = await net.send(target, {
      timeoutMs: Math.max(1, timeoutMs - (Date.now() - t0)),
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
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    return {
      delivered: ok,
      statusCode: res.statusCode,
      error: ok ? null : `HTTP ${res.statusCode}`,
      errorCode: ok ? null : 'WEBHOOK_HTTP_STATUS',
      durationMs: Date.now() - t0,
      refused: false,
    };
  } catch (err) {
    return failed(describeSendFailure(err, timeoutMs), false);
  }
}

/** What a failed try stores (last_error, the dead letter): the stable code and the generic reason. */
const storedError = (r: PostResult): string | null =>
  r.error === null ? null : r.errorCode && r.errorCode !== 'WEBHOOK_HTTP_STATUS' ? `${r.errorCode}: ${r.error}` : r.error;

/** Adds one delivery job per pending delivery of the event; the job id dedupes while the job exists. */
export async function fanOutEvent(db: DbOrTx, queue: JobQueue<'webhooks'>, alertEventId: number, retry: WebhookRetryOptions): Promise<number> {
  const pending = await pendingDeliveriesOfEvent(db, alertEventId);
  await enqueueDeliveries(queue, pending, retry);
  return pending.length;
}

/** Re-adds deliveries still pending long after creation (their job was lost, e.g. with Redis data). */
export async function sweepPendingDeliveries(db: DbOrTx, queue: JobQueue<'webhooks'>, retry: WebhookRetryOptions): Promise<number> {
  // a delivery may legitimately wait through its whole backoff; only older ones are suspect
  const horizon = retry.backoffMs * 2 ** Math.min(retry.attempts, 20) + retry.timeoutMs * retry.attempts + 60_000;
  const stale = await stalePendingDeliveries(db, horizon);
  await enqueueDeliveries(queue, stale, retry);
  return stale.length;
}

async function enqueueDeliveries(
  queue: JobQueue<'webhooks'>,
  items: { alertEventId: number; subscriptionId: string }[],
  retry: WebhookRetryOptions,
): Promise<void> {
  if (!items.length) return;
  await queue.addBulk(
    items.map((d) => ({
      name: DELIVER_JOB,
      data: { alertEventId: d.alertEventId, subscriptionId: d.subscriptionId },
      opts: {
        jobId: deliveryJobId(d.alertEventId, d.subscriptionId),
        attempts: retry.attempts,
        backoff: { type: 'exponential', delay: retry.backoffMs },
        removeOnComplete: { age: 7 * 24 * 3600, count: 10000 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    })),
  );
}

export type DeliveryOutcome = 'delivered' | 'already-delivered' | 'cancelled' | 'missing' | 'dead';

/**
 * One try of a delivery (the worker's job). Re-reads the delivery: one already delivered is not
 * sent again (a redelivered job after a restart), one of a deleted subscription is cancelled.
 * A failure throws, so bullmq retries with exponential backoff; on the last try the delivery goes
 * to the dead letters first. At-least-once: a worker that dies between the receiver's 2xx and
 * the database update sends again, with the same idempotency key and the same body.
 * The URL is resolved and checked again on every try (a DNS answer that changed since creation,
 * DNS rebinding, is caught here); a refused target is recorded as a failed try, without any
 * connection, and after the last try it is a dead letter whose error says why.
 */
export async function deliverWebhook(
  db: Db,
  alertEventId: number,
  subscriptionId: string,
  attempt: { isLast: boolean; timeoutMs: number },
  net: WebhookNetwork = webhookNetwork(),
): Promise<DeliveryOutcome> {
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
  const r = await postSigned(d.url, d.secret, key, `alert.${d.kind}`, body, attempt.timeoutMs, net);
  if (r.delivered) {
    await recordAttempt(db, alertEventId, subscriptionId, { statusCode: r.statusCode, error: null, delivered: true });
    return 'delivered';
  }
  const error = storedError(r);
  await withTx(db, async (tx) => {
    await recordAttempt(tx, alertEventId, subscriptionId, { statusCode: r.statusCode, error, delivered: false });
    if (attempt.isLast) {
      await insertDeadLetter(tx, { alertEventId, subscriptionId, key, payload: JSON.parse(body), attempts: d.attempts + 1, statusCode: r.statusCode, error });
      await markDelivery(tx, alertEventId, subscriptionId, 'dead');
    }
  });
  // the worker logs this error (and bullmq keeps it in Redis): the internal detail may go there
  throw Object.assign(new Error(`webhook delivery ${key} failed: ${error}`), { code: r.errorCode, refused: r.refused, detail: r.internal });
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
 * The URL's host must be, and resolve only to, public addresses (or ones BIOMON_WEBHOOK_ALLOW_PRIVATE
 * lists): 422 with `details.errors[0] = { field: 'url', code: 'WEBHOOK_URL_FORBIDDEN' | 'WEBHOOK_URL_UNRESOLVABLE', reason }`.
 * The name is looked up only after every other field has passed, so a refused request costs no lookup.
 */
export async function createSubscription(
  db: Db,
  input: SubscriptionInput,
  actor: Pick<Actor, 'tokenId' | 'role' | 'label'>,
  net: WebhookNetwork = webhookNetwork(),
  timeoutMs = 10_000,
): Promise<SubscriptionOut & { secret: string }> {
  const errors: FieldError[] = [];
  let url: URL | null = null;
  try {
    url = parseWebhookUrl(input.url).url;
  } catch (err) {
    if (!(err instanceof WebhookTargetError)) throw err;
    errors.push({ field: 'url', code: 'URL_INVALID', message: err.message });
  }
  if (input.secret !== undefined && input.secret.length < 16)
    errors.push({ field: 'secret', code: 'SECRET_TOO_SHORT', message: 'secret must have at least 16 characters' });
  for (const [i, r] of (input.rules ?? []).entries()) {
    if (!(RULE_CODES as readonly string[]).includes(r))
      errors.push({ field: `rules[${i}]`, code: 'RULE_UNKNOWN', message: `unknown rule ${r}; known: ${RULE_CODES.join(', ')}` });
  }
  if (input.minSeverity !== undefined && !(SEVERITIES as readonly string[]).includes(input.minSeverity))
    errors.push({ field: 'minSeverity', code: 'SEVERITY_UNKNOWN', message: `minSeverity is one of ${SEVERITIES.join(', ')}` });
  for (const [i, e] of (input.events ?? []).entries()) {
    if (!(WEBHOOK_EVENTS as readonly string[]).includes(e))
      errors.push({ field: `events[${i}]`, code: 'EVENT_UNKNOWN', message: `events are ${WEBHOOK_EVENTS.join(', ')}` });
  }
  if (errors.length) throw invalid(errors);
  try {
    await checkWebhookTarget(input.url, net, timeoutMs);
  } catch (err) {
    if (!(err instanceof WebhookTargetError)) throw err;
    throw new AppError('UNPROCESSABLE', err.message, { errors: [{ field: 'url', code: err.code, reason: err.reason, message: err.message }] });
  }
  const secret = input.secret ?? randomBytes(32).toString('base64url');
  return withTx(db, async (tx) => {
    const id = await insertSubscription(tx, {
      url: url!.toString(),
      secret,
      description: input.description ?? '',
      includeSensitive: input.includeSensitive ?? false,
      rules: input.rules?.length ? [...new Set(input.rules)] : null,
      minSeverity: (input.minSeverity as Severity | undefined) ?? 'info', // checked against SEVERITIES above
      events: input.events?.length ? [...new Set(input.events)] : ['opened'],
      createdBy: actor.tokenId,
    });
    // the audit names the subscription, never the secret
    await writeAudit(tx, actor, {
      action: 'webhooks.create',
      entity: 'webhook_subscription',
      entityIds: [id],
      route: 'POST /v1/webhooks',
      summary: { url: url!.origin, includeSensitive: input.includeSensitive ?? false, rules: input.rules ?? null },
    });
    const [out] = await listSubscriptions(tx, id);
    return { ...out, secret };
  });
}

export async function readSubscriptions(db: DbOrTx): Promise<SubscriptionOut[]> {
  return listSubscriptions(db);
}

export async function removeSubscription(db: Db, id: string, actor: Pick<Actor, 'tokenId' | 'role' | 'label'>): Promise<void> {
  await withTx(db, async (tx) => {
    if (!(await deleteSubscription(tx, id))) throw new AppError('NOT_FOUND', `No webhook subscription ${id}`);
    await writeAudit(tx, actor, { action: 'webhooks.delete', entity: 'webhook_subscription', entityIds: [id], route: 'DELETE /v1/webhooks/{id}' });
  });
}

export async function readDeadLetters(db: DbOrTx, id: string, limit: number): Promise<DeadLetterOut[]> {
  if (!(await subscriptionExists(db, id))) throw new AppError('NOT_FOUND', `No webhook subscription ${id}`);
  return listDeadLetters(db, id, limit);
}

/** What POST /v1/webhooks/{id}/test answers: the outcome, a stable code and a generic reason, nothing internal. */
export interface TestResult {
  delivered: boolean;
  statusCode: number | null;
  errorCode: WebhookErrorCode | null;
  error: string | null;
  durationMs: number;
  idempotencyKey: string;
}

/**
 * POST /v1/webhooks/{id}/test: one signed `ping` now, answered with what the receiver said. Not
 * retried and not stored as a delivery; its key starts with `test:`. The target is checked like
 * a delivery's (a refused one is not contacted), and a failure is answered with a stable code
 * and a short generic reason only: no stack, errno, syscall or address of the failing connection.
 */
export async function testSubscription(
  db: Db,
  id: string,
  timeoutMs: number,
  actor: Pick<Actor, 'tokenId' | 'role' | 'label'>,
  net: WebhookNetwork = webhookNetwork(),
): Promise<TestResult> {
  const sub = await findLiveSubscription(db, id);
  if (!sub) throw new AppError('NOT_FOUND', `No webhook subscription ${id}`);
  const key = `test:${randomUUID()}`;
  const body = JSON.stringify({ id: key, type: 'ping', createdAt: new Date().toISOString(), alert: null, message: 'biomon webhook test (测试消息)' });
  const r = await postSigned(sub.url, sub.secret, key, 'ping', body, timeoutMs, net);
  await writeAudit(db, actor, {
    action: 'webhooks.test',
    entity: 'webhook_subscription',
    entityIds: [id],
    route: 'POST /v1/webhooks/{id}/test',
    summary: { delivered: r.delivered, statusCode: r.statusCode, errorCode: r.errorCode },
  });
  return { delivered: r.delivered, statusCode: r.statusCode, errorCode: r.errorCode, error: r.error, durationMs: r.durationMs, idempotencyKey: key };
}
