import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createDb, sql } from '@biomon/db';
import { actorOf } from '@biomon/auth';
import { readStationAhead } from '@biomon/stations';
import { createTestContext, databaseUrlFor, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';

let t: TestContext;
let app: FastifyInstance;
let admin: { authorization: string };
let evaluator: { authorization: string };

type Headers = Record<string, string>;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const station = (id: string, extra: Record<string, unknown> = {}) => ({
  stationId: id,
  name: `测试站 ${id}`,
  type: 'eco_station',
  location: { type: 'Point', coordinates: [128.1, 42.4] },
  priorityArea: 'PA-CBS',
  department: '省林草局',
  datastreams: [
    {
      datastreamId: `${id}-ta`,
      observedProperty: 'air_temperature',
      unitOfMeasurement: { symbol: '°C', name: 'degree Celsius' },
      resultType: 'number',
      validRange: [-50, 45],
      expectedIntervalSeconds: 3600,
    },
    {
      datastreamId: `${id}-n`,
      observedProperty: 'bird_call_detections',
      unitOfMeasurement: { symbol: 'count' },
      resultType: 'integer',
      validRange: [0, 5000],
      expectedIntervalSeconds: 3600,
    },
    { datastreamId: `${id}-ok`, observedProperty: 'recorder_ok', unitOfMeasurement: { symbol: '' }, resultType: 'boolean' },
    { datastreamId: `${id}-sp`, observedProperty: 'top_species', unitOfMeasurement: { symbol: '' }, resultType: 'string' },
    { datastreamId: `${id}-js`, observedProperty: 'last_detection', unitOfMeasurement: { symbol: '' }, resultType: 'json' },
  ],
  ...extra,
});

async function register(id: string, extra: Record<string, unknown> = {}): Promise<Headers> {
  const res = await app.inject({ method: 'POST', url: '/v1/stations', headers: admin, payload: station(id, extra) });
  expect(res.statusCode, res.body).toBe(201);
  return bearer(res.json().token);
}

const push = (stationId: string, headers: Headers, datastreams: unknown[], query = '') =>
  app.inject({ method: 'POST', url: `/v1/stations/${stationId}/observations${query}`, headers, payload: { datastreams } });
const ds = (datastreamId: string, dataArray: unknown[], components: unknown = ['phenomenonTime', 'result']) => ({ datastreamId, components, dataArray });
const pushNdjson = (stationId: string, headers: Headers, lines: string[]) =>
  app.inject({
    method: 'POST',
    url: `/v1/stations/${stationId}/observations`,
    headers: { ...headers, 'content-type': 'application/x-ndjson' },
    payload: lines.join('\n') + '\n',
  });

async function stored(datastreamId: string): Promise<{ t: string; v: unknown }[]> {
  const r = await sql<{ t: Date; n: number | null; j: unknown }>`
    SELECT o.phenomenon_time AS t, o.result_number AS n, o.result_json AS j FROM observations o
    JOIN datastreams d ON d.id = o.datastream_pk WHERE d.datastream_id = ${datastreamId} ORDER BY o.phenomenon_time`.execute(t.ctx.db);
  return r.rows.map((x) => ({ t: x.t.toISOString(), v: x.n ?? x.j }));
}

beforeAll(async () => {
  t = await createTestContext();
  app = await buildTestServer(t);
  admin = await authAs(t, 'admin');
  evaluator = await authAs(t, 'evaluator');
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('POST /v1/stations (register)', () => {
  it('registers a station with datastreams and answers the token once; the audit log has the write', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/stations', headers: admin, payload: station('reg-1') });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.token).toMatch(/^bm_station_/);
    expect(body.station).toMatchObject({
      stationId: 'reg-1',
      type: 'eco_station',
      location: { type: 'Point', coordinates: [128.1, 42.4] },
      priorityArea: 'PA-CBS',
      department: '省林草局',
      timeZone: 'Asia/Shanghai',
      lastSeenAt: null,
    });
    expect(body.station.datastreams.find((d: { datastreamId: string }) => d.datastreamId === 'reg-1-ta')).toMatchObject({
      observedProperty: 'air_temperature',
      unitOfMeasurement: { symbol: '°C', name: 'degree Celsius' },
      resultType: 'number',
      validRange: [-50, 45],
      expectedIntervalSeconds: 3600,
      expectedInterval: 'PT1H',
    });
    // the token is stored hashed, scoped to the station, and never shown again
    const tok = await t.ctx.db.selectFrom('api_tokens').select(['role', 'station_id']).where('label', '=', 'station:reg-1').execute();
    expect(tok).toEqual([{ role: 'station', station_id: 'reg-1' }]);
    const get = await app.inject({ method: 'GET', url: '/v1/stations/reg-1', headers: admin });
    expect(get.body).not.toContain(body.token);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'role', 'entity_ids']).where('action', '=', 'stations.create').execute();
    expect(audit).toEqual([{ action: 'stations.create', role: 'admin', entity_ids: ['reg-1'] }]);
  });

  it('accepts a calendar-month interval (ISO 8601 P1M) and a time zone', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/stations',
      headers: admin,
      payload: {
        ...station('reg-month'),
        timeZone: 'UTC',
        datastreams: [
          { datastreamId: 'reg-month-co2', observedProperty: 'co2', unitOfMeasurement: { symbol: 'ppm' }, resultType: 'number', expectedInterval: 'P1M' },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().station.datastreams[0]).toMatchObject({ expectedInterval: 'P1M', expectedIntervalSeconds: null });
  });

  it('rejects invalid registrations with the failing fields, and ids in use with 409', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/stations',
      headers: admin,
      payload: {
        ...station('reg-bad'),
        location: { type: 'Point', coordinates: [200, 42] },
        timeZone: 'Mars/Olympus',
        datastreams: [
          { datastreamId: 'reg-bad-1', observedProperty: 'x', unitOfMeasurement: { symbol: '' }, resultType: 'boolean', validRange: [0, 1] },
          {
            datastreamId: 'reg-bad-2',
            observedProperty: 'x',
            unitOfMeasurement: { symbol: '' },
            resultType: 'number',
            validRange: [5, 1],
            expectedInterval: 'P0D',
          },
          { datastreamId: 'reg-bad-3', observedProperty: 'x', unitOfMeasurement: { symbol: '' }, resultType: 'number', expectedInterval: 'P1M1D' },
        ],
      },
    });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().error.details.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        'location:COORDINATE_OUT_OF_RANGE',
        'datastreams[0].validRange:VALID_RANGE_INVALID',
        'datastreams[1].validRange:VALID_RANGE_INVALID',
        'datastreams[1].expectedInterval:INTERVAL_INVALID',
        'datastreams[2].expectedInterval:INTERVAL_INVALID',
      ]),
    );
    const badType = await app.inject({ method: 'POST', url: '/v1/stations', headers: admin, payload: { ...station('reg-bad'), type: 'satellite' } });
    expect(badType.statusCode).toBe(400);
    const tz = await app.inject({ method: 'POST', url: '/v1/stations', headers: admin, payload: { ...station('reg-bad'), timeZone: 'Mars/Olympus' } });
    expect(tz.json().error.details.errors[0]).toMatchObject({ field: 'timeZone', code: 'TIME_ZONE_INVALID' });

    await register('reg-dup');
    const again = await app.inject({ method: 'POST', url: '/v1/stations', headers: admin, payload: station('reg-dup') });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details.errors.map((e: { code: string }) => e.code)).toContain('STATION_ID_TAKEN');
    const stolen = await app.inject({
      method: 'POST',
      url: '/v1/stations',
      headers: admin,
      payload: { ...station('reg-other'), datastreams: [station('reg-dup').datastreams[0]] },
    });
    expect(stolen.statusCode).toBe(409);
    expect(stolen.json().error.details.errors[0]).toMatchObject({ field: 'datastreams[0].datastreamId', code: 'DATASTREAM_ID_TAKEN' });
  });

  it('is admin-only', async () => {
    const st = await register('reg-admin');
    for (const headers of [st, evaluator, await authAs(t, 'surveyor')]) {
      const res = await app.inject({ method: 'POST', url: '/v1/stations', headers, payload: station('reg-nope') });
      expect(res.statusCode).toBe(403);
    }
    expect((await app.inject({ method: 'POST', url: '/v1/stations', payload: station('reg-nope') })).statusCode).toBe(401);
  });
});

