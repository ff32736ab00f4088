/**
 * The SQL of the OGC API – Features collections (ogc-collections.ts shapes the rows into features):
 * stations, reference-layer datasets and indicator results, their counts and extents. Occurrences
 * and survey events are read by the one sensitive-data projection's SQL (@biomon/sensitive).
 */
import type { Db, RawBuilder } from '@biomon/db';
import { sql } from '@biomon/db';
import { stationShown, type Viewer } from '@biomon/sensitive';

type Bbox = [number, number, number, number];

/** An extent as one row: west, south, east, north (CRS84) and the first and last instants. */
export interface ExtentRow {
  w: number | null;
  s: number | null;
  e: number | null;
  n: number | null;
  t0: Date | null;
  t1: Date | null;
}

const envelope = (b: Bbox) => sql`ST_MakeEnvelope(${b[0]}, ${b[1]}, ${b[2]}, ${b[3]}, 4326)`;

/** The rows of a query. */
export async function rowsOf<T>(db: Db, q: RawBuilder<T>): Promise<T[]> {
  return (await q.execute(db)).rows;
}

/**
 * Above this many matches an items page leaves `numberMatched` out (OGC API – Features Part 1
 * makes it optional): counting a million rows costs ~0.8 s on every page, while clients page by the
 * `next` links anyway.
 */
export const NUMBER_MATCHED_CAP = 100_000;

