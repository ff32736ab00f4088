import { sql, type RawBuilder } from '@biomon/db';
import { LOCATION_TERMS } from '@biomon/occurrences';

/**
 * Survey events as open data. An event that holds a record of a sensitive taxon (or of its
 * subspecies) betrays where the animal was: a camera-trap deployment's footprint is the trap's
 * exact point. For callers without exact rights such an event is generalised like its records:
 * the footprint is replaced by the centre of the grid cell of its representative point,
 * location terms are withheld, and dataGeneralizations/informationWithheld say so. The bbox
 * filter applies to the shown geometry.
 */
export interface EventRow {
  id: number;
  event_id: string;
  parent_event_id: string | null;
  data: Record<string, unknown>;
  footprint_wkt: string | null;
  /** GeoJSON of the shown geometry (the footprint, or the cell centre when generalised). */
  geometry: string | null;
  event_start: Date;
  event_end: Date;
  cell_m: number | null;
  generalised: boolean;
  shown_lon: number | null;
  shown_lat: number | null;
}

export interface EventSelect {
  exact: boolean;
  bbox?: [number, number, number, number];
  from?: Date;
  to?: Date;
  eventIds?: RawBuilder<unknown>;
  eventId?: string;
  afterId?: number;
  limit?: number;
}

export function eventSelectSql(q: EventSelect): RawBuilder<EventRow> {
  const generalised = q.exact ? sql`false` : sql`(s.cell_m IS NOT NULL)`;
  const shown = q.exact ? sql`e.footprint` : sql`(CASE WHEN s.cell_m IS NOT NULL THEN biomon_cell_centre(e.geom, s.cell_m) ELSE e.footprint END)`;
  const conds: RawBuilder<unknown>[] = [];
  if (q.bbox) {
    const env = sql`ST_MakeEnvelope(${q.bbox[0]}, ${q.bbox[1]}, ${q.bbox[2]}, ${q.bbox[3]}, 4326)`;
    conds.push(q.exact ? sql`e.footprint && ${env} AND ST_Intersects(e.footprint, ${env})` : sql`e.footprint && ST_Expand(${env}, 0.2) AND ST_Intersects(${shown}, ${env})`);
  }
  if (q.from) conds.push(sql`e.event_end >= ${q.from}`);
  if (q.to) conds.push(sql`e.event_start <= ${q.to}`);
  if (q.eventIds) conds.push(sql`e.event_id IN (${q.eventIds})`);
  if (q.eventId !== undefined) conds.push(sql`e.event_id = ${q.eventId}`);
  if (q.afterId) conds.push(sql`e.id > ${q.afterId}`);
  const where = conds.length ? sql.join(conds, sql` AND `) : sql`true`;
  return sql<EventRow>`
    SELECT e.id, e.event_id, e.parent_event_id, e.data, ST_AsText(e.footprint) AS footprint_wkt,
      ST_AsGeoJSON(${shown}, 7) AS geometry, e.event_start, e.event_end, s.cell_m, ${generalised} AS generalised,
      ST_X(biomon_cell_centre(e.geom, s.cell_m)) AS shown_lon, ST_Y(biomon_cell_centre(e.geom, s.cell_m)) AS shown_lat
    FROM survey_events e
    LEFT JOIN LATERAL (
      SELECT max(greatest(coalesce(t.generalize_cell_m, 10000), coalesce(pt.generalize_cell_m, 10000)))::float8 AS cell_m
      FROM occurrences so JOIN taxa t ON t.id = so.taxon_id LEFT JOIN taxa pt ON pt.id = t.parent_id
      WHERE so.event_id = e.event_id AND (t.sensitive OR coalesce(pt.sensitive, false))
    ) s ON true
    WHERE ${where}
    ORDER BY e.id
    ${q.limit === undefined ? sql`` : sql`LIMIT ${q.limit}`}`;
}

/**
 * The Darwin Core Event record of a row: the stored terms, a GeoJSON `geometry` written as
 * footprintWKT (WGS84), and, when generalised, the cell centre instead of the footprint.
 */
export function eventRecord(r: EventRow): Record<string, unknown> {
  const rec: Record<string, unknown> = { ...r.data };
  delete rec.geometry;
  if ((rec.footprintWKT === undefined || rec.footprintWKT === '') && r.footprint_wkt) {
    rec.footprintWKT = r.footprint_wkt;
    rec.footprintSRS = 'EPSG:4326';
  }
  if (r.generalised && r.cell_m !== null) {
    for (const k of [...LOCATION_TERMS, 'footprintWKT', 'footprintSRS']) delete rec[k];
    rec.decimalLatitude = Math.round((r.shown_lat ?? 0) * 1e6) / 1e6;
    rec.decimalLongitude = Math.round((r.shown_lon ?? 0) * 1e6) / 1e6;
    rec.geodeticDatum = 'EPSG:4326';
    rec.coordinateUncertaintyInMeters = Math.round((r.cell_m * Math.SQRT2) / 2);
    rec.dataGeneralizations = `Footprint replaced by the centre of its ${Math.round(r.cell_m / 1000)} km grid cell (Albers equal-area, BRIEF §8 grid): the event holds records of a sensitive species`;
    rec.informationWithheld = 'Precise location withheld: sensitive species (敏感物种位置已模糊化)';
  }
  return rec;
}
