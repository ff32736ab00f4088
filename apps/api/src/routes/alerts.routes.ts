import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '@biomon/core';
import { actorOf } from '@biomon/auth';
import type { AppContext } from '@biomon/runtime';
import { MAX_ALERTS_PAGE, RULE_CODES, SEVERITIES, acknowledgeAlert, getAlert, listAlerts, readRules, resolveAlert, updateRules } from '@biomon/alerts';
import { webhookRoutes } from './webhooks.routes';
import { errorResponses } from '@biomon/http';
import { AlertDetail, AlertList, AlertRuleList, AlertTransition } from '../schemas/alerts.schemas';

const AlertId = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });
// The body is optional (a bare POST acknowledges): its shape is checked by noteOf, not by the schema.
const NoteBody = Type.Unknown({ description: 'optional: { "note": "…" } (at most 2,000 characters)' });

function noteOf(body: unknown): string | null {
  if (body === undefined || body === null) return null;
  const ok = typeof body === 'object' && !Array.isArray(body) && Object.keys(body).every((k) => k === 'note');
  const note = ok ? (body as { note?: unknown }).note : undefined;
  if (!ok || (note !== undefined && (typeof note !== 'string' || note.length > 2000))) {
    throw new AppError('VALIDATION_FAILED', 'The body is optional; when given it is { "note": "<at most 2,000 characters>" }', {
      errors: [{ field: 'body.note', code: 'NOTE_INVALID', message: 'note is a string of at most 2,000 characters, and the only field' }],
    });
  }
  return (note as string | undefined) ?? null;
}

/** Alerts and early warning (预警): the list, the lifecycle and the rules; webhooks register beside them. */
export const alertRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, opts) => {
  const { ctx } = opts;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/v1/alerts',
    {
      schema: {
        summary:
          'Alerts (预警列表), newest first: invasive species in new places, sensitive detections, silent stations, indicators off target, declines, imports',
        description:
          'Any token. Evaluators and admins see every alert exactly; other roles never see sensitive-species detections, and no alert they see holds an exact point of a sensitive taxon (cell id and centre only). Filters take comma-separated values.',
        tags: ['api'],
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            status: Type.Optional(Type.String({ maxLength: 100, description: 'open, acknowledged, resolved' })),
            rule: Type.Optional(Type.String({ maxLength: 500, description: RULE_CODES.join(', ') })),
            region: Type.Optional(Type.String({ maxLength: 64, description: 'region or priority-area code; matches alerts in it (220000 = all of Jilin)' })),
            severity: Type.Optional(Type.String({ maxLength: 100, description: SEVERITIES.join(', ') })),
            since: Type.Optional(Type.String({ maxLength: 40, description: 'alerts last seen at or after this ISO 8601 date or date-time' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ALERTS_PAGE, default: 100 })),
            cursor: Type.Optional(Type.String({ maxLength: 400 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: AlertList, ...errorResponses },
      },
    },
    async (req) => listAlerts(ctx.db, actorOf(req.principal), req.query, await ctx.cursors()),
  );

  r.get(
    '/v1/alerts/:id',
    {
      schema: {
        summary: 'One alert with its history (opened, updated, acknowledged, resolved: who and when)',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: AlertId,
        response: { 200: AlertDetail, ...errorResponses },
      },
    },
    async (req) => getAlert(ctx.db, actorOf(req.principal), req.params.id),
  );

  r.post(
    '/v1/alerts/:id/ack',
    {
      schema: {
        summary: 'Acknowledge an alert (确认): open → acknowledged; again is a no-op; a resolved alert answers 409',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: AlertId,
        body: NoteBody,
        response: { 200: AlertTransition, ...errorResponses },
      },
    },
    async (req) => acknowledgeAlert(ctx.db, actorOf(req.principal), req.params.id, noteOf(req.body)),
  );

  r.post(
    '/v1/alerts/:id/resolve',
    {
      schema: {
        summary: 'Resolve an alert (解除): open or acknowledged → resolved; again is a no-op',
        description:
          'A resolved alert of a condition rule (a silent station, an indicator off target) is not raised again until its condition has cleared once.',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: AlertId,
        body: NoteBody,
        response: { 200: AlertTransition, ...errorResponses },
      },
    },
    async (req) => resolveAlert(ctx.db, actorOf(req.principal), req.params.id, noteOf(req.body)),
  );

  r.get(
    '/v1/alert-rules',
    {
      schema: {
        summary: 'Alert rules (预警规则) with their configuration and defaults',
        tags: ['api'],
        security: [{ bearer: [] }],
        response: { 200: AlertRuleList, ...errorResponses },
      },
    },
    async () => ({ rules: await readRules(ctx.db) }),
  );

  r.put(
    '/v1/alert-rules',
    {
      schema: {
        summary: 'Configure alert rules (admin): enable or disable, severity, parameters (keys given replace the stored ones)',
        description: 'All or nothing: when any change is invalid, 400 names the failing fields and nothing is stored.',
        tags: ['api'],
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            rules: Type.Array(
              Type.Object(
                {
                  code: Type.String({ maxLength: 64 }),
                  enabled: Type.Optional(Type.Boolean()),
                  severity: Type.Optional(Type.String({ maxLength: 20 })),
                  params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: RULE_CODES.length },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: AlertRuleList, ...errorResponses },
      },
    },
    async (req) => ({ rules: await updateRules(ctx.db, req.body.rules, actorOf(req.principal)) }),
  );

  await app.register(webhookRoutes, opts);
};
