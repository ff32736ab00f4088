import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, parseBbox, parseDateRange } from '@biomon/core';
import { actorOf } from '@biomon/auth';
import type { AppContext } from '@biomon/runtime';
import {
  CRS84,
  GEOJSON,
  JSON_TYPE,
  OGC_DEFAULT_LIMIT,
  OGC_MAX_LIMIT,
  OPENAPI_TYPE,
  collectionsDoc,
  conformance,
  itemDoc,
  itemsDoc,
  landingPage,
  oneCollectionDoc,
  parseOccurrenceFilter,
} from '@biomon/opendata';
import { BASIS_OF_RECORD, REVIEW_STATES } from '@biomon/occurrences';
import { CODE_PATTERN, TAXON_PATTERN } from './occurrences.routes';
import { JsonObject, contentResponse, errorResponses, ref } from '@biomon/http';
import { OgcCollection, OgcCollections, OgcConformance, OgcItem, OgcItems, OgcLandingPage } from '../schemas/opendata.schemas';

/** The absolute base of the OGC API as the client reached it (links must be absolute for GIS clients). */
function base(req: FastifyRequest): { base: string } {
  return { base: `${req.protocol}://${req.host}/ogc` };
}

/** No token: the public (generalised) view, cacheable by anyone; a token: the role's own view, private. */
function cacheHeaders(req: FastifyRequest, reply: FastifyReply, roleDependent: boolean): void {
  reply.header('vary', 'Authorization, Accept');
  reply.header('cache-control', roleDependent && req.headers.authorization ? 'private, max-age=60' : 'public, max-age=60');
}

const F = Type.Optional(
  Type.Union([Type.Literal('json'), Type.Literal('geojson')], { description: 'json: application/json; geojson (default for features): application/geo+json' }),
);
const CollectionParams = Type.Object({ collectionId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });

