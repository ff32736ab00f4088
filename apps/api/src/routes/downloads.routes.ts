import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { parseDate } from '@biomon/core';
import type { AppContext } from '@biomon/runtime';
import { actorOf } from '@biomon/auth';
import { observationStationScope, stationOfDatastream } from '@biomon/stations';
import {
  CONTENT_TYPES,
  indicatorResultsDownload,
  layerDownload,
  observationsDownload,
  occurrencesDownload,
  parseOccurrenceFilter,
  type DownloadFormat,
  type ObservationScope,
} from '@biomon/opendata';
import { ExportFilterSchema } from './exports.routes';
import { DOWNLOAD_RESPONSE } from '../schemas/opendata.schemas';

const Format = Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('geojson')], { default: 'csv', description: 'csv (UTF-8 with BOM) or geojson' }));
const ID = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$';

/**
 * Sends a generated body as a stream. The first chunk is awaited before the status line goes out,
 * so that an error in the query (a bad filter, a lost database) is still an ordinary HTTP error.
 */
async function sendStream(reply: FastifyReply, body: AsyncGenerator<string>, format: DownloadFormat, fileName: string): Promise<FastifyReply> {
  const first = await body.next();
  async function* all() {
    if (!first.done) yield first.value;
    yield* body;
  }
  const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  reply
    .type(CONTENT_TYPES[format])
    .header('content-disposition', `attachment; filename="${fileName}-${stamp}.${format === 'csv' ? 'csv' : 'geojson'}"`)
    .header('cache-control', 'private, no-store');
  return reply.send(Readable.from(all(), { objectMode: false }));
}

/** Streamed CSV/GeoJSON downloads (BRIEF §4): occurrences (generalised per role), station observations, layers, indicator results. */
export const downloadRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  // downloads stream from the standby while it is up (AppContext.readStream), else from the primary
  const pool = ctx.readStream;

  r.get(
    '/v1/downloads/occurrences',
    {
      schema: {
        summary:
          'Download occurrences (下载物种记录) as CSV or GeoJSON, streamed, with the filters of GET /v1/occurrences; sensitive taxa generalised unless evaluator/admin',
        tags: ['api'],
        querystring: Type.Composite([ExportFilterSchema, Type.Object({ format: Format })], { additionalProperties: false }),
        response: DOWNLOAD_RESPONSE,
      },
    },
    async (req, reply) => {
      const { format = 'csv', ...filters } = req.query;
      const body = occurrencesDownload(pool, ctx.db, parseOccurrenceFilter(filters), actorOf(req.principal), format);
      return sendStream(reply, body, format, 'biomon-occurrences');
    },
  );

  r.get(
    '/v1/downloads/observations',
    {
      schema: {
        summary: 'Download station observations (下载监测数据) as CSV or GeoJSON, streamed; station tokens get their own station, departments name a station',
        tags: ['api'],
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            station: Type.Optional(Type.String({ pattern: ID })),
            datastream: Type.Optional(Type.String({ pattern: ID })),
            from: Type.Optional(Type.String({ maxLength: 40 })),
            to: Type.Optional(Type.String({ maxLength: 40 })),
            format: Format,
          },
          { additionalProperties: false },
        ),
        response: DOWNLOAD_RESPONSE,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const actor = actorOf(req.principal);
      const stationId = q.datastream ? await stationOfDatastream(ctx.db, q.datastream, q.station) : q.station;
      const scope: ObservationScope = { datastreamId: q.datastream, from: parseDate('querystring.from', q.from), to: parseDate('querystring.to', q.to) };
      const stationIds = await observationStationScope(ctx.db, actor, stationId);
      if (stationIds) scope.stationIds = stationIds;
      const format = q.format ?? 'csv';
      return sendStream(
        reply,
        observationsDownload(pool, ctx.db, scope, actor, format),
        format,
        stationId ? `biomon-observations-${stationId}` : 'biomon-observations',
      );
    },
  );

  r.get(
    '/v1/downloads/layers/:datasetId',
    {
      schema: {
        summary: 'Download a layer dataset version (下载图层) as CSV (WKT geometry) or GeoJSON, streamed',
        tags: ['api'],
        params: Type.Object({ datasetId: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object({ format: Format }, { additionalProperties: false }),
        response: DOWNLOAD_RESPONSE,
      },
    },
    async (req, reply) => {
      const format = req.query.format ?? 'csv';
      const d = await layerDownload(pool, ctx.db, req.params.datasetId, format);
      return sendStream(reply, d.body, format, `biomon-${d.kind}-${d.year}-${req.params.datasetId}`);
    },
  );

  r.get(
    '/v1/downloads/indicator-results',
    {
      schema: {
        summary: 'Download indicator results by region (下载指标结果): the newest completed value per indicator, region and year; CSV or GeoJSON',
        tags: ['api'],
        querystring: Type.Object(
          {
            fromYear: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2100 })),
            toYear: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2100 })),
            format: Format,
          },
          { additionalProperties: false },
        ),
        response: DOWNLOAD_RESPONSE,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const format = q.format ?? 'csv';
      const body = indicatorResultsDownload(
        pool,
        ctx.db,
        {
          from: q.fromYear ? new Date(Date.UTC(q.fromYear, 0, 1)) : undefined,
          to: q.toYear ? new Date(Date.UTC(q.toYear, 11, 31)) : undefined,
        },
        format,
      );
      return sendStream(reply, body, format, 'biomon-indicator-results');
    },
  );
};
