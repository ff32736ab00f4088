import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from '@biomon/db';
import { runSeeds } from '@biomon/seed';
import { evaluateAlerts, updateRules, type RuleCode } from '@biomon/alerts';
import { SYSTEM_ACTOR, type Actor } from '@biomon/auth';
import { registerStation } from '@biomon/stations';
import { ingestSurveyEvents } from '@biomon/occurrences';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';
import { alertRows, record, storeRecords } from '../support/alerts';

// Rules evaluated on a schedule (and after indicator runs and imports): silent stations, data
// gaps, indicators off target near a deadline, indicator drops, indicator-species decline,
// failed or mostly rejected imports. Each fires exactly once for its trigger and not for the near miss.

let t: TestContext;
let app: FastifyInstance;
let evaluator: { authorization: string };
const MIN = 60_000;
// a 10-minute boundary, so observation slots are unambiguous
const NOW = Math.floor(Date.now() / (10 * MIN)) * 10 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();
const run = (rules: RuleCode[], at = NOW, asOf?: string) => evaluateAlerts(t.ctx.db, { trigger: 'rules', rules, now: iso(at), ...(asOf ? { asOf } : {}) });
const admin: Actor = { tokenId: null, role: 'admin', label: 'test admin' };

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  await app.ready();
  evaluator = await authAs(t, 'evaluator');
});
afterAll(async () => {
  await app.close();
  await t.close();
});

/** A station with one 10-minute datastream, observed in the given slots of the day before NOW (slot start + 5 min). */
async function station(id: string, slots: number[], lon = 126.0, lat = 43.5): Promise<void> {
  await registerStation(
    t.ctx.db,
    {
      stationId: id,
      name: `测试站 ${id}`,
      type: 'weather',
      location: { type: 'Point', coordinates: [lon, lat] },
      datastreams: [
        {
          datastreamId: `${id}-t`,
          observedProperty: 'air_temperature',
          unitOfMeasurement: { symbol: '°C' },
          resultType: 'number',
          expectedIntervalSeconds: 600,
        },
      ],
    },
    { actor: SYSTEM_ACTOR, route: 'test' },
  );
  // registered two days ago, so the whole one-day window counts
  await t.ctx.db
    .updateTable('datastreams')
    .set({ created_at: new Date(NOW - 2 * 86_400_000) })
    .where('datastream_id', '=', `${id}-t`)
    .execute();
  const from = NOW - 86_400_000;
  await sql`INSERT INTO observations (datastream_pk, phenomenon_time, result_number)
    SELECT d.id, to_timestamp((${from}::float8 + k * 600000 + 300000) / 1000), 1.5 FROM datastreams d, unnest(${slots}::int[]) k
    WHERE d.datastream_id = ${`${id}-t`}`.execute(t.ctx.db);
}
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
async function observe(id: string, at: number) {
  await sql`INSERT INTO observations (datastream_pk, phenomenon_time, result_number) SELECT id, ${new Date(at)}::timestamptz, 2 FROM datastreams WHERE datastream_id = ${`${id}-t`}`.execute(
    t.ctx.db,
  );
}

