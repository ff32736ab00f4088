/**
 * The feature collections of biomon's OGC API – Features (Part 1: Core), each a small adapter
 * from a table to GeoJSON features: items (bbox in CRS84 and datetime filters, keyset paging),
 * one item, the number matched and the extent. Occurrences, survey events and stations are shaped
 * for the viewer by the one sensitive-data projection (@biomon/sensitive, BRIEF §8) — their
 * extents too, which come from what the viewer may see.
 */
import type { Db, RawBuilder } from '@biomon/db';
import { sql } from '@biomon/db';
import {
  eventExtentSql, eventReadSql, occurrenceExtentSql, occurrenceReadSql, stationShown, STATION_GENERALISATION, STATION_WITHHELD,
  type EventRow, type OccurrenceFilter, type OccurrenceOut, type Viewer,
} from '@biomon/sensitive';

export interface Feature {
  type: 'Feature';
  id: string;
  geometry: unknown;
  properties: Record<string, unknown>;
}

export interface ItemsQuery {
  bbox?: [number, number, number, number];
  from?: Date;
  to?: Date;
  limit: number;
  /** Opaque position from a `next` link: the last internal id (or an offset) of the previous page. */
  after?: number;
  /** Occurrence filters of GET /v1/occurrences (occurrences collection only). */
  occurrence?: OccurrenceFilter;
}

export interface ItemsPage { features: Feature[]; numberMatched: number; next: number | null }

export interface Extent { bbox: [number, number, number, number] | null; interval: [string | null, string | null] | null }

export interface CollectionDef {
  id: string;
  title: string;
  description: string;
  items(db: Db, q: ItemsQuery, viewer: Viewer): Promise<ItemsPage>;
  item(db: Db, featureId: string, viewer: Viewer): Promise<Feature | null>;
  /** the extent of what the viewer may see */
  extent(db: Db, viewer: Viewer): Promise<Extent>;
}

const envelope = (b: [number, number, number, number]) => sql`ST_MakeEnvelope(${b[0]}, ${b[1]}, ${b[2]}, ${b[3]}, 4326)`;

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

async function extentOf(db: Db, q: RawBuilder<{ w: number | null; s: number | null; e: number | null; n: number | null; t0: Date | null; t1: Date | null }>): Promise<Extent> {
  const [r] = (await q.execute(db)).rows;
  return {
    bbox: r && r.w !== null ? [r.w, r.s!, r.e!, r.n!] : null,
    interval: r && (r.t0 || r.t1) ? [iso(r.t0), iso(r.t1)] : null,
  };
}

/** Pages of `limit` rows: one more is read to know whether a next page exists. */
function page<T extends { id: number }>(rows: T[], limit: number): { rows: T[]; next: number | null } {
  if (rows.length > limit) return { rows: rows.slice(0, limit), next: rows[limit - 1].id };
  return { rows, next: null };
}

