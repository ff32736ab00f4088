import type { DbOrTx, RawBuilder } from '@biomon/db';
import { chinaDateText, chinaDayEnd, chinaDayStart, chinaPart, PREPARED_STATEMENT, sql } from '@biomon/db';
import { nameKey } from '@biomon/taxa';
import { COORDINATE_LIKE } from './text';
import { seesExact, type Viewer } from './viewer';

/** The filters of GET /v1/occurrences (BRIEF §4), parsed. */
export interface OccurrenceFilter {
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
}

export interface OccurrenceRead extends OccurrenceFilter {
  limit?: number;
  /** keyset position: rows after this internal id (from a signed cursor, never from the caller) */
  afterId?: number;
  /** public bbox pages: PUBLIC_BBOX_SCAN_CAP unless given (tests set it to take the other path) */
  bboxScanCap?: number;
}

export interface OccurrenceOut {
  id: number;
  record: Record<string, unknown>;
  lon: number;
  lat: number;
  /** whether this viewer sees the row generalised */
  generalised: boolean;
  /** whether the row is generalised for viewers below evaluator (an evaluator sees it exactly, and sees that it is) */
  sensitive: boolean;
}

/**
 * The only terms a generalised occurrence carries (BRIEF §8, issue 14), besides those computed
 * here (eventDate to the day, year, month, the cell centre, geodeticDatum, the raised uncertainty,
 * identificationVerificationStatus, dataGeneralizations, informationWithheld). Everything else —
 * eventID, locality, remarks, habitat, verbatim terms, elevation, recordedBy, media, unknown terms,
 * dynamicProperties — is withheld. An allowed string that looks like a coordinate is withheld too.
 */
export const GENERALISED_OCCURRENCE_TERMS = [
  'occurrenceID',
  'basisOfRecord',
  'scientificName',
  'vernacularName',
  'taxonRank',
  'scientificNameAuthorship',
  'kingdom',
  'phylum',
  'class',
  'order',
  'superfamily',
  'family',
  'subfamily',
  'tribe',
  'genus',
  'genericName',
  'subgenus',
  'specificEpithet',
  'infraspecificEpithet',
  'individualCount',
  'organismQuantity',
  'organismQuantityType',
  'occurrenceStatus',
  'sex',
  'lifeStage',
  'establishmentMeans',
  'license',
  'institutionCode',
  'datasetName',
] as const;

/** Flags a generalised row keeps: none of them is derived from its exact point. */
export const GENERALISED_FLAGS = [
  'TAXON_MATCH_NONE',
  'TAXON_MATCH_FUZZY',
  'TAXON_MATCH_SYNONYM',
  'TAXON_MATCH_INFRASPECIFIC',
  'TAXON_MATCH_HIGHERRANK',
  'INDIVIDUAL_COUNT_ZERO_PRESENT',
  'GEODETIC_DATUM_CONVERTED',
  'GEODETIC_DATUM_ASSUMED_WGS84',
  'COORDINATE_UNCERTAINTY_HIGH',
] as const;

export const INFORMATION_WITHHELD =
  '精确位置及可关联信息已隐去（敏感物种或其所在调查事件） Precise location and linking terms withheld: sensitive species, or a survey event that holds one';

const localDay = chinaDateText;

/**
 * A constant list of names (terms, flags) as a text[] literal of the statement, not a parameter: the
 * generic plan of a prepared statement (the public bbox page) then costs it as the custom plans do.
 */
function namesLit(names: readonly string[]): RawBuilder<unknown> {
  for (const n of names) if (!/^[A-Za-z][A-Za-z0-9_:]*$/.test(n)) throw new Error(`not a plain name: ${n}`);
  return sql`${sql.lit(`{${names.join(',')}}`)}::text[]`;
}

/** jsonb of a row's allowed terms (for generalised rows). */
export function pickAllowed(data: RawBuilder<unknown>, allowed: readonly string[]): RawBuilder<unknown> {
  return sql`(SELECT coalesce(jsonb_object_agg(x.k, x.v), '{}'::jsonb) FROM jsonb_each(${data}) AS x(k, v)
    WHERE x.k = ANY(${namesLit(allowed)}) AND NOT (jsonb_typeof(x.v) = 'string' AND (x.v #>> '{}') ~ ${sql.lit(COORDINATE_LIKE)}))`;
}

/** eventDate of a generalised row: the day (or days) of the event, in China's time zone. */
export function dayPrecisionDate(start: RawBuilder<unknown>, end: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`(CASE WHEN ${localDay(start)} = ${localDay(end)} THEN ${localDay(start)} ELSE ${localDay(start)} || '/' || ${localDay(end)} END)`;
}

