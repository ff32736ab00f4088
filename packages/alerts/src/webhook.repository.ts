import type { Col, DbOrTx, Tx } from '@biomon/db';
import { sql } from '@biomon/db';
import { QUEUES, writeOutbox } from '@biomon/queue';
import type { AlertOut } from './alert-out';

/** The job on the webhooks queue that turns an alert event's pending deliveries into delivery jobs. */
export const FAN_OUT_JOB = 'fan-out';
export const DELIVER_JOB = 'deliver';
export const SWEEP_JOB = 'sweep';

/**
 * The idempotency key of a delivery, sent as `X-Biomon-Delivery` and `Idempotency-Key`: one per
 * (alert event, subscription), the same on every retry and after a worker restart.
 */
export const deliveryKey = (alertEventId: number, subscriptionId: string): string => `${alertEventId}:${subscriptionId}`;

/** bullmq refuses ':' in custom job ids, so the job id spells the same key with '_'. */
export const deliveryJobId = (alertEventId: number, subscriptionId: string): string => `delivery_${alertEventId}_${subscriptionId}`;

const SEVERITY_RANK = sql`(CASE s.min_severity WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END)`;

/**
 * The deliveries an alert event calls for, in the event's transaction: every live subscription
 * that wants this kind of event, this rule and this severity. A privileged alert (sensitive
 * species) goes only to subscriptions an admin flagged include_sensitive; other subscriptions
 * never learn it exists. When there is any, an outbox row asks the worker to fan them out.
 */
export async function createDeliveriesForEvent(tx: Tx, alertEventId: number, kind: string, alert: AlertOut): Promise<number> {
  const rank = alert.severity === 'critical' ? 2 : alert.severity === 'warning' ? 1 : 0;
  const r = await sql<{ subscription_id: string }>`
    INSERT INTO webhook_deliveries (alert_event_id, subscription_id)
    SELECT ${alertEventId}, s.id FROM webhook_subscriptions s
    WHERE s.deleted_at IS NULL
      AND ${kind} = ANY(s.events)
      AND (s.rules IS NULL OR ${alert.rule} = ANY(s.rules))
      AND ${rank} >= ${SEVERITY_RANK}
      AND (${!alert.privileged} OR s.include_sensitive)
    ON CONFLICT DO NOTHING
    RETURNING subscription_id`.execute(tx);
  if (r.rows.length) await writeOutbox(tx, [{ queue: QUEUES.webhooks, jobName: FAN_OUT_JOB, payload: { alertEventId } }]);
  return r.rows.length;
}

export async function pendingDeliveriesOfEvent(db: DbOrTx, alertEventId: number): Promise<{ alertEventId: number; subscriptionId: string }[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(['alert_event_id', 'subscription_id'])
    .where('alert_event_id', '=', alertEventId)
    .where('status', '=', 'pending')
    .orderBy('subscription_id')
    .execute();
  return rows.map((r) => ({ alertEventId: r.alert_event_id, subscriptionId: r.subscription_id }));
}

/** Pending deliveries created more than `olderThanMs` ago (their job may have been lost with Redis). */
export async function stalePendingDeliveries(db: DbOrTx, olderThanMs: number, limit = 1000): Promise<{ alertEventId: number; subscriptionId: string }[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(['alert_event_id', 'subscription_id'])
    .where('status', '=', 'pending')
    .where('created_at', '<', new Date(Date.now() - olderThanMs))
    .orderBy('alert_event_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ alertEventId: r.alert_event_id, subscriptionId: r.subscription_id }));
}

export interface DeliveryContext {
  status: string;
  attempts: number;
  url: string;
  secret: string;
  deleted: boolean;
  kind: string;
  at: Date;
  snapshot: Record<string, unknown>;
}

export async function readDelivery(db: DbOrTx, alertEventId: number, subscriptionId: string): Promise<DeliveryContext | null> {
  const r = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
    .innerJoin('alert_events as e', 'e.id', 'd.alert_event_id')
    .select(['d.status', 'd.attempts', 's.url', 's.secret', 's.deleted_at', 'e.kind', 'e.at', 'e.snapshot'])
    .where('d.alert_event_id', '=', alertEventId)
    .where('d.subscription_id', '=', subscriptionId)
    .executeTakeFirst();
  if (!r) return null;
  return {
    status: r.status,
    attempts: r.attempts,
    url: r.url,
    secret: r.secret,
    deleted: r.deleted_at !== null,
    kind: r.kind,
    at: r.at,
    snapshot: r.snapshot as Record<string, unknown>,
  };
}

export async function recordAttempt(
  db: DbOrTx,
  alertEventId: number,
  subscriptionId: string,
  outcome: { statusCode: number | null; error: string | null; delivered: boolean },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      attempts: sql`attempts + 1`,
      last_attempt_at: new Date(),
      last_status_code: outcome.statusCode,
      last_error: outcome.error,
      ...(outcome.delivered ? { status: 'delivered', delivered_at: new Date() } : {}),
    })
    .where('alert_event_id', '=', alertEventId)
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'pending')
    .execute();
}