// ---- occurrences -------------------------------------------------------------------------------
const occurrences: CollectionDef = {
  id: 'occurrences',
  title: '物种记录 Occurrences (Darwin Core)',
  description: 'Darwin Core occurrences. Records of sensitive taxa are generalised to the centre of their 10 km grid cell for every caller but evaluators and admins (BRIEF §8); bbox applies to the point shown.',
  async items(db, q, viewer) {
    const filter: OccurrenceFilter = { ...(q.occurrence ?? {}), bbox: q.bbox, from: q.from ?? q.occurrence?.from, to: q.to ?? q.occurrence?.to };
    const rows = (await occurrenceReadSql(viewer, { ...filter, afterId: q.after, limit: q.limit + 1 }).execute(db)).rows;
    const [{ n }] = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM (${occurrenceReadSql(viewer, filter)}) q`.execute(db)).rows;
    const p = page(rows, q.limit);
    return { numberMatched: n, next: p.next, features: p.rows.map(occurrenceFeature) };
  },
  async item(db, featureId, viewer) {
    const [r] = (await occurrenceReadSql(viewer, { occurrenceID: featureId, limit: 1 }).execute(db)).rows;
    return r ? occurrenceFeature(r) : null;
  },
  async extent(db, viewer) {
    return extentOf(db, occurrenceExtentSql(viewer));
  },
};

function occurrenceFeature(r: OccurrenceOut): Feature {
  return { type: 'Feature', id: String(r.record.occurrenceID), geometry: { type: 'Point', coordinates: [r.lon, r.lat] }, properties: { ...r.record, generalised: r.generalised } };
}

// ---- survey events -----------------------------------------------------------------------------
function eventFeature(r: EventRow): Feature {
  const rec = { ...r.record };
  delete rec.footprintWKT; // the geometry carries it
  delete rec.footprintSRS;
  // a generalised event shows its dates to the day only (in its record); the others their instants
  const times = r.generalised ? {} : { eventStart: r.event_start, eventEnd: r.event_end };
  return { type: 'Feature', id: r.event_id, geometry: r.geometry ? JSON.parse(r.geometry) : null, properties: { ...rec, eventID: r.event_id, ...times, generalised: r.generalised } };
}

const surveyEvents: CollectionDef = {
  id: 'survey-events',
  title: '调查事件 Survey events (Darwin Core Event + Humboldt)',
  description: 'Survey events (transects, plots, camera-trap deployments) with Humboldt effort terms. An event holding records of a sensitive taxon is shown at the centre of its grid cell for callers without exact rights.',
  async items(db, q, viewer) {
    const rows = (await eventReadSql(viewer, { bbox: q.bbox, from: q.from, to: q.to, afterId: q.after, limit: q.limit + 1 }).execute(db)).rows;
    const [{ n }] = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM (${eventReadSql(viewer, { bbox: q.bbox, from: q.from, to: q.to })}) q`.execute(db)).rows;
    const p = page(rows, q.limit);
    return { numberMatched: n, next: p.next, features: p.rows.map(eventFeature) };
  },
  async item(db, featureId, viewer) {
    const [r] = (await eventReadSql(viewer, { eventId: featureId, limit: 1 }).execute(db)).rows;
    return r ? eventFeature(r) : null;
  },
  async extent(db, viewer) {
    return extentOf(db, eventExtentSql(viewer));
  },
};

// ---- stations ----------------------------------------------------------------------------------
interface StationRow { id: number; station_id: string; name: string; description: string | null; type: string; elevation_m: number | null; priority_area: string | null; department: string | null; time_zone: string; datastreams: unknown; geometry: string; generalised: boolean }

