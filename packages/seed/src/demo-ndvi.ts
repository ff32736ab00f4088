import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Tx } from '@biomon/db';
import { importRasterFile, runGdal } from '@biomon/rasters';

/** Grid of the demo NDVI rasters: EPSG:4326, 0.01° pixels, NDVI stored as Int16 × 10⁻⁴ (as MODIS MOD13 does). */
export const DEMO_NDVI = { pixelDeg: 0.01, scale: 0.0001, nodata: -32768, years: [2020, 2024] as const };

/**
 * The synthetic NDVI of the demo (approximate, made up): a smooth deterministic surface, higher in
 * the forested east (长白山), lower on the western plain (松嫩平原), with gentle waves; 2024 is
 * slightly greener than 2020. Nothing here is an observation.
 */
export function demoNdvi(lon: number, lat: number, year: number): number {
  const eastward = 1 / (1 + Math.exp(-(lon - 126.3) / 0.7));
  // waves damped on the western plain; there NDVI rises to the north-west (the meadow steppe of 白城),
  // as the demo plots' cover does, so the 2024 calibration has a positive slope
  const waves = (0.04 * Math.sin(lon * 3.1) * Math.cos(lat * 2.3) + 0.02 * Math.sin((lon + lat) * 1.7)) * (0.25 + 0.75 * eastward);
  const north = 0.05 * (lat - 44.5) * (1 - eastward) - 0.015 * (lat - 43.5) * eastward;
  const v = 0.3 + 0.48 * eastward + waves + north + (year >= 2024 ? 0.015 : 0);
  return Math.min(0.95, Math.max(-0.2, v));
}

/**
 * Writes the demo NDVI rasters for 2020 and 2024 over Jilin (nodata outside the province outline of
 * seeds/demo/regions.geojson, rasterised with gdal_rasterize), as raw Int16 + an ENVI header turned
 * into a GeoTIFF by gdal_translate, and imports each through @biomon/rasters' pipeline (COG in the
 * file store, dataset row). Nothing binary is committed: the rasters are made here, in about a second.
 */
export async function seedDemoNdvi(tx: Tx, seedsDir: string, fileStoreDir: string) {
  const regions = JSON.parse(await readFile(path.join(seedsDir, 'demo/regions.geojson'), 'utf8')) as {
    features: { properties: { code: string }; geometry: { coordinates: unknown } }[];
  };
  const province = regions.features.find((f) => f.properties.code === '220000');
  if (!province) return { skipped: 'no province outline (220000) in demo/regions.geojson' };
  // the grid: the province's extent snapped outward to whole pixels
  const d = DEMO_NDVI.pixelDeg;
  let [xmin, ymin, xmax, ymax] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const walk = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number') {
      xmin = Math.min(xmin, c[0]);
      xmax = Math.max(xmax, c[0]);
      ymin = Math.min(ymin, c[1] as number);
      ymax = Math.max(ymax, c[1] as number);
      return;
    }
    for (const x of c) walk(x);
  };
  walk(province.geometry.coordinates);
  const x0 = Math.floor(xmin / d) * d;
  const y1 = Math.ceil(ymax / d) * d;
  const w = Math.round((Math.ceil(xmax / d) * d - x0) / d);
  const h = Math.round((y1 - Math.floor(ymin / d) * d) / d);
  const ullr = [x0, y1, x0 + w * d, y1 - h * d].map((v) => v.toFixed(6));
  const dir = await mkdtemp(path.join(tmpdir(), 'biomon-demo-ndvi-'));
  try {
    const outline = path.join(dir, 'province.geojson');
    await writeFile(outline, JSON.stringify({ type: 'FeatureCollection', features: [province] }));
    const maskFile = path.join(dir, 'mask.bil');
    await runGdal('gdal_rasterize', [
      '-q',
      '-burn',
      '1',
      '-init',
      '0',
      '-ot',
      'Byte',
      '-of',
      'ENVI',
      '-te',
      ullr[0],
      ullr[3],
      ullr[2],
      ullr[1],
      '-ts',
      String(w),
      String(h),
      outline,
      maskFile,
    ]);
    const inside = await readFile(maskFile);
    const out: { year: number; datasetId: number; width: number; height: number }[] = [];
    for (const year of DEMO_NDVI.years) {
      const values = new Int16Array(w * h);
      for (let r = 0; r < h; r++) {
        const lat = y1 - (r + 0.5) * d;
        for (let c = 0; c < w; c++) {
          const i = r * w + c;
          values[i] = inside[i] ? Math.round(demoNdvi(x0 + (c + 0.5) * d, lat, year) / DEMO_NDVI.scale) : DEMO_NDVI.nodata;
        }
      }
      const bin = path.join(dir, `ndvi-${year}.bin`);
      await writeFile(bin, Buffer.from(values.buffer));
      await writeFile(
        path.join(dir, `ndvi-${year}.hdr`),
        `ENVI\nsamples = ${w}\nlines = ${h}\nbands = 1\nheader offset = 0\nfile type = ENVI Standard\ndata type = 2\ninterleave = bsq\nbyte order = 0\n`,
      );
      const tif = path.join(dir, `demo-ndvi-${year}.tif`);
      await runGdal('gdal_translate', [
        '-q',
        '-of',
        'GTiff',
        '-a_srs',
        'EPSG:4326',
        '-a_ullr',
        ...ullr,
        '-a_nodata',
        String(DEMO_NDVI.nodata),
        '-a_scale',
        String(DEMO_NDVI.scale),
        bin,
        tif,
      ]);
      const res = await importRasterFile(
        tx,
        fileStoreDir,
        createReadStream(tif),
        {
          kind: 'ndvi',
          year,
          source: 'biomon demo (synthetic NDVI generated at seed time, not an observation)',
          fileName: `demo-ndvi-${year}.tif`,
        },
        // the seed's own indicator run reads these rasters: nothing to mark stale (as its layers)
        { markStale: false },
      );
      out.push({ year, datasetId: res.datasetId, width: w, height: h });
    }
    return { rasters: out };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
