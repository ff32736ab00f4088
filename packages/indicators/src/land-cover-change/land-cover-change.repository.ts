import type { DbOrTx } from '@biomon/db';
import { jsonbRowsParam, sql, type RawBuilder } from '@biomon/db';

/**
 * Every SQL statement of land-cover change detection (migration 0018_land_cover_change): the
 * versions it compares, the stored changes and their transitions, and the overlay of one batch of
 * grid cells. Areas on the WGS84 ellipsoid (geography); overlay in geometry, cut by grid cells
 * (no province-wide union is ever built).
 */

export interface DatasetRef {
  id: number;
  year: number;
  features: number;
}

/** A dataset of a kind by id (null when there is none of that kind). */
export async function datasetOfKind(db: DbOrTx, kind: string, id: number): Promise<DatasetRef | null> {
  const r = await sql<{ id: number; year: number; features: number }>`
    SELECT id::int AS id, vintage_year AS year, feature_count AS features FROM layer_datasets WHERE id = ${id} AND kind = ${kind}`.execute(db);
  return r.rows[0] ?? null;
}

/** The newest dataset of a kind (by vintage, then id), optionally with vintage ≤ maxYear. */
export async function newestDataset(db: DbOrTx, kind: string, maxYear?: number): Promise<DatasetRef | null> {
  const r = await sql<DatasetRef>`
    SELECT id::int AS id, vintage_year AS year, feature_count AS features FROM layer_datasets
    WHERE kind = ${kind} AND (${maxYear ?? null}::int IS NULL OR vintage_year <= ${maxYear ?? null}::int)
    ORDER BY vintage_year DESC, id DESC LIMIT 1`.execute(db);
  return r.rows[0] ?? null;
}

/** Land-cover versions, oldest first (vintage, then id). */
export async function landCoverVersions(db: DbOrTx): Promise<DatasetRef[]> {
  const r = await sql<DatasetRef>`
    SELECT id::int AS id, vintage_year AS year, feature_count AS features FROM layer_datasets
    WHERE kind = 'land-cover' ORDER BY vintage_year, id`.execute(db);
  return r.rows;
}

export interface ChangeKey {
  /**
   * 'raster' (migration 0021): fromDatasetId / toDatasetId are raster_datasets ids (land-cover
   * rasters), stored as from_raster_id / to_raster_id; absent: a vector pair (layer_datasets ids).
   */
  source?: 'raster';
  fromDatasetId: number;
  toDatasetId: number;
  regionsDatasetId: number | null;
  paDatasetId: number | null;
}

export interface ChangeRow {
  id: number;
  from_dataset_id: number;
  to_dataset_id: number;
  regions_dataset_id: number | null;
  pa_dataset_id: number | null;
  from_year: number;
  to_year: number;
  method_version: string;
  status: 'pending' | 'completed' | 'failed';
  cell_deg: number | null;
  cells: number;
  ms: number | null;
  error: string | null;
  computed_at: Date | null;
}

const CHANGE_COLUMNS = sql`id::int AS id, from_dataset_id::int AS from_dataset_id, to_dataset_id::int AS to_dataset_id,
  regions_dataset_id::int AS regions_dataset_id, pa_dataset_id::int AS pa_dataset_id, from_year, to_year, method_version, status,
  cell_deg, cells, ms, error, computed_at`;

const keyWhere = (k: ChangeKey) => sql`${
  k.source === 'raster'
    ? sql`source = 'raster' AND from_raster_id = ${k.fromDatasetId} AND to_raster_id = ${k.toDatasetId}`
    : sql`source = 'vector' AND from_dataset_id = ${k.fromDatasetId} AND to_dataset_id = ${k.toDatasetId}`
}
  AND regions_dataset_id IS NOT DISTINCT FROM ${k.regionsDatasetId}::bigint AND pa_dataset_id IS NOT DISTINCT FROM ${k.paDatasetId}::bigint`;

/** The columns (and values) of a key's version pair: vector datasets, or rasters with source 'raster'. */
const pairColumns = (k: ChangeKey) => (k.source === 'raster' ? sql`source, from_raster_id, to_raster_id` : sql`from_dataset_id, to_dataset_id`);
const pairValues = (k: ChangeKey) => (k.source === 'raster' ? sql`'raster', ${k.fromDatasetId}, ${k.toDatasetId}` : sql`${k.fromDatasetId}, ${k.toDatasetId}`);

