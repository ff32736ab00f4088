import { sql, type Col, type DbOrTx } from '@biomon/db';
import type { Bbox } from '@biomon/core';
import { KIND_TABLE, type LayerKind } from './layer-kinds';

/**
 * The SQL of the layer datasets (`layer_datasets`), their feature tables and their subdivided
 * pieces (`layer_subdivided`): reads, and a new version's dataset row and pieces (the features come
 * through layer-stage.repository.ts).
 */

export async function listLayerDatasets(db: DbOrTx, kind?: LayerKind) {
  let q = db
    .selectFrom('layer_datasets')
    .select(['id', 'kind', 'vintage_year', 'source', 'name', 'crs_in', 'feature_count', 'created_at'])
    .orderBy('kind')
    .orderBy('vintage_year', 'desc')
    .orderBy('id', 'desc');
  if (kind) q = q.where('kind', '=', kind);
  return q.execute();
}

export async function findLayerDataset(db: DbOrTx, datasetId: number) {
  return db.selectFrom('layer_datasets').selectAll().where('id', '=', datasetId).executeTakeFirst();
}

/** Just the id and kind of a dataset (no report), for reading its features. */
export async function findLayerDatasetKind(db: DbOrTx, datasetId: number) {
  return db.selectFrom('layer_datasets').select(['id', 'kind']).where('id', '=', datasetId).executeTakeFirst();
}

/** The features of one dataset as GeoJSON Feature objects (6 decimals), in id order, optionally within a bbox. */
export async function layerFeatures(db: DbOrTx, dataset: { id: number; kind: LayerKind }, opts: { bbox?: Bbox; limit: number }): Promise<unknown[]> {
  const bboxCond = opts.bbox ? sql`geom && ST_MakeEnvelope(${opts.bbox[0]}, ${opts.bbox[1]}, ${opts.bbox[2]}, ${opts.bbox[3]}, 4326)` : sql`true`;
  // table name from the fixed kind → table map, never from input
  const table = KIND_TABLE[dataset.kind];
  const rows = await sql<{ f: unknown }>`
    SELECT json_build_object('type', 'Feature', 'id', id, 'geometry', ST_AsGeoJSON(geom, 6)::json, 'properties', properties) AS f
    FROM ${sql.table(table)} WHERE dataset_id = ${dataset.id} AND ${bboxCond} ORDER BY id LIMIT ${opts.limit}`.execute(db);
  return rows.rows.map((x) => x.f);
}

/** The newest dataset of a kind whose vintage is ≤ year (BRIEF §5 default for runs). */
export async function latestDataset(db: DbOrTx, kind: LayerKind, year?: number): Promise<{ id: number; vintageYear: number } | null> {
  let q = db.selectFrom('layer_datasets').select(['id', 'vintage_year']).where('kind', '=', kind);
  if (year !== undefined) q = q.where('vintage_year', '<=', year);
  const row = await q.orderBy('vintage_year', 'desc').orderBy('id', 'desc').executeTakeFirst();
  return row ? { id: row.id, vintageYear: row.vintage_year } : null;
}

/** The datasets of a kind loaded under any of these names (a seed's files), oldest vintage first. */
export async function layerDatasetsNamed(db: DbOrTx, kind: LayerKind, names: string[]): Promise<{ id: number; vintage_year: number }[]> {
  return db.selectFrom('layer_datasets').select(['id', 'vintage_year']).where('kind', '=', kind).where('name', 'in', names).orderBy('vintage_year').execute();
}

/** A new dataset version's row; returns its id. */
export async function insertLayerDataset(
  tx: DbOrTx,
  row: {
    kind: LayerKind;
    vintage_year: number;
    source: string;
    name: string;
    crs_in: Col<'layer_datasets', 'crs_in'>;
    feature_count: number;
    content_hash: string;
    report: string;
    created_by: string | null;
  },
): Promise<number> {
  const ds = await tx.insertInto('layer_datasets').values(row).returning('id').executeTakeFirstOrThrow();
  return ds.id;
}

/**
 * Cuts a regions or protected-areas version's outlines into pieces of at most 256 vertices
 * (ST_Subdivide): point lookups and overlays test small pieces found precisely by the GiST index
 * instead of whole provinces.
 */
export async function subdivideDataset(tx: DbOrTx, kind: LayerKind, datasetId: number): Promise<void> {
  // table name from the fixed kind → table map, never from input
  const table = KIND_TABLE[kind];
  await sql`
    INSERT INTO layer_subdivided (dataset_id, feature_id, geom)
    SELECT t.dataset_id, t.id, d.geom
    FROM ${sql.table(table)} t
    CROSS JOIN LATERAL (SELECT (ST_Dump(ST_Subdivide(t.geom, 256))).geom) d
    WHERE t.dataset_id = ${datasetId} AND GeometryType(d.geom) = 'POLYGON'`.execute(tx);
}
