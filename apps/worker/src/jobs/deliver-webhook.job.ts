import { deliverWebhook, fanOutEvent, sweepPendingDeliveries, webhookNetwork, type WebhookNetwork, type WebhookRetryOptions } from '@biomon/alerts';
import type { Config } from '@biomon/config';
import { QUEUES } from '@biomon/queue';
import type { JobHandler } from '../registry';

export const retryOptions = (config: Config): WebhookRetryOptions => ({
  attempts: config.alerts.webhookAttempts,
  backoffMs: config.alerts.webhookBackoffMs,
  timeoutMs: config.alerts.webhookTimeoutMs,
});

/** An alert event's pending deliveries become one job each (job id = the delivery's idempotency key). */
export const fanOutWebhooksJob: JobHandler<'webhooks', 'fan-out'> = async (job, { ctx, log }) => {
  const alertEventId = job.data.alertEventId;
  const n = await fanOutEvent(ctx.db, ctx.queues.get(QUEUES.webhooks)!, alertEventId, retryOptions(ctx.config));
  log.info({ alertEventId, deliveries: n }, 'webhook deliveries enqueued');
  return { alertEventId, deliveries: n };
};

/** The allow-list of a configuration, parsed once per configuration object. */
const networks = new WeakMap<Config, WebhookNetwork>();
const networkOf = (config: Config): WebhookNetwork => {
  let net = networks.get(config);
  if (!net) networks.set(config, (net = webhookNetwork({ allowPrivate: config.alerts.webhookAllowPrivate })));
  return net;
};

/**
 * One try of one delivery: a signed POST. The URL is resolved and checked again first (DNS
 * rebinding) and the POST connects to the checked address; a refused target fails the try without
 * a connection. A failure throws and bullmq retries with exponential backoff; the last try writes
 * the dead letter before failing. The secret never reaches the log.
 */
export const deliverWebhookJob: JobHandler<'webhooks', 'deliver'> = async (job, { ctx, log }) => {
  const { alertEventId, subscriptionId } = job.data;
  const isLast = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  let outcome;
  try {
    outcome = await deliverWebhook(ctx.db, alertEventId, subscriptionId, { isLast, timeoutMs: ctx.config.alerts.webhookTimeoutMs }, networkOf(ctx.config));
  } catch (err) {
    const e = err as Error & { code?: string; refused?: boolean; detail?: string };
    if (e.refused)
      log.warn({ alertEventId, subscriptionId, attempt: job.attemptsMade + 1, code: e.code, detail: e.detail }, 'webhook target refused before connecting');
    throw err;
  }
  log.info({ alertEventId, subscriptionId, attempt: job.attemptsMade + 1, outcome }, 'webhook delivery');
  return { outcome };
};

/** Re-adds deliveries left pending far longer than their retries take (a job lost with Redis data). */
export const sweepWebhooksJob: JobHandler<'webhooks', 'sweep'> = async (_job, { ctx, log }) => {
  const n = await sweepPendingDeliveries(ctx.db, ctx.queues.get(QUEUES.webhooks)!, retryOptions(ctx.config));
  if (n) log.warn({ requeued: n }, 'stale pending webhook deliveries requeued');
  return { requeued: n };
};
