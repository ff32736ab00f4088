/**
 * The SQL of the downloads (downloads.ts renders the rows): station observations with the station's
 * position as the viewer may see it (@biomon/sensitive `stationShown`), and the features of a layer
 * dataset. Queries are returned unexecuted when downloads.ts reads them by cursor.
 */
import type { Db, RawBuilder } from '@biomon/db';
import { sql } from '@biomon/db';
import { stationShown, type Viewer } from '@biomon/sensitive';

export interface ObservationScope {
  /** Only these stations (a station token's own, or the one asked for); undefined = all. */
  stationIds?: string[];
  datastreamId?: string;
  from?: Date;
  to?: Date;
}

export interface ObservationRow {
  station_id: string;
  datastream_id: string;
  observed_property: string;
  unit: string | null;
  phenomenon_time: Date;
  result_number: number | null;
  result_json: unknown;
  lon: number;
  lat: number;
}

/** The observations of a scope, per datastream in time order (for a cursor). */
export function observationSql(s: ObservationScope, viewer: Viewer): RawBuilder<ObservationRow> {
  const shown = stationShown(viewer).location;
  const conds: RawBuilder<unknown>[] = [sql`true`];
  if (s.stationIds) conds.push(sql`s.station_id = ANY(${s.stationIds}::text[])`);
  if (s.datastreamId) conds.push(sql`d.datastream_id = ${s.datastreamId}`);
  if (s.from) conds.push(sql`o.phenomenon_time >= ${s.from}`);
  if (s.to) conds.push(sql`o.phenomenon_time <= ${s.to}`);
  return sql<ObservationRow>`
    SELECT s.station_id, d.datastream_id, d.observed_property, d.unit->>'symbol' AS unit, o.phenomenon_time, o.result_number, o.result_json,
      ST_X(${shown}) AS lon, ST_Y(${shown}) AS lat
    FROM observations o JOIN datastreams d ON d.id = o.datastream_pk JOIN stations s ON s.id = d.station_pk
    WHERE ${sql.join(conds, sql` AND `)}
    ORDER BY o.datastream_pk, o.phenomenon_time`;
}

/** A layer dataset's id, kind and vintage (undefined when there is none). */
export async function findDownloadDataset(db: Db, datasetId: number) {
  return db.selectFrom('layer_datasets').select(['id', 'kind', 'vintage_year']).where('id', '=', datasetId).executeTakeFirst();
}

export interface LayerFeatureRow {
  id: number;
  properties: Record<string, unknown>;
  wkt: string;
  geojson: string;
}

/**
 * The features of a dataset in id order (for a cursor), with the geometry as WKT for CSV or as
 * GeoJSON (7 decimals). `table` comes from downloads.ts' fixed kind → table map, never from input.
 */
export function layerFeatureSql(table: string, datasetId: number, format: 'csv' | 'geojson'): RawBuilder<LayerFeatureRow> {
  return sql<LayerFeatureRow>`SELECT f.id, f.properties, ${format === 'csv' ? sql`ST_AsText(f.geom)` : sql`NULL`} AS wkt, ${format === 'geojson' ? sql`ST_AsGeoJSON(f.geom, 7)` : sql`NULL`} AS geojson
    FROM ${sql.table(table)} f WHERE f.dataset_id = ${datasetId} ORDER BY f.id`;
}

/** Every property key of a dataset's features, sorted (the CSV's columns). */
export async function layerPropertyKeys(db: Db, table: string, datasetId: number): Promise<string[]> {
  return (
    await sql<{ k: string }>`SELECT DISTINCT jsonb_object_keys(properties) AS k FROM ${sql.table(table)} WHERE dataset_id = ${datasetId} ORDER BY 1`.execute(db)
  ).rows.map((r) => r.k);
}