const cellKm = sql`round(o.cell_m / 1000.0)::int`;

/**
 * The SELECT list of an occurrence as the viewer sees it. `o` is the occurrences row, `t` its taxon
 * (LEFT JOIN taxa t ON t.id = o.taxon_id), `pt` the taxon's parent.
 */
function occurrenceColumns(exact: boolean): RawBuilder<unknown> {
  const taxonBlock = sql`CASE WHEN t.id IS NULL THEN NULL ELSE jsonb_build_object('acceptedName', t.scientific_name, 'chineseName', t.chinese_name,
    'rank', t.rank, 'match', o.taxon_match, 'protectionClass', coalesce(t.protection_class, pt.protection_class)) END`;
  const full = (
    geom: RawBuilder<unknown>,
    regions: RawBuilder<unknown>,
    pa: RawBuilder<unknown>,
    inPa: RawBuilder<unknown>,
  ) => sql`o.data || jsonb_build_object(
      'identificationVerificationStatus', o.review_state,
      'decimalLatitude', round(ST_Y(${geom})::numeric, 6), 'decimalLongitude', round(ST_X(${geom})::numeric, 6),
      'biomon', jsonb_build_object(
        'version', o.version, 'flags', to_jsonb(o.flags), 'regionCodes', to_jsonb(${regions}), 'priorityArea', ${pa},
        'inCountedProtectedArea', ${inPa}, 'taxon', ${taxonBlock}, 'generalised', false,
        'createdAt', o.created_at, 'updatedAt', o.updated_at))`;
  if (exact) {
    return sql`${full(sql`o.geom`, sql`o.region_codes`, sql`o.priority_area`, sql`o.in_counted_pa`)} AS record,
      ST_X(o.geom) AS lon, ST_Y(o.geom) AS lat, false AS generalised, o.generalised AS sensitive`;
  }
  const generalisedRecord = sql`${pickAllowed(sql`o.data`, GENERALISED_OCCURRENCE_TERMS)} || jsonb_build_object(
      'eventDate', ${dayPrecisionDate(sql`o.event_start`, sql`o.event_end`)},
      'year', ${chinaPart('year', sql`o.event_start`)},
      'month', ${chinaPart('month', sql`o.event_start`)},
      'decimalLatitude', round(ST_Y(o.public_geom)::numeric, 6), 'decimalLongitude', round(ST_X(o.public_geom)::numeric, 6),
      'geodeticDatum', 'EPSG:4326',
      'coordinateUncertaintyInMeters', round(o.cell_m * sqrt(2) / 2),
      'identificationVerificationStatus', o.review_state,
      'dataGeneralizations', '坐标已泛化至 ' || ${cellKm} || ' 公里网格中心 Coordinates generalised to the centre of a ' || ${cellKm} || ' km grid cell (Albers equal-area, BRIEF §8 grid)',
      'informationWithheld', ${sql.lit(INFORMATION_WITHHELD)}::text,
      'biomon', jsonb_build_object(
        'version', o.version,
        'flags', to_jsonb(ARRAY(SELECT f FROM unnest(o.flags) f WHERE f = ANY(${namesLit(GENERALISED_FLAGS)}) ORDER BY f)),
        'regionCodes', to_jsonb(o.public_region_codes), 'priorityArea', o.public_priority_area, 'inCountedProtectedArea', o.public_in_counted_pa,
        'taxon', ${taxonBlock}, 'generalised', true,
        'createdAt', ${localDay(sql`o.created_at`)}, 'updatedAt', ${localDay(sql`o.updated_at`)}))`;
  return sql`(CASE WHEN o.generalised THEN ${generalisedRecord}
      ELSE ${full(sql`o.public_geom`, sql`o.public_region_codes`, sql`o.public_priority_area`, sql`o.public_in_counted_pa`)} END) AS record,
    ST_X(o.public_geom) AS lon, ST_Y(o.public_geom) AS lat, o.generalised AS generalised, o.generalised AS sensitive`;
}

/**
 * A public bbox page looks at up to this many rows of the box through the index on public_xy (an
 * index-only scan: ids only); a box that holds more (a large part of the data) is paged by walking
 * the ids in order instead, which then finds a page of rows after a short walk.
 */
export const PUBLIC_BBOX_SCAN_CAP = 10_000;

