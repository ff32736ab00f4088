import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '@biomon/core';
import type { AppContext } from '@biomon/http';
import { BASIS_OF_RECORD, REVIEW_STATES, reviewOccurrence } from '@biomon/occurrences';
import { readOccurrenceHistory, readOccurrences, viewerOf, type OccurrenceOut, type Viewer } from '@biomon/sensitive';

/** Who asks: every output of occurrence, event or station data is shaped for this viewer by @biomon/sensitive (BRIEF §8). */
export function viewer(req: FastifyRequest): Viewer {
  return viewerOf(req.principal);
}

export function wantsGeoJson(req: FastifyRequest): boolean {
  return /application\/geo\+json/i.test(String(req.headers.accept ?? '')) || (req.query as { f?: string })?.f === 'geojson';
}

export function toFeatureCollection(rows: OccurrenceOut[], extra: Record<string, unknown> = {}) {
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({ type: 'Feature', id: String(r.record.occurrenceID), geometry: { type: 'Point', coordinates: [r.lon, r.lat] }, properties: r.record })),
    ...extra,
  };
}

/** The kind of the paging cursors of GET /v1/occurrences (sealed: @biomon/core CursorCodec). */
const CURSOR_KIND = 'occurrences';

function parseBbox(s: string): [number, number, number, number] {
  const parts = s.split(',').map((x) => Number(x));
  const bad = () => new AppError('VALIDATION_FAILED', 'bbox must be minLon,minLat,maxLon,maxLat', { errors: [{ field: 'querystring.bbox', code: 'BBOX_INVALID', message: 'bbox must be four finite numbers minLon,minLat,maxLon,maxLat with min < max, lon in -180..180, lat in -90..90' }] });
  if (parts.length !== 4 || parts.some((x) => !Number.isFinite(x))) throw bad();
  const [a, b, c, d] = parts;
  if (a >= c || b >= d || a < -180 || c > 180 || b < -90 || d > 90) throw bad();
  return [a, b, c, d];
}

function parseDate(field: string, s: string | undefined): Date | undefined {
  if (!s) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(s);
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00+08:00` : s);
  if (!iso || Number.isNaN(d.getTime())) throw new AppError('VALIDATION_FAILED', `${field} is not a date`, { errors: [{ field: `querystring.${field}`, code: 'DATE_INVALID', message: 'use an ISO 8601 date or date-time' }] });
  return d;
}

/** Region and priority-area codes (GB/T 2260 or project codes): allow-listed characters only. */
export const CODE_PATTERN = '^[A-Za-z0-9_.-]{1,64}$';
/** Scientific or Chinese names: letters (any script), marks, spaces and . - × ( ) only. */
export const TAXON_PATTERN = '^[\\p{L}\\p{M} .×()-]{1,200}$';

export const OccurrenceQuerySchema = Type.Object({
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
}, { additionalProperties: false });

export const occurrenceReadRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get('/v1/occurrences', {
    schema: {
      summary: 'Query occurrences (查询物种记录); JSON or GeoJSON (Accept: application/geo+json). Sensitive taxa generalised unless evaluator/admin',
      tags: ['api'],
      querystring: OccurrenceQuerySchema,
    },
  }, async (req, reply) => {
    const q = req.query;
    const limit = q.limit ?? 100;
    const cursors = await ctx.cursors();
    const rows = await readOccurrences(ctx.db, viewer(req), {
      bbox: q.bbox ? parseBbox(q.bbox) : undefined, region: q.region, priorityArea: q.priorityArea, taxon: q.taxon,
      protectionClass: q.protectionClass, from: parseDate('from', q.from), to: parseDate('to', q.to), eventID: q.eventID,
      basisOfRecord: q.basisOfRecord, reviewState: q.reviewState, limit, afterId: q.cursor ? cursors.decodeId(CURSOR_KIND, q.cursor) : undefined,
    });
    const nextCursor = rows.length === limit ? cursors.encode(CURSOR_KIND, [rows[rows.length - 1].id]) : null;
    if (wantsGeoJson(req)) {
      reply.type('application/geo+json');
      return toFeatureCollection(rows, { nextCursor, numberReturned: rows.length });
    }
    return { records: rows.map((x) => x.record), nextCursor };
  });

  r.get('/v1/occurrences/:occurrenceID', {
    schema: {
      summary: 'One occurrence with its history (记录详情与修改历史)',
      tags: ['api'],
      params: Type.Object({ occurrenceID: Type.String({ minLength: 1, maxLength: 200 }) }),
    },
  }, async (req) => {
    const v = viewer(req);
    const [row] = await readOccurrences(ctx.db, v, { occurrenceID: req.params.occurrenceID, limit: 1 });
    if (!row) throw new AppError('NOT_FOUND', `No occurrence ${req.params.occurrenceID}`);
    return { record: row.record, history: await readOccurrenceHistory(ctx.db, v, req.params.occurrenceID) };
  });

  r.post('/v1/occurrences/:occurrenceID/review', {
    schema: {
      summary: 'Review a record (审核): verified, rejected or unreviewed, with a comment kept in its history; `taxon` sets the record\'s taxon (a checklist name)',
      tags: ['api'],
      security: [{ bearer: [] }],
      params: Type.Object({ occurrenceID: Type.String({ minLength: 1, maxLength: 200 }) }),
      body: Type.Object({
        state: Type.Union(REVIEW_STATES.map((b) => Type.Literal(b))),
        comment: Type.Optional(Type.String({ maxLength: 4000 })),
        taxon: Type.Optional(Type.String({ pattern: TAXON_PATTERN, description: 'the record\'s taxon as the reviewer identifies it (scientific or Chinese name of the checklist): an unmatched name is no longer generalised unless the taxon is sensitive' })),
      }, { additionalProperties: false }),
    },
  }, async (req) => {
    const p = req.principal!;
    return reviewOccurrence(ctx.db, req.params.occurrenceID, req.body.state, req.body.comment ?? null, { tokenId: p.tokenId, role: p.role, team: p.team, label: p.label || p.role }, req.body.taxon ?? null);
  });
};
