/**
 * Province-scale indicator runs (issue 17): a synthetic Jilin of N land-cover parcels (三调 scale at
 * N = 1,000,000: 0.1–50 ha covering the province), 1,000 protected areas with overlaps, the province,
 * 9 prefectures, 70 counties and 2 priority areas, grassland plots, 20,000 ecosystem polygons and
 * 20,000 species records; one full run of every indicator for every region, timed at each N, with
 * the growth factors and the peak memory of the worker process and of its PostgreSQL backends.
 *
 *   npm run bench -- indicators                 (BENCH_SIZES=10000,100000,1000000 by default)
 *   BENCH_SIZES=100000 npm run bench -- indicators
 *   BENCH_KEEP=1 …        keep the scratch databases (their names are printed)
 *   BENCH_DB=NAME …       reuse a kept database (no generation; one size): a new run on its layers
 *   BENCH_EXPLAIN=FILE …  the analyzed plans (auto_explain) of the run's statements slower than
 *                         BENCH_EXPLAIN_MS (default 1000), written to FILE
 *   BENCH_LOAD_ONLY=1 …   generate and load only (with BENCH_KEEP: a database for BENCH_DB)
 *   BENCH_WORK='{"featuresPerCell":3000}' …   other settings of the engine's work (cell size, concurrency)
 *
 * The smaller sizes cover the same province with coarser parcels (mean ≈ 1,900 ha at 10,000, ≈ 190 ha
 * at 100,000); everything else is the same at every size.
 *
 * Data (bench/support/synthetic-province.ts, seeded, identical at every run) is loaded through the
 * platform's own layer import (`importLayer`: validation, repair report, subdivision) and record
 * ingest (`ingestOccurrences`); loading is timed and reported but is not the measured figure.
 * The run executes in a child process exactly as the worker's job does (`executeIndicatorRun`),
 * so the node memory figure is the worker's alone. Writes bench/results/indicators.json.
 */
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createDb, migrateToLatest, sql, type Db } from '@biomon/db';
import { importLayer, type GeoJsonFeature, type LayerKind } from '@biomon/layers';
import { createIndicatorRun, DEFAULT_RUN_CODES as INDICATOR_CODES } from '@biomon/indicators';
import { ingestOccurrences } from '@biomon/occurrences';
import { upsertTaxa, type TaxonInput, type TaxonRuleInput } from '@biomon/taxa';
import { loadConfig } from '@biomon/config';
import { createScratchDatabase } from './support/scratch-database';
import { BENCH_APP, procStatus } from './support/proc-memory';
import {
  demoRegions,
  ecosystemFeatures,
  landCoverFeatures,
  occurrenceRecords,
  outlineOf,
  planLandCover,
  plotSampler,
  protectedAreaFeatures,
  regionFeatures,
  type LandCoverStats,
  type PaStats,
} from './support/synthetic-province';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const SEED = 20_261_201;
const PROTECTED_AREAS = 1_000;
const COUNTIES = 70;
const ECOSYSTEM_POLYGONS = 20_000;
const OCCURRENCES = 20_000;
const PLOTS = 3_000;
const YEAR = 2024;

interface Loaded {
  datasets: { regions: number; protectedAreas: number; landCover: number; grasslandPlots: number; ecosystems: number };
  loadSeconds: Record<string, number>;
  landCover: LandCoverStats | null;
  protectedAreas: PaStats | null;
  regions: number;
  plots: number;
}

const secs = (t0: number) => Math.round((performance.now() - t0) / 10) / 100;

