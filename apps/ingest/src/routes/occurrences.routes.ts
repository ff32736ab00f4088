import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '@biomon/core';
import type { AppContext } from '@biomon/runtime';
import { actorOf } from '@biomon/auth';
import { ingestOccurrences, ingestSurveyEvents, MAX_BATCH_RECORDS } from '@biomon/occurrences';
import { occurrencePostingLimits } from '@biomon/stations';
import { BatchResultSchema } from './batch.schemas';
import { errorResponses, ref } from '@biomon/http';

/** 5,000 records of up to ~3 KB each; larger uploads go through POST /v1/imports. */
export const OCCURRENCE_BODY_LIMIT = 16 * 1024 * 1024;

/**
 * BRIEF §8: a station token may post occurrences only when its station is a camera trap, and only
 * its detections (MachineObservation).
 */
export async function stationLimits(ctx: AppContext, req: FastifyRequest): Promise<{ allowedBasisOfRecord?: string[] }> {
  const p = req.principal;
  if (p?.role !== 'station') return {};
  return occurrencePostingLimits(ctx.db, { role: p.role, stationId: p.stationId });
}

const BatchBody = Type.Object(
  {
    records: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: MAX_BATCH_RECORDS }),
    atomic: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const occurrenceIngestRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    '/v1/occurrences',
    {
      bodyLimit: OCCURRENCE_BODY_LIMIT,
      config: { batchRecords: 'records' },
      schema: {
        summary: 'Upload Darwin Core occurrences (上传物种记录): up to 5,000 a request, idempotent by occurrenceID',
        description:
          'Body limit 16 MB. 200 with counts when anything was stored; 422 BATCH_REJECTED when nothing was (or, with atomic: true, when anything was rejected). A record with `version` that is stale is rejected with VERSION_CONFLICT.',
        tags: ['ingest'],
        security: [{ bearer: [] }],
        body: BatchBody,
        response: { 200: ref(BatchResultSchema), ...errorResponses },
        headers: Type.Object({
          'if-match': Type.Optional(Type.String({ description: 'the version of the one record sent ("3"): 409 VERSION_CONFLICT when it is stale' })),
        }),
      },
    },
    async (req) => {
      // If-Match: "<version>" applies to a one-record request (the record's version as GET returned it).
      const ifMatch = req.headers['if-match'];
      let ifMatchVersion: number | null = null;
      if (ifMatch !== undefined) {
        const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(String(ifMatch));
        if (!m || req.body.records.length !== 1) {
          throw new AppError('VALIDATION_FAILED', 'If-Match takes one record\'s version ("3") and a one-record batch; send `version` per record otherwise', {
            errors: [{ field: 'headers.if-match', code: 'IF_MATCH_INVALID', message: 'If-Match must be a quoted version number on a one-record request' }],
          });
        }
        ifMatchVersion = Number(m[1]);
      }
      const pending = ingestOccurrences(ctx.dbBatch, req.body.records, {
        atomic: req.body.atomic,
        actor: actorOf(req.principal),
        route: 'POST /v1/occurrences',
        ifMatchVersion,
        ...(await stationLimits(ctx, req)),
      });
      // the service has validated the records into its own rows before it first waits: drop the
      // parsed body, so the young generation frees it instead of copying it at every collection
      // while the batch waits on the database
      req.body = undefined as never;
      return pending;
    },
  );

  r.post(
    '/v1/survey-events',
    {
      bodyLimit: OCCURRENCE_BODY_LIMIT,
      config: { batchRecords: 'records' },
      schema: {
        summary: 'Upload survey events (调查事件) — Darwin Core Event with Humboldt effort; upsert by eventID',
        tags: ['ingest'],
        security: [{ bearer: [] }],
        body: Type.Object(
          { records: Type.Optional(Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_BATCH_RECORDS })), atomic: Type.Optional(Type.Boolean()) },
          { additionalProperties: true, description: 'one event, or { records: [...], atomic? }' },
        ),
        response: { 200: ref(BatchResultSchema), ...errorResponses },
      },
    },
    async (req) => {
      const body = req.body as { records?: unknown[]; atomic?: boolean };
      // one event, or { records: [...] }
      const records = Array.isArray(body.records) ? body.records : [body];
      return ingestSurveyEvents(ctx.dbBatch, records, { actor: actorOf(req.principal), atomic: body.atomic, route: 'POST /v1/survey-events' });
    },
  );
};