describe('rule 3: stations', () => {
  beforeAll(async () => {
    await station('ST-A', range(0, 140)); // last observation NOW − 35 min: silent (3 × 10 min)
    await station('ST-B', range(0, 141)); // last NOW − 25 min: late, but by less than the threshold
    await station('ST-C', range(44, 143)); // 100 of 144 slots: 69 % complete
    await station('ST-D', range(26, 143)); // 118 of 144: 82 %, above 80 %
    await updateRules(t.ctx.db, [{ code: 'station_data_gap', params: { windowDays: 1 } }], admin);
  });

  it('data gap: fires for the station below the completeness threshold only', async () => {
    expect((await run(['station_data_gap'])).station_data_gap).toEqual({ opened: 1, updated: 0, unchanged: 0 });
    const rows = await alertRows(t, 'station_data_gap');
    expect(rows.map((r) => r.subject_key)).toEqual(['station=ST-C']);
    expect(rows[0].details).toMatchObject({ completenessPct: 69.44, expectedSlots: 144, observedSlots: 100 });
    expect((await run(['station_data_gap'])).station_data_gap).toEqual({ opened: 0, updated: 0, unchanged: 1 });
  });

  it('silent: fires once for the station silent for 3 intervals, not for the one late by less', async () => {
    expect((await run(['station_silent'])).station_silent).toEqual({ opened: 1, updated: 0, unchanged: 0 });
    const rows = await alertRows(t, 'station_silent');
    expect(rows.map((r) => r.subject_key)).toEqual(['station=ST-A']);
    expect(rows[0]).toMatchObject({ severity: 'warning', status: 'open', region_code: expect.stringMatching(/^22/) });
    expect((rows[0].details as { silentDatastreams: { datastreamId: string; silentForSeconds: number }[] }).silentDatastreams).toEqual([
      expect.objectContaining({ datastreamId: 'ST-A-t', silentForSeconds: 35 * 60, lastPhenomenonTime: iso(NOW - 35 * MIN) }),
    ]);
    expect((await run(['station_silent'])).station_silent).toEqual({ opened: 0, updated: 0, unchanged: 1 });
  });

  it("an evaluator's resolution holds while the station stays silent; a report clears the condition", async () => {
    const [a] = await alertRows(t, 'station_silent');
    const res = await app.inject({ method: 'POST', url: `/v1/alerts/${a.id}/resolve`, headers: evaluator, payload: {} });
    expect(res.json()).toMatchObject({ status: 'resolved', resolved: { by: 'test:evaluator', automatic: false } });
    await run(['station_silent']);
    expect(await alertRows(t, 'station_silent')).toHaveLength(1);
    await observe('ST-A', NOW - 2 * MIN);
    await run(['station_silent']);
    const [after] = await alertRows(t, 'station_silent');
    expect(after.cleared_at).not.toBeNull();
    expect(after.resolved_by_label).toBe('test:evaluator');
  });

  it('resolves itself when the silent station reports again', async () => {
    // ten minutes on, ST-B (last NOW − 25 min) has been silent for 35 min; ST-A reported at NOW − 2 min
    expect((await run(['station_silent'], NOW + 10 * MIN)).station_silent).toEqual({ opened: 1, updated: 0, unchanged: 0 });
    const open = (await alertRows(t, 'station_silent')).filter((r) => r.status === 'open');
    expect(open.map((r) => r.subject_key)).toEqual(['station=ST-B']);
    await observe('ST-B', NOW + 8 * MIN);
    await run(['station_silent'], NOW + 10 * MIN);
    const b = (await alertRows(t, 'station_silent')).find((r) => r.subject_key === 'station=ST-B')!;
    expect(b).toMatchObject({ status: 'resolved', resolved_by: null });
    expect(b.resolved_by_label).toMatch(/^system/);
    const events = await t.ctx.db.selectFrom('alert_events').select(['kind', 'actor']).where('alert_id', '=', b.id).orderBy('id').execute();
    expect(events).toEqual([
      { kind: 'opened', actor: 'system' },
      { kind: 'resolved', actor: 'system' },
    ]);
  });
});

