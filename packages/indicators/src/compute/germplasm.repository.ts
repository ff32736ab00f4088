import { sql, type DbOrTx } from '@biomon/db';

// SQL of the ex-situ indicators (compute/germplasm.ts) over the germplasm registry (@biomon/germplasm, migration 0014).

/** STORAGE codes that keep material alive (MCPD v2.1: 10–13 seed, 20 field, 30 in vitro, 40 cryo; not 50 DNA, 99 other). */
const LIVING = sql.raw('ARRAY[10,11,12,13,20,30,40]');

/** A listed unit of a region with the institutions and accessions holding it ex situ (wild material, living storage). */
export interface RegionUnitRow {
  code: string;
  unit_id: number;
  scientific_name: string;
  chinese_name: string | null;
  protection_class: string | null;
  sites: number;
  accessions: number;
}

/**
 * The listed units of each region (rules: compute/germplasm.ts) with how many institutions and
 * accessions hold each (SAMPSTAT 100–199 and a living STORAGE), by region and scientific name.
 */
export async function selectRegionUnits(db: DbOrTx, regionsDataset: number, regionCodes: string[]): Promise<RegionUnitRow[]> {
  const rows = await sql<RegionUnitRow>`
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
      SELECT code, level, geom FROM regions WHERE dataset_id = ${regionsDataset} AND code = ANY(${regionCodes}::text[])
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
  return rows.rows;
}