export async function findChange(db: DbOrTx, k: ChangeKey): Promise<ChangeRow | null> {
  const r = await sql<ChangeRow>`SELECT ${CHANGE_COLUMNS} FROM land_cover_changes WHERE ${keyWhere(k)}`.execute(db);
  return r.rows[0] ?? null;
}

/**
 * The change row of a key, created when missing, locked for this transaction (FOR NO KEY UPDATE):
 * two workers computing the same pair take turns, and the second finds it completed. The lock lets
 * the batches (on other connections) reference the row: their foreign-key checks take KEY SHARE.
 */
export async function claimChange(tx: DbOrTx, k: ChangeKey, years: { from: number; to: number }, methodVersion: string): Promise<ChangeRow> {
  await sql`
    INSERT INTO land_cover_changes (${pairColumns(k)}, regions_dataset_id, pa_dataset_id, from_year, to_year, method_version)
    VALUES (${pairValues(k)}, ${k.regionsDatasetId}, ${k.paDatasetId}, ${years.from}, ${years.to}, ${methodVersion})
    ON CONFLICT DO NOTHING`.execute(tx);
  const r = await sql<ChangeRow>`SELECT ${CHANGE_COLUMNS} FROM land_cover_changes WHERE ${keyWhere(k)} FOR NO KEY UPDATE`.execute(tx);
  return r.rows[0];
}

/** Records a pending change of a key; true when this call created it (then the caller queues its job). */
export async function insertPendingChange(db: DbOrTx, k: ChangeKey, years: { from: number; to: number }, methodVersion: string): Promise<boolean> {
  const r = await sql`
    INSERT INTO land_cover_changes (${pairColumns(k)}, regions_dataset_id, pa_dataset_id, from_year, to_year, method_version)
    VALUES (${pairValues(k)}, ${k.regionsDatasetId}, ${k.paDatasetId}, ${years.from}, ${years.to}, ${methodVersion})
    ON CONFLICT DO NOTHING RETURNING id`.execute(db);
  return r.rows.length > 0;
}

/** The extent shared by both versions (null when they do not meet) and their larger feature count. */
export async function sharedExtent(db: DbOrTx, fromId: number, toId: number): Promise<{ x0: number; y0: number; x1: number; y1: number; n: number } | null> {
  const r = await sql<{ x0: number | null; y0: number; x1: number; y1: number; n: number }>`
    WITH e AS (
      SELECT (SELECT ST_Extent(geom)::geometry FROM land_cover WHERE dataset_id = ${fromId}) AS a,
             (SELECT ST_Extent(geom)::geometry FROM land_cover WHERE dataset_id = ${toId}) AS b
    ), i AS (SELECT CASE WHEN a IS NULL OR b IS NULL OR NOT (a && b) THEN NULL ELSE ST_Intersection(ST_Envelope(a), ST_Envelope(b)) END AS g FROM e)
    SELECT ST_XMin(g) AS x0, ST_YMin(g) AS y0, ST_XMax(g) AS x1, ST_YMax(g) AS y1,
      (SELECT coalesce(max(feature_count), 0) FROM layer_datasets WHERE id IN (${fromId}, ${toId}))::int AS n
    FROM i`.execute(db);
  const row = r.rows[0];
  return row && row.x0 !== null ? { x0: row.x0, y0: row.y0, x1: row.x1, y1: row.y1, n: row.n } : null;
}

/** Whether a dataset's outlines were subdivided on import (regions and protected areas are). */
export async function hasSubdivided(db: DbOrTx, datasetId: number | null): Promise<boolean> {
  if (datasetId === null) return false;
  return (await sql`SELECT 1 FROM layer_subdivided WHERE dataset_id = ${datasetId} LIMIT 1`.execute(db)).rows.length > 0;
}

export interface CellGrid {
  k: number;
  ix0: number;
  iy0: number;
  nx: number;
}

export interface BatchInput {
  /** the change whose changed pieces (from <> to) are stored for the map (land_cover_change_areas) */
  changeId: number;
  fromId: number;
  toId: number;
  regionsId: number | null;
  paId: number | null;
  /** counted protected areas: established by this year (BRIEF §6) */
  year: number;
  grid: CellGrid;
  cells: number[];
  regionsSubdivided: boolean;
  paSubdivided: boolean;
}

