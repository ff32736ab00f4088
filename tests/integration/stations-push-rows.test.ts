import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@biomon/core';
import { ingestDataArrayPush, ingestNdjsonPush, ingestObservations, parsePhenomenonTime, type RawObservation } from '@biomon/stations';
import { createTestContext, type TestContext } from '../support/test-db';
import { jsonbCanon, registerKindsStation } from '../support/stations';

// Validation reads a push in one pass without an object per row (issue 17): a time after every
// earlier time of its datastream needs no lookup, and the table of a datastream's times is made only
// when one is not. These pushes are random — times in and out of order, repeated with the same or
// another value, equal instants written differently (offsets, fractions), years whose canonical
// refused (UTC years outside 0001–9999) and the first and last instants taken, datastreams
// interleaved — and the answer must be the one a plain reading gives: every row judged in order, the
// first valid row of a (datastream, instant) kept, a repeat with the same value counted once with a
// warning, a repeat with another value rejected, both naming the first row's index.

let t: TestContext;
const ADMIN = { tokenId: null, role: 'admin', label: 'test' } as const;
const KINDS = ['number', 'json', 'string', 'number'] as const;

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t?.close();
});

let stations = 0;
async function freshStation(): Promise<string> {
  const stationId = `pr-${++stations}`;
  await registerKindsStation(t.ctx.db, stationId, KINDS, [-100, 100]);
  return stationId;
}

/** Ways of writing one instant: Z, +08:00, -05:00, with or without fraction digits. */
function writeTime(ms: number, micro: number, style: number): string {
  const frac = micro ? `.${String(Math.floor(ms % 1000) * 1000 + micro).padStart(6, '0')}` : ms % 1000 ? `.${String(ms % 1000).padStart(3, '0')}` : '';
  const shifted = (offsetMin: number) => new Date(Math.floor(ms / 1000) * 1000 + offsetMin * 60_000).toISOString().slice(0, 19);
  switch (style) {
    case 0:
      return `${shifted(0)}${frac}Z`;
    case 1:
      return `${shifted(480)}${frac}+08:00`;
    default:
      return `${shifted(-300)}${frac}-05:00`;
  }
}

function randomPush(rnd: () => number, stationId: string): RawObservation[] {
  const base = Date.parse('2026-05-01T00:00:00Z');
  // the first and last instants taken, and two just outside them
  const edges = ['0001-01-01T01:30:00+01:00', '9999-12-31T18:30:00-05:00', '0001-01-01T00:30:00+01:00', '9999-12-31T23:30:00-05:00'];
  const rows: RawObservation[] = [];
  const perDs = new Map<number, number>();
  const n = 40 + Math.floor(rnd() * 400);
  let ds = 0;
  let clock = 0;
  for (let r = 0; r < n; r++) {
    if (rnd() < 0.15) ds = Math.floor(rnd() * KINDS.length); // switch datastream (rows interleave)
    const roll = rnd();
    // mostly forward in time, sometimes back, sometimes an instant already sent, sometimes an edge year
    if (roll < 0.7) clock += 1 + Math.floor(rnd() * 3);
    else if (roll < 0.85) clock = Math.max(0, clock - Math.floor(rnd() * 20));
    const micro = rnd() < 0.1 ? 1 + Math.floor(rnd() * 999) : 0;
    const time = roll > 0.97 ? edges[Math.floor(rnd() * edges.length)] : writeTime(base + clock * 60_000, micro, Math.floor(rnd() * 3));
    const kind = KINDS[ds];
    const pick = Math.floor(rnd() * 4); // few distinct values, so repeats often carry the same one
    const result =
      rnd() < 0.03
        ? kind === 'number'
          ? 1e6 // out of range
          : 12
        : kind === 'number'
          ? [0, -0, 12.5, -7][pick]
          : kind === 'json'
            ? [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, { a: 2 }, [1, { z: null }]][pick]
            : ['北', 'south', '东北虎', ''][pick];
    const index = perDs.get(ds) ?? 0;
    perDs.set(ds, index + 1);
    rows.push({ datastreamId: `${stationId}-${ds}`, index, time, result });
  }
  return rows;
}

const canon = jsonbCanon;

