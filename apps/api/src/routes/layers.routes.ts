import type {} from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { safeJsonParser } from '@biomon/http';
import type { AppContext } from '@biomon/runtime';
import { actorOf } from '@biomon/auth';
import {
  getLayer,
  getLayerFeatures,
  INPUT_CRS,
  LAYER_KINDS,
  listLayers,
  uploadLayer,
  type GeoJsonFeature,
  type InputCrs,
  type LayerKind,
} from '@biomon/layers';
import { contentResponse, errorResponses } from '@biomon/http';
import { LayerDatasetDetail, LayerDatasetList, LayerFeatureCollection, LayerImported } from '../schemas/layers.schemas';

/** Layer uploads are bounded at 50 MB a request; larger files go through `biomon layers import` (streamed). */
export const LAYER_BODY_LIMIT = 50 * 1024 * 1024;

export const layerRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  // GeoJSON arrives as application/geo+json too; parsed like JSON (prototype poisoning refused).
  app.addContentTypeParser('application/geo+json', { parseAs: 'string', bodyLimit: LAYER_BODY_LIMIT }, safeJsonParser(app));
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/v1/layers/:kind',
    {
      bodyLimit: LAYER_BODY_LIMIT,
      schema: {
        summary: 'Upload a reference layer (上传参考图层) as a new immutable dataset version: GeoJSON FeatureCollection, up to 50 MB',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: Type.Object({ kind: Type.Union(LAYER_KINDS.map((k) => Type.Literal(k))) }),
        querystring: Type.Object(
          {
            year: Type.Integer({ minimum: 1900, maximum: 2100 }),
            source: Type.Optional(Type.String({ maxLength: 300 })),
            crs: Type.Optional(Type.Union(INPUT_CRS.map((c) => Type.Literal(c)))),
          },
          { additionalProperties: false },
        ),
        body: Type.Object(
          { type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Unknown(), { maxItems: 500_000 }) },
          { additionalProperties: true },
        ),
        response: { 200: LayerImported, ...errorResponses },
      },
    },
    async (req) => {
      const actor = actorOf(req.principal);
      const kind = req.params.kind as LayerKind;
      // one transaction: the dataset, the outbox row (enrichment and indicators follow it) and the audit record
      return uploadLayer(
        ctx.db,
        actor,
        req.body.features as GeoJsonFeature[],
        { kind, year: req.query.year, source: req.query.source, crs: req.query.crs as InputCrs | undefined },
        `POST /v1/layers/${kind}`,
      );
    },
  );

  r.get(
    '/v1/layers',
    {
      schema: {
        summary: 'Layer dataset versions (图层版本列表)',
        tags: ['api'],
        querystring: Type.Object({ kind: Type.Optional(Type.Union(LAYER_KINDS.map((k) => Type.Literal(k)))) }, { additionalProperties: false }),
        response: { 200: LayerDatasetList, ...errorResponses },
      },
    },
    async (req) => {
      return { datasets: await listLayers(ctx.dbRead, req.query.kind as LayerKind | undefined) };
    },
  );

  r.get(
    '/v1/layers/:datasetId',
    {
      schema: {
        summary: 'One layer dataset version with its import report',
        tags: ['api'],
        params: Type.Object({ datasetId: Type.Integer({ minimum: 1 }) }),
        response: { 200: LayerDatasetDetail, ...errorResponses },
      },
    },
    async (req) => {
      return getLayer(ctx.db, req.params.datasetId);
    },
  );

  r.get(
    '/v1/layers/:datasetId/features',
    {
      schema: {
        summary: 'Features of a layer dataset as GeoJSON, optionally within a bbox',
        tags: ['api'],
        params: Type.Object({ datasetId: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object(
          { bbox: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50_000, default: 10_000 })) },
          { additionalProperties: false },
        ),
        response: { 200: contentResponse('A GeoJSON FeatureCollection', { 'application/geo+json': LayerFeatureCollection }), ...errorResponses },
      },
    },
    async (req, reply) => {
      // the bbox is parsed after the dataset is found (an unknown dataset is 404 whatever the bbox)
      const fc = await getLayerFeatures(ctx.db, req.params.datasetId, { bbox: req.query.bbox, limit: req.query.limit ?? 10_000 });
      reply.type('application/geo+json');
      return fc;
    },
  );
};
