import type {} from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, parseBbox } from '@biomon/core';
import { safeJsonParser } from '@biomon/http';
import type { AppContext } from '@biomon/runtime';
import { sql } from '@biomon/db';
import { actorOf, writeAudit } from '@biomon/auth';
import { QUEUES, writeOutbox } from '@biomon/queue';
import { importLayer, INPUT_CRS, LAYER_KINDS, type GeoJsonFeature, type InputCrs, type LayerKind } from '@biomon/layers';
import { contentResponse, errorResponses } from '@biomon/http';
import { LayerDatasetDetail, LayerDatasetList, LayerFeatureCollection, LayerImported } from '../schemas/layers.schemas';

/** Layer uploads are bounded at 50 MB a request; larger files go through `biomon layers import` (streamed). */
export const LAYER_BODY_LIMIT = 50 * 1024 * 1024;

const KIND_TABLE: Record<LayerKind, string> = { regions: 'regions', 'protected-areas': 'protected_areas', 'land-cover': 'land_cover', 'grassland-plots': 'grassland_plots', ecosystems: 'ecosystems' };

export const layerRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  // GeoJSON arrives as application/geo+json too; parsed like JSON (prototype poisoning refused).
  app.addContentTypeParser('application/geo+json', { parseAs: 'string', bodyLimit: LAYER_BODY_LIMIT }, safeJsonParser(app));
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/v1/layers/:kind', {
    bodyLimit: LAYER_BODY_LIMIT,
    schema: {
      summary: 'Upload a reference layer (上传参考图层) as a new immutable dataset version: GeoJSON FeatureCollection, up to 50 MB',
      tags: ['api'],
      security: [{ bearer: [] }],
      params: Type.Object({ kind: Type.Union(LAYER_KINDS.map((k) => Type.Literal(k))) }),
      querystring: Type.Object({
        year: Type.Integer({ minimum: 1900, maximum: 2100 }),
        source: Type.Optional(Type.String({ maxLength: 300 })),
        crs: Type.Optional(Type.Union(INPUT_CRS.map((c) => Type.Literal(c)))),
      }, { additionalProperties: false }),
      body: Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Unknown(), { maxItems: 500_000 }) }, { additionalProperties: true }),
      response: { 200: LayerImported, ...errorResponses },
    },
  }, async (req) => {
    const actor = actorOf(req.principal);
    const kind = req.params.kind as LayerKind;
    const result = await ctx.db.transaction().execute(async (tx) => {
      const res = await importLayer(tx, req.body.features as GeoJsonFeature[], { kind, year: req.query.year, source: req.query.source ?? '', crs: (req.query.crs ?? 'wgs84') as InputCrs, createdBy: actor.tokenId });
      // occurrences' enrichment and indicators follow the new version (worker, through the outbox)
      await writeOutbox(tx, [{ queue: QUEUES.system, jobName: 'data-changed', payload: { kind, datasetId: res.datasetId } }]);
      await writeAudit(tx, actor, { action: 'layers.create', entity: 'layer_dataset', entityIds: [res.datasetId], route: `POST /v1/layers/${kind}`, summary: { features: res.features, repaired: res.repaired.length, rejected: res.rejected.length } });
      return res;
    });
    return result;
  });

  r.get('/v1/layers', {
    schema: { summary: 'Layer dataset versions (图层版本列表)', tags: ['api'], querystring: Type.Object({ kind: Type.Optional(Type.Union(LAYER_KINDS.map((k) => Type.Literal(k)))) }, { additionalProperties: false }), response: { 200: LayerDatasetList, ...errorResponses } },
  }, async (req) => {
    let q = ctx.db.selectFrom('layer_datasets').select(['id', 'kind', 'vintage_year', 'source', 'name', 'crs_in', 'feature_count', 'created_at']).orderBy('kind').orderBy('vintage_year', 'desc').orderBy('id', 'desc');
    if (req.query.kind) q = q.where('kind', '=', req.query.kind);
    const rows = await q.execute();
    return { datasets: rows.map((d) => ({ datasetId: d.id, kind: d.kind, year: d.vintage_year, source: d.source, name: d.name, crs: d.crs_in, features: d.feature_count, createdAt: d.created_at })) };
  });

  r.get('/v1/layers/:datasetId', {
    schema: { summary: 'One layer dataset version with its import report', tags: ['api'], params: Type.Object({ datasetId: Type.Integer({ minimum: 1 }) }), response: { 200: LayerDatasetDetail, ...errorResponses } },
  }, async (req) => {
    const d = await ctx.db.selectFrom('layer_datasets').selectAll().where('id', '=', req.params.datasetId).executeTakeFirst();
    if (!d) throw new AppError('NOT_FOUND', `No layer dataset ${req.params.datasetId}`);
    const report = d.report as { repaired?: unknown[]; rejected?: unknown[]; warnings?: unknown[] };
    return { datasetId: d.id, kind: d.kind, year: d.vintage_year, source: d.source, name: d.name, crs: d.crs_in, features: d.feature_count, contentHash: d.content_hash, createdAt: d.created_at, repaired: report.repaired ?? [], rejected: report.rejected ?? [], warnings: report.warnings ?? [] };
  });

  r.get('/v1/layers/:datasetId/features', {
    schema: {
      summary: 'Features of a layer dataset as GeoJSON, optionally within a bbox',
      tags: ['api'],
      params: Type.Object({ datasetId: Type.Integer({ minimum: 1 }) }),
      querystring: Type.Object({ bbox: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50_000, default: 10_000 })) }, { additionalProperties: false }),
      response: { 200: contentResponse('A GeoJSON FeatureCollection', { 'application/geo+json': LayerFeatureCollection }), ...errorResponses },
    },
  }, async (req, reply) => {
    const d = await ctx.db.selectFrom('layer_datasets').select(['id', 'kind']).where('id', '=', req.params.datasetId).executeTakeFirst();
    if (!d) throw new AppError('NOT_FOUND', `No layer dataset ${req.params.datasetId}`);
    let bboxCond = sql`true`;
    if (req.query.bbox) {
      const b = parseBbox(req.query.bbox);
      bboxCond = sql`geom && ST_MakeEnvelope(${b[0]}, ${b[1]}, ${b[2]}, ${b[3]}, 4326)`;
    }
    // table name from the fixed kind → table map, never from input
    const table = KIND_TABLE[d.kind as LayerKind];
    const rows = await sql<{ f: unknown }>`
      SELECT json_build_object('type', 'Feature', 'id', id, 'geometry', ST_AsGeoJSON(geom, 6)::json, 'properties', properties) AS f
      FROM ${sql.table(table)} WHERE dataset_id = ${d.id} AND ${bboxCond} ORDER BY id LIMIT ${req.query.limit ?? 10_000}`.execute(ctx.db);
    reply.type('application/geo+json');
    return { type: 'FeatureCollection', datasetId: d.id, kind: d.kind, features: rows.rows.map((x) => x.f) };
  });
};
