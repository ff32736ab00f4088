import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importLayer } from '@biomon/layers';
import { upsertTaxa, type TaxonInput, type TaxonRuleInput } from '@biomon/taxa';
import { SYSTEM_ACTOR, type Actor } from '@biomon/auth';
import { ingestOccurrences } from '@biomon/occurrences';
import { createIndicatorRun, executeIndicatorRun, getIndicatorRun, type ResultOut } from '@biomon/indicators';
import { SYSTEM_VIEWER } from '@biomon/sensitive';
import { sql } from '@biomon/db';
import { createTestContext, type TestContext } from '../../support/test-db';
import { REPO_ROOT } from '../../support/cli';
import { boxAreaM2 as A, boxPolygon as box } from '../../support/ellipsoid';

// Golden fixture: every expected number below is derived in closed form from the boxes (ellipsoidal
// quadrangle areas, support/ellipsoid.ts), never from the code's own output.
//
// Region T0 (province) = [126,127]°E × [42,43]°N, split into prefectures TA = [126,126.5] and
// TB = [126.5,127]; priority area TPA = [126,126.2] × [42,42.2].

let t: TestContext;
const ds: Record<string, number> = {};
const actor: Actor = { tokenId: null, role: 'evaluator', label: 'test' };

const feature = (geometry: unknown, properties: Record<string, unknown>) => ({ type: 'Feature' as const, geometry: geometry as never, properties });

