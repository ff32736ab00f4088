/**
 * Mapbox vector tiles (MVT) built by PostGIS (ST_AsMVT / ST_AsMVTGeom, Web Mercator tiles of
 * ST_TileEnvelope). Occurrences and stations are shaped for the viewer by the one sensitive-data
 * projection (@biomon/sensitive): occurrences come from its SQL with the tile's extent as the bbox,
 * so a generalised record is placed, and selected, by its public position. Below CLUSTER_MAX_ZOOM
 * records are clustered on an 8 × 8 grid per tile; above it, generalised records are still
 * aggregated, one feature per (cell centre, taxon). At every zoom, for viewers below evaluator, a
 * count of generalised records below 3 is shown as "<3" (BRIEF §8: `sensitiveCount` left out,
 * `sensitiveCountLabel` "<3") and a cluster that holds such a suppressed count is placed by its
 * other records only (or at the centre of its grid square when it has none), so that neither its
 * numbers nor its position tell how many there are or where.
 */
import type { Col, Db, RawBuilder } from '@biomon/db';
import { sql } from '@biomon/db';
import { occurrencePositionsSql, occurrenceReadSql, seesExact, SMALL_COUNT, stationShown, type OccurrenceFilter, type Viewer } from '@biomon/sensitive';

export const TILE_LAYERS = ['regions', 'protected-areas', 'occurrences', 'stations'] as const;
export type TileLayer = (typeof TILE_LAYERS)[number];
/** Below this zoom occurrences are clustered. */
export const CLUSTER_MAX_ZOOM = 9;
export const MAX_TILE_ZOOM = 20;
const EXTENT = 4096;
const BUFFER = 64;
export { SMALL_COUNT };

/** Whether a layer's tiles differ by role (then a token makes them private to the caller). */
export const ROLE_DEPENDENT: Record<TileLayer, boolean> = { regions: false, 'protected-areas': false, occurrences: true, stations: true };

/** The WGS84 bounds of a tile, widened by the MVT buffer, clamped to Web Mercator's latitude range. */
export function tileBounds(z: number, x: number, y: number, bufferFraction = BUFFER / EXTENT): [number, number, number, number] {
  const n = 2 ** z;
  const lon = (xx: number) => (xx / n) * 360 - 180;
  const lat = (yy: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * yy) / n))) * 180) / Math.PI;
  const b = bufferFraction;
  return [Math.max(-180, lon(x - b)), Math.max(-85.0511287798, lat(y + 1 + b)), Math.min(180, lon(x + 1 + b)), Math.min(85.0511287798, lat(y - b))];
}

