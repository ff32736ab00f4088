import type { DbOrTx } from '@biomon/db';
import { missingDataset, ratio, type ResultRow, type RunContext } from '../run-context';
import { byCode, overlay, regionAreas, type StepEnv } from './run-work';
import { selectPaAreaByCell } from './area-indicators.repository';
import { forestRows, terrestrialEcosystemRows, wetlandRows } from './area-indicators.sql';

/**
 * 森林覆盖率: area((forest ∪ shrub_special) ∩ region) / area(region). Plain shrub does not count.
 * The union is taken within each cell of the run's grid and its areas summed over the cells.
 */
export async function forestCoverage(db: DbOrTx, ctx: RunContext, env: StepEnv): Promise<ResultRow[]> {
  if (ctx.datasets.landCover === null) return missingDataset('forest_coverage', ctx.regionCodes, 'land-cover');
  const regions = await regionAreas(db, ctx);
  const o = await overlay(db, ctx, { ...forestRows(ctx.datasets.landCover), withPa: false, regions: ctx.regionCodes }, env.work);
  return [...ctx.regionCodes].sort(byCode).map((code) => {
    const den = regions.get(code)?.areaM2 ?? 0;
    const num = o.area.get(code)?.get('forest') ?? 0;
    return ratio('forest_coverage', code, num, den, 'the region has no area', {
      classes: ['forest', 'shrub_special'],
      forestAreaKm2: num / 1e6,
      regionAreaKm2: den / 1e6,
      officialAreaKm2: regions.get(code)?.officialKm2 ?? null,
    });
  });
}

/** 自然保护地面积占比: area(counted-PA union ∩ region) / area(region): the run's PA union, summed over cells. */
export async function paCoverage(db: DbOrTx, ctx: RunContext, env: StepEnv): Promise<ResultRow[]> {
  if (ctx.datasets.protectedAreas === null) return missingDataset('pa_coverage', ctx.regionCodes, 'protected-areas');
  const regions = await regionAreas(db, ctx);
  const rows = await selectPaAreaByCell(db, ctx.runId, ctx.regionCodes);
  const num = new Map<string, number>();
  for (const r of rows) num.set(r.code, (num.get(r.code) ?? 0) + r.a);
  return [...ctx.regionCodes].sort(byCode).map((code) => {
    const den = regions.get(code)?.areaM2 ?? 0;
    const n = num.get(code) ?? 0;
    return ratio('pa_coverage', code, n, den, 'the region has no area', { paAreaKm2: n / 1e6, regionAreaKm2: den / 1e6, warnings: env.warnings });
  });
}

/**
 * 自然湿地保护率 (natural = true wetlands) and, beside it, 湿地保护率 over all `wetland` polygons.
 * Class `water` never counts. Natural wetland and all wetland are each their own union (within each cell).
 */
export async function wetlandProtection(db: DbOrTx, ctx: RunContext, env: StepEnv): Promise<ResultRow[]> {
  const codes = ctx.regionCodes;
  if (ctx.datasets.landCover === null)
    return [...missingDataset('natural_wetland_protection_rate', codes, 'land-cover'), ...missingDataset('wetland_protection_rate', codes, 'land-cover')];
  if (ctx.datasets.protectedAreas === null)
    return [
      ...missingDataset('natural_wetland_protection_rate', codes, 'protected-areas'),
      ...missingDataset('wetland_protection_rate', codes, 'protected-areas'),
    ];
  const o = await overlay(db, ctx, { ...wetlandRows(ctx.datasets.landCover), withPa: true, regions: codes }, env.work);
  return [...codes].sort(byCode).flatMap((code) => {
    const a = o.area.get(code);
    const p = o.paArea.get(code);
    const natDen = a?.get('natural') ?? 0;
    const natNum = p?.get('natural') ?? 0;
    const allDen = a?.get('all') ?? 0;
    const allNum = p?.get('all') ?? 0;
    return [
      ratio('natural_wetland_protection_rate', code, natNum, natDen, 'no natural wetland is mapped in the region', {
        naturalWetlandKm2: natDen / 1e6,
        protectedKm2: natNum / 1e6,
        wetlandProtectionRateAll: allDen > 0 ? (allNum / allDen) * 100 : null,
        warnings: env.warnings,
      }),
      ratio('wetland_protection_rate', code, allNum, allDen, 'no wetland is mapped in the region', {
        wetlandKm2: allDen / 1e6,
        protectedKm2: allNum / 1e6,
        warnings: env.warnings,
      }),
    ];
  });
}

/**
 * 陆地生态系统类型有效保护率: over terrestrial types present in the region (area > ecosystemMinAreaHa),
 * the percentage with f_t = area(t ∩ PA ∩ region) / area(t ∩ region) ≥ θ.
 */
export async function ecosystemTypeProtection(db: DbOrTx, ctx: RunContext, env: StepEnv): Promise<ResultRow[]> {
  if (ctx.datasets.ecosystems === null) return missingDataset('ecosystem_type_protection_rate', ctx.regionCodes, 'ecosystems');
  if (ctx.datasets.protectedAreas === null) return missingDataset('ecosystem_type_protection_rate', ctx.regionCodes, 'protected-areas');
  const o = await overlay(db, ctx, { ...terrestrialEcosystemRows(ctx.datasets.ecosystems), withPa: true, regions: ctx.regionCodes }, env.work);
  const theta = ctx.params.ecosystemThreshold;
  const minM2 = ctx.params.ecosystemMinAreaHa * 10_000;
  return [...ctx.regionCodes].sort(byCode).map((code) => {
    const areas = o.area.get(code) ?? new Map<string, number>();
    const types: { type: string; areaKm2: number; protectedShare: number; effective: boolean }[] = [];
    for (const type of [...areas.keys()].sort(byCode)) {
      const area = areas.get(type)!;
      if (area <= minM2) continue;
      const f = (o.paArea.get(code)?.get(type) ?? 0) / area;
      types.push({ type, areaKm2: area / 1e6, protectedShare: f, effective: f >= theta });
    }
    return ratio(
      'ecosystem_type_protection_rate',
      code,
      types.filter((t) => t.effective).length,
      types.length,
      'no terrestrial ecosystem type larger than the minimum area in the region',
      {
        theta,
        minAreaHa: ctx.params.ecosystemMinAreaHa,
        types,
        warnings: env.warnings,
      },
    );
  });
}
