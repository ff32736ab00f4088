import type { DbOrTx } from '@biomon/db';
import { AppError, chinaYear } from '@biomon/core';
import { describeReason, indicatorDefinition, reportVariantOf } from '@biomon/indicators';
import { ledgerSnapshot, resolveAsOf, type TaskOut } from '@biomon/ledger';
import { HEALTH_WINDOW_DAYS, readStations, stationHealth, type StationOut } from '@biomon/stations';
import { SYSTEM_ACTOR } from '@biomon/auth';
import {
  selectDatasets,
  selectLatestResults,
  selectLatestYear,
  selectNewestRegions,
  selectRuns,
  selectSeedRun,
  selectSeries,
  selectSurveyCoverage,
  type RegionRow,
  type ResultRow,
} from './assessment.repository';
import {
  COMPANION_INDICATORS,
  REPORT_INDICATORS,
  REPORT_SCHEMA_VERSION,
  type AssessmentReport,
  type DataCoverage,
  type DatasetRef,
  type IndicatorValue,
  type LedgerSummary,
  type LedgerTaskBrief,
  type Provenance,
  type RegionRef,
  type RegionValues,
  type SeriesOut,
  type StationCoverage,
} from './report-types';
import { reasonZh } from './report-format';

export interface AssessmentQuery {
  year?: number;
  region?: string;
  /** the ledger's date (default today, Asia/Shanghai) */
  asOf?: string;
  /** the build time (default now): the station completeness window ends here */
  now?: Date;
}

const NO_RUN_REASON = '该年度尚无已完成的指标计算 (no completed indicator run for this year)';
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

function regionRef(r: RegionRow): RegionRef {
  return { code: r.code, name: r.name, nameEn: r.nameEn, level: r.level, note: r.note };
}

/** The reason's stable code and English text (none with a value). */
function reasonCodeOf(row: ResultRow | undefined, value: number | null): { reasonCode: string | null; reasonEn: string | null } {
  if (value !== null) return { reasonCode: null, reasonEn: null };
  if (!row) return { reasonCode: 'NO_RUN', reasonEn: 'no completed indicator run for this year' };
  const d = describeReason(row.reason);
  return { reasonCode: d?.reasonCode ?? null, reasonEn: d?.reasonEn ?? null };
}

/**
 * Headline values: per indicator, the newest year ≤ the report's year with a value (from the
 * values by year), else the report year's empty value with its reason — so an indicator whose
 * newest run has no value (grassland plots not yet surveyed this year) still shows its last value.
 */
export function headlineValues(
  codes: readonly string[],
  year: number,
  seriesRows: ResultRow[],
  current: (code: string) => ResultRow | undefined,
): IndicatorValue[] {
  return codes.map((code) => {
    const valued = seriesRows.filter((r) => r.indicator === code && r.value !== null && r.year <= year).sort((a, b) => b.year - a.year)[0];
    return valued ? indicatorValue(code, valued.year, valued) : indicatorValue(code, year, current(code));
  });
}

/** One indicator's value against its 2025 target; gap = value − target (percentage points). */
export function indicatorValue(code: string, year: number, row: ResultRow | undefined): IndicatorValue {
  const def = indicatorDefinition(code);
  if (!def) throw new Error(`unknown indicator ${code}`);
  const value = row?.value ?? null;
  const target = def.target2025.value;
  return {
    indicator: code,
    // an indicator with several values per region: the one shown, named (ProtConn at 10 km)
    nameZh: def.reportVariant ? `${def.nameZh}（${def.reportVariant.zh}）` : def.nameZh,
    nameEn: def.reportVariant ? `${def.nameEn} (${def.reportVariant.en})` : def.nameEn,
    unit: '%',
    year,
    value,
    numerator: row?.numerator ?? null,
    denominator: row?.denominator ?? null,
    target,
    targetText: def.target2025.text,
    targetTextEn: def.target2025.textEn,
    target2035Text: def.target2035.text,
    gap: value !== null && target !== null ? round(value - target) : null,
    meetsTarget: value !== null && target !== null ? value >= target : null,
    reason: row ? (value === null ? (reasonZh(row.reason) ?? '无数值 (no value)') : null) : NO_RUN_REASON,
    ...reasonCodeOf(row, value),
    runId: row?.runId ?? null,
    ...(def.companionOf ? { companionOf: def.companionOf } : {}),
  };
}

