// Shapes of the API answers the dashboard reads (see /openapi.json); only the fields it uses.

export interface IndicatorDef {
  code: string;
  nameZh: string;
  nameEn: string;
  unit: string;
  formulaZh: string;
  formulaEn: string;
  target2025: { value: number | null; text: string; textEn: string };
  target2035: { value: number | null; text: string; textEn: string };
  companionOf?: string;
}

export interface IndicatorValue {
  indicator: string;
  regionCode: string;
  year: number;
  value: number | null;
  target: number | null;
  targetText: string | null;
  meetsTarget: boolean | null;
  reason: string | null;
  runId: string;
  computedAt?: string | null;
  methodVersion: string;
}

export interface ReportRegion {
  code: string;
  name: string;
  nameEn: string;
  level: string;
  values: { indicator: string; value: number | null; target: number | null; meetsTarget: boolean | null; gap: number | null; year: number }[];
}

export interface CoverageRow { code: string | null; name: string; surveyEvents: number; occurrences: number; species: number; stations: number }

export interface AssessmentReport {
  year: number;
  region: { code: string; name: string; nameEn: string };
  overall: ReportRegion['values'];
  prefectures: ReportRegion[];
  priorityAreas: ReportRegion[];
  ledger: { asOf: string; totals: { tasks: number; done: number; inProgress: number; blocked: number; notReported: number; overdue: number; continuous: number } };
  coverage: { priorityAreas: CoverageRow[] };
}

export interface Timeline { kind: 'window' | 'deadline' | 'continuous'; start: string | null; end: string | null; text: string }

export interface Progress {
  id: number | string;
  taskNo: number;
  status: 'not_started' | 'in_progress' | 'done' | 'blocked';
  statusZh: string;
  note: string;
  evidence: ({ title: string; url: string } | { title: string; fileId: string; originalName?: string })[];
  asOf: string;
  reportedAt: string;
  department: string | null;
  reporterRole: string;
}

export interface Task {
  no: number;
  section: string;
  sectionTitle: string;
  measure: string;
  measureTitle: string;
  text: string;
  departments: string[];
  implementingDepartments: string[];
  responsibilityNote: string | null;
  timeline: Timeline;
  status: Progress['status'] | null;
  statusZh: string;
  latestProgress: Progress | null;
  overdue: boolean;
  daysOverdue: number | null;
  links: { kind: string; ref: string; nameZh: string; nameEn: string }[];
}

export interface TaskDetail extends Task {
  asOf: string;
  progress: Progress[];
  linkedIndicators: { code: string; nameZh: string; nameEn: string; regionCode: string; year: number; value: number | null; target: number | null; targetText: string | null; meetsTarget: boolean | null }[];
  linkedData: { ref: string; nameZh: string; nameEn: string; figures: Record<string, unknown>; note: string | null }[];
}

export interface DepartmentSummary {
  id: number;
  name: string;
  kind: string;
  counts: { tasks: number; done: number; inProgress: number; overdue: number; notReported: number };
  responsibleCounts: { tasks: number; done: number; inProgress: number; overdue: number };
}

export interface Datastream {
  datastreamId: string;
  name: string | null;
  observedProperty: string;
  unitOfMeasurement: { name?: string; symbol: string };
  expectedInterval: string | null;
  expectedIntervalSeconds: number | null;
  latest?: { phenomenonTime: string; result: unknown } | null;
}

export interface Station {
  stationId: string;
  name: string;
  type: string;
  location: { type: 'Point'; coordinates: [number, number] };
  priorityArea: string | null;
  department: string | null;
  lastSeenAt: string | null;
  datastreams: Datastream[];
}

export interface Gap { from: string; to: string; missingSlots: number; atWindowStart?: boolean; ongoing: boolean }

export interface StationHealth {
  stationId: string;
  window: { from: string; to: string };
  lastSeenAt: string | null;
  completenessPct: number | null;
  gapCount: number;
  datastreams: { datastreamId: string; observedProperty: string; expectedInterval: string | null; completenessPct: number | null; gapCount: number; gaps: Gap[]; status: string; lastPhenomenonTime: string | null }[];
}

export interface ColumnMapping { column: number; header: string; term: string | null; via: 'name' | 'mapping' | 'dynamicProperties' | 'duplicate' }
export interface ImportMapping { name: string; description: string | null; columns: Record<string, string | null>; version: number }

export interface ImportStatus {
  importId: string;
  fileName: string;
  sizeBytes: number;
  format: string | null;
  status: 'queued' | 'running' | 'completed' | 'failed';
  progress: { rowsDone: number; rowsTotal: number | null; percent: number | null };
  counts: { inserted?: number; updated?: number; unchanged?: number; rejected?: number; events?: { inserted: number; updated: number; unchanged: number; rejected: number }; warnings?: string[]; stats?: Record<string, number> };
  error: { code: string; message: string } | null;
  errorRows: number;
  /** the saved header mapping applied, by name */
  mapping?: string | null;
  /** how each source column was mapped: a term, or kept in dynamicProperties */
  columns?: { file: string; columns: ColumnMapping[] }[];
  createdAt: string;
  finishedAt: string | null;
}

export interface LayerDataset { datasetId: number; kind: string; year: number | null; name: string; features: number; createdAt: string }
