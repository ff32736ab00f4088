import type { DbOrTx } from '@biomon/db';
import { missingDataset, ratio, type ResultRow, type RunContext } from '../run-context';
import { withoutJit, type StepEnv } from './run-work';
import { selectRegionSpecies, type RegionSpeciesRow } from './species.repository';

/**
 * 国家重点保护野生动植物物种数保护率 (BRIEF §6): of the listed species (2021 lists, class I/II) with
 * at least one qualifying record in the region, the share with one inside the counted-PA union.
 * Each listed species counts once: subspecies and synonyms count for their species (synonyms
 * resolve to the same taxon), and group entries (e.g. 红豆杉属 所有种) cover every species of the
 * group, keyed by the record's binomial. Qualifying: present; year of the event's end (UTC+8) in
 * (year − window, year]; uncertainty ≤ the maximum or absent; not captive/cultivated; not rejected
 * (or verified, by parameter). A record is in a region when it lies in one of the region's pieces of
 * the run's grid, and inside the counted-PA union when it lies in one of the run's pieces of it.
 */
export async function protectedSpeciesRate(db: DbOrTx, ctx: RunContext, env: StepEnv): Promise<ResultRow[]> {
  if (ctx.datasets.protectedAreas === null) return missingDataset('protected_species_rate', ctx.regionCodes, 'protected-areas');
  const p = ctx.params;
  const rows = await withoutJit(db, (tx) => selectRegionSpecies(tx, ctx, env.grid));
  const byRegion = new Map<string, RegionSpeciesRow[]>(ctx.regionCodes.map((c) => [c, []]));
  for (const r of rows) byRegion.get(r.code)?.push(r);
  return [...byRegion.entries()].map(([code, species]) =>
    ratio(
      'protected_species_rate',
      code,
      species.filter((s) => s.in_pa).length,
      species.length,
      'no qualifying record of a nationally protected species in the region',
      {
        window: [ctx.year - p.speciesWindowYears + 1, ctx.year],
        requireVerified: p.speciesRequireVerified,
        species: species.map((s) => ({
          scientificName: s.key,
          chineseName: s.chinese,
          protectionClass: s.class,
          inProtectedArea: s.in_pa,
          records: s.records,
        })),
      },
    ),
  );
}
