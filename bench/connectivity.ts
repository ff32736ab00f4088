/**
 * ProtConn at province scale (issue 19): the synthetic province of bench/indicators.ts (its
 * regions: the province, 9 prefectures, 70 counties, 2 priority areas) with its 1,000 overlapping
 * protected areas (bench/support/synthetic-province.ts, seeded), and one indicator run of
 * pa_coverage and pa_connectivity for every region. The figure: the time of the pa_connectivity
 * step against the pa_coverage step of the same run (both read the run's counted-PA union, built
 * once before them — its time is shown apart), as a ratio.
 *
 *   npm run bench -- connectivity                    (BENCH_DISTANCES=10 by default)
 *   BENCH_DISTANCES=1,10,30,100 npm run bench -- connectivity
 *   BENCH_KEEP=1 …   keep the scratch database (its name is printed)
 *
 * The run executes in this process exactly as the worker's job does (`executeIndicatorRun`);
 * stage times are the run's own records (`indicator_run_stages`). Writes bench/results/connectivity.json
 * (with BENCH_DISTANCES: connectivity-<distances>km.json).
 */
import os from 'node:os';
import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createDb, migrateToLatest, sql } from '@biomon/db';
import { importLayer } from '@biomon/layers';
import { createIndicatorRun, executeIndicatorRun } from '@biomon/indicators';
import { createScratchDatabase } from './support/scratch-database';
import { demoRegions, outlineOf, protectedAreaFeatures, regionFeatures } from './support/synthetic-province';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SEED = 20_261_201;
const PROTECTED_AREAS = 1_000;
const COUNTIES = 70;
const YEAR = 2024;
const DISTANCES = (process.env.BENCH_DISTANCES ?? '10').split(',').map(Number);
const secs = (t0: number) => Math.round((performance.now() - t0) / 10) / 100;

async function main(): Promise<void> {
  const scratch = await createScratchDatabase('conn');
  const h = createDb(scratch.url, { max: 4 });
  try {
    const t0 = performance.now();
    await migrateToLatest(h.db);
    const outline = outlineOf(demoRegions().find((r) => r.level === 'province')!.geometry);
    const regions = await importLayer(h.db, await regionFeatures(h.db, COUNTIES, SEED), { kind: 'regions', year: YEAR, source: 'bench' });
    const pa = protectedAreaFeatures(PROTECTED_AREAS, outline, SEED);
    const pas = await importLayer(h.db, pa.features, { kind: 'protected-areas', year: YEAR, source: 'bench' });
    await sql`ANALYZE`.execute(h.db);
    const loadSeconds = secs(t0);
    console.log(`connectivity: loaded ${COUNTIES + 12} regions, ${PROTECTED_AREAS} protected areas (${pa.stats.counted} counted) in ${loadSeconds} s`);
    const { runId } = await createIndicatorRun(
      h.db,
      {
        year: YEAR,
        indicators: ['pa_coverage', 'pa_connectivity'],
        datasets: { regions: regions.datasetId, protectedAreas: pas.datasetId },
        params: { dispersalDistanceKm: DISTANCES },
      },
      { tokenId: null, role: 'system', label: 'bench' },
      'bench',
    );
    const tRun = performance.now();
    await executeIndicatorRun(h.db, runId);
    const runSeconds = secs(tRun);
    const stages = (
      await sql<{ stage: string; ms: number }>`SELECT stage, ms FROM indicator_run_stages WHERE run_id = ${runId} ORDER BY started_at`.execute(h.db)
    ).rows;
    const ms = (s: string) => stages.find((x) => x.stage === s)?.ms ?? Number.NaN;
    const province = (
      await sql<{ variant: string; value: number; details: Record<string, unknown> }>`
      SELECT variant, value, details FROM indicator_results WHERE run_id = ${runId} AND region_code = '220000' AND indicator = 'pa_connectivity' ORDER BY variant`.execute(
        h.db,
      )
    ).rows;
    const counts = (
      await sql<{ n: number }>`SELECT count(*)::int AS n FROM indicator_results WHERE run_id = ${runId} AND indicator = 'pa_connectivity'`.execute(h.db)
    ).rows[0];
    const ratio = ms('pa_connectivity') / ms('pa_coverage');
    const ratioWithUnion = ms('pa_connectivity') / (ms('pa_coverage') + ms('pa-union'));
    const prov = province
      .sort((a, b) => Number(a.details.dispersalDistanceKm) - Number(b.details.dispersalDistanceKm))
      .map((p) => ({
        distanceKm: p.details.dispersalDistanceKm,
        protConn: p.value,
        prot: p.details.prot,
        nodes: p.details.nodes,
        pairsMeasured: p.details.pairsMeasured,
        pairCutoffKm: p.details.pairCutoffKm,
        maxPruningErrorPoints: p.details.maxPruningErrorPoints,
        connectorNodesEvaluated: p.details.connectorNodesEvaluated,
        topConnector: (p.details.topConnectors as { protectedAreas: { name: string }[]; dPCconnector: number }[])[0] ?? null,
      }));
    console.log(`connectivity: distances ${DISTANCES.join(', ')} km; ${counts.n} results; run ${runSeconds} s`);
    console.log(`  stages (ms): ${stages.map((s) => `${s.stage} ${s.ms}`).join(', ')}`);
    for (const p of prov)
      console.log(
        `  province at ${p.distanceKm} km: ProtConn ${Number(p.protConn).toFixed(3)} % of Prot ${Number(p.prot).toFixed(3)} %, ${p.nodes} nodes, ${p.pairsMeasured} pairs measured (cutoff ${Number(p.pairCutoffKm).toFixed(0)} km, error ≤ ${Number(p.maxPruningErrorPoints).toExponential(1)} points), ${p.connectorNodesEvaluated} connector candidates`,
      );
    console.log(`  pa_connectivity / pa_coverage step: ${ratio.toFixed(1)} × (/ coverage + the PA union: ${ratioWithUnion.toFixed(2)} ×)`);
    await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
    await writeFile(
      path.join(ROOT, `bench/results/connectivity${process.env.BENCH_DISTANCES ? `-${DISTANCES.join('-')}km` : ''}.json`),
      `${JSON.stringify(
        {
          when: new Date().toISOString(),
          command: `${process.env.BENCH_DISTANCES ? `BENCH_DISTANCES=${process.env.BENCH_DISTANCES} ` : ''}npm run bench -- connectivity`,
          machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
          seed: SEED,
          protectedAreas: PROTECTED_AREAS,
          countedProtectedAreas: pa.stats.counted,
          regions: COUNTIES + 12,
          distancesKm: DISTANCES,
          loadSeconds,
          runSeconds,
          stagesMs: Object.fromEntries(stages.map((s) => [s.stage, s.ms])),
          ratioConnectivityToCoverage: Math.round(ratio * 100) / 100,
          ratioConnectivityToCoveragePlusUnion: Math.round(ratioWithUnion * 100) / 100,
          province: prov,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await h.close();
    if (process.env.BENCH_KEEP) {
      console.log(`kept ${scratch.url}`);
      await scratch.keep();
    } else await scratch.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
