import type { Db, DbOrTx, Tx } from '@biomon/db';
import { projectIndicatorDetails, sensitiveSpeciesNames, type Viewer } from '@biomon/sensitive';
import { withTx } from '@biomon/db';
import { AppError } from '@biomon/core';
import { latestDataset, type LayerKind } from '@biomon/layers';
import { writeOutbox } from '@biomon/queue';
import { writeAudit, type Actor } from '@biomon/auth';
import { DEFAULT_RUN_CODES, INDICATOR_CODES, METHOD_VERSION, indicatorDefinition, meetsTarget, type IndicatorCode } from './indicator-catalogue';
import { DEFAULT_PARAMS, type RunParams } from './run-params';
import { describeReason, type ReasonCode } from './reasons';
import type { ResultRow, RunContext, RunDatasets } from './run-context';
import { ecosystemTypeProtection, forestCoverage, paCoverage, wetlandProtection } from './compute/area-indicators';
import { grasslandVegetationCover } from './compute/grassland';
import { protectedSpeciesRate } from './compute/species';
import { paConnectivity } from './compute/connectivity';
import { exsituCoverage } from './compute/germplasm';
import { grasslandVegetationCoverRs } from './compute/grassland-rs';
import { listRasters } from '@biomon/rasters';
import { DEFAULT_WORK, byCode, preparePaUnion, prepareGrid, type StepEnv, type WorkOptions } from './compute/run-work';
import { doneStages, dropWork, recordStage } from './compute/run-work.repository';
import {
  completeRun,
  datasetKind,
  failRun,
  insertRun,
  lockRunStatus,
  markRunRunning,
  protectedAreasWithoutYear,
  regionCodesOf,
  selectCompletedResults,
  selectRun,
  selectRunResults,
  setRunProgress,
  upsertResults,
} from './indicator-run.repository';

export const INDICATOR_QUEUE = 'indicators';

export interface RunRequest {
  year: number;
  regions?: string[];
  indicators?: string[];
  datasets?: Partial<RunDatasets>;
  params?: Partial<RunParams>;
}

const DATASET_KIND: Record<Exclude<keyof RunDatasets, 'ndvi'>, LayerKind> = {
  regions: 'regions',
  protectedAreas: 'protected-areas',
  landCover: 'land-cover',
  grasslandPlots: 'grassland-plots',
  ecosystems: 'ecosystems',
};

const invalid = (field: string, code: string, message: string) => new AppError('VALIDATION_FAILED', message, { errors: [{ field, code, message }] });

/**
 * Creates a run (queued) and its job in one transaction: the run names the dataset versions it
 * will use — given ones are checked, missing ones default to the newest of each kind whose vintage
 * is ≤ the run's year — and its parameters, so it can be reproduced.
 */
