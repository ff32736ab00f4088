/**
 * Area-true zonal statistics of a 10,000 × 10,000 raster over Jilin's 9 prefectures (issue 18),
 * beside `gdalinfo -stats` of the same COG in the same run (GDAL reading and summing every pixel
 * once: the physical floor of any statistic over the whole raster).
 *
 *   npm run bench -- raster-zonal                  (BENCH_SIZE=10000 BENCH_REPS=3 by default)
 *   BENCH_SIZE=4000 npm run bench -- raster-zonal  (a quicker run)
 *
 * Data: a Float32 geographic raster (EPSG:4326) over lon 121.5–131.5, lat 40.6–46.6 (0.001° ×
 * 0.0006° pixels at 10,000²), values a smooth NDVI-like field with 1 % nodata; generated row by row
 * (never whole in memory), imported through the CLI's pipeline (`importRasterFile`: staging,
 * gdalinfo, COG conversion with overviews, statistics — timed but not the figure). The prefectures
 * are the real boundaries of /work/shared/data/jilin-prefectures.geojson (GCJ-02, converted on import).
 * Each rep clears the zonal cache, so every rep computes. Writes bench/results/raster-zonal.json.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, migrateToLatest } from '@biomon/db';
import { importLayer, readGeoJsonFeatures } from '@biomon/layers';
import { importRasterFile, rasterZonal } from '@biomon/rasters';
import { createScratchDatabase } from './support/scratch-database';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_SIZE ?? 10_000);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const PREFECTURES = path.resolve(ROOT, '../shared/data/jilin-prefectures.geojson');
const NODATA = -9999;

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function main() {
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-raster-zonal-'));
  const scratch = await createScratchDatabase('rzonal');
  const handle = createDb(scratch.url, { max: 4, applicationName: 'bench-raster-zonal' });
  const db = handle.db;
  try {
    await migrateToLatest(db);
    const store = path.join(work, 'store');
    const regions = await importLayer(db, readGeoJsonFeatures(PREFECTURES), { kind: 'regions', year: 2020, crs: 'gcj02', source: 'DataV' });
    const codes = (await db.selectFrom('regions').select('code').where('dataset_id', '=', regions.datasetId).orderBy('code').execute()).map((r) => r.code);
    console.log(`regions: ${codes.length} prefectures (${codes.join(', ')})`);

    // ---- the raster, row by row ----
    let t0 = process.hrtime.bigint();
    const w = N;
    const h = N;
    const lon0 = 121.5;
    const lat0 = 46.6;
    const dx = 10 / w;
    const dy = 6 / h;
    const bin = path.join(work, 'ndvi.bin');
    const out = createWriteStream(bin);
    const row = new Float32Array(w);
    for (let r = 0; r < h; r++) {
      const lat = lat0 - (r + 0.5) * dy;
      for (let c = 0; c < w; c++) {
        const lon = lon0 + (c + 0.5) * dx;
        row[c] = (c * 7919 + r * 104729) % 100 === 0 ? NODATA : 0.45 + 0.3 * Math.sin(lon * 1.7) * Math.cos(lat * 2.3) + 0.1 * Math.sin((c + r) / 50);
      }
      if (!out.write(Buffer.from(row.buffer.slice(0)))) await once(out, 'drain');
    }
    out.end();
    await once(out, 'close');
    writeFileSync(
      path.join(work, 'ndvi.hdr'),
      `ENVI\nsamples = ${w}\nlines = ${h}\nbands = 1\nheader offset = 0\nfile type = ENVI Standard\ndata type = 4\ninterleave = bsq\nbyte order = 0\n`,
    );
    const tif = path.join(work, 'ndvi.tif');
    execFileSync('gdal_translate', [
      '-q',
      '-of',
      'GTiff',
      '-co',
      'TILED=YES',
      '-a_srs',
      'EPSG:4326',
      '-a_nodata',
      String(NODATA),
      '-a_ullr',
      String(lon0),
      String(lat0),
      String(lon0 + 10),
      String(lat0 - 6),
      bin,
      tif,
    ]);
    rmSync(bin);
    const genMs = ms(t0);
    t0 = process.hrtime.bigint();
    const imp = await importRasterFile(db, store, createReadStream(tif), { kind: 'ndvi', year: 2024, source: 'bench', fileName: 'ndvi.tif' });
    const importMs = ms(t0);
    rmSync(tif);
    const row0 = await db.selectFrom('raster_datasets').select(['storage_key', 'size_bytes']).where('id', '=', imp.datasetId).executeTakeFirstOrThrow();
    const cog = path.join(store, row0.storage_key!);
    console.log(
      `raster ${w} × ${h} Float32: generated in ${(genMs / 1000).toFixed(1)} s; imported (stage + gdalinfo + COG + stats) in ${(importMs / 1000).toFixed(1)} s; COG ${(statSync(cog).size / 1e6).toFixed(0)} MB`,
    );

    // ---- reps: zonal (cache cleared) and gdalinfo -stats, alternating ----
    const zonal: number[] = [];
    const gdal: number[] = [];
    let results: Awaited<ReturnType<typeof rasterZonal>>['results'] = [];
    for (let i = 0; i < REPS; i++) {
      await db.deleteFrom('raster_zonal_cache').execute();
      t0 = process.hrtime.bigint();
      results = (await rasterZonal(db, store, imp.datasetId, { codes })).results;
      zonal.push(ms(t0));
      t0 = process.hrtime.bigint();
      execFileSync('gdalinfo', ['-stats', '-nomd', '-norat', '-noct', cog], { env: { ...process.env, GDAL_PAM_ENABLED: 'NO' } });
      gdal.push(ms(t0));
      console.log(
        `rep ${i + 1}: zonal ${(zonal[i] / 1000).toFixed(2)} s, gdalinfo -stats ${(gdal[i] / 1000).toFixed(2)} s, ratio ${(zonal[i] / gdal[i]).toFixed(2)}`,
      );
    }
    t0 = process.hrtime.bigint();
    await rasterZonal(db, store, imp.datasetId, { codes });
    const cachedMs = ms(t0);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const ratio = mean(zonal.map((z, i) => z / gdal[i]));
    console.log('\nprefecture          pixels        valid km²    mean NDVI');
    for (const r of results)
      console.log(`${r.regionCode} ${r.name.padEnd(12)} ${String(r.pixels).padStart(11)} ${r.validAreaKm2.toFixed(1).padStart(14)} ${r.mean?.toFixed(5)}`);
    console.log(
      `\nzonal statistics, 9 prefectures: ${(mean(zonal) / 1000).toFixed(2)} s (min ${(Math.min(...zonal) / 1000).toFixed(2)}); gdalinfo -stats: ${(mean(gdal) / 1000).toFixed(2)} s; ratio zonal / gdalinfo = ${ratio.toFixed(2)}; cached answer ${cachedMs.toFixed(0)} ms`,
    );
    await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
    await writeFile(
      path.join(ROOT, 'bench/results/raster-zonal.json'),
      `${JSON.stringify(
        {
          at: new Date().toISOString(),
          machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30) },
          raster: { width: w, height: h, type: 'Float32', crs: 'EPSG:4326', cogBytes: statSync(cog).size },
          prefectures: codes.length,
          reps: REPS,
          zonalMs: zonal,
          gdalinfoStatsMs: gdal,
          ratio,
          cachedMs,
          importMs,
          results,
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
