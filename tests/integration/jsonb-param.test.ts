import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonbRowsParam, sql } from '@biomon/db';
import { mulberry32 } from '@biomon/core';
import { createTestContext, type TestContext } from '../support/test-db';

// Batch writes (occurrences, survey events) send their rows as one binary jsonb parameter
// (@biomon/db jsonbRowsParam). PostgreSQL must read it exactly as it reads JSON.stringify(rows)
// bound as text: the same jsonb, the same recordset.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t?.close();
});

/** A random string over ASCII, escapes, Latin-1, CJK, and astral characters (surrogate pairs). */
function randomText(rnd: () => number): string {
  const pools = ['abcXYZ 019', '"\\/\b\f\n\r\t', 'éßñ£µ', '基准测试长白山松嫩平原东北虎', '🐯🦌🌲', '\u0001\u001f\u007f\u2028\u2029'];
  let s = '';
  const n = Math.floor(rnd() * 40);
  for (let i = 0; i < n; i++) {
    const pool = [...pools[Math.floor(rnd() * pools.length)]];
    s += pool[Math.floor(rnd() * pool.length)];
  }
  return s;
}

function randomRow(rnd: () => number, i: number): Record<string, unknown> {
  return {
    occurrence_id: `r-${i}-${randomText(rnd)}`,
    n: rnd() < 0.2 ? null : Math.round((rnd() - 0.5) * 1e9) / 1e3,
    flags: rnd() < 0.5 ? [] : [randomText(rnd), randomText(rnd)],
    data: { recordedBy: randomText(rnd), locality: randomText(rnd), nested: { k: randomText(rnd), list: [1, 'two', null, true] } },
  };
}

describe('jsonbRowsParam', () => {
  it('is read by PostgreSQL as the same jsonb as JSON.stringify(rows) sent as text, for 2,000 random rows', async () => {
    const rnd = mulberry32(17);
    const rows = Array.from({ length: 2000 }, (_, i) => randomRow(rnd, i));
    const r = await sql<{ same: boolean; n: number; first: unknown }>`
      SELECT ${jsonbRowsParam(rows)}::jsonb = ${JSON.stringify(rows)}::jsonb AS same,
        jsonb_array_length(${jsonbRowsParam(rows)}::jsonb) AS n,
        ${jsonbRowsParam(rows)}::jsonb -> 0 AS first`.execute(t.ctx.db);
    expect(r.rows[0].same).toBe(true);
    expect(r.rows[0].n).toBe(2000);
    expect(r.rows[0].first).toEqual(rows[0]);
  });

  it('gives jsonb_to_recordset the same columns, text and numbers included', async () => {
    const rows = [
      { id: 'a', name: '东北虎 Panthera tigris altaica', n: 1.5, tags: ['保护', 'CR'] },
      { id: 'b', name: 'quote " and backslash \\ and 🐯', n: null, tags: [] },
      { id: 'c', name: '', n: -0.000123, tags: ['x'] },
    ];
    const q = (param: unknown) =>
      sql<{ id: string; name: string; n: number | null; tags: string[] }>`
        SELECT * FROM jsonb_to_recordset(${param}::jsonb) AS x(id text, name text, n float8, tags text[]) ORDER BY id`.execute(t.ctx.db);
    const binary = await q(jsonbRowsParam(rows));
    expect(binary.rows).toEqual((await q(JSON.stringify(rows))).rows);
    expect(binary.rows.map((r) => r.name)).toEqual(rows.map((r) => r.name));
  });

  it('grows past its first buffer: one row far larger than the estimate, and an empty list', async () => {
    const big = { id: 'big', text: '虎'.repeat(200_000) };
    const r = await sql<{ len: number; n: number }>`
      SELECT length(${jsonbRowsParam([{ id: 's' }, big, { id: 't' }])}::jsonb -> 1 ->> 'text') AS len,
        jsonb_array_length(${jsonbRowsParam([])}::jsonb) AS n`.execute(t.ctx.db);
    expect(r.rows[0]).toEqual({ len: 200_000, n: 0 });
  });
});
