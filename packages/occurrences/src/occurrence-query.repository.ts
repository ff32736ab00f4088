import type { DbOrTx } from '@biomon/db';
import { sql, type RawBuilder } from '@biomon/db';
import { nameKey } from '@biomon/taxa';

export interface OccurrenceQuery {
  bbox?: [number, number, number, number];
  region?: string;
  priorityArea?: string;
  taxon?: string;
  protectionClass?: 'I' | 'II';
  from?: Date;
  to?: Date;
  eventID?: string;
  basisOfRecord?: string;
  reviewState?: string;
  occurrenceID?: string;
  limit: number;
  /** keyset cursor: the last id of the previous page */
  afterId?: number;
}

/** Terms that can betray a sensitive record's place; withheld with the coordinates. */
export const LOCATION_TERMS = [
  'decimalLatitude', 'decimalLongitude', 'verbatimLatitude', 'verbatimLongitude', 'verbatimCoordinates', 'verbatimLocality',
  'locality', 'locationRemarks', 'georeferenceRemarks', 'footprintWKT', 'associatedMedia', 'locationID', 'coordinatePrecision',
  'verbatimSRS', 'minimumElevationInMeters', 'maximumElevationInMeters', 'fieldNotes',
  // the event links a sensitive record to the exact records of other species at the same trap or
  // transect: withheld too (regression: a generalised tiger kept its eventID)
  'eventID', 'parentEventID', 'fieldNumber', 'recordNumber', 'catalogNumber',
];

export interface OccurrenceOut {
  id: number;
  record: Record<string, unknown>;
  lon: number;
  lat: number;
  generalised: boolean;
}

/**
 * Reads occurrences with the BRIEF §4 filters. Generalisation happens here, in SQL, for callers
 * without `exact` rights: records of sensitive taxa come out at the centre of their grid cell,
 * with location-revealing terms removed, and the bbox filter applies to the generalised point, so
 * that a tiny bbox cannot locate an animal. The exact point never leaves the database for them.
 */
export async function queryOccurrences(db: DbOrTx, q: OccurrenceQuery, exact: boolean): Promise<OccurrenceOut[]> {
  const rows = await occurrenceQuerySql(q, exact).execute(db);
  return rows.rows;
}

/**
 * The SQL of {@link queryOccurrences}, for callers that stream it (exports, downloads through a
 * server-side cursor) or wrap it (tiles, counts). Without `limit` it has no LIMIT clause. Rows are
 * ordered by the internal id, so `afterId` pages by keyset.
 */