/** A completed indicator run with results [indicator, region, value], finished at the given time. */
async function indicatorRun(year: number, results: [string, string, number][], finishedAt: Date): Promise<string> {
  const r = await t.ctx.db
    .insertInto('indicator_runs')
    .values({
      year,
      indicators: [...new Set(results.map((x) => x[0]))],
      datasets: JSON.stringify({}),
      params: JSON.stringify({}),
      method_version: 'test',
      status: 'completed',
      finished_at: finishedAt,
      trigger: 'test',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.ctx.db
    .insertInto('indicator_results')
    .values(
      results.map(([indicator, region, value]) => ({
        run_id: r.id,
        indicator,
        region_code: region,
        year,
        value,
        numerator: value,
        denominator: 100,
        unit: '%',
        details: JSON.stringify({}),
      })),
    )
    .execute();
  return r.id;
}

describe('rule 4: indicators', () => {
  beforeAll(async () => {
    // province values: grassland cover misses 72.3 %, natural wetland protection meets 50 % (both linked to task 12, due 2025-12-31)
    await indicatorRun(
      2025,
      [
        ['grassland_vegetation_cover', '220000', 60],
        ['natural_wetland_protection_rate', '220000', 55],
      ],
      new Date('2025-10-01T00:00:00Z'),
    );
    // forest coverage per prefecture: 220100 drops 3 points, 220200 drops 1.5 (below 2), 220300's later run is for an earlier year
    await indicatorRun(
      2024,
      [
        ['forest_coverage', '220100', 50],
        ['forest_coverage', '220200', 50],
        ['forest_coverage', '220300', 50],
      ],
      new Date('2025-01-01T00:00:00Z'),
    );
    await indicatorRun(
      2024,
      [
        ['forest_coverage', '220100', 47],
        ['forest_coverage', '220200', 48.5],
      ],
      new Date('2025-02-01T00:00:00Z'),
    );
    await indicatorRun(2020, [['forest_coverage', '220300', 40]], new Date('2025-03-01T00:00:00Z'));
  });

  it("deadline: not 121 days before task 12's deadline (horizon 90 days)", async () => {
    const s = await run(['indicator_deadline'], NOW, '2025-09-01');
    expect(s.indicator_deadline).toEqual({ opened: 0, updated: 0, unchanged: 0 });
  });

  it('deadline: fires once 46 days before it, for the indicator that misses its target only', async () => {
    expect((await run(['indicator_deadline'], NOW, '2025-11-15')).indicator_deadline).toEqual({ opened: 1, updated: 0, unchanged: 0 });
    const [a] = await alertRows(t, 'indicator_deadline');
    expect(a).toMatchObject({ subject_key: 'task=12;indicator=grassland_vegetation_cover;region=220000', severity: 'warning', region_code: '220000' });
    expect(a.details).toMatchObject({ task: { no: 12, daysLeft: 46, overdue: false }, indicator: { value: 60, target: 72.3 } });
    expect(a.title_zh).toContain('草原综合植被盖度');
    expect((await run(['indicator_deadline'], NOW, '2025-11-20')).indicator_deadline).toEqual({ opened: 0, updated: 0, unchanged: 1 });
  });

  it('deadline: once overdue the same alert becomes critical; a done report resolves it', async () => {
    expect((await run(['indicator_deadline'], NOW, '2026-03-01')).indicator_deadline).toEqual({ opened: 0, updated: 1, unchanged: 0 });
    const rows = await alertRows(t, 'indicator_deadline');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ severity: 'critical', status: 'open' });
    await t.ctx.db
      .insertInto('ledger_progress')
      .values({ task_no: 12, status: 'done', as_of: '2026-02-01', evidence: JSON.stringify([]) })
      .execute();
    await run(['indicator_deadline'], NOW, '2026-03-01');
    expect((await alertRows(t, 'indicator_deadline'))[0]).toMatchObject({ status: 'resolved', resolved_by: null });
  });

  it('drop: fires for a fall of more than 2 points since the previous run, not for 1.5 or for a historical run', async () => {
    expect((await run(['indicator_drop'])).indicator_drop).toEqual({ opened: 1, updated: 0, unchanged: 0 });
    const rows = await alertRows(t, 'indicator_drop');
    expect(rows.map((r) => r.subject_key)).toEqual(['indicator=forest_coverage;region=220100']);
    expect(rows[0].details).toMatchObject({ dropPoints: 3, latest: { value: 47 }, previous: { value: 50 } });
    expect(rows[0].region_name).toBe('长春市');
    expect((await run(['indicator_drop'])).indicator_drop).toEqual({ opened: 0, updated: 0, unchanged: 1 });
  });
});

