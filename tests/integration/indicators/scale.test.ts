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
import { boxPolygon as box } from '../../support/ellipsoid';

// Province-scale engine (issue 17): areas are summed over the cells of a grid, and the counted-PA
// union is built once per run and reused by every indicator. This fixture puts overlapping
// polygons of every layer across the cell borders of two grids (1/7° and 1/13°: no polygon edge
// lies on a cell edge) and compares each result with the unsplit computation — one cell holding
// everything, and for forest and PA coverage the literal overlay SQL of BRIEF §6 — to 0.01 %.

let t: TestContext;
const ds: Record<string, number> = {};
const actor: Actor = { tokenId: null, role: 'evaluator', label: 'test' };
const feature = (geometry: unknown, properties: Record<string, unknown>) => ({ type: 'Feature' as const, geometry: geometry as never, properties });

/** An irregular outline (≈ 300 m edges) around (cx, cy): crosses many cell edges at odd angles. */
function blob(cx: number, cy: number, r: number, n = 240) {
  const ring: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = (i / n) * 2 * Math.PI;
    const f = 1 + 0.25 * Math.sin(3 * a + 0.4) + 0.1 * Math.cos(7 * a);
    ring.push([Math.round((cx + (r * f * Math.cos(a)) / Math.cos((cy * Math.PI) / 180)) * 1e7) / 1e7, Math.round((cy + r * f * Math.sin(a)) * 1e7) / 1e7]);
  }
  ring.push(ring[0]);
  return { type: 'Polygon', coordinates: [ring] };
}

