import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { runSeeds } from '@biomon/seed';
import { QUEUES } from '@biomon/queue';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';
import { boxPolygon } from '../support/ellipsoid';

// A new protected-areas version re-enriches the stored records (in a counted protected area or
// not) and marks the indicators stale with one debounced recompute scheduled — a new run, never
// an edit of an old one.

let t: TestContext;
let app: FastifyInstance;
let worker: RunningWorker;

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
}, 120_000);
afterAll(async () => {
  await worker.stop();
  await app.close();
  await t.close();
});

describe('new layer versions', () => {
  it('re-enrich stored occurrences and schedule a debounced indicator recompute', async () => {
    const surveyor = await authAs(t, 'surveyor', { team: 'dc' });
    const admin = await authAs(t, 'admin');
    // a record in Changchun's farmland: no protected area there in the demo layer
    const rec = {
      occurrenceID: 'dc-1',
      scientificName: 'Phasianus colchicus',
      eventDate: '2025-05-01',
      decimalLatitude: 44.35,
      decimalLongitude: 125.65,
      geodeticDatum: 'WGS84',
    };
    expect((await app.inject({ method: 'POST', url: '/v1/occurrences', headers: surveyor, payload: { records: [rec] } })).statusCode).toBe(200);
    const before = await t.ctx.db.selectFrom('occurrences').select('in_counted_pa').where('occurrence_id', '=', 'dc-1').executeTakeFirstOrThrow();
    expect(before.in_counted_pa).toBe(false);
    const runsBefore = await t.ctx.db.selectFrom('indicator_runs').select('id').execute();

    const fc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { id: 'DC-NEW', name: '新建保护区', designation: 'nature_reserve', status: 'designated', establishedYear: 2020 },
          geometry: boxPolygon(125.6, 125.7, 44.3, 44.4),
        },
      ],
    };
    expect((await app.inject({ method: 'POST', url: '/v1/layers/protected-areas?year=2025', headers: admin, payload: fc })).statusCode).toBe(200);

    let after = before.in_counted_pa;
    for (let i = 0; i < 200 && !after; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = (await t.ctx.db.selectFrom('occurrences').select('in_counted_pa').where('occurrence_id', '=', 'dc-1').executeTakeFirstOrThrow()).in_counted_pa;
    }
    expect(after).toBe(true);
    const stale = await t.ctx.db.selectFrom('indicator_staleness').select('kind').execute();
    expect(stale.map((s) => s.kind)).toEqual(expect.arrayContaining(['protected-areas', 'occurrences']));
    const delayed = await t.ctx.queues.get(QUEUES.indicators)!.getJobs(['delayed']);
    expect(delayed.filter((j) => j.name === 'recompute').length).toBe(1); // repeats inside the window add nothing
    // old runs are untouched; the recompute will be a new run
    expect(await t.ctx.db.selectFrom('indicator_runs').select('id').execute()).toEqual(runsBefore);
  }, 60_000);
});
