import { sql, type DbOrTx } from '@biomon/db';
import type { Bbox } from '@biomon/core';
import { KIND_TABLE, type LayerKind } from './layer-kinds';

/** The SQL of the layer datasets (`layer_datasets`) and their feature tables, for reads. */

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