/** The number of rows a query matches, or null when it is more than `cap` (counting stops there). */
export async function countOf(db: Db, q: RawBuilder<unknown>, cap = NUMBER_MATCHED_CAP): Promise<number | null> {
  const [{ n }] = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT 1 FROM (${q}) q LIMIT ${cap + 1}) c`.execute(db)).rows;
  return n > cap ? null : n;
}

/**
 * Several extents read by one statement (`… UNION ALL …`, one row per extent query, each an
 * aggregate of one row), in the order given.
 */
export async function extentRows(db: Db, queries: RawBuilder<ExtentRow>[]): Promise<(ExtentRow | undefined)[]> {
  if (!queries.length) return [];
  const parts = queries.map(
    (q, i) =>
      sql`SELECT ${i}::int AS k, q.w::float8 AS w, q.s::float8 AS s, q.e::float8 AS e, q.n::float8 AS n, q.t0::timestamptz AS t0, q.t1::timestamptz AS t1 FROM (${q}) q`,
  );
  const rows = (await sql<ExtentRow & { k: number }>`${sql.join(parts, sql` UNION ALL `)}`.execute(db)).rows;
  const out: (ExtentRow | undefined)[] = new Array(queries.length).fill(undefined);
  for (const { k, ...r } of rows) out[k] = r;
  return out;
}

/** The layer datasets the collections list: regions, protected areas and land cover, newest first. */
export async function collectionDatasets(db: Db) {
  return db
    .selectFrom('layer_datasets')
    .select(['id', 'kind', 'vintage_year', 'name'])
    .where('kind', 'in', ['regions', 'protected-areas', 'land-cover'])
    .orderBy('vintage_year', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

// ---- stations ----------------------------------------------------------------------------------
export interface StationRow {
  id: number;
  station_id: string;
  name: string;
  description: string | null;
  type: string;
  elevation_m: number | null;
  priority_area: string | null;
  department: string | null;
  time_zone: string;
  datastreams: unknown;
  geometry: string;
  generalised: boolean;
}

export function stationSql(viewer: Viewer, q: { bbox?: Bbox; stationId?: string; after?: number; limit?: number }): RawBuilder<StationRow> {
  const { generalised, location: shown } = stationShown(viewer);
  const conds: RawBuilder<unknown>[] = [];
  if (q.bbox) conds.push(sql`s.location && ST_Expand(${envelope(q.bbox)}, 0.2) AND ${shown} && ${envelope(q.bbox)}`);
  if (q.stationId !== undefined) conds.push(sql`s.station_id = ${q.stationId}`);
  if (q.after) conds.push(sql`s.id > ${q.after}`);
  return sql<StationRow>`
    SELECT s.id, s.station_id, s.name, CASE WHEN ${generalised} THEN NULL ELSE s.description END AS description, s.type,
      CASE WHEN ${generalised} THEN NULL ELSE s.elevation_m END AS elevation_m,
      s.priority_area, s.department, s.time_zone, ST_AsGeoJSON(${shown}, 7) AS geometry, ${generalised} AS generalised,
      coalesce((SELECT jsonb_agg(jsonb_build_object('datastreamId', d.datastream_id, 'observedProperty', d.observed_property, 'unitOfMeasurement', d.unit, 'resultType', d.result_type) ORDER BY d.datastream_id)
        FROM datastreams d WHERE d.station_pk = s.id), '[]'::jsonb) AS datastreams
    FROM stations s
    WHERE ${conds.length ? sql.join(conds, sql` AND `) : sql`true`}
    ORDER BY s.id
    ${q.limit === undefined ? sql`` : sql`LIMIT ${q.limit}`}`;
}

/** The extent of the stations where the viewer sees them. */
export function stationExtentSql(viewer: Viewer): RawBuilder<ExtentRow> {
  return sql<ExtentRow>`SELECT ST_XMin(x) AS w, ST_YMin(x) AS s, ST_XMax(x) AS e, ST_YMax(x) AS n, NULL::timestamptz AS t0, NULL::timestamptz AS t1
      FROM (SELECT ST_Extent(${stationShown(viewer).location}) AS x FROM stations s) a`;
}

// ---- reference layers (one dataset version each) -------------------------------------------------
export type LayerTable = 'regions' | 'protected_areas' | 'land_cover';
const LAYER_PROPS: Record<LayerTable, { key: RawBuilder<unknown>; props: RawBuilder<unknown> }> = {
  regions: {
    key: sql`f.code`,
    props: sql`jsonb_build_object('code', f.code, 'name', f.name, 'nameEn', f.name_en, 'level', f.level, 'parentCode', f.parent_code, 'officialAreaKm2', f.official_area_km2::float8)`,
  },
  protected_areas: {
    key: sql`f.pa_id`,
    props: sql`jsonb_build_object('id', f.pa_id, 'name', f.name, 'nameEn', f.name_en, 'designation', f.designation, 'level', f.level, 'status', f.status, 'establishedYear', f.established_year)`,
  },
  land_cover: {
    key: sql`f.id::text`,
    props: sql`jsonb_build_object('class', f.class, 'grasslandType', f.grassland_type, 'wetlandType', f.wetland_type, 'natural', f.is_natural, 'year', f.year)`,
  },
};

export interface LayerRow {
  id: number;
  key: string;
  props: Record<string, unknown>;
  geometry: string;
}

export function layerSql(table: LayerTable, datasetId: number, q: { bbox?: Bbox; key?: string; after?: number; limit?: number }): RawBuilder<LayerRow> {
  const def = LAYER_PROPS[table];
  const conds: RawBuilder<unknown>[] = [sql`f.dataset_id = ${datasetId}`];
  if (q.bbox) conds.push(sql`f.geom && ${envelope(q.bbox)} AND ST_Intersects(f.geom, ${envelope(q.bbox)})`);
  if (q.key !== undefined) conds.push(sql`${def.key} = ${q.key}`);
  if (q.after) conds.push(sql`f.id > ${q.after}`);
  return sql<LayerRow>`
    SELECT f.id, ${def.key} AS key, ${def.props} || jsonb_build_object('datasetId', f.dataset_id) AS props, ST_AsGeoJSON(f.geom, 6) AS geometry
    FROM ${sql.table(table)} f WHERE ${sql.join(conds, sql` AND `)} ORDER BY f.id
    ${q.limit === undefined ? sql`` : sql`LIMIT ${q.limit}`}`;
}

/** The extent of one dataset version of a layer table (no time: the collection's interval is its vintage year). */
export function layerExtentSql(table: LayerTable, datasetId: number): RawBuilder<ExtentRow> {
  return sql<ExtentRow>`SELECT ST_XMin(x) AS w, ST_YMin(x) AS s, ST_XMax(x) AS e, ST_YMax(x) AS n, NULL::timestamptz AS t0, NULL::timestamptz AS t1
        FROM (SELECT ST_Extent(geom) AS x FROM ${sql.table(table)} WHERE dataset_id = ${datasetId}) a`;
}

// ---- indicator results by region ------------------------------------------------------------------
export interface IndicatorRow {
  id: number;
  indicator: string;
  region_code: string;
  region_name: string | null;
  year: number;
  /** '' for an indicator with one value per region; else which one (pa_connectivity: 'd=10km') */
  variant: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  unit: string;
  reason: string | null;
  run_id: string;
  computed_at: Date;
  geometry: string | null;
}

/** The newest completed result of each (indicator, region, year), on the newest regions dataset's outline. */
export function indicatorSql(q: { from?: Date; to?: Date; bbox?: Bbox; key?: string; after?: number; limit?: number }): RawBuilder<IndicatorRow> {
  const conds: RawBuilder<unknown>[] = [sql`true`];
  if (q.from) conds.push(sql`x.year >= ${q.from.getUTCFullYear()}`);
  if (q.to) conds.push(sql`x.year <= ${q.to.getUTCFullYear()}`);
  if (q.bbox) conds.push(sql`rg.geom && ${envelope(q.bbox)} AND ST_Intersects(rg.geom, ${envelope(q.bbox)})`);
  if (q.key !== undefined)
    conds.push(sql`(x.indicator || '.' || x.region_code || '.' || x.year || CASE WHEN x.variant <> '' THEN '.' || x.variant ELSE '' END) = ${q.key}`);
  return sql<IndicatorRow>`
    WITH latest AS (
      SELECT DISTINCT ON (r.indicator, r.region_code, r.year, r.variant) r.*
      FROM indicator_results r JOIN indicator_runs run ON run.id = r.run_id AND run.status = 'completed'
      ORDER BY r.indicator, r.region_code, r.year, r.variant, run.finished_at DESC, r.computed_at DESC),
    reg AS (SELECT id FROM layer_datasets WHERE kind = 'regions' ORDER BY vintage_year DESC, id DESC LIMIT 1),
    x AS (SELECT row_number() OVER (ORDER BY l.indicator, l.region_code, l.year, l.variant)::int AS id, l.* FROM latest l)
    SELECT x.id, x.indicator, x.region_code, rg.name AS region_name, x.year, x.variant, x.value, x.numerator, x.denominator, x.unit, x.reason, x.run_id, x.computed_at,
      ST_AsGeoJSON(rg.geom, 5) AS geometry
    FROM x LEFT JOIN regions rg ON rg.code = x.region_code AND rg.dataset_id = (SELECT id FROM reg)
    WHERE ${sql.join(conds, sql` AND `)} ${q.after ? sql`AND x.id > ${q.after}` : sql``}
    ORDER BY x.id
    ${q.limit === undefined ? sql`` : sql`LIMIT ${q.limit}`}`;
}

/** The extent of the indicator results: the newest regions dataset's outline and the years computed. */
export function indicatorExtentSql(): RawBuilder<ExtentRow> {
  return sql<ExtentRow>`SELECT ST_XMin(x) AS w, ST_YMin(x) AS s, ST_XMax(x) AS e, ST_YMax(x) AS n,
        (SELECT make_timestamptz(min(year), 1, 1, 0, 0, 0, 'UTC') FROM indicator_results) AS t0,
        (SELECT make_timestamptz(max(year), 12, 31, 23, 59, 59, 'UTC') FROM indicator_results) AS t1
      FROM (SELECT ST_Extent(rg.geom) AS x FROM regions rg WHERE rg.dataset_id = (SELECT id FROM layer_datasets WHERE kind = 'regions' ORDER BY vintage_year DESC, id DESC LIMIT 1)) a`;
}
