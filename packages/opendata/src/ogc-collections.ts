/**
 * The feature collections of biomon's OGC API – Features (Part 1: Core), each a small adapter
 * from a table to GeoJSON features: items (bbox in CRS84 and datetime filters, keyset paging),
 * one item, the number matched and the extent. Occurrences, survey events and stations are shaped
 * for the viewer by the one sensitive-data projection (@biomon/sensitive, BRIEF §8) — their
 * extents too, which come from what the viewer may see.
 */
import type { Db, RawBuilder } from '@biomon/db';
import {
  eventExtentSql,
  eventReadSql,
  occurrenceExtentSql,
  occurrenceReadSql,
  STATION_GENERALISATION,
  STATION_WITHHELD,
  type EventRow,
  type OccurrenceFilter,
  type OccurrenceOut,
  type Viewer,
} from '@biomon/sensitive';
import {
  collectionDatasets,
  countOf,
  extentRows,
  indicatorExtentSql,
  indicatorSql,
  layerExtentSql,
  layerSql,
  rowsOf,
  stationExtentSql,
  stationSql,
  type ExtentRow,
  type IndicatorRow,
  type LayerRow,
  type LayerTable,
  type StationRow,
} from './ogc.repository';

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

export interface ItemsPage {
  features: Feature[];
  /** null: more than NUMBER_MATCHED_CAP match (left out of the page) */
  numberMatched: number | null;
  next: number | null;
}

export interface Extent {
  bbox: [number, number, number, number] | null;
  interval: [string | null, string | null] | null;
}

