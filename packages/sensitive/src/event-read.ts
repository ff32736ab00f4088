import type { RawBuilder } from '@biomon/db';
import { chinaDayEnd, chinaDayStart, chinaPart, sql } from '@biomon/db';
import { dayPrecisionDate, INFORMATION_WITHHELD, pickAllowed } from './occurrence-read';
import { seesExact, type Viewer } from './viewer';

/**
 * Survey events as a viewer sees them. An event that holds or ever held a sensitive record (or is
 * the small parent of one: table sensitive_events, written by @biomon/occurrences) betrays where the
 * animal was — a camera-trap deployment's footprint is the trap. For viewers below evaluator such
 * an event is shown at the centre of the grid cell of its representative point (the point, the
 * first point of a transect, the centroid of a plot) with the allowed terms only.
 */
export interface EventRow {
  id: number;
  event_id: string;
  /** null when generalised (it would tie the event to its siblings) */
  parent_event_id: string | null;
  /** the event's Darwin Core / Humboldt terms as this viewer may see them */
  record: Record<string, unknown>;
  /** GeoJSON of the shown geometry (the footprint, or the cell centre when generalised) */
  geometry: string | null;
  event_start: Date;
  event_end: Date;
  generalised: boolean;
}

/** The only terms a generalised event carries besides the computed ones (dates to the day, the cell centre). */
export const GENERALISED_EVENT_TERMS = [
  'eventID',
  'eventType',
  'samplingProtocol',
  'sampleSizeValue',
  'sampleSizeUnit',
  'samplingEffort',
  'eco:samplingEffortValue',
  'eco:samplingEffortUnit',
  'eco:isAbsenceReported',
  'eco:targetTaxonomicScope',
  'eco:eventDurationValue',
  'eco:eventDurationUnit',
  'eco:totalAreaSampledValue',
  'eco:totalAreaSampledUnit',
  'eco:inventoryTypes',
  'eco:protocolNames',
  'eco:taxonCompletenessReported',
  'license',
  'institutionCode',
  'datasetName',
] as const;

export interface EventSelect {
  bbox?: [number, number, number, number];
  from?: Date;
  to?: Date;
  /** a subquery of eventIDs */
  eventIds?: RawBuilder<unknown>;
  eventId?: string;
  afterId?: number;
  limit?: number;
}

/** The geometry of an event as the viewer sees it (`e` the event, `se` its sensitive_events row). */
function shownGeometry(exact: boolean): RawBuilder<unknown> {
  return exact
    ? sql`e.footprint`
    : sql`(CASE WHEN se.event_id IS NULL THEN e.footprint ELSE biomon_cell_centre(biomon_representative_point(e.footprint), se.cell_m) END)`;
}