export function occurrenceQuerySql(q: Omit<OccurrenceQuery, 'limit'> & { limit?: number }, exact: boolean): RawBuilder<OccurrenceOut> {
  const conds: RawBuilder<unknown>[] = [];
  const sensitive = sql`coalesce(t.sensitive, false) OR coalesce(pt.sensitive, false)`;
  const cellM = sql`greatest(coalesce(t.generalize_cell_m, 10000), coalesce(pt.generalize_cell_m, 10000))`;
  const shownGeom = exact ? sql`o.geom` : sql`(CASE WHEN ${sensitive} THEN biomon_cell_centre(o.geom, ${cellM}) ELSE o.geom END)`;
  if (q.bbox) {
    const env = sql`ST_MakeEnvelope(${q.bbox[0]}, ${q.bbox[1]}, ${q.bbox[2]}, ${q.bbox[3]}, 4326)`;
    // the index narrows by the exact point (a cell centre lies within ~8 km of it), then the shown point decides
    conds.push(exact ? sql`o.geom && ${env}` : sql`o.geom && ST_Expand(${env}, 0.2) AND ${shownGeom} && ${env}`);
  }
  if (q.region) conds.push(sql`(${q.region} = ANY(o.region_codes) OR o.priority_area = ${q.region})`);
  if (q.priorityArea) conds.push(sql`o.priority_area = ${q.priorityArea}`);
  if (q.taxon) {
    const key = nameKey(q.taxon);
    // the taxon, its synonyms (same taxon id) and its infraspecific taxa
    conds.push(sql`o.taxon_id IN (
      SELECT x.id FROM taxa x WHERE x.id IN (SELECT taxon_id FROM taxon_names WHERE name_key = ${key})
         OR x.parent_id IN (SELECT taxon_id FROM taxon_names WHERE name_key = ${key}))`);
  }
  if (q.protectionClass) conds.push(sql`coalesce(t.protection_class, pt.protection_class) = ${q.protectionClass}`);
  if (q.from) conds.push(sql`o.event_end >= ${q.from}`);
  if (q.to) conds.push(sql`o.event_start <= ${q.to}`);
  if (q.eventID) conds.push(sql`o.event_id = ${q.eventID}`);
  if (q.basisOfRecord) conds.push(sql`o.basis_of_record = ${q.basisOfRecord}`);
  if (q.reviewState) conds.push(sql`o.review_state = ${q.reviewState}`);
  if (q.occurrenceID) conds.push(sql`o.occurrence_id = ${q.occurrenceID}`);
  if (q.afterId) conds.push(sql`o.id > ${q.afterId}`);
  const where = conds.length ? sql.join(conds, sql` AND `) : sql`true`;
  return sql<OccurrenceOut>`
    SELECT o.id,
      (CASE WHEN ${exact ? sql`false` : sensitive}
        THEN (o.data - ${LOCATION_TERMS}::text[]) || jsonb_build_object(
          'coordinateUncertaintyInMeters', round(${cellM} * sqrt(2) / 2),
          'dataGeneralizations', 'Coordinates generalised to the centre of a ' || (${cellM} / 1000)::int || ' km grid cell (Albers equal-area, BRIEF §8 grid); location terms removed',
          'informationWithheld', 'Precise location withheld: sensitive species (敏感物种位置已模糊化)')
        ELSE o.data END)
      || jsonb_build_object(
          'identificationVerificationStatus', o.review_state,
          'decimalLatitude', round(ST_Y(${shownGeom})::numeric, 6), 'decimalLongitude', round(ST_X(${shownGeom})::numeric, 6),
          'biomon', jsonb_build_object(
            'version', o.version, 'flags', to_jsonb(o.flags), 'regionCodes', to_jsonb(o.region_codes), 'priorityArea', o.priority_area,
            'inCountedProtectedArea', o.in_counted_pa,
            'taxon', CASE WHEN t.id IS NULL THEN NULL ELSE jsonb_build_object('acceptedName', t.scientific_name, 'chineseName', t.chinese_name,
              'match', o.taxon_match, 'protectionClass', coalesce(t.protection_class, pt.protection_class)) END,
            'createdAt', o.created_at, 'updatedAt', o.updated_at)) AS record,
      ST_X(${shownGeom}) AS lon, ST_Y(${shownGeom}) AS lat,
      ${exact ? sql`false` : sql`(${sensitive})`} AS generalised
    FROM occurrences o
    LEFT JOIN taxa t ON t.id = o.taxon_id
    LEFT JOIN taxa pt ON pt.id = t.parent_id
    WHERE ${where}
    ORDER BY o.id
    ${q.limit === undefined ? sql`` : sql`LIMIT ${q.limit}`}`;
}

export async function occurrenceHistory(db: DbOrTx, occurrenceId: string, exact: boolean): Promise<Record<string, unknown>[]> {
  const rows = await sql<{ version: number; action: string; at: Date; role: string; actor: string; changes: Record<string, [unknown, unknown]>; comment: string | null; sensitive: boolean }>`
    SELECT h.version, h.action, h.at, h.role, h.actor, h.changes, h.comment,
      coalesce(t.sensitive, false) OR coalesce(pt.sensitive, false) AS sensitive
    FROM occurrence_history h JOIN occurrences o ON o.id = h.occurrence_pk
    LEFT JOIN taxa t ON t.id = o.taxon_id LEFT JOIN taxa pt ON pt.id = t.parent_id
    WHERE o.occurrence_id = ${occurrenceId} ORDER BY h.id`.execute(db);
  return rows.rows.map((r) => {
    let changes = r.changes;
    if (r.sensitive && !exact) {
      changes = Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, LOCATION_TERMS.includes(k) ? ['[withheld]', '[withheld]'] : v]));
    }
    return { version: r.version, action: r.action, at: r.at, role: r.role, actor: r.actor, changes, comment: r.comment };
  });
}
