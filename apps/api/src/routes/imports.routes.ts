import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '@biomon/core';
import type { AppContext } from '@biomon/http';
import { getImport, importErrorsCsv, importTemplateCsv } from '@biomon/occurrences';

const ImportId = Type.Object({ id: Type.String({ format: 'uuid' }) });

/**
 * An import, its status and its error report (which quotes the rows it refused) are its uploader's:
 * the surveyors of its team, or its station; evaluators and admins read every import.
 */
function assertMayRead(p: FastifyRequest['principal'], imp: { team: string | null; stationId: string | null }): void {
  if (p?.role === 'admin' || p?.role === 'evaluator') return;
  if (p?.role === 'surveyor' && imp.stationId === null && imp.team !== null && imp.team === p.team) return;
  if (p?.role === 'station' && imp.stationId !== null && imp.stationId === p.stationId) return;
  throw new AppError('FORBIDDEN', 'this import belongs to another team or station', { reason: 'scope' });
}

export const importReadRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get('/v1/imports/template.csv', {
    schema: {
      summary: 'CSV template (导入模板): Darwin Core headers, or Chinese ones with ?headers=zh — both are accepted',
      tags: ['api'],
      querystring: Type.Object({ headers: Type.Optional(Type.Union([Type.Literal('dwc'), Type.Literal('zh')])) }, { additionalProperties: false }),
    },
  }, async (req, reply) => {
    reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="biomon-occurrences-template.csv"');
    return importTemplateCsv(req.query.headers ?? 'dwc');
  });

  r.get('/v1/imports/:id', {
    schema: { summary: 'Import status, progress and counts', tags: ['api'], security: [{ bearer: [] }], params: ImportId },
  }, async (req) => {
    const imp = await getImport(ctx.db, req.params.id);
    if (!imp) throw new AppError('NOT_FOUND', `No import ${req.params.id}`);
    assertMayRead(req.principal, imp);
    return imp;
  });

  r.get('/v1/imports/:id/errors.csv', {
    schema: { summary: 'Per-row error report of an import (CSV, UTF-8 with BOM)', tags: ['api'], security: [{ bearer: [] }], params: ImportId },
  }, async (req, reply) => {
    const imp = await getImport(ctx.db, req.params.id);
    if (!imp) throw new AppError('NOT_FOUND', `No import ${req.params.id}`);
    assertMayRead(req.principal, imp);
    reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="import-${req.params.id}-errors.csv"`);
    return importErrorsCsv(ctx.db, req.params.id);
  });
};
