import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import pino from 'pino';
import { runSeeds } from '@biomon/seed';
import { QUEUES } from '@biomon/queue';
import { startWorker, registerAlertSchedulers, type RunningWorker } from '@biomon/worker';
import { createTestContext, type TestContext } from '../support/test-db';
import { REPO_ROOT } from '../support/cli';
import { alertRows, waitFor } from '../support/alerts';

// A fresh platform already warns: the `reference` seed writes the default rules, the demo survey's
// records reach the alert evaluator through the outbox, and the worker's job schedulers run the
// scheduled checks at once (as `npm start` does).

let t: TestContext;
let worker: RunningWorker;

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50, registerSchedulers: registerAlertSchedulers });
});
afterAll(async () => {
  await worker.stop();
  await t.close();
});

describe('a fresh demo platform', () => {
  it('warns without anyone asking: invasive species in new cells, an overdue task off target', async () => {
    const rows = await waitFor(
      'the demo alerts',
      async () => {
        const pending = await t.ctx.db.selectFrom('outbox').select('id').where('enqueued_at', 'is', null).execute();
        const r = await alertRows(t);
        return pending.length === 0 && r.some((a) => a.rule_code === 'invasive_new_cell') && r.some((a) => a.rule_code === 'indicator_deadline') ? r : null;
      },
      60_000,
      200,
    );
    const schedulers = await t.ctx.queues.get(QUEUES.alerts)!.getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(['alerts-imports', 'alerts-indicators', 'alerts-stations']);

    const invasive = rows.filter((a) => a.rule_code === 'invasive_new_cell');
    expect(invasive.length).toBeGreaterThan(3);
    for (const a of invasive) {
      expect(a.region_name).toBeTruthy();
      expect(a.title_zh).toContain(a.region_name!);
    }
    // task 12 (due 2025-12-31, no done report) is linked to natural wetland protection, 40.6 % against 50 % in the demo run
    expect(rows.find((a) => a.rule_code === 'indicator_deadline')).toMatchObject({
      subject_key: 'task=12;indicator=natural_wetland_protection_rate;region=220000',
      severity: 'critical',
      status: 'open',
    });
    // the demo's tiger and leopard detections are years old: history, not warnings
    expect(rows.filter((a) => a.rule_code === 'sensitive_detection')).toEqual([]);
    const keys = rows.filter((a) => a.status !== 'resolved').map((a) => `${a.rule_code}|${a.subject_key}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
