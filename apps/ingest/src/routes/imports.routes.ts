import type {} from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import multipart from '@fastify/multipart';
import { AppError } from '@biomon/core';
import { readSingleFile } from '@biomon/http';
import type { AppContext } from '@biomon/runtime';
import { Type } from '@fastify/type-provider-typebox';
import { createImport, getMapping, storeUpload, MAPPING_NAME_PATTERN, MAX_IMPORT_BYTES } from '@biomon/occurrences';
import { actorOf } from '@biomon/auth';
import { classifyUpload } from '@biomon/germplasm';
import { stationLimits } from './occurrences.routes';
import { errorResponses } from '@biomon/http';
import { ImportAcceptedSchema } from './batch.schemas';

const ImportQuery = Type.Object(
  {
    mapping: Type.Optional(
      Type.String({
        pattern: MAPPING_NAME_PATTERN,
        description: 'a saved header mapping of yours (PUT /v1/import-mappings/{name}), applied before the built-in names',
      }),
    ),
    crs: Type.Optional(
      Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02'), Type.Literal('bd09')], {
        description: 'coordinate system of coordinates the file does not declare (GPS tracks from Chinese phone apps: gcj02)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** POST /v1/imports: one file (Excel, CSV, GPS track, Darwin Core Archive zip, Camtrap DP zip) streamed to the file store. */
export const importUploadRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5, parts: 6 } });
  app.post(
    '/v1/imports',
    {
      schema: {
        summary:
          'Upload a file to import (文件导入): Excel (.xlsx/.xls), CSV (UTF-8 or GBK), GPS tracks (GPX/KML/KMZ), Darwin Core Archive or Camtrap DP — 202 with its id; an MCPD v2.1 germplasm file (种质资源, header with INSTCODE and ACCENUMB; admin and department tokens) is imported into the germplasm registry',
        description: `multipart/form-data with one part "file"; at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB. The same file twice is recognised by content hash.`,
        tags: ['ingest'],
        security: [{ bearer: [] }],
        consumes: ['multipart/form-data'],
        querystring: ImportQuery,
        response: { 202: ImportAcceptedSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      await stationLimits(ctx, req); // a station imports only if it is a camera trap, and only its detections (checked per row)
      const q = req.query as { mapping?: string; crs?: 'wgs84' | 'gcj02' | 'bd09' };
      const actor = actorOf(req.principal);
      const mapping = q.mapping ? await getMapping(ctx.db, actor, q.mapping, 'querystring.mapping') : undefined;
      const part = await readSingleFile(req);
      const upload = await storeUpload(part.file, ctx.config.fileStoreDir, part.filename || 'upload');
      if (part.file.truncated) throw new AppError('BODY_TOO_LARGE', `files are limited to ${MAX_IMPORT_BYTES / 1024 / 1024} MB`);
      if (upload.sizeBytes === 0)
        throw new AppError('VALIDATION_FAILED', 'the file is empty', {
          errors: [{ field: 'file', code: 'FILE_EMPTY', message: 'the uploaded file has no content' }],
        });
      // an MCPD germplasm file (header with INSTCODE and ACCENUMB) is never read as occurrences
      const kind = await classifyUpload(upload.path, part.filename || 'upload', actor);
      const out = await createImport(ctx.db, upload, part.filename || 'upload', actor, { mapping, crs: q.crs, kind });
      return reply.status(202).send(out);
    },
  );
};