/**
 * The ids of one page of rows in a bbox, as viewers below evaluator see them (by the stored public
 * position): the rows of the box found by an index-only scan of the point index on public_xy
 * (migration 0013; no heap reads) and sorted by id — unless the box holds PUBLIC_BBOX_SCAN_CAP rows
 * or more, then by walking ids in order (the second branch runs only then: a one-time filter).
 * The walk tests the same point as the index (`public_xy` in the box, bounds included), wrapped in
 * coalesce: no index serves that test and the planner guesses it true for half the rows, so the plan
 * stays the (serial) walk in id order, which a dense box ends after a short stretch — also as the
 * generic plan of the prepared statement (readOccurrencesJson), whose planner does not see the box
 * and would otherwise pick a full scan of the point index or a parallel walk.
 */
function publicBboxPageIds(bbox: [number, number, number, number], limit: number, afterId: number | undefined, cap: number): RawBuilder<{ id: number }> {
  const [w, s, e, n] = bbox;
  const box = sql`box(point(${w}::float8, ${s}::float8), point(${e}::float8, ${n}::float8))`;
  const after = afterId === undefined ? sql`` : sql`AND o.id > ${afterId}`;
  // the page size and the cap are written as constants (integers: pageLimit), so that the generic
  // plan of the prepared statement knows how many rows it joins to the taxa
  const capLit = sql.lit(Math.trunc(cap));
  const limitLit = sql.lit(Math.trunc(limit));
  return sql<{ id: number }>`
    WITH cand AS MATERIALIZED (SELECT o.id FROM occurrences o WHERE o.public_xy <@ ${box} ${after} LIMIT ${capLit}),
    few AS MATERIALIZED (SELECT count(*) < ${capLit} AS yes FROM cand)
    (SELECT c.id FROM cand c WHERE (SELECT yes FROM few) ORDER BY c.id LIMIT ${limitLit})
    UNION ALL
    (SELECT o.id FROM occurrences o
     WHERE NOT (SELECT yes FROM few)
       AND coalesce(o.public_xy <@ ${box}, false) ${after}
     ORDER BY o.id LIMIT ${limitLit})`;
}

/** The WHERE of the BRIEF §4 filters on what the viewer sees (`o` occurrences, `t`/`pt` its taxon and parent). */
function occurrenceConds(exact: boolean, q: OccurrenceRead): { where: RawBuilder<unknown>; onlyBbox: boolean } {
  const conds: RawBuilder<unknown>[] = [];
  const geom = exact ? sql`o.geom` : sql`o.public_geom`;
  if (q.bbox) conds.push(sql`${geom} && ST_MakeEnvelope(${q.bbox[0]}, ${q.bbox[1]}, ${q.bbox[2]}, ${q.bbox[3]}, 4326)`);
  if (q.region) {
    conds.push(
      exact
        ? sql`(${q.region} = ANY(o.region_codes) OR o.priority_area = ${q.region})`
        : sql`(o.public_region_codes @> ARRAY[${q.region}]::text[] OR o.public_priority_area = ${q.region})`,
    );
  }
  if (q.priorityArea) conds.push(exact ? sql`o.priority_area = ${q.priorityArea}` : sql`o.public_priority_area = ${q.priorityArea}`);
  if (q.taxon) {
    const key = nameKey(q.taxon);
    // the taxon, its synonyms (same taxon id) and its infraspecific taxa
    conds.push(sql`o.taxon_id IN (
      SELECT x.id FROM taxa x WHERE x.id IN (SELECT taxon_id FROM taxon_names WHERE name_key = ${key})
         OR x.parent_id IN (SELECT taxon_id FROM taxon_names WHERE name_key = ${key}))`);
  }
  if (q.protectionClass) conds.push(sql`coalesce(t.protection_class, pt.protection_class) = ${q.protectionClass}`);
  // a generalised row shows its dates to the day: it matches a bound when its day does
  const dayEnd = chinaDayEnd(sql`o.event_end`);
  const dayStart = chinaDayStart(sql`o.event_start`);
  if (q.from) conds.push(exact ? sql`o.event_end >= ${q.from}` : sql`(CASE WHEN o.generalised THEN ${dayEnd} > ${q.from} ELSE o.event_end >= ${q.from} END)`);
  if (q.to) conds.push(exact ? sql`o.event_start <= ${q.to}` : sql`(CASE WHEN o.generalised THEN ${dayStart} <= ${q.to} ELSE o.event_start <= ${q.to} END)`);
  // a generalised row does not show its eventID, so an eventID filter cannot find it
  if (q.eventID) conds.push(exact ? sql`o.event_id = ${q.eventID}` : sql`o.event_id = ${q.eventID} AND NOT o.generalised`);
  if (q.basisOfRecord) conds.push(sql`o.basis_of_record = ${q.basisOfRecord}`);
  if (q.reviewState) conds.push(sql`o.review_state = ${q.reviewState}`);
  if (q.occurrenceID) conds.push(sql`o.occurrence_id = ${q.occurrenceID}`);
  const onlyBbox = conds.length === 1 && !!q.bbox;
  if (q.afterId) conds.push(sql`o.id > ${q.afterId}`);
  return { where: conds.length ? sql.join(conds, sql` AND `) : sql`true`, onlyBbox };
}

