import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { QUEUES, relayOutboxOnce, writeOutbox } from '@biomon/queue';
import { startWorker } from '@biomon/worker';
import { createTestContext, type TestContext } from '../support/test-db';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

describe('outbox relay', () => {
  it('enqueues every row exactly once, even with concurrent relays', async () => {
    await t.ctx.db.transaction().execute((tx) =>
      writeOutbox(
        tx,
        Array.from({ length: 120 }, (_, i) => ({ queue: QUEUES.system, jobName: 'noop', payload: { i } })),
      ),
    );
    const queueFor = (name: string) => t.ctx.queues.get(name);
    const results = await Promise.all(
      [0, 1, 2].map(async () => {
        let total = 0;
        for (;;) {
          const r = await relayOutboxOnce(t.ctx.db, queueFor, 25);
          total += r.enqueued;
          if (r.enqueued === 0) return total;
        }
      }),
    );
    expect(results.reduce((a, b) => a + b, 0)).toBe(120);
    const q = t.ctx.queues.get(QUEUES.system)!;
    const counts = await q.getJobCounts('waiting', 'active', 'completed', 'delayed', 'failed');
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(120);
    const pending = await t.ctx.db.selectFrom('outbox').select('id').where('enqueued_at', 'is', null).execute();
    expect(pending).toEqual([]);
  });

  it('delivers outbox jobs to the worker', async () => {
    const log = pino({ level: 'silent' });
    const running = startWorker(t.ctx, log, { relayIntervalMs: 50 });
    try {
      const [id] = await t.ctx.db.transaction().execute((tx) => writeOutbox(tx, [{ queue: QUEUES.system, jobName: 'noop', payload: { hello: 'world' } }]));
      const q = t.ctx.queues.get(QUEUES.system)!;
      let job;
      for (let i = 0; i < 100; i++) {
        job = await q.getJob(`outbox-${id}`);
        if (job && (await job.isCompleted())) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(job).toBeTruthy();
      expect(await job!.isCompleted()).toBe(true);
      expect(job!.returnvalue).toEqual({ echoed: { hello: 'world', outboxId: id } });
    } finally {
      await running.stop();
    }
  });
});
