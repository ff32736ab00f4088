import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runSeeds, demoNdvi, type SeedStepResult } from '@biomon/seed';
import { latestValues } from '@biomon/indicators';
import { listRasters, rasterZonal } from '@biomon/rasters';
import { SYSTEM_VIEWER } from '@biomon/sensitive';
import { createTestContext, type TestContext } from '../../support/test-db';
import { buildTestServer } from '../../support/http';
import { REPO_ROOT } from '../../support/cli';

// The demo seed with a file store (as `npm start` runs it): the synthetic NDVI rasters 2020 and 2024
// are generated, imported as COGs, and the demo run computes grassland_vegetation_cover_rs beside
// the plot-based value.

let t: TestContext;
let work: string;
let results: SeedStepResult[];

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'grassland-rs-demo-'));
  t = await createTestContext({ fileStoreDir: path.join(work, 'store') });
  results = await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'), { fileStoreDir: t.ctx.config.fileStoreDir });
});
afterAll(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

describe('demo NDVI and the RS grassland indicator', () => {
  it('seeds two ready NDVI rasters (2020, 2024) over Jilin, greener in the east', async () => {
    expect(results.find((r) => r.name === 'demo:ndvi')?.status).toBe('applied');
    const rasters = await listRasters(t.ctx.db, 'ndvi');
    expect(rasters.map((r) => [r.year, r.status]).sort()).toEqual([
      [2020, 'ready'],
      [2024, 'ready'],
    ]);
    const r2024 = rasters.find((r) => r.year === 2024)!;
    expect(r2024.scale).toBe(0.0001);
    const z = await rasterZonal(t.ctx.db, t.ctx.config.fileStoreDir, r2024.datasetId, { codes: ['220800', '222400'] });
    const baicheng = z.results.find((r) => r.regionCode === '220800')!;
    const yanbian = z.results.find((r) => r.regionCode === '222400')!;
    expect(yanbian.mean!).toBeGreaterThan(baicheng.mean! + 0.2);
    // the surface is the documented function: a pixel's value is demoNdvi at its centre, to the Int16 step
    expect(demoNdvi(130, 43, 2024)).toBeGreaterThan(demoNdvi(122.5, 45, 2024));
  });

  it('the demo run computes the RS value next to the plot-based one, calibrated on the 2024 plots', async () => {
    const rasters = await listRasters(t.ctx.db, 'ndvi');
    const rs = (await latestValues(t.ctx.db, 'grassland_vegetation_cover_rs', { region: '220000', year: 2024 }, SYSTEM_VIEWER))[0];
    const plots = (await latestValues(t.ctx.db, 'grassland_vegetation_cover', { region: '220000', year: 2024 }, SYSTEM_VIEWER))[0];
    expect(rs.datasets.ndvi).toBe(rasters.find((r) => r.year === 2024)!.datasetId);
    expect(rs.value).not.toBeNull();
    expect(rs.value!).toBeGreaterThan(0);
    expect(rs.value!).toBeLessThan(100);
    expect(rs.details).toMatchObject({ method: 'regression', nPlots: 46, officialIndicator: 'grassland_vegetation_cover' });
    expect(plots.value).not.toBeNull();
    // the demo surface rises with the plots' cover on the western plain (seeds/demo/README.md): a positive slope
    expect(rs.details.b as number).toBeGreaterThan(0);
    // 延边 has no grassland in the demo land cover: no value, with the reason
    const yanbian = (await latestValues(t.ctx.db, 'grassland_vegetation_cover_rs', { region: '222400', year: 2024 }, SYSTEM_VIEWER))[0];
    expect(yanbian).toMatchObject({ value: null, reasonCode: 'NO_GRASSLAND_PIXELS' });
  });

  it('the assessment report shows both grassland values side by side, with the gap RS − plots', async () => {
    const app = await buildTestServer(t);
    await app.ready();
    try {
      const json = (await app.inject({ method: 'GET', url: '/v1/reports/assessment?year=2024' })).json() as {
        overall: { indicator: string; value: number | null; companionOf?: string }[];
      };
      const codes = json.overall.map((v) => v.indicator);
      expect(codes.indexOf('grassland_vegetation_cover_rs')).toBe(codes.indexOf('grassland_vegetation_cover') + 1);
      const plots = json.overall.find((v) => v.indicator === 'grassland_vegetation_cover')!.value!;
      const rs = json.overall.find((v) => v.indicator === 'grassland_vegetation_cover_rs')!;
      expect(rs.companionOf).toBe('grassland_vegetation_cover');
      const html = (await app.inject({ method: 'GET', url: '/v1/reports/assessment?year=2024&format=html' })).body;
      const row = html.slice(html.indexOf('data-indicator="grassland_vegetation_cover_rs"'));
      const gap = rs.value! - plots;
      const text = `${gap > 0 ? '+' : gap < 0 ? '−' : ''}${Math.abs(gap).toFixed(2)}`;
      expect(row.slice(0, row.indexOf('</tr>'))).toContain(`<span class="num rs-gap" title="遥感值 − 样地法值 · RS − plot-based">${text}</span>`);
    } finally {
      await app.close();
    }
  });
});
