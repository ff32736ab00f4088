/**
 * The evaluator's assessment report (评估报告) as JSON: what the CSV and HTML views render, and
 * what a frozen report stores verbatim. Percentages are 0–100; gaps are percentage points.
 */
export const REPORT_SCHEMA_VERSION = 1;

/** The overall targets of the seed document's 总体目标, in the report's order, then the protected-area share. */
export const REPORT_INDICATORS = [
  'forest_coverage',
  'grassland_vegetation_cover',
  'natural_wetland_protection_rate',
  'protected_species_rate',
  'ecosystem_type_protection_rate',
  'pa_coverage',
] as const;

/** Shown beside an overall target, without a target of its own (BRIEF §6). */
export const COMPANION_INDICATORS = ['grassland_vegetation_cover_rs', 'wetland_protection_rate', 'pa_connectivity'] as const;

export interface IndicatorValue {
  indicator: string;
  nameZh: string;
  nameEn: string;
  unit: '%';
  year: number;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** 2025 target as a number; null where the seed gives none */
  target: number | null;
  /** the target's wording (达到国家要求 …); shown where target is null */
  targetText: string;
  targetTextEn: string;
  target2035Text: string;
  /** value − target in percentage points (negative: behind); null without a numeric target or value */
  gap: number | null;
  meetsTarget: boolean | null;
  /** why value is null (no run, empty denominator …) */
  reason: string | null;
  /** the reason as a stable code (@biomon/indicators reasons.ts) and in English; absent in reports frozen before */
  reasonCode?: string | null;
  reasonEn?: string | null;
  runId: string | null;
  /** set on a companion value shown beside another indicator */
  companionOf?: string;
}

export interface RegionRef {
  code: string;
  name: string;
  nameEn: string | null;
  level: string;
  note: string | null;
}

export interface RegionValues extends RegionRef {
  values: IndicatorValue[];
}

export interface SeriesOut {
  indicator: string;
  nameZh: string;
  nameEn: string;
  target: number | null;
  targetText: string;
  points: { year: number; value: number | null; runId: string }[];
}

export interface LedgerTaskBrief {
  no: number;
  section: string;
  measure: string;
  text: string;
  departments: string[];
  timeline: { kind: string; start: string | null; end: string | null; text: string };
  status: string | null;
  statusZh: string;
  daysOverdue: number | null;
}

export interface LedgerSummary {
  asOf: string;
  totals: {
    tasks: number;
    done: number;
    inProgress: number;
    blocked: number;
    notStarted: number;
    notReported: number;
    overdue: number;
    continuous: number;
    withEnd: number;
  };
  /** responsible departments (责任部门) with overdue tasks, most overdue first */
  overdueByDepartment: { department: string; kind: string; overdue: number; tasks: number[]; responsibleTasks: number; done: number }[];
  /** 各市州人民政府 implement every task: their count is the ledger's overdue total */
  implementing: { department: string; overdue: number; tasks: number }[];
  overdueTasks: LedgerTaskBrief[];
}

export interface PriorityAreaCoverage {
  code: string | null;
  name: string;
  surveyEvents: number;
  occurrences: number;
  species: number;
  surveyEventsInYear: number;
  occurrencesInYear: number;
  stations: number;
}

export interface StationCoverage {
  stationId: string;
  name: string;
  type: string;
  priorityArea: string | null;
  department: string | null;
  datastreams: number;
  expectedSlots: number;
  observedSlots: number;
  completenessPct: number | null;
  gapCount: number;
  lastSeenAt: string | null;
}

export interface DataCoverage {
  year: number;
  priorityAreas: PriorityAreaCoverage[];
  outsidePriorityAreas: PriorityAreaCoverage;
  stations: {
    /** completeness window: the last 7 days before the report was built */
    window: { from: string; to: string };
    total: number;
    expectedSlots: number;
    observedSlots: number;
    /** observed / expected slots over all scheduled datastreams × 100 */
    completenessPct: number | null;
    list: StationCoverage[];
  };
}

export interface DatasetRef {
  id: number;
  kind: string;
  vintageYear: number;
  source: string;
  name: string;
  featureCount: number;
  createdAt: string;
}

export interface RunProvenance {
  runId: string;
  year: number;
  trigger: string;
  methodVersion: string;
  params: Record<string, unknown>;
  datasets: Record<string, DatasetRef | null>;
  createdAt: string;
  finishedAt: string | null;
}

export interface Provenance {
  runIds: string[];
  runs: RunProvenance[];
  datasetVersions: DatasetRef[];
  methodVersions: string[];
  reportSchemaVersion: number;
  ledgerAsOf: string;
  ledgerSeed: { name: string; version: string; appliedAt: string } | null;
  stationsWindow: { from: string; to: string };
}

export interface AssessmentReport {
  kind: 'assessment';
  schemaVersion: number;
  titleZh: string;
  titleEn: string;
  year: number;
  region: RegionRef;
  /** the ledger's date (overdue as of) */
  asOf: string;
  generatedAt: string;
  /** 总体目标 Overall targets, with the companion value after the one it accompanies */
  overall: IndicatorValue[];
  /**
   * Headline values (最新数值): per report indicator, the value of the newest year ≤ year that has
   * one (its `year` says which), or — when no year has a value — the report year's empty value with
   * its reason. Absent in reports frozen before it existed.
   */
  headline?: IndicatorValue[];
  prefectures: RegionValues[];
  priorityAreas: RegionValues[];
  /** values by year for the report's region (every year with a completed run) */
  series: SeriesOut[];
  ledger: LedgerSummary;
  coverage: DataCoverage;
  provenance: Provenance;
  notes: string[];
}