beforeAll(async () => {
  t = await createTestContext();
  const checklist = JSON.parse(readFileSync(path.join(REPO_ROOT, 'seeds/taxa/jilin-checklist.json'), 'utf8')) as {
    taxa: TaxonInput[];
    rules: TaxonRuleInput[];
  };
  await t.ctx.db.transaction().execute((tx) => upsertTaxa(tx, checklist.taxa, checklist.rules));
  const imp = async (kind: Parameters<typeof importLayer>[2]['kind'], features: ReturnType<typeof feature>[], year = 2024) => {
    const r = await importLayer(t.ctx.db, features, { kind, year });
    expect(r.rejected).toEqual([]);
    ds[kind] = r.datasetId;
  };
  await imp(
    'regions',
    [
      feature(box(126, 127, 42, 43), { code: 'S0', name: '省', level: 'province' }),
      feature(box(126, 126.55, 42, 43), { code: 'SW', name: '西市', level: 'prefecture', parentCode: 'S0' }),
      feature(box(126.55, 127, 42, 43), { code: 'SE', name: '东市', level: 'prefecture', parentCode: 'S0' }),
      feature(box(126, 126.55, 42, 42.45), { code: 'SW1', name: '西一县', level: 'county', parentCode: 'SW' }),
      feature(box(126, 126.55, 42.45, 43), { code: 'SW2', name: '西二县', level: 'county', parentCode: 'SW' }),
      feature(blob(126.5, 42.5, 0.22), { code: 'SP', name: '优先区域', level: 'priority_area' }),
    ],
    2020,
  );
  await imp('land-cover', [
    // forest and special shrub overlapping each other and across cell edges; plain shrub never counts
    feature(box(126.03, 126.41, 42.08, 42.37), { class: 'forest' }),
    feature(box(126.3, 126.63, 42.21, 42.52), { class: 'forest' }),
    feature(blob(126.72, 42.71, 0.09), { class: 'forest' }),
    feature(box(126.61, 126.83, 42.31, 42.6), { class: 'shrub_special' }),
    feature(box(126.77, 126.99, 42.05, 42.29), { class: 'shrub' }),
    feature(box(126.91, 127.18, 42.61, 42.93), { class: 'forest' }), // across the province edge: clipped
    // wetland: natural and artificial overlapping; water never counts
    feature(box(126.07, 126.36, 42.62, 42.91), { class: 'wetland', natural: true, wetlandType: '沼泽湿地' }),
    feature(box(126.22, 126.48, 42.71, 42.98), { class: 'wetland', natural: true, wetlandType: '河流湿地' }),
    feature(box(126.33, 126.58, 42.55, 42.77), { class: 'wetland', natural: false, wetlandType: '库塘' }),
    feature(box(126.4, 126.6, 42.6, 42.7), { class: 'water' }),
    // grassland types across the county and prefecture borders
    feature(box(126.12, 126.62, 42.4, 42.53), { class: 'grassland', grasslandType: '温性草原' }),
    feature(box(126.44, 126.71, 42.47, 42.6), { class: 'grassland', grasslandType: '温性草原' }),
    feature(blob(126.27, 42.18, 0.05), { class: 'grassland', grasslandType: '低地草甸' }),
    feature(box(126.81, 126.95, 42.75, 42.88), { class: 'grassland', grasslandType: '山地草甸' }),
  ]);
  await imp('protected-areas', [
    feature(blob(126.35, 42.65, 0.15), { id: 'Q1', name: '一', designation: 'nature_reserve', status: 'designated', establishedYear: 2001 }),
    feature(box(126.4, 126.78, 42.45, 42.72), { id: 'Q2', name: '二', designation: 'national_park', status: 'designated', establishedYear: 2021 }),
    feature(box(126.05, 126.25, 42.05, 42.3), { id: 'Q3', name: '三', designation: 'wetland_park', status: 'designated' }),
    feature(box(126.6, 126.9, 42.1, 42.4), { id: 'Q4', name: '拟建', designation: 'nature_reserve', status: 'proposed', establishedYear: 2015 }),
    feature(box(126.1, 126.9, 42.8, 42.95), { id: 'Q5', name: '圈', designation: 'biosphere_reserve', status: 'designated', establishedYear: 1990 }),
    feature(box(126.85, 127.1, 42.5, 42.9), { id: 'Q6', name: '未来', designation: 'forest_park', status: 'designated', establishedYear: 2030 }),
    feature(box(126.93, 127.2, 42.02, 42.2), { id: 'Q7', name: '跨界', designation: 'scenic_area', status: 'designated', establishedYear: 1995 }),
  ]);
  await imp('ecosystems', [
    feature(box(126, 126.52, 42, 42.57), { ecosystemType: '温带针阔混交林', terrestrial: true }),
    feature(box(126.38, 126.81, 42.39, 42.84), { ecosystemType: '温带针阔混交林', terrestrial: true }),
    feature(box(126, 126.47, 42.57, 43), { ecosystemType: '内陆湿地', terrestrial: true }),
    feature(box(126.52, 127, 42, 42.39), { ecosystemType: '温带草甸草原', terrestrial: true }),
    feature(box(126.81, 127, 42.39, 43), { ecosystemType: '农田', terrestrial: true }),
    feature(box(126.4, 126.6, 42.6, 42.7), { ecosystemType: '湖泊', terrestrial: false }),
  ]);
  const plot = (id: string, lon: number, lat: number, type: string, cover: number) =>
    feature({ type: 'Point', coordinates: [lon, lat] }, { plotId: id, grasslandType: type, vegetationCover: cover, surveyDate: '2024-07-15' });
  await imp('grassland-plots', [
    plot('p1', 126.2, 42.45, '温性草原', 61),
    plot('p2', 126.5, 42.5, '温性草原', 73),
    plot('p3', 126.65, 42.55, '温性草原', 55),
    plot('p4', 126.27, 42.18, '低地草甸', 80),
    plot('p5', 126.55, 42.5, '温性草原', 67), // on the prefecture border: both sides
    plot('p6', 126.9, 42.8, '山地草甸', 88),
    plot('p7', 126.3, 42.3, '沼泽草甸', 90),
  ]);
  const occ = (id: string, name: string, lon: number, lat: number) => ({
    occurrenceID: id,
    scientificName: name,
    eventDate: '2023-06-01',
    decimalLongitude: lon,
    decimalLatitude: lat,
    geodeticDatum: 'WGS84',
  });
  await ingestOccurrences(
    t.ctx.db,
    [
      occ('o1', 'Panthera tigris', 126.35, 42.65),
      occ('o2', 'Panthera tigris', 126.95, 42.95),
      occ('o3', 'Grus japonensis', 126 + 3 / 7, 42.6), // near a 1/7° cell edge, inside Q1
      occ('o4', 'Grus japonensis', 126.97, 42.1), // in Q7
      occ('o5', 'Taxus cuspidata', 126.8, 42.25), // only in the proposed site: outside
      occ('o6', 'Cervus nippon', 126.55, 42.6), // on the prefecture border, in Q2
    ],
    { actor: SYSTEM_ACTOR },
  );
});
afterAll(async () => t.close());

const datasets = () => ({
  regions: ds.regions,
  protectedAreas: ds['protected-areas'],
  landCover: ds['land-cover'],
  grasslandPlots: ds['grassland-plots'],
  ecosystems: ds.ecosystems,
});