export interface BatchRow {
  scope: 'region' | 'region_pa' | 'pa';
  scope_code: string;
  cell: number;
  from_class: string;
  to_class: string;
  area: number;
}

/** Counted protected areas (BRIEF §6) of `p`. */
const countedPa = (year: number) =>
  sql`p.status = 'designated' AND p.designation <> 'biosphere_reserve' AND (p.established_year IS NULL OR p.established_year <= ${year}::int)`;

/**
 * The transitions of a batch of grid cells. Within each cell: each version's features clipped to
 * the cell and united by class (an overlap counts once), each pair of classes intersected, and the
 * area of each intersection measured within each region piece (the subdivided outlines partition a
 * region), within each counted protected area's pieces, and within each region piece's part inside
 * the counted-PA union of the cell. Rows per (scope, code, cell, from, to).
 */
export async function transitionsOfCells(db: DbOrTx, b: BatchInput): Promise<BatchRow[]> {
  const { k, ix0, iy0, nx } = b.grid;
  const clip = (g: RawBuilder<unknown>) => sql`CASE WHEN ${g} @ c.env THEN ${g} ELSE ST_CollectionExtract(ST_Intersection(${g}, c.env), 3) END`;
  const classes = (id: number) => sql`
    SELECT c.cell, s.class, ST_Union(${clip(sql`s.geom`)} ORDER BY s.id) AS g
    FROM c JOIN land_cover s ON s.dataset_id = ${id} AND s.geom && c.env
    GROUP BY c.cell, s.class`;
  const regionPieces =
    b.regionsId === null
      ? sql`SELECT NULL::int AS cell, NULL::text AS code, NULL::geometry AS g WHERE false`
      : b.regionsSubdivided
        ? sql`SELECT c.cell, r.code, z.geom AS g FROM c JOIN layer_subdivided z ON z.dataset_id = ${b.regionsId} AND z.geom && c.env
              JOIN regions r ON r.id = z.feature_id`
        : sql`SELECT c.cell, r.code, r.geom AS g FROM c JOIN regions r ON r.dataset_id = ${b.regionsId} AND r.geom && c.env`;
  const paPieces =
    b.paId === null
      ? sql`SELECT NULL::int AS cell, NULL::text AS code, NULL::geometry AS g WHERE false`
      : b.paSubdivided
        ? sql`SELECT c.cell, p.pa_id AS code, z.geom AS g FROM c JOIN layer_subdivided z ON z.dataset_id = ${b.paId} AND z.geom && c.env
              JOIN protected_areas p ON p.id = z.feature_id WHERE ${countedPa(b.year)}`
        : sql`SELECT c.cell, p.pa_id AS code, p.geom AS g FROM c JOIN protected_areas p ON p.dataset_id = ${b.paId} AND p.geom && c.env
              WHERE ${countedPa(b.year)}`;
  const r = await sql<BatchRow>`
    WITH c AS MATERIALIZED (
      SELECT cell, ST_MakeEnvelope((${ix0}::int + cell % ${nx}::int)::float8 / ${k}::float8, (${iy0}::int + cell / ${nx}::int)::float8 / ${k}::float8,
        (${ix0}::int + cell % ${nx}::int + 1)::float8 / ${k}::float8, (${iy0}::int + cell / ${nx}::int + 1)::float8 / ${k}::float8, 4326) AS env
      FROM unnest(${b.cells}::int[]) AS cell
    ),
    a AS MATERIALIZED (${classes(b.fromId)}),
    b AS MATERIALIZED (${classes(b.toId)}),
    t AS MATERIALIZED (
      SELECT x.* FROM (
        SELECT a.cell, a.class AS from_class, b.class AS to_class, ST_CollectionExtract(ST_Intersection(a.g, b.g), 3) AS g
        FROM a JOIN b ON b.cell = a.cell AND a.g && b.g
      ) x WHERE NOT ST_IsEmpty(x.g)
    ),
    rz AS MATERIALIZED (${regionPieces}),
    pz AS MATERIALIZED (${paPieces}),
    pu AS MATERIALIZED (
      SELECT pz.cell, ST_Union(${clip(sql`pz.g`)}) AS g FROM pz JOIN c ON c.cell = pz.cell GROUP BY pz.cell
    ),
    stored AS (
      INSERT INTO land_cover_change_areas (change_id, cell, from_class, to_class, area_m2, geom)
      SELECT ${b.changeId}, t.cell, t.from_class, t.to_class, ST_Area(t.g::geography), ST_Multi(t.g) FROM t WHERE t.from_class <> t.to_class
      ON CONFLICT (change_id, cell, from_class, to_class) DO UPDATE SET area_m2 = excluded.area_m2, geom = excluded.geom
    ),
    tp AS MATERIALIZED (
      SELECT x.* FROM (
        SELECT t.cell, t.from_class, t.to_class, ST_CollectionExtract(ST_Intersection(t.g, pu.g), 3) AS g
        FROM t JOIN pu ON pu.cell = t.cell AND t.g && pu.g
      ) x WHERE NOT ST_IsEmpty(x.g)
    )
    SELECT 'region' AS scope, rz.code AS scope_code, t.cell, t.from_class, t.to_class, sum(ST_Area(ST_Intersection(t.g, rz.g)::geography)) AS area
    FROM t JOIN rz ON rz.cell = t.cell AND rz.g && t.g GROUP BY rz.code, t.cell, t.from_class, t.to_class
    UNION ALL
    SELECT 'region_pa', rz.code, tp.cell, tp.from_class, tp.to_class, sum(ST_Area(ST_Intersection(tp.g, rz.g)::geography))
    FROM tp JOIN rz ON rz.cell = tp.cell AND rz.g && tp.g GROUP BY rz.code, tp.cell, tp.from_class, tp.to_class
    UNION ALL
    SELECT 'pa', pz.code, t.cell, t.from_class, t.to_class, sum(ST_Area(ST_Intersection(t.g, pz.g)::geography))
    FROM t JOIN pz ON pz.cell = t.cell AND pz.g && t.g GROUP BY pz.code, t.cell, t.from_class, t.to_class`.execute(db);
  return r.rows;
}

