import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { pageLimit } from '@biomon/core';
import type { AppContext } from '@biomon/runtime';
import { actorOf } from '@biomon/auth';
import {
  AGGREGATES,
  ID_PATTERN,
  MAX_QUERY_LIMIT,
  RESULT_TYPES,
  STATION_TYPES,
  queryDatastreamObservations,
  readStation,
  readStations,
  registerStation,
  rotateStationToken,
  stationHealth,
  updateStation,
} from '@biomon/stations';
import { errorResponses, ref } from '@biomon/http';
import { ObservationPage, RotatedToken, Station, StationHealth, StationList, StationWithToken } from '../schemas/stations.schemas';

// Shapes for validation of the envelope and for the OpenAPI document. Nullable and numeric-pair
// fields are left to the service (Ajv's type coercion would turn a null bound into 0), which
// names the failing field with a stable code.
const DatastreamBody = Type.Object(
  {
    datastreamId: Type.String({ pattern: ID_PATTERN.source, description: 'unique across all stations' }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    observedProperty: Type.String({ minLength: 1, maxLength: 200, description: 'e.g. air_temperature' }),
    unitOfMeasurement: Type.Object(
      {
        symbol: Type.String({ maxLength: 50 }),
        name: Type.Optional(Type.String({ maxLength: 500 })),
        definition: Type.Optional(Type.String({ maxLength: 500 })),
      },
      { additionalProperties: false },
    ),
    resultType: Type.Union(RESULT_TYPES.map((t) => Type.Literal(t))),
    validRange: Type.Optional(Type.Unknown({ description: '[min, max], inclusive; null for an open end (number and integer datastreams)' })),
    expectedIntervalSeconds: Type.Optional(Type.Unknown({ description: 'fixed interval in seconds, e.g. 600' })),
    expectedInterval: Type.Optional(Type.Unknown({ description: 'or an ISO 8601 duration: PT10M, P1D (calendar day), P1M (calendar month)' })),
  },
  { additionalProperties: false },
);

const StationFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.Unknown({ description: 'text or null' })),
  type: Type.Union(STATION_TYPES.map((t) => Type.Literal(t))),
  location: Type.Object(
    { type: Type.Literal('Point'), coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 3 }) },
    { description: 'GeoJSON Point, WGS84 [lon, lat]' },
  ),
  priorityArea: Type.Optional(Type.Unknown({ description: 'priority-area code (e.g. PA-CBS) or null' })),
  department: Type.Optional(Type.Unknown({ description: 'responsible department (责任部门), e.g. 省林草局, or null' })),
  timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA zone for calendar intervals and buckets; default Asia/Shanghai' })),
  properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
};

const StationParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN.source }) });
const Window = {
  from: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 date-time with offset, or a date (local midnight at the station)' })),
  to: Type.Optional(Type.String({ maxLength: 40 })),
};

/** The kind of the paging cursors of GET /v1/stations (sealed: @biomon/core CursorCodec). */
const CURSOR_KIND = 'stations';