async function run(work: Record<string, number>, onProgress?: (done: number) => void) {
  const { runId } = await createIndicatorRun(t.ctx.db, { year: 2024, datasets: datasets() }, actor);
  await executeIndicatorRun(t.ctx.db, runId, onProgress, { work });
  return runId;
}

async function results(runId: string): Promise<ResultOut[]> {
  const out = await getIndicatorRun(t.ctx.db, runId, SYSTEM_VIEWER);
  expect(out!.status).toBe('completed');
  return out!.results;
}

async function stages(runId: string) {
  return (
    await sql<{ stage: string; builds: number; started_at: Date; finished_at: Date; detail: Record<string, unknown> }>`
    SELECT stage, builds, started_at, finished_at, detail FROM indicator_run_stages WHERE run_id = ${runId} ORDER BY started_at`.execute(t.ctx.db)
  ).rows;
}

const close = (a: number | null, b: number | null, label: string) => {
  if (a === null || b === null) return expect(a, label).toBe(b);
  if (a === 0 || b === 0) return expect(Math.abs(a - b), label).toBeLessThan(1e-6);
  expect(Math.abs(a - b) / Math.abs(b), label).toBeLessThan(1e-4);
};

/** Every result the same within 0.01 % (areas), counts and lists exactly. */
function expectSame(split: ResultOut[], unsplit: ResultOut[]) {
  expect(split.map((r) => `${r.indicator}:${r.regionCode}`)).toEqual(unsplit.map((r) => `${r.indicator}:${r.regionCode}`));
  for (let i = 0; i < split.length; i++) {
    const [a, b] = [split[i], unsplit[i]];
    const label = `${a.indicator} ${a.regionCode}`;
    close(a.value, b.value, `${label} value`);
    close(a.numerator, b.numerator, `${label} numerator`);
    close(a.denominator, b.denominator, `${label} denominator`);
    expect(a.reason, label).toBe(b.reason);
    if (a.indicator === 'ecosystem_type_protection_rate') {
      expect(
        (a.details.types as { type: string; effective: boolean }[]).map((x) => [x.type, x.effective]),
        label,
      ).toEqual((b.details.types as { type: string; effective: boolean }[]).map((x) => [x.type, x.effective]));
    }
    if (a.indicator === 'grassland_vegetation_cover') {
      expect(a.details.missing, label).toEqual(b.details.missing);
      expect(
        (a.details.cells as { unit: string; type: string }[]).map((c) => `${c.unit}:${c.type}`),
        label,
      ).toEqual((b.details.cells as { unit: string; type: string }[]).map((c) => `${c.unit}:${c.type}`));
    }
    if (a.indicator === 'protected_species_rate') expect(a.details.species, label).toEqual(b.details.species);
  }
}

