import type { DbOrTx } from '@biomon/db';
import { sql } from '@biomon/db';
import { missingDataset, ratio, type ResultRow, type RunContext } from '../run-context';
import { areaM2, countedPaUnion, regionsCte } from './sql-helpers';

/** 森林覆盖率: area((forest ∪ shrub_special) ∩ region) / area(region). Plain shrub does not count. */
export async function forestCoverage(db: DbOrTx, ctx: RunContext): Promise<ResultRow[]> {
  if (ctx.datasets.landCover === null) return missingDataset('forest_coverage', ctx.regionCodes, 'land-cover');
  const rows = await sql<{ code: string; num: number; den: number; official: string | null }>`
    WITH r AS (${regionsCte(ctx)})
    SELECT r.code, ${areaM2(sql`r.geom`)} AS den,
      (SELECT ${areaM2(sql`ST_Intersection(ST_Union(lc.geom), r.geom)`)} FROM land_cover lc
        WHERE lc.dataset_id = ${ctx.datasets.landCover} AND lc.class IN ('forest', 'shrub_special') AND ST_Intersects(lc.geom, r.geom)) AS num,
      (SELECT official_area_km2 FROM regions x WHERE x.dataset_id = ${ctx.datasets.regions} AND x.code = r.code) AS official
    FROM r ORDER BY r.code`.execute(db);
  return rows.rows.map((r) => ratio('forest_coverage', r.code, r.num ?? 0, r.den, 'the region has no area', {
    classes: ['forest', 'shrub_special'], forestAreaKm2: (r.num ?? 0) / 1e6, regionAreaKm2: r.den / 1e6,
    officialAreaKm2: r.official === null ? null : Number(r.official),
  }));
}

/** 自然保护地面积占比: area(counted-PA union ∩ region) / area(region). */
export async function paCoverage(db: DbOrTx, ctx: RunContext, paWarnings: string[]): Promise<ResultRow[]> {
  if (ctx.datasets.protectedAreas === null) return missingDataset('pa_coverage', ctx.regionCodes, 'protected-areas');
  const rows = await sql<{ code: string; num: number; den: number }>`
    WITH r AS (${regionsCte(ctx)}), pa AS MATERIALIZED (${countedPaUnion(ctx)})
    SELECT r.code, ${areaM2(sql`r.geom`)} AS den, ${areaM2(sql`ST_Intersection(pa.g, r.geom)`)} AS num
    FROM r CROSS JOIN pa ORDER BY r.code`.execute(db);
  return rows.rows.map((r) => ratio('pa_coverage', r.code, r.num, r.den, 'the region has no area', { paAreaKm2: r.num / 1e6, regionAreaKm2: r.den / 1e6, warnings: paWarnings }));
}

/**
 * 自然湿地保护率 (natural = true wetlands) and, beside it, 湿地保护率 over all `wetland` polygons.
 * Class `water` never counts.
 */
