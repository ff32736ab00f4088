import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '@biomon/runtime';
import { actorOf } from '@biomon/auth';
import {
  ID_PATTERN,
  MAX_DATASTREAMS_PER_PUSH,
  MAX_OBSERVATIONS_PER_PUSH,
  ingestDataArrayPush,
  ingestNdjsonPush,
  readStationAhead,
  type StationRules,
} from '@biomon/stations';
import { errorResponses } from '@biomon/http';

/**
 * Body limits of a push. 50,000 dataArray rows are ~2.5 MB with numeric results
 * (`["2026-11-28T06:00:00.000+08:00",12.34],` ≈ 40 bytes) and leave ~160 bytes a row for long
 * string or json results within 8 MB. An NDJSON line repeats the datastreamId and the keys
 * (≈ 100–250 bytes), hence 16 MB. Larger backlogs are split into several pushes.
 */
export const STATION_JSON_BODY_LIMIT = 8 * 1024 * 1024;
export const STATION_NDJSON_BODY_LIMIT = 16 * 1024 * 1024;

const FieldError = Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() });

/** BRIEF §9 batch answer; rejections and warnings name the datastream and the row's index in it. */
export const ObservationBatchResultSchema = Type.Object({
  inserted: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  rejected: Type.Array(Type.Object({ datastreamId: Type.Optional(Type.String()), index: Type.Integer(), errors: Type.Array(FieldError) })),
  warnings: Type.Array(
    Type.Object({
      datastreamId: Type.Optional(Type.String()),
      index: Type.Integer(),
      flags: Type.Array(Type.String()),
      notes: Type.Optional(Type.Record(Type.String(), Type.String())),
    }),
  ),
});

const DataArrayPush = Type.Object(
  {
    datastreams: Type.Array(
      Type.Object(
        {
          datastreamId: Type.String({ minLength: 1, maxLength: 100 }),
          components: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 16 }),
          // rows are checked one by one by the service, so one bad row never fails the others
          dataArray: Type.Array(Type.Unknown(), { maxItems: MAX_OBSERVATIONS_PER_PUSH }),
        },
        { additionalProperties: true },
      ),
      { minItems: 1, maxItems: MAX_DATASTREAMS_PER_PUSH },
    ),
    atomic: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/**
 * Station pushes (SensorThings dataArray or NDJSON). The NDJSON parser and the JSON body limit are
 * registered in this plugin only, so they apply to this route and nowhere else.
 */
export const stationObservationRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: STATION_JSON_BODY_LIMIT }, app.getDefaultJsonParser('error', 'error'));
  // Kept as text: the service parses it line by line, so a bad line is one rejection, not a 400.
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string', bodyLimit: STATION_NDJSON_BODY_LIMIT }, (_req, body, done) => done(null, body));

  // the station's rules, read while the push's body arrives (route-level preParsing: after the batch
  // permit of @biomon/http batch-admission.ts, which app-level preParsing hooks take first)
  const stationAhead = new WeakMap<object, Promise<StationRules>>();
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    '/v1/stations/:id/observations',
    {
      config: { batchRecords: 'datastreams' },
      preParsing: async (req) => {
        const ahead = readStationAhead(ctx.dbBatch, (req.params as { id: string }).id, actorOf(req.principal));
        if (ahead) stationAhead.set(req, ahead);
      },
      schema: {
        summary: 'Push observations of a station (站点数据推送): SensorThings dataArray or NDJSON, idempotent on (datastream, phenomenonTime)',
        description: [
          `Only the station's own token (or admin). Up to ${MAX_OBSERVATIONS_PER_PUSH.toLocaleString('en')} observations a push;`,
          `application/json up to 8 MB: { "datastreams": [{ "datastreamId", "components": ["phenomenonTime", "result"], "dataArray": [[time, result], …] }] };`,
          'application/x-ndjson up to 16 MB: one { "datastreamId", "phenomenonTime", "result" } per line (index = line number from 0).',
          'phenomenonTime needs an offset (TIME_OFFSET_MISSING) and may be at most 10 minutes ahead (TIME_IN_FUTURE); results must match the',
          "datastream's resultType (RESULT_TYPE_MISMATCH), be finite (RESULT_NOT_FINITE) and within validRange (RESULT_OUT_OF_RANGE).",
          'The same value again is `unchanged`; another value for a stored time is `updated` and the old value kept in history.',
          '200 when anything was stored (valid rows are stored even when others are rejected); 422 BATCH_REJECTED when nothing was,',
          'or when `atomic` (body field or ?atomic=true) was asked and anything was rejected.',
        ].join(' '),
        tags: ['ingest'],
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.String({ pattern: ID_PATTERN.source }) }),
        querystring: Type.Object({ atomic: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        body: {
          content: {
            'application/json': { schema: DataArrayPush },
            'application/x-ndjson': { schema: Type.String({ description: 'one JSON object per line: { "datastreamId", "phenomenonTime", "result" }' }) },
          },
        },
        response: { 200: ObservationBatchResultSchema, ...errorResponses },
      },
    },
    async (req) => {
      const actor = actorOf(req.principal);
      const body = req.body as unknown;
      const atomic = req.query.atomic === true || (typeof body === 'object' && body !== null && (body as { atomic?: unknown }).atomic === true);
      const opts = { actor, atomic, route: 'POST /v1/stations/{id}/observations', stationAhead: stationAhead.get(req) };
      // both read the push's rows out of the body before they first wait: from here the parsed body is
      // garbage, and dropping the request's reference lets the young generation free it instead of
      // copying up to 8 MB of small objects at every collection while the push waits on the database
      const pending =
        typeof body === 'string' ? ingestNdjsonPush(ctx.dbBatch, req.params.id, body, opts) : ingestDataArrayPush(ctx.dbBatch, req.params.id, body, opts);
      req.body = undefined;
      return pending;
    },
  );
};