export interface TransitionRow {
  scope: 'region' | 'region_pa' | 'pa';
  scope_code: string;
  from_class: string;
  to_class: string;
  area_m2: number;
}

/** Stores a change's transitions (replacing any) and marks it completed, in the caller's transaction. */
export async function storeTransitions(
  tx: DbOrTx,
  changeId: number,
  rows: TransitionRow[],
  meta: { cellDeg: number | null; cells: number; ms: number },
): Promise<void> {
  await sql`DELETE FROM land_cover_transitions WHERE change_id = ${changeId}`.execute(tx);
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000);
    await sql`
      INSERT INTO land_cover_transitions (change_id, scope, scope_code, from_class, to_class, area_m2)
      SELECT ${changeId}, x.scope, x.scope_code, x.from_class, x.to_class, x.area_m2
      FROM jsonb_to_recordset(${jsonbRowsParam(chunk)}::jsonb) AS x(scope text, scope_code text, from_class text, to_class text, area_m2 float8)`.execute(tx);
  }
  await sql`
    UPDATE land_cover_changes SET status = 'completed', error = NULL, cell_deg = ${meta.cellDeg}, cells = ${meta.cells}, ms = ${meta.ms},
      computed_at = now() WHERE id = ${changeId}`.execute(tx);
}

export async function markChangeFailed(db: DbOrTx, changeId: number, error: string): Promise<void> {
  await sql`UPDATE land_cover_changes SET status = 'failed', error = ${error.slice(0, 2000)} WHERE id = ${changeId} AND status <> 'completed'`.execute(db);
}

/** A change's transitions of the scopes asked (codes: null = all). */
export async function readTransitions(db: DbOrTx, changeId: number, scope: TransitionRow['scope'], codes: string[] | null): Promise<TransitionRow[]> {
  const r = await sql<TransitionRow>`
    SELECT scope, scope_code, from_class, to_class, area_m2 FROM land_cover_transitions
    WHERE change_id = ${changeId} AND scope = ${scope} AND (${codes}::text[] IS NULL OR scope_code = ANY(${codes}::text[]))
    ORDER BY scope_code COLLATE "C", from_class, to_class`.execute(db);
  return r.rows;
}

export interface RegionNameRow {
  code: string;
  name: string;
  name_en: string | null;
  level: string;
}

/** Regions of a dataset (all, or the codes named), in code order. */
export async function regionsOf(db: DbOrTx, datasetId: number, codes: string[] | null): Promise<RegionNameRow[]> {
  const r = await sql<RegionNameRow>`
    SELECT code, name, name_en, level FROM regions WHERE dataset_id = ${datasetId} AND (${codes}::text[] IS NULL OR code = ANY(${codes}::text[]))
    ORDER BY code COLLATE "C"`.execute(db);
  return r.rows;
}

