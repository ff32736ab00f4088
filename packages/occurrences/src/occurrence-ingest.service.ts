import type { Db, Tx } from '@biomon/db';
import { sql, withTx } from '@biomon/db';
import { AppError, type FieldError } from '@biomon/core';
import { writeAudit, type Actor } from '@biomon/auth';
import { QUEUES, writeOutbox } from '@biomon/queue';
import { mayEdit, ownerOf } from './record-owner';
import type { BatchResult, BatchWarning, RejectedRecord } from './batch-result';
import { enrichmentLateral, layersCte, mergedFlags } from './enrichment';
import { holdRulesShared, lockEvents, markEventsBeforeWrite, publicEnrichmentJoin, publicEnrichmentValues, refreshSensitivity, sensitivityLateral, taxonCells } from './sensitivity';
import { matchTaxa } from './taxon-match';
import { validateOccurrence, type NormalizedOccurrence } from './validate-occurrence';

export const MAX_BATCH_RECORDS = 5000;

/** The columns of a prepared row in the jsonb_to_recordset of the INSERT and UPDATE statements. */
const RECORDSET_COLUMNS = sql.raw(`occurrence_id text, event_id text, basis_of_record text, scientific_name text, taxon_id integer, taxon_match text,
  occurrence_status text, event_start timestamptz, event_end timestamptz, individual_count integer,
  coordinate_uncertainty_m double precision, lon double precision, lat double precision, flags text[], flag_notes jsonb,
  data jsonb, content_hash text`);

export interface IngestOptions {
  atomic?: boolean;
  /** When set, records of any other basisOfRecord are rejected (a camera-trap station posts MachineObservation only). */
  allowedBasisOfRecord?: string[];
  /** If-Match of a one-record request: the version the client edits. */
  ifMatchVersion?: number | null;
  actor: Actor;
  importId?: string | null;
  route?: string;
  now?: Date;
}

interface Prepared { index: number; rec: NormalizedOccurrence }

interface ExistingRow {
  id: number;
  occurrence_id: string;
  content_hash: string;
  version: number;
  team: string | null;
  owner_station: string | null;
  event_id: string | null;
  data: Record<string, unknown>;
}

function diff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null)) out[k] = [before[k] ?? null, after[k] ?? null];
  }
  return out;
}

/**
 * Stores a batch of Darwin Core occurrences (BRIEF §9): valid records are stored even when others
 * are rejected (unless `atomic`), idempotently by occurrenceID — the same record again is
 * `unchanged`; the same id with other content is an update whose previous version goes to
 * occurrence_history (or a VERSION_CONFLICT when the client's version is stale). One transaction:
 * rows, history, spatial enrichment and the audit entry commit together.
 * Throws BATCH_REJECTED (422) when nothing could be stored.
 */
