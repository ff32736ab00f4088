import { jsonbRowsParam, PREPARED_STATEMENT, sql, type Col, type DbOrTx } from '@biomon/db';
import { enrichmentLateral, layersCte, mergedFlags } from './enrichment.sql';
import type { Owner } from './record-owner';
import { publicEnrichmentJoin, publicEnrichmentValues, sensitivityLateral, taxonCells } from './sensitivity.sql';

/** The SQL of the survey records (`occurrences`) and their history (`occurrence_history`): review, and the batch ingest. */

/** Writers of the same occurrenceID wait for each other (transaction-scoped advisory lock, the ingest's key). */
export async function lockOccurrenceId(tx: DbOrTx, occurrenceId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${occurrenceId}, 7))`.execute(tx);
}

/** A record with its review state, version, event and taxon, locked for update. */
export async function lockOccurrenceForReview(tx: DbOrTx, occurrenceId: string) {
  return tx
    .selectFrom('occurrences as o')
    .leftJoin('taxa as t', 't.id', 'o.taxon_id')
    .select(['o.id', 'o.review_state', 'o.version', 'o.event_id', 'o.taxon_id', 't.scientific_name as taxon_name'])
    .where('o.occurrence_id', '=', occurrenceId)
    .forUpdate('o')
    .executeTakeFirst();
}

/** Sets the review state; with a taxon, sets it as an exact match and drops the taxon-match flags. */
export async function setReviewState(tx: DbOrTx, pk: number, state: Col<'occurrences', 'review_state'>, taxonId: number | null): Promise<void> {
  await tx
    .updateTable('occurrences')
    .set({
      review_state: state,
      updated_at: new Date(),
      ...(taxonId !== null
        ? {
            taxon_id: taxonId,
            taxon_match: 'exact',
            flags: sql<string[]>`array_remove(array_remove(array_remove(flags, 'TAXON_MATCH_NONE'), 'TAXON_MATCH_FUZZY'), 'TAXON_MATCH_HIGHERRANK')`,
          }
        : {}),
    })
    .where('id', '=', pk)
    .execute();
}

export async function insertReviewHistory(
  tx: DbOrTx,
  h: { pk: number; version: number; tokenId: string | null; role: string; actor: string; changes: string; comment: string | null },
): Promise<void> {
  await tx
    .insertInto('occurrence_history')
    .values({
      occurrence_pk: h.pk,
      version: h.version,
      action: 'review',
      token_id: h.tokenId,
      role: h.role,
      actor: h.actor,
      changes: h.changes,
      previous: null,
      comment: h.comment,
    })
    .execute();
}

// ---- the batch ingest (occurrence-ingest.service.ts): moved here as they were, same SQL, same order ----

/** The columns of a prepared row in the jsonb_to_recordset of the INSERT and UPDATE statements. */
const RECORDSET_COLUMNS = sql.raw(`occurrence_id text, event_id text, basis_of_record text, scientific_name text, taxon_id integer, taxon_match text,
  occurrence_status text, event_start timestamptz, event_end timestamptz, individual_count integer,
  coordinate_uncertainty_m double precision, lon double precision, lat double precision, flags text[], flag_notes jsonb,
  data jsonb, content_hash text`);

/** Serialise writers of the same occurrenceIDs (a retry racing its original): sorted locks, no deadlock. */
export async function lockOccurrenceIds(tx: DbOrTx, ids: string[]): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(i, 7) AS h FROM unnest(${ids}::text[]) i ORDER BY h) s`.execute(tx);
}

/** The stored records of these occurrenceIDs, with what the ingest compares (hash, version, owner, event, data). */
export async function selectExistingOccurrences(tx: DbOrTx, ids: string[]) {
  return (
    tx
      .selectFrom('occurrences')
      .select(['id', 'occurrence_id', 'content_hash', 'version', 'team', 'owner_station', 'event_id', 'data'])
      // one array parameter, not one parameter per id (a 1,000-record batch bound 1,000 of them)
      .where(sql<boolean>`occurrence_id = ANY(${ids}::text[])`)
      .execute()
  );
}

/** A prepared record as the INSERT and UPDATE read it (jsonb_to_recordset, RECORDSET_COLUMNS). */
export interface OccurrenceRecordsetRow {
  occurrence_id: string;
  event_id: string | null;
  basis_of_record: string;
  scientific_name: string;
  taxon_id: number | null;
  taxon_match: string;
  occurrence_status: string;
  event_start: string;
  event_end: string;
  individual_count: number | null;
  coordinate_uncertainty_m: number | null;
  lon: number;
  lat: number;
  flags: string[];
  flag_notes: Record<string, string>;
  data: Record<string, unknown>;
  content_hash: string;
}