async function load(db: Db, n: number): Promise<Loaded> {
  const loadSeconds: Record<string, number> = {};
  const outline = outlineOf(demoRegions().find((r) => r.level === 'province')!.geometry);
  let t = performance.now();
  await migrateToLatest(db);
  // the Jilin checklist with the 2021 lists' classes and group entries (what the species indicator reads)
  const checklist = JSON.parse(await readFile(path.join(ROOT, 'seeds/taxa/jilin-checklist.json'), 'utf8')) as { taxa: TaxonInput[]; rules: TaxonRuleInput[] };
  await db.transaction().execute((tx) => upsertTaxa(tx, checklist.taxa, checklist.rules));
  loadSeconds.migrateAndChecklist = secs(t);

  const imp = async (kind: LayerKind, features: Iterable<GeoJsonFeature> | AsyncIterable<GeoJsonFeature>) => {
    const t0 = performance.now();
    const r = await importLayer(db, features, { kind, year: YEAR, source: 'bench synthetic province' });
    loadSeconds[kind] = secs(t0);
    if (r.rejected.length) throw new Error(`${kind}: ${r.rejected.length} features rejected, e.g. ${JSON.stringify(r.rejected[0])}`);
    return r;
  };
  t = performance.now();
  const regionFc = await regionFeatures(db, COUNTIES, SEED);
  loadSeconds.regionsGenerate = secs(t);
  const regions = await imp('regions', regionFc);

  const pa = protectedAreaFeatures(PROTECTED_AREAS, outline, SEED);
  const pas = await imp('protected-areas', pa.features);

  t = performance.now();
  const plan = planLandCover(n, outline, SEED);
  loadSeconds.landCoverPlan = secs(t);
  const stats = {} as LandCoverStats;
  const plots = plotSampler(PLOTS, n * 0.05, SEED);
  const lc = await imp('land-cover', landCoverFeatures(plan, stats, plots.onParcel));
  const gp = await imp('grassland-plots', plots.features);
  const eco = await imp('ecosystems', ecosystemFeatures(ECOSYSTEM_POLYGONS, outline, SEED));

  t = performance.now();
  const taxa = await sql<{ scientific_name: string; listed: boolean }>`
    SELECT scientific_name, protection_class IS NOT NULL AS listed FROM taxa WHERE rank IN ('species', 'subspecies') ORDER BY scientific_name`.execute(db);
  const names = {
    listed: taxa.rows.filter((r) => r.listed).map((r) => r.scientific_name),
    unlisted: taxa.rows.filter((r) => !r.listed).map((r) => r.scientific_name),
  };
  names.listed.push('Taxus chinensis'); // covered by a group entry (红豆杉属 所有种)
  const paCentres = pa.features.map((f) => {
    const ring = (f.geometry!.coordinates as number[][][])[0];
    return [ring.reduce((a, p) => a + p[0], 0) / ring.length, ring.reduce((a, p) => a + p[1], 0) / ring.length] as [number, number];
  });
  const records = occurrenceRecords(OCCURRENCES, outline, names, paCentres, SEED);
  for (let i = 0; i < records.length; i += 1000)
    await ingestOccurrences(db, records.slice(i, i + 1000), { actor: { tokenId: null, role: 'system' as const, team: null, label: 'bench' } });
  loadSeconds.occurrences = secs(t);
  t = performance.now();
  await sql`ANALYZE`.execute(db);
  loadSeconds.analyze = secs(t);
  return {
    datasets: { regions: regions.datasetId, protectedAreas: pas.datasetId, landCover: lc.datasetId, grasslandPlots: gp.datasetId, ecosystems: eco.datasetId },
    loadSeconds,
    landCover: stats,
    protectedAreas: pa.stats,
    regions: regions.features,
    plots: gp.features,
  };
}

/** The newest dataset of each kind in a kept database (BENCH_DB). */
async function existing(db: Db): Promise<Loaded> {
  await migrateToLatest(db);
  const pick = async (kind: string) => (await sql<{ id: number }>`SELECT max(id)::int AS id FROM layer_datasets WHERE kind = ${kind}`.execute(db)).rows[0].id;
  const datasets = {
    regions: await pick('regions'),
    protectedAreas: await pick('protected-areas'),
    landCover: await pick('land-cover'),
    grasslandPlots: await pick('grassland-plots'),
    ecosystems: await pick('ecosystems'),
  };
  const regions = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM regions WHERE dataset_id = ${datasets.regions}`.execute(db)).rows[0].n;
  return { datasets, loadSeconds: {}, landCover: null, protectedAreas: null, regions, plots: 0 };
}

interface Memory {
  nodeWorkerPeakRss: number;
  pgBackendsPeakHwm: number;
  pgBackendPeakPrivate: number;
  pgBackendsPeakPrivateSum: number;
  backendsUsed: number;
  samples: number;
}

/** Runs the run in the worker-like child, sampling its memory and its backends' every 200 ms. */
async function runInChild(db: Db, url: string, runId: string): Promise<{ seconds: number; memory: Memory; cpuSeconds: { postgres: number; node: number } }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/support/indicator-run-child.ts'), url, runId], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const mem: Memory = { nodeWorkerPeakRss: 0, pgBackendsPeakHwm: 0, pgBackendPeakPrivate: 0, pgBackendsPeakPrivateSum: 0, backendsUsed: 0, samples: 0 };
  const pids = new Set<number>();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const c = procStatus(child.pid!);
      mem.nodeWorkerPeakRss = Math.max(mem.nodeWorkerPeakRss, c.VmHWM ?? 0, c.VmRSS ?? 0);
      const be = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE application_name = ${BENCH_APP}`.execute(db);
      let privateSum = 0;
      for (const { pid } of be.rows) {
        pids.add(pid);
        const s = procStatus(pid);
        mem.pgBackendsPeakHwm = Math.max(mem.pgBackendsPeakHwm, s.VmHWM ?? 0);
        mem.pgBackendPeakPrivate = Math.max(mem.pgBackendPeakPrivate, s.RssAnon ?? 0);
        privateSum += s.RssAnon ?? 0;
      }
      mem.pgBackendsPeakPrivateSum = Math.max(mem.pgBackendsPeakPrivateSum, privateSum);
      mem.samples++;
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  sampling = false;
  await sampler;
  if (code !== 0) throw new Error(`indicator run child exited with ${code}`);
  const res = JSON.parse(out.trim().split('\n').pop()!) as {
    seconds: number;
    node: { VmHWM: number; cpuSeconds: number };
    backends: { pid: number; VmHWM?: number; cpuSeconds: number }[];
  };
  mem.nodeWorkerPeakRss = Math.max(mem.nodeWorkerPeakRss, res.node.VmHWM);
  for (const b of res.backends) mem.pgBackendsPeakHwm = Math.max(mem.pgBackendsPeakHwm, b.VmHWM ?? 0);
  mem.backendsUsed = pids.size;
  const pgCpu = res.backends.reduce((a, b) => a + b.cpuSeconds, 0);
  return { seconds: res.seconds, memory: mem, cpuSeconds: { postgres: Math.round(pgCpu * 10) / 10, node: Math.round(res.node.cpuSeconds * 10) / 10 } };
}