beforeAll(async () => {
  t = await createTestContext();
  const checklist = JSON.parse(readFileSync(path.join(REPO_ROOT, 'seeds/taxa/jilin-checklist.json'), 'utf8')) as {
    taxa: TaxonInput[];
    rules: TaxonRuleInput[];
  };
  await t.ctx.db.transaction().execute((tx) => upsertTaxa(tx, checklist.taxa, checklist.rules));
  const imp = async (kind: Parameters<typeof importLayer>[2]['kind'], features: ReturnType<typeof feature>[], year = 2024) => {
    const r = await importLayer(t.ctx.db, features, { kind, year });
    ds[kind] = r.datasetId;
    return r;
  };
  await imp(
    'regions',
    [
      feature(box(126, 127, 42, 43), { code: 'T0', name: '测试省', level: 'province' }),
      feature(box(126, 126.5, 42, 43), { code: 'TA', name: '甲市', level: 'prefecture', parentCode: 'T0' }),
      feature(box(126.5, 127, 42, 43), { code: 'TB', name: '乙市', level: 'prefecture', parentCode: 'T0' }),
      feature(box(126, 126.2, 42, 42.2), { code: 'TPA', name: '测试优先区域', level: 'priority_area' }),
    ],
    2020,
  );
  // A forest outline with a zero-area spike on its top edge (a self-intersection): ST_MakeValid
  // removes the spike and leaves the box [126,126.2] × [42.6,42.8].
  const spiky = box(126, 126.2, 42.6, 42.8);
  const ring = spiky.coordinates[0];
  const topStart = ring.findIndex((p) => p[1] === 42.8);
  ring.splice(topStart, 0, [126.2, 42.8], [126.3, 42.8]);
  const lc = await imp('land-cover', [
    feature(box(126.0, 126.5, 42.0, 42.5), { class: 'forest' }),
    feature(box(126.5, 126.7, 42.0, 42.5), { class: 'shrub_special' }),
    feature(box(126.7, 127.0, 42.0, 42.5), { class: 'shrub' }), // plain shrub: not forest
    feature(box(126.4, 126.6, 42.0, 42.2), { class: 'forest' }), // overlaps forest and shrub_special: union counts once
    feature(box(126.9, 127.2, 42.6, 42.8), { class: 'forest' }), // crosses the region edge: clipped
    feature(spiky, { class: 'forest' }),
    feature(box(126.0, 126.3, 42.8, 43.0), { class: 'wetland', natural: true, wetlandType: '沼泽湿地' }),
    feature(box(126.3, 126.5, 42.8, 43.0), { class: 'wetland', natural: false, wetlandType: '库塘' }), // artificial
    feature(box(126.5, 126.6, 42.8, 43.0), { class: 'water' }), // never counts as wetland
    feature(box(126.2, 126.5, 42.5, 42.6), { class: 'grassland', grasslandType: '温性草原' }),
    feature(box(126.3, 126.5, 42.6, 42.7), { class: 'grassland', grasslandType: '低地草甸' }),
    feature(box(126.5, 126.9, 42.5, 42.6), { class: 'grassland', grasslandType: '温性草原' }),
    feature(box(126.5, 126.6, 42.6, 42.7), { class: 'grassland', grasslandType: '山地草甸' }), // area, no plots
  ]);
  expect(lc.repaired.map((r) => r.index)).toEqual([5]);
  await imp('protected-areas', [
    feature(box(126.1, 126.4, 42.7, 43.0), { id: 'PA1', name: '保护区一', designation: 'nature_reserve', status: 'designated', establishedYear: 2000 }),
    feature(box(126.2, 126.45, 42.75, 42.95), { id: 'PA2', name: '国家公园', designation: 'national_park', status: 'designated', establishedYear: 2010 }),
    feature(box(126.0, 126.1, 42.8, 43.0), { id: 'PA3', name: '拟建', designation: 'nature_reserve', status: 'proposed', establishedYear: 2020 }),
    feature(box(126.0, 126.1, 42.9, 43.0), { id: 'PA4', name: '生物圈保护区', designation: 'biosphere_reserve', status: 'designated', establishedYear: 1979 }),
    feature(box(126.5, 126.6, 42.0, 42.1), { id: 'PA5', name: '未来', designation: 'forest_park', status: 'designated', establishedYear: 2030 }),
    feature(box(126.95, 127.3, 42.0, 42.2), { id: 'PA6', name: '跨界', designation: 'nature_reserve', status: 'designated', establishedYear: 1990 }),
    feature(box(126.8, 126.9, 42.6, 42.7), { id: 'PA7', name: '无年份', designation: 'wetland_park', status: 'designated' }),
  ]);
  await imp('ecosystems', [
    feature(box(126.0, 126.5, 42.0, 42.5), { ecosystemType: '温带针阔混交林', terrestrial: true }),
    feature(box(126.0, 126.5, 42.5, 43.0), { ecosystemType: '内陆湿地', terrestrial: true }),
    feature(box(126.5, 127.0, 42.0, 43.0), { ecosystemType: '温带草甸草原', terrestrial: true }),
    feature(box(126.0, 126.0005, 42.0, 42.0005), { ecosystemType: '人工林', terrestrial: true }), // ≈ 0.23 ha < 1 ha: not present
    feature(box(126.5, 126.6, 42.8, 43.0), { ecosystemType: '湖泊', terrestrial: false }),
  ]);
  const plot = (id: string, lon: number, lat: number, type: string, cover: number, date = '2024-07-15') =>
    feature({ type: 'Point', coordinates: [lon, lat] }, { plotId: id, grasslandType: type, vegetationCover: cover, surveyDate: date });
  await imp('grassland-plots', [
    plot('g1a', 126.25, 42.55, '温性草原', 60),
    plot('g1b', 126.45, 42.55, '温性草原', 70),
    plot('g2a', 126.4, 42.65, '低地草甸', 80),
    plot('g3a', 126.6, 42.55, '温性草原', 50),
    plot('g3b', 126.7, 42.55, '温性草原', 54),
    plot('g3c', 126.8, 42.55, '温性草原', 58),
    plot('gx', 126.7, 42.65, '沼泽草甸', 90), // plots but no mapped area of that type
    plot('gold', 126.3, 42.55, '温性草原', 10, '2020-07-01'), // another year: not used
  ]);
  const occ = (id: string, name: string, lon: number, lat: number, extra: Record<string, unknown> = {}) => ({
    occurrenceID: id,
    scientificName: name,
    eventDate: '2023-06-01',
    decimalLongitude: lon,
    decimalLatitude: lat,
    geodeticDatum: 'WGS84',
    ...extra,
  });
  await ingestOccurrences(
    t.ctx.db,
    [
      occ('s1', 'Panthera tigris altaica', 126.2, 42.9), // in PA1 → Panthera tigris in PA
      occ('s2', 'Panthera tigris', 126.6, 42.3), // same species, outside: counts once
      occ('s3', 'Grus japonensis', 126.7, 42.3), // only outside
      occ('s4', 'Taxus cuspidata', 126.15, 42.75), // in PA1
      occ('s5', 'Taxus chinensis', 126.8, 42.1), // not in the checklist: covered by the 红豆杉属 rule; outside
      occ('s6', 'Panax ginseng', 126.2, 42.8, { occurrenceStatus: 'absent' }), // absent only
      occ('s7', 'Mergus squamatus', 126.2, 42.8, { eventDate: '2010-05-01' }), // before the window
      occ('s8', 'Moschus moschiferus', 126.2, 42.8, { coordinateUncertaintyInMeters: 20000 }), // too vague
      occ('s9', 'Cervus nippon', 126.2, 42.8, { establishmentMeans: 'captive' }), // captive
      occ('s10', 'Ursus thibetanus', 126.2, 42.8), // rejected in review below
      occ('s11', 'Capreolus pygargus', 126.2, 42.8), // not protected
    ],
    { actor: SYSTEM_ACTOR },
  );
  await sql`UPDATE occurrences SET review_state = 'rejected' WHERE occurrence_id = 's10'`.execute(t.ctx.db);
});
afterAll(async () => t.close());

