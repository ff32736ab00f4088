import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from '@biomon/db';
import { mulberry32 } from '@biomon/core';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';

// 50 stations push their backlogs at once, as after a network outage: batches in shuffled order,
// rows inside some batches reversed, 10 % of batches sent twice (half of them racing the original,
// half late). The end state must be exactly the expected rows, each once, and every row must have
// been counted `inserted` by exactly one response.
const STATIONS = 50;
const TIMES = 240; // per datastream: 40 hours of 10-minute data
const PER_BATCH = 20; // times per batch → 12 batches a station, 40 observations each (2 datastreams)
const BATCHES = TIMES / PER_BATCH;
const START = Date.parse('2026-11-20T00:00:00+08:00');

let t: TestContext;
let app: FastifyInstance;
const tokens = new Map<string, { authorization: string }>();

const rnd = mulberry32(20261128);
const shuffle = <T>(xs: T[]): T[] => {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};

const sid = (s: number) => `conc-${String(s).padStart(2, '0')}`;
// exact in binary (multiples of 1/4), so sums compare exactly
const temp = (s: number, k: number) => ((s * 7 + k * 3) % 160) / 4 - 10;
const count = (s: number, k: number) => (s * 13 + k * 5) % 97;
const timeOf = (k: number) => new Date(START + k * 600_000).toISOString().replace('Z', '+00:00');

function batch(s: number, b: number, reversed: boolean, tempOf = temp) {
  const ks = Array.from({ length: PER_BATCH }, (_, i) => b * PER_BATCH + i);
  if (reversed) ks.reverse();
  return {
    datastreams: [
      { datastreamId: `${sid(s)}-ta`, components: ['phenomenonTime', 'result'], dataArray: ks.map((k) => [timeOf(k), tempOf(s, k)]) },
      { datastreamId: `${sid(s)}-n`, components: ['result', 'phenomenonTime'], dataArray: ks.map((k) => [count(s, k), timeOf(k)]) },
    ],
  };
}

interface Counts {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: unknown[];
}
const responses: Counts[] = [];
async function send(s: number, body: unknown): Promise<void> {
  const res = await app.inject({ method: 'POST', url: `/v1/stations/${sid(s)}/observations`, headers: tokens.get(sid(s))!, payload: body as object });
  expect(res.statusCode, res.body).toBe(200);
  responses.push(res.json());
}

