import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import net from 'node:net';
import pg from 'pg';
import { AppError } from '@biomon/core';
import { createSlots, slottedDb, sql, withTx } from '@biomon/db';
import { loadConfig } from '@biomon/config';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';

// Issue 17, admission control: batch writes and read routes take a slot of their class before a
// connection (@biomon/db slots.ts); at most `size` run at once, the others wait in order, and a
// wait longer than the limit is a 503 with Retry-After that stores nothing.

let t: TestContext;
let app: FastifyInstance;

beforeAll(async () => {
  t = await createTestContext({ dbBatchSlots: 2, dbReadSlots: 2, dbSlotWaitMs: 400 });
  app = await buildTestServer(t);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const record = (id: string) => ({
  occurrenceID: id,
  basisOfRecord: 'HumanObservation',
  scientificName: 'Sus scrofa',
  eventDate: '2024-05-01',
  decimalLatitude: 43.8,
  decimalLongitude: 126.5,
  geodeticDatum: 'WGS84',
});

describe('slots', () => {
  it('runs at most `size` transactions at once, in arrival order, each holding its slot from BEGIN to COMMIT', async () => {
    const slots = createSlots('test', 2, 10_000);
    const db = slottedDb(t.ctx.dbHandle.pool, slots);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        withTx(db, async (tx) => {
          started.push(i);
          running++;
          most = Math.max(most, running);
          expect(slots.inUse()).toBeLessThanOrEqual(2);
          // the server sees at most two of these sessions at once, too
          await sql`SELECT pg_sleep(0.05)`.execute(tx);
          running--;
        }),
      ),
    );
    expect(most).toBe(2);
    // the first two connect at once (either may be first); the others only after a slot was given back
    expect(started.slice(0, 2).sort()).toEqual([0, 1]);
    expect(started.slice(2).sort()).toEqual([2, 3, 4, 5]);
    expect(slots.inUse()).toBe(0);
    expect(slots.waiting()).toBe(0);
    await db.destroy();
    // the waiters are granted in arrival order (the order their transactions then begin in is the
    // connections' race, not the slots': asserted here on the grants themselves)
    const order = createSlots('order', 2, 10_000);
    const first = [await order.acquire(), await order.acquire()];
    const granted: number[] = [];
    const waiters = [2, 3, 4, 5].map((i) =>
      order.acquire().then((release) => {
        granted.push(i);
        return release;
      }),
    );
    first[1]();
    first[0]();
    (await waiters[0])();
    (await waiters[1])();
    await Promise.all(waiters.slice(2)).then((rs) => rs.forEach((r) => r()));
    expect(granted).toEqual([2, 3, 4, 5]);
    expect([order.inUse(), order.waiting()]).toEqual([0, 0]);
  });

  it('gives the slot back when the transaction fails, when connecting fails, and only once', async () => {
    const slots = createSlots('test', 1, 300);
    const db = slottedDb(t.ctx.dbHandle.pool, slots);
    await expect(
      withTx(db, async (tx) => {
        await sql`SELECT 1/0`.execute(tx);
      }),
    ).rejects.toThrow(/division by zero/);
    expect(slots.inUse()).toBe(0);
    // a server that cannot be reached: the slot is not kept by the failed connection
    const bad = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
    const badDb = slottedDb(bad, slots);
    await expect(sql`SELECT 1`.execute(badDb)).rejects.toThrow();
    expect(slots.inUse()).toBe(0);
    await bad.end();
    const giveBack = await slots.acquire();
    giveBack();
    giveBack();
    expect(slots.inUse()).toBe(0);
    expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows[0].one).toBe(1);
    await db.destroy();
  });

  it('refuses a wait longer than the limit with SERVICE_UNAVAILABLE and Retry-After, and serves the next caller', async () => {
    const slots = createSlots('test', 1, 150);
    const held = await slots.acquire();
    const err = await slots.acquire().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('SERVICE_UNAVAILABLE');
    expect((err as AppError).headers).toMatchObject({ 'retry-after': '2' });
    expect(slots.waiting()).toBe(0);
    held();
    const next = await slots.acquire();
    expect(slots.inUse()).toBe(1);
    next();
  });

  it('defaults follow the CPU count, and the settings are validated', () => {
    const c = loadConfig({ ...process.env, BIOMON_DB_BATCH_SLOTS: '', BIOMON_DB_READ_SLOTS: '' });
    expect(c.dbBatchSlots).toBeGreaterThanOrEqual(2);
    expect(c.dbReadSlots).toBeGreaterThanOrEqual(4);
    expect(() => loadConfig({ ...process.env, BIOMON_DB_BATCH_SLOTS: '0' })).toThrow(/BIOMON_DB_BATCH_SLOTS/);
    expect(loadConfig({ ...process.env, BIOMON_DB_READ_SLOTS: '7' }).dbReadSlots).toBe(7);
  });
});