export function eventReadSql(viewer: Viewer, q: EventSelect): RawBuilder<EventRow> {
  const exact = seesExact(viewer);
  const shown = shownGeometry(exact);
  const conds: RawBuilder<unknown>[] = [];
  if (q.bbox) {
    const env = sql`ST_MakeEnvelope(${q.bbox[0]}, ${q.bbox[1]}, ${q.bbox[2]}, ${q.bbox[3]}, 4326)`;
    // the index narrows by the footprint (a cell centre lies within ~8 km of it), then the shown geometry decides
    conds.push(
      exact
        ? sql`e.footprint && ${env} AND ST_Intersects(e.footprint, ${env})`
        : sql`e.footprint && ST_Expand(${env}, 0.2) AND ST_Intersects(${shown}, ${env})`,
    );
  }
  const dayEnd = chinaDayEnd(sql`e.event_end`);
  const dayStart = chinaDayStart(sql`e.event_start`);
  if (q.from)
    conds.push(exact ? sql`e.event_end >= ${q.from}` : sql`(CASE WHEN se.event_id IS NOT NULL THEN ${dayEnd} > ${q.from} ELSE e.event_end >= ${q.from} END)`);
  if (q.to)
    conds.push(exact ? sql`e.event_start <= ${q.to}` : sql`(CASE WHEN se.event_id IS NOT NULL THEN ${dayStart} <= ${q.to} ELSE e.event_start <= ${q.to} END)`);
  if (q.eventIds) conds.push(sql`e.event_id IN (${q.eventIds})`);
  if (q.eventId !== undefined) conds.push(sql`e.event_id = ${q.eventId}`);
  if (q.afterId) conds.push(sql`e.id > ${q.afterId}`);
  const where = conds.length ? sql.join(conds, sql` AND `) : sql`true`;
  // the stored terms with a footprintWKT written from the geometry (a GeoJSON `geometry` term is not a Darwin Core term)
  const full = sql`(e.data - 'geometry') || CASE WHEN coalesce(e.data->>'footprintWKT', '') = '' AND e.footprint IS NOT NULL
      THEN jsonb_build_object('footprintWKT', ST_AsText(e.footprint), 'footprintSRS', 'EPSG:4326') ELSE '{}'::jsonb END`;
  const cellKm = sql`round(se.cell_m / 1000.0)::int`;
  const generalisedRecord = sql`${pickAllowed(sql`e.data`, GENERALISED_EVENT_TERMS)} || jsonb_build_object(
      'eventID', e.event_id,
      'eventDate', ${dayPrecisionDate(sql`e.event_start`, sql`e.event_end`)},
      'year', ${chinaPart('year', sql`e.event_start`)},
      'month', ${chinaPart('month', sql`e.event_start`)},
      'decimalLatitude', round(ST_Y(${shown})::numeric, 6), 'decimalLongitude', round(ST_X(${shown})::numeric, 6),
      'geodeticDatum', CASE WHEN e.footprint IS NULL THEN NULL ELSE 'EPSG:4326' END,
      'coordinateUncertaintyInMeters', CASE WHEN e.footprint IS NULL THEN NULL ELSE round(se.cell_m * sqrt(2) / 2) END,
      'dataGeneralizations', '调查事件位置已泛化至 ' || ${cellKm} || ' 公里网格中心 Footprint replaced by the centre of the ' || ${cellKm} || ' km grid cell of its representative point (BRIEF §8 grid): the event holds, or held, a record of a sensitive species',
      'informationWithheld', ${INFORMATION_WITHHELD}::text)`;
  const record = exact ? full : sql`(CASE WHEN se.event_id IS NULL THEN ${full} ELSE ${generalisedRecord} END)`;
  return sql<EventRow>`
    SELECT e.id, e.event_id, ${exact ? sql`e.parent_event_id` : sql`CASE WHEN se.event_id IS NULL THEN e.parent_event_id END`} AS parent_event_id,
      ${record} AS record, ST_AsGeoJSON(${shown}, 7) AS geometry, e.event_start, e.event_end,
      ${exact ? sql`false` : sql`(se.event_id IS NOT NULL)`} AS generalised
    FROM survey_events e
    LEFT JOIN sensitive_events se ON se.event_id = e.event_id
    WHERE ${where}
    ORDER BY e.id
    ${q.limit === undefined ? sql`` : sql`LIMIT ${q.limit}`}`;
}

/** The extent (and time span) of the events a viewer may see, in what it is shown. */
export function eventExtentSql(
  viewer: Viewer,
): RawBuilder<{ w: number | null; s: number | null; e: number | null; n: number | null; t0: Date | null; t1: Date | null }> {
  const exact = seesExact(viewer);
  return sql`SELECT ST_XMin(x) AS w, ST_YMin(x) AS s, ST_XMax(x) AS e, ST_YMax(x) AS n, t0, t1
    FROM (SELECT ST_Extent(${shownGeometry(exact)}) AS x,
            min(${exact ? sql`e.event_start` : sql`CASE WHEN se.event_id IS NULL THEN e.event_start ELSE ${chinaDayStart(sql`e.event_start`)} END`}) AS t0,
            max(${exact ? sql`e.event_end` : sql`CASE WHEN se.event_id IS NULL THEN e.event_end ELSE ${chinaDayStart(sql`e.event_end`)} END`}) AS t1
          FROM survey_events e LEFT JOIN sensitive_events se ON se.event_id = e.event_id) a`;
}