export async function createIndicatorRun(
  db: Db | Tx,
  req: RunRequest,
  actor: Pick<Actor, 'tokenId' | 'role' | 'label'>,
  trigger = 'api',
): Promise<{ runId: string }> {
  const indicators = req.indicators?.length ? [...new Set(req.indicators)] : DEFAULT_RUN_CODES;
  for (const code of indicators)
    if (!indicatorDefinition(code)) throw invalid('indicators', 'INDICATOR_UNKNOWN', `unknown indicator ${code}; known: ${INDICATOR_CODES.join(', ')}`);
  const params: RunParams = { ...DEFAULT_PARAMS, ...(req.params ?? {}) };
  if (!(params.ecosystemThreshold >= 0 && params.ecosystemThreshold <= 1))
    throw invalid('params.ecosystemThreshold', 'THRESHOLD_INVALID', 'ecosystemThreshold is a fraction between 0 and 1');
  if (!(Number.isInteger(params.speciesWindowYears) && params.speciesWindowYears >= 1 && params.speciesWindowYears <= 100))
    throw invalid('params.speciesWindowYears', 'WINDOW_INVALID', 'speciesWindowYears is an integer between 1 and 100');
  const distances = Array.isArray(params.dispersalDistanceKm) ? params.dispersalDistanceKm : [params.dispersalDistanceKm];
  if (!distances.length || distances.length > 10)
    throw invalid('params.dispersalDistanceKm', 'DISPERSAL_DISTANCE_INVALID', 'dispersalDistanceKm is a number or an array of 1 to 10 numbers (km)');
  distances.forEach((d, i) => {
    if (!(typeof d === 'number' && Number.isFinite(d) && d > 0 && d <= 10_000))
      throw invalid(
        Array.isArray(params.dispersalDistanceKm) ? `params.dispersalDistanceKm[${i}]` : 'params.dispersalDistanceKm',
        'DISPERSAL_DISTANCE_INVALID',
        `dispersalDistanceKm must be a number of km greater than 0 and at most 10000 (扩散距离须大于 0 且不超过 10000 千米); got ${JSON.stringify(d)}`,
      );
  });
  if (!(typeof params.probabilityAtDistance === 'number' && params.probabilityAtDistance > 0 && params.probabilityAtDistance < 1))
    throw invalid(
      'params.probabilityAtDistance',
      'PROBABILITY_INVALID',
      `probabilityAtDistance is a probability strictly between 0 and 1 (扩散距离处的连接概率须在 0 与 1 之间); got ${JSON.stringify(params.probabilityAtDistance)}`,
    );
  if (!(typeof params.connectivityLinkThreshold === 'number' && params.connectivityLinkThreshold > 0 && params.connectivityLinkThreshold <= 1))
    throw invalid(
      'params.connectivityLinkThreshold',
      'THRESHOLD_INVALID',
      `connectivityLinkThreshold is a probability greater than 0 and at most 1; got ${JSON.stringify(params.connectivityLinkThreshold)}`,
    );
  return withTx(db, async (tx) => {
    const datasets = {} as RunDatasets;
    for (const key of Object.keys(DATASET_KIND) as (keyof typeof DATASET_KIND)[]) {
      const given = req.datasets?.[key];
      if (given !== undefined && given !== null) {
        const kind = await datasetKind(tx, given);
        if (kind !== DATASET_KIND[key]) throw invalid(`datasets.${key}`, 'DATASET_UNKNOWN', `dataset ${given} is not a ${DATASET_KIND[key]} dataset`);
        datasets[key] = given;
      } else {
        datasets[key] = (await latestDataset(tx, DATASET_KIND[key], req.year))?.id ?? null;
      }
    }
    datasets.ndvi = await ndviRasterFor(tx, req.year, req.datasets?.ndvi);
    if (datasets.regions === null) throw invalid('datasets.regions', 'NO_REGIONS', `no regions dataset with vintage ≤ ${req.year}`);
    if (req.regions?.length) {
      const found = new Set(await regionCodesOf(tx, datasets.regions, req.regions));
      const missing = req.regions.filter((c) => !found.has(c));
      if (missing.length) throw invalid('regions', 'REGION_UNKNOWN', `regions not in dataset ${datasets.regions}: ${missing.join(', ')}`);
    }
    const runId = await insertRun(tx, {
      year: req.year,
      regionCodes: req.regions?.length ? req.regions : null,
      indicators,
      datasets,
      params,
      methodVersion: METHOD_VERSION,
      trigger,
      requestedBy: actor.tokenId ?? null,
    });
    await writeOutbox(tx, [{ queue: INDICATOR_QUEUE, jobName: 'run', payload: { runId } }]);
    await writeAudit(tx, actor, {
      action: 'indicator-runs.create',
      entity: 'indicator_run',
      entityIds: [runId],
      route: 'POST /v1/indicator-runs',
      summary: { year: req.year, indicators, datasets },
    });
    return { runId };
  });
}

/**
 * The NDVI raster of a run: the given one (an NDVI raster of any year), or the newest ready NDVI
 * raster whose year is ≤ the run's year (null when there is none).
 */
async function ndviRasterFor(db: Db | Tx, year: number, given: number | null | undefined): Promise<number | null> {
  const ndvi = await listRasters(db as Db, 'ndvi');
  if (given !== undefined && given !== null) {
    if (!ndvi.some((r) => r.datasetId === given)) throw invalid('datasets.ndvi', 'DATASET_UNKNOWN', `dataset ${given} is not an NDVI raster`);
    return given;
  }
  const ready = ndvi.filter((r) => r.status === 'ready' && r.year <= year).sort((a, b) => b.year - a.year || b.version - a.version);
  return ready[0]?.datasetId ?? null;
}

async function paWarningsFor(db: DbOrTx, ctx: RunContext): Promise<string[]> {
  if (ctx.datasets.protectedAreas === null) return [];
  const rows = await protectedAreasWithoutYear(db, ctx.datasets.protectedAreas);
  return rows.map((r) => `protected area ${r.pa_id} (${r.name}) has no establishedYear and is counted as established`);
}

/**
 * Which compute step produces which indicators (wetland produces both wetland rates), under which
 * stage name it is recorded, and whether it reads the run's counted-PA union.
 */
