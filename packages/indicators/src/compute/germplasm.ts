import type { DbOrTx } from '@biomon/db';
import { missingDataset, ratio, type ResultRow, type RunContext } from '../run-context';
import type { StepEnv } from './run-work';
import { selectRegionUnits, type RegionUnitRow } from './germplasm.repository';

/**
 * Ex-situ conservation of the nationally protected wild plants (GSPC Target 8; ledger tasks 19, 25,
 * 26, 36), from the germplasm registry (@biomon/germplasm, tables of migration 0014).
 *
 * Listed units: the checklist's Plantae taxa with a protection class (the 2021 list as imported) whose
 * parent is not listed itself; an accession of a subspecies, variety or synonym counts for its unit.
 * Held: at least one accession of the unit with SAMPSTAT 100–199 (wild material) and a living
 * STORAGE (10–13, 20, 30, 40), at any institution. The units of a region: for a province-level
 * region, every listed unit of the checklist (the checklist is the province's); for any other region
 * (prefecture, county, priority area), the units recorded in it — a present, not rejected occurrence
 * in the region, or a wild accession collected there.
 *
 * - exsitu_protected_plants_rate = held units / units × 100;
 * - exsitu_sites_per_taxon = Σ institutions holding each unit / units (a mean, unheld units count 0).
 * Details list every unit (`species`: held or not, institutions, accessions): the ones not held are
 * the list for action; sensitive names are withheld below evaluator by @biomon/sensitive.
 */
export async function exsituCoverage(db: DbOrTx, ctx: RunContext, _env: StepEnv): Promise<ResultRow[]> {
  if (ctx.datasets.regions === null) {
    return [
      ...missingDataset('exsitu_protected_plants_rate', ctx.regionCodes, 'regions'),
      ...missingDataset('exsitu_sites_per_taxon', ctx.regionCodes, 'regions'),
    ];
  }
  const rows = await selectRegionUnits(db, ctx.datasets.regions, ctx.regionCodes);
  const byRegion = new Map<string, RegionUnitRow[]>(ctx.regionCodes.map((c) => [c, []]));
  for (const r of rows) byRegion.get(r.code)?.push(r);
  const out: ResultRow[] = [];
  for (const [code, units] of byRegion) {
    const species = units.map((u) => ({
      scientificName: u.scientific_name,
      chineseName: u.chinese_name,
      protectionClass: u.protection_class,
      heldExSitu: u.sites > 0,
      institutions: u.sites,
      accessions: u.accessions,
    }));
    const held = species.filter((s) => s.heldExSitu).length;
    const details = { species, notHeld: species.length - held, rule: 'SAMPSTAT 100–199 and STORAGE 10–13, 20, 30 or 40' };
    out.push(ratio('exsitu_protected_plants_rate', code, held, species.length, 'no nationally protected wild plant recorded in the region', details));
    const sites = species.reduce((n, s) => n + s.institutions, 0);
    out.push(
      species.length > 0
        ? {
            indicator: 'exsitu_sites_per_taxon',
            regionCode: code,
            value: sites / species.length,
            numerator: sites,
            denominator: species.length,
            reason: null,
            details,
            unit: '个/种',
          }
        : {
            indicator: 'exsitu_sites_per_taxon',
            regionCode: code,
            value: null,
            numerator: 0,
            denominator: 0,
            reason: 'no nationally protected wild plant recorded in the region',
            details,
            unit: '个/种',
          },
    );
  }
  return out;
}
