import type { DbOrTx } from '@biomon/db';
import { sql } from '@biomon/db';

/** The SQL of `outbox` (outbox.ts writes messages and relays them). */

/** New pending rows; returns their ids, in order. */
export async function insertOutboxRows(tx: DbOrTx, rows: { queue: string; job_name: string; payload: string }[]): Promise<number[]> {
  const ids = await tx.insertInto('outbox').values(rows).returning('id').execute();
  return ids.map((r) => r.id);
}

/** Serialises writers of the same message (a transaction-level advisory lock on `key`). */
export async function lockOutboxMessage(tx: DbOrTx, key: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${key}))`.execute(tx);
}

/** Whether the same message (queue, job name, payload as JSON text) was written less than `withinMs` ago. */
export async function recentOutboxMessage(tx: DbOrTx, m: { queue: string; job_name: string; payload: string }, withinMs: number): Promise<boolean> {
  const recent = await tx
    .selectFrom('outbox')
    .select('id')
    .where('queue', '=', m.queue)
    .where('job_name', '=', m.job_name)
    .where(sql<boolean>`payload = ${m.payload}::jsonb`)
    .where('created_at', '>', sql<Date>`now() - make_interval(secs => ${withinMs / 1000})`)
    .limit(1)
    .executeTakeFirst();
  return recent !== undefined;
}

/** Up to `limit` pending rows, oldest first, locked for this transaction (FOR UPDATE SKIP LOCKED: relays never take the same row). */
export async function lockPendingOutbox(tx: DbOrTx, limit: number) {
  return tx
    .selectFrom('outbox')
    .select(['id', 'queue', 'job_name', 'payload'])
    .where('enqueued_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Counts a failed try of a row, with why. */
export async function markOutboxFailed(tx: DbOrTx, id: number, error: string): Promise<void> {
  await tx.updateTable('outbox').set({ attempts: sql`attempts + 1`, last_error: error }).where('id', '=', id).execute();
}

/** Marks rows enqueued (now). */
export async function markOutboxEnqueued(tx: DbOrTx, ids: number[]): Promise<void> {
  await tx.updateTable('outbox').set({ enqueued_at: new Date() }).where('id', 'in', ids).execute();
}
