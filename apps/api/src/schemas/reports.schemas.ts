import { Type } from '@fastify/type-provider-typebox';
import { JsonObject, Nullable, Text, contentResponse, ref } from '@biomon/http';

/** Answers of the report routes: the live assessment report (packages/reports/src/report-types.ts) and frozen reports. */

export const ReportValue = Type.Object(
  {
    indicator: Type.String(),
    nameZh: Type.String(),
    nameEn: Type.String(),
    unit: Type.String(),
    year: Type.Integer(),
    value: Nullable(Type.Number()),
    numerator: Nullable(Type.Number()),
    denominator: Nullable(Type.Number()),
    target: Nullable(Type.Number({ description: '2025 target; null where the seed gives none' })),
    targetText: Type.String(),
    targetTextEn: Type.String(),
    target2035Text: Type.String(),
    gap: Nullable(Type.Number({ description: 'value − target in percentage points' })),
    meetsTarget: Nullable(Type.Boolean()),
    reason: Nullable(Type.String()),
    reasonCode: Type.Optional(Nullable(Type.String({ description: 'the reason as a stable code (NO_RUN, DATASET_MISSING, NO_GRASSLAND_WITH_PLOTS, …)' }))),
    reasonEn: Type.Optional(Nullable(Type.String({ description: 'the reason in English' }))),
    runId: Nullable(Type.String()),
    companionOf: Type.Optional(Type.String()),
  },
  { $id: 'ReportValue' },
);

const regionRef = {
  code: Type.String(),
  name: Type.String(),
  nameEn: Nullable(Type.String()),
  level: Type.String(),
  note: Nullable(Type.String()),
};

export const ReportRegion = Type.Object({ ...regionRef, values: Type.Array(ref(ReportValue)) }, { $id: 'ReportRegion' });

const Timeline = Type.Object({ kind: Type.String(), start: Nullable(Type.String()), end: Nullable(Type.String()), text: Type.String() });

export const CoverageRow = Type.Object(
  {
    code: Nullable(Type.String()),
    name: Type.String(),
    surveyEvents: Type.Integer(),
    occurrences: Type.Integer(),
    species: Type.Integer(),
    surveyEventsInYear: Type.Integer(),
    occurrencesInYear: Type.Integer(),
    stations: Type.Integer(),
  },
  { $id: 'CoverageRow' },
);

const DatasetRef = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  vintageYear: Type.Integer(),
  source: Type.String(),
  name: Type.String(),
  featureCount: Type.Integer(),
  createdAt: Type.String(),
});

