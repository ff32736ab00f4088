import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { sql, type Col, type DbOrTx, type Tx } from '@biomon/db';
import type { RasterKind } from './raster-kinds';

/** The SQL of raster datasets (`raster_datasets`), the zonal cache, and the zones read from vector layers. */

export interface NewRasterRow {
  kind: RasterKind;
  vintage_year: number;
  source: string;
  original_name: string;
  crs_wkt: string;
  epsg: number | null;
  geographic: boolean;
  geotransform: number[];
  width: number;
  height: number;
  band_type: string;
  nodata: number | null;
  scale: number;
  value_offset: number;
  fvc_scale: Col<'raster_datasets', 'fvc_scale'>;
  class_map: unknown;
  source_key: string;
  size_bytes: number;
  sha256: string;
  created_by: string | null;
}

/** Inserts a raster dataset (status processing) as the next version of its kind; versions are serialised per kind. */
export async function insertRasterDataset(tx: Tx, row: NewRasterRow): Promise<{ id: number; version: number }> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`raster_datasets:${row.kind}`}))`.execute(tx);
  const { v } = await tx
    .selectFrom('raster_datasets')
    .select(sql<number>`coalesce(max(version), 0) + 1`.as('v'))
    .where('kind', '=', row.kind)
    .executeTakeFirstOrThrow();
  const res = await tx
    .insertInto('raster_datasets')
    .values({ ...row, version: v, class_map: row.class_map === null ? null : JSON.stringify(row.class_map) })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow();
  return res;
}

export async function setRasterSourceKey(db: DbOrTx, id: number, sourceKey: string): Promise<void> {
  await db.updateTable('raster_datasets').set({ source_key: sourceKey }).where('id', '=', id).execute();
}

const COLUMNS = [
  'id',
  'kind',
  'version',
  'vintage_year',
  'source',
  'original_name',
  'status',
  'error',
  'crs_wkt',
  'epsg',
  'geographic',
  'geotransform',
  'width',
  'height',
  'band_type',
  'nodata',
  'scale',
  'value_offset',
  'fvc_scale',
  'class_map',
  'stats',
  'source_key',
  'storage_key',
  'size_bytes',
  'sha256',
  'created_at',
  'ready_at',
] as const;

export async function findRasterDataset(db: DbOrTx, id: number) {
  return db
    .selectFrom('raster_datasets')
    .select(COLUMNS)
    .select(sql<string | null>`ST_AsGeoJSON(bbox, 6)`.as('bbox_geojson'))
    .where('id', '=', id)
    .executeTakeFirst();
}

export type RasterRow = NonNullable<Awaited<ReturnType<typeof findRasterDataset>>>;

export async function listRasterDatasets(db: DbOrTx, kind?: RasterKind): Promise<RasterRow[]> {
  let q = db
    .selectFrom('raster_datasets')
    .select(COLUMNS)
    .select(sql<string | null>`ST_AsGeoJSON(bbox, 6)`.as('bbox_geojson'))
    .orderBy('kind')
    .orderBy('vintage_year', 'desc')
    .orderBy('id', 'desc');
  if (kind) q = q.where('kind', '=', kind);
  return q.execute();
}

/**
 * Marks a raster ready with its COG, statistics and footprint. True when this call made it ready;
 * false when it already was (a repeat changes nothing) or does not exist.
 */
export async function markRasterReady(
  db: DbOrTx,
  id: number,
  ready: { storageKey: string; stats: unknown; fvcScale: Col<'raster_datasets', 'fvc_scale'>; bbox: unknown | null },
): Promise<boolean> {
  const res = await db
    .updateTable('raster_datasets')
    .set({
      status: 'ready',
      error: null,
      storage_key: ready.storageKey,
      stats: JSON.stringify(ready.stats),
      fvc_scale: ready.fvcScale,
      bbox: ready.bbox ? sql`ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(ready.bbox)}), 4326))` : null,
      source_key: null,
      ready_at: sql`coalesce(ready_at, now())`,
    })
    .where('id', '=', id)
    .where('status', '<>', 'ready')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function markRasterFailed(db: DbOrTx, id: number, error: { code: string; message: string }): Promise<void> {
  await db
    .updateTable('raster_datasets')
    .set({ status: 'failed', error: JSON.stringify(error) })
    .where('id', '=', id)
    .where('status', '<>', 'ready')
    .execute();
}

// ---- zones from vector layers ------------------------------------------------------------------

/** The zone key of each vector kind: a zone is every feature with that key (a land-cover class is one zone). */
const ZONE_SQL = {
  regions: { table: 'regions', key: sql`code`, name: sql`name` },
  'protected-areas': { table: 'protected_areas', key: sql`pa_id`, name: sql`name` },
  'land-cover': { table: 'land_cover', key: sql`class`, name: sql`class` },
  ecosystems: { table: 'ecosystems', key: sql`ecosystem_type`, name: sql`ecosystem_type` },
} as const;

export type ZoneKind = keyof typeof ZONE_SQL;
export const ZONE_KINDS = Object.keys(ZONE_SQL) as ZoneKind[];

/** The newest dataset version of a vector kind. */
export async function newestLayerDataset(db: DbOrTx, kind: Col<'layer_datasets', 'kind'>): Promise<{ id: number; kind: string } | undefined> {
  return db
    .selectFrom('layer_datasets')
    .select(['id', 'kind'])
    .where('kind', '=', kind)
    .orderBy('vintage_year', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

export async function layerDatasetKind(db: DbOrTx, id: number): Promise<{ id: number; kind: string } | undefined> {
  return db.selectFrom('layer_datasets').select(['id', 'kind']).where('id', '=', id).executeTakeFirst();
}

/** The zones (key, name) of a dataset, all or those with the given keys, in key order. */
export async function zoneList(db: DbOrTx, datasetId: number, kind: ZoneKind, keys: string[] | null): Promise<{ key: string; name: string }[]> {
  const z = ZONE_SQL[kind];
  const filter = keys ? sql`AND ${z.key} = ANY(${keys}::text[])` : sql``;
  const res = await sql<{ key: string; name: string }>`
    SELECT ${z.key} AS key, min(${z.name}) AS name FROM ${sql.table(z.table)}
    WHERE dataset_id = ${datasetId} ${filter}
    GROUP BY 1 ORDER BY 1`.execute(db);
  return res.rows;
}

/**
 * Pairs of zones whose interiors overlap (a province and its prefectures; overlapping protected
 * areas): such zones must be rasterised in separate passes.
 */
export async function overlappingZonePairs(db: DbOrTx, datasetId: number, kind: ZoneKind, keys: string[]): Promise<[string, string][]> {
  const z = ZONE_SQL[kind];
  const res = await sql<{ a: string; b: string }>`
    WITH f AS (SELECT ${z.key} AS key, geom FROM ${sql.table(z.table)} WHERE dataset_id = ${datasetId} AND ${z.key} = ANY(${keys}::text[]))
    SELECT DISTINCT x.key AS a, y.key AS b FROM f x JOIN f y ON x.key < y.key AND x.geom && y.geom
    WHERE ST_Relate(x.geom, y.geom, '2********')`.execute(db);
  return res.rows.map((r) => [r.a, r.b]);
}

/**
 * Writes the features of the given zones as a GeoJSON FeatureCollection (EPSG:4326, lon/lat) to
 * `file`, each with `zid` = its zone's number.
 */
export async function writeZoneFeatures(db: DbOrTx, datasetId: number, kind: ZoneKind, zids: Map<string, number>, file: string): Promise<number> {
  const z = ZONE_SQL[kind];
  const keys = [...zids.keys()];
  const out = createWriteStream(file);
  let n = 0;
  try {
    out.write('{"type":"FeatureCollection","features":[\n');
    const q = sql<{ key: string; g: string }>`
      SELECT ${z.key} AS key, ST_AsGeoJSON(geom, 9) AS g FROM ${sql.table(z.table)}
      WHERE dataset_id = ${datasetId} AND ${z.key} = ANY(${keys}::text[]) ORDER BY id`;
    const rows = (await q.execute(db)).rows;
    for (const row of rows) {
      const line = `${n ? ',\n' : ''}{"type":"Feature","properties":{"zid":${zids.get(row.key)}},"geometry":${row.g}}`;
      if (!out.write(line)) await once(out, 'drain');
      n++;
    }
    out.write('\n]}\n');
  } finally {
    out.end();
    await once(out, 'close');
  }
  return n;
}

// ---- zonal cache -------------------------------------------------------------------------------

export async function cachedZonal(db: DbOrTx, rasterId: number, zoneDatasetId: number, keys: string[], methodVersion: number) {
  if (!keys.length) return [];
  return db
    .selectFrom('raster_zonal_cache')
    .select(['zone_key', 'mean', 'min', 'max', 'valid_area_m2', 'pixels', 'classes'])
    .where('raster_id', '=', rasterId)
    .where('zone_dataset_id', '=', zoneDatasetId)
    .where('method_version', '=', methodVersion)
    .where('zone_key', 'in', keys)
    .$narrowType<{ classes: { code: number; areaM2: number; pixels: number }[] | null }>()
    .execute();
}

export async function storeZonal(
  db: DbOrTx,
  rasterId: number,
  zoneDatasetId: number,
  methodVersion: number,
  rows: {
    key: string;
    mean: number | null;
    min: number | null;
    max: number | null;
    validAreaM2: number;
    pixels: number;
    classes?: { code: number; areaM2: number; pixels: number }[];
  }[],
): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('raster_zonal_cache')
    .values(
      rows.map((r) => ({
        raster_id: rasterId,
        zone_dataset_id: zoneDatasetId,
        zone_key: r.key,
        method_version: methodVersion,
        mean: r.mean,
        min: r.min,
        max: r.max,
        valid_area_m2: r.validAreaM2,
        pixels: r.pixels,
        classes: r.classes ? JSON.stringify(r.classes) : null,
      })),
    )
    .onConflict((oc) => oc.columns(['raster_id', 'zone_dataset_id', 'zone_key', 'method_version']).doNothing())
    .execute();
}
