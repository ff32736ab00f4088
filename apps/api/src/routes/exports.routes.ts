import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '@biomon/http';
import { exportView, openExportDownload, parseOccurrenceFilter, readableExport, requestDwcaExport } from '@biomon/opendata';
import { OccurrenceQuerySchema } from './occurrences.routes';

/** The filters of GET /v1/occurrences, without paging. */
export const ExportFilterSchema = Type.Omit(OccurrenceQuerySchema, ['limit', 'cursor', 'f'], { additionalProperties: false });

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const exportRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/v1/exports/dwca', {
    schema: {
      summary: 'Request a Darwin Core Archive (导出达尔文核心数据包) with the filters of GET /v1/occurrences (JSON body or query); 202 with exportId',
      description: 'Sensitive taxa are generalised unless the requester is an evaluator or admin; the generalisation is fixed at request time.',
      tags: ['api'],
      security: [{ bearer: [] }],
      querystring: ExportFilterSchema,
      body: ExportFilterSchema,
    },
    // no body at all is as good as {}: the filters may come in the query string
    preValidation: async (req) => {
      if (req.body === undefined || req.body === null) req.body = {};
    },
  }, async (req, reply) => {
    const p = req.principal!;
    const filter = parseOccurrenceFilter({ ...req.query, ...req.body }, Object.keys(req.body).length ? 'body' : 'querystring');
    const out = await requestDwcaExport(ctx.db, filter, { tokenId: p.tokenId, role: p.role, label: p.label || p.role });
    reply.status(202).header('location', `/v1/exports/${out.exportId}`);
    return { ...out, links: { self: `/v1/exports/${out.exportId}` } };
  });

  r.get('/v1/exports/:id', {
    schema: { summary: 'Status of an export and its download link (requester or admin)', tags: ['api'], security: [{ bearer: [] }], params: IdParams },
  }, async (req) => {
    const p = req.principal!;
    return exportView(await readableExport(ctx.db, req.params.id, { tokenId: p.tokenId, role: p.role }));
  });

  r.get('/v1/exports/:id/download', {
    schema: { summary: 'Download a completed Darwin Core Archive (requester or admin), streamed', tags: ['api'], security: [{ bearer: [] }], params: IdParams },
  }, async (req, reply) => {
    const p = req.principal!;
    const d = await openExportDownload(ctx.db, req.params.id, { tokenId: p.tokenId, role: p.role });
    reply.type('application/zip').header('content-length', String(d.size)).header('content-disposition', `attachment; filename="${d.fileName}"`)
      .header('cache-control', 'private, no-store');
    if (d.sha256) reply.header('etag', `"${d.sha256}"`);
    return reply.send(d.stream);
  });
};
