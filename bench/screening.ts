/**
 * One project impact screening (issue 19) on the synthetic province of the scale issue (issue 17;
 * bench/support/synthetic-province.ts): N land-cover parcels (1,000,000 by default: 三调 scale),
 * 1,000 protected areas, 70 counties, 20,000 ecosystem polygons and 20,000 species records, with a
 * completed indicator run on those datasets (the provincial baseline a screening reads).
 *
 *   npm run bench -- screening                  (BENCH_PARCELS=1000000 BENCH_FOOTPRINTS=5 BENCH_REPS=3)
 *   BENCH_PARCELS=100000 npm run bench -- screening
 *   BENCH_KEEP=1 … / BENCH_DB=NAME …            keep the scratch database / reuse a kept one
 *
 * Footprints: squares of 20 km² (side ≈ 4.47 km) at seeded places inside the province, buffers 1, 5
 * and 10 km. Measured per footprint and repetition, alternating: the whole screening as the worker
 * computes it (`executeScreening`: protected areas with zones, distances and buffer overlaps,
 * species records with their cells, land cover, ecosystems, natural wetland, the province's
 * baseline, the verdict, the map's geometry, the stored result), and the baseline — the plain
 * PostGIS intersection of the same footprint with the land-cover layer, areas per class on the
 * ellipsoid (one statement). The figure is the ratio of the two, from the same run.
 * Writes bench/results/screening.json.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createDb, migrateToLatest, sql, type Db } from '@biomon/db';
import { importLayer, type GeoJsonFeature, type LayerKind } from '@biomon/layers';
import { createIndicatorRun, executeIndicatorRun } from '@biomon/indicators';
import { ingestOccurrences } from '@biomon/occurrences';
import { upsertTaxa, type TaxonInput, type TaxonRuleInput } from '@biomon/taxa';
import { loadConfig } from '@biomon/config';
import { SYSTEM_ACTOR } from '@biomon/auth';
import { createScreening, executeScreening, footprintFromGeoJson } from '@biomon/screening';
import { createScratchDatabase } from './support/scratch-database';
import {
  demoRegions,
  ecosystemFeatures,
  inside,
  landCoverFeatures,
  occurrenceRecords,
  outlineOf,
  planLandCover,
  prng,
  protectedAreaFeatures,
  regionFeatures,
  type LandCoverStats,
} from './support/synthetic-province';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_PARCELS ?? 1_000_000);
const FOOTPRINTS = Number(process.env.BENCH_FOOTPRINTS ?? 5);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const SEED = 20_261_201;
const YEAR = 2024;
const SIDE_M = Math.sqrt(20e6);

const secs = (t0: number) => Math.round((performance.now() - t0) / 10) / 100;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function load(db: Db): Promise<{ landCover: number; seconds: Record<string, number>; parcels: number }> {
  const seconds: Record<string, number> = {};
  const outline = outlineOf(demoRegions().find((r) => r.level === 'province')!.geometry);
  let t = performance.now();
  await migrateToLatest(db);
  const checklist = JSON.parse(await readFile(path.join(ROOT, 'seeds/taxa/jilin-checklist.json'), 'utf8')) as { taxa: TaxonInput[]; rules: TaxonRuleInput[] };
  await db.transaction().execute((tx) => upsertTaxa(tx, checklist.taxa, checklist.rules));
  seconds.migrateAndChecklist = secs(t);
  const imp = async (kind: LayerKind, features: Iterable<GeoJsonFeature> | AsyncIterable<GeoJsonFeature>) => {
    const t0 = performance.now();
    const r = await importLayer(db, features, { kind, year: YEAR, source: 'bench synthetic province' });
    seconds[kind] = secs(t0);
    return r;
  };
  await imp('regions', await regionFeatures(db, 70, SEED));
  const pa = protectedAreaFeatures(1_000, outline, SEED);
  await imp('protected-areas', pa.features);
  const stats = {} as LandCoverStats;
  const lc = await imp('land-cover', landCoverFeatures(planLandCover(N, outline, SEED), stats));
  await imp('ecosystems', ecosystemFeatures(20_000, outline, SEED));
  t = performance.now();
  const taxa = await sql<{ scientific_name: string; listed: boolean }>`
    SELECT scientific_name, protection_class IS NOT NULL AS listed FROM taxa WHERE rank IN ('species', 'subspecies') ORDER BY scientific_name`.execute(db);
  const names = {
    listed: taxa.rows.filter((r) => r.listed).map((r) => r.scientific_name),
    unlisted: taxa.rows.filter((r) => !r.listed).map((r) => r.scientific_name),
  };
  const paCentres = pa.features.map((f) => {
    const ring = (f.geometry!.coordinates as number[][][])[0];
    return [ring.reduce((a, p) => a + p[0], 0) / ring.length, ring.reduce((a, p) => a + p[1], 0) / ring.length] as [number, number];
  });
  const records = occurrenceRecords(20_000, outline, names, paCentres, SEED);
  for (let i = 0; i < records.length; i += 1000)
    await ingestOccurrences(db, records.slice(i, i + 1000), { actor: { tokenId: null, role: 'system' as const, team: null, label: 'bench' } });
  seconds.occurrences = secs(t);
  t = performance.now();
  await sql`ANALYZE`.execute(db);
  seconds.analyze = secs(t);
  // the provincial baseline a screening reads: an indicator run on these datasets
  t = performance.now();
  const { runId } = await createIndicatorRun(db, { year: YEAR }, { tokenId: null, role: 'system', label: 'bench' }, 'bench');
  await executeIndicatorRun(db, runId);
  seconds.indicatorRun = secs(t);
  return { landCover: lc.datasetId, seconds, parcels: stats.parcels };
}

/** Seeded 20 km² squares whose corners lie inside the province. */
function footprints(n: number): { type: 'Polygon'; coordinates: number[][][] }[] {
  const outline = outlineOf(demoRegions().find((r) => r.level === 'province')!.geometry);
  const rnd = prng(SEED + 19);
  const out: { type: 'Polygon'; coordinates: number[][][] }[] = [];
  while (out.length < n) {
    const x = outline.bbox[0] + rnd() * (outline.bbox[2] - outline.bbox[0]);
    const y = outline.bbox[1] + rnd() * (outline.bbox[3] - outline.bbox[1]);
    const dx = SIDE_M / (111_320 * Math.cos((y * Math.PI) / 180));
    const dy = SIDE_M / 110_574;
    const ring = [
      [x, y],
      [x + dx, y],
      [x + dx, y + dy],
      [x, y + dy],
      [x, y],
    ];
    if (ring.every(([a, b]) => inside(outline, a, b))) out.push({ type: 'Polygon', coordinates: [ring] });
  }
  return out;
}

