/**
 * Indicator run benchmark (issue "Reference layers and the indicator engine"): a full run over
 * land cover of 10,000 and of 100,000 polygons (with 500 protected areas and the 9 prefectures),
 * reporting the run time at both sizes and the growth factor (goal: under 12× for 10× the data).
 *
 *   npm run bench -- indicators        (BENCH_SIZES=10000,100000 by default)
 *
 * Scratch databases (migrated, reference seed: regions of the province, 9 prefectures and the two
 * priority areas, and the checklist), dropped at the end. Writes bench/results/indicators.json.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createDb, migrateToLatest } from '@biomon/db';
import { importLayer, type GeoJsonFeature } from '@biomon/layers';
import { createIndicatorRun, executeIndicatorRun } from '@biomon/indicators';
import { runSeeds } from '@biomon/cli';
import { createScratchDatabase } from './support/scratch-database';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const BBOX = { minLon: 121.7, maxLon: 131.2, minLat: 40.9, maxLat: 46.2 };
const CLASSES = ['forest', 'forest', 'forest', 'shrub_special', 'shrub', 'grassland', 'wetland', 'water', 'cropland', 'cropland', 'built', 'bare'];

/** n square cells on a regular grid over Jilin's bbox: a partition, each with a class. */
function landCover(n: number): GeoJsonFeature[] {
  const cols = Math.ceil(Math.sqrt(n * ((BBOX.maxLon - BBOX.minLon) / (BBOX.maxLat - BBOX.minLat))));
  const rows = Math.ceil(n / cols);
  const dx = (BBOX.maxLon - BBOX.minLon) / cols;
  const dy = (BBOX.maxLat - BBOX.minLat) / rows;
  const out: GeoJsonFeature[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % cols;
    const r = Math.floor(i / cols);
    const x0 = BBOX.minLon + c * dx;
    const y0 = BBOX.minLat + r * dy;
    const cls = CLASSES[(c * 7 + r * 13) % CLASSES.length];
    out.push({
      type: 'Feature',
      properties: { class: cls, ...(cls === 'grassland' ? { grasslandType: '温性草原' } : {}), ...(cls === 'wetland' ? { natural: (c + r) % 3 !== 0, wetlandType: '沼泽' } : {}) },
      geometry: { type: 'Polygon', coordinates: [[[x0, y0], [x0 + dx, y0], [x0 + dx, y0 + dy], [x0, y0 + dy], [x0, y0]]] },
    });
  }
  return out;
}

/** 500 protected areas: boxes of 5–25 km scattered deterministically, some overlapping. */
function protectedAreas(): GeoJsonFeature[] {
  return Array.from({ length: 500 }, (_, i) => {
    const x = BBOX.minLon + ((i * 7919) % 1000) / 1000 * (BBOX.maxLon - BBOX.minLon - 0.3);
    const y = BBOX.minLat + ((i * 104729) % 1000) / 1000 * (BBOX.maxLat - BBOX.minLat - 0.3);
    const s = 0.05 + ((i * 31) % 20) / 100;
    return {
      type: 'Feature',
      properties: { id: `B-PA-${i}`, name: `保护地 ${i}`, designation: i % 50 === 0 ? 'biosphere_reserve' : 'nature_reserve', status: i % 40 === 0 ? 'proposed' : 'designated', establishedYear: 1980 + (i % 40) },
      geometry: { type: 'Polygon', coordinates: [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]] },
    };
  });
}

async function runOnce(n: number): Promise<{ seconds: number }> {
  const scratch = await createScratchDatabase(`ind_${n}`);
  const h = createDb(scratch.url, { max: 4 });
  try {
    await migrateToLatest(h.db);
    await runSeeds(h.db, 'reference', path.join(ROOT, 'seeds'));
    await importLayer(h.db, landCover(n), { kind: 'land-cover', year: 2024 });
    await importLayer(h.db, protectedAreas(), { kind: 'protected-areas', year: 2024 });
    const { runId } = await createIndicatorRun(h.db, { year: 2024, indicators: ['forest_coverage', 'natural_wetland_protection_rate', 'wetland_protection_rate', 'pa_coverage', 'grassland_vegetation_cover'] }, { tokenId: null, role: 'system', label: 'bench' });
    const t0 = performance.now();
    await executeIndicatorRun(h.db, runId);
    const seconds = (performance.now() - t0) / 1000;
    return { seconds };
  } finally {
    await h.close();
    await scratch.drop();
  }
}

async function main(): Promise<void> {
  const timings: Record<string, number> = {};
  for (const n of SIZES) {
    const r = await runOnce(n);
    timings[n] = r.seconds;
    console.log(`indicators: land cover of ${n.toLocaleString('en')} polygons, 500 protected areas, 12 regions → full run ${r.seconds.toFixed(2)} s`);
  }
  const [a, b] = SIZES;
  const growth = timings[b] / timings[a];
  console.log(`growth factor for ${b / a}× the data: ${growth.toFixed(2)}× (goal < 12×)`);
  const result = {
    when: new Date().toISOString(), command: 'npm run bench -- indicators',
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    sizes: SIZES, seconds: timings, growthFactor: growth,
    indicators: ['forest_coverage', 'natural_wetland_protection_rate', 'wetland_protection_rate', 'pa_coverage', 'grassland_vegetation_cover'],
  };
  await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(path.join(ROOT, 'bench/results/indicators.json'), JSON.stringify(result, null, 2) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
