import { Type } from '@fastify/type-provider-typebox';
import { AnyJson, DateTime, JsonObject, Loose, Nullable, ref } from '@biomon/http';

/** Answers of the indicator routes: definitions, latest values, runs. */

const Target = Type.Object({ value: Nullable(Type.Number()), text: Type.String(), textEn: Type.String() });

export const IndicatorDefinition = Type.Object(
  {
    code: Type.String(),
    nameZh: Type.String(),
    nameEn: Type.String(),
    unit: Type.String({ description: '%' }),
    formulaZh: Type.String(),
    formulaEn: Type.String(),
    target2025: Target,
    target2035: Target,
    companionOf: Type.Optional(Type.String({ description: 'shown beside this indicator, without a target of its own' })),
  },
  { $id: 'IndicatorDefinition' },
);

export const IndicatorList = Type.Object({ methodVersion: Type.String(), indicators: Type.Array(ref(IndicatorDefinition)) });

/** One computed value of a run (immutable once the run completed). */
export const IndicatorResult = Type.Object(
  {
    indicator: Type.String(),
    nameZh: Nullable(Type.String()),
    nameEn: Nullable(Type.String()),
    regionCode: Type.String(),
    variant: Type.Optional(
      Type.String({
        description: "which of the indicator's values for the region (pa_connectivity: 'd=10km', one per dispersal distance); absent when it has one",
      }),
    ),
    year: Type.Integer(),
    value: Nullable(Type.Number()),
    numerator: Nullable(Type.Number()),
    denominator: Nullable(Type.Number()),
    unit: Type.String(),
    target: Nullable(Type.Number()),
    targetText: Nullable(Type.String()),
    meetsTarget: Nullable(Type.Boolean()),
    reason: Nullable(Type.String({ description: 'why value is null (no data, empty denominator …)' })),
    reasonCode: Type.Optional(
      Nullable(Type.String({ description: 'why value is null, as a stable code (DATASET_MISSING, REGION_NO_AREA, NO_GRASSLAND_WITH_PLOTS, …, REASON_OTHER)' })),
    ),
    reasonParams: Type.Optional(Nullable(Type.Record(Type.String(), Type.String(), { description: "the code's parameters, e.g. { kind: 'land-cover' }" }))),
    reasonZh: Type.Optional(Nullable(Type.String({ description: '原因（中文）' }))),
    reasonEn: Type.Optional(Nullable(Type.String({ description: 'the reason in English (the same text as reason)' }))),
    missing: Type.Optional(AnyJson({ description: 'inputs that were missing for this value' })),
    details: JsonObject({ description: "the computation's breakdown (per type, per unit, species …); open-ended" }),
    params: JsonObject(),
    datasets: JsonObject({ description: 'the layer dataset versions used, by kind' }),
    methodVersion: Type.String(),
    runId: Type.String(),
    computedAt: Nullable(DateTime()),
  },
  { $id: 'IndicatorResult' },
);

export const IndicatorValues = Type.Object({ indicator: Loose(ref(IndicatorDefinition)), values: Type.Array(ref(IndicatorResult)) });

export const IndicatorRun = Type.Object(
  {
    runId: Type.String(),
    status: Type.String({ description: 'queued, running, completed or failed' }),
    year: Type.Integer(),
    indicators: Type.Array(Type.String()),
    regions: Nullable(Type.Array(Type.String())),
    datasets: JsonObject(),
    params: JsonObject(),
    methodVersion: Type.String(),
    progress: Type.Object({ done: Type.Integer(), total: Nullable(Type.Integer()) }),
    error: AnyJson({ description: 'why the run failed; null otherwise' }),
    createdAt: DateTime(),
    startedAt: Nullable(DateTime()),
    finishedAt: Nullable(DateTime()),
    results: Type.Array(ref(IndicatorResult), { description: 'once completed' }),
  },
  { $id: 'IndicatorRun' },
);

export const RunStarted = Type.Object({ runId: Type.String() });

export const INDICATOR_SCHEMAS = [IndicatorDefinition, IndicatorResult, IndicatorRun];