const TAXON_JOINS = sql`LEFT JOIN taxa t ON t.id = o.taxon_id
    LEFT JOIN taxa pt ON pt.id = t.parent_id`;

/**
 * Only where the viewer sees each occurrence (its shown position, whether it is generalised for this
 * viewer, whether it is for viewers below evaluator), with the same filters as occurrenceReadSql and
 * in no order: for aggregates that need no terms (tile clusters at low zoom).
 */
export function occurrencePositionsSql(
  viewer: Viewer,
  q: OccurrenceFilter,
): RawBuilder<{ lon: number; lat: number; generalised: boolean; sensitive: boolean }> {
  const exact = seesExact(viewer);
  const { where, onlyBbox } = occurrenceConds(exact, q);
  if (!exact && onlyBbox) {
    // a bbox alone, below evaluator: read from the index on public_xy alone (it carries `generalised`)
    const [w, s, e, n] = q.bbox!;
    return sql`SELECT o.public_xy[0] AS lon, o.public_xy[1] AS lat, o.generalised AS generalised, o.generalised AS sensitive
      FROM occurrences o
      WHERE o.public_xy <@ box(point(${w}::float8, ${s}::float8), point(${e}::float8, ${n}::float8))`;
  }
  const g = exact ? sql`o.geom` : sql`o.public_geom`;
  return sql`SELECT ST_X(${g}) AS lon, ST_Y(${g}) AS lat, ${exact ? sql`false` : sql`o.generalised`} AS generalised, o.generalised AS sensitive
    FROM occurrences o
    ${TAXON_JOINS}
    WHERE ${where}`;
}

/**
 * Occurrences with the BRIEF §4 filters, shaped for the viewer — the one SQL behind every output of
 * occurrences (the API, OGC items, tiles, downloads, Darwin Core Archives). For viewers below
 * evaluator a generalised row is at its stored public position (the cell centre) with the allowed
 * terms only; filters apply to what the viewer sees: the bbox and regions to the public position and
 * its regions (one index scan), eventID only to rows that show it, dates to the day for generalised
 * rows. Rows come in internal id order; `afterId` pages by keyset. Without `limit` there is no LIMIT.
 * With a limit, the page's ids are found first (only ids are sorted) and only its rows are shaped.
 */
export function occurrenceReadSql(viewer: Viewer, q: OccurrenceRead): RawBuilder<OccurrenceOut> {
  const exact = seesExact(viewer);
  const { where, onlyBbox } = occurrenceConds(exact, q);
  const joins = TAXON_JOINS;
  if (q.limit === undefined) {
    return sql<OccurrenceOut>`
      SELECT o.id, ${occurrenceColumns(exact)}
      FROM occurrences o
      ${joins}
      WHERE ${where}
      ORDER BY o.id`;
  }
  const ids =
    !exact && onlyBbox
      ? publicBboxPageIds(q.bbox!, q.limit, q.afterId || undefined, q.bboxScanCap ?? PUBLIC_BBOX_SCAN_CAP)
      : sql`SELECT o.id FROM occurrences o ${joins} WHERE ${where} ORDER BY o.id LIMIT ${q.limit}`;
  return sql<OccurrenceOut>`
    SELECT o.id, ${occurrenceColumns(exact)}
    FROM (${ids}) p
    JOIN occurrences o ON o.id = p.id
    ${joins}
    ORDER BY o.id`;
}

/**
 * A public bbox page (a bbox alone, below evaluator, with a limit) is sent as a prepared statement
 * (PREPARED_STATEMENT): its text has two shapes (with or without a cursor) and its plan does not
 * depend on the box, so each connection parses it once and keeps a generic plan, instead of parsing
 * and planning a 4 kB statement for every page (≈ 3 ms of PostgreSQL's CPU a page: BENCHMARKS.md).
 */
function preparedIfPublicBboxPage(viewer: Viewer, q: OccurrenceRead): RawBuilder<unknown> {
  return q.limit !== undefined && !seesExact(viewer) && occurrenceConds(false, q).onlyBbox ? sql.raw(PREPARED_STATEMENT) : sql``;
}