/**
 * Inserts new records: one write per row, the spatial enrichment and what the public may see
 * computed inside the INSERT (the CTE is `src`: the enrichment's subqueries call regions `r`).
 * `taxonIds` are the rows' taxa (for the sensitive cells of each taxon).
 */
export async function insertOccurrenceRows(
  tx: DbOrTx,
  taxonIds: (number | null)[],
  rows: OccurrenceRecordsetRow[],
  w: { owner: Owner; importId: string | null; tokenId: string | null },
) {
  const pub = publicEnrichmentValues(sql`sv`, sql`e`);
  // a named statement (PREPARED_STATEMENT): its text never changes and its plan does not depend on the
  // rows, so each connection parses it once and PostgreSQL keeps a generic plan instead of planning
  // this long statement for every batch
  return sql<{ id: number }>`${sql.raw(PREPARED_STATEMENT)}
        WITH lyr AS (${layersCte}),
        tcl AS MATERIALIZED ${taxonCells(taxonIds)},
        src AS (
          SELECT j.*, ST_SetSRID(ST_MakePoint(j.lon, j.lat), 4326) AS g, tcl.tc
          FROM jsonb_to_recordset(${jsonbRowsParam(rows)}::jsonb) AS j(${RECORDSET_COLUMNS})
          LEFT JOIN tcl ON tcl.taxon_id = j.taxon_id
        )
        INSERT INTO occurrences (occurrence_id, event_id, basis_of_record, scientific_name, taxon_id, taxon_match, occurrence_status,
          event_start, event_end, individual_count, coordinate_uncertainty_m, geom, region_codes, priority_area, in_counted_pa,
          flags, flag_notes, team, owner_station, data, content_hash, import_id, created_by, updated_by,
          ever_sensitive, cell_m, generalised, public_geom, public_region_codes, public_priority_area, public_in_counted_pa)
        SELECT src.occurrence_id, src.event_id, src.basis_of_record, src.scientific_name, src.taxon_id, src.taxon_match, src.occurrence_status,
          src.event_start, src.event_end, src.individual_count, src.coordinate_uncertainty_m, src.g, e.region_codes, e.priority_area, e.in_counted_pa,
          ${mergedFlags(sql`src.flags`)}, src.flag_notes, ${w.owner.team}, ${w.owner.owner_station}, src.data, src.content_hash, ${w.importId}::uuid,
          ${w.tokenId}::uuid, ${w.tokenId}::uuid,
          sv.ever, sv.cell, sv.generalised, sv.public_geom, ${pub.regionCodes}, ${pub.priorityArea}, ${pub.inCountedPa}
        FROM src CROSS JOIN lyr CROSS JOIN ${enrichmentLateral(sql`src.g`, sql`coalesce(src.data->>'county', src.data->>'municipality')`)} e
        CROSS JOIN ${sensitivityLateral(sql`src.taxon_id`, sql`src.event_id`, sql`src.g`, sql`false`, sql`NULL::int`, sql`src.tc`)} sv
        ${publicEnrichmentJoin(sql`sv`)}
        RETURNING id`.execute(tx);
}