describe('PATCH /v1/stations/{id} and token rotation', () => {
  it('adds datastreams, updates fields, refuses a resultType change', async () => {
    const tok = await register('patch-1');
    const res = await app.inject({
      method: 'PATCH',
      url: '/v1/stations/patch-1',
      headers: admin,
      payload: {
        name: '改名站',
        datastreams: [
          {
            datastreamId: 'patch-1-wl',
            observedProperty: 'water_level',
            unitOfMeasurement: { symbol: 'm' },
            resultType: 'number',
            expectedIntervalSeconds: 900,
          },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().name).toBe('改名站');
    expect(res.json().datastreams.map((d: { datastreamId: string }) => d.datastreamId)).toContain('patch-1-wl');
    expect((await push('patch-1', tok, [ds('patch-1-wl', [['2026-11-01T00:00:00+08:00', 1.25]])])).json()).toMatchObject({ inserted: 1 });
    const change = await app.inject({
      method: 'PATCH',
      url: '/v1/stations/patch-1',
      headers: admin,
      payload: { datastreams: [{ datastreamId: 'patch-1-wl', observedProperty: 'water_level', unitOfMeasurement: { symbol: 'm' }, resultType: 'string' }] },
    });
    expect(change.statusCode).toBe(409);
    expect(change.json().error.details.errors[0].code).toBe('RESULT_TYPE_IMMUTABLE');
    expect((await app.inject({ method: 'PATCH', url: '/v1/stations/nope', headers: admin, payload: { name: 'x' } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'PATCH', url: '/v1/stations/patch-1', headers: tok, payload: { name: 'x' } })).statusCode).toBe(403);
  });

  it('rotating revokes the old token and answers a new one', async () => {
    const old = await register('rot-1');
    const res = await app.inject({ method: 'POST', url: '/v1/stations/rot-1/token', headers: admin });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ stationId: 'rot-1', revoked: 1, token: expect.stringMatching(/^bm_station_/) });
    const fresh = bearer(res.json().token);
    const body = [ds('rot-1-ta', [['2026-11-01T00:00:00+08:00', 1]])];
    expect((await push('rot-1', old, body)).statusCode).toBe(401);
    expect((await push('rot-1', fresh, body)).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/stations/nope/token', headers: admin })).statusCode).toBe(404);
  });
});

describe('POST /v1/stations/{id}/observations', () => {
  let A: Headers;
  let B: Headers;
  beforeAll(async () => {
    A = await register('push-a');
    B = await register('push-b');
  });

  it('stores a SensorThings dataArray push, idempotently: unchanged, then updated with history', async () => {
    const first = await push('push-a', A, [
      ds('push-a-ta', [
        ['2026-11-28T06:00:00+08:00', 3.2],
        ['2026-11-28T05:00:00+08:00', 2.9],
        ['2026-11-27T20:00:00Z', 2.5],
      ]),
      ds('push-a-ok', [['2026-11-28T06:00:00+08:00', true]]),
      ds('push-a-sp', [['2026-11-28T06:00:00+08:00', 'Grus japonensis']]),
      ds('push-a-js', [['2026-11-28T06:00:00+08:00', { taxon: 'Panthera tigris', count: 1 }]]),
      // components in the other order: [result, time]
      ds('push-a-n', [[12, '2026-11-28T06:00:00+08:00']], ['result', 'phenomenonTime']),
    ]);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ inserted: 7, updated: 0, unchanged: 0, rejected: [], warnings: [] });
    expect(await stored('push-a-n')).toEqual([{ t: '2026-11-27T22:00:00.000Z', v: 12 }]);
    // the same push again (a retry): nothing changes
    const retry = await push('push-a', A, [
      ds('push-a-ta', [
        ['2026-11-28T06:00:00+08:00', 3.2],
        ['2026-11-27T21:00:00.000Z', 2.9],
      ]),
    ]);
    expect(retry.json()).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    // a corrected value for a stored time: an update, the old value kept in history; a late older time: an insert
    const fix = await push('push-a', A, [
      ds('push-a-ta', [
        ['2026-11-28T06:00:00+08:00', 3.4],
        ['2026-11-20T00:00:00+08:00', -4.5],
      ]),
      ds('push-a-js', [['2026-11-28T06:00:00+08:00', { count: 1, taxon: 'Panthera tigris' }]]),
    ]);
    expect(fix.json()).toMatchObject({ inserted: 1, updated: 1, unchanged: 1 });
    expect(await stored('push-a-ta')).toEqual([
      { t: '2026-11-19T16:00:00.000Z', v: -4.5 },
      { t: '2026-11-27T20:00:00.000Z', v: 2.5 },
      { t: '2026-11-27T21:00:00.000Z', v: 2.9 },
      { t: '2026-11-27T22:00:00.000Z', v: 3.4 },
    ]);
    const hist = await sql<{ n: number; t: Date }>`
      SELECT h.result_number AS n, h.phenomenon_time AS t FROM observation_history h JOIN datastreams d ON d.id = h.datastream_pk WHERE d.datastream_id = 'push-a-ta'`.execute(
      t.ctx.db,
    );
    expect(hist.rows).toEqual([{ n: 3.2, t: new Date('2026-11-27T22:00:00Z') }]);
  });

  it('a token of station A cannot push to station B (403), and stores nothing', async () => {
    const res = await push('push-b', A, [ds('push-b-ta', [['2026-11-28T06:00:00+08:00', 1]])]);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
    expect(await stored('push-b-ta')).toEqual([]);
    // nor to a station that does not exist (no existence leak), nor with its own datastream under B's id
    expect((await push('no-such-station', A, [ds('push-a-ta', [['2026-11-28T06:00:00+08:00', 1]])])).statusCode).toBe(403);
    expect((await push('push-b', evaluator, [ds('push-b-ta', [['2026-11-28T06:00:00+08:00', 1]])])).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/v1/stations/push-b/observations', payload: { datastreams: [ds('push-b-ta', [])] } })).statusCode).toBe(
      401,
    );
    // admin may push for any station (e.g. loading a backlog)
    expect((await push('push-b', admin, [ds('push-b-ta', [['2026-11-28T06:00:00+08:00', 1]])])).json()).toMatchObject({ inserted: 1 });
    expect((await push('no-such-station', admin, [ds('x', [['2026-11-28T06:00:00+08:00', 1]])])).statusCode).toBe(404);
  });

  it('the station read ahead of the body (while it arrives) is dropped unharmed when the request ends before the push', async () => {
    // a body that is not JSON: 400, the rules read ahead are never used
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/stations/push-b/observations',
      headers: { ...admin, 'content-type': 'application/json' },
      payload: '{"datastreams": [',
    });
    expect(bad.statusCode).toBe(400);
    // an id that cannot be one (a NUL) is not looked up ahead; its check answers
    const nul = await push('push%00b', admin, [ds('push-b-ta', [['2026-11-28T06:00:00+08:00', 1]])]);
    expect(nul.statusCode).toBe(422);
    expect(nul.json().error.code).toBe('TEXT_INVALID_CHARACTER');
    expect(readStationAhead(t.ctx.dbBatch, 'push\u0000b', actorOf(null))).toBeUndefined();
    expect(readStationAhead(t.ctx.dbBatch, 'push\u0000b', { tokenId: null, role: 'admin', label: 'test' })).toBeUndefined();
    // a read ahead that fails is no unhandled rejection (vitest fails the run on one) and fails the push that awaits it
    const nowhere = createDb(databaseUrlFor(t.config.databaseUrl, `${t.database.name}_absent`), { max: 1 });
    try {
      const failing = readStationAhead(nowhere.db, 'push-b', { tokenId: null, role: 'admin', label: 'test' });
      expect(failing).toBeInstanceOf(Promise);
      await new Promise((r) => setTimeout(r, 300));
      await expect(failing).rejects.toThrow(/does not exist/);
    } finally {
      await nowhere.close();
    }
    await new Promise((r) => setTimeout(r, 100));
  });

  it('reports malformed rows, wrong types, missing offsets, NaN/Infinity and unknown datastreams by index, storing only valid rows', async () => {
    const future = new Date(Date.now() + 3600_000).toISOString();
    const nearFuture = new Date(Date.now() + 5 * 60_000).toISOString();
    const res = await push('push-b', B, [
      ds('push-b-ta', [
        ['2026-10-01T00:00:00+08:00', 1.5], // 0 ok
        ['2026-10-01T01:00:00', 1.5], // 1 no offset
        ['2026-10-01', 1.5], // 2 a date
        ['2026-10-01T02:00:00+08:00', 'NaN'], // 3
        ['2026-10-01T03:00:00+08:00', '-Infinity'], // 4
        ['2026-10-01T04:00:00+08:00', '4.2'], // 5 a string
        ['2026-10-01T05:00:00+08:00', 99], // 6 out of range
        ['2026-10-01T06:00:00+08:00'], // 7 one element
        '2026-10-01T07:00:00+08:00', // 8 not an array
        [future, 1], // 9 an hour ahead
        [nearFuture, 1], // 10 within 10 minutes: fine
        ['2026-02-30T00:00:00+08:00', 1], // 11 no such day
        ['2026-10-01T00:00:00+08:00', 1.5], // 12 same time, same value: counted once
        ['2026-10-01T00:00:00.000+08:00', 1.6], // 13 same time, other value
        ['2026-10-01T08:00:00+08:00', null], // 14
        [12345, 1], // 15
      ]),
      ds('push-b-n', [
        ['2026-10-01T00:00:00+08:00', 2.5],
        ['2026-10-01T01:00:00+08:00', 3],
      ]),
      ds('push-b-ok', [
        ['2026-10-01T00:00:00+08:00', 'true'],
        ['2026-10-01T01:00:00+08:00', false],
      ]),
      ds('push-b-sp', [['2026-10-01T00:00:00+08:00', 7]]),
      ds('push-b-nope', [
        ['2026-10-01T00:00:00+08:00', 1],
        ['2026-10-01T01:00:00+08:00', 2],
      ]),
      ds('push-a-ta', [['2026-10-01T00:00:00+08:00', 1]]), // another station's datastream
      ds('push-b-js', [['2026-10-01T00:00:00+08:00', 1]], ['phenomenonTime', 'result', 'resultTime']),
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ inserted: 4, updated: 0, unchanged: 1 });
    const codes = body.rejected.map(
      (r: { datastreamId: string; index: number; errors: { field: string; code: string }[] }) =>
        `${r.datastreamId}[${r.index}] ${r.errors.map((e) => `${e.field}:${e.code}`).join(',')}`,
    );
    expect(codes).toEqual([
      'push-b-ta[1] phenomenonTime:TIME_OFFSET_MISSING',
      'push-b-ta[2] phenomenonTime:TIME_OFFSET_MISSING',
      'push-b-ta[3] result:RESULT_NOT_FINITE',
      'push-b-ta[4] result:RESULT_NOT_FINITE',
      'push-b-ta[5] result:RESULT_TYPE_MISMATCH',
      'push-b-ta[6] result:RESULT_OUT_OF_RANGE',
      'push-b-ta[7] dataArray:MALFORMED_ROW',
      'push-b-ta[8] dataArray:MALFORMED_ROW',
      'push-b-ta[9] phenomenonTime:TIME_IN_FUTURE',
      'push-b-ta[11] phenomenonTime:TIME_INVALID',
      'push-b-ta[13] phenomenonTime:DUPLICATE_IN_BATCH',
      'push-b-ta[14] result:RESULT_MISSING',
      'push-b-ta[15] phenomenonTime:TIME_INVALID',
      'push-b-n[0] result:RESULT_TYPE_MISMATCH',
      'push-b-ok[0] result:RESULT_TYPE_MISMATCH',
      'push-b-sp[0] result:RESULT_TYPE_MISMATCH',
      'push-b-nope[0] datastreamId:DATASTREAM_UNKNOWN',
      'push-b-nope[1] datastreamId:DATASTREAM_UNKNOWN',
      'push-a-ta[0] datastreamId:DATASTREAM_UNKNOWN',
      'push-b-js[0] components:MALFORMED_ROW',
    ]);
    expect(body.warnings).toEqual([{ datastreamId: 'push-b-ta', index: 12, flags: ['DUPLICATE_IN_BATCH_SAME_VALUE'], notes: expect.any(Object) }]);
    // 2026-10-01T00:00+08 (1.5), admin's row of the previous test, the near-future row
    expect((await stored('push-b-ta')).map((x) => x.v)).toEqual([1.5, 1, 1]);
    expect(await stored('push-b-n')).toEqual([{ t: '2026-09-30T17:00:00.000Z', v: 3 }]);
    expect(await stored('push-b-ok')).toEqual([{ t: '2026-09-30T17:00:00.000Z', v: false }]);
    expect(await stored('push-b-sp')).toEqual([]);
  });

  it('answers 422 BATCH_REJECTED when nothing was valid, and with atomic when anything was rejected', async () => {
    const none = await push('push-b', B, [
      ds('push-b-ta', [
        ['2026-10-02T00:00:00', 1],
        ['2026-10-02T01:00:00+08:00', 'Infinity'],
      ]),
    ]);
    expect(none.statusCode).toBe(422);
    expect(none.json().error).toMatchObject({
      code: 'BATCH_REJECTED',
      details: {
        rejected: [
          { datastreamId: 'push-b-ta', index: 0, errors: [{ field: 'phenomenonTime', code: 'TIME_OFFSET_MISSING' }] },
          { datastreamId: 'push-b-ta', index: 1, errors: [{ field: 'result', code: 'RESULT_NOT_FINITE' }] },
        ],
      },
    });
    const atomic = await push(
      'push-b',
      B,
      [
        ds('push-b-ta', [
          ['2026-10-03T00:00:00+08:00', 1],
          ['2026-10-03T01:00:00+08:00', 'x'],
        ]),
      ],
      '?atomic=true',
    );
    expect(atomic.statusCode).toBe(422);
    // its valid row (2026-10-03T00:00+08 = 2026-10-02T16:00Z) was not stored
    expect((await stored('push-b-ta')).map((x) => x.t)).not.toContain('2026-10-02T16:00:00.000Z');
  });

  it('answers 400 for a broken envelope, 415 for other content types, 400 for invalid JSON', async () => {
    const noStreams = await app.inject({ method: 'POST', url: '/v1/stations/push-b/observations', headers: B, payload: { observations: [] } });
    expect(noStreams.statusCode).toBe(400);
    const repeated = await push('push-b', B, [ds('push-b-ta', [['2026-10-04T00:00:00+08:00', 1]]), ds('push-b-ta', [['2026-10-04T01:00:00+08:00', 1]])]);
    expect(repeated.statusCode).toBe(400);
    expect(repeated.json().error.details.errors[0].code).toBe('DATASTREAM_REPEATED');
    const text = await app.inject({ method: 'POST', url: '/v1/stations/push-b/observations', headers: { ...B, 'content-type': 'text/csv' }, payload: 'a,b' });
    expect(text.statusCode).toBe(415);
    const nan = await app.inject({
      method: 'POST',
      url: '/v1/stations/push-b/observations',
      headers: { ...B, 'content-type': 'application/json' },
      payload: '{"datastreams":[{"datastreamId":"push-b-ta","components":["phenomenonTime","result"],"dataArray":[["2026-10-04T00:00:00+08:00",NaN]]}]}',
    });
    expect(nan.statusCode).toBe(400);
    expect(nan.json().error.code).toBe('BAD_JSON');
  });

  it('accepts NDJSON backlogs, judging each line by itself (index = line number)', async () => {
    const lines = [
      JSON.stringify({ datastreamId: 'push-b-ta', phenomenonTime: '2026-11-01T00:00:00+08:00', result: 1.1 }),
      '{"datastreamId":"push-b-ta","phenomenonTime":"2026-11-01T01:00:00+08:00","result":NaN}',
      '{not json',
      '',
      JSON.stringify({ datastreamId: 'push-b-ta', phenomenonTime: '2026-11-01T02:00:00', result: 1 }),
      JSON.stringify({ phenomenonTime: '2026-11-01T02:00:00+08:00', result: 1 }),
      JSON.stringify({ datastreamId: 'push-b-sp', phenomenonTime: '2026-11-01T02:00:00+08:00', result: '丹顶鹤' }),
      JSON.stringify({ datastreamId: 'push-b-ghost', phenomenonTime: '2026-11-01T02:00:00+08:00', result: 1 }),
      '[1,2]',
    ];
    const res = await pushNdjson('push-b', B, lines);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ inserted: 2, unchanged: 0 });
    expect(res.json().rejected.map((r: { index: number; errors: { code: string }[] }) => `${r.index}:${r.errors[0].code}`)).toEqual([
      '1:RESULT_NOT_FINITE',
      '2:INVALID_JSON',
      '4:TIME_OFFSET_MISSING',
      '5:MALFORMED_ROW',
      '7:DATASTREAM_UNKNOWN',
      '8:MALFORMED_ROW',
    ]);
    expect(await stored('push-b-sp')).toEqual([{ t: '2026-10-31T18:00:00.000Z', v: '丹顶鹤' }]);
    const again = await pushNdjson('push-b', B, [lines[0], lines[6]]);
    expect(again.json()).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, rejected: [] });
  });

  it('writes one audit entry per push that changed something', async () => {
    const r = (
      await t.ctx.db.selectFrom('audit_log').select(['role', 'entity_ids', 'summary']).where('action', '=', 'observations.push').orderBy('id').execute()
    ).filter((a) => a.entity_ids.includes('push-a'));
    expect(r.length).toBe(2); // the first push and the correction; the pure retry changed nothing
    expect(r[0]).toMatchObject({ role: 'station', summary: { inserted: 7, updated: 0 } });
  });

  it('lets a camera-trap station post its detections as occurrences (MachineObservation) through the survey path', async () => {
    const cam = await register('cam-1', {
      type: 'camera_trap',
      datastreams: [{ datastreamId: 'cam-1-det', observedProperty: 'detections', unitOfMeasurement: { symbol: 'count' }, resultType: 'integer' }],
    });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/occurrences',
      headers: cam,
      payload: {
        records: [
          {
            occurrenceID: 'cam-1:2026-11-27:001',
            basisOfRecord: 'MachineObservation',
            scientificName: 'Capreolus pygargus',
            eventDate: '2026-11-27T03:12:00+08:00',
            decimalLatitude: 42.4,
            decimalLongitude: 128.1,
            geodeticDatum: 'WGS84',
            individualCount: 1,
            samplingProtocol: 'camera trap',
          },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().inserted).toBe(1);
    // only its detections: a human observation from a camera trap is refused
    const human = await app.inject({
      method: 'POST',
      url: '/v1/occurrences',
      headers: cam,
      payload: {
        records: [
          {
            occurrenceID: 'cam-1:x',
            basisOfRecord: 'HumanObservation',
            scientificName: 'Capreolus pygargus',
            eventDate: '2026-11-27',
            decimalLatitude: 42.4,
            decimalLongitude: 128.1,
          },
        ],
      },
    });
    expect(human.statusCode).toBe(422);
    expect(human.json().error.details.rejected[0].errors[0].code).toBe('BASIS_OF_RECORD_NOT_ALLOWED');
    // a station that is not a camera trap may not post occurrences at all
    const other = await register('weather-occ', { type: 'weather' });
    const denied = await app.inject({
      method: 'POST',
      url: '/v1/occurrences',
      headers: other,
      payload: {
        records: [
          {
            occurrenceID: 'w:1',
            basisOfRecord: 'MachineObservation',
            scientificName: 'Capreolus pygargus',
            eventDate: '2026-11-27',
            decimalLatitude: 42.4,
            decimalLongitude: 128.1,
          },
        ],
      },
    });
    expect(denied.statusCode).toBe(403);
  });
});

