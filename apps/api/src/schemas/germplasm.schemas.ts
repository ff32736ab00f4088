import { Type } from '@fastify/type-provider-typebox';
import { Nullable } from '@biomon/http';

/** Answers of the germplasm registry routes (MCPD v2.1 institutions and accessions). */

const PointGeometry = Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }) });

export const GermplasmInstitution = Type.Object(
  {
    code: Type.String({ description: 'MCPD INSTCODE (FAO WIEWS, e.g. CHN001) or a provincial code' }),
    name: Type.String(),
    nameEn: Nullable(Type.String()),
    type: Type.String({ description: 'seed_bank, botanical_garden, breeding_farm, culture_collection, rescue_centre, field_genebank or other' }),
    location: Nullable(PointGeometry),
    address: Nullable(Type.String()),
    department: Nullable(Type.String()),
    accessions: Type.Integer(),
    livingAccessions: Type.Integer({ description: 'accessions held in living storage (STORAGE 10–13, 20, 30, 40)' }),
    taxa: Type.Integer({ description: 'distinct checklist taxa held' }),
  },
  { $id: 'GermplasmInstitution' },
);

export const GermplasmAccession = Type.Object(
  {
    id: Type.String(),
    instcode: Type.String(),
    accenumb: Type.String(),
    institutionName: Type.String(),
    domain: Type.String({ description: 'crop, livestock, aquatic, wild_plant, medicinal_plant or microbial' }),
    scientificName: Type.String({ description: 'GENUS SPECIES SUBTAXA as written' }),
    taxon: Nullable(
      Type.Object({
        acceptedName: Type.String(),
        chineseName: Nullable(Type.String()),
        match: Type.String(),
        protectionClass: Nullable(Type.String()),
      }),
    ),
    passport: Type.Record(Type.String(), Type.String(), {
      description: 'the MCPD descriptors (standard names, multi-values separated by ;); below evaluator, those of sensitive taxa generalised',
    }),
    location: Nullable(PointGeometry),
    generalised: Type.Boolean(),
    dataGeneralizations: Nullable(Type.String()),
    informationWithheld: Nullable(Type.String()),
    version: Type.Integer(),
    updatedAt: Type.String(),
  },
  { $id: 'GermplasmAccession' },
);

export const GermplasmAccessionPage = Type.Object({
  accessions: Type.Array(Type.Ref('GermplasmAccession')),
  total: Type.Integer({ description: 'accessions matching the filters' }),
  nextCursor: Nullable(Type.String()),
});

const FieldError = Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() });
/** BRIEF §9: the batch answer. */
export const GermplasmBatchResult = Type.Object({
  inserted: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), id: Type.Optional(Nullable(Type.String())), errors: Type.Array(FieldError) })),
  warnings: Type.Array(
    Type.Object({
      index: Type.Integer(),
      id: Type.Optional(Nullable(Type.String())),
      flags: Type.Array(Type.String()),
      notes: Type.Optional(Type.Record(Type.String(), Type.String())),
    }),
  ),
});

export const GERMPLASM_SCHEMAS = [GermplasmInstitution, GermplasmAccession];