/** The overall list: each report indicator, its companion right after it. */
function overallOrder(): string[] {
  const out: string[] = [];
  for (const code of REPORT_INDICATORS) {
    out.push(code);
    for (const c of COMPANION_INDICATORS) if (indicatorDefinition(c)?.companionOf === code) out.push(c);
  }
  return out;
}

function taskBrief(t: TaskOut): LedgerTaskBrief {
  return {
    no: t.no,
    section: t.section,
    measure: t.measure,
    text: t.text,
    departments: t.departments,
    timeline: t.timeline,
    status: t.status,
    statusZh: t.statusZh,
    daysOverdue: t.daysOverdue,
  };
}

async function ledgerSummary(db: DbOrTx, asOf: string): Promise<LedgerSummary> {
  const { tasks, departments } = await ledgerSnapshot(db, asOf);
  const overdueByDepartment = departments
    .filter((d) => d.responsibleCounts.overdue > 0)
    .map((d) => ({
      department: d.name,
      kind: d.kind,
      overdue: d.responsibleCounts.overdue,
      tasks: d.tasks.filter((t) => t.role === 'responsible' && t.overdue).map((t) => t.no),
      responsibleTasks: d.responsibleCounts.tasks,
      done: d.responsibleCounts.done,
    }))
    .sort((a, b) => b.overdue - a.overdue || a.tasks[0] - b.tasks[0]);
  const implementing = departments
    .filter((d) => d.tasks.some((t) => t.role === 'implementing'))
    .map((d) => ({ department: d.name, overdue: d.counts.overdue, tasks: d.counts.tasks }));
  return {
    asOf,
    totals: {
      tasks: tasks.length,
      done: tasks.filter((t) => t.status === 'done').length,
      inProgress: tasks.filter((t) => t.status === 'in_progress').length,
      blocked: tasks.filter((t) => t.status === 'blocked').length,
      notStarted: tasks.filter((t) => t.status === 'not_started').length,
      notReported: tasks.filter((t) => t.status === null).length,
      overdue: tasks.filter((t) => t.overdue).length,
      continuous: tasks.filter((t) => t.timeline.kind === 'continuous').length,
      withEnd: tasks.filter((t) => t.timeline.end !== null).length,
    },
    overdueByDepartment,
    implementing,
    overdueTasks: tasks.filter((t) => t.overdue).map(taskBrief),
  };
}

async function allStations(db: DbOrTx): Promise<StationOut[]> {
  const out: StationOut[] = [];
  let afterPk: number | undefined;
  for (;;) {
    const page = await readStations(db, SYSTEM_ACTOR, { limit: 500, afterPk });
    out.push(...page.stations);
    if (page.stations.length < 500 || page.lastPk === null) return out;
    afterPk = page.lastPk;
  }
}

