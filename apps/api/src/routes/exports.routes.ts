import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '@biomon/runtime';
import { actorOf } from '@biomon/auth';
import { exportView, openExportDownload, parseOccurrenceFilter, readableExport, requestDwcaExport } from '@biomon/opendata';
import { OccurrenceQuerySchema } from './occurrences.routes';
import { errorResponses, fileResponse, ref } from '@biomon/http';
import { Export, ExportAccepted } from '../schemas/opendata.schemas';

/** The filters of GET /v1/occurrences, without paging. */
export const ExportFilterSchema = Type.Omit(OccurrenceQuerySchema, ['limit', 'cursor', 'f'], { additionalProperties: false });

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const exportRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/v1/exports/dwca',
    {
      schema: {
        summary: 'Request a Darwin Core Archive (导出达尔文核心数据包) with the filters of GET /v1/occurrences (JSON body or query); 202 with exportId',
        description: 'Sensitive taxa are generalised unless the requester is an evaluator or admin; the generalisation is fixed at request time.',
        tags: ['api'],
        security: [{ bearer: [] }],
        querystring: ExportFilterSchema,
        body: ExportFilterSchema,
        response: { 202: ExportAccepted, ...errorResponses },
      },
      // no body at all is as good as {}: the filters may come in the query string
      preValidation: async (req) => {
        if (req.body === undefined || req.body === null) req.body = {};
      },
    },
    async (req, reply) => {
      const filter = parseOccurrenceFilter({ ...req.query, ...req.body }, Object.keys(req.body).length ? 'body' : 'querystring');
      const out = await requestDwcaExport(ctx.db, filter, actorOf(req.principal));
      reply.status(202).header('location', `/v1/exports/${out.exportId}`);
      return { ...out, links: { self: `/v1/exports/${out.exportId}` } };
    },
  );

  r.get(
    '/v1/exports/:id',
    {
      schema: {
        summary: 'Status of an export and its download link (requester or admin)',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: ref(Export), ...errorResponses },
      },
    },
    async (req) => {
      return exportView(await readableExport(ctx.db, req.params.id, actorOf(req.principal)));
    },
  );

  r.get(
    '/v1/exports/:id/download',
    {
      schema: {
        summary: 'Download a completed Darwin Core Archive (requester or admin), streamed',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: fileResponse('The Darwin Core Archive (zip)', ['application/zip'], { binary: true }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const d = await openExportDownload(ctx.db, req.params.id, actorOf(req.principal));
      reply
        .type('application/zip')
        .header('content-length', String(d.size))
        .header('content-disposition', `attachment; filename="${d.fileName}"`)
        .header('cache-control', 'private, no-store');
      if (d.sha256) reply.header('etag', `"${d.sha256}"`);
      return reply.send(d.stream);
    },
  );
};
