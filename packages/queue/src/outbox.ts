import type { DbOrTx, Db } from '@biomon/db';
import { sql } from '@biomon/db';
import type { Queue } from 'bullmq';
import type { OutboxMessage } from './jobs';

/**
 * Records work to be done, in the caller's transaction: the job exists if and only if the data
 * it announces was committed. The relay enqueues it to bullmq later, so a Redis outage delays
 * work and loses none. Each message names a job of the job contract (jobs.ts) with its payload.
 */
export async function writeOutbox(tx: DbOrTx, messages: OutboxMessage[]): Promise<number[]> {
  if (!messages.length) return [];
  const rows = await tx
    .insertInto('outbox')
    .values(messages.map((m) => ({ queue: m.queue, job_name: m.jobName, payload: JSON.stringify(m.payload) })))
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export interface RelayResult {
  enqueued: number;
  failed: number;
}

/**
 * Moves pending outbox rows to their bullmq queues. Each row becomes exactly one job:
 * the bullmq job id is `outbox-<rowId>` (bullmq refuses a second job with the same id while the first
 * is kept), and the row is marked enqueued in the same transaction that locked it
 * (FOR UPDATE SKIP LOCKED, so several relays never take the same row).
 */
export async function relayOutboxOnce(db: Db, queueFor: (name: string) => Queue | undefined, batchSize = 200): Promise<RelayResult> {
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom('outbox')
      .select(['id', 'queue', 'job_name', 'payload'])
      .where('enqueued_at', 'is', null)
      .orderBy('id')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    let enqueued = 0;
    let failed = 0;
    const done: number[] = [];
    for (const row of rows) {
      const queue = queueFor(row.queue);
      if (!queue) {
        failed++;
        await tx
          .updateTable('outbox')
          .set({ attempts: sql`attempts + 1`, last_error: `no queue ${row.queue}` })
          .where('id', '=', row.id)
          .execute();
        continue;
      }
      try {
        await queue.add(row.job_name, { ...(row.payload as object), outboxId: row.id }, { jobId: `outbox-${row.id}` });
        done.push(row.id);
        enqueued++;
      } catch (err) {
        // Redis is down: stop here, keep the rest pending; they go out when it is back.
        failed++;
        break;
      }
    }
    if (done.length) {
      await tx.updateTable('outbox').set({ enqueued_at: new Date() }).where('id', 'in', done).execute();
    }
    return { enqueued, failed };
  });
}
