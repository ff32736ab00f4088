import type { DbOrTx, RawBuilder } from '@biomon/db';
import { chinaPart, sql } from '@biomon/db';
import type { ScreeningDatasets } from './screening-types';

/**
 * Every SQL statement of screenings. Areas and distances on the WGS84 ellipsoid (geography);
 * overlays in geometry, then measured as geography. The footprint is read from the screening's row.
 */

/** The grid of BRIEF §8 (migration 0004): bands of sensitive species are measured from its 10 km cells. */
const GRID_SRID = 990001;
const CELL_M = 10_000;

export interface ScreeningRow {
  id: string;
  name: string;
  status: string;
  source: Record<string, unknown>;
  buffers_km: number[];
  species_years: number;
  as_of: string;
  datasets: ScreeningDatasets;
  rules_version: string;
  result: unknown;
  error: string | null;
  rerun_of: string | null;
  token_id: string | null;
  requester_role: string;
  requester_label: string;
  team: string | null;
  department_id: number | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  footprint_geojson: string;
  footprint_ha: number;
}

/**
 * Checks a footprint (GeoJSON MultiPolygon text) in PostGIS: parsed, valid or repaired to its
 * polygonal part (ST_MakeValid), its area on the ellipsoid; the repaired geometry is what is stored.
 */
export async function checkFootprintGeometry(
  db: DbOrTx,
  geojson: string,
): Promise<{ parsed: boolean; valid: boolean | null; reason: string | null; areaHa: number | null; repaired: string | null; areaBeforeHa: number | null }> {
  const r = await sql<{
    parsed: boolean;
    valid: boolean | null;
    reason: string | null;
    area_ha: number | null;
    repaired: string | null;
    area_before_ha: number | null;
  }>`
    WITH g AS (SELECT biomon_try_geojson(${geojson}) AS g),
    v AS (SELECT g, CASE WHEN g IS NULL THEN NULL ELSE ST_IsValid(g) END AS valid FROM g),
    f AS (SELECT g, valid, CASE WHEN g IS NULL THEN NULL WHEN valid THEN ST_Multi(g) ELSE ST_Multi(biomon_polygonal(g)) END AS fixed FROM v)
    SELECT g IS NOT NULL AS parsed, valid,
      CASE WHEN g IS NOT NULL AND NOT valid THEN ST_IsValidReason(g) END AS reason,
      CASE WHEN fixed IS NULL OR ST_IsEmpty(fixed) THEN NULL ELSE ST_Area(fixed::geography) / 10000 END AS area_ha,
      CASE WHEN g IS NOT NULL AND NOT valid THEN ST_Area(g::geography) / 10000 END AS area_before_ha,
      CASE WHEN fixed IS NULL OR ST_IsEmpty(fixed) THEN NULL ELSE ST_AsGeoJSON(fixed, 9) END AS repaired
    FROM f`.execute(db);
  const x = r.rows[0];
  return { parsed: x.parsed, valid: x.valid, reason: x.reason, areaHa: x.area_ha, repaired: x.repaired, areaBeforeHa: x.area_before_ha };
}

export interface NewScreening {
  name: string;
  footprintGeojson: string;
  source: Record<string, unknown>;
  buffersKm: number[];
  speciesYears: number;
  asOf: string;
  datasets: ScreeningDatasets;
  rulesVersion: string;
  rerunOf: string | null;
  tokenId: string | null;
  role: string;
  label: string;
  team: string | null;
  departmentId: number | null;
}

