/**
 * Mapbox vector tiles (MVT) built by PostGIS (ST_AsMVT / ST_AsMVTGeom, Web Mercator tiles of
 * ST_TileEnvelope). Occurrences come from the API's own SQL (occurrenceQuerySql), with the tile's
 * extent as the bbox, so that for callers without exact rights a sensitive record is placed, and
 * selected, by its cell centre. Below CLUSTER_MAX_ZOOM records are clustered on an 8 × 8 grid per
 * tile; above it, records of sensitive taxa are still aggregated for those callers, one feature per
 * (cell centre, taxon). In both, a public count of sensitive records below 3 is shown as "<3"
 * (BRIEF §8): `sensitiveCount` is left out and `sensitiveCountLabel` says "<3".
 */
import type { Db, RawBuilder } from '@biomon/db';
import { sql } from '@biomon/db';
import { occurrenceQuerySql } from '@biomon/occurrences';

export const TILE_LAYERS = ['regions', 'protected-areas', 'occurrences', 'stations'] as const;
export type TileLayer = (typeof TILE_LAYERS)[number];
/** Below this zoom occurrences are clustered. */
export const CLUSTER_MAX_ZOOM = 9;
export const MAX_TILE_ZOOM = 20;
const EXTENT = 4096;
const BUFFER = 64;
const STATION_CELL_M = 10_000;
/** Counts of sensitive records below this are shown as "<3" to the public. */
export const SMALL_COUNT = 3;

/** Whether a layer's tiles differ by role (then a token makes them private to the caller). */
export const ROLE_DEPENDENT: Record<TileLayer, boolean> = { regions: false, 'protected-areas': false, occurrences: true, stations: true };

/** The WGS84 bounds of a tile, widened by the MVT buffer, clamped to Web Mercator's latitude range. */
export function tileBounds(z: number, x: number, y: number, bufferFraction = BUFFER / EXTENT): [number, number, number, number] {
  const n = 2 ** z;
  const lon = (xx: number) => (xx / n) * 360 - 180;
  const lat = (yy: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * yy) / n))) * 180) / Math.PI;
  const b = bufferFraction;
  return [
    Math.max(-180, lon(x - b)), Math.max(-85.0511287798, lat(y + 1 + b)),
    Math.min(180, lon(x + 1 + b)), Math.min(85.0511287798, lat(y - b)),
  ];
}

