import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql, withTx } from '@biomon/db';
import { COPY_MIN_ROWS, ingestObservations, type RawObservation, type WritePaths } from '@biomon/stations';
import { createTestContext, type TestContext } from '../support/test-db';
import { buildTestServer } from '../support/http';
import { jsonbCanon, registerKindsStation } from '../support/stations';

// Issue 17, station ingest by COPY: under the datastream locks, rows after the newest stored time
// of their datastream are written with COPY FROM STDIN, the rest through the upsert. These tests hold
// the answer, the stored rows and the history to a reference computed here (a model of the upsert's
// rules: new time → inserted; same value → unchanged; other value → updated, old value to history),
// and to the upsert-only path (the same rows pushed in pushes below COPY_MIN_ROWS).

let t: TestContext;
let app: FastifyInstance;
const tokens = new Map<string, string>();
const ADMIN = { tokenId: null, role: 'admin', label: 'test' } as const;

type Kind = 'number' | 'json' | 'string';
async function register(stationId: string, kinds: Kind[]): Promise<void> {
  tokens.set(stationId, await registerKindsStation(t.ctx.db, stationId, kinds, [-100_000, 100_000], `COPY ${stationId}`));
}

const T0 = Date.parse('2026-03-01T00:00:00Z');
/** minute k as a phenomenonTime; odd minutes written in +08:00, so the split compares canonical UTC times */
const at = (k: number) => {
  const ms = T0 + k * 60_000;
  if (k % 2 === 0) return new Date(ms).toISOString();
  return new Date(ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
};

const canon = jsonbCanon;

/** The reference: what the upsert's rules store and answer, computed without the database. */
class Model {
  rows = new Map<string, unknown>(); // `${datastreamId}|${epochMs}` → value
  history: { key: string; value: unknown }[] = [];
  apply(raw: RawObservation[]) {
    const out = { inserted: 0, updated: 0, unchanged: 0 };
    for (const r of raw) {
      const key = `${r.datastreamId}|${Date.parse(r.time as string)}`;
      // float8 has one zero (the service stores -0 as 0)
      const value = Object.is(r.result, -0) ? 0 : r.result;
      if (!this.rows.has(key)) out.inserted++;
      else if (canon(this.rows.get(key)) === canon(value)) out.unchanged++;
      else {
        out.updated++;
        this.history.push({ key, value: this.rows.get(key) });
      }
      this.rows.set(key, value);
    }
    return out;
  }
}

interface Stored {
  rows: Map<string, unknown>;
  history: { key: string; value: unknown }[];
}
/** The stored rows and history of one station, keyed by the datastream's index in the station and the time. */
async function stored(stationId: string): Promise<Stored> {
  const r = await sql<{ ds: string; ms: number; n: number | null; j: unknown }>`
    SELECT d.datastream_id AS ds, (extract(epoch FROM o.phenomenon_time) * 1000)::float8 AS ms, o.result_number AS n, o.result_json AS j
    FROM observations o JOIN datastreams d ON d.id = o.datastream_pk JOIN stations s ON s.id = d.station_pk
    WHERE s.station_id = ${stationId}`.execute(t.ctx.db);
  const h = await sql<{ ds: string; ms: number; n: number | null; j: unknown }>`
    SELECT d.datastream_id AS ds, (extract(epoch FROM h.phenomenon_time) * 1000)::float8 AS ms, h.result_number AS n, h.result_json AS j
    FROM observation_history h JOIN datastreams d ON d.id = h.datastream_pk JOIN stations s ON s.id = d.station_pk
    WHERE s.station_id = ${stationId}
    ORDER BY h.superseded_at, d.datastream_id, h.phenomenon_time`.execute(t.ctx.db);
  const local = (ds: string) => ds.slice(stationId.length + 1);
  return {
    rows: new Map(r.rows.map((x) => [`${local(x.ds)}|${x.ms}`, x.n ?? x.j])),
    history: h.rows.map((x) => ({ key: `${local(x.ds)}|${x.ms}`, value: x.n ?? x.j })),
  };
}

/** The model's rows and history with datastream ids made local to the station (as `stored`). */
function modelOf(m: Model, stationId: string): Stored {
  const local = (key: string) => key.slice(stationId.length + 1);
  return {
    rows: new Map([...m.rows].map(([k, v]) => [local(k), v])),
    history: m.history.map((h) => ({ key: local(h.key), value: h.value })),
  };
}

const sortedHistory = (h: Stored['history']) => h.map((x) => `${x.key}=${canon(x.value)}`).sort();

async function push(stationId: string, raw: RawObservation[]) {
  let paths: WritePaths | undefined;
  const res = await ingestObservations(t.ctx.db, stationId, raw, { actor: ADMIN, onWrite: (p) => (paths = p) });
  return { res, paths: paths! };
}

/** Rows of datastream i of a station for minutes ks, value v(k). */
const rows = (stationId: string, i: number, ks: number[], v: (k: number) => unknown): RawObservation[] =>
  ks.map((k, index) => ({ datastreamId: `${stationId}-${i}`, index, time: at(k), result: v(k) }));
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

beforeAll(async () => {
  t = await createTestContext();
  app = await buildTestServer(t);
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('station ingest: COPY for times after the newest stored, upsert for the rest', () => {
  it('writes a push of new times by COPY, with the same answer as before', async () => {
    await register('cp-new', ['number', 'number']);
    const raw = [...rows('cp-new', 0, range(0, 300), (k) => k / 4), ...rows('cp-new', 1, range(0, 200), (k) => -k / 8)];
    const { res, paths } = await push('cp-new', raw);
    expect(paths).toEqual({ copied: 500, upserted: 0 });
    expect(res).toEqual({ inserted: 500, updated: 0, unchanged: 0, rejected: [], warnings: [] });
    const m = new Model();
    m.apply(raw);
    const s = await stored('cp-new');
    expect(s.rows).toEqual(modelOf(m, 'cp-new').rows);
    expect(s.history).toEqual([]);
    // received_at and the health view's last_received_at are written as by the upsert
    const r = await sql<{ n: number; touched: number }>`
      SELECT (SELECT count(*) FROM observations o JOIN datastreams d ON d.id = o.datastream_pk
              WHERE d.datastream_id LIKE 'cp-new-%' AND o.received_at > now() - interval '5 minutes')::int AS n,
             (SELECT count(*) FROM datastreams WHERE datastream_id LIKE 'cp-new-%' AND last_received_at IS NOT NULL)::int AS touched`.execute(t.ctx.db);
    expect(r.rows[0]).toEqual({ n: 500, touched: 2 });
  });

  it('a push below COPY_MIN_ROWS takes the upsert alone', async () => {
    await register('cp-small', ['number']);
    const { res, paths } = await push(
      'cp-small',
      rows('cp-small', 0, range(0, COPY_MIN_ROWS - 1), (k) => k),
    );
    expect(paths).toEqual({ copied: 0, upserted: COPY_MIN_ROWS - 1 });
    expect(res.inserted).toBe(COPY_MIN_ROWS - 1);
  });

  it('mixed pushes (late, repeated, replaced, new) store, answer and keep history exactly as the reference and the upsert-only path', async () => {
    await register('cp-mix', ['number', 'json']);
    await register('cp-ref', ['number', 'json']);
    const num = (salt: number) => (k: number) => Math.round(Math.sin(k + salt) * 5000) / 100;
    const obj = (salt: number) => (k: number) => ({ k, salt, tag: `v${salt}`, deep: [k % 3, { z: null, a: true }] });
    const pushes = (sid: string): RawObservation[][] => {
      // late data 0–99, repeats 150–199, replacements 200–249 (json: 200–219 only), new 300–399
      const late = [
        ...rows(sid, 0, range(0, 100), num(1)),
        ...rows(sid, 0, range(150, 200), num(0)),
        ...rows(sid, 0, range(200, 250), num(2)),
        ...rows(sid, 0, range(300, 400), num(0)),
        ...rows(sid, 1, range(150, 200), obj(0)),
        ...rows(sid, 1, range(200, 220), obj(2)),
        ...rows(sid, 1, range(300, 400), obj(0)),
      ];
      return [
        // 1. minutes 100–299, nothing stored yet: all COPY
        [...rows(sid, 0, range(100, 300), num(0)), ...rows(sid, 1, range(100, 300), obj(0))],
        // 2. the late data
        late,
        // 3. the same push again (a client's retry): every row unchanged, none after the newest
        [...late],
        // 4. a second replacement of 200–209, equal json with its keys in another order (unchanged), and
        //    new times on one datastream only
        [
          ...rows(sid, 0, range(200, 210), num(3)),
          ...rows(sid, 1, range(300, 310), (k) => ({ deep: [k % 3, { a: true, z: null }], tag: 'v0', salt: 0, k })),
          ...rows(sid, 1, range(400, 480), obj(4)),
        ],
      ];
    };
    const model = new Model();
    const expectedPaths: WritePaths[] = [
      { copied: 400, upserted: 0 },
      { copied: 200, upserted: 270 },
      { copied: 0, upserted: 470 },
      { copied: 80, upserted: 20 },
    ];
    const mix = pushes('cp-mix');
    for (let i = 0; i < mix.length; i++) {
      const { res, paths } = await push('cp-mix', mix[i]);
      expect(paths, `push ${i + 1}`).toEqual(expectedPaths[i]);
      expect({ ...model.apply(mix[i]), rejected: [], warnings: [] }, `push ${i + 1}`).toEqual(res);
    }
    const s = await stored('cp-mix');
    const m = modelOf(model, 'cp-mix');
    expect(s.rows.size).toBe(m.rows.size);
    expect(s.rows).toEqual(m.rows);
    expect(sortedHistory(s.history)).toEqual(sortedHistory(m.history));
    expect(s.history.length).toBe(50 + 20 + 10);

    // the upsert-only path: the same rows in pushes below COPY_MIN_ROWS, same answers summed
    const chunk = COPY_MIN_ROWS - 1;
    const refModel = new Model();
    for (const p of pushes('cp-ref')) {
      const sum = { inserted: 0, updated: 0, unchanged: 0 };
      for (let i = 0; i < p.length; i += chunk) {
        const { res, paths } = await push('cp-ref', p.slice(i, i + chunk));
        expect(paths.copied).toBe(0);
        sum.inserted += res.inserted;
        sum.updated += res.updated;
        sum.unchanged += res.unchanged;
      }
      expect(sum).toEqual(refModel.apply(p));
    }
    const ref = await stored('cp-ref');
    expect(s.rows).toEqual(ref.rows);
    expect(sortedHistory(s.history)).toEqual(sortedHistory(ref.history));
    // stored bytes identical: jsonb as text, float8 as text
    const text = await sql<{ ds: string; ms: number; v: string }>`
      SELECT right(d.datastream_id, 2) AS ds, (extract(epoch FROM o.phenomenon_time) * 1000)::float8 AS ms,
        coalesce(o.result_number::text, o.result_json::text) AS v
      FROM observations o JOIN datastreams d ON d.id = o.datastream_pk
      WHERE d.datastream_id LIKE 'cp-mix-%' OR d.datastream_id LIKE 'cp-ref-%'
      ORDER BY d.datastream_id LIKE 'cp-mix-%', 1, 2`.execute(t.ctx.db);
    const half = text.rows.length / 2;
    expect(half).toBe(m.rows.size);
    expect(text.rows.slice(half)).toEqual(text.rows.slice(0, half));
  });

  it('splits on the canonical time: a microsecond after the newest stored is new, the newest itself is not', async () => {
    await register('cp-edge', ['number']);
    // minutes 0–100 (minute 100 is 01:40:00Z), then 01:40:00.123456Z written in +08:00: the newest
    const base = rows('cp-edge', 0, range(0, 101), (k) => k);
    base.push({ datastreamId: 'cp-edge-0', index: 101, time: '2026-03-01T09:40:00.123456+08:00', result: 1 });
    expect((await push('cp-edge', base)).paths).toEqual({ copied: 102, upserted: 0 });
    const next: RawObservation[] = [
      // the newest stored time, written another way, with another value: replaced
      { datastreamId: 'cp-edge-0', index: 0, time: '2026-03-01T01:40:00.123456Z', result: 2 },
      // one microsecond after it: new
      { datastreamId: 'cp-edge-0', index: 1, time: '2026-03-01T01:40:00.123457Z', result: 3 },
      ...rows('cp-edge', 0, range(200, 270), (k) => k).map((r, i) => ({ ...r, index: i + 2 })),
    ];
    const { res, paths } = await push('cp-edge', next);
    expect(paths).toEqual({ copied: 71, upserted: 1 });
    expect(res).toMatchObject({ inserted: 71, updated: 1, unchanged: 0 });
    const r = await sql<{ t: string; v: number }>`
      SELECT to_char(phenomenon_time AT TIME ZONE 'UTC', 'HH24:MI:SS.US') AS t, result_number AS v FROM observations o
      JOIN datastreams d ON d.id = o.datastream_pk WHERE d.datastream_id = 'cp-edge-0' AND phenomenon_time BETWEEN '2026-03-01T01:40:00Z' AND '2026-03-01T01:40:01Z'
      ORDER BY 1`.execute(t.ctx.db);
    expect(r.rows).toEqual([
      { t: '01:40:00.000000', v: 100 },
      { t: '01:40:00.123456', v: 2 },
      { t: '01:40:00.123457', v: 3 },
    ]);
  });

  it('writes distant times exactly by binary COPY (microseconds since 2000, beyond 2^53 too)', async () => {
    await register('cp-far', ['number']);
    const far: [string, string][] = [
      ['0001-01-01T00:00:00+00:00', '0001-01-01 00:00:00.000000'],
      ['0050-03-01T12:00:00.000001Z', '0050-03-01 12:00:00.000001'],
      ['1900-01-01T00:00:00.999999+08:00', '1899-12-31 16:00:00.999999'],
      ['1999-12-31T23:59:59.999999Z', '1999-12-31 23:59:59.999999'],
      ['2000-01-01T00:00:00.000001Z', '2000-01-01 00:00:00.000001'],
    ];
    const raw: RawObservation[] = [
      ...far.map(([time], index) => ({ datastreamId: 'cp-far-0', index, time, result: index })),
      ...rows('cp-far', 0, range(0, 70), (k) => k).map((r, i) => ({ ...r, index: far.length + i })),
    ];
    expect((await push('cp-far', raw)).paths).toEqual({ copied: raw.length, upserted: 0 });
    const r = await sql<{ t: string; v: number }>`
      SELECT to_char(phenomenon_time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS t, result_number AS v FROM observations o
      JOIN datastreams d ON d.id = o.datastream_pk WHERE d.datastream_id = 'cp-far-0' AND phenomenon_time < '2026-01-01Z'
      ORDER BY phenomenon_time`.execute(t.ctx.db);
    expect(r.rows).toEqual(far.map(([, t], v) => ({ t, v })));
  });

  it('keeps json and string results with tabs, newlines, backslashes and unicode byte-exact through COPY', async () => {
    await register('cp-text', ['json', 'string']);
    await register('cp-text-ref', ['json', 'string']);
    const nasty = [
      'tab\there',
      'new\nline',
      'cr\r\nlf',
      'back\\slash',
      '\\N',
      '\\.',
      'end\\',
      '"quoted"',
      '长白山 东北虎 🐯 𠮷',
      'line\u2028sep\u2029para',
      '\u0001\u001f control',
      '',
      ' ',
      '{"not": "json"}',
    ];
    const jsonOf = (k: number) => ({
      [`key\t${k}`]: nasty[k % nasty.length],
      list: nasty.slice(0, (k % 5) + 1),
      n: k / 3,
      big: 1e21 + k,
      tiny: 5e-324,
      '\\': { '\n': [null, false, '\\\\'] },
    });
    const strOf = (k: number) => `${nasty[k % nasty.length]}#${k}${nasty[(k * 7) % nasty.length]}`;
    const make = (sid: string) => [...rows(sid, 0, range(0, 140), jsonOf), ...rows(sid, 1, range(0, 140), strOf)];
    expect((await push('cp-text', make('cp-text'))).paths).toEqual({ copied: 280, upserted: 0 });
    // the reference: the upsert path, in small pushes
    const ref = make('cp-text-ref');
    for (let i = 0; i < ref.length; i += COPY_MIN_ROWS - 1) expect((await push('cp-text-ref', ref.slice(i, i + COPY_MIN_ROWS - 1))).paths.copied).toBe(0);

    const r = await sql<{ ds: string; ms: number; j: unknown; txt: string }>`
      SELECT d.datastream_id AS ds, (extract(epoch FROM o.phenomenon_time) * 1000)::float8 AS ms, o.result_json AS j, o.result_json::text AS txt
      FROM observations o JOIN datastreams d ON d.id = o.datastream_pk
      WHERE d.datastream_id LIKE 'cp-text-%' ORDER BY d.datastream_id, o.phenomenon_time`.execute(t.ctx.db);
    const copied = r.rows.filter((x) => !x.ds.startsWith('cp-text-ref'));
    const viaUpsert = r.rows.filter((x) => x.ds.startsWith('cp-text-ref'));
    expect(copied).toHaveLength(280);
    // each value read back equals what was sent
    for (const x of copied) {
      const k = Math.round((x.ms - T0) / 60_000);
      expect(x.j).toEqual(x.ds === 'cp-text-0' ? jsonOf(k) : strOf(k));
    }
    // and its stored jsonb is byte for byte what the upsert path stores
    expect(copied.map((x) => x.txt)).toEqual(viaUpsert.map((x) => x.txt));
    // in the database too: the string results as text
    const s = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM observations o JOIN datastreams d ON d.id = o.datastream_pk
      WHERE d.datastream_id = 'cp-text-1' AND o.result_json #>> '{}' = ${strOf(7)}`.execute(t.ctx.db);
    expect(s.rows[0].n).toBe(1);
  });

  it('an unknown datastreamId is rejected per row as before, and atomic pushes refuse the whole push', async () => {
    await register('cp-unk', ['number']);
    const raw = [...rows('cp-unk', 0, range(0, 100), (k) => k), ...rows('cp-unk', 9, range(0, 5), (k) => k)];
    const { res, paths } = await push('cp-unk', raw);
    expect(paths).toEqual({ copied: 100, upserted: 0 });
    expect(res.inserted).toBe(100);
    expect(res.rejected).toHaveLength(5);
    expect(res.rejected.every((r) => r.datastreamId === 'cp-unk-9' && r.errors[0].code === 'DATASTREAM_UNKNOWN')).toBe(true);
    const more = [...rows('cp-unk', 0, range(100, 200), (k) => k), ...rows('cp-unk', 9, range(0, 1), (k) => k)];
    await expect(ingestObservations(t.ctx.db, 'cp-unk', more, { actor: ADMIN, atomic: true })).rejects.toMatchObject({ code: 'BATCH_REJECTED' });
    const n = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM observations o JOIN datastreams d ON d.id = o.datastream_pk WHERE d.datastream_id = 'cp-unk-0'`.execute(t.ctx.db);
    expect(n.rows[0].n).toBe(100);
  });

  it('a datastream deleted while the push waits for its lock: the COPY fires the datastream check (SQLSTATE 23503), nothing stored', async () => {
    await register('cp-del', ['number', 'number']);
    const pks = (await sql<{ id: number }>`SELECT id FROM datastreams WHERE datastream_id LIKE 'cp-del-%' ORDER BY datastream_id`.execute(t.ctx.db)).rows.map(
      (r) => r.id,
    );
    const raw = [...rows('cp-del', 0, range(0, 100), (k) => k), ...rows('cp-del', 1, range(0, 100), (k) => k)];
    let release!: () => void;
    let locked!: () => void;
    const holding = new Promise<void>((r) => (locked = r));
    const deleter = withTx(t.ctx.db, async (tx) => {
      // the writers' lock of datastream 1, then its deletion (the statement trigger takes the same lock)
      await sql`SELECT pg_advisory_xact_lock(hashtextextended('biomon:datastream:' || ${pks[1]}, 0))`.execute(tx);
      locked();
      await new Promise<void>((r) => (release = r));
      await sql`DELETE FROM datastreams WHERE id = ${pks[1]}`.execute(tx);
    });
    await holding;
    const pushing = push('cp-del', raw);
    // the push has read the datastream rules (both exist) once it waits for the lock
    for (let i = 0; ; i++) {
      const w = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`.execute(
        t.ctx.db,
      );
      if (w.rows[0].n > 0) break;
      if (i > 200) throw new Error('the push never waited for the datastream lock');
      await new Promise((r) => setTimeout(r, 50));
    }
    release();
    await deleter;
    await expect(pushing).rejects.toMatchObject({ code: '23503' });
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM observations WHERE datastream_pk = ANY(${pks}::bigint[])`.execute(t.ctx.db);
    expect(n.rows[0].n).toBe(0);
    // Nothing was stored for either datastream, and no row went through the upsert: the refusal
    // came from the datastream check (migration 0019's statement trigger) firing on the COPY —
    // the same push, with both datastreams in place, is written by COPY alone.
    await register('cp-del2', ['number', 'number']);
    const same = raw.map((r) => ({ ...r, datastreamId: r.datastreamId!.replace('cp-del', 'cp-del2') }));
    expect((await push('cp-del2', same)).paths).toEqual({ copied: 200, upserted: 0 });
  });

  it('concurrent pushes to the same datastreams: every row once, every replaced value in the history once', async () => {
    await register('cp-race', ['number', 'number']);
    // 8 pushes over overlapping minutes [p·40, p·40 + 160) of both datastreams, each with its own values
    const P = 8;
    const value = (p: number, i: number, k: number) => p * 1000 + i * 100 + (k % 97) / 4;
    const bodies = Array.from({ length: P }, (_, p) => {
      const ks = range(p * 40, p * 40 + 160);
      // half of them list their rows newest first
      if (p % 2) ks.reverse();
      return [...rows('cp-race', 0, ks, (k) => value(p, 0, k)), ...rows('cp-race', 1, ks, (k) => value(p, 1, k))];
    });
    const results = await Promise.all(bodies.map((b) => push('cp-race', b)));
    const sum = (f: (x: (typeof results)[number]) => number) => results.reduce((a, x) => a + f(x), 0);
    const keys = (P - 1) * 40 + 160;
    const covering = (k: number) => range(0, P).filter((p) => k >= p * 40 && k < p * 40 + 160);
    const replaced = 2 * range(0, keys).reduce((a, k) => a + covering(k).length - 1, 0);
    expect(sum((x) => x.res.inserted)).toBe(2 * keys);
    expect(sum((x) => x.res.updated)).toBe(replaced);
    expect(sum((x) => x.res.unchanged)).toBe(0);
    expect(sum((x) => x.paths.copied)).toBeGreaterThan(0);
    expect(sum((x) => x.paths.copied + x.paths.upserted)).toBe(P * 320);
    const s = await stored('cp-race');
    expect(s.rows.size).toBe(2 * keys);
    expect(s.history).toHaveLength(replaced);
    // per key: the final value and the history hold each pushed value exactly once
    const hist = new Map<string, number[]>();
    for (const h of s.history) hist.set(h.key, [...(hist.get(h.key) ?? []), h.value as number]);
    for (const i of [0, 1])
      for (const k of range(0, keys)) {
        const key = `${i}|${T0 + k * 60_000}`;
        const seen = [...(hist.get(key) ?? []), s.rows.get(key) as number].sort((a, b) => a - b);
        expect(seen, key).toEqual(covering(k).map((p) => value(p, i, k)));
      }

    // identical pushes racing (a client's retries): inserted once, unchanged in the others
    const again = rows('cp-race', 0, range(1000, 1200), (k) => k / 8);
    const rs = await Promise.all([0, 1, 2].map(() => push('cp-race', again)));
    expect(rs.map((x) => x.res.inserted).sort()).toEqual([0, 0, 200]);
    expect(rs.map((x) => x.res.unchanged).sort()).toEqual([0, 200, 200]);
    expect(rs.map((x) => x.paths.copied).sort()).toEqual([0, 0, 200]);
  });

  it('an HTTP push of new times answers and stores as before', async () => {
    await register('cp-http', ['number', 'json']);
    const dataArray0 = range(0, 150).map((k) => [at(k), k / 2]);
    const dataArray1 = range(0, 150).map((k) => [{ v: `a\tb\\${k}` }, at(k)]);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/stations/cp-http/observations',
      headers: { authorization: `Bearer ${tokens.get('cp-http')}` },
      payload: {
        datastreams: [
          { datastreamId: 'cp-http-0', components: ['phenomenonTime', 'result'], dataArray: dataArray0 },
          { datastreamId: 'cp-http-1', components: ['result', 'phenomenonTime'], dataArray: dataArray1 },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ inserted: 300, updated: 0, unchanged: 0, rejected: [], warnings: [] });
    const s = await stored('cp-http');
    expect(s.rows.get(`0|${T0 + 149 * 60_000}`)).toBe(74.5);
    expect(s.rows.get(`1|${T0 + 7 * 60_000}`)).toEqual({ v: 'a\tb\\7' });
    expect(s.rows.size).toBe(300);
  });
});
