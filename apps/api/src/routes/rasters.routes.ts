import type {} from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import multipart from '@fastify/multipart';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '@biomon/core';
import { DateTime, errorResponses, fileResponse, JsonObject, Nullable, readSingleFile } from '@biomon/http';
import type { AppContext } from '@biomon/runtime';
import { actorOf } from '@biomon/auth';
import {
  FVC_SCALES,
  MAX_RASTER_UPLOAD_BYTES,
  RASTER_KINDS,
  getRaster,
  listRasters,
  rasterLegend,
  rasterTile,
  requestRasterZonal,
  uploadRaster,
  type FvcScale,
  type RasterKind,
} from '@biomon/rasters';

const RasterDataset = Type.Object({
  datasetId: Type.Integer(),
  kind: Type.String({ description: 'ndvi, fvc, land-cover or elevation' }),
  version: Type.Integer({ description: 'version of this kind (1, 2, …): every upload is a new immutable version' }),
  year: Type.Integer({ description: 'vintage year' }),
  source: Type.String(),
  fileName: Type.String(),
  status: Type.String({ description: 'processing, ready or failed; the raster’s other routes answer 409 RASTER_NOT_READY until ready' }),
  error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
  crs: Type.Object({ epsg: Nullable(Type.Integer()), geographic: Type.Boolean(), wkt: Type.String() }),
  width: Type.Integer(),
  height: Type.Integer(),
  pixelSize: Type.Array(Type.Number(), { description: '[width, height] of a pixel in CRS units' }),
  geoTransform: Type.Array(Type.Number()),
  bandType: Type.String(),
  nodata: Nullable(Type.Number()),
  scale: Type.Number(),
  offset: Type.Number(),
  fvcScale: Nullable(Type.String({ description: 'fvc only: fraction (0–1) or percent (0–100)' })),
  classMap: Nullable(JsonObject({ description: 'land-cover only: raster code → vector land-cover class' })),
  unit: Type.String(),
  stats: Nullable(JsonObject({ description: 'plain pixel statistics after scale and offset (gdalinfo -stats), not area-weighted' })),
  bbox: Nullable(Type.Array(Type.Number(), { description: 'WGS84 [minLon, minLat, maxLon, maxLat]' })),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  createdAt: DateTime(),
  readyAt: Nullable(DateTime()),
});

const ZonalAnswer = Type.Object({
  rasterId: Type.Integer(),
  kind: Type.String(),
  unit: Type.String(),
  zoneDataset: Type.Object({ datasetId: Type.Integer(), kind: Type.String() }),
  methodVersion: Type.Integer(),
  results: Type.Array(
    Type.Object({
      regionCode: Type.String({ description: 'the zone: a region code, a protected area’s id, a land-cover class or an ecosystem type' }),
      name: Type.String(),
      mean: Nullable(Type.Number({ description: 'Σ value·area / Σ area over the valid pixels whose centre lies in the zone' })),
      min: Nullable(Type.Number()),
      max: Nullable(Type.Number()),
      validAreaKm2: Type.Number({ description: 'Σ of those pixels’ areas on the WGS84 ellipsoid' }),
      pixels: Type.Integer(),
      classes: Type.Optional(
        Type.Array(
          Type.Object({
            code: Type.Number(),
            class: Nullable(Type.String({ description: 'the vector land-cover class of the code (the dataset’s class table)' })),
            areaKm2: Type.Number(),
            pixels: Type.Integer(),
          }),
          { description: 'land-cover rasters only: area of each class code in the zone, on the WGS84 ellipsoid' },
        ),
      ),
    }),
  ),
});

const ZonalComputing = Type.Object(
  {
    status: Type.Literal('computing'),
    rasterId: Type.Integer(),
    zoneDataset: Type.Object({ datasetId: Type.Integer(), kind: Type.String() }),
    pendingZones: Type.Integer({ description: 'zones whose statistics are not stored yet' }),
    pixels: Type.Integer({ description: 'the raster’s pixels (width × height), above BIOMON_ZONAL_JOB_MIN_PIXELS' }),
    retryAfterSeconds: Type.Integer({ description: 'when to ask again (the Retry-After header says the same)' }),
  },
  {
    description:
      '正在计算 · a worker job computes the statistics of this large raster (once, however often it is asked); ask again after Retry-After seconds: 200 once they are stored',
  },
);