describe('reading stations, series and health', () => {
  let R: Headers;
  beforeAll(async () => {
    R = await register('read-1');
    await register('read-2', { department: '省水利厅', priorityArea: 'PA-SNP', type: 'hydrological' });
    // read-1-ta: hourly 2026-11-01T00:00+08 … 2026-11-01T23:00+08 except 05:00–08:00 (4 missing), value = hour
    const rows = [];
    for (let h = 0; h < 24; h++) if (h < 5 || h > 8) rows.push([`2026-11-01T${String(h).padStart(2, '0')}:00:00+08:00`, h]);
    // two readings in one slot (10:30 besides 10:00) count as one observed slot
    rows.push(['2026-11-01T10:30:00+08:00', 10.5]);
    expect(
      (
        await push('read-1', R, [
          ds('read-1-ta', rows),
          ds('read-1-sp', [
            ['2026-11-01T00:00:00+08:00', 'a'],
            ['2026-11-01T12:00:00+08:00', 'b'],
          ]),
        ])
      ).json(),
    ).toMatchObject({ inserted: 23 });
  });

  it("lists stations within the caller's scope", async () => {
    const all = (await app.inject({ method: 'GET', url: '/v1/stations?limit=1000', headers: evaluator })).json();
    expect(all.stations.map((s: { stationId: string }) => s.stationId)).toEqual(expect.arrayContaining(['read-1', 'read-2']));
    const own = (await app.inject({ method: 'GET', url: '/v1/stations', headers: R })).json();
    expect(own.stations.map((s: { stationId: string }) => s.stationId)).toEqual(['read-1']);
    const hydro = (await app.inject({ method: 'GET', url: '/v1/stations?type=hydrological&priorityArea=PA-SNP', headers: evaluator })).json();
    expect(hydro.stations.map((s: { stationId: string }) => s.stationId)).toEqual(['read-2']);
    const { id: depId } = await t.ctx.db.insertInto('departments').values({ name: '省水利厅' }).returning('id').executeTakeFirstOrThrow();
    const dept = await authAs(t, 'department', { departmentId: depId });
    const mine = (await app.inject({ method: 'GET', url: '/v1/stations', headers: dept })).json();
    expect(mine.stations.map((s: { stationId: string }) => s.stationId)).toEqual(['read-2']);
    expect((await app.inject({ method: 'GET', url: '/v1/stations/read-1', headers: dept })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/stations', headers: await authAs(t, 'surveyor') })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/stations' })).statusCode).toBe(401);
    // paging
    const p1 = (await app.inject({ method: 'GET', url: '/v1/stations?limit=1', headers: evaluator })).json();
    const p2 = (await app.inject({ method: 'GET', url: `/v1/stations?limit=1&cursor=${p1.nextCursor}`, headers: evaluator })).json();
    expect(p2.stations[0].stationId).not.toBe(p1.stations[0].stationId);
  });

  it('shows one station with its datastreams and latest values', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/stations/read-1', headers: R });
    expect(res.statusCode).toBe(200);
    const s = res.json();
    expect(s.lastSeenAt).not.toBeNull();
    const byId = Object.fromEntries(s.datastreams.map((d: { datastreamId: string }) => [d.datastreamId, d]));
    expect(byId['read-1-ta'].latest).toMatchObject({ phenomenonTime: '2026-11-01T15:00:00.000Z', result: 23 });
    expect(byId['read-1-sp'].latest).toMatchObject({ phenomenonTime: '2026-11-01T04:00:00.000Z', result: 'b' });
    expect(byId['read-1-n'].latest).toBeNull();
    expect((await app.inject({ method: 'GET', url: '/v1/stations/read-2', headers: R })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/stations/none', headers: evaluator })).statusCode).toBe(404);
  });

  it('returns raw observations in pages and aggregates in SQL', async () => {
    const url = '/v1/datastreams/read-1-ta/observations';
    const p1 = (await app.inject({ method: 'GET', url: `${url}?limit=15`, headers: evaluator })).json();
    expect(p1.observations).toHaveLength(15);
    const p2 = (await app.inject({ method: 'GET', url: `${url}?limit=15&cursor=${p1.nextCursor}`, headers: evaluator })).json();
    expect(p2.observations).toHaveLength(6);
    expect(p2.nextCursor).toBeNull();
    const window = (
      await app.inject({ method: 'GET', url: `${url}?from=2026-11-01T09:00:00%2B08:00&to=2026-11-01T11:00:00%2B08:00`, headers: evaluator })
    ).json();
    expect(window.observations.map((o: { result: number }) => o.result)).toEqual([9, 10, 10.5]);
    // 6-hour buckets in local time: [0..4] avg 2, [9..11] = 9,10,10.5,11 avg 10.125, [12..17] avg 14.5, [18..23] avg 20.5
    const agg = (await app.inject({ method: 'GET', url: `${url}?interval=6h&agg=avg`, headers: evaluator })).json();
    expect(agg.buckets).toEqual([
      { time: '2026-10-31T16:00:00.000Z', value: 2, count: 5 },
      { time: '2026-10-31T22:00:00.000Z', value: 10.125, count: 4 },
      { time: '2026-11-01T04:00:00.000Z', value: 14.5, count: 6 },
      { time: '2026-11-01T10:00:00.000Z', value: 20.5, count: 6 },
    ]);
    const day = (await app.inject({ method: 'GET', url: `${url}?interval=1d&agg=max`, headers: evaluator })).json();
    expect(day.buckets).toEqual([{ time: '2026-10-31T16:00:00.000Z', value: 23, count: 21 }]);
    const hourly = (await app.inject({ method: 'GET', url: `${url}?interval=1h&agg=count&from=2026-11-01`, headers: evaluator })).json();
    expect(hourly.buckets.find((b: { time: string }) => b.time === '2026-11-01T02:00:00.000Z')).toEqual({
      time: '2026-11-01T02:00:00.000Z',
      value: 2,
      count: 2,
    });
    const str = await app.inject({ method: 'GET', url: '/v1/datastreams/read-1-sp/observations?interval=1h&agg=avg', headers: evaluator });
    expect(str.statusCode).toBe(400);
    expect(str.json().error.details.errors[0].code).toBe('AGG_NOT_NUMERIC');
    expect((await app.inject({ method: 'GET', url: '/v1/datastreams/read-1-sp/observations?interval=1h', headers: evaluator })).json().buckets).toHaveLength(2);
    expect((await app.inject({ method: 'GET', url: `${url}?interval=7x`, headers: evaluator })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/v1/datastreams/read-2-ta/observations', headers: R })).statusCode).toBe(403);
  });

  it('reports health: last seen, expected interval, gaps and completeness', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/v1/stations/read-1/health?from=2026-11-01T00:00:00%2B08:00&to=2026-11-02T00:00:00%2B08:00',
      headers: R,
    });
    expect(res.statusCode, res.body).toBe(200);
    const h = res.json();
    const ta = h.datastreams.find((d: { datastreamId: string }) => d.datastreamId === 'read-1-ta');
    // 24 hourly slots, 20 observed (05–08 missing; 10:00 and 10:30 share a slot)
    expect(ta).toMatchObject({
      expectedIntervalSeconds: 3600,
      expectedInterval: 'PT1H',
      lastPhenomenonTime: '2026-11-01T15:00:00.000Z',
      observations: 21,
      expectedSlots: 24,
      observedSlots: 20,
      completenessPct: 83.33,
      gapCount: 1,
      status: 'ok',
      gaps: [{ from: '2026-10-31T20:00:00.000Z', to: '2026-11-01T01:00:00.000Z', missingSlots: 4, atWindowStart: false, ongoing: false }],
    });
    const n = h.datastreams.find((d: { datastreamId: string }) => d.datastreamId === 'read-1-n');
    expect(n).toMatchObject({
      observations: 0,
      expectedSlots: 24,
      observedSlots: 0,
      completenessPct: 0,
      gapCount: 1,
      status: 'no_data',
      gaps: [{ missingSlots: 24, atWindowStart: true, ongoing: true }],
    });
    const sp = h.datastreams.find((d: { datastreamId: string }) => d.datastreamId === 'read-1-sp');
    expect(sp).toMatchObject({ expectedSlots: null, completenessPct: null, gaps: null, status: 'no_schedule', observations: 2 });
    expect(h).toMatchObject({ expectedSlots: 48, observedSlots: 20, completenessPct: 41.67, gapCount: 2, lastPhenomenonTime: '2026-11-01T15:00:00.000Z' });
    // default window: the last 7 days, which hold none of these: the station is late
    const now = (await app.inject({ method: 'GET', url: '/v1/stations/read-1/health', headers: evaluator })).json();
    expect(now.datastreams.find((d: { datastreamId: string }) => d.datastreamId === 'read-1-ta')).toMatchObject({
      expectedSlots: 168,
      observedSlots: 0,
      status: 'late',
    });
  });
});