export interface CollectionDef {
  id: string;
  title: string;
  description: string;
  items(db: Db, q: ItemsQuery, viewer: Viewer): Promise<ItemsPage>;
  item(db: Db, featureId: string, viewer: Viewer): Promise<Feature | null>;
  /** the extent of what the viewer may see */
  extent(db: Db, viewer: Viewer): Promise<Extent>;
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

interface ExtentBatch {
  db: Db;
  items: { q: RawBuilder<ExtentRow>; resolve: (r: ExtentRow | undefined) => void; reject: (e: unknown) => void }[];
}
let extentBatch: ExtentBatch | null = null;

/**
 * The extent one query gives. Extents asked for in the same turn of the event loop (the
 * collections document asks for every collection's at once) are read by one statement.
 */
function loadExtent(db: Db, q: RawBuilder<ExtentRow>): Promise<ExtentRow | undefined> {
  return new Promise((resolve, reject) => {
    if (!extentBatch || extentBatch.db !== db) {
      const batch: ExtentBatch = { db, items: [] };
      extentBatch = batch;
      queueMicrotask(() => {
        if (extentBatch === batch) extentBatch = null;
        extentRows(
          db,
          batch.items.map((i) => i.q),
        ).then(
          (rows) => batch.items.forEach((item, k) => item.resolve(rows[k])),
          (err) => batch.items.forEach((item) => item.reject(err)),
        );
      });
    }
    extentBatch.items.push({ q, resolve, reject });
  });
}

async function extentOf(db: Db, q: RawBuilder<ExtentRow>): Promise<Extent> {
  const r = await loadExtent(db, q);
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
  description:
    'Darwin Core occurrences. Records of sensitive taxa are generalised to the centre of their 10 km grid cell for every caller but evaluators and admins (BRIEF §8); bbox applies to the point shown.',
  async items(db, q, viewer) {
    const filter: OccurrenceFilter = { ...(q.occurrence ?? {}), bbox: q.bbox, from: q.from ?? q.occurrence?.from, to: q.to ?? q.occurrence?.to };
    const [rows, n] = await Promise.all([
      rowsOf(db, occurrenceReadSql(viewer, { ...filter, afterId: q.after, limit: q.limit + 1 })),
      countOf(db, occurrenceReadSql(viewer, filter)),
    ]);
    const p = page(rows, q.limit);
    return { numberMatched: n, next: p.next, features: p.rows.map(occurrenceFeature) };
  },
  async item(db, featureId, viewer) {
    const [r] = await rowsOf(db, occurrenceReadSql(viewer, { occurrenceID: featureId, limit: 1 }));
    return r ? occurrenceFeature(r) : null;
  },
  async extent(db, viewer) {
    return extentOf(db, occurrenceExtentSql(viewer));
  },
};

function occurrenceFeature(r: OccurrenceOut): Feature {
  return {
    type: 'Feature',
    id: String(r.record.occurrenceID),
    geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
    properties: { ...r.record, generalised: r.generalised },
  };
}

// ---- survey events -----------------------------------------------------------------------------
function eventFeature(r: EventRow): Feature {
  const rec = { ...r.record };
  delete rec.footprintWKT; // the geometry carries it
  delete rec.footprintSRS;
  // a generalised event shows its dates to the day only (in its record); the others their instants
  const times = r.generalised ? {} : { eventStart: r.event_start, eventEnd: r.event_end };
  return {
    type: 'Feature',
    id: r.event_id,
    geometry: r.geometry ? JSON.parse(r.geometry) : null,
    properties: { ...rec, eventID: r.event_id, ...times, generalised: r.generalised },
  };
}

const surveyEvents: CollectionDef = {
  id: 'survey-events',
  title: '调查事件 Survey events (Darwin Core Event + Humboldt)',
  description:
    'Survey events (transects, plots, camera-trap deployments) with Humboldt effort terms. An event holding records of a sensitive taxon is shown at the centre of its grid cell for callers without exact rights.',
  async items(db, q, viewer) {
    const [rows, n] = await Promise.all([
      rowsOf(db, eventReadSql(viewer, { bbox: q.bbox, from: q.from, to: q.to, afterId: q.after, limit: q.limit + 1 })),
      countOf(db, eventReadSql(viewer, { bbox: q.bbox, from: q.from, to: q.to })),
    ]);
    const p = page(rows, q.limit);
    return { numberMatched: n, next: p.next, features: p.rows.map(eventFeature) };
  },
  async item(db, featureId, viewer) {
    const [r] = await rowsOf(db, eventReadSql(viewer, { eventId: featureId, limit: 1 }));
    return r ? eventFeature(r) : null;
  },
  async extent(db, viewer) {
    return extentOf(db, eventExtentSql(viewer));
  },
};

// ---- stations ----------------------------------------------------------------------------------
function stationFeature(r: StationRow): Feature {
  return {
    type: 'Feature',
    id: r.station_id,
    geometry: JSON.parse(r.geometry),
    properties: {
      stationId: r.station_id,
      name: r.name,
      description: r.description,
      type: r.type,
      elevationM: r.elevation_m,
      priorityArea: r.priority_area,
      department: r.department,
      timeZone: r.time_zone,
      datastreams: r.datastreams,
      generalised: r.generalised,
      ...(r.generalised ? { dataGeneralizations: STATION_GENERALISATION, informationWithheld: STATION_WITHHELD } : {}),
    },
  };
}

const stations: CollectionDef = {
  id: 'stations',
  title: '监测站点 Monitoring stations (SensorThings Things)',
  description:
    'Monitoring stations with their datastreams (observed property, unit). Camera traps are shown at the centre of their 10 km grid cell for callers without exact rights.',
  async items(db, q, viewer) {
    const [rows, n] = await Promise.all([
      rowsOf(db, stationSql(viewer, { bbox: q.bbox, after: q.after, limit: q.limit + 1 })),
      countOf(db, stationSql(viewer, { bbox: q.bbox })),
    ]);
    const p = page(rows, q.limit);
    return { numberMatched: n, next: p.next, features: p.rows.map(stationFeature) };
  },
  async item(db, featureId, viewer) {
    const [r] = await rowsOf(db, stationSql(viewer, { stationId: featureId, limit: 1 }));
    return r ? stationFeature(r) : null;
  },
  async extent(db, viewer) {
    return extentOf(db, stationExtentSql(viewer));
  },
};

// ---- reference layers (one dataset version each) -------------------------------------------------
function layerCollection(id: string, title: string, description: string, table: LayerTable, datasetId: number, year: number): CollectionDef {
  const feature = (r: LayerRow): Feature => ({ type: 'Feature', id: r.key, geometry: JSON.parse(r.geometry), properties: r.props });
  return {
    id,
    title,
    description,
    async items(db, q) {
      const [rows, n] = await Promise.all([
        rowsOf(db, layerSql(table, datasetId, { bbox: q.bbox, after: q.after, limit: q.limit + 1 })),
        countOf(db, layerSql(table, datasetId, { bbox: q.bbox })),
      ]);
      const p = page(rows, q.limit);
      return { numberMatched: n, next: p.next, features: p.rows.map(feature) };
    },
    async item(db, featureId) {
      const [r] = await rowsOf(db, layerSql(table, datasetId, { key: featureId, limit: 1 }));
      return r ? feature(r) : null;
    },
    async extent(db) {
      const ext = await extentOf(db, layerExtentSql(table, datasetId));
      return { bbox: ext.bbox, interval: [`${year}-01-01T00:00:00Z`, `${year}-12-31T23:59:59Z`] };
    },
  };
}

// ---- indicator results by region ------------------------------------------------------------------
/** One indicator result as a GeoJSON Feature (OGC items and the GeoJSON download). */
export function indicatorFeature(r: IndicatorRow): Feature {
  return {
    type: 'Feature',
    id: `${r.indicator}.${r.region_code}.${r.year}${r.variant ? `.${r.variant}` : ''}`,
    geometry: r.geometry ? JSON.parse(r.geometry) : null,
    properties: {
      indicator: r.indicator,
      regionCode: r.region_code,
      regionName: r.region_name,
      year: r.year,
      // which of several values for the region (pa_connectivity: one per dispersal distance)
      ...(r.variant ? { variant: r.variant } : {}),
      value: r.value,
      numerator: r.numerator,
      denominator: r.denominator,
      unit: r.unit,
      reason: r.reason,
      runId: r.run_id,
      computedAt: r.computed_at,
    },
  };
}

const indicatorResults: CollectionDef = {
  id: 'indicator-results',
  title: '指标结果 Indicator results by region',
  description:
    'The newest completed value of each indicator per region and year (BRIEF §6), on the region outline of the newest regions dataset; null values carry their reason.',
  async items(db, q) {
    const [rows, n] = await Promise.all([
      rowsOf(db, indicatorSql({ from: q.from, to: q.to, bbox: q.bbox, after: q.after, limit: q.limit + 1 })),
      countOf(db, indicatorSql({ from: q.from, to: q.to, bbox: q.bbox })),
    ]);
    const p = page(rows, q.limit);
    return { numberMatched: n, next: p.next, features: p.rows.map(indicatorFeature) };
  },
  async item(db, featureId) {
    const [r] = await rowsOf(db, indicatorSql({ key: featureId, limit: 1 }));
    return r ? indicatorFeature(r) : null;
  },
  async extent(db) {
    return extentOf(db, indicatorExtentSql());
  },
};

/**
 * Every collection: the fixed ones, the newest regions and protected-areas datasets, and one
 * land-cover collection per dataset version (`land-cover-<datasetId>`), newest first.
 */
export async function listCollections(db: Db): Promise<CollectionDef[]> {
  const sets = await collectionDatasets(db);
  const out: CollectionDef[] = [occurrences, surveyEvents, stations];
  const reg = sets.find((s) => s.kind === 'regions');
  if (reg)
    out.push(
      layerCollection(
        'regions',
        '行政区与优先区域 Regions',
        `Provinces, prefectures, counties and priority areas (dataset ${reg.id}, ${reg.vintage_year}).`,
        'regions',
        reg.id,
        reg.vintage_year,
      ),
    );
  const pa = sets.find((s) => s.kind === 'protected-areas');
  if (pa)
    out.push(
      layerCollection(
        'protected-areas',
        '自然保护地 Protected areas',
        `Protected areas (dataset ${pa.id}, ${pa.vintage_year}).`,
        'protected_areas',
        pa.id,
        pa.vintage_year,
      ),
    );
  for (const lc of sets.filter((s) => s.kind === 'land-cover')) {
    out.push(
      layerCollection(
        `land-cover-${lc.id}`,
        `土地覆被 Land cover ${lc.vintage_year} (dataset ${lc.id})`,
        `Land cover classes, dataset version ${lc.id} (${lc.vintage_year}${lc.name ? `, ${lc.name}` : ''}).`,
        'land_cover',
        lc.id,
        lc.vintage_year,
      ),
    );
  }
  out.push(indicatorResults);
  return out;
}

export async function findCollection(db: Db, id: string): Promise<CollectionDef | undefined> {
  return (await listCollections(db)).find((c) => c.id === id);
}