const codeList = (s: string | undefined, field: string): string[] | undefined => {
  if (s === undefined) return undefined;
  const codes = s
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  if (!codes.length || codes.length > 1000) {
    throw new AppError('VALIDATION_FAILED', `${field}: 1 to 1000 comma-separated codes`, {
      errors: [{ field, code: 'INVALID', message: '1 to 1000 comma-separated codes' }],
    });
  }
  return codes;
};

/**
 * Raster datasets (遥感栅格): upload (admin, evaluator; GeoTIFF/COG ≤ 200 MB, 202 while the worker
 * converts it), metadata and area-true zonal statistics (public: rasters hold no occurrence data).
 * Multipart is registered here only, for this plugin's routes.
 */
export const rasterRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(multipart, { limits: { fileSize: MAX_RASTER_UPLOAD_BYTES, files: 1, fields: 0, parts: 1, headerPairs: 100 } });
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/v1/rasters/:kind',
    {
      schema: {
        summary: 'Upload a raster (上传遥感栅格) as a new immutable version: a one-band GeoTIFF/COG, at most 200 MB — 202 while it is processed',
        description:
          'multipart/form-data with one part "file". Any CRS GDAL/PROJ knows; nodata, scale and offset are honoured. A file GDAL cannot read is 422 RASTER_UNREADABLE; ' +
          'more than one band, a rotated or south-up geotransform, a data type other than (U)Int8–32 or Float32/64, or no CRS is 422 RASTER_UNSUPPORTED (details name the reason). ' +
          'Larger files: `biomon rasters import KIND FILE` (streamed). fvc takes `scale=fraction|percent` (default: percent when the maximum exceeds 1); ' +
          'land-cover takes `classMap` (JSON: raster code → land-cover class; default: the CLCD codes).',
        tags: ['api'],
        security: [{ bearer: [] }],
        consumes: ['multipart/form-data'],
        params: Type.Object({ kind: Type.Union(RASTER_KINDS.map((k) => Type.Literal(k))) }),
        querystring: Type.Object(
          {
            year: Type.Integer({ minimum: 1900, maximum: 2100 }),
            source: Type.Optional(Type.String({ maxLength: 300 })),
            scale: Type.Optional(Type.Union(FVC_SCALES.map((s) => Type.Literal(s)))),
            classMap: Type.Optional(Type.String({ maxLength: 10_000 })),
          },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ datasetId: Type.Integer(), version: Type.Integer(), status: Type.String() }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req.principal);
      const kind = req.params.kind as RasterKind;
      if (req.query.scale && kind !== 'fvc') {
        throw new AppError('VALIDATION_FAILED', 'scale applies to fvc rasters only', {
          errors: [{ field: 'querystring.scale', code: 'ONLY_FVC', message: 'scale applies to fvc only' }],
        });
      }
      let classMap: Record<string, string> | undefined;
      if (req.query.classMap !== undefined) {
        if (kind !== 'land-cover') {
          throw new AppError('VALIDATION_FAILED', 'classMap applies to land-cover rasters only', {
            errors: [{ field: 'querystring.classMap', code: 'ONLY_LAND_COVER', message: 'classMap applies to land-cover only' }],
          });
        }
        try {
          classMap = JSON.parse(req.query.classMap) as Record<string, string>;
          if (!classMap || typeof classMap !== 'object' || Array.isArray(classMap)) throw new Error('not an object');
        } catch {
          throw new AppError('VALIDATION_FAILED', 'classMap is a JSON object', {
            errors: [{ field: 'querystring.classMap', code: 'BAD_JSON', message: 'a JSON object: code → class' }],
          });
        }
      }
      const part = await readSingleFile(req);
      const out = await uploadRaster(
        ctx.db,
        actor,
        part.file,
        { kind, year: req.query.year, source: req.query.source, fvcScale: req.query.scale as FvcScale | undefined, classMap, fileName: part.filename },
        { fileStoreDir: ctx.config.fileStoreDir, truncated: () => part.file.truncated, route: `POST /v1/rasters/${kind}` },
      );
      return reply.status(202).send(out);
    },
  );

  r.get(
    '/v1/rasters',
    {
      schema: {
        summary: 'Raster dataset versions (遥感栅格版本列表), with their status',
        tags: ['api'],
        querystring: Type.Object({ kind: Type.Optional(Type.Union(RASTER_KINDS.map((k) => Type.Literal(k)))) }, { additionalProperties: false }),
        response: { 200: Type.Object({ datasets: Type.Array(RasterDataset) }), ...errorResponses },
      },
    },
    async (req) => ({ datasets: await listRasters(ctx.dbRead, req.query.kind as RasterKind | undefined) }),
  );

  r.get(
    '/v1/rasters/:id',
    {
      schema: {
        summary: 'One raster dataset: CRS, grid, nodata, scale/offset, statistics and status (poll it after an upload)',
        tags: ['api'],
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: RasterDataset, ...errorResponses },
      },
    },
    async (req) => getRaster(ctx.db, req.params.id),
  );

  r.get(
    '/v1/rasters/:id/zonal',
    {
      schema: {
        summary: 'Area-true zonal statistics (分区统计，按椭球面积加权) of a raster over regions, protected areas or any polygon layer',
        description:
          'A pixel counts for a zone when its centre lies in the zone; every statistic is weighted by the pixel’s own area on the WGS84 ellipsoid; nodata pixels are left out. ' +
          'Zones: `regionCodes` of the newest regions version (all when absent), or of `regions=<datasetId>`; `layer=<datasetId>` for protected areas (by id), land cover (by class) or ecosystems (by type), with `regionCodes` selecting among them. ' +
          '409 RASTER_NOT_READY while the raster is processed. ' +
          'Statistics are stored once computed (per raster, zone dataset and zone). For a raster of more than BIOMON_ZONAL_JOB_MIN_PIXELS pixels (default 50,000,000) ' +
          'whose statistics are not stored yet, a worker job computes them: the answer is 202 `{ status: "computing" }` with Retry-After, and the same request answers 200 once they are stored.',
        tags: ['api'],
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object(
          {
            regionCodes: Type.Optional(Type.String({ maxLength: 20_000 })),
            regions: Type.Optional(Type.Integer({ minimum: 1 })),
            layer: Type.Optional(Type.Integer({ minimum: 1 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ZonalAnswer, 202: ZonalComputing, ...errorResponses },
      },
    },
    async (req, reply) => {
      const out = await requestRasterZonal(
        ctx.db,
        ctx.config.fileStoreDir,
        req.params.id,
        { codes: codeList(req.query.regionCodes, 'regionCodes'), regions: req.query.regions, layer: req.query.layer },
        { jobMinPixels: ctx.config.zonalJobMinPixels },
      );
      if ('status' in out) return reply.status(202).header('retry-after', String(out.retryAfterSeconds)).send(out);
      return out;
    },
  );

  r.get(
    '/tiles/rasters/:id/:z/:x/:y.png',
    {
      schema: {
        summary:
          'A raster as PNG map tiles (栅格瓦片, Web Mercator 256 × 256): NDVI/FVC/elevation ramps, the land-cover palette; transparent where there is no data',
        tags: ['api'],
        params: Type.Object({
          id: Type.Integer({ minimum: 1 }),
          z: Type.Integer({ minimum: 0, maximum: 22 }),
          x: Type.Integer({ minimum: 0 }),
          y: Type.Integer({ minimum: 0 }),
        }),
        response: { 200: fileResponse('A PNG tile', ['image/png'], { binary: true }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const png = await rasterTile(ctx.db, ctx.config.fileStoreDir, req.params.id, req.params.z, req.params.x, req.params.y);
      // a raster version never changes: its tiles may be cached for a day
      reply.type('image/png').header('cache-control', 'public, max-age=86400');
      return reply.send(png);
    },
  );

  r.get(
    '/tiles/rasters/:id/legend.json',
    {
      schema: {
        summary: 'The legend of a raster’s tiles (图例): a colour ramp, or the land-cover classes with codes and colours',
        tags: ['api'],
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: {
          200: Type.Object({
            rasterId: Type.Integer(),
            kind: Type.String(),
            unit: Type.String(),
            type: Type.String({ description: 'ramp or classes' }),
            stops: Type.Array(Type.Object({ value: Type.Number(), color: Type.String() })),
            classes: Type.Array(Type.Object({ code: Type.Number(), class: Type.String(), labelZh: Type.String(), color: Type.String() })),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => rasterLegend(ctx.db, ctx.config.fileStoreDir, req.params.id),
  );
};
