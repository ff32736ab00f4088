import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { createIndicatorRun, executeIndicatorRun } from '@biomon/indicators';
import { ingestAccessions, saveInstitution, type InstitutionIn } from '@biomon/germplasm';
import { createTestContext, type TestContext } from '../support/test-db';
import { REPO_ROOT } from '../support/cli';
import { record, storeRecords } from '../support/alerts';
import { ACCESSIONS, HELD_ALIVE_WILD, INSTITUTIONS } from './germplasm-fixture';

// Ex-situ coverage (issue 20): exsitu_protected_plants_rate and exsitu_sites_per_taxon in an
// indicator run, per province and per region, against values worked out here from the fixture and
// the checklist file — a subspecies' accession counts for its species, a protected plant held only
// as a herbarium specimen (STORAGE 99) or as DNA (50) or as a landrace (SAMPSTAT 300) does not.

let t: TestContext;
const system = { tokenId: null, role: 'system' as const, label: 'germplasm test' };

interface ChecklistTaxon {
  scientificName: string;
  kingdom: string;
  protectionClass: string | null;
  parentName?: string;
  inJilin: boolean;
}

/** The listed wild plant units of the checklist file: Plantae with a class whose parent is not listed. */
function listedPlants(): string[] {
  const taxa = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'seeds/taxa/jilin-checklist.json'), 'utf8')) as { taxa: ChecklistTaxon[] }).taxa;
  const listed = new Set(taxa.filter((x) => x.kingdom === 'Plantae' && x.protectionClass && x.inJilin).map((x) => x.scientificName));
  return taxa.filter((x) => listed.has(x.scientificName) && !(x.parentName && listed.has(x.parentName))).map((x) => x.scientificName);
}

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  for (const inst of INSTITUTIONS) await saveInstitution(t.ctx.db, inst as InstitutionIn, { actor: system, route: 'test' });
  const res = await ingestAccessions(t.ctx.db, ACCESSIONS, { actor: system, route: 'test' });
  expect(res.rejected).toEqual([]);
});
afterAll(async () => {
  await t?.close();
});

async function run(year: number, regions?: string[]) {
  const { runId } = await createIndicatorRun(t.ctx.db, { year, regions, indicators: ['exsitu_protected_plants_rate', 'exsitu_sites_per_taxon'] }, system);
  expect(await executeIndicatorRun(t.ctx.db, runId)).toBe('completed');
  const rows = await sql<{
    indicator: string;
    region_code: string;
    value: number | null;
    numerator: number | null;
    denominator: number | null;
    unit: string;
    details: { species: { scientificName: string; heldExSitu: boolean; institutions: number }[]; notHeld: number };
  }>`
    SELECT indicator, region_code, value, numerator, denominator, unit, details FROM indicator_results WHERE run_id = ${runId}`.execute(t.ctx.db);
  return rows.rows;
}

async function regionOf(lon: number, lat: number, level: string): Promise<string> {
  const r = await sql<{ code: string }>`
    SELECT code FROM regions WHERE level = ${level} AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326))
      AND dataset_id = (SELECT max(dataset_id) FROM regions)`.execute(t.ctx.db);
  expect(r.rows.length).toBe(1);
  return r.rows[0].code;
}

describe('ex-situ coverage of protected wild plants', () => {
  it('the province: every listed wild plant of the checklist; held = wild material in living storage', async () => {
    const listed = listedPlants();
    expect(listed.length).toBeGreaterThan(20);
    for (const h of HELD_ALIVE_WILD) expect(listed).toContain(h);
    const rows = await run(2026, ['220000']);
    const rate = rows.find((r) => r.indicator === 'exsitu_protected_plants_rate' && r.region_code === '220000')!;
    expect(rate.denominator).toBe(listed.length);
    expect(rate.numerator).toBe(HELD_ALIVE_WILD.length);
    expect(rate.value).toBeCloseTo((HELD_ALIVE_WILD.length / listed.length) * 100, 9);
    const species = rate.details.species;
    const held = species.filter((s) => s.heldExSitu).map((s) => s.scientificName);
    expect(held.sort()).toEqual([...HELD_ALIVE_WILD].sort());
    // the var. gracilis accession counts for Glycine soja; the herbarium-only, DNA-only and landrace holdings do not
    for (const notHeld of ['Tilia amurensis', 'Fraxinus mandschurica', 'Actinidia arguta', 'Rhodiola sachalinensis']) {
      expect(species.find((s) => s.scientificName === notHeld)?.heldExSitu, notHeld).toBe(false);
    }
    expect(rate.details.notHeld).toBe(listed.length - HELD_ALIVE_WILD.length);
    // institutions per taxon: 红松 at two institutions, the five others at one
    const sites = rows.find((r) => r.indicator === 'exsitu_sites_per_taxon' && r.region_code === '220000')!;
    expect(sites.unit).toBe('个/种');
    expect(sites.numerator).toBe(HELD_ALIVE_WILD.length + 1);
    expect(sites.value).toBeCloseTo((HELD_ALIVE_WILD.length + 1) / listed.length, 9);
    expect(species.find((s) => s.scientificName === 'Pinus koraiensis')?.institutions).toBe(2);
  });

  it('a prefecture: the listed plants recorded in it, by occurrences or wild accessions collected there', async () => {
    const ginseng = ACCESSIONS.find((r) => r.ACCENUMB === 'JLGB-0001')!;
    const [lon, lat] = [Number(ginseng.DECLONGITUDE), Number(ginseng.DECLATITUDE)];
    const pref = await regionOf(lon, lat, 'prefecture');
    // a 紫椴 (held only as a herbarium specimen) observed in the same prefecture, 2 km from the ginseng site
    await storeRecords(t, [record('tilia-1', 'Tilia amurensis', lon + 0.02, lat)]);
    expect(await regionOf(lon + 0.02, lat, 'prefecture')).toBe(pref);
    const units = new Set(['Panax ginseng', 'Tilia amurensis']);
    // any other accession collected in the same prefecture as wild material adds its unit
    for (const a of ACCESSIONS) {
      if (!a.DECLONGITUDE || Number(a.SAMPSTAT) >= 200) continue;
      if ((await regionOf(Number(a.DECLONGITUDE), Number(a.DECLATITUDE), 'prefecture').catch(() => null)) === pref) units.add(`${a.GENUS} ${a.SPECIES}`);
    }
    const heldHere = [...units].filter((u) => HELD_ALIVE_WILD.includes(u));
    const rows = await run(2026, [pref]);
    const rate = rows.find((r) => r.indicator === 'exsitu_protected_plants_rate')!;
    expect(rate.denominator).toBe(units.size);
    expect(rate.numerator).toBe(heldHere.length);
    expect(rate.value).toBeCloseTo((heldHere.length / units.size) * 100, 9);
  });
});