async function latestDataset(db: Db, kind: Col<'layer_datasets', 'kind'>): Promise<number | null> {
  const r = await db
    .selectFrom('layer_datasets')
    .select('id')
    .where('kind', '=', kind)
    .orderBy('vintage_year', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r?.id ?? null;
}

const asBuffer = (v: unknown): Buffer => (v ? Buffer.from(v as Uint8Array) : Buffer.alloc(0));

/** One tile of a layer, as MVT bytes (empty when nothing falls in it). */
export async function buildTile(
  db: Db,
  layer: TileLayer,
  z: number,
  x: number,
  y: number,
  viewer: Viewer,
  opts: { datasetId?: number; filter?: Omit<OccurrenceFilter, 'bbox'> } = {},
): Promise<Buffer> {
  const exact = seesExact(viewer);
  const env = sql`ST_TileEnvelope(${z}::int, ${x}::int, ${y}::int)`;
  const env4326 = sql`ST_Transform(ST_TileEnvelope(${z}::int, ${x}::int, ${y}::int, margin => ${BUFFER / EXTENT}::float8), 4326)`;
  const mvtGeom = (g: RawBuilder<unknown>) => sql`ST_AsMVTGeom(${g}, ${env}, ${EXTENT}, ${BUFFER}, true)`;
  if (layer === 'regions' || layer === 'protected-areas') {
    const ds = opts.datasetId ?? (await latestDataset(db, layer));
    if (ds === null) return Buffer.alloc(0);
    const q =
      layer === 'regions'
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
    const { generalised, location: shown } = stationShown(viewer);
    const q = sql<{ mvt: Buffer }>`SELECT ST_AsMVT(m, 'stations', ${EXTENT}, 'geom') AS mvt FROM (
        SELECT ${mvtGeom(sql`ST_Transform(${shown}, 3857)`)} AS geom, s.station_id AS "stationId", s.name, s.type, s.priority_area AS "priorityArea", ${generalised} AS generalised
        FROM stations s WHERE s.location && ST_Expand(${env4326}, 0.2) AND ${shown} && ${env4326}) m WHERE m.geom IS NOT NULL`;
    return asBuffer((await q.execute(db)).rows[0]?.mvt);
  }
  // occurrences: the projection's SQL with the tile (plus its buffer) as bbox — on the position shown
  const filter: OccurrenceFilter = { ...opts.filter, bbox: tileBounds(z, x, y) };
  const occ = occurrenceReadSql(viewer, filter);
  const pts = sql`
    SELECT ST_Transform(ST_SetSRID(ST_MakePoint(q.lon, q.lat), 4326), 3857) AS g, q.lon, q.lat, q.generalised, q.sensitive,
      q.record->>'occurrenceID' AS occurrence_id, q.record->>'scientificName' AS scientific_name,
      coalesce(q.record->'biomon'->'taxon'->>'acceptedName', q.record->>'scientificName') AS taxon_name,
      coalesce(q.record->'biomon'->'taxon'->>'chineseName', q.record->>'vernacularName') AS vernacular_name,
      q.record->>'eventDate' AS event_date, q.record->>'basisOfRecord' AS basis_of_record, q.record->>'individualCount' AS individual_count,
      q.record->>'identificationVerificationStatus' AS review_state, q.record->'biomon'->'taxon'->>'protectionClass' AS protection_class
    FROM (${occ}) q`;
  // Suppression applies to viewers below evaluator; evaluators and admins see true counts.
  const suppress = exact ? sql`false` : sql`(c.sens BETWEEN 1 AND ${SMALL_COUNT - 1})`;
  const small = sql.raw(String(SMALL_COUNT));
  if (z < CLUSTER_MAX_ZOOM) {
    const cell = (2 * 20037508.342789244) / 2 ** z / 8;
    // clusters need only the positions shown (no terms): Web Mercator by its formula (the sphere of
    // EPSG:3857), a cluster at the mean of its points (the centroid of their collection)
    const R = 6378137;
    const mxy = (g: 'x' | 'y', filterSensitive = false) => {
      const v = g === 'x' ? sql`p.mx` : sql`p.my`;
      return filterSensitive ? sql`avg(${v}) FILTER (WHERE NOT p.sensitive)` : sql`avg(${v})`;
    };
    const point = (px: RawBuilder<unknown>, py: RawBuilder<unknown>) =>
      sql`CASE WHEN ${px} IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(${px}, ${py}), 3857) END`;
    const q = sql<{ mvt: Buffer }>`
      WITH p AS (
        SELECT ${R} * radians(q.lon) AS mx, ${R} * ln(tan(pi() / 4 + radians(q.lat) / 2)) AS my, q.sensitive
        FROM (${occurrencePositionsSql(viewer, filter)}) q),
      c AS (
        SELECT floor(p.mx / ${cell}) AS gx, floor(p.my / ${cell}) AS gy,
          ${point(mxy('x'), mxy('y'))} AS g_all, ${point(mxy('x', true), mxy('y', true))} AS g_plain,
          (count(*) FILTER (WHERE NOT p.sensitive))::int AS plain, (count(*) FILTER (WHERE p.sensitive))::int AS sens
        FROM p GROUP BY 1, 2)
      SELECT ST_AsMVT(m, 'occurrences', ${EXTENT}, 'geom') AS mvt FROM (
        SELECT ${mvtGeom(sql`CASE WHEN NOT ${suppress} THEN c.g_all WHEN c.plain > 0 THEN c.g_plain
                   ELSE ST_SetSRID(ST_MakePoint((c.gx + 0.5) * ${cell}, (c.gy + 0.5) * ${cell}), 3857) END`)} AS geom, true AS cluster,
          CASE WHEN ${suppress} THEN c.plain ELSE c.plain + c.sens END AS count,
          CASE WHEN ${suppress} THEN c.plain::text || ' + <${small}' ELSE (c.plain + c.sens)::text END AS "countLabel",
          CASE WHEN ${suppress} THEN NULL ELSE c.sens END AS "sensitiveCount",
          CASE WHEN ${suppress} THEN '<${small}' ELSE c.sens::text END AS "sensitiveCountLabel"
        FROM c) m WHERE m.geom IS NOT NULL`;
    return asBuffer((await q.execute(db)).rows[0]?.mvt);
  }
  const q = sql<{ mvt: Buffer }>`
    WITH p AS (${pts}),
    c AS (
      SELECT (array_agg(p.g))[1] AS g, p.lon, p.lat, p.taxon_name, min(p.vernacular_name) AS vernacular_name, min(p.protection_class) AS protection_class, count(*)::int AS sens
      FROM p WHERE p.generalised GROUP BY p.lon, p.lat, p.taxon_name)
    SELECT ST_AsMVT(m, 'occurrences', ${EXTENT}, 'geom') AS mvt FROM (
      SELECT ${mvtGeom(sql`p.g`)} AS geom, false AS cluster, false AS generalised, p.occurrence_id AS "occurrenceID", p.scientific_name AS "scientificName",
        p.vernacular_name AS "vernacularName", p.event_date AS "eventDate", p.basis_of_record AS "basisOfRecord", p.individual_count AS "individualCount",
        p.review_state AS "reviewState", p.protection_class AS "protectionClass", NULL::int AS count, NULL::text AS "countLabel", NULL::int AS "sensitiveCount", NULL::text AS "sensitiveCountLabel"
      FROM p WHERE NOT p.generalised
      UNION ALL
      SELECT ${mvtGeom(sql`c.g`)}, false, true, NULL, c.taxon_name, c.vernacular_name, NULL, NULL, NULL, NULL, c.protection_class,
        CASE WHEN ${suppress} THEN NULL ELSE c.sens END, CASE WHEN ${suppress} THEN '<${small}' ELSE c.sens::text END,
        CASE WHEN ${suppress} THEN NULL ELSE c.sens END, CASE WHEN ${suppress} THEN '<${small}' ELSE c.sens::text END
      FROM c) m WHERE m.geom IS NOT NULL`;
  return asBuffer((await q.execute(db)).rows[0]?.mvt);
}

/** TileJSON 3.0.0 of a layer (https://github.com/mapbox/tilejson-spec). */
export function tileJson(layer: TileLayer, baseUrl: string) {
  const fields: Record<TileLayer, Record<string, string>> = {
    regions: { code: 'String', name: 'String', nameEn: 'String', level: 'String', parentCode: 'String', datasetId: 'Number' },
    'protected-areas': {
      id: 'String',
      name: 'String',
      nameEn: 'String',
      designation: 'String',
      level: 'String',
      status: 'String',
      establishedYear: 'Number',
      datasetId: 'Number',
    },
    occurrences: {
      cluster: 'Boolean',
      count: 'Number',
      countLabel: 'String',
      sensitiveCount: 'Number',
      sensitiveCountLabel: 'String (<3 when fewer than 3 generalised records, for callers without exact rights)',
      generalised: 'Boolean',
      occurrenceID: 'String',
      scientificName: 'String',
      vernacularName: 'String',
      eventDate: 'String',
      basisOfRecord: 'String',
      individualCount: 'String',
      reviewState: 'String',
      protectionClass: 'String (I or II: the national protection class of the taxon)',
    },
    stations: { stationId: 'String', name: 'String', type: 'String', priorityArea: 'String', generalised: 'Boolean' },
  };
  const descriptions: Record<TileLayer, string> = {
    regions: 'Regions of the newest regions dataset (province, prefectures, priority areas)',
    'protected-areas': 'Protected areas of the newest dataset',
    occurrences: `Occurrences; clustered below zoom ${CLUSTER_MAX_ZOOM}; sensitive records (and the other records of their survey events) at their 10 km cell centre unless the token is an evaluator's or admin's`,
    stations: "Monitoring stations; camera traps at their 10 km cell centre unless the token is an evaluator's or admin's",
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