export async function wetlandProtection(db: DbOrTx, ctx: RunContext, paWarnings: string[]): Promise<ResultRow[]> {
  const codes = ctx.regionCodes;
  if (ctx.datasets.landCover === null) return [...missingDataset('natural_wetland_protection_rate', codes, 'land-cover'), ...missingDataset('wetland_protection_rate', codes, 'land-cover')];
  if (ctx.datasets.protectedAreas === null) return [...missingDataset('natural_wetland_protection_rate', codes, 'protected-areas'), ...missingDataset('wetland_protection_rate', codes, 'protected-areas')];
  const rows = await sql<{ code: string; nat_den: number; nat_num: number; all_den: number; all_num: number }>`
    WITH r AS (${regionsCte(ctx)}), pa AS MATERIALIZED (${countedPaUnion(ctx)})
    SELECT r.code,
      ${areaM2(sql`w.nat`)} AS nat_den, ${areaM2(sql`ST_Intersection(w.nat, pa.g)`)} AS nat_num,
      ${areaM2(sql`w.allw`)} AS all_den, ${areaM2(sql`ST_Intersection(w.allw, pa.g)`)} AS all_num
    FROM r CROSS JOIN pa
    CROSS JOIN LATERAL (
      SELECT ST_Intersection(ST_Union(lc.geom) FILTER (WHERE lc.is_natural), r.geom) AS nat,
             ST_Intersection(ST_Union(lc.geom), r.geom) AS allw
      FROM land_cover lc
      WHERE lc.dataset_id = ${ctx.datasets.landCover} AND lc.class = 'wetland' AND ST_Intersects(lc.geom, r.geom)
    ) w ORDER BY r.code`.execute(db);
  return rows.rows.flatMap((r) => [
    ratio('natural_wetland_protection_rate', r.code, r.nat_num, r.nat_den, 'no natural wetland is mapped in the region', {
      naturalWetlandKm2: r.nat_den / 1e6, protectedKm2: r.nat_num / 1e6, wetlandProtectionRateAll: r.all_den > 0 ? (r.all_num / r.all_den) * 100 : null, warnings: paWarnings,
    }),
    ratio('wetland_protection_rate', r.code, r.all_num, r.all_den, 'no wetland is mapped in the region', { wetlandKm2: r.all_den / 1e6, protectedKm2: r.all_num / 1e6, warnings: paWarnings }),
  ]);
}

/**
 * 陆地生态系统类型有效保护率: over terrestrial types present in the region (area > ecosystemMinAreaHa),
 * the percentage with f_t = area(t ∩ PA ∩ region) / area(t ∩ region) ≥ θ.
 */
export async function ecosystemTypeProtection(db: DbOrTx, ctx: RunContext, paWarnings: string[]): Promise<ResultRow[]> {
  if (ctx.datasets.ecosystems === null) return missingDataset('ecosystem_type_protection_rate', ctx.regionCodes, 'ecosystems');
  if (ctx.datasets.protectedAreas === null) return missingDataset('ecosystem_type_protection_rate', ctx.regionCodes, 'protected-areas');
  const rows = await sql<{ code: string; type: string | null; area: number | null; prot: number | null }>`
    WITH r AS (${regionsCte(ctx)}), pa AS MATERIALIZED (${countedPaUnion(ctx)})
    SELECT r.code, e.ecosystem_type AS type, ${areaM2(sql`e.g`)} AS area, ${areaM2(sql`ST_Intersection(e.g, pa.g)`)} AS prot
    FROM r CROSS JOIN pa
    LEFT JOIN LATERAL (
      SELECT x.ecosystem_type, ST_Intersection(ST_Union(x.geom), r.geom) AS g FROM ecosystems x
      WHERE x.dataset_id = ${ctx.datasets.ecosystems} AND x.terrestrial AND ST_Intersects(x.geom, r.geom)
      GROUP BY x.ecosystem_type
    ) e ON true
    ORDER BY r.code, e.ecosystem_type`.execute(db);
  const theta = ctx.params.ecosystemThreshold;
  const minM2 = ctx.params.ecosystemMinAreaHa * 10_000;
  const byRegion = new Map<string, { type: string; areaKm2: number; protectedShare: number; effective: boolean }[]>();
  for (const code of ctx.regionCodes) byRegion.set(code, []);
  for (const r of rows.rows) {
    if (r.type === null || (r.area ?? 0) <= minM2) continue;
    const f = (r.prot ?? 0) / r.area!;
    byRegion.get(r.code)?.push({ type: r.type, areaKm2: r.area! / 1e6, protectedShare: f, effective: f >= theta });
  }
  return [...byRegion.entries()].map(([code, types]) =>
    ratio('ecosystem_type_protection_rate', code, types.filter((t) => t.effective).length, types.length, 'no terrestrial ecosystem type larger than the minimum area in the region', {
      theta, minAreaHa: ctx.params.ecosystemMinAreaHa, types, warnings: paWarnings,
    }),
  );
}