async function run(params: Record<string, unknown> = {}, indicators?: string[]) {
  const { runId } = await createIndicatorRun(
    t.ctx.db,
    {
      year: 2024,
      indicators,
      datasets: {
        regions: ds.regions,
        protectedAreas: ds['protected-areas'],
        landCover: ds['land-cover'],
        grasslandPlots: ds['grassland-plots'],
        ecosystems: ds.ecosystems,
      },
      params,
    },
    actor,
  );
  expect(await executeIndicatorRun(t.ctx.db, runId)).toBe('completed');
  const out = await getIndicatorRun(t.ctx.db, runId, SYSTEM_VIEWER);
  return { runId, out: out!, get: (ind: string, region: string) => out!.results.find((r) => r.indicator === ind && r.regionCode === region) as ResultOut };
}

const REGION = A(126, 127, 42, 43);
const near = (actual: number | null, expected: number, relTol = 1e-4) => {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected) / Math.abs(expected)).toBeLessThan(relTol);
};

describe('indicator golden fixture (closed-form expectations)', () => {
  let r: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    r = await run();
  });

  it('measures the region on the ellipsoid (0.01 %)', () => {
    near(r.get('forest_coverage', 'T0').denominator, REGION);
  });

  it('森林覆盖率: forest ∪ shrub_special, overlaps once, clipped, repaired outline counted, plain shrub not', () => {
    const forest = A(126.0, 126.7, 42.0, 42.5) + A(126.9, 127.0, 42.6, 42.8) + A(126.0, 126.2, 42.6, 42.8);
    const f = r.get('forest_coverage', 'T0');
    near(f.numerator, forest);
    near(f.value, (forest / REGION) * 100);
    expect(f.target).toBe(45.8);
    expect(f.meetsTarget).toBe((forest / REGION) * 100 >= 45.8);
  });

  it('自然保护地面积占比: proposed, future-year and biosphere sites excluded; overlaps once; the cross-border site clipped', () => {
    const pa = A(126.1, 126.4, 42.7, 43.0) + A(126.4, 126.45, 42.75, 42.95) + A(126.95, 127.0, 42.0, 42.2) + A(126.8, 126.9, 42.6, 42.7);
    const p = r.get('pa_coverage', 'T0');
    near(p.numerator, pa);
    near(p.value, (pa / REGION) * 100);
    expect(p.target).toBeNull();
    expect(p.meetsTarget).toBeNull();
    expect(JSON.stringify(p.details.warnings)).toContain('PA7');
  });

  it('自然湿地保护率: natural wetland only (artificial and water excluded), and 湿地保护率 beside it without a target', () => {
    const nat = r.get('natural_wetland_protection_rate', 'T0');
    near(nat.denominator, A(126.0, 126.3, 42.8, 43.0));
    near(nat.numerator, A(126.1, 126.3, 42.8, 43.0));
    near(nat.value, (A(126.1, 126.3, 42.8, 43.0) / A(126.0, 126.3, 42.8, 43.0)) * 100);
    expect(nat.target).toBe(50);
    const all = r.get('wetland_protection_rate', 'T0');
    near(all.denominator, A(126.0, 126.5, 42.8, 43.0));
    near(all.numerator, A(126.1, 126.4, 42.8, 43.0) + A(126.4, 126.45, 42.8, 42.95));
    expect(all.target).toBeNull();
  });

  it('gives null with a reason, never 0 or 100, for an empty denominator', () => {
    const w = r.get('natural_wetland_protection_rate', 'TPA');
    expect(w.value).toBeNull();
    expect(w.reason).toMatch(/no natural wetland/);
    const g = r.get('grassland_vegetation_cover', 'TPA');
    expect(g.value).toBeNull();
    expect(g.reason).toBeTruthy();
    expect(r.get('protected_species_rate', 'TPA').value).toBeNull();
  });

  it('陆地生态系统类型有效保护率: types > 1 ha, f_t ≥ θ (0.01 by default; 0.05 as a parameter)', async () => {
    const e = r.get('ecosystem_type_protection_rate', 'T0');
    // 温带针阔混交林: f = 0 (only the future-year park touches it); 内陆湿地: f ≈ 0.3; 温带草甸草原:
    // f = (A(126.95,127,42,42.2) + A(126.8,126.9,42.6,42.7)) / A(126.5,127,42,43) ≈ 0.04; 人工林 < 1 ha.
    const fGrass = (A(126.95, 127, 42, 42.2) + A(126.8, 126.9, 42.6, 42.7)) / A(126.5, 127, 42, 43);
    expect(fGrass).toBeGreaterThan(0.03);
    expect(fGrass).toBeLessThan(0.05);
    expect(e.numerator).toBe(2);
    expect(e.denominator).toBe(3);
    near(e.value, (2 / 3) * 100);
    const types = e.details.types as { type: string; protectedShare: number }[];
    near(types.find((x) => x.type === '温带草甸草原')!.protectedShare, fGrass);
    const strict = await run({ ecosystemThreshold: 0.05 }, ['ecosystem_type_protection_rate']);
    const s = strict.get('ecosystem_type_protection_rate', 'T0');
    expect([s.numerator, s.denominator]).toEqual([1, 3]);
    expect(s.params.ecosystemThreshold).toBe(0.05);
  });

  it('草原综合植被盖度: by type, then by unit, area-weighted; missing types listed; other years ignored', () => {
    const S1 = A(126.2, 126.5, 42.5, 42.6); // TA 温性草原, plots 60, 70 → 65
    const S2 = A(126.3, 126.5, 42.6, 42.7); // TA 低地草甸, plot 80
    const S3 = A(126.5, 126.9, 42.5, 42.6); // TB 温性草原, plots 50, 54, 58 → 54
    near(r.get('grassland_vegetation_cover', 'TA').value, (65 * S1 + 80 * S2) / (S1 + S2));
    near(r.get('grassland_vegetation_cover', 'TB').value, 54);
    const prov = r.get('grassland_vegetation_cover', 'T0');
    near(prov.value, (65 * S1 + 80 * S2 + 54 * S3) / (S1 + S2 + S3));
    // a plain mean of the plots would be 62: the method is not that
    expect(Math.abs(prov.value! - 62)).toBeGreaterThan(1);
    const missing = prov.details.missing as { unit: string; type: string; reason: string }[];
    expect(missing.map((m) => `${m.unit}:${m.type}`).sort()).toEqual(['TB:山地草甸', 'TB:沼泽草甸']);
  });

  it('国家重点保护野生动植物物种数保护率: each species once, subspecies and group entries rolled up, non-qualifying records ignored', async () => {
    const s = r.get('protected_species_rate', 'T0');
    // species: Panthera tigris (in PA via its subspecies), Grus japonensis (outside), Taxus cuspidata (in), Taxus chinensis (rule, outside)
    expect([s.numerator, s.denominator]).toEqual([2, 4]);
    expect(s.value).toBeCloseTo(50, 10);
    const names = (s.details.species as { scientificName: string }[]).map((x) => x.scientificName).sort();
    expect(names).toEqual(['Grus japonensis', 'Panthera tigris', 'Taxus chinensis', 'Taxus cuspidata']);
    const verified = await run({ speciesRequireVerified: true }, ['protected_species_rate']);
    const v = verified.get('protected_species_rate', 'T0');
    expect(v.value).toBeNull();
    expect(v.reason).toMatch(/no qualifying record/);
  });

  it('records what it used and is immutable: the same run id returns the same numbers', async () => {
    expect(r.out.status).toBe('completed');
    expect(r.out.datasets).toEqual({
      regions: ds.regions,
      protectedAreas: ds['protected-areas'],
      landCover: ds['land-cover'],
      grasslandPlots: ds['grassland-plots'],
      ecosystems: ds.ecosystems,
      // no NDVI raster exists in this fixture
      ndvi: null,
    });
    expect(r.out.params).toMatchObject({ speciesWindowYears: 10, ecosystemThreshold: 0.01 });
    await importLayer(t.ctx.db, [feature(box(126, 127, 42, 43), { class: 'forest' })], { kind: 'land-cover', year: 2024 });
    expect(await executeIndicatorRun(t.ctx.db, r.runId)).toBe('skipped');
    const again = await getIndicatorRun(t.ctx.db, r.runId, SYSTEM_VIEWER);
    expect(again!.results).toEqual(r.out.results);
  });
});