function stationSql(viewer: Viewer, q: { bbox?: [number, number, number, number]; stationId?: string; after?: number; limit?: number }): RawBuilder<StationRow> {
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

function stationFeature(r: StationRow): Feature {
  return {
    type: 'Feature', id: r.station_id, geometry: JSON.parse(r.geometry),
    properties: {
      stationId: r.station_id, name: r.name, description: r.description, type: r.type, elevationM: r.elevation_m, priorityArea: r.priority_area,
      department: r.department, timeZone: r.time_zone, datastreams: r.datastreams, generalised: r.generalised,
      ...(r.generalised ? { dataGeneralizations: STATION_GENERALISATION, informationWithheld: STATION_WITHHELD } : {}),
    },
  };
}

const stations: CollectionDef = {
  id: 'stations',
  title: '监测站点 Monitoring stations (SensorThings Things)',
  description: 'Monitoring stations with their datastreams (observed property, unit). Camera traps are shown at the centre of their 10 km grid cell for callers without exact rights.',
  async items(db, q, viewer) {
    const rows = (await stationSql(viewer, { bbox: q.bbox, after: q.after, limit: q.limit + 1 }).execute(db)).rows;
    const [{ n }] = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM (${stationSql(viewer, { bbox: q.bbox })}) q`.execute(db)).rows;
    const p = page(rows, q.limit);
    return { numberMatched: n, next: p.next, features: p.rows.map(stationFeature) };
  },
  async item(db, featureId, viewer) {
    const [r] = (await stationSql(viewer, { stationId: featureId, limit: 1 }).execute(db)).rows;
    return r ? stationFeature(r) : null;
  },
  async extent(db, viewer) {
    return extentOf(db, sql`SELECT ST_XMin(x) AS w, ST_YMin(x) AS s, ST_XMax(x) AS e, ST_YMax(x) AS n, NULL::timestamptz AS t0, NULL::timestamptz AS t1
      FROM (SELECT ST_Extent(${stationShown(viewer).location}) AS x FROM stations s) a`);
  },
};

// ---- reference layers (one dataset version each) -------------------------------------------------
type LayerTable = 'regions' | 'protected_areas' | 'land_cover';
const LAYER_PROPS: Record<LayerTable, { key: RawBuilder<unknown>; props: RawBuilder<unknown> }> = {
  regions: { key: sql`f.code`, props: sql`jsonb_build_object('code', f.code, 'name', f.name, 'nameEn', f.name_en, 'level', f.level, 'parentCode', f.parent_code, 'officialAreaKm2', f.official_area_km2::float8)` },
  protected_areas: { key: sql`f.pa_id`, props: sql`jsonb_build_object('id', f.pa_id, 'name', f.name, 'nameEn', f.name_en, 'designation', f.designation, 'level', f.level, 'status', f.status, 'establishedYear', f.established_year)` },
  land_cover: { key: sql`f.id::text`, props: sql`jsonb_build_object('class', f.class, 'grasslandType', f.grassland_type, 'wetlandType', f.wetland_type, 'natural', f.is_natural, 'year', f.year)` },
};

interface LayerRow { id: number; key: string; props: Record<string, unknown>; geometry: string }

function layerSql(table: LayerTable, datasetId: number, q: { bbox?: [number, number, number, number]; key?: string; after?: number; limit?: number }): RawBuilder<LayerRow> {
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

function layerCollection(id: string, title: string, description: string, table: LayerTable, datasetId: number, year: number): CollectionDef {
  const feature = (r: LayerRow): Feature => ({ type: 'Feature', id: r.key, geometry: JSON.parse(r.geometry), properties: r.props });
  return {
    id, title, description,
    async items(db, q) {
      const rows = (await layerSql(table, datasetId, { bbox: q.bbox, after: q.after, limit: q.limit + 1 }).execute(db)).rows;
      const [{ n }] = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM (${layerSql(table, datasetId, { bbox: q.bbox })}) q`.execute(db)).rows;
      const p = page(rows, q.limit);
      return { numberMatched: n, next: p.next, features: p.rows.map(feature) };
    },
    async item(db, featureId) {
      const [r] = (await layerSql(table, datasetId, { key: featureId, limit: 1 }).execute(db)).rows;
      return r ? feature(r) : null;
    },
    async extent(db) {
      const ext = await extentOf(db, sql`SELECT ST_XMin(x) AS w, ST_YMin(x) AS s, ST_XMax(x) AS e, ST_YMax(x) AS n, NULL::timestamptz AS t0, NULL::timestamptz AS t1
        FROM (SELECT ST_Extent(geom) AS x FROM ${sql.table(table)} WHERE dataset_id = ${datasetId}) a`);
      return { bbox: ext.bbox, interval: [`${year}-01-01T00:00:00Z`, `${year}-12-31T23:59:59Z`] };
    },
  };
}

// ---- indicator results by region ------------------------------------------------------------------
export interface IndicatorRow { id: number; indicator: string; region_code: string; region_name: string | null; year: number; value: number | null; numerator: number | null; denominator: number | null; unit: string; reason: string | null; run_id: string; computed_at: Date; geometry: string | null }

/** The newest completed result of each (indicator, region, year), on the newest regions dataset's outline. */
export function indicatorSql(q: { from?: Date; to?: Date; bbox?: [number, number, number, number]; key?: string; after?: number; limit?: number }): RawBuilder<IndicatorRow> {
  const conds: RawBuilder<unknown>[] = [sql`true`];
  if (q.from) conds.push(sql`x.year >= ${q.from.getUTCFullYear()}`);
  if (q.to) conds.push(sql`x.year <= ${q.to.getUTCFullYear()}`);
  if (q.bbox) conds.push(sql`rg.geom && ${envelope(q.bbox)} AND ST_Intersects(rg.geom, ${envelope(q.bbox)})`);
  if (q.key !== undefined) conds.push(sql`(x.indicator || '.' || x.region_code || '.' || x.year) = ${q.key}`);
  return sql<IndicatorRow>`
    WITH latest AS (
      SELECT DISTINCT ON (r.indicator, r.region_code, r.year) r.*
      FROM indicator_results r JOIN indicator_runs run ON run.id = r.run_id AND run.status = 'completed'
      ORDER BY r.indicator, r.region_code, r.year, run.finished_at DESC, r.computed_at DESC),
    reg AS (SELECT id FROM layer_datasets WHERE kind = 'regions' ORDER BY vintage_year DESC, id DESC LIMIT 1),
    x AS (SELECT row_number() OVER (ORDER BY l.indicator, l.region_code, l.year)::int AS id, l.* FROM latest l)
    SELECT x.id, x.indicator, x.region_code, rg.name AS region_name, x.year, x.value, x.numerator, x.denominator, x.unit, x.reason, x.run_id, x.computed_at,
      ST_AsGeoJSON(rg.geom, 5) AS geometry
    FROM x LEFT JOIN regions rg ON rg.code = x.region_code AND rg.dataset_id = (SELECT id FROM reg)
    WHERE ${sql.join(conds, sql` AND `)} ${q.after ? sql`AND x.id > ${q.after}` : sql``}
    ORDER BY x.id
    ${q.limit === undefined ? sql`` : sql`LIMIT ${q.limit}`}`;
}

