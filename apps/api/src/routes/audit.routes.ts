import type {} from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { pageLimit } from '@biomon/core';
import type { AppContext } from '@biomon/runtime';
import { listAuditEntries } from '@biomon/auth';
import { errorResponses } from '@biomon/http';
import { AuditPage } from '../schemas/system.schemas';

/** The kind of the paging cursors of GET /v1/audit (sealed: @biomon/core CursorCodec). */
const CURSOR_KIND = 'audit';

/** The append-only audit log (审计日志): every write, who, when, through which route. Admin only. */
export const auditRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/v1/audit',
    {
      schema: {
        summary: 'Audit log (审计日志), newest first; filter by entity, action, role, token, time',
        tags: ['api'],
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            entity: Type.Optional(Type.String({ pattern: '^[a-z_]{1,64}$' })),
            action: Type.Optional(Type.String({ pattern: '^[a-z0-9_.-]{1,100}$' })),
            role: Type.Optional(Type.String({ pattern: '^[a-z]{1,20}$' })),
            tokenId: Type.Optional(Type.String({ format: 'uuid' })),
            entityId: Type.Optional(Type.String({ maxLength: 200 })),
            since: Type.Optional(Type.String({ format: 'date-time' })),
            until: Type.Optional(Type.String({ format: 'date-time' })),
            cursor: Type.Optional(Type.String({ maxLength: 400, description: 'nextCursor of the previous page (opaque)' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: AuditPage, ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const limit = pageLimit(q.limit, 100);
      const cursors = await ctx.cursors();
      const before = q.cursor ? cursors.decodeId(CURSOR_KIND, q.cursor) : undefined;
      const rows = await listAuditEntries(
        ctx.db,
        {
          entity: q.entity,
          action: q.action,
          role: q.role,
          tokenId: q.tokenId,
          entityId: q.entityId,
          since: q.since ? new Date(q.since) : undefined,
          until: q.until ? new Date(q.until) : undefined,
          beforeId: before,
        },
        limit,
      );
      return {
        entries: rows.map((r) => ({
          id: r.id,
          at: r.at,
          tokenId: r.token_id,
          role: r.role,
          actor: r.actor,
          action: r.action,
          route: r.route,
          entity: r.entity,
          entityIds: r.entity_ids,
          summary: r.summary,
        })),
        nextCursor: rows.length === limit ? cursors.encode(CURSOR_KIND, [rows[rows.length - 1].id]) : null,
      };
    },
  );
};
