import { Type } from '@fastify/type-provider-typebox';

const FieldError = Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() });

/** BRIEF §9: every batch endpoint answers with this body when anything was stored. */
export const BatchResultSchema = Type.Object(
  {
    inserted: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    rejected: Type.Array(
      Type.Object({
        index: Type.Integer(),
        id: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        datastreamId: Type.Optional(Type.String()),
        errors: Type.Array(FieldError),
      }),
    ),
    warnings: Type.Array(
      Type.Object({
        index: Type.Integer(),
        id: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        flags: Type.Array(Type.String()),
        notes: Type.Optional(Type.Record(Type.String(), Type.String())),
      }),
    ),
  },
  { $id: 'BatchResult' },
);

/** 202 of POST /v1/imports: the import's id (the same file again answers the first import's). */
export const ImportAcceptedSchema = Type.Object({
  importId: Type.String(),
  duplicate: Type.Boolean({ description: 'the same file (content hash, mapping and CRS) was uploaded before: its import' }),
  status: Type.String({ description: 'queued, running, completed or failed' }),
});

/** The ingest app's shared schemas (with an `$id`): added at the root by buildServer (ingestModule.schemas). */
export const INGEST_SCHEMAS = [BatchResultSchema];