const STEPS: { stage: string; produces: IndicatorCode[]; usesPa: boolean; run: (db: DbOrTx, ctx: RunContext, env: StepEnv) => Promise<ResultRow[]> }[] = [
  { stage: 'forest_coverage', produces: ['forest_coverage'], usesPa: false, run: forestCoverage },
  { stage: 'grassland_vegetation_cover', produces: ['grassland_vegetation_cover'], usesPa: false, run: grasslandVegetationCover },
  { stage: 'wetland_protection', produces: ['natural_wetland_protection_rate', 'wetland_protection_rate'], usesPa: true, run: wetlandProtection },
  { stage: 'protected_species_rate', produces: ['protected_species_rate'], usesPa: true, run: protectedSpeciesRate },
  { stage: 'ecosystem_type_protection_rate', produces: ['ecosystem_type_protection_rate'], usesPa: true, run: ecosystemTypeProtection },
  { stage: 'pa_coverage', produces: ['pa_coverage'], usesPa: true, run: paCoverage },
  { stage: 'pa_connectivity', produces: ['pa_connectivity'], usesPa: true, run: paConnectivity },
  { stage: 'exsitu_coverage', produces: ['exsitu_protected_plants_rate', 'exsitu_sites_per_taxon'], usesPa: false, run: exsituCoverage },
  { stage: 'grassland_vegetation_cover_rs', produces: ['grassland_vegetation_cover_rs'], usesPa: false, run: grasslandVegetationCoverRs },
];

export interface ExecuteOptions {
  /** a pause after each step (fault drills) */
  stepDelayMs?: number;
  /** how the run's shared work is cut and run (defaults: compute/run-work.ts DEFAULT_WORK) */
  work?: Partial<WorkOptions>;
  /** the file store holding raster COGs (config.fileStoreDir): without it grassland_vegetation_cover_rs has no value */
  fileStoreDir?: string;
}

/**
 * Executes a run (the worker's job). At-least-once safe: a completed run is left untouched (runs
 * are immutable); otherwise the run's shared work — its grid with the regions cut by it, and the
 * counted-PA union, built once per run and kept by run id — is built unless a previous attempt
 * built it, and every step not yet committed computes and upserts its results keyed by
 * (run, indicator, region), committing them with its stage record and the progress. A worker
 * killed mid-run and restarted so ends with exactly one complete result set, without redoing what
 * was committed. The shared work is removed when the run completes.
 */
export async function executeIndicatorRun(
  db: Db | Tx,
  runId: string,
  onProgress?: (done: number, total: number) => void,
  opts: ExecuteOptions = {},
): Promise<'completed' | 'skipped'> {
  const run = await selectRun(db, runId);
  if (!run) throw new Error(`indicator run ${runId} does not exist`);
  if (run.status === 'completed') return 'skipped';
  await markRunRunning(db, runId);
  const datasets = run.datasets as RunDatasets;
  const codes = run.region_codes ?? (await regionCodesOf(db, datasets.regions!));
  const ctx: RunContext = { runId, year: run.year, datasets, params: run.params as RunParams, regionCodes: codes, fileStoreDir: opts.fileStoreDir };
  const wanted = new Set(run.indicators);
  const steps = STEPS.filter((s) => s.produces.some((p) => wanted.has(p)));
  const work: WorkOptions = { ...DEFAULT_WORK, ...(opts.work ?? {}) };
  try {
    const warnings = await paWarningsFor(db, ctx);
    const committed = await doneStages(db, runId);
    const grid = await prepareGrid(db, ctx, work);
    if (steps.some((s) => s.usesPa && !committed.has(s.stage))) await preparePaUnion(db, ctx);
    const env: StepEnv = { warnings, grid, work };
    let done = steps.filter((s) => committed.has(s.stage)).reduce((n, s) => n + s.produces.filter((p) => wanted.has(p)).length, 0);
    for (const step of steps) {
      if (committed.has(step.stage)) continue;
      const startedAt = new Date();
      const rows = (await step.run(db, ctx, env)).filter((r) => wanted.has(r.indicator));
      const written = await withTx(db, async (tx) => {
        // a run completed meanwhile (a duplicate delivery finished first) is immutable: write nothing
        if ((await lockRunStatus(tx, runId)) === 'completed') return false;
        await upsertResults(tx, runId, run.year, rows);
        done += step.produces.filter((p) => wanted.has(p)).length;
        await setRunProgress(tx, runId, done);
        await recordStage(tx, runId, step.stage, startedAt, { results: rows.length });
        return true;
      });
      if (!written) return 'skipped';
      onProgress?.(done, run.indicators.length);
      if (opts.stepDelayMs) await new Promise((r) => setTimeout(r, opts.stepDelayMs));
    }
    await withTx(db, async (tx) => {
      if (await completeRun(tx, runId, run.indicators.length)) await dropWork(tx, runId);
    });
    return 'completed';
  } catch (err) {
    // the shared work stays: a retry resumes from it
    await failRun(db, runId, (err as Error).message);
    throw err;
  }
}

