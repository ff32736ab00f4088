import { sql, type DbOrTx } from '@biomon/db';
import type { ResultRow, RunDatasets } from './run-context';
import type { RunParams } from './run-params';

// SQL of indicator runs (`indicator_runs`) and their results (`indicator_results`); the rules of a
// run (which datasets, which steps, when it is immutable) live in indicator-run.service.ts.

/** The kind of a layer dataset, or null when there is no such dataset. */
export async function datasetKind(db: DbOrTx, datasetId: number): Promise<string | null> {
  const row = await db.selectFrom('layer_datasets').select(['id', 'kind']).where('id', '=', datasetId).executeTakeFirst();
  return row?.kind ?? null;
}

/** Region codes of a regions dataset: all of them in code order, or those of `only` that it holds. */
export async function regionCodesOf(db: DbOrTx, regionsDataset: number, only?: string[]): Promise<string[]> {
  let q = db.selectFrom('regions').select('code').where('dataset_id', '=', regionsDataset);
  if (only) q = q.where('code', 'in', only);
  return (await q.orderBy('code').execute()).map((r) => r.code);
}

export interface NewRun {
  year: number;
  regionCodes: string[] | null;
  indicators: string[];
  datasets: RunDatasets;
  params: RunParams;
  methodVersion: string;
  trigger: string;
  requestedBy: string | null;
}

export async function insertRun(db: DbOrTx, r: NewRun): Promise<string> {
  const run = await db
    .insertInto('indicator_runs')
    .values({
      year: r.year,
      region_codes: r.regionCodes,
      indicators: r.indicators,
      datasets: JSON.stringify(r.datasets),
      params: JSON.stringify(r.params),
      method_version: r.methodVersion,
      trigger: r.trigger,
      requested_by: r.requestedBy,
      progress_total: r.indicators.length,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return run.id;
}

export async function selectRun(db: DbOrTx, runId: string) {
  return db.selectFrom('indicator_runs').selectAll().where('id', '=', runId).executeTakeFirst();
}

export async function selectRunResults(db: DbOrTx, runId: string) {
  return db.selectFrom('indicator_results').selectAll().where('run_id', '=', runId).orderBy('indicator').orderBy('region_code').orderBy('variant').execute();
}

/** Designated protected areas counted by the indicators (not biosphere reserves) that have no establishment year. */
export async function protectedAreasWithoutYear(db: DbOrTx, paDataset: number): Promise<{ pa_id: string; name: string }[]> {
  return db
    .selectFrom('protected_areas')
    .select(['pa_id', 'name'])
    .where('dataset_id', '=', paDataset)
    .where('status', '=', 'designated')
    .where('designation', '<>', 'biosphere_reserve')
    .where('established_year', 'is', null)
    .execute();
}

export async function markRunRunning(db: DbOrTx, runId: string): Promise<void> {
  await db
    .updateTable('indicator_runs')
    .set({ status: 'running', started_at: sql`coalesce(started_at, now())`, error: null })
    .where('id', '=', runId)
    .execute();
}

/** Locks the run's row until the transaction ends and returns its status (undefined when there is no such run). */
export async function lockRunStatus(tx: DbOrTx, runId: string): Promise<string | undefined> {
  const status = await sql<{ status: string }>`SELECT status FROM indicator_runs WHERE id = ${runId} FOR UPDATE`.execute(tx);
  return status.rows[0]?.status;
}

/** Upserts results keyed by (run, indicator, region, variant): a repeated step overwrites its own rows. */
export async function upsertResults(tx: DbOrTx, runId: string, year: number, rows: ResultRow[]): Promise<void> {
  if (!rows.length) return;
  await tx
    .insertInto('indicator_results')
    .values(
      rows.map((r) => ({
        run_id: runId,
        indicator: r.indicator,
        region_code: r.regionCode,
        year,
        value: r.value,
        numerator: r.numerator,
        denominator: r.denominator,
        unit: r.unit ?? '%',
        reason: r.reason,
        details: JSON.stringify(r.details),
        variant: r.variant ?? '',
      })),
    )
    .onConflict((oc) =>
      oc.columns(['run_id', 'indicator', 'region_code', 'variant']).doUpdateSet((eb) => ({
        value: eb.ref('excluded.value'),
        numerator: eb.ref('excluded.numerator'),
        denominator: eb.ref('excluded.denominator'),
        reason: eb.ref('excluded.reason'),
        details: eb.ref('excluded.details'),
        computed_at: sql`now()`,
      })),
    )
    .execute();
}

export async function setRunProgress(tx: DbOrTx, runId: string, done: number): Promise<void> {
  await tx.updateTable('indicator_runs').set({ progress_done: done }).where('id', '=', runId).execute();
}

/** Marks a run completed unless it already is; true when this call completed it. */
export async function completeRun(tx: DbOrTx, runId: string, total: number): Promise<boolean> {
  const updated = await tx
    .updateTable('indicator_runs')
    .set({ status: 'completed', finished_at: new Date(), progress_done: total })
    .where('id', '=', runId)
    .where('status', '<>', 'completed')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

/** Marks a run failed with its error, unless it completed meanwhile. */
export async function failRun(db: DbOrTx, runId: string, message: string): Promise<void> {
  await db
    .updateTable('indicator_runs')
    .set({ status: 'failed', error: message.slice(0, 2000) })
    .where('id', '=', runId)
    .where('status', '<>', 'completed')
    .execute();
}

/**
 * The results of completed runs for an indicator (optionally one region and one year) with their
 * run's id, parameters, datasets, method and finish time, newest run first.
 */
export async function selectCompletedResults(db: DbOrTx, code: string, opts: { region?: string; year?: number }) {
  let q = db
    .selectFrom('indicator_results as r')
    .innerJoin('indicator_runs as u', 'u.id', 'r.run_id')
    .select([
      'r.indicator',
      'r.region_code',
      'r.variant',
      'r.year',
      'r.value',
      'r.numerator',
      'r.denominator',
      'r.unit',
      'r.reason',
      'r.details',
      'u.id',
      'u.params',
      'u.datasets',
      'u.method_version',
      'u.finished_at',
    ])
    .where('u.status', '=', 'completed')
    .where('r.indicator', '=', code);
  if (opts.region) q = q.where('r.region_code', '=', opts.region);
  if (opts.year) q = q.where('r.year', '=', opts.year);
  return q.orderBy('u.finished_at', 'desc').execute();
}

/**
 * What the latest values depend on, in one indexed query: the newest completed run, how many runs
 * are completed, and (unless `exact`) the version of the taxa (read_cache_versions, bumped by a
 * trigger on every statement that changes taxa, migration 0013).
 */
export async function selectValuesFreshness(db: DbOrTx, exact: boolean): Promise<{ newest: string | null; runs: number; taxa: string | null } | undefined> {
  const r = await sql<{ newest: string | null; runs: number; taxa: string | null }>`
    SELECT (SELECT id::text FROM indicator_runs WHERE status = 'completed' ORDER BY finished_at DESC NULLS LAST, id DESC LIMIT 1) AS newest,
      (SELECT count(*) FROM indicator_runs WHERE status = 'completed')::int AS runs,
      ${exact ? sql`NULL::text` : sql`(SELECT version::text FROM read_cache_versions WHERE name = 'taxa')`} AS taxa`.execute(db);
  return r.rows[0];
}