const mib = (b: number) => Math.round(b / 2 ** 20);

async function main(): Promise<void> {
  const reuse = process.env.BENCH_DB;
  const runs: Record<string, unknown> = {};
  const seconds: Record<string, number> = {};
  for (const n of reuse ? [SIZES[0]] : SIZES) {
    const scratch = reuse ? null : await createScratchDatabase(`ind_${n}`);
    let url = scratch?.url;
    if (reuse) {
      const u = new URL(loadConfig().databaseUrl);
      u.pathname = `/${reuse}`;
      url = u.toString();
    }
    const h = createDb(url!, { max: 4 });
    try {
      const t0 = performance.now();
      const loaded = reuse ? await existing(h.db) : await load(h.db, n);
      const loadTotal = secs(t0);
      if (!reuse)
        console.log(
          `indicators: N=${n.toLocaleString('en')} loaded in ${loadTotal} s ${JSON.stringify(loaded.loadSeconds)}; parcels ${loaded.landCover?.parcels} (${loaded.landCover?.minAreaHa.toFixed(2)}–${loaded.landCover?.maxAreaHa.toFixed(1)} ha, mean ${loaded.landCover?.meanAreaHa.toFixed(1)} ha)`,
        );
      if (process.env.BENCH_LOAD_ONLY) continue;
      const { runId } = await createIndicatorRun(h.db, { year: YEAR, datasets: loaded.datasets }, { tokenId: null, role: 'system', label: 'bench' }, 'bench');
      const r = await runInChild(h.db, url!, runId);
      const run = await h.db.selectFrom('indicator_runs').select(['status', 'error']).where('id', '=', runId).executeTakeFirstOrThrow();
      const results = (
        await sql<{
          n: number;
          nulls: number;
        }>`SELECT count(*)::int AS n, count(*) FILTER (WHERE value IS NULL)::int AS nulls FROM indicator_results WHERE run_id = ${runId}`.execute(h.db)
      ).rows[0];
      const expected = INDICATOR_CODES.length * loaded.regions;
      if (run.status !== 'completed' || results.n !== expected)
        throw new Error(`run ${runId}: ${run.status} ${run.error ?? ''}, ${results.n} results of ${expected}`);
      const steps = (
        await sql<{ stage: string; ms: number; builds: number }>`
        SELECT stage, ms, builds FROM indicator_run_stages WHERE run_id = ${runId} ORDER BY started_at`
          .execute(h.db)
          .catch(() => ({ rows: [] }))
      ).rows;
      const province = (
        await sql<{ indicator: string; value: number | null }>`
        SELECT indicator, value FROM indicator_results WHERE run_id = ${runId} AND region_code = '220000' ORDER BY indicator`.execute(h.db)
      ).rows;
      seconds[n] = r.seconds;
      runs[n] = {
        parcels: loaded.landCover?.parcels,
        parcelAreaHa: loaded.landCover ? { min: loaded.landCover.minAreaHa, mean: loaded.landCover.meanAreaHa, max: loaded.landCover.maxAreaHa } : undefined,
        landCoverShares: loaded.landCover
          ? Object.fromEntries(
              Object.entries(loaded.landCover.byClass).map(([k, v]) => [
                k,
                Math.round((v / Object.values(loaded.landCover!.byClass).reduce((a, b) => a + b, 0)) * 1000) / 10,
              ]),
            )
          : undefined,
        protectedAreas: loaded.protectedAreas,
        regions: loaded.regions,
        plots: loaded.plots,
        ecosystemPolygons: ECOSYSTEM_POLYGONS,
        occurrences: OCCURRENCES,
        loadSeconds: { total: loadTotal, ...loaded.loadSeconds },
        runSeconds: r.seconds,
        cpuSeconds: r.cpuSeconds,
        results: results.n,
        nullResults: results.nulls,
        steps: Object.fromEntries(steps.map((s) => [s.stage, { ms: s.ms, builds: s.builds }])),
        memory: {
          nodeWorkerPeakRssMiB: mib(r.memory.nodeWorkerPeakRss),
          pgBackendPeakHwmMiB: mib(r.memory.pgBackendsPeakHwm),
          pgBackendPeakPrivateMiB: mib(r.memory.pgBackendPeakPrivate),
          pgBackendsPeakPrivateSumMiB: mib(r.memory.pgBackendsPeakPrivateSum),
          backendsUsed: r.memory.backendsUsed,
          workerTotalPeakMiB: mib(r.memory.nodeWorkerPeakRss + r.memory.pgBackendsPeakPrivateSum),
        },
        province: Object.fromEntries(province.map((p) => [p.indicator, p.value === null ? null : Math.round(p.value * 100) / 100])),
      };
      console.log(
        `indicators: ${reuse ? `database ${reuse}` : `N=${n.toLocaleString('en')}`} → full run ${r.seconds.toFixed(1)} s (${results.n} results; CPU: PostgreSQL ${r.cpuSeconds.postgres} s, node ${r.cpuSeconds.node} s); worker node peak ${mib(r.memory.nodeWorkerPeakRss)} MiB, PostgreSQL backend peak ${mib(r.memory.pgBackendsPeakHwm)} MiB resident (${mib(r.memory.pgBackendPeakPrivate)} MiB private; ${r.memory.backendsUsed} backends, ${mib(r.memory.pgBackendsPeakPrivateSum)} MiB private together)`,
      );
      if (steps.length) console.log(`  steps: ${steps.map((s) => `${s.stage} ${(s.ms / 1000).toFixed(1)} s`).join(', ')}`);
    } finally {
      await h.close();
      if (scratch) {
        if (process.env.BENCH_KEEP) {
          console.log(`  kept database ${new URL(scratch.url).pathname.slice(1)}`);
          await scratch.keep();
        } else await scratch.drop();
      }
    }
  }
  if (reuse || process.env.BENCH_LOAD_ONLY) return;
  const growth: Record<string, number> = {};
  for (let i = 1; i < SIZES.length; i++) {
    const [a, b] = [SIZES[i - 1], SIZES[i]];
    growth[`${a}→${b}`] = Math.round((seconds[b] / seconds[a]) * 100) / 100;
    console.log(`growth ${a.toLocaleString('en')} → ${b.toLocaleString('en')} parcels (${b / a}×): ${growth[`${a}→${b}`]}×`);
  }
  const pgv = await (async () => {
    const h = createDb(loadConfig().databaseUrl, { max: 1 });
    try {
      return (
        await sql<{
          v: string;
          wm: string;
          sb: string;
        }>`SELECT version() AS v, current_setting('work_mem') AS wm, current_setting('shared_buffers') AS sb`.execute(h.db)
      ).rows[0];
    } finally {
      await h.close();
    }
  })();
  const result = {
    when: new Date().toISOString(),
    command: 'npm run bench -- indicators',
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      postgres: pgv.v.split(' on ')[0],
      workMem: pgv.wm,
      sharedBuffers: pgv.sb,
    },
    seed: SEED,
    year: YEAR,
    indicators: INDICATOR_CODES,
    fixed: { protectedAreas: PROTECTED_AREAS, counties: COUNTIES, ecosystemPolygons: ECOSYSTEM_POLYGONS, occurrences: OCCURRENCES, plotsTarget: PLOTS },
    sizes: SIZES,
    seconds,
    growth,
    runs,
  };
  await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(path.join(ROOT, 'bench/results/indicators.json'), JSON.stringify(result, null, 2) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