/** The plain reading: each row judged in order against a table of every kept (datastream, instant). */
function expected(rows: RawObservation[]) {
  const first = new Map<string, { index: number; value: string }>();
  const rejected: { datastreamId: string | undefined; index: number; code: string; firstIndex?: number }[] = [];
  const warnings: { datastreamId: string | undefined; index: number; firstIndex: number }[] = [];
  let kept = 0;
  for (const r of rows) {
    const kind = KINDS[Number(r.datastreamId!.split('-').pop())];
    const bad = kind === 'number' ? typeof r.result !== 'number' || Math.abs(r.result) > 100 : kind === 'string' ? typeof r.result !== 'string' : false;
    const parsed = parsePhenomenonTime(r.time);
    if (!parsed.ok || bad) {
      rejected.push({
        datastreamId: r.datastreamId,
        index: r.index,
        code: !parsed.ok ? parsed.code : kind === 'number' ? 'RESULT_OUT_OF_RANGE' : 'RESULT_TYPE_MISMATCH',
      });
      continue;
    }
    const key = `${r.datastreamId}|${parsed.iso}`;
    const f = first.get(key);
    if (!f) {
      first.set(key, { index: r.index, value: canon(r.result) });
      kept++;
    } else if (f.value === canon(r.result)) warnings.push({ datastreamId: r.datastreamId, index: r.index, firstIndex: f.index });
    else rejected.push({ datastreamId: r.datastreamId, index: r.index, code: 'DUPLICATE_IN_BATCH', firstIndex: f.index });
  }
  return { kept, rejected, warnings };
}

const ndjson = (rows: RawObservation[]) =>
  rows.map((r) => JSON.stringify({ datastreamId: r.datastreamId, phenomenonTime: r.time, result: r.result })).join('\n');

describe('a push read in one pass', () => {
  it('answers as the plain reading for 60 random pushes (rows, NDJSON and dataArray), and stores what it kept', async () => {
    const rnd = mulberry32(20261208);
    let sawRepeats = 0;
    let sawLookups = 0;
    for (let p = 0; p < 60; p++) {
      const stationId = await freshStation();
      let rows = randomPush(rnd, stationId);
      const form = p % 3;
      if (form === 2) {
        // dataArray holds one entry per datastream: rows grouped, indexes as the entry's positions
        const byDs = new Map<string, RawObservation[]>();
        for (const r of rows) byDs.set(r.datastreamId!, [...(byDs.get(r.datastreamId!) ?? []), r]);
        rows = [...byDs.values()].flat();
      }
      const want = expected(rows);
      // (a clock past the year 9999, so that no time is in the future)
      const opts = { actor: ADMIN, now: new Date(8.64e15) };
      const res =
        form === 0
          ? await ingestObservations(t.ctx.db, stationId, rows, opts)
          : form === 1
            ? await ingestNdjsonPush(t.ctx.db, stationId, ndjson(rows), opts)
            : await ingestDataArrayPush(
                t.ctx.db,
                stationId,
                {
                  datastreams: [...new Set(rows.map((r) => r.datastreamId!))].map((id) => ({
                    datastreamId: id,
                    components: ['phenomenonTime', 'result'],
                    dataArray: rows.filter((r) => r.datastreamId === id).map((r) => [r.time, r.result]),
                  })),
                },
                opts,
              );
      // NDJSON indexes are line numbers
      const indexOf = (r: { index: number }, i: number) => (form === 1 ? i : r.index);
      const lineOf = new Map(rows.map((r, i) => [`${r.datastreamId}|${r.index}`, i]));
      const at = (d: string | undefined, index: number) => indexOf({ index }, lineOf.get(`${d}|${index}`)!);
      expect(res.inserted, `push ${p}`).toBe(want.kept);
      expect(res.updated).toBe(0);
      expect(res.unchanged).toBe(want.warnings.length);
      expect(
        res.rejected.map((r) => ({ datastreamId: r.datastreamId, index: r.index, code: r.errors[0].code, message: r.errors[0].message })),
        `push ${p}`,
      ).toEqual(
        want.rejected.map((r) => ({
          datastreamId: r.datastreamId,
          index: at(r.datastreamId, r.index),
          code: r.code,
          message:
            r.firstIndex === undefined
              ? expect.any(String)
              : `this time was sent with another result at index ${at(r.datastreamId, r.firstIndex)} of ${r.datastreamId} in this push`,
        })),
      );
      expect(
        res.warnings.map((w) => ({ datastreamId: w.datastreamId, index: w.index, note: w.notes?.DUPLICATE_IN_BATCH_SAME_VALUE })),
        `push ${p}`,
      ).toEqual(
        want.warnings.map((w) => ({
          datastreamId: w.datastreamId,
          index: at(w.datastreamId, w.index),
          note: `same time and value as index ${at(w.datastreamId, w.firstIndex)}; counted once`,
        })),
      );
      sawRepeats += want.warnings.length + want.rejected.filter((r) => r.code === 'DUPLICATE_IN_BATCH').length;
      // a push whose times go back at some point takes the lookup
      if (rows.some((r, i) => i > 0 && rows[i - 1].datastreamId === r.datastreamId && String(r.time) < String(rows[i - 1].time))) sawLookups++;
      // the same push again: every kept row is stored, so nothing is new
      const again = await ingestObservations(t.ctx.db, stationId, rows, opts);
      expect(again.inserted).toBe(0);
      expect(again.unchanged).toBe(want.kept + want.warnings.length);
    }
    // the generator did make what the test is about
    expect(sawRepeats).toBeGreaterThan(200);
    expect(sawLookups).toBeGreaterThan(30);
  });
});
