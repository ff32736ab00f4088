/**
 * Land-cover change detection at scale (issue 18): two versions of a synthetic Jilin of N parcels
 * each (bench/support/synthetic-province.ts, two seeds, so every parcel edge of one version crosses
 * the other's: the worst case), the province, 9 prefectures, 70 counties and 1,000 protected areas;
 * the transition matrix of the pair computed as the worker's job does (`computeLandCoverChange`),
 * timed at each N, beside a floor measured in the same run: one pass of ST_Area(geography) over
 * both versions' parcels. Also the largest geometry the change stored (vertices of the biggest
 * changed piece): cut by cells, never province-wide.
 *
 *   npm run bench -- land-cover-change                 (BENCH_SIZES=10000,100000 by default)
 *   BENCH_SIZES=1000000 npm run bench -- land-cover-change
 *   BENCH_KEEP=1 …   keep the scratch databases (their names are printed)
 *
 * Writes bench/results/land-cover-change.json.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createDb, migrateToLatest, sql, type Db } from '@biomon/db';
import { importLayer, type GeoJsonFeature, type LayerKind } from '@biomon/layers';
import { computeLandCoverChange, resolveChangePair } from '@biomon/indicators';
import { createScratchDatabase } from './support/scratch-database';
import {
  demoRegions,
  landCoverFeatures,
  outlineOf,
  planLandCover,
  protectedAreaFeatures,
  regionFeatures,
  type LandCoverStats,
} from './support/synthetic-province';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const SEED = 20_261_201;
const secs = (t0: number) => Math.round((performance.now() - t0) / 10) / 100;

async function one(n: number) {
  const scratch = await createScratchDatabase(`lcc_${n}`);
  const { db } = createDb(scratch.url, { max: 4 }) as { db: Db };
  try {
    await migrateToLatest(db);
    const outline = outlineOf(demoRegions().find((r) => r.level === 'province')!.geometry);
    const load: Record<string, number> = {};
    const imp = async (kind: LayerKind, year: number, features: Iterable<GeoJsonFeature> | AsyncIterable<GeoJsonFeature>) => {
      const t0 = performance.now();
      const r = await importLayer(db, features, { kind, year, source: 'bench synthetic province' });
      load[`${kind}-${year}`] = secs(t0);
      return r;
    };
    await imp('regions', 2020, await regionFeatures(db, 70, SEED));
    await imp('protected-areas', 2024, protectedAreaFeatures(1000, outline, SEED).features);
    const a = await imp('land-cover', 2020, landCoverFeatures(planLandCover(n, outline, SEED), {} as LandCoverStats));
    const b = await imp('land-cover', 2024, landCoverFeatures(planLandCover(n, outline, SEED + 1), {} as LandCoverStats));
    await sql`ANALYZE`.execute(db);

    // the floor: one pass of ellipsoidal areas over both versions' parcels
    let t = performance.now();
    await sql`SELECT sum(ST_Area(geom::geography)) FROM land_cover WHERE dataset_id IN (${a.datasetId}, ${b.datasetId})`.execute(db);
    const floorS = secs(t);

    t = performance.now();
    const change = await computeLandCoverChange(db, await resolveChangePair(db, { from: a.datasetId, to: b.datasetId }));
    const changeS = secs(t);
    const stored = (
      await sql<{ transitions: number; pieces: number; max_points: number; changed_ha: number }>`
      SELECT (SELECT count(*) FROM land_cover_transitions WHERE change_id = ${change.changeId})::int AS transitions,
             count(*)::int AS pieces, coalesce(max(ST_NPoints(geom)), 0)::int AS max_points, coalesce(sum(area_m2), 0) / 1e4 AS changed_ha
      FROM land_cover_change_areas WHERE change_id = ${change.changeId}`.execute(db)
    ).rows[0];
    const out = {
      parcelsPerVersion: n,
      features: { from: a.features, to: b.features },
      loadSeconds: load,
      floorSeconds: floorS,
      changeSeconds: changeS,
      ratioToFloor: Math.round((changeS / Math.max(0.01, floorS)) * 10) / 10,
      cells: change.cells,
      cellDeg: change.cellDeg,
      transitionsStored: stored.transitions,
      changedPieces: stored.pieces,
      largestPieceVertices: stored.max_points,
      changedHa: Math.round(stored.changed_ha),
    };
    console.log(JSON.stringify(out));
    return out;
  } finally {
    await db.destroy();
    if (process.env.BENCH_KEEP) {
      console.log(`kept ${scratch.url}`);
      await scratch.keep();
    } else await scratch.drop();
  }
}

const results = [];
for (const n of SIZES) results.push(await one(n));
for (let i = 1; i < results.length; i++)
  console.log(
    `×${results[i].parcelsPerVersion / results[i - 1].parcelsPerVersion} parcels → ×${Math.round((results[i].changeSeconds / results[i - 1].changeSeconds) * 10) / 10} time (floor ×${Math.round((results[i].floorSeconds / Math.max(0.01, results[i - 1].floorSeconds)) * 10) / 10})`,
  );
await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
await writeFile(
  path.join(ROOT, 'bench/results/land-cover-change.json'),
  `${JSON.stringify({ at: new Date().toISOString(), host: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model }, results }, null, 2)}\n`,
);
