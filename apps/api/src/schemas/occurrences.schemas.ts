import { Type } from '@fastify/type-provider-typebox';
import { DateTime, Geometry, JsonObject, Loose, Nullable, Open, ref } from '@biomon/http';

/**
 * Occurrences as the API shows them (packages/sensitive: one projection per viewer). A record is
 * Darwin Core: the terms it was uploaded with (and, for callers who see it exactly, unknown ones),
 * the few the platform computes, and the `biomon` block — open-ended, so nothing is dropped.
 */

export const TaxonBlock = Open({
  acceptedName: Type.String(),
  chineseName: Nullable(Type.String()),
  rank: Type.String(),
  match: Nullable(Type.String({ description: 'exact, synonym, higherrank, …' })),
  protectionClass: Nullable(Type.String({ description: 'I or II (national list of 2021)' })),
});

export const BiomonBlock = Open(
  {
    version: Type.Integer({ description: "the record's version (If-Match / version on upload)" }),
    flags: Type.Array(Type.String(), { description: 'quality flags, e.g. BASIS_OF_RECORD_ASSUMED' }),
    regionCodes: Nullable(Type.Array(Type.String())),
    priorityArea: Nullable(Type.String()),
    inCountedProtectedArea: Nullable(Type.Boolean()),
    taxon: Nullable(TaxonBlock, { description: 'the checklist taxon the name matched; null when it matched none' }),
    generalised: Type.Boolean({ description: 'shown at the centre of its 10 km cell to this caller' }),
    createdAt: Type.String({ description: 'a date-time, or the day only when generalised' }),
    updatedAt: Type.String(),
  },
  { description: 'what the platform knows of the record (open-ended)' },
);

export const Occurrence = Open(
  {
    occurrenceID: Type.Optional(
      Type.String({ description: 'withheld from a generalised record when it looks like a coordinate (five or more digits in a row, a decimal number, …)' }),
    ),
    basisOfRecord: Type.Optional(Type.String()),
    scientificName: Type.Optional(Type.String()),
    eventDate: Type.Optional(Type.String()),
    year: Type.Optional(Nullable(Type.Integer())),
    month: Type.Optional(Nullable(Type.Integer())),
    decimalLatitude: Nullable(Type.Number()),
    decimalLongitude: Nullable(Type.Number()),
    geodeticDatum: Type.Optional(Type.String()),
    identificationVerificationStatus: Type.Optional(Type.String({ description: 'unreviewed, verified or rejected' })),
    dataGeneralizations: Type.Optional(Type.String()),
    informationWithheld: Type.Optional(Type.String()),
    dynamicProperties: Type.Optional(Type.String({ description: 'JSON text: the columns and keys that map to no Darwin Core term' })),
    biomon: BiomonBlock,
  },
  { $id: 'Occurrence', description: 'A Darwin Core occurrence; every other term it carries is included as uploaded' },
);

/** A record as the services type it (a JSON object built in SQL), documented as Occurrence. */
export const OccurrenceRecord = Loose(ref(Occurrence));

export const OccurrenceList = Type.Object({ records: Type.Array(OccurrenceRecord), nextCursor: Nullable(Type.String()) });

export const OccurrenceFeatureCollection = Open({
  type: Type.String({ description: 'FeatureCollection' }),
  features: Type.Array(
    Open({
      type: Type.String({ description: 'Feature' }),
      id: Type.String(),
      geometry: Geometry,
      properties: OccurrenceRecord,
    }),
  ),
  nextCursor: Nullable(Type.String()),
  numberReturned: Type.Integer(),
});

export const HistoryEntry = Type.Object({
  version: Type.Integer(),
  action: Type.String(),
  at: DateTime({ description: 'a date-time, or the day only for a record that was ever sensitive (below evaluator)' }),
  role: Type.String(),
  actor: Type.Optional(Type.String()),
  changes: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'field → [before, after]' })),
  changedFields: Type.Optional(
    Type.Array(Type.String(), { description: 'for a record that was ever sensitive, below evaluator: which fields changed, never a value' }),
  ),
  comment: Type.Optional(Nullable(Type.String())),
});

export const OccurrenceDetail = Type.Object({ record: OccurrenceRecord, history: Type.Array(HistoryEntry) });

export const ReviewAnswer = Type.Object({
  occurrenceID: Type.String(),
  reviewState: Type.String(),
  previous: Type.String(),
  taxon: Type.Optional(Type.String({ description: 'the taxon set by the review' })),
});

/** An import: its status, progress, counts and how each column was mapped. */
export const ImportStatus = Type.Object(
  {
    importId: Type.String(),
    fileName: Type.String(),
    sizeBytes: Type.Integer(),
    format: Nullable(Type.String({ description: 'xlsx, xls, csv, gpx, kml, kmz, dwca, camtrap-dp' })),
    status: Type.String({ description: 'queued, running, completed or failed' }),
    progress: Type.Object({ rowsDone: Type.Integer(), rowsTotal: Nullable(Type.Integer()), percent: Nullable(Type.Number()) }),
    counts: Loose(
      Open(
        {
          inserted: Type.Optional(Type.Integer()),
          updated: Type.Optional(Type.Integer()),
          unchanged: Type.Optional(Type.Integer()),
          rejected: Type.Optional(Type.Integer()),
          events: Type.Optional(Open({ inserted: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), rejected: Type.Integer() })),
          warnings: Type.Optional(Type.Array(Type.String())),
          stats: Type.Optional(JsonObject()),
        },
        { description: 'what the import stored (open-ended: archives add their own)' },
      ),
    ),
    error: Loose(Nullable(Open({ code: Type.String(), message: Type.String() }))),
    errorRows: Type.Integer(),
    team: Nullable(Type.String()),
    stationId: Nullable(Type.String()),
    mapping: Nullable(Type.String({ description: 'the saved header mapping applied, by name' })),
    options: Loose(JsonObject({ description: 'e.g. { crs: "gcj02" }' })),
    columns: Loose(
      Nullable(
        Type.Array(
          Open({
            file: Type.String(),
            columns: Type.Array(
              Open({
                column: Type.Integer(),
                header: Type.String(),
                term: Nullable(Type.String()),
                via: Type.String({ description: 'name, mapping, dynamicProperties or duplicate' }),
              }),
            ),
          }),
          { description: 'how each source column was mapped: a term, or kept in dynamicProperties' },
        ),
      ),
    ),
    createdAt: DateTime(),
    startedAt: Nullable(DateTime()),
    finishedAt: Nullable(DateTime()),
  },
  { $id: 'ImportStatus' },
);

export const ImportAccepted = Type.Object({
  importId: Type.String(),
  duplicate: Type.Boolean({ description: 'the same file (content hash, mapping and CRS) was uploaded before: its import' }),
  status: Type.String(),
});

export const ImportMapping = Type.Object(
  {
    name: Type.String(),
    owner: Type.String({ description: 'team:…, station:… or admin' }),
    description: Nullable(Type.String()),
    columns: Loose(Type.Record(Type.String(), Nullable(Type.String()), { description: 'header → Darwin Core term, or null: kept in dynamicProperties' })),
    version: Type.Integer(),
    createdAt: DateTime(),
    updatedAt: DateTime(),
  },
  { $id: 'ImportMapping' },
);

export const ImportMappingList = Type.Object({ mappings: Type.Array(ref(ImportMapping)) });

export const OCCURRENCE_SCHEMAS = [Occurrence, ImportStatus, ImportMapping];

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
