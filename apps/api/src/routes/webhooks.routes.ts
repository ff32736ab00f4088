import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '@biomon/runtime';
import { WEBHOOK_EVENTS, createSubscription, readDeadLetters, readSubscriptions, removeSubscription, testSubscription, webhookNetwork } from '@biomon/alerts';
import { actorOf } from '@biomon/auth';
import { NoContent, errorResponses } from '@biomon/http';
import { DeadLetterList, WebhookCreated, WebhookList, WebhookTest } from '../schemas/alerts.schemas';

const SubscriptionId = Type.Object({ id: Type.String({ format: 'uuid' }) });

/**
 * Webhook subscriptions (admin). Deliveries are signed: `X-Biomon-Signature: sha256=<hex
 * HMAC-SHA256 of the raw body with the subscription secret>`, with `X-Biomon-Timestamp`, and carry
 * the idempotency key `X-Biomon-Delivery` / `Idempotency-Key` (`<alertEventId>:<subscriptionId>`),
 * the same on every retry: receivers dedupe by it (delivery is at least once).
 * A URL must be, and resolve only to, public addresses unless BIOMON_WEBHOOK_ALLOW_PRIVATE lists it
 * (checked at creation, 422 WEBHOOK_URL_FORBIDDEN on `url`, and again before every delivery).
 */
export const webhookRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const net = webhookNetwork({ allowPrivate: ctx.config.alerts.webhookAllowPrivate });

  r.post(
    '/v1/webhooks',
    {
      schema: {
        summary: 'Subscribe a URL to alerts (admin): the answer shows the secret this once',
        description:
          'includeSensitive: true lets sensitive-species alerts (evaluator and admin only) reach this URL; other subscriptions never receive them. events default to ["opened"]. ' +
          'The URL is http or https without credentials; its host must be, and resolve only to, public addresses (loopback, private, link-local, CGNAT, metadata and other special addresses are refused with 422, details.errors[0].code WEBHOOK_URL_FORBIDDEN, unless BIOMON_WEBHOOK_ALLOW_PRIVATE lists them).',
        tags: ['api'],
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            url: Type.String({ minLength: 8, maxLength: 2000 }),
            secret: Type.Optional(Type.String({ minLength: 16, maxLength: 500, description: 'HMAC key; generated when absent' })),
            description: Type.Optional(Type.String({ maxLength: 500 })),
            includeSensitive: Type.Optional(Type.Boolean()),
            rules: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20, description: 'only these rules; all when absent' })),
            minSeverity: Type.Optional(Type.String({ maxLength: 20, description: 'info, warning or critical' })),
            events: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: WEBHOOK_EVENTS.length, description: WEBHOOK_EVENTS.join(', ') })),
          },
          { additionalProperties: false },
        ),
        response: { 201: WebhookCreated, ...errorResponses },
      },
    },
    async (req, reply) => {
      const out = await createSubscription(ctx.db, req.body, actorOf(req.principal), net, ctx.config.alerts.webhookTimeoutMs);
      reply.header('cache-control', 'no-store').status(201);
      return out;
    },
  );

  r.get(
    '/v1/webhooks',
    {
      schema: {
        summary: 'Webhook subscriptions with delivery counts (never their secrets)',
        tags: ['api'],
        security: [{ bearer: [] }],
        response: { 200: WebhookList, ...errorResponses },
      },
    },
    async () => ({ webhooks: await readSubscriptions(ctx.db) }),
  );

  r.delete(
    '/v1/webhooks/:id',
    {
      schema: {
        summary: 'Delete a subscription; its pending deliveries are cancelled, its history kept',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: SubscriptionId,
        response: { 204: NoContent('Deleted'), ...errorResponses },
      },
    },
    async (req, reply) => {
      await removeSubscription(ctx.db, req.params.id, actorOf(req.principal));
      return reply.status(204).send();
    },
  );

  r.post(
    '/v1/webhooks/:id/test',
    {
      schema: {
        summary: "Send a signed ping now and report the receiver's answer (not retried)",
        description:
          'Answers { delivered, statusCode, errorCode, error, durationMs, idempotencyKey }: on failure a stable errorCode (WEBHOOK_URL_FORBIDDEN, WEBHOOK_URL_UNRESOLVABLE, WEBHOOK_TIMEOUT, WEBHOOK_CONNECT_FAILED, WEBHOOK_TLS_FAILED, WEBHOOK_HTTP_STATUS) and a short generic reason.',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: SubscriptionId,
        response: { 200: WebhookTest, ...errorResponses },
      },
    },
    async (req) => testSubscription(ctx.db, req.params.id, ctx.config.alerts.webhookTimeoutMs, actorOf(req.principal), net),
  );

  r.get(
    '/v1/webhooks/:id/dead-letters',
    {
      schema: {
        summary: 'Deliveries that failed their last try, with the payload as sent',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: SubscriptionId,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) }, { additionalProperties: false }),
        response: { 200: DeadLetterList, ...errorResponses },
      },
    },
    async (req) => ({ deadLetters: await readDeadLetters(ctx.db, req.params.id, req.query.limit ?? 100) }),
  );
};