export async function insertScreening(db: DbOrTx, s: NewScreening): Promise<string> {
  const r = await db
    .insertInto('screenings')
    .values({
      name: s.name,
      footprint: sql`ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${s.footprintGeojson}), 4326))`,
      source: JSON.stringify(s.source),
      buffers_km: s.buffersKm,
      species_years: s.speciesYears,
      as_of: s.asOf,
      datasets: JSON.stringify(s.datasets),
      rules_version: s.rulesVersion,
      rerun_of: s.rerunOf,
      token_id: s.tokenId,
      requester_role: s.role,
      requester_label: s.label,
      team: s.team,
      department_id: s.departmentId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function selectScreening(db: DbOrTx, id: string): Promise<ScreeningRow | undefined> {
  const r = await sql<ScreeningRow>`
    SELECT s.id, s.name, s.status, s.source, s.buffers_km, s.species_years, s.as_of::text AS as_of, s.datasets, s.rules_version, s.result, s.error,
      s.rerun_of, s.token_id, s.requester_role, s.requester_label, s.team, s.department_id, s.created_at, s.started_at, s.finished_at,
      ST_AsGeoJSON(s.footprint, 6) AS footprint_geojson, ST_Area(s.footprint::geography) / 10000 AS footprint_ha
    FROM screenings s WHERE s.id = ${id}`.execute(db);
  return r.rows[0];
}

/** Marks a screening running unless it is completed; false when it is (a duplicate delivery). */
export async function markScreeningRunning(db: DbOrTx, id: string): Promise<boolean> {
  const r = await db
    .updateTable('screenings')
    .set({ status: 'running', started_at: new Date(), error: null })
    .where('id', '=', id)
    .where('status', '<>', 'completed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Stores the result once: a completed screening is immutable (the trigger of 0016 refuses changes). */
export async function completeScreening(db: DbOrTx, id: string, result: unknown): Promise<boolean> {
  const r = await db
    .updateTable('screenings')
    .set({ status: 'completed', result: JSON.stringify(result), finished_at: new Date(), error: null })
    .where('id', '=', id)
    .where('status', '<>', 'completed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function failScreening(db: DbOrTx, id: string, message: string): Promise<void> {
  await db
    .updateTable('screenings')
    .set({ status: 'failed', error: message.slice(0, 2000) })
    .where('id', '=', id)
    .where('status', '<>', 'completed')
    .execute();
}

/** The kind of a layer dataset (null: none with that id). */
export async function layerDatasetKind(db: DbOrTx, id: number): Promise<string | null> {
  const r = await db.selectFrom('layer_datasets').select('kind').where('id', '=', id).executeTakeFirst();
  return r?.kind ?? null;
}

/** The footprint of a screening, its geography, and an envelope padded by `km` around it (degrees by latitude). */
function fpCte(id: string, km: number): RawBuilder<unknown> {
  return sql`fp AS MATERIALIZED (
    SELECT s.footprint AS g, s.footprint::geography AS gg,
      ST_Expand(s.footprint, ${km * 1000}::float8 / (111320 * cos(radians(least(89, greatest(abs(ST_YMin(s.footprint)), abs(ST_YMax(s.footprint))) + 0.5)))), ${km * 1000}::float8 / 110540) AS env
    FROM screenings s WHERE s.id = ${id})`;
}

/** Counted protected areas (BRIEF §6) of a dataset in a year, as a filter on `p`. */
function countedPa(datasetId: number, year: number): RawBuilder<unknown> {
  return sql`p.dataset_id = ${datasetId} AND p.status = 'designated' AND p.designation <> 'biosphere_reserve' AND (p.established_year IS NULL OR p.established_year <= ${year})`;
}

export interface PaRow {
  pa_id: string;
  name: string;
  name_en: string | null;
  designation: string;
  level: string | null;
  status: string;
  counted: boolean;
  properties: Record<string, unknown> | null;
  dist_m: number;
  overlap_m2: number;
  buffer_m2: number[];
}

/** Protected-area features within the widest buffer: distance, overlap with the footprint and with each buffer. */
export async function protectedAreasNear(db: DbOrTx, id: string, datasetId: number, buffersKm: number[], year: number): Promise<PaRow[]> {
  const maxKm = Math.max(...buffersKm);
  const r = await sql<PaRow>`
    WITH ${fpCte(id, maxKm)},
    b AS MATERIALIZED (SELECT k, ST_Buffer(fp.gg, k * 1000)::geometry AS g FROM fp, unnest(${buffersKm}::float8[]) WITH ORDINALITY AS u(k, ord) ORDER BY ord)
    SELECT p.pa_id, p.name, p.name_en, p.designation, p.level, p.status, (${countedPa(datasetId, year)}) AS counted, p.properties,
      ST_Distance(p.geom::geography, fp.gg) AS dist_m,
      CASE WHEN ST_Intersects(p.geom, fp.g) THEN ST_Area(ST_Intersection(p.geom, fp.g)::geography) ELSE 0 END AS overlap_m2,
      ARRAY(SELECT CASE WHEN ST_Intersects(p.geom, b.g) THEN ST_Area(ST_Intersection(p.geom, b.g)::geography) ELSE 0 END FROM b ORDER BY b.k) AS buffer_m2
    FROM protected_areas p, fp
    WHERE p.dataset_id = ${datasetId} AND p.geom && fp.env AND ST_DWithin(p.geom::geography, fp.gg, ${maxKm * 1000})
    ORDER BY dist_m, p.name, p.pa_id`.execute(db);
  return r.rows;
}

export interface SpeciesRecordRow {
  key: string;
  chinese: string | null;
  class: string | null;
  taxon_sensitive: boolean;
  d: number;
  cd: number;
  g: boolean;
  c: string;
}

/**
 * Qualifying records of protected or sensitive taxa within `radiusKm` of the footprint: present;
 * the year of the event's end (China) in (asOfYear − years, asOfYear]; not rejected; not captive or
 * cultivated; uncertainty ≤ 10 km or absent. Per record: the species it counts for (a subspecies for
 * its species), the distance of its point (d) and of its 10 km cell (cd) to the footprint, whether it
 * is generalised for viewers below evaluator (g), and its cell id (c).
 */
export async function speciesRecordsNear(db: DbOrTx, id: string, radiusKm: number, asOfYear: number, years: number): Promise<SpeciesRecordRow[]> {
  const year = chinaPart('year', sql.ref('o.event_end'));
  const r = await sql<SpeciesRecordRow>`
    WITH ${fpCte(id, radiusKm)},
    rec AS MATERIALIZED (
      SELECT o.id, o.geom, o.generalised, t.id AS tid, t.rank, t.scientific_name, t.chinese_name, t.protection_class, pt.id AS pid,
        pt.rank AS prank, pt.scientific_name AS pname, pt.chinese_name AS pchinese, pt.protection_class AS pclass,
        biomon_taxon_cell(t.id) IS NOT NULL AS taxon_sensitive,
        ST_Distance(o.geom::geography, fp.gg) AS d,
        ST_Transform(o.geom, ${sql.lit(GRID_SRID)}) AS pp
      FROM occurrences o
      JOIN taxa t ON t.id = o.taxon_id
      LEFT JOIN taxa pt ON pt.id = t.parent_id
      CROSS JOIN fp
      WHERE o.geom && fp.env AND ST_DWithin(o.geom::geography, fp.gg, ${radiusKm * 1000})
        AND o.occurrence_status = 'present'
        AND ${year} > ${asOfYear - years} AND ${year} <= ${asOfYear}
        AND o.review_state <> 'rejected'
        AND (o.coordinate_uncertainty_m IS NULL OR o.coordinate_uncertainty_m <= 10000)
        AND lower(coalesce(o.data->>'establishmentMeans', '')) NOT IN ('captive', 'cultivated', 'managed')
        AND (t.protection_class IS NOT NULL OR pt.protection_class IS NOT NULL OR biomon_taxon_cell(t.id) IS NOT NULL)
    ),
    cell AS (
      SELECT rec.*, ST_Transform(ST_Segmentize(ST_MakeEnvelope(
          floor(ST_X(pp) / ${CELL_M}) * ${CELL_M}, floor(ST_Y(pp) / ${CELL_M}) * ${CELL_M},
          floor(ST_X(pp) / ${CELL_M}) * ${CELL_M} + ${CELL_M}, floor(ST_Y(pp) / ${CELL_M}) * ${CELL_M} + ${CELL_M}, ${sql.lit(GRID_SRID)}), 1000), 4326) AS cg,
        ${CELL_M}::bigint || ':' || floor(ST_X(pp) / ${CELL_M})::bigint || ':' || floor(ST_Y(pp) / ${CELL_M})::bigint AS c
      FROM rec
    )
    SELECT
      CASE WHEN rank NOT IN ('species', 'genus', 'family', 'order', 'class') AND pid IS NOT NULL THEN pname ELSE scientific_name END AS key,
      CASE WHEN rank NOT IN ('species', 'genus', 'family', 'order', 'class') AND pid IS NOT NULL THEN coalesce(pchinese, chinese_name) ELSE chinese_name END AS chinese,
      coalesce(CASE WHEN rank = 'species' THEN protection_class END, pclass, protection_class) AS class,
      taxon_sensitive, d, ST_Distance(cg::geography, fp.gg) AS cd, generalised AS g, c
    FROM cell, fp
    ORDER BY key, d`.execute(db);
  return r.rows;
}

/** The 10 km cells (ids "10000:col:row") as GeoJSON polygons, for the report's map. */
export async function cellPolygons(db: DbOrTx, ids: string[]): Promise<Record<string, unknown>> {
  if (!ids.length) return {};
  const r = await sql<{ c: string; gj: string }>`
    SELECT c, ST_AsGeoJSON(ST_Transform(ST_Segmentize(ST_MakeEnvelope(
        split_part(c, ':', 2)::float8 * ${CELL_M}, split_part(c, ':', 3)::float8 * ${CELL_M},
        split_part(c, ':', 2)::float8 * ${CELL_M} + ${CELL_M}, split_part(c, ':', 3)::float8 * ${CELL_M} + ${CELL_M}, ${sql.lit(GRID_SRID)}), 2500), 4326), 5) AS gj
    FROM unnest(${ids}::text[]) AS u(c)`.execute(db);
  return Object.fromEntries(r.rows.map((x) => [x.c, JSON.parse(x.gj)]));
}

/** Land-cover classes inside the footprint, ha: the area of each class's own union (natural wetland apart). */
export async function landCoverInside(db: DbOrTx, id: string, datasetId: number): Promise<{ class: string; natural: boolean | null; m2: number }[]> {
  const r = await sql<{ class: string; natural: boolean | null; m2: number }>`
    WITH ${fpCte(id, 0)}
    SELECT l.class, CASE WHEN l.class = 'wetland' THEN coalesce(l.is_natural, false) END AS natural,
      ST_Area(ST_Union(ST_Intersection(l.geom, fp.g))::geography) AS m2
    FROM land_cover l, fp
    WHERE l.dataset_id = ${datasetId} AND l.geom && fp.g AND ST_Intersects(l.geom, fp.g)
    GROUP BY 1, 2 ORDER BY 1, 2`.execute(db);
  return r.rows.filter((x) => x.m2 > 0);
}

/** The counted-PA union inside the footprint (a CTE `pa` with one geometry, possibly NULL). */
function paInsideCte(paDatasetId: number | null, year: number): RawBuilder<unknown> {
  if (paDatasetId === null) return sql`pa AS (SELECT NULL::geometry AS g)`;
  return sql`pa AS MATERIALIZED (
    SELECT ST_Union(ST_Intersection(p.geom, fp.g)) AS g FROM protected_areas p, fp
    WHERE ${countedPa(paDatasetId, year)} AND p.geom && fp.g AND ST_Intersects(p.geom, fp.g))`;
}

/** Ecosystem types inside the footprint, and their part inside the counted protected areas, m². */
export async function ecosystemsInside(
  db: DbOrTx,
  id: string,
  datasetId: number,
  paDatasetId: number | null,
  year: number,
): Promise<{ type: string; terrestrial: boolean; m2: number; protected_m2: number }[]> {
  const r = await sql<{ type: string; terrestrial: boolean; m2: number; protected_m2: number }>`
    WITH ${fpCte(id, 0)}, ${paInsideCte(paDatasetId, year)},
    e AS (
      SELECT e.ecosystem_type AS type, bool_or(e.terrestrial) AS terrestrial, ST_Union(ST_Intersection(e.geom, fp.g)) AS g
      FROM ecosystems e, fp
      WHERE e.dataset_id = ${datasetId} AND e.geom && fp.g AND ST_Intersects(e.geom, fp.g)
      GROUP BY e.ecosystem_type)
    SELECT e.type, e.terrestrial, ST_Area(e.g::geography) AS m2,
      CASE WHEN pa.g IS NULL THEN 0 ELSE coalesce(ST_Area(ST_Intersection(e.g, pa.g)::geography), 0) END AS protected_m2
    FROM e, pa ORDER BY e.type`.execute(db);
  return r.rows.filter((x) => x.m2 > 0);
}

/** Natural wetland inside the footprint, and its part inside the counted protected areas, m². */
export async function naturalWetlandInside(
  db: DbOrTx,
  id: string,
  datasetId: number,
  paDatasetId: number | null,
  year: number,
): Promise<{ m2: number; protected_m2: number }> {
  const r = await sql<{ m2: number | null; protected_m2: number | null }>`
    WITH ${fpCte(id, 0)}, ${paInsideCte(paDatasetId, year)},
    w AS (
      SELECT ST_Union(ST_Intersection(l.geom, fp.g)) AS g FROM land_cover l, fp
      WHERE l.dataset_id = ${datasetId} AND l.class = 'wetland' AND l.is_natural AND l.geom && fp.g AND ST_Intersects(l.geom, fp.g))
    SELECT ST_Area(w.g::geography) AS m2,
      CASE WHEN pa.g IS NULL OR w.g IS NULL THEN 0 ELSE ST_Area(ST_Intersection(w.g, pa.g)::geography) END AS protected_m2
    FROM w, pa`.execute(db);
  return { m2: r.rows[0]?.m2 ?? 0, protected_m2: r.rows[0]?.protected_m2 ?? 0 };
}

export interface ProvinceBaseline {
  runId: string;
  year: number;
  regionCode: string;
  wetland: { naturalWetlandKm2: number; protectedKm2: number } | null;
  ecosystemTypes: { type: string; areaKm2: number; protectedShare: number }[] | null;
}

/**
 * The province's protected extents from the newest completed indicator run on the same dataset
 * versions (regions, protected areas, land cover, ecosystems): natural wetland and its protected
 * part, each ecosystem type's area and protected share. Null when there is no such run.
 */
export async function provinceBaseline(db: DbOrTx, ds: ScreeningDatasets): Promise<ProvinceBaseline | null> {
  if (ds.regions === null) return null;
  const r = await sql<{ run_id: string; year: number; code: string; indicator: string; details: Record<string, unknown> }>`
    WITH prov AS (SELECT code FROM regions WHERE dataset_id = ${ds.regions} AND level = 'province' ORDER BY code LIMIT 1),
    run AS (
      SELECT r.id, r.year FROM indicator_runs r
      WHERE r.status = 'completed'
        AND (r.datasets->>'regions')::int = ${ds.regions}
        AND (r.datasets->>'protectedAreas')::int IS NOT DISTINCT FROM ${ds.protectedAreas}::int
        AND (r.datasets->>'landCover')::int IS NOT DISTINCT FROM ${ds.landCover}::int
        AND (r.datasets->>'ecosystems')::int IS NOT DISTINCT FROM ${ds.ecosystems}::int
        AND EXISTS (SELECT 1 FROM indicator_results x, prov WHERE x.run_id = r.id AND x.region_code = prov.code
                    AND x.indicator IN ('natural_wetland_protection_rate', 'ecosystem_type_protection_rate'))
      ORDER BY r.finished_at DESC NULLS LAST, r.created_at DESC LIMIT 1)
    SELECT run.id AS run_id, run.year, prov.code, x.indicator, x.details
    FROM run, prov JOIN indicator_results x ON x.region_code = prov.code
    WHERE x.run_id = run.id AND x.indicator IN ('natural_wetland_protection_rate', 'ecosystem_type_protection_rate')`.execute(db);
  if (!r.rows.length) return null;
  const w = r.rows.find((x) => x.indicator === 'natural_wetland_protection_rate');
  const e = r.rows.find((x) => x.indicator === 'ecosystem_type_protection_rate');
  return {
    runId: r.rows[0].run_id,
    year: r.rows[0].year,
    regionCode: r.rows[0].code,
    wetland:
      w && typeof w.details.naturalWetlandKm2 === 'number'
        ? { naturalWetlandKm2: w.details.naturalWetlandKm2 as number, protectedKm2: Number(w.details.protectedKm2 ?? 0) }
        : null,
    ecosystemTypes: e && Array.isArray(e.details.types) ? (e.details.types as { type: string; areaKm2: number; protectedShare: number }[]) : null,
  };
}

/** Geometry for the report's map: the footprint, its buffers, and the protected-area features near it, simplified. */
export async function mapGeometry(
  db: DbOrTx,
  id: string,
  buffersKm: number[],
  paDatasetId: number | null,
  padKm: number,
): Promise<{
  bbox: [number, number, number, number];
  footprint: unknown;
  buffers: { km: number; geometry: unknown }[];
  pas: { pa_id: string; geometry: unknown }[];
}> {
  const f = await sql<{ w: number; s: number; e: number; n: number; fp: string; bufs: string[] }>`
    WITH ${fpCte(id, padKm)}
    SELECT ST_XMin(fp.env) AS w, ST_YMin(fp.env) AS s, ST_XMax(fp.env) AS e, ST_YMax(fp.env) AS n,
      ST_AsGeoJSON(ST_SimplifyPreserveTopology(fp.g, 0.00005), 5) AS fp,
      ARRAY(SELECT ST_AsGeoJSON(ST_SimplifyPreserveTopology(ST_Buffer(fp.gg, k * 1000)::geometry, 0.0002), 5) FROM unnest(${buffersKm}::float8[]) AS u(k) ORDER BY k) AS bufs
    FROM fp`.execute(db);
  const x = f.rows[0];
  const pas =
    paDatasetId === null
      ? []
      : (
          await sql<{ pa_id: string; gj: string }>`
      WITH ${fpCte(id, padKm)}
      SELECT p.pa_id, ST_AsGeoJSON(ST_SimplifyPreserveTopology(ST_Intersection(p.geom, fp.env), 0.0005), 5) AS gj
      FROM protected_areas p, fp WHERE p.dataset_id = ${paDatasetId} AND p.geom && fp.env AND ST_Intersects(p.geom, fp.env)`.execute(db)
        ).rows.map((r) => ({ pa_id: r.pa_id, geometry: JSON.parse(r.gj) }));
  const sorted = [...buffersKm].sort((a, b) => a - b);
  return {
    bbox: [x.w, x.s, x.e, x.n],
    footprint: JSON.parse(x.fp),
    buffers: x.bufs.map((b, i) => ({ km: sorted[i], geometry: JSON.parse(b) })),
    pas,
  };
}

/** The newest dataset of each kind whose vintage is ≤ the year (the default of indicator runs, BRIEF §5). */
export async function newestDatasets(db: DbOrTx, year: number): Promise<ScreeningDatasets> {
  const r = await sql<{ kind: string; id: number }>`
    SELECT DISTINCT ON (kind) kind, id FROM layer_datasets
    WHERE kind IN ('protected-areas', 'land-cover', 'ecosystems', 'regions') AND vintage_year <= ${year}
    ORDER BY kind, vintage_year DESC, id DESC`.execute(db);
  const by = new Map(r.rows.map((x) => [x.kind, x.id]));
  return {
    protectedAreas: by.get('protected-areas') ?? null,
    landCover: by.get('land-cover') ?? null,
    ecosystems: by.get('ecosystems') ?? null,
    regions: by.get('regions') ?? null,
  };
}
