/**
 * Land-cover change between two land-cover RASTERS (issue 18): an N × N Byte pair over Jilin (CLCD
 * codes, 1 % nodata, blocks of forest become cropland), the transition matrix computed as the
 * worker's job does (`computeRasterLandCoverChange`: pair raster + one zonal pass over the 9
 * prefectures, their parts inside the protected-area union and 40 protected areas; the changed
 * pixels stored for the map), beside `gdalinfo -stats` of the `from` COG in the same run (GDAL
 * reading and summing every pixel once). Also a `to` raster on another grid (origin shifted by a
 * third of a pixel: warped onto the `from` grid with gdalwarp -r near first).
 *
 *   npm run bench -- raster-land-cover-change                  (BENCH_SIZE=4000 BENCH_REPS=2 by default)
 *   BENCH_SIZE=10000 npm run bench -- raster-land-cover-change
 *
 * Writes bench/results/raster-land-cover-change.json.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, migrateToLatest, sql } from '@biomon/db';
import { importLayer, readGeoJsonFeatures, type GeoJsonFeature } from '@biomon/layers';
import { importRasterFile } from '@biomon/rasters';
import { computeRasterLandCoverChange, resolveRasterChangePair } from '@biomon/indicators';
import { createScratchDatabase } from './support/scratch-database';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_SIZE ?? 4000);
const REPS = Number(process.env.BENCH_REPS ?? 2);
const PREFECTURES = path.resolve(ROOT, '../shared/data/jilin-prefectures.geojson');
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const LON0 = 121.5;
const LAT0 = 46.6;

/** CLCD code of pixel (c, r) of an N × N grid over 10° × 6°: patches of 5 classes, 1 % nodata (255). */
function code(c: number, r: number, year: 2020 | 2024): number {
  if ((c * 7919 + r * 104729 + year) % 100 === 0) return 255;
  const k = Math.floor((c * 97) / N) * 31 + Math.floor((r * 61) / N) * 17;
  const base = 1 + (k % 5); // 1 cropland, 2 forest, 3 shrub, 4 grassland, 5 water
  if (year === 2024 && base === 2 && Math.floor((c * 40) / N) % 3 === 0) return 1; // forest → cropland in stripes
  return base;
}

async function writeRaster(work: string, name: string, year: 2020 | 2024, shift: number): Promise<string> {
  const bin = path.join(work, `${name}.bin`);
  const out = createWriteStream(bin);
  const row = new Uint8Array(N);
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) row[c] = code(c, r, year);
    if (!out.write(Buffer.from(row))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  writeFileSync(
    path.join(work, `${name}.hdr`),
    `ENVI\nsamples = ${N}\nlines = ${N}\nbands = 1\nheader offset = 0\nfile type = ENVI Standard\ndata type = 1\ninterleave = bsq\nbyte order = 0\n`,
  );
  const tif = path.join(work, `${name}.tif`);
  const dx = (10 / N) * shift;
  execFileSync('gdal_translate', [
    '-q',
    '-of',
    'GTiff',
    '-co',
    'TILED=YES',
    '-a_srs',
    'EPSG:4326',
    '-a_nodata',
    '255',
    '-a_ullr',
    String(LON0 + dx),
    String(LAT0),
    String(LON0 + 10 + dx),
    String(LAT0 - 6),
    bin,
    tif,
  ]);
  rmSync(bin);
  return tif;
}

function protectedAreas(): GeoJsonFeature[] {
  const out: GeoJsonFeature[] = [];
  for (let i = 0; i < 40; i++) {
    const lon = 124 + (i % 8) * 0.8 + (i % 3) * 0.1;
    const lat = 41.8 + Math.floor(i / 8) * 0.7;
    const s = 0.15 + (i % 5) * 0.08;
    out.push({
      type: 'Feature',
      properties: { id: `PA${i}`, name: `保护地 ${i}`, designation: 'nature_reserve', status: 'designated', establishedYear: 2000 },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [lon, lat],
            [lon + s, lat],
            [lon + s, lat + s],
            [lon, lat + s],
            [lon, lat],
          ],
        ],
      },
    });
  }
  return out;
}