export async function ingestOccurrences(db: Db | Tx, records: unknown[], opts: IngestOptions): Promise<BatchResult> {
  const now = opts.now ?? new Date();
  const rejected: RejectedRecord[] = [];
  const prepared: Prepared[] = [];
  const seen = new Map<string, Prepared>();
  let duplicatesUnchanged = 0;
  records.forEach((raw, index) => {
    const v = validateOccurrence(raw, now);
    if (!v.ok) {
      rejected.push({ index, id: v.id, errors: v.errors });
      return;
    }
    const prev = seen.get(v.value.occurrenceId);
    if (prev) {
      if (prev.rec.contentHash === v.value.contentHash) duplicatesUnchanged++;
      else rejected.push({ index, id: v.value.occurrenceId, errors: [{ field: 'occurrenceID', code: 'DUPLICATE_IN_BATCH', message: `occurrenceID also used with other content at index ${prev.index} of this batch` }] });
      return;
    }
    if (opts.allowedBasisOfRecord && !opts.allowedBasisOfRecord.includes(v.value.basisOfRecord)) {
      rejected.push({ index, id: v.value.occurrenceId, errors: [{ field: 'basisOfRecord', code: 'BASIS_OF_RECORD_NOT_ALLOWED', message: `this token may post only ${opts.allowedBasisOfRecord.join(', ')} records` }] });
      return;
    }
    if (opts.ifMatchVersion != null && v.value.expectedVersion === null) v.value.expectedVersion = opts.ifMatchVersion;
    const p = { index, rec: v.value };
    seen.set(v.value.occurrenceId, p);
    prepared.push(p);
  });

  const fail = (): never => {
    const only = (code: string) => rejected.length > 0 && rejected.every((r) => r.errors.every((e) => e.code === code));
    if (only('VERSION_CONFLICT')) throw new AppError('VERSION_CONFLICT', 'The version you sent is stale; nothing was stored', { rejected: rejected.sort((a, b) => a.index - b.index) });
    if (only('RECORD_OF_OTHER_OWNER')) throw new AppError('RECORD_OF_OTHER_OWNER', 'These records belong to another team or station; nothing was stored', { rejected: rejected.sort((a, b) => a.index - b.index) });
    throw new AppError('BATCH_REJECTED', opts.atomic && prepared.length ? 'The batch is atomic and some records were rejected; nothing was stored' : 'No record of the batch could be stored', { rejected: rejected.sort((a, b) => a.index - b.index) });
  };
  if (prepared.length === 0 || (opts.atomic && rejected.length)) fail();

  const run = async (tx: Tx): Promise<BatchResult> => {
    // the sensitivity rules cannot change while we write (sensitivity.ts)
    await holdRulesShared(tx);
    const taxa = await matchTaxa(tx, prepared.map((p) => p.rec.scientificName));
    const ids = prepared.map((p) => p.rec.occurrenceId);
    // Serialise writers of the same occurrenceIDs (a retry racing its original): sorted locks, no deadlock.
    await sql`SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(i, 7) AS h FROM unnest(${ids}::text[]) i ORDER BY h) s`.execute(tx);
    const existing = await tx
      .selectFrom('occurrences')
      .select(['id', 'occurrence_id', 'content_hash', 'version', 'team', 'owner_station', 'event_id', 'data'])
      // one array parameter, not one parameter per id (a 1,000-record batch bound 1,000 of them)
      .where(sql<boolean>`occurrence_id = ANY(${ids}::text[])`)
      .execute();
    // … and of the events written to (new and previous ones): a record joining an event sees whether it is sensitive
    await lockEvents(tx, [...prepared.map((p) => p.rec.eventId), ...existing.map((e) => e.event_id)]);
    const byId = new Map<string, ExistingRow>(existing.map((e) => [e.occurrence_id, e as unknown as ExistingRow]));

    const inserts: Prepared[] = [];
    const updates: { p: Prepared; old: ExistingRow }[] = [];
    let unchanged = duplicatesUnchanged;
    const warnings: BatchWarning[] = [];
    for (const p of prepared) {
      const old = byId.get(p.rec.occurrenceId);
      const reject = (field: string, code: string, message: string) => rejected.push({ index: p.index, id: p.rec.occurrenceId, errors: [{ field, code, message }] });
      if (old && !mayEdit(opts.actor, old)) {
        reject('occurrenceID', 'RECORD_OF_OTHER_OWNER', `occurrenceID ${p.rec.occurrenceId} belongs to another team or station; a record is changed only by its owner (or an admin); nothing of it was changed`);
        continue;
      }
      if (old && p.rec.expectedVersion !== null && p.rec.expectedVersion !== old.version) {
        reject('version', 'VERSION_CONFLICT', `the record is at version ${old.version}, not ${p.rec.expectedVersion}; fetch it and resend your change`);
        continue;
      }
      if (!old && p.rec.expectedVersion !== null && p.rec.expectedVersion !== 1) {
        reject('version', 'VERSION_CONFLICT', `the record does not exist yet; version ${p.rec.expectedVersion} cannot be edited`);
        continue;
      }
      const t = taxa.get(p.rec.scientificName)!;
      if (t.flag) {
        p.rec.flags.push(t.flag);
        if (t.note) p.rec.flagNotes[t.flag] = t.note;
      }
      if (!old) inserts.push(p);
      else if (old.content_hash === p.rec.contentHash) {
        unchanged++;
        continue;
      } else updates.push({ p, old });
      if (p.rec.flags.length) warnings.push({ index: p.index, id: p.rec.occurrenceId, flags: [...p.rec.flags], notes: Object.keys(p.rec.flagNotes).length ? p.rec.flagNotes : undefined });
    }
    if (opts.atomic && rejected.length) fail();
    if (inserts.length + updates.length + unchanged === 0) fail();

    const rowOf = (p: Prepared) => {
      const t = taxa.get(p.rec.scientificName)!;
      return {
        occurrence_id: p.rec.occurrenceId,
        event_id: p.rec.eventId,
        basis_of_record: p.rec.basisOfRecord,
        scientific_name: p.rec.scientificName,
        taxon_id: t.taxonId,
        taxon_match: t.match,
        occurrence_status: p.rec.occurrenceStatus,
        event_start: p.rec.eventStart.toISOString(),
        event_end: p.rec.eventEnd.toISOString(),
        individual_count: p.rec.individualCount,
        coordinate_uncertainty_m: p.rec.uncertaintyM,
        lon: p.rec.lon,
        lat: p.rec.lat,
        flags: p.rec.flags,
        flag_notes: p.rec.flagNotes,
        data: p.rec.data,
        content_hash: p.rec.contentHash,
      };
    };
    const touched: number[] = [];
    // a sensitive record marks its event before the write, so the write generalises every record of the
    // batch in that event; the event's records stored earlier are recomputed after it
    const newlyMarked = await markEventsBeforeWrite(tx, [...inserts, ...updates.map((u) => u.p)].map((p) => ({ eventId: p.rec.eventId, taxonId: taxa.get(p.rec.scientificName)!.taxonId })));
    const owner = ownerOf(opts.actor);
    const pub = publicEnrichmentValues(sql`sv`, sql`e`);
    if (inserts.length) {
      // one write per row: the spatial enrichment and what the public may see are computed inside the
      // INSERT (the CTE is `src`: the enrichment's subqueries call regions `r`)
      const rows = await sql<{ id: number }>`
        WITH lyr AS (${layersCte}),
        tcl AS MATERIALIZED ${taxonCells(inserts.map((p) => taxa.get(p.rec.scientificName)!.taxonId))},
        src AS (
          SELECT j.*, ST_SetSRID(ST_MakePoint(j.lon, j.lat), 4326) AS g, tcl.tc
          FROM jsonb_to_recordset(${JSON.stringify(inserts.map(rowOf))}::jsonb) AS j(${RECORDSET_COLUMNS})
          LEFT JOIN tcl ON tcl.taxon_id = j.taxon_id
        )
        INSERT INTO occurrences (occurrence_id, event_id, basis_of_record, scientific_name, taxon_id, taxon_match, occurrence_status,
          event_start, event_end, individual_count, coordinate_uncertainty_m, geom, region_codes, priority_area, in_counted_pa,
          flags, flag_notes, team, owner_station, data, content_hash, import_id, created_by, updated_by,
          ever_sensitive, cell_m, generalised, public_geom, public_region_codes, public_priority_area, public_in_counted_pa)
        SELECT src.occurrence_id, src.event_id, src.basis_of_record, src.scientific_name, src.taxon_id, src.taxon_match, src.occurrence_status,
          src.event_start, src.event_end, src.individual_count, src.coordinate_uncertainty_m, src.g, e.region_codes, e.priority_area, e.in_counted_pa,
          ${mergedFlags(sql`src.flags`)}, src.flag_notes, ${owner.team}, ${owner.owner_station}, src.data, src.content_hash, ${opts.importId ?? null}::uuid,
          ${opts.actor.tokenId}::uuid, ${opts.actor.tokenId}::uuid,
          sv.ever, sv.cell, sv.generalised, sv.public_geom, ${pub.regionCodes}, ${pub.priorityArea}, ${pub.inCountedPa}
        FROM src CROSS JOIN lyr CROSS JOIN ${enrichmentLateral(sql`src.g`, sql`coalesce(src.data->>'county', src.data->>'municipality')`)} e
        CROSS JOIN ${sensitivityLateral(sql`src.taxon_id`, sql`src.event_id`, sql`src.g`, sql`false`, sql`NULL::int`, sql`src.tc`)} sv
        ${publicEnrichmentJoin(sql`sv`)}
        RETURNING id`.execute(tx);
      touched.push(...rows.rows.map((r) => r.id));
    }
    if (updates.length) {
      const rows = await sql<{ id: number; occurrence_id: string; version: number }>`
        WITH lyr AS (${layersCte}),
        tcl AS MATERIALIZED ${taxonCells(updates.map((u) => taxa.get(u.p.rec.scientificName)!.taxonId))},
        src AS (
          SELECT j.*, ST_SetSRID(ST_MakePoint(j.lon, j.lat), 4326) AS g, tcl.tc
          FROM jsonb_to_recordset(${JSON.stringify(updates.map((u) => rowOf(u.p)))}::jsonb) AS j(${RECORDSET_COLUMNS})
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
          content_hash = x.content_hash, version = o.version + 1, updated_at = now(), updated_by = ${opts.actor.tokenId}::uuid,
          import_id = coalesce(${opts.importId ?? null}::uuid, o.import_id),
          ever_sensitive = x.ever, cell_m = x.cell, generalised = x.generalised, public_geom = x.public_geom,
          public_region_codes = x.public_region_codes, public_priority_area = x.public_priority_area, public_in_counted_pa = x.public_in_counted_pa
        FROM x
        WHERE o.occurrence_id = x.occurrence_id
        RETURNING o.id, o.occurrence_id, o.version`.execute(tx);

      const byOcc = new Map(rows.rows.map((r) => [r.occurrence_id, r]));
      await tx.insertInto('occurrence_history').values(updates.map(({ p, old }) => ({
        occurrence_pk: old.id,
        version: byOcc.get(old.occurrence_id)!.version,
        action: 'update',
        token_id: opts.actor.tokenId,
        role: opts.actor.role,
        actor: opts.actor.label,
        changes: JSON.stringify(diff(old.data, p.rec.data)),
        previous: JSON.stringify({ version: old.version, data: old.data }),
        comment: null,
      }))).execute();
      touched.push(...rows.rows.map((r) => r.id));
    }
    // every record of an event a sensitive record marked is generalised with it
    if (newlyMarked.length) await refreshSensitivity(tx, { events: newlyMarked, skipPks: touched });
    if (touched.length) {
      // the species indicator depends on records: mark it stale (debounced recompute in the worker)
      await writeOutbox(tx, [
        { queue: QUEUES.system, jobName: 'data-changed', payload: { kind: 'occurrences', count: touched.length } },
        // early warning (@biomon/alerts, job `evaluate`): invasive species in a new cell, sensitive detections
        { queue: QUEUES.alerts, jobName: 'evaluate', payload: { trigger: 'occurrences', occurrenceIds: touched } },
      ]);
      await writeAudit(tx, opts.actor, {
        action: 'occurrences.upsert',
        entity: 'occurrence',
        entityIds: [...inserts.map((p) => p.rec.occurrenceId), ...updates.map((u) => u.p.rec.occurrenceId)].slice(0, 5000),
        route: opts.route ?? null,
        summary: { inserted: inserts.length, updated: updates.length, unchanged, rejected: rejected.length, importId: opts.importId ?? null },
      });
    }
    return { inserted: inserts.length, updated: updates.length, unchanged, rejected: rejected.sort((a, b) => a.index - b.index), warnings };
  };
  return withTx(db, run);
}

export type { FieldError };
