import { Type } from '@fastify/type-provider-typebox';

const FieldError = Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() });

/** BRIEF §9: every batch endpoint answers with this body when anything was stored. */
export const BatchResultSchema = Type.Object({
  inserted: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  rejected: Type.Array(Type.Object({
    index: Type.Integer(),
    id: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    datastreamId: Type.Optional(Type.String()),
    errors: Type.Array(FieldError),
  })),
  warnings: Type.Array(Type.Object({
    index: Type.Integer(),
    id: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    flags: Type.Array(Type.String()),
    notes: Type.Optional(Type.Record(Type.String(), Type.String())),
  })),
});
