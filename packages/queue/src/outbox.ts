import type { DbOrTx, Db, Tx } from '@biomon/db';
import type { Queue } from 'bullmq';
import type { OutboxMessage } from './jobs';
import { insertOutboxRows, lockOutboxMessage, lockPendingOutbox, markOutboxEnqueued, markOutboxFailed, recentOutboxMessage } from './outbox.repository';

/**
 * Records work to be done, in the caller's transaction: the job exists if and only if the data
 * it announces was committed. The relay enqueues it to bullmq later, so a Redis outage delays
 * work and loses none. Each message names a job of the job contract (jobs.ts) with its payload.
 */
export async function writeOutbox(tx: DbOrTx, messages: OutboxMessage[]): Promise<number[]> {
  if (!messages.length) return [];
  return insertOutboxRows(
    tx,
    messages.map((m) => ({ queue: m.queue, job_name: m.jobName, payload: JSON.stringify(m.payload) })),
  );
}

/**
 * writeOutbox for work that repeated requests must not queue again and again (a client polling a
 * result that a job computes): the message is written unless the same one — queue, job name and
 * payload — was written less than `withinMs` ago. Concurrent callers take turns on a
 * transaction-level advisory lock of the message, so only one of them writes it. True when written.
 * After the window a new message is written (a job that failed for good is tried again).
 */
export async function writeOutboxOnce(tx: Tx, message: OutboxMessage, withinMs: number): Promise<boolean> {
  const payload = JSON.stringify(message.payload);
  await lockOutboxMessage(tx, `outbox:${message.queue}:${message.jobName}:${payload}`);
  if (await recentOutboxMessage(tx, { queue: message.queue, job_name: message.jobName, payload }, withinMs)) return false;
  await writeOutbox(tx, [message]);
  return true;
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
    const rows = await lockPendingOutbox(tx, batchSize);
    let enqueued = 0;
    let failed = 0;
    const done: number[] = [];
    for (const row of rows) {
      const queue = queueFor(row.queue);
      if (!queue) {
        failed++;
        await markOutboxFailed(tx, row.id, `no queue ${row.queue}`);
        continue;
      }
      try {
        await queue.add(row.job_name, { ...(row.payload as object), outboxId: row.id }, { jobId: `outbox-${row.id}` });
        done.push(row.id);
        enqueued++;
      } catch {
        // Redis is down: stop here, keep the rest pending; they go out when it is back.
        failed++;
        break;
      }
    }
    if (done.length) {
      await markOutboxEnqueued(tx, done);
    }
    return { enqueued, failed };
  });
}
