import type {} from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import multipart from '@fastify/multipart';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AnyJson, Nullable, Text, contentResponse, errorResponses, readSingleFile, safeJsonParser } from '@biomon/http';
import type { AppContext } from '@biomon/runtime';
import { actorOf } from '@biomon/auth';
import { INPUT_CRS, type InputCrs } from '@biomon/layers';
import { AppError } from '@biomon/core';
import {
  MAX_BUFFER_KM,
  MAX_FOOTPRINT_BYTES,
  createScreening,
  footprintFromFile,
  footprintFromGeoJson,
  getScreening,
  rerunScreening,
  screeningReportHtml,
} from '@biomon/screening';

const Crs = Type.Union(INPUT_CRS.map((c) => Type.Literal(c)));
const Buffers = Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: MAX_BUFFER_KM }), { minItems: 1, maxItems: 5 });
const DatasetIds = Type.Object(
  {
    protectedAreas: Type.Optional(Type.Integer({ minimum: 1 })),
    landCover: Type.Optional(Type.Integer({ minimum: 1 })),
    ecosystems: Type.Optional(Type.Integer({ minimum: 1 })),
    regions: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

const JsonBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 300, description: '项目名称 the project' }),
    footprint: Type.Object({}, { additionalProperties: true, description: 'GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection of polygons' }),
    buffersKm: Type.Optional(Buffers),
    speciesYears: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'records of the last N years (default 10)' })),
    crs: Type.Optional(Crs),
    datasets: Type.Optional(DatasetIds),
  },
  { additionalProperties: false },
);

/** Parameters of a file upload (multipart/form-data with one part "file"), in the query string. */
const UploadQuery = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    buffersKm: Type.Optional(Type.String({ maxLength: 100, pattern: '^\\s*\\d+(\\.\\d+)?(\\s*,\\s*\\d+(\\.\\d+)?)*\\s*$', description: 'e.g. 1,5,10' })),
    speciesYears: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    crs: Type.Optional(Crs),
  },
  { additionalProperties: false },
);

const Started = Type.Object({ screeningId: Type.String({ format: 'uuid' }), rerunOf: Type.Optional(Type.String({ format: 'uuid' })) });

