import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '@biomon/core';
import type { AppContext } from '@biomon/runtime';
import { actorOf, readsEveryScope, type Actor } from '@biomon/auth';
import {
  getImport,
  getMapping,
  importErrorsCsv,
  importTemplateCsv,
  importTemplateXlsx,
  listMappings,
  saveMapping,
  MAPPING_NAME_PATTERN,
} from '@biomon/occurrences';
import { errorResponses, fileResponse, ref } from '@biomon/http';
import { ImportMapping, ImportMappingList, ImportStatus, XLSX_TYPE } from '../schemas/occurrences.schemas';

const MappingName = Type.Object({ name: Type.String({ pattern: MAPPING_NAME_PATTERN }) });

const ImportId = Type.Object({ id: Type.String({ format: 'uuid' }) });

/**
 * An import, its status and its error report (which quotes the rows it refused) are its uploader's:
 * the surveyors of its team, or its station; evaluators and admins read every import.
 */
function assertMayRead(
  a: Pick<Actor, 'role' | 'team' | 'stationId'>,
  imp: { team: string | null; stationId: string | null; options?: { kind?: string } | null },
): void {
  if (readsEveryScope(a)) return;
  // MCPD germplasm imports (@biomon/germplasm): the registry is the departments' own, and public to read
  if (a.role === 'department' && imp.options?.kind === 'mcpd') return;
  if (a.role === 'surveyor' && imp.stationId === null && imp.team !== null && imp.team === a.team) return;
  if (a.role === 'station' && imp.stationId !== null && imp.stationId === a.stationId) return;
  throw new AppError('FORBIDDEN', 'this import belongs to another team or station', { reason: 'scope' });
}

export const importReadRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/v1/imports/template.csv',
    {
      schema: {
        summary: 'CSV template (导入模板): Darwin Core headers, or Chinese ones with ?headers=zh — both are accepted',
        tags: ['api'],
        querystring: Type.Object({ headers: Type.Optional(Type.Union([Type.Literal('dwc'), Type.Literal('zh')])) }, { additionalProperties: false }),
        response: { 200: fileResponse('The CSV template', ['text/csv']), ...errorResponses },
      },
    },
    async (req, reply) => {
      reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="biomon-occurrences-template.csv"');
      return importTemplateCsv(req.query.headers ?? 'dwc');
    },
  );

  r.get(
    '/v1/imports/template.xlsx',
    {
      schema: {
        summary:
          "Excel template (导入模板 .xlsx): the CSV template's columns (Darwin Core headers, or Chinese ones with ?headers=zh), an example row, drop-down lists for basisOfRecord, occurrenceStatus and geodeticDatum, and a notes sheet (说明 Notes)",
        tags: ['api'],
        querystring: Type.Object({ headers: Type.Optional(Type.Union([Type.Literal('dwc'), Type.Literal('zh')])) }, { additionalProperties: false }),
        response: { 200: fileResponse('The Excel workbook', [XLSX_TYPE], { binary: true }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const headers = req.query.headers ?? 'dwc';
      reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="biomon-occurrences-template${headers === 'zh' ? '-zh' : ''}.xlsx"`);
      return importTemplateXlsx(headers);
    },
  );

  r.get(
    '/v1/imports/:id',
    {
      schema: {
        summary: 'Import status, progress and counts',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: ImportId,
        response: { 200: ref(ImportStatus), ...errorResponses },
      },
    },
    async (req) => {
      const imp = await getImport(ctx.db, req.params.id);
      if (!imp) throw new AppError('NOT_FOUND', `No import ${req.params.id}`);
      assertMayRead(actorOf(req.principal), imp);
      return imp;
    },
  );

  r.get(
    '/v1/imports/:id/errors.csv',
    {
      schema: {
        summary: 'Per-row error report of an import (CSV, UTF-8 with BOM)',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: ImportId,
        response: { 200: fileResponse('One line per failing field of a refused row', ['text/csv']), ...errorResponses },
      },
    },
    async (req, reply) => {
      const imp = await getImport(ctx.db, req.params.id);
      if (!imp) throw new AppError('NOT_FOUND', `No import ${req.params.id}`);
      assertMayRead(actorOf(req.principal), imp);
      reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="import-${req.params.id}-errors.csv"`);
      return importErrorsCsv(ctx.db, req.params.id);
    },
  );

  // Saved header mappings of a team or station (import-mappings): used with POST /v1/imports?mapping=name
  r.put(
    '/v1/import-mappings/:name',
    {
      schema: {
        summary: 'Save a header mapping (保存表头映射) for your own field sheets: header → Darwin Core term (or null: keep in dynamicProperties)',
        description:
          'Mappings belong to the team of the surveyor (or the station) that saves them and are used with POST /v1/imports?mapping={name}. The same content again changes nothing.',
        tags: ['ingest'],
        security: [{ bearer: [] }],
        params: MappingName,
        body: Type.Object(
          {
            columns: Type.Record(Type.String({ minLength: 1, maxLength: 200 }), Type.Union([Type.Null(), Type.String({ maxLength: 200 })]), {
              description: 'e.g. { "经度E": "decimalLongitude", "天气": null }',
            }),
            description: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ref(ImportMapping), 201: ref(ImportMapping), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { mapping, created } = await saveMapping(ctx.db, actorOf(req.principal), req.params.name, req.body);
      return reply.status(created ? 201 : 200).send(mapping);
    },
  );

  r.get(
    '/v1/import-mappings',
    {
      schema: {
        summary: 'Your saved header mappings (表头映射)',
        tags: ['ingest'],
        security: [{ bearer: [] }],
        response: { 200: ImportMappingList, ...errorResponses },
      },
    },
    async (req) => ({ mappings: await listMappings(ctx.db, actorOf(req.principal)) }),
  );

  r.get(
    '/v1/import-mappings/:name',
    {
      schema: {
        summary: 'One of your saved header mappings',
        tags: ['ingest'],
        security: [{ bearer: [] }],
        params: MappingName,
        response: { 200: ref(ImportMapping), ...errorResponses },
      },
    },
    async (req) => getMapping(ctx.db, actorOf(req.principal), req.params.name),
  );
};