async function main(): Promise<void> {
  const reuse = process.env.BENCH_DB;
  const scratch = reuse ? null : await createScratchDatabase('screening');
  let url = scratch?.url;
  if (reuse) {
    const u = new URL(loadConfig().databaseUrl);
    u.pathname = `/${reuse}`;
    url = u.toString();
  }
  const h = createDb(url!, { max: 4 });
  try {
    const t0 = performance.now();
    let loaded: { landCover: number; seconds: Record<string, number>; parcels: number };
    if (reuse) {
      await migrateToLatest(h.db);
      const lc = (await sql<{ id: number }>`SELECT max(id)::int AS id FROM layer_datasets WHERE kind = 'land-cover'`.execute(h.db)).rows[0].id;
      const parcels = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM land_cover WHERE dataset_id = ${lc}`.execute(h.db)).rows[0].n;
      loaded = { landCover: lc, seconds: {}, parcels };
    } else loaded = await load(h.db);
    console.log(`screening: ${loaded.parcels.toLocaleString('en')} land-cover parcels loaded in ${secs(t0)} s ${JSON.stringify(loaded.seconds)}`);

    const screeningMs: number[] = [];
    const baselineMs: number[] = [];
    const steps: Record<string, number[]> = {};
    const perFootprint: { screeningMs: number[]; baselineMs: number[]; protectedAreas: number; species: number; landCoverClasses: number; verdict: string }[] =
      [];
    for (const [i, fp] of footprints(FOOTPRINTS).entries()) {
      const row = { screeningMs: [] as number[], baselineMs: [] as number[], protectedAreas: 0, species: 0, landCoverClasses: 0, verdict: '' };
      for (let rep = 0; rep < REPS; rep++) {
        // the baseline: the plain intersect of the footprint with the land-cover layer, per class, on the ellipsoid
        const tb = performance.now();
        await sql`
          WITH fp AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(fp)}), 4326) AS g)
          SELECT l.class, sum(ST_Area(ST_Intersection(l.geom, fp.g)::geography)) AS m2
          FROM land_cover l, fp WHERE l.dataset_id = ${loaded.landCover} AND l.geom && fp.g AND ST_Intersects(l.geom, fp.g)
          GROUP BY l.class`.execute(h.db);
        const b = performance.now() - tb;
        // the screening: created (footprint checked, datasets fixed, outbox) and computed as the worker does
        const { screeningId } = await createScreening(h.db, SYSTEM_ACTOR, {
          name: `bench ${i}.${rep}`,
          footprint: footprintFromGeoJson(fp, 'footprint', 'wgs84'),
          footprintField: 'footprint',
          buffersKm: [1, 5, 10],
        });
        const ts = performance.now();
        const outcome = await executeScreening(h.db, screeningId);
        const s = performance.now() - ts;
        if (outcome !== 'completed') throw new Error(`screening ${screeningId}: ${outcome}`);
        screeningMs.push(s);
        baselineMs.push(b);
        const st =
          (await sql<{ st: Record<string, number> }>`SELECT result->'stepsMs' AS st FROM screenings WHERE id = ${screeningId}`.execute(h.db)).rows[0].st ?? {};
        for (const [k, v] of Object.entries(st)) (steps[k] ??= []).push(v);
        row.screeningMs.push(Math.round(s));
        row.baselineMs.push(Math.round(b));
        if (rep === 0) {
          const r = (
            await sql<{ r: Record<string, unknown[]> & { verdict: { level: string } } }>`SELECT result AS r FROM screenings WHERE id = ${screeningId}`.execute(
              h.db,
            )
          ).rows[0].r;
          row.protectedAreas = r.protectedAreas.length;
          row.species = r.species.length;
          row.landCoverClasses = r.landCover.length;
          row.verdict = r.verdict.level;
        }
      }
      perFootprint.push(row);
      console.log(
        `  footprint ${i}: screening ${row.screeningMs.join(' / ')} ms, land-cover intersect ${row.baselineMs.join(' / ')} ms; ${row.protectedAreas} protected-area features, ${row.species} species, ${row.landCoverClasses} classes, verdict ${row.verdict}`,
      );
    }
    const ms = median(screeningMs);
    const base = median(baselineMs);
    console.log(
      `screening of a 20 km² footprint (buffers 1, 5, 10 km) on ${loaded.parcels.toLocaleString('en')} parcels: median ${Math.round(ms)} ms (max ${Math.round(Math.max(...screeningMs))} ms); ` +
        `plain land-cover intersect ${Math.round(base)} ms; ratio ${(ms / base).toFixed(1)}×`,
    );
    const stepMedians = Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, median(v)]));
    console.log(
      `  parts (median ms): ${Object.entries(stepMedians)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    const pgv = (await sql<{ v: string }>`SELECT version() AS v`.execute(h.db)).rows[0].v.split(' on ')[0];
    const result = {
      when: new Date().toISOString(),
      command: 'npm run bench -- screening',
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, postgres: pgv },
      parcels: loaded.parcels,
      footprintKm2: 20,
      buffersKm: [1, 5, 10],
      reps: REPS,
      loadSeconds: loaded.seconds,
      screeningMedianMs: Math.round(ms),
      screeningMaxMs: Math.round(Math.max(...screeningMs)),
      landCoverIntersectMedianMs: Math.round(base),
      ratio: Math.round((ms / base) * 10) / 10,
      partsMedianMs: stepMedians,
      footprints: perFootprint,
    };
    await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
    await writeFile(path.join(ROOT, 'bench/results/screening.json'), `${JSON.stringify(result, null, 2)}\n`);
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

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