beforeAll(async () => {
  t = await createTestContext();
  app = await buildTestServer(t);
  const admin = await authAs(t, 'admin');
  for (let s = 0; s < STATIONS; s++) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/stations',
      headers: admin,
      payload: {
        stationId: sid(s),
        name: `并发站 ${s}`,
        type: s % 2 ? 'acoustic' : 'weather',
        location: { type: 'Point', coordinates: [122 + s / 10, 43 + s / 20] },
        datastreams: [
          {
            datastreamId: `${sid(s)}-ta`,
            observedProperty: 'air_temperature',
            unitOfMeasurement: { symbol: '°C' },
            resultType: 'number',
            validRange: [-50, 45],
            expectedIntervalSeconds: 600,
          },
          {
            datastreamId: `${sid(s)}-n`,
            observedProperty: 'bird_call_detections',
            unitOfMeasurement: { symbol: 'count' },
            resultType: 'integer',
            validRange: [0, 5000],
            expectedIntervalSeconds: 600,
          },
        ],
      },
    });
    expect(res.statusCode).toBe(201);
    tokens.set(sid(s), { authorization: `Bearer ${res.json().token}` });
  }
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('50 stations pushing concurrently', () => {
  it('ends with exactly the expected rows, no duplicates, each row inserted once across racing retries', async () => {
    let retried = 0;
    const late: [number, number][] = [];
    await Promise.all(
      Array.from({ length: STATIONS }, async (_, s) => {
        for (const b of shuffle(Array.from({ length: BATCHES }, (_, i) => i))) {
          const reversed = rnd() < 0.3;
          const retry = rnd() < 0.1;
          if (!retry) await send(s, batch(s, b, reversed));
          else {
            retried++;
            // the client timed out and resent while the first was still in flight, or resends later
            if (retried % 2) await Promise.all([send(s, batch(s, b, reversed)), send(s, batch(s, b, !reversed))]);
            else {
              await send(s, batch(s, b, reversed));
              late.push([s, b]);
            }
          }
        }
      }),
    );
    await Promise.all(late.map(([s, b]) => send(s, batch(s, b, false))));

    const expectedRows = STATIONS * 2 * TIMES;
    const sum = (k: keyof Counts) => responses.reduce((a, r) => a + (r[k] as number), 0);
    expect(retried).toBeGreaterThan(0);
    expect(responses).toHaveLength(STATIONS * BATCHES + retried);
    expect(sum('inserted')).toBe(expectedRows);
    expect(sum('unchanged')).toBe(retried * 2 * PER_BATCH);
    expect(sum('updated')).toBe(0);
    expect(responses.every((r) => r.rejected.length === 0)).toBe(true);

    const db = await sql<{ rows: number; keys: number; dup: number; history: number }>`
      SELECT (SELECT count(*) FROM observations)::int AS rows,
             (SELECT count(*) FROM (SELECT DISTINCT datastream_pk, phenomenon_time FROM observations) k)::int AS keys,
             (SELECT count(*) FROM (SELECT 1 FROM observations GROUP BY datastream_pk, phenomenon_time HAVING count(*) > 1) d)::int AS dup,
             (SELECT count(*) FROM observation_history)::int AS history`.execute(t.ctx.db);
    expect(db.rows[0]).toEqual({ rows: expectedRows, keys: expectedRows, dup: 0, history: 0 });

    // every value where it belongs: per datastream the count, time range and the exact sum
    const per = await sql<{ id: string; n: number; total: number; first: Date; last: Date }>`
      SELECT d.datastream_id AS id, count(*)::int AS n, sum(o.result_number) AS total, min(o.phenomenon_time) AS first, max(o.phenomenon_time) AS last
      FROM observations o JOIN datastreams d ON d.id = o.datastream_pk GROUP BY d.datastream_id ORDER BY 1`.execute(t.ctx.db);
    expect(per.rows).toHaveLength(STATIONS * 2);
    for (const r of per.rows) {
      const s = Number(/conc-(\d+)/.exec(r.id)![1]);
      const f = r.id.endsWith('-ta') ? temp : count;
      let total = 0;
      for (let k = 0; k < TIMES; k++) total += f(s, k);
      expect({ id: r.id, n: r.n, total: r.total, first: r.first.getTime(), last: r.last.getTime() }).toEqual({
        id: r.id,
        n: TIMES,
        total,
        first: START,
        last: START + (TIMES - 1) * 600_000,
      });
    }
  });

  it('racing identical corrections: one response counts each row updated, the other unchanged, one history row each', async () => {
    responses.length = 0;
    const corrected = (s: number, k: number) => temp(s, k) + 0.5;
    const fixes = [3, 17, 29, 41, 49];
    await Promise.all(fixes.map((s) => Promise.all([send(s, batch(s, 4, false, corrected)), send(s, batch(s, 4, true, corrected))])));
    const sum = (k: keyof Counts) => responses.reduce((a, r) => a + (r[k] as number), 0);
    // per station: 20 temperatures change (updated once), 20 counts unchanged in both, 20 temperatures unchanged in the loser
    expect(sum('updated')).toBe(fixes.length * PER_BATCH);
    expect(sum('inserted')).toBe(0);
    expect(sum('unchanged')).toBe(fixes.length * (PER_BATCH + 2 * PER_BATCH));
    const h = await sql<{ n: number; keys: number; wrong: number }>`
      SELECT count(*)::int AS n, count(DISTINCT (datastream_pk, phenomenon_time))::int AS keys,
             count(*) FILTER (WHERE h.result_number <> o.result_number - 0.5)::int AS wrong
      FROM observation_history h JOIN observations o USING (datastream_pk, phenomenon_time)`.execute(t.ctx.db);
    // history keeps the value each correction replaced (the original), never the correction itself
    expect(h.rows[0]).toEqual({ n: fixes.length * PER_BATCH, keys: fixes.length * PER_BATCH, wrong: 0 });
    const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM observations`.execute(t.ctx.db);
    expect(rows.rows[0].n).toBe(STATIONS * 2 * TIMES);
  });

  // Regression guard for the history CTE: without the per-datastream lock both racers read the same
  // previous value from their snapshots, and the history would hold it twice and lose the other.
  it('racing different corrections: the history chains every replaced value exactly once', async () => {
    const racers = Array.from({ length: 20 }, (_, i) => i * 2 + 1);
    const plus = (d: number) => (s: number, k: number) => temp(s, k) + d;
    await Promise.all(racers.map((s) => Promise.all([send(s, batch(s, 7, false, plus(1))), send(s, batch(s, 7, true, plus(2)))])));
    const r = await sql<{ id: string; t: Date; v: number; hist: number[] }>`
      SELECT d.datastream_id AS id, o.phenomenon_time AS t, o.result_number AS v,
        array_agg(h.result_number ORDER BY h.result_number) AS hist
      FROM observations o JOIN datastreams d ON d.id = o.datastream_pk
      JOIN observation_history h USING (datastream_pk, phenomenon_time)
      WHERE d.datastream_id LIKE '%-ta' AND o.phenomenon_time >= ${timeOf(7 * PER_BATCH)}::timestamptz AND o.phenomenon_time < ${timeOf(8 * PER_BATCH)}::timestamptz
      GROUP BY 1, 2, 3`.execute(t.ctx.db);
    expect(r.rows).toHaveLength(racers.length * PER_BATCH);
    for (const row of r.rows) {
      const s = Number(/conc-(\d+)/.exec(row.id)![1]);
      const k = Math.round((row.t.getTime() - START) / 600_000);
      const v0 = temp(s, k);
      // final value and history together are {original, original + 1, original + 2}, each once
      expect([...row.hist, row.v].sort((a, b) => a - b)).toEqual([v0, v0 + 1, v0 + 2]);
    }
  });
});