describe('routes on slots', () => {
  it('an occurrence batch waits for a batch slot; past the limit it is a 503 and nothing is stored', async () => {
    const headers = await authAs(t, 'surveyor');
    const held = [await t.ctx.slots.batch.acquire(), await t.ctx.slots.batch.acquire()];
    const refused = await app.inject({ method: 'POST', url: '/v1/occurrences', headers, payload: { records: [record('slot-1')] } });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe('SERVICE_UNAVAILABLE');
    expect(refused.headers['retry-after']).toBe('2');
    const stored = await sql<{ n: number }>`SELECT count(*)::int AS n FROM occurrences WHERE occurrence_id = 'slot-1'`.execute(t.ctx.db);
    expect(stored.rows[0].n).toBe(0);
    // a batch that arrives while the slots are held runs as soon as one is given back
    const waiting = app.inject({ method: 'POST', url: '/v1/occurrences', headers, payload: { records: [record('slot-1')] } });
    await new Promise((r) => setTimeout(r, 100));
    expect(t.ctx.slots.batch.waiting()).toBe(1);
    held[0]();
    const ok = await waiting;
    expect(ok.statusCode).toBe(200);
    expect(ok.json().inserted).toBe(1);
    held[1]();
    expect(t.ctx.slots.batch.inUse()).toBe(0);
  });

  it('a station push takes a batch slot too', async () => {
    const admin = await authAs(t, 'admin');
    const reg = await app.inject({
      method: 'POST',
      url: '/v1/stations',
      headers: admin,
      payload: {
        stationId: 'SLOT-1',
        name: 'slot station',
        type: 'eco_station',
        location: { type: 'Point', coordinates: [126.5, 43.8] },
        datastreams: [
          { datastreamId: 'SLOT-1-t', observedProperty: 'air_temperature', unitOfMeasurement: { name: 'degree Celsius', symbol: '°C' }, resultType: 'number' },
        ],
      },
    });
    expect(reg.statusCode, reg.body).toBe(201);
    const station = { authorization: `Bearer ${reg.json().token}` };
    const held = [await t.ctx.slots.batch.acquire(), await t.ctx.slots.batch.acquire()];
    const push = { datastreams: [{ datastreamId: 'SLOT-1-t', components: ['phenomenonTime', 'result'], dataArray: [['2026-01-01T00:00:00Z', 1.5]] }] };
    const refused = await app.inject({ method: 'POST', url: '/v1/stations/SLOT-1/observations', headers: station, payload: push });
    expect(refused.statusCode).toBe(503);
    held.forEach((h) => h());
    const ok = await app.inject({ method: 'POST', url: '/v1/stations/SLOT-1/observations', headers: station, payload: push });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('a batch request takes a permit before its body is read, and gives it back after every answer', async () => {
    const headers = await authAs(t, 'surveyor');
    const permits = t.ctx.slots.batchRequests;
    expect(permits.size).toBe(3); // the batch slots (2) and one more
    const held = [await permits.acquire(), await permits.acquire(), await permits.acquire()];
    // a body that is not even JSON is not answered while it waits: it has not been read
    const invalid = app.inject({
      method: 'POST',
      url: '/v1/occurrences',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '{"records": [',
    });
    const valid = app.inject({ method: 'POST', url: '/v1/occurrences', headers, payload: { records: [record('permit-1')] } });
    await new Promise((r) => setTimeout(r, 150));
    expect(permits.waiting()).toBe(2);
    expect(t.ctx.slots.batch.inUse() + t.ctx.slots.batch.waiting()).toBe(0);
    // reads and non-batch routes do not take a permit
    expect((await app.inject({ method: 'GET', url: '/v1/occurrences?bbox=126,43,127,44&limit=1' })).statusCode).toBe(200);
    held[0]();
    expect((await invalid).statusCode).toBe(400);
    held[1]();
    const ok = await valid;
    expect(ok.statusCode, ok.body).toBe(200);
    held[2]();
    // refused batches (422) give their permit back too
    const rejected = await app.inject({ method: 'POST', url: '/v1/occurrences', headers, payload: { records: [{ occurrenceID: 'permit-bad' }] } });
    expect(rejected.statusCode).toBe(422);
    expect(permits.inUse()).toBe(0);
    expect(permits.waiting()).toBe(0);
  });

  it('past BIOMON_DB_SLOT_WAIT_MS a waiting batch request is a 503, and a client that leaves while waiting does not keep a permit', async () => {
    const headers = await authAs(t, 'surveyor');
    const permits = t.ctx.slots.batchRequests;
    const held = [await permits.acquire(), await permits.acquire(), await permits.acquire()];
    const refused = await app.inject({ method: 'POST', url: '/v1/occurrences', headers, payload: { records: [record('permit-2')] } });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe('SERVICE_UNAVAILABLE');
    expect(refused.json().error.message).toMatch(/batch requests/);
    // over a real socket: the client sends half a body, waits for a permit, and goes away
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(
      `POST /v1/occurrences HTTP/1.1\r\nhost: x\r\nauthorization: ${headers.authorization}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"records": [`,
    );
    for (let i = 0; permits.waiting() === 0; i++) {
      if (i > 100) throw new Error('the request never waited for a permit');
      await new Promise((r) => setTimeout(r, 20));
    }
    socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    held.forEach((h) => h());
    await new Promise((r) => setTimeout(r, 100));
    expect(permits.inUse()).toBe(0);
    expect(permits.waiting()).toBe(0);
  });

  it('public reads take a read slot; writes and the health check do not', async () => {
    const held = [await t.ctx.slots.read.acquire(), await t.ctx.slots.read.acquire()];
    const refused = await app.inject({ method: 'GET', url: '/v1/occurrences?bbox=126,43,127,44&limit=10' });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe('SERVICE_UNAVAILABLE');
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    const headers = await authAs(t, 'surveyor');
    const write = await app.inject({ method: 'POST', url: '/v1/occurrences', headers, payload: { records: [record('slot-2')] } });
    expect(write.statusCode).toBe(200);
    held.forEach((h) => h());
    const ok = await app.inject({ method: 'GET', url: '/v1/occurrences?bbox=126,43,127,44&limit=10' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(t.ctx.slots.read.inUse()).toBe(0);
  });
});