const Screening = Type.Object(
  {
    screeningId: Type.String({ format: 'uuid' }),
    name: Type.String(),
    status: Type.Union(['queued', 'running', 'completed', 'failed'].map((s) => Type.Literal(s))),
    createdAt: Type.String(),
    startedAt: Nullable(Type.String()),
    finishedAt: Nullable(Type.String()),
    asOf: Type.String(),
    requestedBy: Type.Object({ role: Type.String(), label: Type.String() }),
    rerunOf: Nullable(Type.String()),
    buffersKm: Type.Array(Type.Number()),
    speciesYears: Type.Integer(),
    datasets: Type.Object({
      protectedAreas: Nullable(Type.Integer()),
      landCover: Nullable(Type.Integer()),
      ecosystems: Nullable(Type.Integer()),
      regions: Nullable(Type.Integer()),
    }),
    rulesVersion: Type.String(),
    source: AnyJson({ description: 'how the footprint was read: format, file name, CRS, polygons, repair' }),
    footprint: AnyJson({ description: 'the footprint as stored (GeoJSON MultiPolygon, WGS84)' }),
    footprintHa: Type.Number(),
    error: Nullable(Type.String()),
    result: Nullable(
      AnyJson({
        description:
          'once completed: protected areas (zone, overlap ha, distance, per buffer), species (below evaluator: sensitive species by 1/5/10 km band from their 10 km cells, counts under 3 as "<3", no distance), land cover, ecosystems, natural wetland, ledger tasks, indicators, verdict with the rules that fired',
      }),
    ),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

function parseBuffers(s: string | undefined): number[] | undefined {
  if (!s) return undefined;
  return s.split(',').map((x) => Number(x.trim()));
}

/**
 * Project impact screening (建设项目生物多样性影响筛查, ledger task 29, issue 19): a footprint in, 202,
 * and the worker's answer — protected areas and zones, protected species within the buffers
 * (generalised for callers below evaluator), land cover, ecosystems, natural wetland, the ledger
 * tasks and indicators concerned and a verdict — as JSON and an A4 HTML report. Multipart is
 * registered here only, for this plugin's routes.
 */
export const screeningRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(multipart, { limits: { fileSize: MAX_FOOTPRINT_BYTES, files: 1, fields: 0, parts: 1, headerPairs: 100 } });
  app.addContentTypeParser('application/geo+json', { parseAs: 'string', bodyLimit: MAX_FOOTPRINT_BYTES }, safeJsonParser(app));
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/v1/screenings',
    {
      bodyLimit: MAX_FOOTPRINT_BYTES,
      schema: {
        summary: 'Screen a project footprint (项目影响筛查): 202 with its id; the worker computes it within seconds',
        description:
          'Either JSON `{ name, footprint (GeoJSON polygons), buffersKm (default [5]), speciesYears (default 10), crs (wgs84|gcj02|bd09), datasets }`, ' +
          'or multipart/form-data with one part "file" — GeoJSON, KML, KMZ or a zipped shapefile — and `name`, `buffersKm=1,5,10`, `speciesYears`, `crs` in the query string. ' +
          'A footprint that is not polygons is 422 FOOTPRINT_INVALID naming the field.',
        tags: ['api'],
        security: [{ bearer: [] }],
        querystring: UploadQuery,
        body: { content: { 'application/json': { schema: JsonBody }, 'application/geo+json': { schema: JsonBody } } } as never,
        consumes: ['application/json', 'multipart/form-data'],
        response: { 202: Started, ...errorResponses },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req.principal);
      if (req.isMultipart()) {
        const part = await readSingleFile(req);
        const buf = await part.toBuffer();
        if (part.file.truncated) throw new AppError('BODY_TOO_LARGE', `a footprint file may be at most ${MAX_FOOTPRINT_BYTES / 1024 / 1024} MB`);
        const q = req.query;
        const footprint = await footprintFromFile(buf, part.filename || 'footprint', 'file', (q.crs as InputCrs | undefined) ?? 'wgs84');
        const name = q.name ?? (part.filename || 'footprint').replace(/\.[^.]+$/, '');
        const out = await createScreening(ctx.db, actor, {
          name,
          footprint,
          footprintField: 'file',
          buffersKm: parseBuffers(q.buffersKm),
          speciesYears: q.speciesYears,
        });
        return reply.status(202).send(out);
      }
      if (req.body === undefined || req.body === null)
        throw new AppError('VALIDATION_FAILED', 'send JSON with name and footprint, or multipart/form-data with a "file" part', {
          errors: [{ field: 'body', code: 'BODY_REQUIRED', message: 'a body is required' }],
        });
      const b = req.body as Static<typeof JsonBody>;
      const footprint = footprintFromGeoJson(b.footprint, 'body.footprint', (b.crs as InputCrs | undefined) ?? 'wgs84');
      const out = await createScreening(ctx.db, actor, {
        name: b.name,
        footprint,
        footprintField: 'body.footprint',
        buffersKm: b.buffersKm,
        speciesYears: b.speciesYears,
        datasets: b.datasets,
      });
      return reply.status(202).send(out);
    },
  );

  r.post(
    '/v1/screenings/:id/rerun',
    {
      schema: {
        summary: 'Re-run a screening on the newest data (重新筛查): a new screening of the same footprint, buffers and window; the old one stays',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 202: Started, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(202).send(await rerunScreening(ctx.db, actorOf(req.principal), req.params.id)),
  );

  r.get(
    '/v1/screenings/:id',
    {
      schema: {
        summary: 'A screening (筛查结果): status, inputs, dataset versions and, once completed, the result as the caller may see it (immutable)',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: Screening, ...errorResponses },
      },
    },
    async (req) => getScreening(ctx.db, actorOf(req.principal), req.params.id),
  );

  r.get(
    '/v1/screenings/:id/report.html',
    {
      schema: {
        summary: 'The A4 screening report in Chinese (筛查报告): map, tables, verdict; 409 until completed',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: contentResponse('The report as one HTML page', { 'text/html': Text() }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const html = await screeningReportHtml(ctx.db, actorOf(req.principal), req.params.id);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'private, no-cache').send(html);
    },
  );
};
