import type { Db } from '@biomon/db';
import { sql } from '@biomon/db';
import { AppError } from '@biomon/core';
import { writeAudit, type Actor } from '@biomon/auth';
import { findTaxaByName } from '@biomon/taxa';
import { QUEUES, writeOutbox } from '@biomon/queue';
import type { ReviewState } from './dwc-vocabulary';
import { holdRulesShared, lockEvents, refreshSensitivity } from './sensitivity';

/**
 * Sets a record's review state (审核), keeping the change and the comment in its history. A reviewer
 * may also set the record's taxon (`taxon`: a name of the checklist): an unmatched name stops being
 * generalised then — unless the taxon is sensitive, or the record ever was (sticky) — and a record
 * set to a sensitive taxon is generalised from then on, with its event.
 */
export async function reviewOccurrence(db: Db, occurrenceId: string, state: ReviewState, comment: string | null, actor: Actor, taxon?: string | null) {
  return db.transaction().execute(async (tx) => {
    await holdRulesShared(tx);
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${occurrenceId}, 7))`.execute(tx);
    const row = await tx.selectFrom('occurrences as o').leftJoin('taxa as t', 't.id', 'o.taxon_id')
      .select(['o.id', 'o.review_state', 'o.version', 'o.event_id', 'o.taxon_id', 't.scientific_name as taxon_name'])
      .where('o.occurrence_id', '=', occurrenceId).forUpdate('o').executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', `No occurrence ${occurrenceId}`);
    await lockEvents(tx, [row.event_id]);
    const changes: Record<string, [unknown, unknown]> = { identificationVerificationStatus: [row.review_state, state] };
    let newTaxon: { id: number; scientificName: string } | null = null;
    if (taxon) {
      const found = await findTaxaByName(tx, taxon);
      if (found.length !== 1) {
        throw new AppError('VALIDATION_FAILED', `taxon "${taxon}" must name exactly one taxon of the checklist`, {
          errors: [{ field: 'body.taxon', code: found.length ? 'TAXON_AMBIGUOUS' : 'TAXON_NOT_FOUND', message: found.length ? `"${taxon}" names ${found.length} taxa: use the scientific name` : `"${taxon}" is not in the checklist` }],
        });
      }
      newTaxon = { id: found[0].id, scientificName: found[0].scientificName };
      if (newTaxon.id !== row.taxon_id) changes.taxon = [row.taxon_name ?? null, newTaxon.scientificName];
    }
    await tx.updateTable('occurrences').set({
      review_state: state, updated_at: new Date(),
      ...(newTaxon && newTaxon.id !== row.taxon_id ? {
        taxon_id: newTaxon.id, taxon_match: 'exact',
        flags: sql<string[]>`array_remove(array_remove(array_remove(flags, 'TAXON_MATCH_NONE'), 'TAXON_MATCH_FUZZY'), 'TAXON_MATCH_HIGHERRANK')`,
      } : {}),
    }).where('id', '=', row.id).execute();
    if (changes.taxon) {
      await refreshSensitivity(tx, { occurrencePks: [row.id] });
      // the species indicator depends on the taxon (debounced recompute in the worker)
      await writeOutbox(tx, [{ queue: QUEUES.system, jobName: 'data-changed', payload: { kind: 'occurrences', count: 1 } }]);
    }
    await tx.insertInto('occurrence_history').values({
      occurrence_pk: row.id, version: row.version, action: 'review', token_id: actor.tokenId, role: actor.role, actor: actor.label,
      changes: JSON.stringify(changes), previous: null, comment,
    }).execute();
    await writeAudit(tx, actor, {
      action: 'occurrences.review', entity: 'occurrence', entityIds: [occurrenceId], route: 'POST /v1/occurrences/{occurrenceID}/review',
      summary: { from: row.review_state, to: state, ...(changes.taxon ? { taxon: changes.taxon } : {}) },
    });
    return { occurrenceID: occurrenceId, reviewState: state, previous: row.review_state, ...(newTaxon ? { taxon: newTaxon.scientificName } : {}) };
  });
}
