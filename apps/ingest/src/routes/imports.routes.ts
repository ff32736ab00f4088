import type {} from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import multipart from '@fastify/multipart';
import { AppError } from '@biomon/core';
import { readSingleFile, type AppContext } from '@biomon/http';
import { createImport, storeUpload, MAX_IMPORT_BYTES } from '@biomon/occurrences';
import { actorOf, stationLimits } from './occurrences.routes';

/** POST /v1/imports: one file (CSV, Darwin Core Archive zip, Camtrap DP zip) streamed to the file store. */
export const importUploadRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5, parts: 6 } });
  app.post('/v1/imports', {
    schema: {
      summary: 'Upload a file to import (文件导入): CSV (UTF-8 or GBK), Darwin Core Archive or Camtrap DP — 202 with its id',
      description: `multipart/form-data with one part "file"; at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB. The same file twice is recognised by content hash.`,
      tags: ['ingest'],
      security: [{ bearer: [] }],
      consumes: ['multipart/form-data'],
    },
  }, async (req, reply) => {
    await stationLimits(ctx, req); // a station imports only if it is a camera trap, and only its detections (checked per row)
    const part = await readSingleFile(req);
    const upload = await storeUpload(part.file, ctx.config.fileStoreDir, part.filename || 'upload');
    if (part.file.truncated) throw new AppError('BODY_TOO_LARGE', `files are limited to ${MAX_IMPORT_BYTES / 1024 / 1024} MB`);
    if (upload.sizeBytes === 0) throw new AppError('VALIDATION_FAILED', 'the file is empty', { errors: [{ field: 'file', code: 'FILE_EMPTY', message: 'the uploaded file has no content' }] });
    const out = await createImport(ctx.db, upload, part.filename || 'upload', actorOf(req));
    return reply.status(202).send(out);
  });
};
