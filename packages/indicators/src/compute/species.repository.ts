import { chinaPart, sql, type DbOrTx } from '@biomon/db';
import type { RunContext } from '../run-context';
import type { Grid } from './run-work';
import { cellOfPoint } from './run-work.sql';

// SQL of protected_species_rate (compute/species.ts).

/** A listed species recorded in a region: its class and Chinese name, whether a record lies inside the counted-PA union, how many records. */
export interface RegionSpeciesRow {
  code: string;
  key: string;
  class: string;
  chinese: string | null;
  in_pa: boolean;
  records: number;
}

/**
 * The listed species with a qualifying record in each region of the run (rules: compute/species.ts),
 * by region and species key: a record is in a region when it lies in one of the region's pieces of
 * the run's grid, and inside the counted-PA union when it lies in one of the run's pieces of it.
 */
export async function selectRegionSpecies(tx: DbOrTx, ctx: RunContext, grid: Grid): Promise<RegionSpeciesRow[]> {
  const p = ctx.params;
  const rows = await sql<RegionSpeciesRow>`
    WITH q0 AS MATERIALIZED (
      SELECT o.id, o.geom, ${cellOfPoint(grid, sql`o.geom`)} AS cell, k.key, k.class, k.chinese
      FROM occurrences o
      LEFT JOIN taxa t ON t.id = o.taxon_id
      LEFT JOIN taxa pt ON pt.id = t.parent_id
      CROSS JOIN LATERAL (
        SELECT coalesce(t.scientific_name, o.scientific_name) AS name,
               split_part(coalesce(t.scientific_name, o.scientific_name), ' ', 1) AS genus,
               split_part(coalesce(t.scientific_name, o.scientific_name), ' ', 1) || ' ' || split_part(coalesce(t.scientific_name, o.scientific_name), ' ', 2) AS binomial
      ) n
      -- group entries (属/科/目 所有种) for records whose own taxon (and its species) is not listed;
      -- section entries (组) cannot be matched without section data and are not applied
      LEFT JOIN LATERAL (
        SELECT tr.protection_class FROM taxon_rules tr
        WHERE t.protection_class IS NULL AND pt.protection_class IS NULL
          AND ((tr.rank = 'genus' AND tr.scientific_name = n.genus)
            OR (tr.rank = 'family' AND tr.scientific_name IN (t.family, pt.family))
            OR (tr.rank = 'order' AND tr.scientific_name IN (t.taxon_order, pt.taxon_order)))
          AND NOT (coalesce(t.chinese_name, '') = ANY (tr.exclude_chinese))
        ORDER BY tr.protection_class LIMIT 1
      ) rule ON true
      CROSS JOIN LATERAL (
        SELECT CASE
                 WHEN t.protection_class IS NOT NULL AND t.rank = 'species' THEN t.scientific_name
                 WHEN pt.protection_class IS NOT NULL THEN pt.scientific_name
                 WHEN t.protection_class IS NOT NULL THEN coalesce(pt.scientific_name, n.binomial)
                 WHEN rule.protection_class IS NOT NULL AND split_part(n.name, ' ', 2) NOT IN ('', 'sp', 'sp.', 'spp', 'spp.', 'cf.', 'aff.') THEN n.binomial
               END AS key,
               coalesce(CASE WHEN t.rank = 'species' THEN t.protection_class END, pt.protection_class, t.protection_class, rule.protection_class) AS class,
               coalesce(CASE WHEN t.rank = 'species' THEN t.chinese_name END, pt.chinese_name, t.chinese_name) AS chinese
      ) k
      WHERE k.key IS NOT NULL
        AND o.occurrence_status = 'present'
        AND ${chinaPart('year', sql.ref('o.event_end'))} > ${ctx.year - p.speciesWindowYears}
        AND ${chinaPart('year', sql.ref('o.event_end'))} <= ${ctx.year}
        AND (o.coordinate_uncertainty_m IS NULL OR o.coordinate_uncertainty_m <= ${p.speciesMaxUncertaintyM})
        AND lower(coalesce(o.data->>'establishmentMeans', '')) NOT IN ('captive', 'cultivated', 'managed')
        AND lower(coalesce(o.data->>'degreeOfEstablishment', '')) NOT IN ('captive', 'cultivated')
        AND ${p.speciesRequireVerified ? sql`o.review_state = 'verified'` : sql`o.review_state <> 'rejected'`}
    ),
    -- inside the counted-PA union: in one of the run's pieces of it in the record's cell
    q AS MATERIALIZED (
      SELECT q0.*, EXISTS (SELECT 1 FROM indicator_run_pa_pieces p WHERE p.run_id = ${ctx.runId} AND p.cell = q0.cell AND ST_Intersects(p.geom, q0.geom)) AS in_pa
      FROM q0
    )
    -- the regions of each record: those whose piece of the record's cell holds it
    SELECT f.region_code AS code, q.key, min(q.class) AS class, min(q.chinese) AS chinese,
           coalesce(bool_or(q.in_pa), false) AS in_pa, count(*)::int AS records
    FROM q JOIN indicator_run_region_cells f ON f.run_id = ${ctx.runId} AND f.cell = q.cell AND f.region_code = ANY(${ctx.regionCodes}::text[])
    WHERE f.full_cell OR ST_Intersects(f.geom, q.geom)
    GROUP BY f.region_code, q.key ORDER BY f.region_code, q.key`.execute(tx);
  return rows.rows;
}