describe('rule 5: indicator species decline', () => {
  beforeAll(async () => {
    const actor: Actor = { tokenId: null, role: 'surveyor', team: 'alerts-test', label: 'alerts test' };
    const ev = (eventID: string, year: number, effort: number, parentEventID?: string) => ({
      eventID,
      ...(parentEventID ? { parentEventID } : {}),
      samplingProtocol: '红外相机',
      eventDate: `${year}-06-01/${year}-08-31`,
      footprintWKT: 'POINT (130.78 42.95)',
      samplingEffortValue: effort,
      samplingEffortUnit: 'trap-days',
      isAbsenceReported: false,
    });
    // 2024: a grid (effort 200, its stations' total) with two stations of 100 trap-days each: only the leaves count
    const r = await ingestSurveyEvents(
      t.ctx.db,
      [
        ev('dec-2022', 2022, 100),
        ev('dec-2023', 2023, 100),
        ev('dec-2024', 2024, 200),
        ev('dec-2024-a', 2024, 100, 'dec-2024'),
        ev('dec-2024-b', 2024, 100, 'dec-2024'),
      ],
      { actor, route: 'test' },
    );
    expect(r.rejected).toEqual([]);
    const areas = await t.ctx.db.selectFrom('survey_events').select('priority_area').where('event_id', 'like', 'dec-%').distinct().execute();
    expect(areas).toEqual([{ priority_area: 'PA-CBS' }]);
    const recs: Record<string, unknown>[] = [];
    const add = (taxon: string, eventID: string, year: number, n: number) => {
      for (let i = 0; i < n; i++)
        recs.push(
          record(`dec-${taxon.split(' ')[1]}-${eventID}-${i}`, taxon, 130.78, 42.95, {
            eventID,
            eventDate: `${year}-07-0${1 + (i % 9)}`,
            basisOfRecord: 'MachineObservation',
          }),
        );
    };
    // tiger: 10/100, 8/100, then 8/200 = 0.04 < 0.5 × 0.09 → decline
    add('Panthera tigris altaica', 'dec-2022', 2022, 10);
    add('Panthera tigris', 'dec-2023', 2023, 8);
    add('Panthera tigris', 'dec-2024-a', 2024, 4);
    add('Panthera tigris', 'dec-2024-b', 2024, 4);
    // leopard: 10/100, 8/100, then 10/200 = 0.05 ≥ 0.045 → no alert (it would fire if the grid's effort counted twice)
    add('Panthera pardus', 'dec-2022', 2022, 10);
    add('Panthera pardus', 'dec-2023', 2023, 8);
    add('Panthera pardus', 'dec-2024-a', 2024, 5);
    add('Panthera pardus', 'dec-2024-b', 2024, 5);
    await storeRecords(t, recs);
  });

  it('fires once for the species below half its baseline per trap-day, not for the one just above', async () => {
    expect((await run(['indicator_species_decline'])).indicator_species_decline).toEqual({ opened: 1, updated: 0, unchanged: 0 });
    const rows = await alertRows(t, 'indicator_species_decline');
    expect(rows).toHaveLength(1);
    // a sensitive species' counts per priority area are for evaluators and admins only (BRIEF §8)
    expect(rows[0]).toMatchObject({ region_code: 'PA-CBS', privileged: true });
    expect(rows[0].details).toMatchObject({
      taxon: { scientificName: 'Panthera tigris' },
      latest: { year: 2024, count: 8, effort: 200, rate: 0.04 },
      baseline: { rate: 0.09 },
    });
    expect(JSON.stringify(rows[0])).not.toContain('130.78');
    expect((await run(['indicator_species_decline'])).indicator_species_decline).toEqual({ opened: 0, updated: 0, unchanged: 1 });
  });
});

describe('rule 6: imports', () => {
  it('fires for a failed import and a mostly rejected one, once each; not for a few rejections or a tiny file', async () => {
    const imp = async (name: string, status: 'completed' | 'failed', counts: object, error: object | null = null) =>
      (
        await t.ctx.db
          .insertInto('imports')
          .values({
            content_hash: `hash-${name}`,
            file_name: name,
            file_path: `/tmp/${name}`,
            size_bytes: 100,
            status,
            counts: JSON.stringify(counts),
            error: error ? JSON.stringify(error) : null,
            finished_at: new Date(NOW - MIN),
            rows_total: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const ids = [
      await imp('broken.zip', 'failed', {}, { code: 'ARCHIVE_INVALID', message: 'meta.xml 缺失' }),
      await imp('mostly-bad.csv', 'completed', {
        inserted: 6,
        updated: 0,
        unchanged: 0,
        rejected: 4,
        events: { inserted: 0, updated: 0, unchanged: 0, rejected: 0 },
      }),
      await imp('few-bad.csv', 'completed', {
        inserted: 9,
        updated: 0,
        unchanged: 0,
        rejected: 1,
        events: { inserted: 0, updated: 0, unchanged: 0, rejected: 0 },
      }),
      await imp('tiny.csv', 'completed', {
        inserted: 1,
        updated: 0,
        unchanged: 0,
        rejected: 2,
        events: { inserted: 0, updated: 0, unchanged: 0, rejected: 0 },
      }),
    ];
    for (const importId of ids) await evaluateAlerts(t.ctx.db, { trigger: 'import', importId, now: iso(NOW) });
    const rows = await alertRows(t, 'import_problem');
    expect(rows.map((r) => r.subject_key).sort()).toEqual([`import=${ids[0]}`, `import=${ids[1]}`].sort());
    expect(rows.find((r) => r.subject_key === `import=${ids[1]}`)!.title_zh).toContain('4/10');
    // the scheduled sweep finds nothing new; resolving one does not bring it back
    const resolved = await app.inject({ method: 'POST', url: `/v1/alerts/${rows[0].id}/resolve`, headers: evaluator });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect((await evaluateAlerts(t.ctx.db, { trigger: 'schedule', group: 'imports', now: iso(NOW) })).import_problem).toEqual({
      opened: 0,
      updated: 0,
      unchanged: 1,
    });
    expect(await alertRows(t, 'import_problem')).toHaveLength(2);
  });
});