export const AssessmentReport = Type.Object(
  {
    kind: Type.String({ description: 'assessment' }),
    schemaVersion: Type.Integer(),
    titleZh: Type.String(),
    titleEn: Type.String(),
    year: Type.Integer(),
    region: Type.Object(regionRef),
    asOf: Type.String({ description: "the ledger's date (overdue as of)" }),
    generatedAt: Type.String(),
    overall: Type.Array(ref(ReportValue), { description: '总体目标 Overall targets, each companion value after the one it accompanies' }),
    headline: Type.Optional(
      Type.Array(ref(ReportValue), {
        description: '最新数值 Headline values: per indicator, the newest year ≤ year with a value (its year), else the empty value with its reason',
      }),
    ),
    prefectures: Type.Array(ref(ReportRegion)),
    priorityAreas: Type.Array(ref(ReportRegion)),
    series: Type.Array(
      Type.Object({
        indicator: Type.String(),
        nameZh: Type.String(),
        nameEn: Type.String(),
        target: Nullable(Type.Number()),
        targetText: Type.String(),
        points: Type.Array(Type.Object({ year: Type.Integer(), value: Nullable(Type.Number()), runId: Type.String() })),
      }),
      { description: "values by year for the report's region" },
    ),
    ledger: Type.Object({
      asOf: Type.String(),
      totals: Type.Object({
        tasks: Type.Integer(),
        done: Type.Integer(),
        inProgress: Type.Integer(),
        blocked: Type.Integer(),
        notStarted: Type.Integer(),
        notReported: Type.Integer(),
        overdue: Type.Integer(),
        continuous: Type.Integer(),
        withEnd: Type.Integer(),
      }),
      overdueByDepartment: Type.Array(
        Type.Object({
          department: Type.String(),
          kind: Type.String(),
          overdue: Type.Integer(),
          tasks: Type.Array(Type.Integer()),
          responsibleTasks: Type.Integer(),
          done: Type.Integer(),
        }),
      ),
      implementing: Type.Array(Type.Object({ department: Type.String(), overdue: Type.Integer(), tasks: Type.Integer() })),
      overdueTasks: Type.Array(
        Type.Object({
          no: Type.Integer(),
          section: Type.String(),
          measure: Type.String(),
          text: Type.String(),
          departments: Type.Array(Type.String()),
          timeline: Timeline,
          status: Nullable(Type.String()),
          statusZh: Type.String(),
          daysOverdue: Nullable(Type.Integer()),
        }),
      ),
    }),
    coverage: Type.Object({
      year: Type.Integer(),
      priorityAreas: Type.Array(ref(CoverageRow)),
      outsidePriorityAreas: ref(CoverageRow),
      stations: Type.Object({
        window: Type.Object({ from: Type.String(), to: Type.String() }, { description: 'the last 7 days before the report was built' }),
        total: Type.Integer(),
        expectedSlots: Type.Integer(),
        observedSlots: Type.Integer(),
        completenessPct: Nullable(Type.Number()),
        list: Type.Array(
          Type.Object({
            stationId: Type.String(),
            name: Type.String(),
            type: Type.String(),
            priorityArea: Nullable(Type.String()),
            department: Nullable(Type.String()),
            datastreams: Type.Integer(),
            expectedSlots: Type.Integer(),
            observedSlots: Type.Integer(),
            completenessPct: Nullable(Type.Number()),
            gapCount: Type.Integer(),
            lastSeenAt: Nullable(Type.String()),
          }),
        ),
      }),
    }),
    provenance: Type.Object({
      runIds: Type.Array(Type.String()),
      runs: Type.Array(
        Type.Object({
          runId: Type.String(),
          year: Type.Integer(),
          trigger: Type.String(),
          methodVersion: Type.String(),
          params: JsonObject(),
          datasets: Type.Record(Type.String(), Nullable(DatasetRef)),
          createdAt: Type.String(),
          finishedAt: Nullable(Type.String()),
        }),
      ),
      datasetVersions: Type.Array(DatasetRef),
      methodVersions: Type.Array(Type.String()),
      reportSchemaVersion: Type.Integer(),
      ledgerAsOf: Type.String(),
      ledgerSeed: Nullable(Type.Object({ name: Type.String(), version: Type.String(), appliedAt: Type.String() })),
      stationsWindow: Type.Object({ from: Type.String(), to: Type.String() }),
    }),
    notes: Type.Array(Type.String()),
  },
  { $id: 'AssessmentReport' },
);

const Review = Type.Object({
  id: Type.Integer(),
  decision: Type.Union([Type.Literal('approved'), Type.Literal('returned')]),
  comment: Type.String(),
  reviewer: Type.String(),
  reviewerRole: Type.String(),
  selfReview: Type.Boolean({ description: "the reviewer's token also froze the report" }),
  reviewedAt: Type.String(),
});

const frozenFields = {
  reportId: Type.String(),
  kind: Type.String(),
  year: Type.Integer(),
  regionCode: Type.String(),
  asOf: Type.String(),
  createdAt: Type.String(),
  createdBy: Type.String(),
  snapshotSha256: Type.String({ description: "SHA-256 of the snapshot's canonical JSON (keys sorted)" }),
  runIds: Type.Array(Type.String()),
  review: Type.Object({ status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('returned')]), reviews: Type.Array(Review) }),
  // a snapshot is kept as it was frozen, by whichever version of the report it was: not re-shaped here
  report: JsonObject({ description: 'the AssessmentReport exactly as it was frozen (its schemaVersion tells its shape)' }),
};

export const FrozenReport = Type.Object(frozenFields, { $id: 'FrozenReport' });

export const ReviewedReport = Type.Object({
  ...frozenFields,
  duplicate: Type.Boolean({ description: 'the same review again (a retry): nothing new was recorded' }),
});

export const FrozenReportList = Type.Object({
  reports: Type.Array(
    Type.Object({
      reportId: Type.String(),
      year: Type.Integer(),
      regionCode: Type.String(),
      asOf: Type.String(),
      createdAt: Type.String(),
      createdBy: Type.String(),
      snapshotSha256: Type.String(),
      reviewStatus: Type.String({ description: 'pending, approved or returned' }),
    }),
  ),
});

/** format=json (default) | csv | html */
export const assessmentResponse = contentResponse('The report as JSON, CSV (UTF-8 with BOM, for Excel) or a printable HTML page (format=…)', {
  'application/json': ref(AssessmentReport),
  'text/csv': Text(),
  'text/html': Text(),
});

export const frozenReportResponse = contentResponse('The frozen report with its sign-off (JSON), or its CSV or HTML rendering (format=…)', {
  'application/json': ref(FrozenReport),
  'text/csv': Text(),
  'text/html': Text(),
});

export const REPORT_SCHEMAS = [ReportValue, ReportRegion, CoverageRow, AssessmentReport, FrozenReport];
