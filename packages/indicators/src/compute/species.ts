import type { DbOrTx } from '@biomon/db';
import { sql } from '@biomon/db';
import { missingDataset, ratio, type ResultRow, type RunContext } from '../run-context';
import { countedPaUnion, regionsCte } from './sql-helpers';

/**
 * 国家重点保护野生动植物物种数保护率 (BRIEF §6): of the listed species (2021 lists, class I/II) with
 * at least one qualifying record in the region, the share with one inside the counted-PA union.
 * Each listed species counts once: subspecies and synonyms count for their species (synonyms
 * resolve to the same taxon), and group entries (e.g. 红豆杉属 所有种) cover every species of the
 * group, keyed by the record's binomial. Qualifying: present; year of the event's end (UTC+8) in
 * (year − window, year]; uncertainty ≤ the maximum or absent; not captive/cultivated; not rejected
 * (or verified, by parameter).
 */
export async function protectedSpeciesRate(db: DbOrTx, ctx: RunContext): Promise<ResultRow[]> {
  if (ctx.datasets.protectedAreas === null) return missingDataset('protected_species_rate', ctx.regionCodes, 'protected-areas');
  const p = ctx.params;
  const rows = await sql<{ code: string; key: string; class: string; chinese: string | null; in_pa: boolean; records: number }>`
    WITH r AS (${regionsCte(ctx)}), pa AS MATERIALIZED (${countedPaUnion(ctx)}),
    q AS (
      SELECT o.geom, k.key, k.class, k.chinese
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
        AND extract(year FROM o.event_end AT TIME ZONE 'Asia/Shanghai') > ${ctx.year - p.speciesWindowYears}
        AND extract(year FROM o.event_end AT TIME ZONE 'Asia/Shanghai') <= ${ctx.year}
        AND (o.coordinate_uncertainty_m IS NULL OR o.coordinate_uncertainty_m <= ${p.speciesMaxUncertaintyM})
        AND lower(coalesce(o.data->>'establishmentMeans', '')) NOT IN ('captive', 'cultivated', 'managed')
        AND lower(coalesce(o.data->>'degreeOfEstablishment', '')) NOT IN ('captive', 'cultivated')
        AND ${p.speciesRequireVerified ? sql`o.review_state = 'verified'` : sql`o.review_state <> 'rejected'`}
    )
    SELECT r.code, q.key, min(q.class) AS class, min(q.chinese) AS chinese,
           coalesce(bool_or(ST_Intersects(q.geom, pa.g)), false) AS in_pa, count(*)::int AS records
    FROM r JOIN q ON ST_Intersects(q.geom, r.geom) CROSS JOIN pa
    GROUP BY r.code, q.key ORDER BY r.code, q.key`.execute(db);
  const byRegion = new Map<string, typeof rows.rows>(ctx.regionCodes.map((c) => [c, []]));
  for (const r of rows.rows) byRegion.get(r.code)?.push(r);
  return [...byRegion.entries()].map(([code, species]) =>
    ratio('protected_species_rate', code, species.filter((s) => s.in_pa).length, species.length, 'no qualifying record of a nationally protected species in the region', {
      window: [ctx.year - p.speciesWindowYears + 1, ctx.year],
      requireVerified: p.speciesRequireVerified,
      species: species.map((s) => ({ scientificName: s.key, chineseName: s.chinese, protectionClass: s.class, inProtectedArea: s.in_pa, records: s.records })),
    }),
  );
}