async function dataCoverage(db: DbOrTx, year: number, priorityAreas: RegionRow[], now: Date): Promise<DataCoverage> {
  const [survey, stations] = await Promise.all([selectSurveyCoverage(db, year), allStations(db)]);
  // Completeness over the health window before the build time (packages/stations: observed slots
  // / expected slots of every scheduled datastream; two readings in one slot count once).
  const list: StationCoverage[] = [];
  let window = { from: new Date(now.getTime() - HEALTH_WINDOW_DAYS * 86_400_000).toISOString(), to: now.toISOString() };
  for (const s of stations) {
    const h = await stationHealth(db, SYSTEM_ACTOR, s.stationId, { now });
    window = h.window;
    list.push({
      stationId: s.stationId,
      name: s.name,
      type: s.type,
      priorityArea: s.priorityArea,
      department: s.department,
      datastreams: h.datastreams.length,
      expectedSlots: h.expectedSlots,
      observedSlots: h.observedSlots,
      completenessPct: h.completenessPct,
      gapCount: h.gapCount,
      lastSeenAt: h.lastSeenAt,
    });
  }
  const expected = list.reduce((a, s) => a + s.expectedSlots, 0);
  const observed = list.reduce((a, s) => a + s.observedSlots, 0);
  const known = new Set(priorityAreas.map((p) => p.code));
  const row = (code: string | null, name: string, rows: typeof survey) => ({
    code,
    name,
    surveyEvents: rows.reduce((a, r) => a + r.events, 0),
    occurrences: rows.reduce((a, r) => a + r.occurrences, 0),
    species: rows.reduce((a, r) => a + r.species, 0),
    surveyEventsInYear: rows.reduce((a, r) => a + r.eventsInYear, 0),
    occurrencesInYear: rows.reduce((a, r) => a + r.occurrencesInYear, 0),
    stations: list.filter((s) => (code === null ? !s.priorityArea || !known.has(s.priorityArea) : s.priorityArea === code)).length,
  });
  return {
    year,
    priorityAreas: priorityAreas.map((p) =>
      row(
        p.code,
        p.name,
        survey.filter((s) => s.priorityArea === p.code),
      ),
    ),
    // species: distinct per group; "outside" sums the unassigned group and unknown area codes (rarely more than one)
    outsidePriorityAreas: row(
      null,
      '优先区域以外',
      survey.filter((s) => s.priorityArea === null || !known.has(s.priorityArea)),
    ),
    stations: {
      window,
      total: list.length,
      expectedSlots: expected,
      observedSlots: observed,
      completenessPct: expected > 0 ? Math.round((observed / expected) * 10000) / 100 : null,
      list,
    },
  };
}

async function provenance(db: DbOrTx, runIds: string[], ledgerAsOf: string, stationsWindow: { from: string; to: string }): Promise<Provenance> {
  const runs = await selectRuns(db, runIds);
  const datasetIds = [...new Set(runs.flatMap((r) => Object.values(r.datasets).filter((x): x is number => typeof x === 'number')))];
  const datasets = await selectDatasets(db, datasetIds);
  const byId = new Map<number, DatasetRef>(datasets.map((d) => [d.id, d]));
  return {
    runIds: runs.map((r) => r.id),
    runs: runs.map((r) => ({
      runId: r.id,
      year: r.year,
      trigger: r.trigger,
      methodVersion: r.method_version,
      params: r.params,
      datasets: Object.fromEntries(Object.entries(r.datasets).map(([k, v]) => [k, typeof v === 'number' ? (byId.get(v) ?? null) : null])),
      createdAt: r.created_at.toISOString(),
      finishedAt: r.finished_at?.toISOString() ?? null,
    })),
    datasetVersions: datasets,
    methodVersions: [...new Set(runs.map((r) => r.method_version))].sort(),
    reportSchemaVersion: REPORT_SCHEMA_VERSION,
    ledgerAsOf,
    ledgerSeed: await selectSeedRun(db, 'reference:ledger'),
    stationsWindow,
  };
}

const invalid = (field: string, code: string, message: string) => new AppError('VALIDATION_FAILED', message, { errors: [{ field, code, message }] });

/**
 * Builds the assessment report from the database: the overall targets for the region (default:
 * the province of the newest regions dataset) and year (default: the newest year with a completed
 * run for it), the same per prefecture and per priority area, values by year, the ledger as of
 * asOf (overdue tasks by department), data coverage and provenance. Values come from the latest
 * completed run per indicator, region and year; where no number exists the target's Chinese
 * wording and the reason are given, never an invented number.
 */