export async function readOccurrences(db: DbOrTx, viewer: Viewer, q: OccurrenceRead): Promise<OccurrenceOut[]> {
  return (await sql<OccurrenceOut>`${preparedIfPublicBboxPage(viewer, q)}${occurrenceReadSql(viewer, q)}`.execute(db)).rows;
}

/** A page of records as JSON bytes (readOccurrencesJson). */
export interface OccurrenceJsonPage {
  /** records on the page */
  count: number;
  /** the id of the last record (the next page's cursor), null on an empty page */
  lastId: number | null;
  /** the records as UTF-8 JSON, comma-separated in id order (`a,b,c`; empty on an empty page) */
  records: Buffer;
}

/**
 * The same rows with each record as JSON, as PostgreSQL writes it, joined into one UTF-8 byte
 * string in id order (for answers that only pass records on). Each record comes over as bytea, so
 * the process neither decodes, parses nor re-encodes its text: a page of CJK text decoded into a string
 * and encoded again cost node about 1.4 ms of CPU per 100 records (issue 17, BENCHMARKS.md).
 */
export async function readOccurrencesJson(db: DbOrTx, viewer: Viewer, q: OccurrenceRead): Promise<OccurrenceJsonPage> {
  // one bytea per record (the statement keeps the shape of readOccurrences, and its generic plan)
  const rows = (
    await sql<{
      id: number;
      json: Buffer;
    }>`${preparedIfPublicBboxPage(viewer, q)}SELECT q.id, convert_to(q.record::text, 'UTF8') AS json FROM (${occurrenceReadSql(viewer, q)}) q ORDER BY q.id`.execute(
      db,
    )
  ).rows;
  const parts: Buffer[] = [];
  rows.forEach((r, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(r.json);
  });
  return { count: rows.length, lastId: rows.length ? Number(rows[rows.length - 1].id) : null, records: Buffer.concat(parts) };
}

const COMMA = Buffer.from(',');

export interface HistoryEntry {
  version: number;
  action: string;
  at: string | Date;
  role: string;
  actor?: string;
  changes?: Record<string, [unknown, unknown]>;
  /** for a record that was ever sensitive, below evaluator: only which fields changed */
  changedFields?: string[];
  comment?: string | null;
}

/**
 * The history of a record as the viewer sees it. For a record that was ever sensitive (of a
 * sensitive taxon or in a sensitive event — sticky), viewers below evaluator see which fields
 * changed and on which day, never a value (past places, past taxa, withheld terms), an actor or a
 * comment.
 */
export async function readOccurrenceHistory(db: DbOrTx, viewer: Viewer, occurrenceId: string): Promise<HistoryEntry[]> {
  const exact = seesExact(viewer);
  const rows = await sql<{
    version: number;
    action: string;
    at: Date;
    day: string;
    role: string;
    actor: string;
    changes: Record<string, [unknown, unknown]>;
    comment: string | null;
    masked: boolean;
  }>`
    SELECT h.version, h.action, h.at, ${localDay(sql`h.at`)} AS day, h.role, h.actor, h.changes, h.comment,
      (o.ever_sensitive OR o.generalised) AS masked
    FROM occurrence_history h JOIN occurrences o ON o.id = h.occurrence_pk
    WHERE o.occurrence_id = ${occurrenceId} ORDER BY h.id`.execute(db);
  return rows.rows.map((r) =>
    exact || !r.masked
      ? { version: r.version, action: r.action, at: r.at, role: r.role, actor: r.actor, changes: r.changes, comment: r.comment }
      : { version: r.version, action: r.action, at: r.day, role: r.role, changedFields: Object.keys(r.changes).sort() },
  );
}

/** The extent (and time span) of the occurrences a viewer may see, in what it is shown. */
export function occurrenceExtentSql(
  viewer: Viewer,
): RawBuilder<{ w: number | null; s: number | null; e: number | null; n: number | null; t0: Date | null; t1: Date | null }> {
  const exact = seesExact(viewer);
  const day = (t: RawBuilder<unknown>) => sql`CASE WHEN o.generalised THEN ${chinaDayStart(t)} ELSE ${t} END`;
  return sql`SELECT ST_XMin(x) AS w, ST_YMin(x) AS s, ST_XMax(x) AS e, ST_YMax(x) AS n, t0, t1
    FROM (SELECT ST_Extent(${exact ? sql`o.geom` : sql`o.public_geom`}) AS x,
            min(${exact ? sql`o.event_start` : day(sql`o.event_start`)}) AS t0, max(${exact ? sql`o.event_end` : day(sql`o.event_end`)}) AS t1
          FROM occurrences o) a`;
}