export async function markDelivery(db: DbOrTx, alertEventId: number, subscriptionId: string, status: 'cancelled' | 'dead'): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status })
    .where('alert_event_id', '=', alertEventId)
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'pending')
    .execute();
}

export async function insertDeadLetter(
  tx: Tx,
  d: { alertEventId: number; subscriptionId: string; key: string; payload: unknown; attempts: number; statusCode: number | null; error: string | null },
): Promise<void> {
  await tx
    .insertInto('webhook_dead_letters')
    .values({
      alert_event_id: d.alertEventId,
      subscription_id: d.subscriptionId,
      idempotency_key: d.key,
      payload: JSON.stringify(d.payload),
      attempts: d.attempts,
      last_status_code: d.statusCode,
      last_error: d.error,
    })
    .onConflict((oc) => oc.columns(['alert_event_id', 'subscription_id']).doNothing())
    .execute();
}

// ---- subscriptions ------------------------------------------------------------------------------

/** A subscription as the API shows it: never the secret. */
export interface SubscriptionOut {
  id: string;
  url: string;
  description: string;
  includeSensitive: boolean;
  rules: string[] | null;
  minSeverity: string;
  events: string[];
  createdAt: string;
  deliveries: { pending: number; delivered: number; dead: number };
}

export async function insertSubscription(
  tx: Tx,
  s: {
    url: string;
    secret: string;
    description: string;
    includeSensitive: boolean;
    rules: string[] | null;
    minSeverity: Col<'webhook_subscriptions', 'min_severity'>;
    events: string[];
    createdBy: string | null;
  },
): Promise<string> {
  const r = await tx
    .insertInto('webhook_subscriptions')
    .values({
      url: s.url,
      secret: s.secret,
      description: s.description,
      include_sensitive: s.includeSensitive,
      rules: s.rules,
      min_severity: s.minSeverity,
      events: s.events,
      created_by: s.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function listSubscriptions(db: DbOrTx, id?: string): Promise<SubscriptionOut[]> {
  const r = await sql<{
    id: string;
    url: string;
    description: string;
    include_sensitive: boolean;
    rules: string[] | null;
    min_severity: string;
    events: string[];
    created_at: Date;
    pending: number;
    delivered: number;
    dead: number;
  }>`
    SELECT s.id, s.url, s.description, s.include_sensitive, s.rules, s.min_severity, s.events, s.created_at,
      count(*) FILTER (WHERE d.status = 'pending')::int AS pending,
      count(*) FILTER (WHERE d.status = 'delivered')::int AS delivered,
      count(*) FILTER (WHERE d.status = 'dead')::int AS dead
    FROM webhook_subscriptions s LEFT JOIN webhook_deliveries d ON d.subscription_id = s.id
    WHERE s.deleted_at IS NULL ${id ? sql`AND s.id = ${id}::uuid` : sql``}
    GROUP BY s.id ORDER BY s.created_at, s.id`.execute(db);
  return r.rows.map((x) => ({
    id: x.id,
    url: x.url,
    description: x.description,
    includeSensitive: x.include_sensitive,
    rules: x.rules,
    minSeverity: x.min_severity,
    events: x.events,
    createdAt: x.created_at.toISOString(),
    deliveries: { pending: x.pending, delivered: x.delivered, dead: x.dead },
  }));
}

export async function findLiveSubscription(db: DbOrTx, id: string): Promise<{ id: string; url: string; secret: string } | null> {
  const r = await db
    .selectFrom('webhook_subscriptions')
    .select(['id', 'url', 'secret'])
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return r ?? null;
}

/** Soft delete: the delivery history and dead letters keep their subscription; pending deliveries are cancelled. */
/** Whether a subscription row exists (deleted or not). */
export async function subscriptionExists(db: DbOrTx, id: string): Promise<boolean> {
  const exists = await db.selectFrom('webhook_subscriptions').select('id').where('id', '=', id).executeTakeFirst();
  return !!exists;
}

export async function deleteSubscription(tx: Tx, id: string): Promise<boolean> {
  const r = await tx
    .updateTable('webhook_subscriptions')
    .set({ deleted_at: new Date() })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return false;
  await tx.updateTable('webhook_deliveries').set({ status: 'cancelled' }).where('subscription_id', '=', id).where('status', '=', 'pending').execute();
  return true;
}

export interface DeadLetterOut {
  id: number;
  idempotencyKey: string;
  alertEventId: number;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  failedAt: string;
  payload: unknown;
}

export async function listDeadLetters(db: DbOrTx, subscriptionId: string, limit: number): Promise<DeadLetterOut[]> {
  const rows = await db
    .selectFrom('webhook_dead_letters')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .orderBy('failed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    idempotencyKey: r.idempotency_key,
    alertEventId: r.alert_event_id,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    failedAt: r.failed_at.toISOString(),
    payload: r.payload,
  }));
}