export interface ResultOut {
  indicator: string;
  nameZh: string | null;
  nameEn: string | null;
  regionCode: string;
  /** which of the indicator's values for the region (pa_connectivity: 'd=10km'); absent when it has one */
  variant?: string;
  year: number;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  unit: string;
  target: number | null;
  targetText: string | null;
  meetsTarget: boolean | null;
  reason: string | null;
  /** the reason as a stable code with parameters and its Chinese and English texts (reasons.ts); null with a value */
  reasonCode: ReasonCode | null;
  reasonParams: Record<string, string> | null;
  reasonZh: string | null;
  reasonEn: string | null;
  missing?: unknown;
  details: Record<string, unknown>;
  params: RunParams;
  datasets: RunDatasets;
  methodVersion: string;
  runId: string;
  /** when the run that computed the value finished (null while it runs) */
  computedAt: Date | null;
}

/** A run with its results as the viewer sees them (details name no sensitive species below evaluator: @biomon/sensitive). */
export async function getIndicatorRun(db: DbOrTx, runId: string, viewer: Viewer) {
  const run = await selectRun(db, runId);
  if (!run) return null;
  const results = await selectRunResults(db, runId);
  const sensitive = await sensitiveSpeciesNames(db);
  return {
    runId: run.id,
    status: run.status,
    year: run.year,
    indicators: run.indicators,
    regions: run.region_codes,
    datasets: run.datasets as RunDatasets,
    params: run.params as RunParams,
    methodVersion: run.method_version,
    progress: { done: run.progress_done, total: run.progress_total },
    error: run.error,
    createdAt: run.created_at,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
    results:
      run.status === 'completed'
        ? results
            .sort((a, b) => byCode(a.indicator, b.indicator) || byCode(a.region_code, b.region_code) || variantOrder(a.variant, b.variant))
            .map((r) => toResultOut(r, run, viewer, sensitive))
        : [],
  };
}

function toResultOut(
  r: {
    indicator: string;
    region_code: string;
    variant: string;
    year: number;
    value: number | null;
    numerator: number | null;
    denominator: number | null;
    unit: string;
    reason: string | null;
    details: unknown;
  },
  run: { id: string; params: unknown; datasets: unknown; method_version: string; finished_at: Date | null },
  viewer: Viewer,
  sensitive: Set<string>,
): ResultOut {
  const def = indicatorDefinition(r.indicator);
  const details = projectIndicatorDetails((r.details ?? {}) as Record<string, unknown>, viewer, sensitive);
  return {
    indicator: r.indicator,
    nameZh: def?.nameZh ?? null,
    nameEn: def?.nameEn ?? null,
    regionCode: r.region_code,
    ...(r.variant ? { variant: r.variant } : {}),
    year: r.year,
    value: r.value,
    numerator: r.numerator,
    denominator: r.denominator,
    unit: r.unit,
    target: def?.target2025.value ?? null,
    targetText: def?.target2025.text ?? null,
    meetsTarget: meetsTarget(r.indicator, r.value),
    reason: r.reason,
    ...reasonFields(r.reason),
    ...(details.missing ? { missing: details.missing } : {}),
    details,
    params: run.params as RunParams,
    datasets: run.datasets as RunDatasets,
    methodVersion: run.method_version,
    runId: run.id,
    computedAt: run.finished_at,
  };
}

/** The value of the latest completed run for an indicator (optionally by region and year), as the viewer sees it. */
export async function latestValues(db: DbOrTx, code: string, opts: { region?: string; year?: number }, viewer: Viewer): Promise<ResultOut[]> {
  const rows = await selectCompletedResults(db, code, opts);
  const sensitive = await sensitiveSpeciesNames(db);
  const seen = new Set<string>();
  const out: ResultOut[] = [];
  for (const r of rows) {
    const k = `${r.region_code}|${r.year}|${r.variant}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(toResultOut(r, r, viewer, sensitive));
  }
  return out.sort((a, b) => a.regionCode.localeCompare(b.regionCode) || a.year - b.year || variantOrder(a.variant ?? '', b.variant ?? ''));
}

/** Variants in a stable order: numbers inside them compared as numbers ('d=1km' < 'd=10km' < 'd=100km'). */
export function variantOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The reason fields of a result: code, parameters and texts (all null with a value). */
function reasonFields(reason: string | null): Pick<ResultOut, 'reasonCode' | 'reasonParams' | 'reasonZh' | 'reasonEn'> {
  const d = describeReason(reason);
  return d
    ? { reasonCode: d.reasonCode, reasonParams: d.reasonParams, reasonZh: d.reasonZh, reasonEn: d.reasonEn }
    : { reasonCode: null, reasonParams: null, reasonZh: null, reasonEn: null };
}
