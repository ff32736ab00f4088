import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, pageLimit } from '@biomon/core';
import { actorOf } from '@biomon/auth';
import type { AppContext } from '@biomon/runtime';
import { BASIS_OF_RECORD, REVIEW_STATES, reviewOccurrence } from '@biomon/occurrences';
import { readOccurrenceHistory, readOccurrences, readOccurrencesJson, type OccurrenceOut } from '@biomon/sensitive';
import { parseOccurrenceFilter } from '@biomon/opendata';
import { contentResponse, errorResponses } from '@biomon/http';
import { OccurrenceDetail, OccurrenceFeatureCollection, OccurrenceList, ReviewAnswer } from '../schemas/occurrences.schemas';

export function wantsGeoJson(req: FastifyRequest): boolean {
  return /application\/geo\+json/i.test(String(req.headers.accept ?? '')) || (req.query as { f?: string })?.f === 'geojson';
}

export function toFeatureCollection(rows: OccurrenceOut[], extra: Record<string, unknown> = {}) {
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      id: String(r.record.occurrenceID),
      geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
      properties: r.record,
    })),
    ...extra,
  };
}

/** The kind of the paging cursors of GET /v1/occurrences (sealed: @biomon/core CursorCodec). */
const CURSOR_KIND = 'occurrences';

/** Region and priority-area codes (GB/T 2260 or project codes): allow-listed characters only. */
export const CODE_PATTERN = '^[A-Za-z0-9_.-]{1,64}$';
/** Scientific or Chinese names: letters (any script), marks, spaces and . - × ( ) only. */
export const TAXON_PATTERN = '^[\\p{L}\\p{M} .×()-]{1,200}$';

export const OccurrenceQuerySchema = Type.Object(
  {
    bbox: Type.Optional(Type.String({ maxLength: 200 })),
    region: Type.Optional(Type.String({ pattern: CODE_PATTERN })),
    priorityArea: Type.Optional(Type.String({ pattern: CODE_PATTERN })),
    taxon: Type.Optional(Type.String({ pattern: TAXON_PATTERN })),
    protectionClass: Type.Optional(Type.Union([Type.Literal('I'), Type.Literal('II')])),
    from: Type.Optional(Type.String({ maxLength: 40 })),
    to: Type.Optional(Type.String({ maxLength: 40 })),
    eventID: Type.Optional(Type.String({ maxLength: 200 })),
    basisOfRecord: Type.Optional(Type.Union(BASIS_OF_RECORD.map((b) => Type.Literal(b)))),
    reviewState: Type.Optional(Type.Union(REVIEW_STATES.map((b) => Type.Literal(b)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 400 })),
    f: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('geojson')])),
  },
  { additionalProperties: false },
);

const RECORDS_OPEN = Buffer.from('{"records":[');

export const occurrenceReadRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/v1/occurrences',
    {
      schema: {
        summary: 'Query occurrences (查询物种记录); JSON or GeoJSON (Accept: application/geo+json). Sensitive taxa generalised unless evaluator/admin',
        tags: ['api'],
        querystring: OccurrenceQuerySchema,
        headers: Type.Object({ accept: Type.Optional(Type.String({ description: 'application/geo+json for a GeoJSON FeatureCollection' })) }),
        response: {
          200: contentResponse('Records (JSON) or a GeoJSON FeatureCollection (Accept: application/geo+json or f=geojson)', {
            'application/json': OccurrenceList,
            'application/geo+json': OccurrenceFeatureCollection,
          }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const limit = pageLimit(q.limit, 100);
      const cursors = await ctx.cursors();
      const read = { ...parseOccurrenceFilter(q), limit, afterId: q.cursor ? cursors.decodeId(CURSOR_KIND, q.cursor) : undefined };
      if (wantsGeoJson(req)) {
        const rows = await readOccurrences(ctx.dbRead, actorOf(req.principal), read);
        const nextCursor = rows.length === limit ? cursors.encode(CURSOR_KIND, [rows[rows.length - 1].id]) : null;
        reply.type('application/geo+json');
        return toFeatureCollection(rows, { nextCursor, numberReturned: rows.length });
      }
      // the records as PostgreSQL writes them (the projection's JSON), as one byte string: passed on
      // without decoding, parsing or encoding them in the process (issue 17, BENCHMARKS.md)
      const page = await readOccurrencesJson(ctx.dbRead, actorOf(req.principal), read);
      const nextCursor = page.count === limit && page.lastId !== null ? cursors.encode(CURSOR_KIND, [page.lastId]) : null;
      return reply
        .type('application/json; charset=utf-8')
        .send(Buffer.concat([RECORDS_OPEN, page.records, Buffer.from(`],"nextCursor":${JSON.stringify(nextCursor)}}`)]));
    },
  );

  r.get(
    '/v1/occurrences/:occurrenceID',
    {
      schema: {
        summary: 'One occurrence with its history (记录详情与修改历史)',
        tags: ['api'],
        params: Type.Object({ occurrenceID: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: OccurrenceDetail, ...errorResponses },
      },
    },
    async (req) => {
      const v = actorOf(req.principal);
      const [row] = await readOccurrences(ctx.db, v, { occurrenceID: req.params.occurrenceID, limit: 1 });
      if (!row) throw new AppError('NOT_FOUND', `No occurrence ${req.params.occurrenceID}`);
      return { record: row.record, history: await readOccurrenceHistory(ctx.db, v, req.params.occurrenceID) };
    },
  );

  r.post(
    '/v1/occurrences/:occurrenceID/review',
    {
      schema: {
        summary:
          "Review a record (审核): verified, rejected or unreviewed, with a comment kept in its history; `taxon` sets the record's taxon (a checklist name)",
        tags: ['api'],
        security: [{ bearer: [] }],
        params: Type.Object({ occurrenceID: Type.String({ minLength: 1, maxLength: 200 }) }),
        body: Type.Object(
          {
            state: Type.Union(REVIEW_STATES.map((b) => Type.Literal(b))),
            comment: Type.Optional(Type.String({ maxLength: 4000 })),
            taxon: Type.Optional(
              Type.String({
                pattern: TAXON_PATTERN,
                description:
                  "the record's taxon as the reviewer identifies it (scientific or Chinese name of the checklist): an unmatched name is no longer generalised unless the taxon is sensitive",
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: ReviewAnswer, ...errorResponses },
      },
    },
    async (req) => {
      return reviewOccurrence(ctx.db, req.params.occurrenceID, req.body.state, req.body.comment ?? null, actorOf(req.principal), req.body.taxon ?? null);
    },
  );
};
