import type { Db } from '@biomon/db';
import { AppError } from '@biomon/core';
import { writeAudit } from '@biomon/auth';
import type { Actor } from './actor';
import type { ReviewState } from './dwc-vocabulary';

/** Sets a record's review state (审核), keeping the change and the comment in its history. */
export async function reviewOccurrence(db: Db, occurrenceId: string, state: ReviewState, comment: string | null, actor: Actor) {
  return db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('occurrences').select(['id', 'review_state', 'version']).where('occurrence_id', '=', occurrenceId).forUpdate().executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', `No occurrence ${occurrenceId}`);
    await tx.updateTable('occurrences').set({ review_state: state, updated_at: new Date() }).where('id', '=', row.id).execute();
    await tx.insertInto('occurrence_history').values({
      occurrence_pk: row.id, version: row.version, action: 'review', token_id: actor.tokenId, role: actor.role, actor: actor.label,
      changes: JSON.stringify({ identificationVerificationStatus: [row.review_state, state] }), previous: null, comment,
    }).execute();
    await writeAudit(tx, actor, { action: 'occurrences.review', entity: 'occurrence', entityIds: [occurrenceId], route: 'POST /v1/occurrences/{occurrenceID}/review', summary: { from: row.review_state, to: state } });
    return { occurrenceID: occurrenceId, reviewState: state, previous: row.review_state };
  });
}
