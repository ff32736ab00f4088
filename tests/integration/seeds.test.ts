import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from '@biomon/db';
import { runSeeds } from '@biomon/seed';
import type { LedgerSeed } from '@biomon/ledger';
import { createTestContext, type TestContext } from '../support/test-db';
import { REPO_ROOT } from '../support/cli';

const SEEDS = path.join(REPO_ROOT, 'seeds');
const ledger = JSON.parse(readFileSync(path.join(SEEDS, 'ledger/ledger.json'), 'utf8')) as LedgerSeed;

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

async function counts(): Promise<Record<string, number>> {
  const r = await sql<Record<string, number>>`
    SELECT (SELECT count(*) FROM ledger_tasks) AS tasks, (SELECT count(*) FROM departments) AS departments,
           (SELECT count(*) FROM ledger_task_departments) AS task_departments, (SELECT count(*) FROM ledger_task_links) AS links,
           (SELECT count(*) FROM taxa) AS taxa, (SELECT count(*) FROM taxon_names) AS names,
           (SELECT count(*) FROM layer_datasets) AS datasets, (SELECT count(*) FROM regions) AS regions,
           (SELECT count(*) FROM seed_runs) AS seed_runs`.execute(t.ctx.db);
  return r.rows[0];
}

describe('seeds', () => {
  it('loads the reference seed: the 55 tasks with departments, times and links, the checklist, the regions', async () => {
    const results = await runSeeds(t.ctx.db, 'reference', SEEDS);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 'applied'));
    const c = await counts();
    expect(c.tasks).toBe(55);
    expect(c.links).toBe(ledger.links.length);
    expect(c.taxa).toBeGreaterThan(50);
    // province + 9 prefectures + 2 priority areas
    expect(c.regions).toBe(12);

    const rows = await t.ctx.db
      .selectFrom('ledger_tasks as t')
      .select(['t.no', 't.timeline_kind', 't.timeline_start', 't.timeline_end', 't.timeline_text', 't.section_code', 't.measure_code', 't.text'])
      .orderBy('t.no')
      .execute();
    const depts = await t.ctx.db
      .selectFrom('ledger_task_departments as td')
      .innerJoin('departments as d', 'd.id', 'td.department_id')
      .select(['td.task_no', 'd.name', 'td.role'])
      .orderBy('td.task_no')
      .orderBy('td.ord')
      .execute();
    for (const task of ledger.tasks) {
      const row = rows.find((r) => r.no === task.no)!;
      expect(row).toMatchObject({
        timeline_kind: task.timeline.kind,
        timeline_start: task.timeline.start,
        timeline_end: task.timeline.end,
        timeline_text: task.timeline.text,
        section_code: task.section,
        measure_code: task.measure,
        text: task.text,
      });
      const responsible = depts.filter((d) => d.task_no === task.no && d.role === 'responsible').map((d) => d.name);
      expect(responsible).toEqual(task.departments);
      // 各市州人民政府 implements every task (task 1: 以下不再单独列出)
      expect(depts.some((d) => d.task_no === task.no && d.name === '各市州人民政府')).toBe(true);
    }
    expect(rows.find((r) => r.no === 4)).toMatchObject({ timeline_kind: 'deadline', timeline_end: '2022-12-31' });
    expect(rows.find((r) => r.no === 3)).toMatchObject({ timeline_kind: 'window', timeline_start: '2022-01-01', timeline_end: '2023-12-31' });
    expect(rows.find((r) => r.no === 5)).toMatchObject({ timeline_kind: 'continuous', timeline_end: null });
  });

  it('never seeds twice', async () => {
    const before = await counts();
    const again = await runSeeds(t.ctx.db, 'reference', SEEDS);
    expect(again.every((r) => r.status === 'skipped')).toBe(true);
    // two seeders racing: the advisory lock serialises them, each step applies once
    await Promise.all([runSeeds(t.ctx.db, 'reference', SEEDS), runSeeds(t.ctx.db, 'reference', SEEDS)]);
    expect(await counts()).toEqual(before);
  });

  it('adds the demo layers on top, once', async () => {
    const results = await runSeeds(t.ctx.db, 'demo', SEEDS);
    expect(results.filter((r) => r.status === 'applied').map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'demo:protected-areas',
        'demo:land-cover-2024',
        'demo:grassland-plots',
        'demo:ecosystems',
        'demo:survey',
        'demo:indicator-run-2024',
      ]),
    );
    const kinds = await t.ctx.db.selectFrom('layer_datasets').select(['kind', 'vintage_year', 'feature_count']).orderBy('id').execute();
    expect(kinds.map((k) => k.kind)).toEqual(['regions', 'protected-areas', 'land-cover', 'land-cover', 'grassland-plots', 'ecosystems']);
    expect(kinds.every((k) => k.feature_count > 0)).toBe(true);
    const survey = await sql<{ e: number; o: number }>`SELECT (SELECT count(*) FROM survey_events) AS e, (SELECT count(*) FROM occurrences) AS o`.execute(
      t.ctx.db,
    );
    expect(survey.rows[0]).toEqual({ e: 22, o: 304 }); // seeds/demo/survey.json: 22 events, 304 occurrences, all valid
    const runs = await t.ctx.db.selectFrom('indicator_runs').select(['status', 'year']).execute();
    expect(runs).toEqual([{ status: 'completed', year: 2024 }]);
    const before = await counts();
    await runSeeds(t.ctx.db, 'demo', SEEDS);
    expect(await counts()).toEqual(before);
    expect(await t.ctx.db.selectFrom('indicator_runs').select('id').execute()).toHaveLength(1);
  });
});