const ItemsQuery = Type.Object(
  {
    bbox: Type.Optional(Type.String({ maxLength: 200, description: 'minLon,minLat,maxLon,maxLat (CRS84)' })),
    'bbox-crs': Type.Optional(Type.Literal(CRS84)),
    datetime: Type.Optional(Type.String({ maxLength: 80, description: 'RFC 3339 instant, a date, or an interval start/end (.. for open)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: OGC_MAX_LIMIT, default: OGC_DEFAULT_LIMIT })),
    next: Type.Optional(Type.String({ maxLength: 400, description: 'position from a next link (opaque)' })),
    f: F,
    // the occurrence filters of GET /v1/occurrences (occurrences collection only)
    region: Type.Optional(Type.String({ pattern: CODE_PATTERN })),
    priorityArea: Type.Optional(Type.String({ pattern: CODE_PATTERN })),
    taxon: Type.Optional(Type.String({ pattern: TAXON_PATTERN })),
    protectionClass: Type.Optional(Type.Union([Type.Literal('I'), Type.Literal('II')])),
    eventID: Type.Optional(Type.String({ maxLength: 200 })),
    basisOfRecord: Type.Optional(Type.Union(BASIS_OF_RECORD.map((b) => Type.Literal(b)))),
    reviewState: Type.Optional(Type.Union(REVIEW_STATES.map((b) => Type.Literal(b)))),
  },
  { additionalProperties: false },
);

const OCCURRENCE_ONLY = ['region', 'priorityArea', 'taxon', 'protectionClass', 'eventID', 'basisOfRecord', 'reviewState'] as const;

/**
 * OGC API – Features – Part 1 (Core, GeoJSON, OpenAPI 3.0) under /ogc. No token needed (BRIEF §8):
 * without one, occurrences and sensitive events are generalised; with one, the role's own view.
 */
export const ogcRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['ogc'];

  r.get(
    '/ogc',
    { schema: { summary: 'OGC API – Features landing page', tags, querystring: Type.Object({ f: F }), response: { 200: OgcLandingPage, ...errorResponses } } },
    async (req, reply) => {
      reply.type(JSON_TYPE).header('cache-control', 'public, max-age=300');
      return landingPage(base(req));
    },
  );

  r.get(
    '/ogc/api',
    {
      schema: {
        summary: 'The API definition (OpenAPI 3.0)',
        tags,
        querystring: Type.Object({ f: F }),
        response: { 200: contentResponse("This server's OpenAPI 3.0 document", { 'application/vnd.oai.openapi+json': JsonObject() }), ...errorResponses },
      },
    },
    async (_req, reply) => {
      reply.type(OPENAPI_TYPE).header('cache-control', 'public, max-age=300');
      return app.swagger();
    },
  );

  r.get(
    '/ogc/conformance',
    {
      schema: {
        summary: 'Conformance classes: core, geojson, oas30',
        tags,
        querystring: Type.Object({ f: F }),
        response: { 200: OgcConformance, ...errorResponses },
      },
    },
    async (_req, reply) => {
      reply.type(JSON_TYPE).header('cache-control', 'public, max-age=300');
      return conformance();
    },
  );

  r.get(
    '/ogc/collections',
    {
      schema: {
        summary: 'Feature collections (extents of what the caller may see)',
        tags,
        querystring: Type.Object({ f: F }),
        response: { 200: OgcCollections, ...errorResponses },
      },
    },
    async (req, reply) => {
      reply.type(JSON_TYPE);
      cacheHeaders(req, reply, true);
      return collectionsDoc(ctx.dbRead, base(req), actorOf(req.principal));
    },
  );

  r.get(
    '/ogc/collections/:collectionId',
    {
      schema: {
        summary: 'One feature collection',
        tags,
        params: CollectionParams,
        querystring: Type.Object({ f: F }),
        response: { 200: ref(OgcCollection), ...errorResponses },
      },
    },
    async (req, reply) => {
      reply.type(JSON_TYPE);
      cacheHeaders(req, reply, true);
      return oneCollectionDoc(ctx.dbRead, req.params.collectionId, base(req), actorOf(req.principal));
    },
  );

  r.get(
    '/ogc/collections/:collectionId/items',
    {
      schema: {
        summary: 'Features of a collection: bbox (CRS84), datetime, limit, next; occurrences also take the GET /v1/occurrences filters',
        tags,
        params: CollectionParams,
        querystring: ItemsQuery,
        response: {
          200: contentResponse('A page of features: GeoJSON, or JSON with f=json', { 'application/geo+json': OgcItems, 'application/json': OgcItems }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const id = req.params.collectionId;
      const extra = OCCURRENCE_ONLY.filter((k) => q[k] !== undefined);
      if (extra.length && id !== 'occurrences') {
        throw new AppError('VALIDATION_FAILED', `${extra.join(', ')} apply to the occurrences collection only`, {
          errors: extra.map((k) => ({ field: `querystring.${k}`, code: 'PARAM_NOT_SUPPORTED', message: 'only for the occurrences collection' })),
        });
      }
      const { from, to } = parseDateRange(q.datetime);
      const params = Object.fromEntries(
        Object.entries(q)
          .filter(([k, v]) => v !== undefined && k !== 'next')
          .map(([k, v]) => [k, String(v)]),
      );
      const asJson = q.f === 'json';
      const doc = await itemsDoc(
        ctx.dbRead,
        id,
        {
          bbox: q.bbox ? parseBbox(q.bbox) : undefined,
          from,
          to,
          limit: q.limit ?? OGC_DEFAULT_LIMIT,
          next: q.next || undefined,
          occurrence:
            id === 'occurrences'
              ? parseOccurrenceFilter({
                  region: q.region,
                  priorityArea: q.priorityArea,
                  taxon: q.taxon,
                  protectionClass: q.protectionClass,
                  eventID: q.eventID,
                  basisOfRecord: q.basisOfRecord,
                  reviewState: q.reviewState,
                })
              : undefined,
          params,
          asJson,
        },
        actorOf(req.principal),
        base(req),
        await ctx.cursors(),
      );
      reply.type(asJson ? JSON_TYPE : GEOJSON);
      cacheHeaders(req, reply, true);
      return doc;
    },
  );

  r.get(
    '/ogc/collections/:collectionId/items/:featureId',
    {
      schema: {
        summary: 'One feature',
        tags,
        params: Type.Object({ collectionId: CollectionParams.properties.collectionId, featureId: Type.String({ minLength: 1, maxLength: 300 }) }),
        querystring: Type.Object({ f: F }),
        response: {
          200: contentResponse('The feature: GeoJSON, or JSON with f=json', { 'application/geo+json': OgcItem, 'application/json': OgcItem }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const asJson = req.query.f === 'json';
      const doc = await itemDoc(ctx.dbRead, req.params.collectionId, req.params.featureId, actorOf(req.principal), base(req), asJson);
      reply.type(asJson ? JSON_TYPE : GEOJSON);
      cacheHeaders(req, reply, true);
      return doc;
    },
  );
};
