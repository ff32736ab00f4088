import type { Db, Tx } from '@biomon/db';
import { withTx } from '@biomon/db';
import { AppError, type FieldError } from '@biomon/core';
import { writeAudit, type Actor } from '@biomon/auth';
import { QUEUES, writeOutbox } from '@biomon/queue';
import { mayEdit, ownerOf } from './record-owner';
import type { BatchResult, BatchWarning, RejectedRecord } from './batch-result';
import { markEventsBeforeWrite, refreshSensitivity } from './sensitivity';
import { holdRulesSharedForBatch, lockEvents } from './sensitivity.repository';
import { insertOccurrenceHistory, insertOccurrenceRows, lockOccurrenceIds, selectExistingOccurrences, updateOccurrenceRows } from './occurrence.repository';
import { matchTaxa } from './taxon-match';
import { validateOccurrence, type NormalizedOccurrence } from './validate-occurrence';

export const MAX_BATCH_RECORDS = 5000;

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

interface Prepared {
  index: number;
  rec: NormalizedOccurrence;
}

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
      else
        rejected.push({
          index,
          id: v.value.occurrenceId,
          errors: [
            { field: 'occurrenceID', code: 'DUPLICATE_IN_BATCH', message: `occurrenceID also used with other content at index ${prev.index} of this batch` },
          ],
        });
      return;
    }
    if (opts.allowedBasisOfRecord && !opts.allowedBasisOfRecord.includes(v.value.basisOfRecord)) {
      rejected.push({
        index,
        id: v.value.occurrenceId,
        errors: [
          { field: 'basisOfRecord', code: 'BASIS_OF_RECORD_NOT_ALLOWED', message: `this token may post only ${opts.allowedBasisOfRecord.join(', ')} records` },
        ],
      });
      return;
    }
    if (opts.ifMatchVersion != null && v.value.expectedVersion === null) v.value.expectedVersion = opts.ifMatchVersion;
    const p = { index, rec: v.value };
    seen.set(v.value.occurrenceId, p);
    prepared.push(p);
  });

  const fail = (): never => {
    const only = (code: string) => rejected.length > 0 && rejected.every((r) => r.errors.every((e) => e.code === code));
    if (only('VERSION_CONFLICT'))
      throw new AppError('VERSION_CONFLICT', 'The version you sent is stale; nothing was stored', { rejected: rejected.sort((a, b) => a.index - b.index) });
    if (only('RECORD_OF_OTHER_OWNER'))
      throw new AppError('RECORD_OF_OTHER_OWNER', 'These records belong to another team or station; nothing was stored', {
        rejected: rejected.sort((a, b) => a.index - b.index),
      });
    throw new AppError(
      'BATCH_REJECTED',
      opts.atomic && prepared.length ? 'The batch is atomic and some records were rejected; nothing was stored' : 'No record of the batch could be stored',
      { rejected: rejected.sort((a, b) => a.index - b.index) },
    );
  };
  if (prepared.length === 0 || (opts.atomic && rejected.length)) fail();

  const run = async (tx: Tx): Promise<BatchResult> => {
    // the sensitivity rules cannot change while we write (sensitivity.ts); the batch statements on their generic plan
    await holdRulesSharedForBatch(tx);
    const taxa = await matchTaxa(
      tx,
      prepared.map((p) => p.rec.scientificName),
    );
    const ids = prepared.map((p) => p.rec.occurrenceId);
    // Serialise writers of the same occurrenceIDs (a retry racing its original): sorted locks, no deadlock.
    await lockOccurrenceIds(tx, ids);
    const existing = await selectExistingOccurrences(tx, ids);
    // … and of the events written to (new and previous ones): a record joining an event sees whether it is sensitive
    await lockEvents(tx, [...prepared.map((p) => p.rec.eventId), ...existing.map((e) => e.event_id)]);
    const byId = new Map<string, ExistingRow>(existing.map((e) => [e.occurrence_id, e as unknown as ExistingRow]));

    const inserts: Prepared[] = [];
    const updates: { p: Prepared; old: ExistingRow }[] = [];
    let unchanged = duplicatesUnchanged;
    const warnings: BatchWarning[] = [];
    for (const p of prepared) {
      const old = byId.get(p.rec.occurrenceId);
      const reject = (field: string, code: string, message: string) =>
        rejected.push({ index: p.index, id: p.rec.occurrenceId, errors: [{ field, code, message }] });
      if (old && !mayEdit(opts.actor, old)) {
        reject(
          'occurrenceID',
          'RECORD_OF_OTHER_OWNER',
          `occurrenceID ${p.rec.occurrenceId} belongs to another team or station; a record is changed only by its owner (or an admin); nothing of it was changed`,
        );
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
      if (p.rec.flags.length)
        warnings.push({
          index: p.index,
          id: p.rec.occurrenceId,
          flags: [...p.rec.flags],
          notes: Object.keys(p.rec.flagNotes).length ? p.rec.flagNotes : undefined,
        });
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
    const newlyMarked = await markEventsBeforeWrite(
      tx,
      [...inserts, ...updates.map((u) => u.p)].map((p) => ({ eventId: p.rec.eventId, taxonId: taxa.get(p.rec.scientificName)!.taxonId })),
    );
    const owner = ownerOf(opts.actor);
    if (inserts.length) {
      // one write per row: the spatial enrichment and what the public may see are computed inside the
      // INSERT (the CTE is `src`: the enrichment's subqueries call regions `r`)
      const rows = await insertOccurrenceRows(
        tx,
        inserts.map((p) => taxa.get(p.rec.scientificName)!.taxonId),
        inserts.map(rowOf),
        { owner, importId: opts.importId ?? null, tokenId: opts.actor.tokenId },
      );
      touched.push(...rows.rows.map((r) => r.id));
    }
    if (updates.length) {
      const rows = await updateOccurrenceRows(
        tx,
        updates.map((u) => taxa.get(u.p.rec.scientificName)!.taxonId),
        updates.map((u) => rowOf(u.p)),
        { importId: opts.importId ?? null, tokenId: opts.actor.tokenId },
      );

      const byOcc = new Map(rows.rows.map((r) => [r.occurrence_id, r]));
      await insertOccurrenceHistory(
        tx,
        updates.map(({ p, old }) => ({
          occurrence_pk: old.id,
          version: byOcc.get(old.occurrence_id)!.version,
          action: 'update',
          token_id: opts.actor.tokenId,
          role: opts.actor.role,
          actor: opts.actor.label,
          changes: JSON.stringify(diff(old.data, p.rec.data)),
          previous: JSON.stringify({ version: old.version, data: old.data }),
          comment: null,
        })),
      );
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
