import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, parseBbox } from '@biomon/core';
import type { AppContext } from '@biomon/runtime';
import { landCoverChange, landCoverChangeAreas } from '@biomon/indicators';
import { errorResponses, ref } from '@biomon/http';
import { LandCoverChange, LandCoverChangeAreas } from '../schemas/land-cover.schemas';

const REGION_CODES = /^[^,]{1,64}(,[^,]{1,64}){0,199}$/;

const SOURCE = Type.Optional(
  Type.Union([Type.Literal('vector'), Type.Literal('raster')], {
    description:
      'vector (default): from/to are land-cover layer versions (GET /v1/layers?kind=land-cover); raster: from/to are land-cover rasters (GET /v1/rasters?kind=land-cover), from of an earlier year than to — pixels cross-tabulated, each weighted by its ellipsoidal area; a to raster on another grid is warped onto the from grid (nearest neighbour)',
  }),
);

/** Land-cover change detection (土地覆盖变化, task 27): public, like indicator values. */
export const landCoverRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/v1/land-cover/change',
    {
      schema: {
        summary:
          'Land-cover change between two versions (土地覆盖变化): area changed from each class to each other class (ha), per region, inside the counted protected areas, per protected area',
        tags: ['api'],
        querystring: Type.Object(
          {
            from: Type.Integer({
              minimum: 1,
              description: 'the older land-cover dataset id (GET /v1/layers?kind=land-cover), or raster id with source=raster',
            }),
            to: Type.Integer({ minimum: 1, description: 'the newer land-cover dataset id, or raster id with source=raster' }),
            regionCodes: Type.Optional(
              Type.String({ maxLength: 4000, description: 'comma-separated region codes; default every region of the newest regions version' }),
            ),
            source: SOURCE,
          },
          { additionalProperties: false },
        ),
        response: { 200: ref(LandCoverChange), ...errorResponses },
      },
    },
    async (req) => {
      const { from, to, regionCodes, source } = req.query;
      if (regionCodes !== undefined && !REGION_CODES.test(regionCodes))
        throw new AppError('VALIDATION_FAILED', 'regionCodes: comma-separated codes (at most 200)', {
          errors: [{ field: 'regionCodes', code: 'INVALID', message: 'comma-separated region codes, at most 200' }],
        });
      const codes = regionCodes?.split(',').map((c) => c.trim());
      // stored matrices are read from the replica; a small pair not stored yet is computed on the primary
      return landCoverChange(ctx.dbRead, ctx.db, { from, to, regionCodes: codes, source }, { fileStoreDir: ctx.config.fileStoreDir });
    },
  );

  r.get(
    '/v1/land-cover/change/areas',
    {
      schema: {
        summary: 'Where the land cover changed between two versions (变化图斑), as GeoJSON: the change layer of the map, largest pieces first',
        tags: ['api'],
        querystring: Type.Object(
          {
            from: Type.Integer({ minimum: 1 }),
            to: Type.Integer({ minimum: 1 }),
            bbox: Type.Optional(Type.String({ maxLength: 200, description: 'minLon,minLat,maxLon,maxLat (WGS84)' })),
            forestLoss: Type.Optional(Type.Boolean({ description: 'only forest that became another class' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20_000, default: 5000 })),
            source: SOURCE,
          },
          { additionalProperties: false },
        ),
        response: { 200: ref(LandCoverChangeAreas), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const bbox = q.bbox !== undefined ? parseBbox(q.bbox) : undefined;
      return landCoverChangeAreas(
        ctx.dbRead,
        ctx.db,
        { from: q.from, to: q.to, bbox, forestLoss: q.forestLoss, limit: q.limit ?? 5000, source: q.source },
        { fileStoreDir: ctx.config.fileStoreDir },
      );
    },
  );
};