/** Updates changed records (version + 1), enrichment and public view recomputed inside the UPDATE; returns their new versions. */
export async function updateOccurrenceRows(
  tx: DbOrTx,
  taxonIds: (number | null)[],
  rows: OccurrenceRecordsetRow[],
  w: { importId: string | null; tokenId: string | null },
) {
  const pub = publicEnrichmentValues(sql`sv`, sql`e`);
  // a named statement, as the INSERT's
  return sql<{ id: number; occurrence_id: string; version: number }>`${sql.raw(PREPARED_STATEMENT)}
        WITH lyr AS (${layersCte}),
        tcl AS MATERIALIZED ${taxonCells(taxonIds)},
        src AS (
          SELECT j.*, ST_SetSRID(ST_MakePoint(j.lon, j.lat), 4326) AS g, tcl.tc
          FROM jsonb_to_recordset(${jsonbRowsParam(rows)}::jsonb) AS j(${RECORDSET_COLUMNS})
          LEFT JOIN tcl ON tcl.taxon_id = j.taxon_id
        ),
        x AS (
          SELECT src.*, e.region_codes, e.priority_area, e.in_counted_pa, e.outside_jilin, e.outside_declared,
            sv.ever, sv.cell, sv.generalised, sv.public_geom,
            ${pub.regionCodes} AS public_region_codes, ${pub.priorityArea} AS public_priority_area, ${pub.inCountedPa} AS public_in_counted_pa
          FROM src JOIN occurrences cur ON cur.occurrence_id = src.occurrence_id
          CROSS JOIN lyr CROSS JOIN ${enrichmentLateral(sql`src.g`, sql`coalesce(src.data->>'county', src.data->>'municipality')`)} e
          CROSS JOIN ${sensitivityLateral(sql`src.taxon_id`, sql`src.event_id`, sql`src.g`, sql`cur.ever_sensitive`, sql`cur.cell_m`, sql`src.tc`)} sv
          ${publicEnrichmentJoin(sql`sv`)})
        UPDATE occurrences o SET
          event_id = x.event_id, basis_of_record = x.basis_of_record, scientific_name = x.scientific_name, taxon_id = x.taxon_id,
          taxon_match = x.taxon_match, occurrence_status = x.occurrence_status, event_start = x.event_start, event_end = x.event_end,
          individual_count = x.individual_count, coordinate_uncertainty_m = x.coordinate_uncertainty_m, geom = x.g,
          region_codes = x.region_codes, priority_area = x.priority_area, in_counted_pa = x.in_counted_pa,
          flags = ${mergedFlags(sql`x.flags`, sql`x`)}, flag_notes = x.flag_notes, data = x.data,
          content_hash = x.content_hash, version = o.version + 1, updated_at = now(), updated_by = ${w.tokenId}::uuid,
          import_id = coalesce(${w.importId}::uuid, o.import_id),
          ever_sensitive = x.ever, cell_m = x.cell, generalised = x.generalised, public_geom = x.public_geom,
          public_region_codes = x.public_region_codes, public_priority_area = x.public_priority_area, public_in_counted_pa = x.public_in_counted_pa
        FROM x
        WHERE o.occurrence_id = x.occurrence_id
        RETURNING o.id, o.occurrence_id, o.version`.execute(tx);
}

/** The previous versions of updated records. */
export async function insertOccurrenceHistory(
  tx: DbOrTx,
  values: {
    occurrence_pk: number;
    version: number;
    action: Col<'occurrence_history', 'action'>;
    token_id: string | null;
    role: string;
    actor: string;
    changes: string;
    previous: string | null;
    comment: string | null;
  }[],
): Promise<void> {
  await tx.insertInto('occurrence_history').values(values).execute();
}

/**
 * Recomputes stored occurrences' enrichment (after a new regions or protected-areas version); `ids`
 * null = all. The public values follow: a generalised row's come from its cell centre (the public
 * position), the others' are its own.
 */
export async function enrichOccurrences(db: DbOrTx, ids: number[] | null): Promise<void> {
  if (ids && ids.length === 0) return;
  const where = ids ? sql`o.id = ANY(${ids}::bigint[])` : sql`true`;
  await sql`
    WITH lyr AS (${layersCte}),
    calc AS (
      SELECT o.id, e.region_codes, e.priority_area, e.in_counted_pa, e.outside_jilin, e.outside_declared,
        CASE WHEN o.generalised THEN coalesce(pe.region_codes, '{}') ELSE e.region_codes END AS public_region_codes,
        CASE WHEN o.generalised THEN pe.priority_area ELSE e.priority_area END AS public_priority_area,
        CASE WHEN o.generalised THEN coalesce(pe.in_counted_pa, false) ELSE e.in_counted_pa END AS public_in_counted_pa
      FROM occurrences o CROSS JOIN lyr
      CROSS JOIN ${enrichmentLateral(sql`o.geom`, sql`coalesce(o.data->>'county', o.data->>'municipality')`)} e
      LEFT JOIN ${enrichmentLateral(sql`o.public_geom`, sql`NULL::text`, sql<boolean>`o.generalised`)} pe ON true
      WHERE ${where}
    )
    UPDATE occurrences o SET
      region_codes = c.region_codes, priority_area = c.priority_area, in_counted_pa = c.in_counted_pa,
      public_region_codes = c.public_region_codes, public_priority_area = c.public_priority_area, public_in_counted_pa = c.public_in_counted_pa,
      flags = ${mergedFlags(sql`o.flags`, sql`c`)}
    FROM calc c WHERE c.id = o.id
      AND ((o.region_codes, o.priority_area, o.in_counted_pa, o.public_region_codes, o.public_priority_area, o.public_in_counted_pa)
            IS DISTINCT FROM (c.region_codes, c.priority_area, c.in_counted_pa, c.public_region_codes, c.public_priority_area, c.public_in_counted_pa)
        OR o.flags IS DISTINCT FROM ${mergedFlags(sql`o.flags`, sql`c`)})`.execute(db);
}