export async function buildAssessmentReport(db: DbOrTx, q: AssessmentQuery = {}): Promise<AssessmentReport> {
  const now = q.now ?? new Date();
  const asOf = resolveAsOf(q.asOf);
  const regions = await selectNewestRegions(db);
  if (!regions.length) throw new AppError('UNPROCESSABLE', 'No regions dataset is loaded; import one (biomon layers import regions …) first');
  let region: RegionRow | undefined;
  if (q.region !== undefined && q.region !== '') {
    region = regions.find((r) => r.code === q.region);
    if (!region)
      throw invalid(
        'querystring.region',
        'REGION_UNKNOWN',
        `no region ${q.region} in the newest regions dataset; known: ${regions.map((r) => r.code).join(', ')}`,
      );
  } else {
    region = regions.find((r) => r.level === 'province') ?? regions[0];
  }
  const year = q.year ?? (await selectLatestYear(db, region.code)) ?? chinaYear(now);

  const prefectures = regions.filter((r) => r.level === 'prefecture' && r.parentCode === region!.code);
  const priorityAreas = regions.filter((r) => r.level === 'priority_area');
  const codes = overallOrder();
  const results = await selectLatestResults(
    db,
    year,
    [region.code, ...prefectures.map((p) => p.code), ...priorityAreas.map((p) => p.code)],
    codes,
    codes.map((c) => reportVariantOf(c)),
  );
  const resultOf = (indicator: string, regionCode: string) => results.find((r) => r.indicator === indicator && r.regionCode === regionCode);
  const valuesOf = (r: RegionRow): RegionValues => ({ ...regionRef(r), values: REPORT_INDICATORS.map((c) => indicatorValue(c, year, resultOf(c, r.code))) });

  const seriesRows = await selectSeries(
    db,
    region.code,
    [...REPORT_INDICATORS],
    REPORT_INDICATORS.map((c) => reportVariantOf(c)),
  );
  const series: SeriesOut[] = REPORT_INDICATORS.map((code) => {
    const def = indicatorDefinition(code)!;
    return {
      indicator: code,
      nameZh: def.nameZh,
      nameEn: def.nameEn,
      target: def.target2025.value,
      targetText: def.target2025.text,
      points: seriesRows
        .filter((r) => r.indicator === code)
        .sort((a, b) => a.year - b.year)
        .map((r) => ({ year: r.year, value: r.value, runId: r.runId })),
    };
  });

  const [ledger, coverage] = await Promise.all([ledgerSummary(db, asOf), dataCoverage(db, year, priorityAreas, now)]);
  const runIds = [...new Set([...results.map((r) => r.runId), ...seriesRows.map((r) => r.runId)])];
  const notes = [...new Set(regions.map((r) => r.note).filter((n): n is string => !!n))];
  if (!results.some((r) => r.regionCode === region!.code)) notes.push(`${year} 年度尚无已完成的指标计算；数值为空 (no completed indicator run for ${year})`);

  return {
    kind: 'assessment',
    schemaVersion: REPORT_SCHEMA_VERSION,
    titleZh: `${region.name}生物多样性保护成效评估报告`,
    titleEn: `Biodiversity conservation assessment report: ${region.nameEn ?? region.code}`,
    year,
    region: regionRef(region),
    asOf,
    generatedAt: now.toISOString(),
    // an indicator computed only on request (ProtConn) is shown when a run computed it for the region
    overall: codes
      .filter((c) => !indicatorDefinition(c)?.onRequest || resultOf(c, region!.code))
      .map((c) => indicatorValue(c, year, resultOf(c, region!.code))),
    headline: headlineValues(REPORT_INDICATORS, year, seriesRows, (c) => resultOf(c, region!.code)),
    prefectures: prefectures.map(valuesOf),
    priorityAreas: priorityAreas.map(valuesOf),
    series,
    ledger,
    coverage,
    provenance: await provenance(db, runIds, asOf, coverage.stations.window),
    notes,
  };
}
