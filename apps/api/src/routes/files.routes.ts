import type {} from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import multipart from '@fastify/multipart';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { readSingleFile } from '@biomon/http';
import type { AppContext } from '@biomon/runtime';
import { MAX_EVIDENCE_BYTES, openEvidenceFile, storeEvidenceFile } from '@biomon/ledger';
import { actorOf } from '@biomon/auth';
import { errorResponses, fileResponse } from '@biomon/http';
import { EVIDENCE_MEDIA_TYPES, EvidenceFile } from '../schemas/ledger.schemas';

/** Types shown inline by the browser; office documents always download. */
const INLINE = new Set(['application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * Evidence files (佐证材料) for ledger progress: upload (department, admin) and download (any token:
 * evidence is ledger material, but the files themselves are not published to anonymous callers).
 * Multipart is registered here only, for this plugin's routes.
 */
export const fileRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(multipart, { limits: { fileSize: MAX_EVIDENCE_BYTES, files: 1, fields: 0, parts: 1, headerPairs: 100 } });
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/v1/files',
    {
      schema: {
        summary: 'Upload an evidence file (上传佐证材料): PDF, image or office document, at most 20 MB — 201 with its fileId',
        description:
          'multipart/form-data with one part "file". The type is checked by content (magic bytes; OOXML by its entries): PDF, PNG, JPEG, GIF, WebP, ' +
          'docx, xlsx, pptx, doc, xls, ppt. Anything else is 415. Cite the fileId in POST /v1/ledger/tasks/{no}/progress evidence.',
        tags: ['api'],
        security: [{ bearer: [] }],
        consumes: ['multipart/form-data'],
        response: { 201: EvidenceFile, ...errorResponses },
      },
    },
    async (req, reply) => {
      const part = await readSingleFile(req);
      const out = await storeEvidenceFile(ctx.db, part.file, {
        fileStoreDir: ctx.config.fileStoreDir,
        fileName: part.filename || 'evidence',
        truncated: () => part.file.truncated,
        actor: actorOf(req.principal),
        route: 'POST /v1/files',
      });
      return reply.status(201).send(out);
    },
  );

  r.get(
    '/v1/files/:id',
    {
      schema: {
        summary: 'Download an evidence file (any token)',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: {
          200: fileResponse('The file as uploaded (inline for PDF and images, else an attachment)', EVIDENCE_MEDIA_TYPES, { binary: true }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const { file, stream } = await openEvidenceFile(ctx.db, ctx.config.fileStoreDir, req.params.id);
      const ascii = file.original_name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
      reply
        .type(file.mime)
        .header('content-length', String(file.size_bytes))
        .header(
          'content-disposition',
          `${INLINE.has(file.mime) ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.original_name)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('etag', `"${file.sha256}"`)
        .header('cache-control', 'private, max-age=3600');
      return reply.send(stream);
    },
  );
};