/** Station management (admin) and station reads: registry, latest values, series, health. */
export const stationRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/v1/stations',
    {
      schema: {
        summary: 'Register a monitoring station (注册监测站点) with its datastreams; answers { station, token } — the token is shown this once',
        description:
          'SensorThings Thing + Datastreams. 409 CONFLICT (STATION_ID_TAKEN, DATASTREAM_ID_TAKEN) when an id is in use; if the answer was lost, rotate the token.',
        tags: ['api'],
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            stationId: Type.String({ pattern: ID_PATTERN.source }),
            ...StationFields,
            datastreams: Type.Array(DatastreamBody, { minItems: 1, maxItems: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: StationWithToken, ...errorResponses },
      },
    },
    async (req, reply) => {
      const res = await registerStation(ctx.db, req.body, { actor: actorOf(req.principal), route: 'POST /v1/stations' });
      reply.header('cache-control', 'no-store').status(201);
      return res;
    },
  );

  r.patch(
    '/v1/stations/:id',
    {
      schema: {
        summary: 'Change a station and add datastreams (修改站点、增加数据流)',
        description:
          'Fields given replace the stored ones. A datastream already on the station is updated (not its resultType: 409 RESULT_TYPE_IMMUTABLE); a new one is added.',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: StationParams,
        body: Type.Object(
          {
            name: Type.Optional(StationFields.name),
            description: StationFields.description,
            type: Type.Optional(StationFields.type),
            location: Type.Optional(StationFields.location),
            priorityArea: StationFields.priorityArea,
            department: StationFields.department,
            timeZone: StationFields.timeZone,
            properties: StationFields.properties,
            datastreams: Type.Optional(Type.Array(DatastreamBody, { maxItems: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ref(Station), ...errorResponses },
      },
    },
    async (req) => updateStation(ctx.db, req.params.id, req.body, { actor: actorOf(req.principal), route: 'PATCH /v1/stations/{id}' }),
  );

  r.post(
    '/v1/stations/:id/token',
    {
      schema: {
        summary: "Rotate a station's token (更换站点令牌): revokes its live tokens and answers the new one, shown this once",
        tags: ['api'],
        security: [{ bearer: [] }],
        params: StationParams,
        response: { 200: RotatedToken, ...errorResponses },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return rotateStationToken(ctx.db, req.params.id, { actor: actorOf(req.principal), route: 'POST /v1/stations/{id}/token' });
    },
  );

  r.get(
    '/v1/stations',
    {
      schema: {
        summary: 'List monitoring stations (站点列表) with their datastreams and last-seen time',
        description: 'Admin and evaluators see every station, a station token its own, a department token the stations it is responsible for.',
        tags: ['api'],
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            type: Type.Optional(Type.Union(STATION_TYPES.map((t) => Type.Literal(t)))),
            priorityArea: Type.Optional(Type.String({ maxLength: 64 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
            cursor: Type.Optional(Type.String({ maxLength: 400 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: StationList, ...errorResponses },
      },
    },
    async (req) => {
      const limit = pageLimit(req.query.limit, 100);
      const cursors = await ctx.cursors();
      const { stations, lastPk } = await readStations(ctx.dbRead, actorOf(req.principal), {
        type: req.query.type,
        priorityArea: req.query.priorityArea,
        limit,
        afterPk: req.query.cursor ? cursors.decodeId(CURSOR_KIND, req.query.cursor) : undefined,
      });
      return { stations, nextCursor: stations.length === limit && lastPk !== null ? cursors.encode(CURSOR_KIND, [lastPk]) : null };
    },
  );

  r.get(
    '/v1/stations/:id',
    {
      schema: {
        summary: 'One station with its datastreams and their latest values (站点详情与最新值)',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: StationParams,
        response: { 200: ref(Station), ...errorResponses },
      },
    },
    async (req) => readStation(ctx.db, actorOf(req.principal), req.params.id),
  );

  r.get(
    '/v1/stations/:id/health',
    {
      schema: {
        summary: 'Station health (站点运行状况): last seen, expected interval, gaps and completeness, default the last 7 days',
        description:
          "Completeness = observed slots / expected slots × 100 (slot k starts at from + k × interval; calendar intervals step in the station's time zone). A gap is a silence longer than 1.5 × the interval between consecutive observations; the window's ends count as observations just outside it.",
        tags: ['api'],
        security: [{ bearer: [] }],
        params: StationParams,
        querystring: Type.Object(Window, { additionalProperties: false }),
        response: { 200: ref(StationHealth), ...errorResponses },
      },
    },
    async (req) => stationHealth(ctx.db, actorOf(req.principal), req.params.id, req.query),
  );

  r.get(
    '/v1/datastreams/:id/observations',
    {
      schema: {
        summary: 'Observations of a datastream (数据流观测值), raw or aggregated in SQL (interval=1h&agg=avg|min|max|count)',
        description: `from inclusive, to exclusive. Without interval: observations in time order. With interval (15m, 1h, 1d, 1w, 1mo, 1y or ISO 8601): one value per non-empty bucket, aligned in the station's time zone. Up to ${MAX_QUERY_LIMIT} per page; follow nextCursor.`,
        tags: ['api'],
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.String({ pattern: ID_PATTERN.source }) }),
        querystring: Type.Object(
          {
            ...Window,
            interval: Type.Optional(Type.String({ maxLength: 20 })),
            agg: Type.Optional(Type.Union(AGGREGATES.map((a) => Type.Literal(a)))),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_QUERY_LIMIT, default: 1000 })),
            cursor: Type.Optional(Type.String({ maxLength: 400 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ref(ObservationPage), ...errorResponses },
      },
    },
    async (req) => queryDatastreamObservations(ctx.dbRead, actorOf(req.principal), req.params.id, req.query, await ctx.cursors()),
  );
};