async function latestDataset(db: Db, kind: string): Promise<number | null> {
  const r = await db.selectFrom('layer_datasets').select('id').where('kind', '=', kind).orderBy('vintage_year', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return r?.id ?? null;
}

const asBuffer = (v: unknown): Buffer => (v ? Buffer.from(v as Uint8Array) : Buffer.alloc(0));

/** One tile of a layer, as MVT bytes (empty when nothing falls in it). */
export async function buildTile(db: Db, layer: TileLayer, z: number, x: number, y: number, exact: boolean, opts: { datasetId?: number } = {}): Promise<Buffer> {
  const env = sql`ST_TileEnvelope(${z}::int, ${x}::int, ${y}::int)`;
  const env4326 = sql`ST_Transform(ST_TileEnvelope(${z}::int, ${x}::int, ${y}::int, margin => ${BUFFER / EXTENT}::float8), 4326)`;
  const mvtGeom = (g: RawBuilder<unknown>) => sql`ST_AsMVTGeom(${g}, ${env}, ${EXTENT}, ${BUFFER}, true)`;
  if (layer === 'regions' || layer === 'protected-areas') {
    const ds = opts.datasetId ?? (await latestDataset(db, layer));
    if (ds === null) return Buffer.alloc(0);
    const q = layer === 'regions'
      ? sql<{ mvt: Buffer }>`SELECT ST_AsMVT(m, 'regions', ${EXTENT}, 'geom') AS mvt FROM (
          SELECT ${mvtGeom(sql`ST_Transform(f.geom, 3857)`)} AS geom, f.code, f.name, f.name_en AS "nameEn", f.level, f.parent_code AS "parentCode", f.dataset_id AS "datasetId"
          FROM regions f WHERE f.dataset_id = ${ds} AND f.geom && ${env4326}) m WHERE m.geom IS NOT NULL`
      : sql<{ mvt: Buffer }>`SELECT ST_AsMVT(m, 'protected-areas', ${EXTENT}, 'geom') AS mvt FROM (
          SELECT ${mvtGeom(sql`ST_Transform(f.geom, 3857)`)} AS geom, f.pa_id AS id, f.name, f.name_en AS "nameEn", f.designation, f.level, f.status,
            f.established_year AS "establishedYear", f.dataset_id AS "datasetId"
          FROM protected_areas f WHERE f.dataset_id = ${ds} AND f.geom && ${env4326}) m WHERE m.geom IS NOT NULL`;
    return asBuffer((await q.execute(db)).rows[0]?.mvt);
  }
  if (layer === 'stations') {
    const generalised = exact ? sql`false` : sql`(s.type = 'camera_trap')`;
    const shown = sql`(CASE WHEN ${generalised} THEN biomon_cell_centre(s.location, ${STATION_CELL_M}) ELSE s.location END)`;
    const q = sql<{ mvt: Buffer }>`SELECT ST_AsMVT(m, 'stations', ${EXTENT}, 'geom') AS mvt FROM (
        SELECT ${mvtGeom(sql`ST_Transform(${shown}, 3857)`)} AS geom, s.station_id AS "stationId", s.name, s.type, s.priority_area AS "priorityArea", ${generalised} AS generalised
        FROM stations s WHERE s.location && ST_Expand(${env4326}, 0.2) AND ${shown} && ${env4326}) m WHERE m.geom IS NOT NULL`;
    return asBuffer((await q.execute(db)).rows[0]?.mvt);
  }
  // occurrences: the API's SQL with the tile (plus its buffer) as bbox — on the point shown
  const occ = occurrenceQuerySql({ bbox: tileBounds(z, x, y) }, exact);
  const pts = sql`
    SELECT ST_Transform(ST_SetSRID(ST_MakePoint(q.lon, q.lat), 4326), 3857) AS g, q.lon, q.lat, q.generalised,
      (coalesce(t.sensitive, false) OR coalesce(pt.sensitive, false)) AS sensitive,
      q.record->>'occurrenceID' AS occurrence_id, q.record->>'scientificName' AS scientific_name,
      coalesce(t.scientific_name, q.record->>'scientificName') AS taxon_name, coalesce(t.chinese_name, q.record->>'vernacularName') AS vernacular_name,
      q.record->>'eventDate' AS event_date, q.record->>'basisOfRecord' AS basis_of_record, q.record->>'individualCount' AS individual_count,
      q.record->>'identificationVerificationStatus' AS review_state
    FROM (${occ}) q JOIN occurrences o ON o.id = q.id LEFT JOIN taxa t ON t.id = o.taxon_id LEFT JOIN taxa pt ON pt.id = t.parent_id`;
  // Suppression applies to callers without exact rights; evaluators and admins see true counts.
  const suppress = exact ? sql`false` : sql`(c.sens BETWEEN 1 AND ${SMALL_COUNT - 1})`;
  if (z < CLUSTER_MAX_ZOOM) {
    const cell = (2 * 20037508.342789244) / 2 ** z / 8;
    const q = sql<{ mvt: Buffer }>`
      WITH p AS (${pts}),
      c AS (
        SELECT ST_Centroid(ST_Collect(p.g)) AS g, (count(*) FILTER (WHERE NOT p.sensitive))::int AS plain, (count(*) FILTER (WHERE p.sensitive))::int AS sens
        FROM p GROUP BY floor(ST_X(p.g) / ${cell}), floor(ST_Y(p.g) / ${cell}))
      SELECT ST_AsMVT(m, 'occurrences', ${EXTENT}, 'geom') AS mvt FROM (
        SELECT ${mvtGeom(sql`c.g`)} AS geom, true AS cluster,
          CASE WHEN ${suppress} THEN c.plain ELSE c.plain + c.sens END AS count,
          CASE WHEN ${suppress} THEN c.plain::text || ' + <${sql.raw(String(SMALL_COUNT))}' ELSE (c.plain + c.sens)::text END AS "countLabel",
          CASE WHEN ${suppress} THEN NULL ELSE c.sens END AS "sensitiveCount",
          CASE WHEN ${suppress} THEN '<${sql.raw(String(SMALL_COUNT))}' ELSE c.sens::text END AS "sensitiveCountLabel"
        FROM c) m WHERE m.geom IS NOT NULL`;
    return asBuffer((await q.execute(db)).rows[0]?.mvt);
  }
  const q = sql<{ mvt: Buffer }>`
    WITH p AS (${pts}),
    c AS (
      SELECT ST_Collect(p.g) AS gs, p.lon, p.lat, p.taxon_name, min(p.vernacular_name) AS vernacular_name, count(*)::int AS sens
      FROM p WHERE p.generalised GROUP BY p.lon, p.lat, p.taxon_name)
    SELECT ST_AsMVT(m, 'occurrences', ${EXTENT}, 'geom') AS mvt FROM (
      SELECT ${mvtGeom(sql`p.g`)} AS geom, false AS cluster, false AS generalised, p.sensitive, p.occurrence_id AS "occurrenceID", p.scientific_name AS "scientificName",
        p.vernacular_name AS "vernacularName", p.event_date AS "eventDate", p.basis_of_record AS "basisOfRecord", p.individual_count AS "individualCount",
        p.review_state AS "reviewState", NULL::int AS count, NULL::text AS "countLabel", NULL::int AS "sensitiveCount", NULL::text AS "sensitiveCountLabel"
      FROM p WHERE NOT p.generalised
      UNION ALL
      SELECT ${mvtGeom(sql`ST_GeometryN(c.gs, 1)`)}, false, true, true, NULL, c.taxon_name, c.vernacular_name, NULL, NULL, NULL, NULL,
        CASE WHEN ${suppress} THEN NULL ELSE c.sens END, CASE WHEN ${suppress} THEN '<${sql.raw(String(SMALL_COUNT))}' ELSE c.sens::text END,
        CASE WHEN ${suppress} THEN NULL ELSE c.sens END, CASE WHEN ${suppress} THEN '<${sql.raw(String(SMALL_COUNT))}' ELSE c.sens::text END
      FROM c) m WHERE m.geom IS NOT NULL`;
  return asBuffer((await q.execute(db)).rows[0]?.mvt);
}

/** TileJSON 3.0.0 of a layer (https://github.com/mapbox/tilejson-spec). */
export function tileJson(layer: TileLayer, baseUrl: string) {
  const fields: Record<TileLayer, Record<string, string>> = {
    regions: { code: 'String', name: 'String', nameEn: 'String', level: 'String', parentCode: 'String', datasetId: 'Number' },
    'protected-areas': { id: 'String', name: 'String', nameEn: 'String', designation: 'String', level: 'String', status: 'String', establishedYear: 'Number', datasetId: 'Number' },
    occurrences: {
      cluster: 'Boolean', count: 'Number', countLabel: 'String', sensitiveCount: 'Number', sensitiveCountLabel: 'String (<3 when fewer than 3 sensitive records, for callers without exact rights)',
      generalised: 'Boolean', sensitive: 'Boolean', occurrenceID: 'String', scientificName: 'String', vernacularName: 'String', eventDate: 'String', basisOfRecord: 'String', individualCount: 'String', reviewState: 'String',
    },
    stations: { stationId: 'String', name: 'String', type: 'String', priorityArea: 'String', generalised: 'Boolean' },
  };
  const descriptions: Record<TileLayer, string> = {
    regions: 'Regions of the newest regions dataset (province, prefectures, priority areas)',
    'protected-areas': 'Protected areas of the newest dataset',
    occurrences: `Occurrences; clustered below zoom ${CLUSTER_MAX_ZOOM}; sensitive taxa at their 10 km cell centre unless the token is an evaluator's or admin's`,
    stations: 'Monitoring stations; camera traps at their 10 km cell centre unless the token is an evaluator\'s or admin\'s',
  };
  return {
    tilejson: '3.0.0',
    name: `biomon ${layer}`,
    description: descriptions[layer],
    version: '1.0.0',
    attribution: '吉林省生物多样性监测数据平台 biomon',
    scheme: 'xyz',
    tiles: [`${baseUrl}/tiles/${layer}/{z}/{x}/{y}.mvt`],
    minzoom: 0,
    maxzoom: 16,
    bounds: [121.6, 40.8, 131.4, 46.4],
    center: [126.5, 43.8, 6],
    vector_layers: [{ id: layer, description: descriptions[layer], minzoom: 0, maxzoom: 16, fields: fields[layer] }],
  };
}