async function main() {
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-raster-lcc-'));
  const scratch = await createScratchDatabase('rlcc');
  const handle = createDb(scratch.url, { max: 4, applicationName: 'bench-raster-lcc' });
  const db = handle.db;
  try {
    await migrateToLatest(db);
    const store = path.join(work, 'store');
    await importLayer(db, readGeoJsonFeatures(PREFECTURES), { kind: 'regions', year: 2020, crs: 'gcj02', source: 'DataV' });
    await importLayer(db, protectedAreas(), { kind: 'protected-areas', year: 2020, source: 'bench' });
    const imp = async (name: string, year: 2020 | 2024, shift: number, y: number) => {
      const tif = await writeRaster(work, name, year, shift);
      const r = await importRasterFile(db, store, createReadStream(tif), { kind: 'land-cover', year: y, source: 'bench', fileName: `${name}.tif` });
      rmSync(tif);
      return r.datasetId;
    };
    let t0 = process.hrtime.bigint();
    const a = await imp('lc2020', 2020, 0, 2020);
    const b = await imp('lc2024', 2024, 0, 2024);
    const shifted = await imp('lc2024-shifted', 2024, 1 / 3, 2025);
    console.log(`rasters ${N} × ${N} Byte: 3 generated and imported in ${(ms(t0) / 1000).toFixed(1)} s`);
    const cog = path.join(store, (await db.selectFrom('raster_datasets').select('storage_key').where('id', '=', a).executeTakeFirstOrThrow()).storage_key!);

    const same: number[] = [];
    const warped: number[] = [];
    const gdal: number[] = [];
    let summary = {};
    const phases: { same: Record<string, number>; warped: Record<string, number> }[] = [];
    for (let i = 0; i < REPS; i++) {
      await sql`DELETE FROM land_cover_changes WHERE source = 'raster'`.execute(db);
      t0 = process.hrtime.bigint();
      const c1 = await computeRasterLandCoverChange(db, store, await resolveRasterChangePair(db, { from: a, to: b }));
      same.push(ms(t0));
      t0 = process.hrtime.bigint();
      const c2 = await computeRasterLandCoverChange(db, store, await resolveRasterChangePair(db, { from: a, to: shifted }));
      warped.push(ms(t0));
      phases.push({ same: c1.phasesMs ?? {}, warped: c2.phasesMs ?? {} });
      console.log(`  steps (ms): ${JSON.stringify(c1.phasesMs)}; with warp ${JSON.stringify(c2.phasesMs)}`);
      t0 = process.hrtime.bigint();
      execFileSync('gdalinfo', ['-stats', '-nomd', '-norat', '-noct', cog], { env: { ...process.env, GDAL_PAM_ENABLED: 'NO' } });
      gdal.push(ms(t0));
      rmSync(`${cog}.aux.xml`, { force: true });
      const stored = (
        await sql<{ transitions: number; pieces: number }>`
        SELECT (SELECT count(*) FROM land_cover_transitions WHERE change_id = ${c1.changeId})::int AS transitions,
               (SELECT count(*) FROM land_cover_change_areas WHERE change_id = ${c1.changeId})::int AS pieces`.execute(db)
      ).rows[0];
      summary = stored;
      console.log(
        `rep ${i + 1}: change ${(same[i] / 1000).toFixed(2)} s, with warp ${(warped[i] / 1000).toFixed(2)} s, gdalinfo -stats ${(gdal[i] / 1000).toFixed(2)} s; ratio ${(same[i] / gdal[i]).toFixed(1)} (${stored.transitions} transition rows, ${stored.pieces} changed pieces)`,
      );
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const ratio = mean(same.map((s, i) => s / gdal[i]));
    const ratioWarped = mean(warped.map((s, i) => s / gdal[i]));
    console.log(
      `\nraster land-cover change ${N}²: ${(mean(same) / 1000).toFixed(2)} s (warped: ${(mean(warped) / 1000).toFixed(2)} s); gdalinfo -stats ${(mean(gdal) / 1000).toFixed(2)} s; ratio ${ratio.toFixed(1)} (warped ${ratioWarped.toFixed(1)})`,
    );
    await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
    await writeFile(
      path.join(ROOT, 'bench/results/raster-land-cover-change.json'),
      `${JSON.stringify(
        {
          at: new Date().toISOString(),
          machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg: os.loadavg() },
          raster: { width: N, height: N, type: 'Byte', crs: 'EPSG:4326' },
          reps: REPS,
          changeMs: same,
          warpedChangeMs: warped,
          gdalinfoStatsMs: gdal,
          ratio,
          ratioWarped,
          stored: summary,
          phasesMs: phases,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await handle.close();
    await scratch.drop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
