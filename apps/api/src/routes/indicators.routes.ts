import type {} from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '@biomon/core';
import type { AppContext } from '@biomon/runtime';
import { actorOf } from '@biomon/auth';
import {
  INDICATORS,
  INDICATOR_CODES,
  METHOD_VERSION,
  IndicatorValuesCache,
  createIndicatorRun,
  etagMatches,
  getIndicatorRun,
  indicatorDefinition,
} from '@biomon/indicators';
import { NoContent, errorResponses, ref } from '@biomon/http';
import { IndicatorList, IndicatorRun, IndicatorValues, RunStarted } from '../schemas/indicators.schemas';

const DatasetIds = Type.Object(
  {
    regions: Type.Optional(Type.Integer({ minimum: 1 })),
    protectedAreas: Type.Optional(Type.Integer({ minimum: 1 })),
    landCover: Type.Optional(Type.Integer({ minimum: 1 })),
    grasslandPlots: Type.Optional(Type.Integer({ minimum: 1 })),
    ecosystems: Type.Optional(Type.Integer({ minimum: 1 })),
    /** an NDVI raster dataset (GET /v1/rasters) for grassland_vegetation_cover_rs */
    ndvi: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export const indicatorRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const valuesCache = new IndicatorValuesCache();

  r.get(
    '/v1/indicators',
    {
      schema: {
        summary: 'Indicator definitions (指标定义): names in Chinese and English, formulas, 2025 and 2035 targets',
        tags: ['api'],
        response: { 200: IndicatorList, ...errorResponses },
      },
    },
    async () => ({ methodVersion: METHOD_VERSION, indicators: INDICATORS }),
  );

  r.get(
    '/v1/indicators/:code/values',
    {
      schema: {
        summary: 'Latest completed value of an indicator per region and year (指标最新值), with its run id',
        tags: ['api'],
        params: Type.Object({ code: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object(
          { region: Type.Optional(Type.String({ maxLength: 64 })), year: Type.Optional(Type.Integer({ minimum: 1990, maximum: 2100 })) },
          { additionalProperties: false },
        ),
        headers: Type.Object({
          'if-none-match': Type.Optional(Type.String({ description: 'the ETag of a copy you hold: 304 when unchanged (a newer completed run changes it)' })),
        }),
        response: { 200: IndicatorValues, 304: NoContent('Not modified: the ETag matched'), ...errorResponses },
      },
    },
    async (req, reply) => {
      if (!indicatorDefinition(req.params.code)) throw new AppError('NOT_FOUND', `No indicator ${req.params.code}; known: ${INDICATOR_CODES.join(', ')}`);
      // one answer per completed run (and view), serialised once (@biomon/indicators IndicatorValuesCache)
      const viewer = actorOf(req.principal);
      const { body, etag } = await valuesCache.get(ctx.dbRead, req.params.code, req.query, viewer, (payload) => reply.serialize(payload) as string);
      reply
        .header('etag', etag)
        .header('vary', 'Authorization')
        .header('cache-control', req.headers.authorization ? 'private, no-cache' : 'public, no-cache');
      if (etagMatches(req.headers['if-none-match'], etag)) return reply.status(304).send();
      // already serialised by this route's serializer: a JSON string is sent as it is
      return reply.type('application/json; charset=utf-8').send(body as never);
    },
  );

  r.post(
    '/v1/indicator-runs',
    {
      schema: {
        summary: 'Start an indicator run (计算指标): 202 with its id; the worker computes it',
        tags: ['api'],
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            year: Type.Integer({ minimum: 1990, maximum: 2100 }),
            regions: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 500 })),
            indicators: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 })),
            datasets: Type.Optional(DatasetIds),
            params: Type.Optional(
              Type.Object(
                {
                  speciesWindowYears: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
                  ecosystemThreshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
                  ecosystemMinAreaHa: Type.Optional(Type.Number({ minimum: 0, maximum: 1e6 })),
                  speciesMaxUncertaintyM: Type.Optional(Type.Number({ minimum: 1, maximum: 1e6 })),
                  speciesRequireVerified: Type.Optional(Type.Boolean()),
                  dispersalDistanceKm: Type.Optional(
                    Type.Union([Type.Number(), Type.Array(Type.Number(), { minItems: 1, maxItems: 10 })], {
                      description: 'pa_connectivity: median dispersal distance(s) in km, one result per distance (default 10)',
                    }),
                  ),
                  probabilityAtDistance: Type.Optional(Type.Number({ description: 'pa_connectivity: p at the dispersal distance, 0 < p < 1 (default 0.5)' })),
                  connectivityLinkThreshold: Type.Optional(
                    Type.Number({ description: 'pa_connectivity: links with p* at or above this are kept for the map, 0 < t ≤ 1 (default 0.5)' }),
                  ),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 202: RunStarted, ...errorResponses },
      },
    },
    async (req, reply) => {
      const out = await createIndicatorRun(ctx.db, req.body, actorOf(req.principal));
      return reply.status(202).send(out);
    },
  );

  r.get(
    '/v1/indicator-runs/:runId',
    {
      schema: {
        summary: 'An indicator run: status, progress and, once completed, its results (immutable)',
        tags: ['api'],
        params: Type.Object({ runId: Type.String({ format: 'uuid' }) }),
        response: { 200: ref(IndicatorRun), ...errorResponses },
      },
    },
    async (req) => {
      const run = await getIndicatorRun(ctx.db, req.params.runId, actorOf(req.principal));
      if (!run) throw new AppError('NOT_FOUND', `No indicator run ${req.params.runId}`);
      return run;
    },
  );
};