function indicatorFeature(r: IndicatorRow): Feature {
  return {
    type: 'Feature', id: `${r.indicator}.${r.region_code}.${r.year}`, geometry: r.geometry ? JSON.parse(r.geometry) : null,
    properties: { indicator: r.indicator, regionCode: r.region_code, regionName: r.region_name, year: r.year, value: r.value, numerator: r.numerator, denominator: r.denominator, unit: r.unit, reason: r.reason, runId: r.run_id, computedAt: r.computed_at },
  };
}

const indicatorResults: CollectionDef = {
  id: 'indicator-results',
  title: '指标结果 Indicator results by region',
  description: 'The newest completed value of each indicator per region and year (BRIEF §6), on the region outline of the newest regions dataset; null values carry their reason.',
  async items(db, q) {
    const rows = (await indicatorSql({ from: q.from, to: q.to, bbox: q.bbox, after: q.after, limit: q.limit + 1 }).execute(db)).rows;
    const [{ n }] = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM (${indicatorSql({ from: q.from, to: q.to, bbox: q.bbox })}) q`.execute(db)).rows;
    const p = page(rows, q.limit);
    return { numberMatched: n, next: p.next, features: p.rows.map(indicatorFeature) };
  },
  async item(db, featureId) {
    const [r] = (await indicatorSql({ key: featureId, limit: 1 }).execute(db)).rows;
    return r ? indicatorFeature(r) : null;
  },
  async extent(db) {
    return extentOf(db, sql`SELECT ST_XMin(x) AS w, ST_YMin(x) AS s, ST_XMax(x) AS e, ST_YMax(x) AS n,
        (SELECT make_timestamptz(min(year), 1, 1, 0, 0, 0, 'UTC') FROM indicator_results) AS t0,
        (SELECT make_timestamptz(max(year), 12, 31, 23, 59, 59, 'UTC') FROM indicator_results) AS t1
      FROM (SELECT ST_Extent(rg.geom) AS x FROM regions rg WHERE rg.dataset_id = (SELECT id FROM layer_datasets WHERE kind = 'regions' ORDER BY vintage_year DESC, id DESC LIMIT 1)) a`);
  },
};

/**
 * Every collection: the fixed ones, the newest regions and protected-areas datasets, and one
 * land-cover collection per dataset version (`land-cover-<datasetId>`), newest first.
 */
export async function listCollections(db: Db): Promise<CollectionDef[]> {
  const sets = await db.selectFrom('layer_datasets').select(['id', 'kind', 'vintage_year', 'name']).where('kind', 'in', ['regions', 'protected-areas', 'land-cover'])
    .orderBy('vintage_year', 'desc').orderBy('id', 'desc').execute();
  const out: CollectionDef[] = [occurrences, surveyEvents, stations];
  const reg = sets.find((s) => s.kind === 'regions');
  if (reg) out.push(layerCollection('regions', '行政区与优先区域 Regions', `Provinces, prefectures, counties and priority areas (dataset ${reg.id}, ${reg.vintage_year}).`, 'regions', reg.id, reg.vintage_year));
  const pa = sets.find((s) => s.kind === 'protected-areas');
  if (pa) out.push(layerCollection('protected-areas', '自然保护地 Protected areas', `Protected areas (dataset ${pa.id}, ${pa.vintage_year}).`, 'protected_areas', pa.id, pa.vintage_year));
  for (const lc of sets.filter((s) => s.kind === 'land-cover')) {
    out.push(layerCollection(`land-cover-${lc.id}`, `土地覆被 Land cover ${lc.vintage_year} (dataset ${lc.id})`, `Land cover classes, dataset version ${lc.id} (${lc.vintage_year}${lc.name ? `, ${lc.name}` : ''}).`, 'land_cover', lc.id, lc.vintage_year));
  }
  out.push(indicatorResults);
  return out;
}

export async function findCollection(db: Db, id: string): Promise<CollectionDef | undefined> {
  return (await listCollections(db)).find((c) => c.id === id);
}
