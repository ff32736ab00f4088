import { Type } from '@fastify/type-provider-typebox';
import { AnyJson, DateTime, Nullable, ref } from '@biomon/http';

/** Answers of the audit log and /v1/me. */

export const AuditEntry = Type.Object(
  {
    id: Type.Integer(),
    at: DateTime(),
    tokenId: Nullable(Type.String()),
    role: Type.String(),
    actor: Type.String(),
    action: Type.String({ description: 'e.g. occurrences.upsert, stations.create' }),
    route: Nullable(Type.String()),
    entity: Type.String(),
    entityIds: Type.Array(Type.String()),
    summary: AnyJson({ description: 'what the write did (counts, changes); open-ended' }),
  },
  { $id: 'AuditEntry' },
);

export const Me = Type.Object({
  role: Type.String(),
  label: Type.String(),
  team: Nullable(Type.String()),
  stationId: Nullable(Type.String()),
  departmentId: Nullable(Type.Integer()),
  departmentName: Nullable(Type.String()),
});

export const SYSTEM_SCHEMAS = [AuditEntry];

export const AuditPage = Type.Object({
  entries: Type.Array(ref(AuditEntry), { description: 'newest first' }),
  nextCursor: Nullable(Type.String({ description: 'the next page: ?cursor=…' })),
});
