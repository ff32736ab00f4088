import { Type, type Static, type TSchema, type TObject, type TProperties, type ObjectOptions, type SchemaOptions } from '@fastify/type-provider-typebox';

/**
 * Building blocks of the routes' request and response schemas, shared by every app (ingest, api):
 * the platform's error body, date-times, nullable and open-ended values, GeoJSON and file answers.
 * The shapes of one area's answers live with the app that serves them (apps/api/src/schemas/,
 * apps/ingest/src/schemas.ts).
 *
 * fastify serialises an answer with its response schema (fast-json-stringify): a property the
 * schema does not declare is dropped, a null where the schema says number becomes 0 and "" where
 * it says string, an integer schema truncates a fraction. So: every property is declared, values
 * that may be null are `Nullable`, values that may be absent are `Type.Optional`, fractions are
 * `Type.Number`, and data that is open-ended by nature (unknown Darwin Core terms, the `biomon`
 * block, indicator details, import counts) stays open (`Open`, `additionalProperties: true`).
 * tests/replay compares the answers of a fixed list of requests with the ones recorded before the
 * schemas existed.
 */

/** The platform's one error format: `{ error: { code, message, details } }` (codes: packages/core/src/errors.ts). */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable code, e.g. VALIDATION_FAILED, NOT_FOUND, BATCH_REJECTED' }),
      message: Type.String(),
      details: Type.Optional(Type.Unknown({ description: 'e.g. { errors: [{ field, code, message }] } or { rejected: [...] }' })),
    }),
  },
  {
    $id: 'ErrorBody',
    description:
      'An error: 400 invalid request, 401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 413 too large, 415 content type, 422 nothing stored, 429 rate limited, 5xx server or dependency',
  },
);

/** A reference to a schema with an `$id` (registered with `app.addSchema`), typed as that schema. */
export function ref<T extends TSchema>(schema: T, options: SchemaOptions = {}) {
  if (!schema.$id) throw new Error('ref() needs a schema with an $id');
  return Type.Unsafe<Static<T>>(Type.Ref(schema.$id, options));
}

/** The error answers every route may give (the body is always ErrorBody). */
export const errorResponses = { '4xx': ref(ErrorBody), '5xx': ref(ErrorBody) };

/** T or null. */
export const Nullable = <T extends TSchema>(schema: T, options: SchemaOptions = {}) => Type.Union([schema, Type.Null()], options);

/**
 * An ISO 8601 date-time string; a Date from the database is written as its ISO string (UTC, ms),
 * as JSON.stringify writes it. Other strings (with an offset, microseconds) pass unchanged.
 */
export const DateTime = (options: SchemaOptions = {}) => Type.Unsafe<string | Date>({ type: 'string', format: 'date-time', ...options });

/** An object whose other properties are data (kept, not dropped). */
export const Open = <T extends TProperties>(properties: T, options: ObjectOptions = {}): TObject<T> =>
  Type.Object(properties, { additionalProperties: true, ...options });

/** Any JSON object (open-ended data: dynamicProperties, params, summaries). */
export const JsonObject = (options: ObjectOptions = {}) => Type.Object({}, { additionalProperties: true, ...options });

/**
 * The schema as documented and serialised, typed `unknown` for the handler: for values the
 * services type loosely (a jsonb column), whose documented shape the type checker cannot confirm.
 */
export const Loose = <T extends TSchema>(schema: T) => Type.Unsafe<unknown>(schema);

/** Any JSON value, written as JSON.stringify writes it. */
export const AnyJson = (options: SchemaOptions = {}) => Type.Unknown(options);

/** `{ field, code, message }`: one failing field of a request, record or row. */
export const FieldError = Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() });

/** A GeoJSON geometry (RFC 7946); coordinates as stored. */
export const Geometry = Open({
  type: Type.String({ description: 'Point, LineString, Polygon, MultiPolygon, …' }),
  coordinates: Type.Optional(Type.Unknown()),
  geometries: Type.Optional(Type.Unknown()),
});

/** A GeoJSON Feature whose properties are given by the caller (open when not). */
export const Feature = <P extends TSchema>(properties: P, options: ObjectOptions = {}) =>
  Open(
    {
      type: Type.String({ description: 'Feature' }),
      id: Type.Optional(Type.Union([Type.String(), Type.Number()])),
      geometry: Nullable(Geometry),
      properties: Nullable(properties),
    },
    options,
  );

/** A response of another media type than JSON: a file, a stream or a page (not serialised by fastify). */
export function fileResponse(description: string, mediaTypes: string[], options: { binary?: boolean } = {}) {
  const schema = Type.Unsafe<unknown>({ type: 'string', ...(options.binary ? { format: 'binary' } : {}) });
  return { description, content: Object.fromEntries(mediaTypes.map((m) => [m, { schema }])) };
}

/** One response of several media types: `{ 'application/json': schema, 'text/csv': … }`. */
export function contentResponse(description: string, content: Record<string, TSchema>) {
  return { description, content: Object.fromEntries(Object.entries(content).map(([m, schema]) => [m, { schema }])) };
}

/** What a text answer (CSV, HTML) of `contentResponse` is. */
export const Text = (options: SchemaOptions = {}) => Type.Unsafe<unknown>({ type: 'string', ...options });

/** No body (204, 304). */
export const NoContent = (description: string) => Type.Unsafe<void>(Type.Null({ description }));

/** Shared schemas (with an `$id`) of this package: added to every server by buildServer. */
export const HTTP_SCHEMAS: TSchema[] = [ErrorBody];
