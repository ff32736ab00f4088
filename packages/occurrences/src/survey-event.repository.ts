import { jsonbRowsParam, sql, type DbOrTx } from '@biomon/db';
import type { Owner } from './record-owner';

/** The SQL of the survey events (`survey_events`): owners, geometry checks, the batch upsert, regions. */

/** The owners of the events of these eventIDs that exist already. */
export async function eventOwners(tx: DbOrTx, eventIds: string[]) {
  return tx.selectFrom('survey_events').select(['event_id', 'team', 'owner_station']).where('event_id', 'in', eventIds).execute();
}

/**
 * Reads each footprint (GeoJSON or WKT) in PostGIS: `ok` when it reads (or there is none),
 * `geodetic` when its length on the ellipsoid can be computed (longitudes and latitudes in range).
 */
export async function checkEventGeometries(tx: DbOrTx, list: { geojson: string | null; wkt: string | null; effortFromFootprint: unknown }[]) {
  return sql<{ i: number; ok: boolean; geodetic: boolean }>`
      SELECT x.i, c.geom IS NOT NULL OR (x.gj IS NULL AND x.wkt IS NULL) AS ok,
        NOT x.len OR coalesce(ST_XMin(c.geom) >= -180 AND ST_XMax(c.geom) <= 180 AND ST_YMin(c.geom) >= -90 AND ST_YMax(c.geom) <= 90, false) AS geodetic
      FROM unnest(${list.map((_, i) => i)}::int[], ${list.map((p) => p.geojson)}::text[], ${list.map((p) => p.wkt)}::text[], ${list.map((p) => p.effortFromFootprint !== null)}::bool[]) AS x(i, gj, wkt, len)
      CROSS JOIN LATERAL (SELECT CASE WHEN x.gj IS NOT NULL THEN biomon_try_geojson(x.gj) ELSE biomon_try_wkt(x.wkt) END AS geom) c`.execute(tx);
}

/** One event as the upsert reads it (jsonb_to_recordset). */
export interface SurveyEventUpsertRow {
  event_id: string;
  parent_event_id: string | null;
  sampling_protocol: string | null;
  event_start: string;
  event_end: string;
  sample_size_value: number | null;
  sample_size_unit: string | null;
  sampling_effort_value: number | null;
  sampling_effort_unit: string | null;
  is_absence_reported: boolean | null;
  target_taxonomic_scope: string | null;
  gj: string | null;
  wkt: string | null;
  data: unknown;
  content_hash: string;
  effort_div: number | null;
  effort_decimals: number | null;
}

/**
 * Inserts new events and updates changed ones (by content hash), computing the footprint's length
 * on the ellipsoid when asked; returns one row per event inserted or changed.
 */
export async function upsertSurveyEvents(tx: DbOrTx, rows: SurveyEventUpsertRow[], owner: Owner, importId: string | null, tokenId: string | null) {
  return sql<{ inserted: boolean; changed: boolean }>`
      INSERT INTO survey_events AS e (event_id, parent_event_id, sampling_protocol, event_start, event_end, sample_size_value, sample_size_unit,
        sampling_effort_value, sampling_effort_unit, is_absence_reported, target_taxonomic_scope, team, owner_station, footprint, geom, data, content_hash,
        import_id, created_by, updated_by)
      SELECT r.event_id, r.parent_event_id, r.sampling_protocol, r.event_start, r.event_end, r.sample_size_value, r.sample_size_unit,
        coalesce(l.len, r.sampling_effort_value), r.sampling_effort_unit, r.is_absence_reported, r.target_taxonomic_scope, ${owner.team}, ${owner.owner_station},
        g.g, ST_PointOnSurface(g.g), CASE WHEN l.len IS NULL THEN r.data ELSE r.data || jsonb_build_object('eco:samplingEffortValue', l.len) END, r.content_hash, ${importId}::uuid, ${tokenId}::uuid, ${tokenId}::uuid
      FROM jsonb_to_recordset(${jsonbRowsParam(rows)}::jsonb) AS r(event_id text, parent_event_id text, sampling_protocol text,
        event_start timestamptz, event_end timestamptz, sample_size_value numeric, sample_size_unit text, sampling_effort_value numeric,
        sampling_effort_unit text, is_absence_reported boolean, target_taxonomic_scope text, gj text, wkt text, data jsonb, content_hash text,
        effort_div numeric, effort_decimals int)
      CROSS JOIN LATERAL (SELECT CASE WHEN r.gj IS NOT NULL THEN biomon_try_geojson(r.gj) ELSE biomon_try_wkt(r.wkt) END AS g) g
      -- the footprint's geodesic length on the WGS84 ellipsoid (geography: GeographicLib), when the event asks for it
      CROSS JOIN LATERAL (SELECT CASE WHEN r.effort_div IS NOT NULL THEN round((ST_Length(g.g::geography) / r.effort_div)::numeric, r.effort_decimals) END AS len) l
      ON CONFLICT (event_id) DO UPDATE SET
        parent_event_id = excluded.parent_event_id, sampling_protocol = excluded.sampling_protocol, event_start = excluded.event_start,
        event_end = excluded.event_end, sample_size_value = excluded.sample_size_value, sample_size_unit = excluded.sample_size_unit,
        sampling_effort_value = excluded.sampling_effort_value, sampling_effort_unit = excluded.sampling_effort_unit,
        is_absence_reported = excluded.is_absence_reported, target_taxonomic_scope = excluded.target_taxonomic_scope,
        footprint = excluded.footprint, geom = excluded.geom, data = excluded.data, content_hash = excluded.content_hash,
        version = e.version + 1, updated_at = now(), updated_by = excluded.updated_by
      WHERE e.content_hash IS DISTINCT FROM excluded.content_hash
      RETURNING (xmax = 0) AS inserted, true AS changed`.execute(tx);
}

/** The regions and priority area of these events, from the newest regions layer. */
export async function setEventRegions(tx: DbOrTx, eventIds: string[]): Promise<void> {
  await sql`
      WITH reg AS (SELECT id FROM layer_datasets WHERE kind = 'regions' ORDER BY vintage_year DESC, id DESC LIMIT 1)
      UPDATE survey_events e SET
        region_codes = coalesce((SELECT array_agg(r.code ORDER BY r.code) FROM regions r WHERE r.dataset_id = (SELECT id FROM reg) AND r.level <> 'priority_area' AND ST_Intersects(r.geom, e.geom)), '{}'),
        priority_area = (SELECT r.code FROM regions r WHERE r.dataset_id = (SELECT id FROM reg) AND r.level = 'priority_area' AND ST_Intersects(r.geom, e.geom) ORDER BY r.code LIMIT 1)
      WHERE e.event_id = ANY(${eventIds}::text[]) AND e.geom IS NOT NULL`.execute(tx);
}
