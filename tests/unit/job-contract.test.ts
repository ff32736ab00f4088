import { describe, expect, it } from 'vitest';
import { QUEUES, writeOutbox, type JobQueue, type JobQueues } from '@biomon/queue';
import { REGISTRY, type JobRegistry } from '@biomon/worker';
import type { DbOrTx } from '@biomon/db';

/**
 * The job contract (@biomon/queue jobs.ts) is checked by `tsc`: producers and the registry that
 * break it do not compile. This function is never called; `tsc -b` (npm test) fails when one of
 * the `@ts-expect-error` lines below stops being an error, i.e. when the types stop catching it.
 */
// biome-ignore lint/suspicious/noExportsInTest: exported so that tsc type-checks it without calling it (never imported)
export function contractIsEnforced(tx: DbOrTx, queues: JobQueues, indicators: JobQueue<'indicators'>): void {
  void writeOutbox(tx, [{ queue: QUEUES.indicators, jobName: 'run', payload: { runId: 'r' } }]);
  // @ts-expect-error a job name the queue does not have
  void writeOutbox(tx, [{ queue: QUEUES.indicators, jobName: 'process', payload: { importId: 'i' } }]);
  // @ts-expect-error the payload of another job
  void writeOutbox(tx, [{ queue: QUEUES.imports, jobName: 'process', payload: { runId: 'r' } }]);
  // @ts-expect-error a payload field of the wrong type
  void writeOutbox(tx, [{ queue: QUEUES.webhooks, jobName: 'fan-out', payload: { alertEventId: '7' } }]);
  // @ts-expect-error a queue that does not exist
  void writeOutbox(tx, [{ queue: 'mail', jobName: 'send', payload: {} }]);

  void indicators.add('recompute', {}, { jobId: 'recompute-1' });
  // @ts-expect-error a job of another queue added directly
  void indicators.add('evaluate', { trigger: 'rules', rules: [] });
  // @ts-expect-error a run without its id
  void indicators.add('run', {});
  void queues.get(QUEUES.alerts).upsertJobScheduler('alerts-x', { every: 1000 }, { name: 'evaluate', data: { trigger: 'schedule', group: 'stations' } });
  // @ts-expect-error a scheduler template whose payload does not fit its job
  void queues.get(QUEUES.alerts).upsertJobScheduler('alerts-x', { every: 1000 }, { name: 'evaluate', data: { trigger: 'schedule' } });
  void queues.get(QUEUES.webhooks).addBulk([{ name: 'deliver', data: { alertEventId: 1, subscriptionId: 's' } }]);
  // @ts-expect-error a bulk job without its subscription
  void queues.get(QUEUES.webhooks).addBulk([{ name: 'deliver', data: { alertEventId: 1 } }]);

  // @ts-expect-error a registry that misses a handler (system/data-changed)
  const missing: JobRegistry = { ...REGISTRY, system: { noop: REGISTRY.system.noop } };
  void missing;
  // the worker's handlers read typed payloads
  const run: Parameters<JobRegistry['indicators']['run']>[0]['data']['runId'] = 'r';
  void run;
}

describe('job contract', () => {
  it("registers a handler for every queue, and only the platform's queues", () => {
    expect(Object.keys(REGISTRY).sort()).toEqual(Object.values(QUEUES).sort());
    for (const [queue, handlers] of Object.entries(REGISTRY)) {
      expect(Object.keys(handlers).length, queue).toBeGreaterThan(0);
      for (const h of Object.values(handlers)) expect(typeof h).toBe('function');
    }
  });
});
