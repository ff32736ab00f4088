import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '@biomon/core';
import type { AppContext } from '@biomon/runtime';
import { buildTile, parseOccurrenceFilter, tileJson, MAX_TILE_ZOOM, ROLE_DEPENDENT, TILE_LAYERS, type TileLayer } from '@biomon/opendata';
import { actorOf } from '@biomon/auth';
import { NoContent, errorResponses, fileResponse } from '@biomon/http';
import { TileJson, TileLayers } from '../schemas/opendata.schemas';
import { CODE_PATTERN, TAXON_PATTERN } from './occurrences.routes';

/** Filters of the occurrences layer (those of GET /v1/occurrences but bbox and paging): the dashboard's map filters. */
const TileFilterQuery = Type.Object({
  taxon: Type.Optional(Type.String({ pattern: TAXON_PATTERN })),
  region: Type.Optional(Type.String({ pattern: CODE_PATTERN })),
  protectionClass: Type.Optional(Type.Union([Type.Literal('I'), Type.Literal('II')])),
  from: Type.Optional(Type.String({ maxLength: 40 })),
  to: Type.Optional(Type.String({ maxLength: 40 })),
});

const Layer = Type.Union(TILE_LAYERS.map((l) => Type.Literal(l)));
export const MVT_TYPE = 'application/vnd.mapbox-vector-tile';

/**
 * Vector tiles (MVT, built by PostGIS) and TileJSON per layer. No token needed (BRIEF §8): the
 * public gets generalised occurrences and camera traps, cacheable by anyone; with a token the
 * role's own view (evaluators exact), so those responses are private and vary by Authorization.
 */
export const tileRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = (req: { protocol: string; host: string }) => `${req.protocol}://${req.host}`;

  r.get(
    '/tiles',
    { schema: { summary: 'Vector tile layers and their TileJSON documents', tags: ['tiles'], response: { 200: TileLayers, ...errorResponses } } },
    async (req) => ({
      layers: TILE_LAYERS.map((l) => ({ id: l, tilejson: `${base(req)}/tiles/${l}/tilejson.json`, tiles: `${base(req)}/tiles/${l}/{z}/{x}/{y}.mvt` })),
    }),
  );

  r.get(
    '/tiles/:layer/tilejson.json',
    { schema: { summary: 'TileJSON 3.0 of a layer', tags: ['tiles'], params: Type.Object({ layer: Layer }), response: { 200: TileJson, ...errorResponses } } },
    async (req, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return tileJson(req.params.layer as TileLayer, base(req));
    },
  );

  r.get(
    '/tiles/:layer/:z/:x/:y.mvt',
    {
      schema: {
        summary: 'A Mapbox vector tile (z/x/y, Web Mercator); occurrences clustered at low zoom, sensitive taxa generalised unless evaluator/admin',
        tags: ['tiles'],
        params: Type.Object({
          layer: Layer,
          z: Type.Integer({ minimum: 0, maximum: MAX_TILE_ZOOM }),
          x: Type.Integer({ minimum: 0 }),
          y: Type.Integer({ minimum: 0 }),
        }),
        querystring: TileFilterQuery,
        headers: Type.Object({ 'if-none-match': Type.Optional(Type.String({ description: 'the ETag of a copy you hold: 304 when unchanged' })) }),
        response: {
          200: fileResponse('The tile (Mapbox Vector Tile 2.1)', [MVT_TYPE], { binary: true }),
          304: NoContent('Not modified: the ETag matched'),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const { z, x, y } = req.params;
      const layer = req.params.layer as TileLayer;
      if (x >= 2 ** z || y >= 2 ** z) {
        throw new AppError('VALIDATION_FAILED', `tile ${z}/${x}/${y} does not exist`, {
          errors: [{ field: 'params', code: 'TILE_OUT_OF_RANGE', message: `x and y must be below 2^z (${2 ** z})` }],
        });
      }
      const q = req.query;
      const filter = layer === 'occurrences' && Object.values(q).some((v) => v !== undefined) ? parseOccurrenceFilter(q) : undefined;
      const tile = await buildTile(ctx.dbRead, layer, z, x, y, actorOf(req.principal), { filter });
      const etag = `"${createHash('sha1').update(tile).digest('base64url')}"`;
      const personal = ROLE_DEPENDENT[layer] && Boolean(req.headers.authorization);
      reply
        .header('vary', 'Authorization')
        .header('etag', etag)
        .header('cache-control', personal ? 'private, max-age=60' : `public, max-age=${ROLE_DEPENDENT[layer] ? 300 : 3600}`);
      if (req.headers['if-none-match'] === etag) return reply.status(304).send();
      reply.type(MVT_TYPE);
      return reply.send(tile);
    },
  );
};