export interface PaNameRow {
  pa_id: string;
  name: string;
  name_en: string | null;
  designation: string;
}

export async function protectedAreasOf(db: DbOrTx, datasetId: number, ids: string[]): Promise<PaNameRow[]> {
  const r = await sql<PaNameRow>`
    SELECT pa_id, name, name_en, designation FROM protected_areas WHERE dataset_id = ${datasetId} AND pa_id = ANY(${ids}::text[])
    ORDER BY pa_id COLLATE "C"`.execute(db);
  return r.rows;
}

/** The newest completed change of a version pair (any regions / protected-area versions). */
export async function newestCompletedChange(db: DbOrTx, fromId: number, toId: number): Promise<ChangeRow | null> {
  const r = await sql<ChangeRow>`
    SELECT ${CHANGE_COLUMNS} FROM land_cover_changes WHERE from_dataset_id = ${fromId} AND to_dataset_id = ${toId} AND status = 'completed'
    ORDER BY id DESC LIMIT 1`.execute(db);
  return r.rows[0] ?? null;
}

export interface PaLossRow {
  change_id: number;
  /** 'raster': from/to_dataset_id are the ids of the two land-cover rasters (raster_datasets) */
  source: 'vector' | 'raster';
  from_dataset_id: number;
  to_dataset_id: number;
  from_year: number;
  to_year: number;
  pa_dataset_id: number;
  pa_id: string;
  name: string;
  name_en: string | null;
  designation: string;
  loss_m2: number;
  by_class: Record<string, number>;
}

/**
 * Per completed change and counted protected area: the area (m²) that was of one of `classes` in
 * the older version and of none of them in the newer (with the area by the class it became), where
 * it reaches `minM2`.
 */
export async function protectedAreaLosses(db: DbOrTx, classes: string[], minM2: number): Promise<PaLossRow[]> {
  const r = await sql<PaLossRow>`
    SELECT ch.id::int AS change_id, ch.source,
           coalesce(ch.from_dataset_id, ch.from_raster_id)::int AS from_dataset_id, coalesce(ch.to_dataset_id, ch.to_raster_id)::int AS to_dataset_id,
           ch.from_year, ch.to_year, ch.pa_dataset_id::int AS pa_dataset_id, t.scope_code AS pa_id,
           p.name, p.name_en, p.designation, sum(t.area_m2) AS loss_m2,
           jsonb_object_agg(t.to_class, t.area_m2 ORDER BY t.to_class) AS by_class
    FROM land_cover_changes ch
    JOIN (SELECT change_id, scope_code, to_class, sum(area_m2) AS area_m2 FROM land_cover_transitions
          WHERE scope = 'pa' AND from_class = ANY(${classes}::text[]) AND NOT (to_class = ANY(${classes}::text[]))
          GROUP BY change_id, scope_code, to_class) t ON t.change_id = ch.id
    JOIN protected_areas p ON p.dataset_id = ch.pa_dataset_id AND p.pa_id = t.scope_code
    WHERE ch.status = 'completed' AND ch.to_year > ch.from_year
    GROUP BY ch.id, t.scope_code, p.name, p.name_en, p.designation
    HAVING sum(t.area_m2) >= ${minM2}::float8
    ORDER BY ch.id, t.scope_code COLLATE "C"`.execute(db);
  return r.rows;
}

export interface ChangeAreaRow {
  from_class: string;
  to_class: string;
  area_m2: number;
  geometry: string;
}

/**
 * The changed pieces of a change (from <> to), optionally within a bbox and of the classes named as
 * `from` (forest loss: the forest classes) and not as `to`, largest first, at most `limit`.
 */
export async function changeAreas(
  db: DbOrTx,
  changeId: number,
  q: { bbox: [number, number, number, number] | null; fromClasses: string[] | null; limit: number },
): Promise<ChangeAreaRow[]> {
  const box = q.bbox ? sql`ST_MakeEnvelope(${q.bbox[0]}, ${q.bbox[1]}, ${q.bbox[2]}, ${q.bbox[3]}, 4326)` : null;
  const r = await sql<ChangeAreaRow>`
    SELECT from_class, to_class, area_m2, ST_AsGeoJSON(geom, 6) AS geometry FROM land_cover_change_areas
    WHERE change_id = ${changeId}
      ${box ? sql`AND geom && ${box}` : sql``}
      ${q.fromClasses ? sql`AND from_class = ANY(${q.fromClasses}::text[]) AND NOT (to_class = ANY(${q.fromClasses}::text[]))` : sql``}
    ORDER BY area_m2 DESC, cell, from_class, to_class
    LIMIT ${q.limit}`.execute(db);
  return r.rows;
}

