import type { DbOrTx } from '@biomon/db';
import { sql } from '@biomon/db';
import { missingDataset, ratio, type ResultRow, type RunContext } from '../run-context';
import type { StepEnv } from './run-work';

/** STORAGE codes that keep material alive (MCPD v2.1: 10–13 seed, 20 field, 30 in vitro, 40 cryo; not 50 DNA, 99 other). */
const LIVING = sql.raw('ARRAY[10,11,12,13,20,30,40]');

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
  const rows = await sql<{
    code: string;
    unit_id: number;
    scientific_name: string;
    chinese_name: string | null;
    protection_class: string | null;
    sites: number;
    accessions: number;
  }>`
    WITH listed AS MATERIALIZED (
      SELECT t.id, t.scientific_name, t.chinese_name, t.protection_class
      FROM taxa t LEFT JOIN taxa p ON p.id = t.parent_id
      WHERE t.kingdom = 'Plantae' AND t.protection_class IS NOT NULL AND t.in_jilin AND (p.id IS NULL OR p.protection_class IS NULL)
    ),
    unit_of AS MATERIALIZED (
      SELECT x.id AS taxon_id, l.id AS unit_id
      FROM taxa x LEFT JOIN taxa xp ON xp.id = x.parent_id
      JOIN listed l ON l.id = x.id OR l.id = xp.id OR l.id = xp.parent_id
    ),
    held AS (
      SELECT u.unit_id, count(DISTINCT a.instcode)::int AS sites, count(*)::int AS accessions
      FROM germplasm_accessions a JOIN unit_of u ON u.taxon_id = a.taxon_id
      WHERE a.sampstat BETWEEN 100 AND 199 AND a.storage && ${LIVING}
      GROUP BY u.unit_id
    ),
    regs AS MATERIALIZED (
      SELECT code, level, geom FROM regions WHERE dataset_id = ${ctx.datasets.regions} AND code = ANY(${ctx.regionCodes}::text[])
    ),
    recorded AS (
      SELECT DISTINCT rc.code, u.unit_id
      FROM occurrences o
      JOIN unit_of u ON u.taxon_id = o.taxon_id
      CROSS JOIN LATERAL unnest(o.region_codes || CASE WHEN o.priority_area IS NULL THEN '{}'::text[] ELSE ARRAY[o.priority_area] END) rc(code)
      WHERE o.occurrence_status = 'present' AND o.review_state <> 'rejected'
        AND rc.code IN (SELECT code FROM regs WHERE level <> 'province')
      UNION
      SELECT r.code, u.unit_id
      FROM regs r
      JOIN germplasm_accessions a ON a.geom IS NOT NULL AND a.sampstat BETWEEN 100 AND 199 AND ST_Intersects(r.geom, a.geom)
      JOIN unit_of u ON u.taxon_id = a.taxon_id
      WHERE r.level <> 'province'
      UNION
      SELECT r.code, l.id FROM regs r CROSS JOIN listed l WHERE r.level = 'province'
    )
    SELECT rc.code, l.id AS unit_id, l.scientific_name, l.chinese_name, l.protection_class,
           coalesce(h.sites, 0) AS sites, coalesce(h.accessions, 0) AS accessions
    FROM recorded rc JOIN listed l ON l.id = rc.unit_id LEFT JOIN held h ON h.unit_id = l.id
    ORDER BY rc.code, l.scientific_name`.execute(db);
  const byRegion = new Map<string, typeof rows.rows>(ctx.regionCodes.map((c) => [c, []]));
  for (const r of rows.rows) byRegion.get(r.code)?.push(r);
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