describe('indicator runs at scale: cells and the per-run PA union', () => {
  let unsplit: ResultOut[];
  let unsplitRun: string;
  beforeAll(async () => {
    // one cell of 2° holds the whole fixture: nothing is split
    unsplitRun = await run({ cellDeg: 2 });
    unsplit = await results(unsplitRun);
    expect((await stages(unsplitRun)).find((s) => s.stage === 'grid')!.detail.cells).toBe(1);
  });

  it('splitting by cells gives the numbers of the unsplit computation (0.01 %) for every indicator and region', async () => {
    for (const cellDeg of [1 / 7, 1 / 13]) {
      const runId = await run({ cellDeg });
      const grid = (await stages(runId)).find((s) => s.stage === 'grid')!;
      expect(grid.detail.cells as number).toBeGreaterThan(40); // really split
      expectSame(await results(runId), unsplit);
    }
    // the same results whatever the concurrency and batching (sums in cell order)
    const a = await results(await run({ cellDeg: 1 / 13, concurrency: 1, cellsPerStatement: 50 }));
    const b = await results(await run({ cellDeg: 1 / 13, concurrency: 3, cellsPerStatement: 1 }));
    const strip = (rs: ResultOut[]) => rs.map((r) => [r.indicator, r.regionCode, r.value, r.numerator, r.denominator, r.reason]);
    expect(strip(a)).toEqual(strip(b));
  });

  it('agrees with the literal unsplit overlay (union first, then clip, then the ellipsoidal area)', async () => {
    const split = await results(await run({ cellDeg: 1 / 7 }));
    const literal = (
      await sql<{ code: string; forest: number; pa: number }>`
      SELECT r.code,
        (SELECT coalesce(ST_Area(ST_Intersection(ST_Union(l.geom), r.geom)::geography), 0) FROM land_cover l
          WHERE l.dataset_id = ${ds['land-cover']} AND l.class IN ('forest', 'shrub_special') AND ST_Intersects(l.geom, r.geom)) AS forest,
        (SELECT coalesce(ST_Area(ST_Intersection(ST_Union(p.geom), r.geom)::geography), 0) FROM protected_areas p
          WHERE p.dataset_id = ${ds['protected-areas']} AND p.status = 'designated' AND p.designation <> 'biosphere_reserve'
            AND (p.established_year IS NULL OR p.established_year <= 2024)) AS pa
      FROM regions r WHERE r.dataset_id = ${ds.regions} ORDER BY r.code`.execute(t.ctx.db)
    ).rows;
    for (const l of literal) {
      close(split.find((r) => r.indicator === 'forest_coverage' && r.regionCode === l.code)!.numerator, l.forest, `forest ${l.code}`);
      close(split.find((r) => r.indicator === 'pa_coverage' && r.regionCode === l.code)!.numerator, l.pa, `pa ${l.code}`);
    }
    // and the fixture is not trivial: overlaps, clipping and exclusions all matter
    const prov = literal.find((l) => l.code === 'S0')!;
    expect(prov.forest).toBeGreaterThan(0);
    expect(prov.pa).toBeGreaterThan(0);
  });

  it('builds the counted-PA union once per run, before every indicator that reads it, and removes the work when the run completes', async () => {
    const st = await stages(unsplitRun);
    const union = st.find((s) => s.stage === 'pa-union')!;
    expect(union.builds).toBe(1);
    expect(union.detail.countedSites).toBe(4); // Q1, Q2, Q3 (no year: counted), Q7
    for (const stage of ['wetland_protection', 'protected_species_rate', 'ecosystem_type_protection_rate', 'pa_coverage']) {
      const s = st.find((x) => x.stage === stage)!;
      expect(s.builds, stage).toBe(1);
      expect(s.started_at.getTime(), stage).toBeGreaterThanOrEqual(union.finished_at.getTime());
    }
    const left = await sql<{ n: number }>`
      SELECT (SELECT count(*) FROM indicator_run_cells WHERE run_id = ${unsplitRun}) + (SELECT count(*) FROM indicator_run_region_cells WHERE run_id = ${unsplitRun})
           + (SELECT count(*) FROM indicator_run_pa WHERE run_id = ${unsplitRun}) + (SELECT count(*) FROM indicator_run_pa_pieces WHERE run_id = ${unsplitRun}) AS n`.execute(
      t.ctx.db,
    );
    expect(Number(left.rows[0].n)).toBe(0);
  });

  it('resumes a run stopped mid-way without building its grid or PA union again, and ends with the undisturbed results', async () => {
    const { runId } = await createIndicatorRun(t.ctx.db, { year: 2024, datasets: datasets() }, actor);
    const work = { cellDeg: 1 / 7 };
    // the worker "dies" after the third step has committed
    await expect(
      executeIndicatorRun(
        t.ctx.db,
        runId,
        (done) => {
          if (done >= 4) throw new Error('worker killed');
        },
        { work },
      ),
    ).rejects.toThrow('worker killed');
    const mid = await stages(runId);
    const before = new Map(mid.map((s) => [s.stage, s.finished_at.getTime()]));
    expect(mid.map((s) => s.stage)).toEqual(['grid', 'pa-union', 'forest_coverage', 'grassland_vegetation_cover', 'wetland_protection']);
    const kept = await sql<{ n: number }>`SELECT count(*)::int AS n FROM indicator_run_pa WHERE run_id = ${runId}`.execute(t.ctx.db);
    expect(kept.rows[0].n).toBeGreaterThan(0);
    expect(await executeIndicatorRun(t.ctx.db, runId, undefined, { work })).toBe('completed');
    const after = await stages(runId);
    for (const s of after) {
      expect(s.builds, s.stage).toBe(1);
      if (before.has(s.stage)) expect(s.finished_at.getTime(), `${s.stage} not redone`).toBe(before.get(s.stage));
    }
    expect(after.map((s) => s.stage).sort()).toEqual([
      'ecosystem_type_protection_rate',
      'exsitu_coverage',
      'forest_coverage',
      'grassland_vegetation_cover',
      'grassland_vegetation_cover_rs',
      'grid',
      'pa-union',
      'pa_coverage',
      'protected_species_rate',
      'wetland_protection',
    ]);
    expectSame(await results(runId), unsplit);
  });
});
