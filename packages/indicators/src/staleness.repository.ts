import { sql, type DbOrTx } from '@biomon/db';

/** The SQL of the stale marks (`indicator_staleness`): one row per kind of data that changed since the last recompute. */

export async function insertStaleMark(db: DbOrTx, kind: string): Promise<void> {
  await db
    .insertInto('indicator_staleness')
    .values({ kind })
    .onConflict((oc) => oc.column('kind').doNothing())
    .execute();
}

export async function listStaleMarks(db: DbOrTx): Promise<{ kind: string; since: Date }[]> {
  return db.selectFrom('indicator_staleness').select(['kind', 'since']).execute();
}

/**
 * Clears the marks of these kinds set no later than `upTo` (a mark set again after it stays).
 * `upTo` is a mark's `since` read back as a JavaScript Date (milliseconds): compared at that
 * precision, or the mark's own microseconds would keep it for ever.
 */
export async function clearStaleMarks(db: DbOrTx, kinds: string[], upTo: Date): Promise<void> {
  await db.deleteFrom('indicator_staleness').where('kind', 'in', kinds).where(sql<Date>`date_trunc('milliseconds', since)`, '<=', sql<Date>`${upTo}`).execute();
}
