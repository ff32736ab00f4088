import type { Db } from '@biomon/db';
import { AppError } from '@biomon/core';
import { writeAudit, type Actor } from '@biomon/auth';
import { findTaxaByName } from '@biomon/taxa';
import { QUEUES, writeOutbox } from '@biomon/queue';
import type { ReviewState } from './dwc-vocabulary';
import { refreshSensitivity } from './sensitivity';
import { holdRulesShared, lockEvents } from './sensitivity.repository';
import { insertReviewHistory, lockOccurrenceForReview, lockOccurrenceId, setReviewState } from './occurrence.repository';

/**
 * Sets a record's review state (审核), keeping the change and the comment in its history. A reviewer
 * may also set the record's taxon (`taxon`: a name of the checklist): an unmatched name stops being
 * generalised then — unless the taxon is sensitive, or the record ever was (sticky) — and a record
 * set to a sensitive taxon is generalised from then on, with its event.
 */
export async function reviewOccurrence(db: Db, occurrenceId: string, state: ReviewState, comment: string | null, actor: Actor, taxon?: string | null) {
  return db.transaction().execute(async (tx) => {
    await holdRulesShared(tx);
    await lockOccurrenceId(tx, occurrenceId);
    const row = await lockOccurrenceForReview(tx, occurrenceId);
    if (!row) throw new AppError('NOT_FOUND', `No occurrence ${occurrenceId}`);
    await lockEvents(tx, [row.event_id]);
    const changes: Record<string, [unknown, unknown]> = { identificationVerificationStatus: [row.review_state, state] };
    let newTaxon: { id: number; scientificName: string } | null = null;
    if (taxon) {
      const found = await findTaxaByName(tx, taxon);
      if (found.length !== 1) {
        throw new AppError('VALIDATION_FAILED', `taxon "${taxon}" must name exactly one taxon of the checklist`, {
          errors: [
            {
              field: 'body.taxon',
              code: found.length ? 'TAXON_AMBIGUOUS' : 'TAXON_NOT_FOUND',
              message: found.length ? `"${taxon}" names ${found.length} taxa: use the scientific name` : `"${taxon}" is not in the checklist`,
            },
          ],
        });
      }
      newTaxon = { id: found[0].id, scientificName: found[0].scientificName };
      if (newTaxon.id !== row.taxon_id) changes.taxon = [row.taxon_name ?? null, newTaxon.scientificName];
    }
    await setReviewState(tx, row.id, state, newTaxon && newTaxon.id !== row.taxon_id ? newTaxon.id : null);
    if (changes.taxon) {
      await refreshSensitivity(tx, { occurrencePks: [row.id] });
      // the species indicator depends on the taxon (debounced recompute in the worker)
      await writeOutbox(tx, [{ queue: QUEUES.system, jobName: 'data-changed', payload: { kind: 'occurrences', count: 1 } }]);
    }
    await insertReviewHistory(tx, {
      pk: row.id,
      version: row.version,
      tokenId: actor.tokenId,
      role: actor.role,
      actor: actor.label,
      changes: JSON.stringify(changes),
      comment,
    });
    await writeAudit(tx, actor, {
      action: 'occurrences.review',
      entity: 'occurrence',
      entityIds: [occurrenceId],
      route: 'POST /v1/occurrences/{occurrenceID}/review',
      summary: { from: row.review_state, to: state, ...(changes.taxon ? { taxon: changes.taxon } : {}) },
    });
    return { occurrenceID: occurrenceId, reviewState: state, previous: row.review_state, ...(newTaxon ? { taxon: newTaxon.scientificName } : {}) };
  });
}