// ---- raster pairs (migration 0021) ---------------------------------------------------------------

/** The pa_ids of the counted protected areas (BRIEF §6) of a dataset as of `year`, in id order. */
export async function countedPaIds(db: DbOrTx, paDatasetId: number, year: number): Promise<string[]> {
  const r = await sql<{ pa_id: string }>`
    SELECT DISTINCT p.pa_id FROM protected_areas p WHERE p.dataset_id = ${paDatasetId} AND ${countedPa(year)} ORDER BY p.pa_id`.execute(db);
  return r.rows.map((x) => x.pa_id);
}

/**
 * Each region (of the codes given) intersected with the union of the counted protected areas (an
 * overlap counts once), as GeoJSON (EPSG:4326); regions that do not meet the union are left out.
 */
export async function regionsInsideCountedPas(
  db: DbOrTx,
  regionsDatasetId: number,
  paDatasetId: number,
  year: number,
  codes: string[],
): Promise<{ code: string; geojson: string }[]> {
  const r = await sql<{ code: string; geojson: string }>`
    WITH u AS (SELECT ST_Union(p.geom ORDER BY p.id) AS g FROM protected_areas p WHERE p.dataset_id = ${paDatasetId} AND ${countedPa(year)}),
    x AS (
      SELECT r.code, ST_CollectionExtract(ST_Intersection(r.geom, u.g), 3) AS g
      FROM regions r, u WHERE r.dataset_id = ${regionsDatasetId} AND r.code = ANY(${codes}::text[]) AND u.g IS NOT NULL AND r.geom && u.g
    )
    SELECT code, ST_AsGeoJSON(g, 9) AS geojson FROM x WHERE NOT ST_IsEmpty(g) ORDER BY code COLLATE "C"`.execute(db);
  return r.rows;
}

export interface RasterChangePiece {
  /** the 256 × 256 pixel block of the `from` grid */
  cell: number;
  from_class: string;
  to_class: string;
  /** Σ of the pixels' ellipsoidal areas */
  area_m2: number;
  /** rectangles in the raster's CRS, flat: [x0, y0, x1, y1, x0, y0, …] */
  rects: number[];
}

/**
 * Stores the changed pixels of a raster change (from <> to) for the map: per block and class pair,
 * the union of its rectangles of pixels, transformed from the raster's CRS to EPSG:4326 (PROJ, from
 * the raster's WKT) unless the raster is in EPSG:4326 already. Replaces what a previous run stored.
 */
export async function storeRasterChangeAreas(db: DbOrTx, changeId: number, pieces: RasterChangePiece[], crs: { epsg: number | null; wkt: string }) {
  const toWgs84 = (g: RawBuilder<unknown>) => (crs.epsg === 4326 ? sql`ST_SetSRID(${g}, 4326)` : sql`ST_Transform(${g}, ${crs.wkt}::text, 4326)`);
  for (let i = 0; i < pieces.length; i += 500) {
    const chunk = pieces.slice(i, i + 500);
    await sql`
      INSERT INTO land_cover_change_areas (change_id, cell, from_class, to_class, area_m2, geom)
      SELECT ${changeId}, x.cell, x.from_class, x.to_class, x.area_m2,
        ST_Multi(ST_CollectionExtract(${toWgs84(sql`(
          SELECT ST_Union(ST_MakeEnvelope(x.rects[4 * i + 1], x.rects[4 * i + 2], x.rects[4 * i + 3], x.rects[4 * i + 4]))
          FROM generate_series(0, array_length(x.rects, 1) / 4 - 1) AS i)`)}, 3))
      FROM jsonb_to_recordset(${jsonbRowsParam(chunk)}::jsonb) AS x(cell int, from_class text, to_class text, area_m2 float8, rects float8[])
      ON CONFLICT (change_id, cell, from_class, to_class) DO UPDATE SET area_m2 = excluded.area_m2, geom = excluded.geom`.execute(db);
  }
}
