import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFromStdin, createDb, sql, withTx, type DbHandle } from '@biomon/db';
import { createTestDatabase, type TestDatabase } from '../support/test-db';

// @biomon/db copyFromStdin sends a COPY statement, its data and CopyDone in one write, without
// waiting for CopyInResponse. The rows must arrive whole, and a COPY the server refuses — before its
// data (bad statement) or in the middle of it (bad row, failing check) — must reject with the
// server's error and leave the connection in step for the statements that follow.

let database: TestDatabase;
let h: DbHandle;
beforeAll(async () => {
  database = await createTestDatabase();
  // one connection: every test runs on the connection the previous one left
  h = createDb(database.url, { max: 1 });
  await sql`CREATE TABLE copy_probe (id int PRIMARY KEY, label text NOT NULL CHECK (label <> 'refused'))`.execute(h.db);
});
afterAll(async () => {
  await h?.close();
  await database?.drop();
});

const text = (rows: [number, string][]) => Buffer.from(rows.map(([id, label]) => `${id}\t${label}\n`).join(''), 'utf8');

async function count(): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM copy_probe`.execute(h.db);
  return r.rows[0].n;
}

describe('copyFromStdin (the COPY and its data in one write)', () => {
  it('copies every row of several chunks (megabytes, more than a socket takes at once), multi-byte text intact, and answers the count', async () => {
    const rows: [number, string][] = Array.from({ length: 100_000 }, (_, i) => [i, `行${i} 长白山 🐯`]);
    const chunks = [text(rows.slice(0, 1)), Buffer.alloc(0), text(rows.slice(1, 1_500)), text(rows.slice(1_500, 60_000)), text(rows.slice(60_000))];
    const n = await withTx(h.db, (tx) => copyFromStdin(tx, 'COPY copy_probe (id, label) FROM STDIN', chunks));
    expect(n).toBe(100_000);
    const r = await sql<{ id: number; label: string }>`SELECT id, label FROM copy_probe WHERE id IN (0, 1499, 1500, 99999) ORDER BY id`.execute(h.db);
    expect(r.rows).toEqual([0, 1499, 1500, 99999].map((id) => ({ id, label: `行${id} 长白山 🐯` })));
  });

  it('a statement the server refuses before any data: rejects with its SQLSTATE, the data is dropped, the connection goes on', async () => {
    const before = await count();
    const err = await withTx(h.db, (tx) => copyFromStdin(tx, 'COPY no_such_table (id) FROM STDIN', [text([[1, 'x']]), text([[2, 'y']])])).catch((e) => e);
    expect(err).toMatchObject({ code: '42P01' });
    expect(await count()).toBe(before);
    const r = await sql<{ v: number }>`SELECT ${41}::int + 1 AS v`.execute(h.db);
    expect(r.rows[0].v).toBe(42);
  });

  it('a row refused in the middle of the data: rejects, nothing of the COPY or the transaction is kept, the connection goes on', async () => {
    const before = await count();
    const err = await withTx(h.db, async (tx) => {
      await sql`INSERT INTO copy_probe (id, label) VALUES (-1, 'before the copy')`.execute(tx);
      return copyFromStdin(tx, 'COPY copy_probe (id, label) FROM STDIN', [text([[200_001, 'a']]), text([[200_002, 'refused']]), text([[200_003, 'c']])]);
    }).catch((e) => e);
    expect(err).toMatchObject({ code: '23514' });
    expect(await count()).toBe(before);
    const bad = await withTx(h.db, (tx) => copyFromStdin(tx, 'COPY copy_probe (id, label) FROM STDIN', [Buffer.from('not-an-int\tx\n')])).catch((e) => e);
    expect(bad).toMatchObject({ code: '22P02' });
    // the next COPY on the same connection works
    const n = await withTx(h.db, (tx) => copyFromStdin(tx, 'COPY copy_probe (id, label) FROM STDIN', [text([[300_000, 'after']])]));
    expect(n).toBe(1);
    expect(await count()).toBe(before + 1);
  });

  it('no data copies nothing; only COPY … FROM STDIN is taken, and only in a transaction', async () => {
    const n = await withTx(h.db, (tx) => copyFromStdin(tx, 'COPY copy_probe (id, label) FROM STDIN', []));
    expect(n).toBe(0);
    await expect(withTx(h.db, (tx) => copyFromStdin(tx, 'SELECT 1', [Buffer.from('x')]))).rejects.toThrow(/COPY … FROM STDIN/);
    await expect(copyFromStdin(h.db as never, 'COPY copy_probe (id, label) FROM STDIN', [])).rejects.toThrow(/inside a transaction/);
  });
});
