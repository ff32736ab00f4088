import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { loadConfig } from '@biomon/config';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';
import { WebhookReceiver, waitFor } from '../support/alerts';
import { ACTUAL_DIR, Normaliser, RECORDING, readFixtures, writeFixtures, type Answer } from './harness';

// The replay test (issue 16): a fixed list of requests — every route that answers with a body, as
// the roles whose answers differ (public, surveyor, station, evaluator, department, admin), the
// write routes' answers and a few errors — against the demo data plus records, events, stations,
// a layer, an import, a ledger report, a frozen report, exports and a webhook planted here. Each
// answer (status, content type, body) is normalised for what changes from run to run (uuids,
// instants of the run's own clock, generated tokens, sealed cursors, durations) and compared with
// the fixtures in ./fixtures, recorded from the code before the routes had response schemas.
// fastify drops what a response schema does not declare: a property that stops coming back, a
// null that turns into "" or 0, a number that turns into a string fails here.
//
//   REPLAY_RECORD=1 node_modules/.bin/vitest run tests/replay     # rewrite the fixtures
//
// Determinism: the demo seed runs with the clock held at SEED_NOW (its station series end there);
// the worker runs one job at a time and every step waits until the outbox and the queues are quiet;
// rules that depend on the wall clock (silent stations, data gaps, deadlines, species decline) are
// switched off first; every date a route would default to today is given.

const SEED_NOW = new Date('2026-11-28T12:00:00+08:00');
const AS_OF = '2026-11-30';
const TEAM = 'replay-team';

let t: TestContext;
let app: FastifyInstance;
let worker: RunningWorker;
const receiver = new WebhookReceiver();
const norm = new Normaliser();
const recorded = new Map<string, Record<string, Answer>>();
const H: Record<string, Record<string, string>> = { public: {} };
const ROLES = ['public', 'surveyor', 'station', 'evaluator', 'department', 'admin'] as const;
type Who = (typeof ROLES)[number] | 'surveyorB' | 'stationWx' | 'badToken';

interface Call {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  as?: Who;
  payload?: unknown;
  headers?: Record<string, string>;
  /** binary answers: record their length (deterministic ones only) */
  binaryLength?: boolean;
  /** record the digest of the normalised body (bulky geometry) */
  digest?: boolean;
  /** keys whose values change from run to run in this answer (an archive's digest and size) */
  volatile?: string[];
  /** do not record the body (it changes with this work itself, e.g. the OpenAPI document) */
  bodyless?: boolean;
}

/** Sends one request, records its normalised answer under area/label and returns the raw answer. */
async function call(area: string, label: string, c: Call) {
  const res = await app.inject({
    method: c.method ?? 'GET',
    url: c.url,
    headers: { ...H[c.as ?? 'public'], ...(c.headers ?? {}) },
    ...(c.payload === undefined ? {} : { payload: c.payload as string }),
  });
  const answer = norm.answer(res, { binaryLength: c.binaryLength, digest: c.digest, volatile: c.volatile });
  if (process.env.REPLAY_DEBUG) {
    console.log(`${res.statusCode} ${area} / ${label}: ${res.body.slice(0, 300).replace(/\s+/g, ' ')}`);
    if (/json/.test(String(res.headers['content-type']))) (rawByRoute[`${lastRoute} ${res.statusCode}`] ??= []).push(JSON.parse(res.body));
  }
  if (c.bodyless) answer.body = '<not compared>';
  const book = recorded.get(area) ?? {};
  if (label in book) throw new Error(`label used twice: ${area} / ${label}`);
  book[label] = answer;
  recorded.set(area, book);
  return res;
}
const json = (res: { body: string }) => JSON.parse(res.body);

/** Waits until the outbox is relayed and every queue is idle (twice in a row); debounced indicator recomputes are dropped. */
async function quiet(): Promise<void> {
  let calm = 0;
  await waitFor(
    'the worker to be idle',
    async () => {
      for (const q of t.ctx.queues.values()) {
        for (const j of await q.getJobs(['delayed'])) if (j?.name === 'recompute') await j.remove();
      }
      const pending = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE enqueued_at IS NULL`.execute(t.ctx.db)).rows[0].n;
      let busy = pending;
      for (const q of t.ctx.queues.values()) {
        const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
        busy += Object.values(c).reduce((a, b) => a + b, 0);
      }
      calm = busy === 0 ? calm + 1 : 0;
      return calm >= 3;
    },
    120_000,
    100,
  );
}

function multipart(fileName: string, type: string, content: Buffer | string): { payload: Buffer; headers: Record<string, string> } {
  const boundary = 'replay-boundary-1';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, Buffer.isBuffer(content) ? content : Buffer.from(content), tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** A small NDVI GeoTIFF over Changchun (EPSG:4326, 0.1°, values from a fixed formula), the same bytes every run. */
function replayTiff(): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'biomon-replay-raster-'));
  const w = 20;
  const h = 10;
  const vals = new Float32Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) vals[r * w + c] = Math.round((0.2 + 0.03 * c + 0.01 * r) * 1000) / 1000;
  vals[0] = -9999;
  writeFileSync(path.join(dir, 'ndvi.bin'), Buffer.from(vals.buffer));
  writeFileSync(
    path.join(dir, 'ndvi.hdr'),
    `ENVI\nsamples = ${w}\nlines = ${h}\nbands = 1\nheader offset = 0\nfile type = ENVI Standard\ndata type = 4\ninterleave = bsq\nbyte order = 0\n`,
  );
  const out = path.join(dir, 'ndvi.tif');
  execFileSync('gdal_translate', [
    '-q',
    '-of',
    'GTiff',
    '-a_srs',
    'EPSG:4326',
    '-a_nodata',
    '-9999',
    '-a_ullr',
    '124.5',
    '44.5',
    '126.5',
    '43.5',
    path.join(dir, 'ndvi.bin'),
    out,
  ]);
  return readFileSync(out);
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const WGS = (lon: number, lat: number) => ({ decimalLongitude: lon, decimalLatitude: lat, geodeticDatum: 'WGS84' });
const box = (x0: number, x1: number, y0: number, y1: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});

// planted places: the tiger ridge near Hunchun, a wetland near Changchun, a ragweed roadside near Jilin city
const TIGER: [number, number] = [130.912, 43.137];
const WETLAND: [number, number] = [125.412, 43.962];
const ROADSIDE: [number, number] = [126.631, 43.871];
const bboxAround = ([lon, lat]: [number, number], d = 0.05) =>
  `${(lon - d).toFixed(3)},${(lat - d).toFixed(3)},${(lon + d).toFixed(3)},${(lat + d).toFixed(3)}`;

const ids: Record<string, string> = {};
const answered = new Set<string>();
let lastRoute = '';
/** REPLAY_DEBUG=1: the raw JSON answers by route, for reading their shapes (test-artifacts/replay-raw.json) */
const rawByRoute: Record<string, unknown[]> = {};
/** a zip's digest and size change with the instants written into it (entry times, EML dates) */
const ZIP = ['sha256', 'sizeBytes'];

beforeAll(async () => {
  t = await createTestContext({ alerts: { ...loadConfig().alerts, webhookAllowPrivate: ['127.0.0.1'], webhookAttempts: 1 } });
  // the demo seed with the clock held: its station series end at SEED_NOW, whatever the day
  vi.useFakeTimers({ toFake: ['Date'], now: SEED_NOW });
  try {
    await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  } finally {
    vi.useRealTimers();
  }
  app = await buildTestServer(t);
  // which routes answered 2xx: every route of the table must be in the list (see the last check)
  app.addHook('onResponse', async (req, reply) => {
    lastRoute = `${req.method} ${req.routeOptions.url ?? '(none)'}`;
    if (reply.statusCode < 300 && req.routeOptions.url) answered.add(lastRoute);
  });
  await app.ready();
  await receiver.start();
  H.admin = await authAs(t, 'admin');
  H.evaluator = await authAs(t, 'evaluator');
  H.surveyor = await authAs(t, 'surveyor', { team: TEAM });
  H.surveyorB = await authAs(t, 'surveyor', { team: 'replay-other-team' });
  const forestry = await t.ctx.db.selectFrom('departments').select('id').where('name', '=', '省林草局').executeTakeFirstOrThrow();
  H.department = await authAs(t, 'department', { departmentId: forestry.id });
  H.badToken = { authorization: 'Bearer bm_admin_thisisnotatokenatall0000000000000000000000' };
}, 300_000);

afterAll(async () => {
  await worker?.stop();
  await receiver.stop();
  await app?.close();
  await t?.close();
});

async function scenario(): Promise<void> {
  // ---- rules first (before the worker reads the seed's outbox): wall-clock rules off, no age limit on detections
  await call('alerts', 'PUT /v1/alert-rules (admin)', {
    method: 'PUT',
    url: '/v1/alert-rules',
    as: 'admin',
    payload: {
      rules: [
        { code: 'station_silent', enabled: false },
        { code: 'station_data_gap', enabled: false },
        { code: 'indicator_deadline', enabled: false },
        { code: 'indicator_species_decline', enabled: false },
        { code: 'sensitive_detection', params: { maxRecordAgeDays: null } },
        { code: 'invasive_new_cell', severity: 'critical' },
      ],
    },
  });
  await call('alerts', 'PUT /v1/alert-rules: unknown rule (400)', {
    method: 'PUT',
    url: '/v1/alert-rules',
    as: 'admin',
    payload: { rules: [{ code: 'nope' }] },
  });
  await call('alerts', 'PUT /v1/alert-rules (evaluator, 403)', {
    method: 'PUT',
    url: '/v1/alert-rules',
    as: 'evaluator',
    payload: { rules: [{ code: 'import_problem', enabled: true }] },
  });
  worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50, concurrency: 1 });
  await quiet();

  // ---- system
  await call('system', 'GET /health', { url: '/health' });
  for (const who of ROLES) await call('system', `GET /v1/me (${who})`, { url: '/v1/me', as: who });
  await call('system', 'GET /v1/me (bad token, 401)', { url: '/v1/me', as: 'badToken' });
  await call('system', 'GET /openapi.json (status only)', { url: '/openapi.json', bodyless: true });
  await call('system', 'GET /nope (404)', { url: '/v1/nope' });

  // ---- stations: two registered here, one with its token rotated; pushes as dataArray and NDJSON
  const ct = await call('stations', 'POST /v1/stations camera trap (admin)', {
    method: 'POST',
    url: '/v1/stations',
    as: 'admin',
    payload: {
      stationId: 'RP-CT',
      name: '回放红外相机',
      type: 'camera_trap',
      location: { type: 'Point', coordinates: [...TIGER, 640] },
      description: 'ridge trap for the replay test',
      priorityArea: 'PA-CBS',
      department: '省林草局',
      properties: { mount: 'tree', heightCm: 60 },
      datastreams: [
        {
          datastreamId: 'RP-CT-det',
          name: 'detections',
          observedProperty: 'detections',
          unitOfMeasurement: { symbol: 'count', name: 'detections per hour' },
          resultType: 'integer',
          validRange: [0, 100],
          expectedIntervalSeconds: 3600,
        },
      ],
    },
  });
  H.station = { authorization: `Bearer ${json(ct).token}` };
  await call('stations', 'POST /v1/stations weather (admin)', {
    method: 'POST',
    url: '/v1/stations',
    as: 'admin',
    payload: {
      stationId: 'RP-WX',
      name: '回放气象站',
      type: 'weather',
      location: { type: 'Point', coordinates: WETLAND },
      department: '省生态环境厅',
      timeZone: 'Asia/Shanghai',
      datastreams: [
        {
          datastreamId: 'RP-WX-ta',
          observedProperty: 'air_temperature',
          unitOfMeasurement: { symbol: '°C', name: 'degree Celsius' },
          resultType: 'number',
          validRange: [-50, null],
          expectedInterval: 'PT1H',
        },
        { datastreamId: 'RP-WX-ok', observedProperty: 'logger_ok', unitOfMeasurement: { symbol: '' }, resultType: 'boolean' },
        { datastreamId: 'RP-WX-js', observedProperty: 'last_message', unitOfMeasurement: { symbol: '' }, resultType: 'json' },
      ],
    },
  });
  await call('stations', 'POST /v1/stations: id taken (409)', {
    method: 'POST',
    url: '/v1/stations',
    as: 'admin',
    payload: {
      stationId: 'RP-WX',
      name: 'x',
      type: 'weather',
      location: { type: 'Point', coordinates: WETLAND },
      datastreams: [{ datastreamId: 'RP-WX-2', observedProperty: 'x', unitOfMeasurement: { symbol: '' }, resultType: 'number' }],
    },
  });
  await call('stations', 'POST /v1/stations: invalid body (400)', {
    method: 'POST',
    url: '/v1/stations',
    as: 'admin',
    payload: { stationId: 'RP bad', name: '' },
  });
  await call('stations', 'PATCH /v1/stations/RP-WX (admin)', {
    method: 'PATCH',
    url: '/v1/stations/RP-WX',
    as: 'admin',
    payload: {
      name: '回放气象站（改）',
      description: null,
      properties: { mast: '10 m' },
      datastreams: [
        {
          datastreamId: 'RP-WX-rh',
          observedProperty: 'relative_humidity',
          unitOfMeasurement: { symbol: '%' },
          resultType: 'number',
          validRange: [0, 100],
          expectedIntervalSeconds: 3600,
        },
      ],
    },
  });
  await call('stations', 'PATCH /v1/stations/RP-WX: resultType (409)', {
    method: 'PATCH',
    url: '/v1/stations/RP-WX',
    as: 'admin',
    payload: { datastreams: [{ datastreamId: 'RP-WX-ok', observedProperty: 'logger_ok', unitOfMeasurement: { symbol: '' }, resultType: 'string' }] },
  });
  const rot = await call('stations', 'POST /v1/stations/RP-WX/token (admin)', { method: 'POST', url: '/v1/stations/RP-WX/token', as: 'admin' });
  H.stationWx = { authorization: `Bearer ${json(rot).token}` };
  await call('stations', 'POST /v1/stations/RP-CT/observations dataArray (station)', {
    method: 'POST',
    url: '/v1/stations/RP-CT/observations',
    as: 'station',
    payload: {
      datastreams: [
        {
          datastreamId: 'RP-CT-det',
          components: ['phenomenonTime', 'result'],
          dataArray: [
            ['2026-06-01T01:00:00+08:00', 1],
            ['2026-06-01T02:00:00+08:00', 3],
            ['2026-06-01T03:00:00+08:00', 0],
            ['2026-06-01T05:00:00+08:00', 2],
            ['2026-06-01T06:00:00', 1],
            ['2026-06-01T07:00:00+08:00', 500],
          ],
        },
      ],
    },
  });
  await call('stations', 'POST /v1/stations/RP-CT/observations again (station)', {
    method: 'POST',
    url: '/v1/stations/RP-CT/observations',
    as: 'station',
    payload: {
      datastreams: [
        {
          datastreamId: 'RP-CT-det',
          components: ['phenomenonTime', 'result'],
          dataArray: [
            ['2026-06-01T01:00:00+08:00', 1],
            ['2026-06-01T02:00:00+08:00', 4],
          ],
        },
      ],
    },
  });
  const ndjson = [
    { datastreamId: 'RP-WX-ta', phenomenonTime: '2026-06-01T00:00:00+08:00', result: 14.5 },
    { datastreamId: 'RP-WX-ta', phenomenonTime: '2026-06-01T01:00:00+08:00', result: 13.25 },
    { datastreamId: 'RP-WX-ta', phenomenonTime: '2026-06-01T03:00:00+08:00', result: 12 },
    { datastreamId: 'RP-WX-ta', phenomenonTime: '2026-06-02T00:00:00+08:00', result: 18.5 },
    { datastreamId: 'RP-WX-ok', phenomenonTime: '2026-06-01T00:00:00+08:00', result: true },
    { datastreamId: 'RP-WX-js', phenomenonTime: '2026-06-01T00:00:00+08:00', result: { text: '正常', code: 0 } },
    { datastreamId: 'RP-WX-rh', phenomenonTime: '2026-06-01T00:00:00+08:00', result: 101 },
    { datastreamId: 'RP-WX-ta', phenomenonTime: '2026-06-01T04:00:00+08:00', result: 'warm' },
  ]
    .map((l) => JSON.stringify(l))
    .concat(['{not json'])
    .join('\n');
  await call('stations', 'POST /v1/stations/RP-WX/observations NDJSON (station)', {
    method: 'POST',
    url: '/v1/stations/RP-WX/observations',
    as: 'stationWx',
    headers: { 'content-type': 'application/x-ndjson' },
    payload: ndjson,
  });
  await call('stations', 'POST /v1/stations/RP-WX/observations: all rejected (422)', {
    method: 'POST',
    url: '/v1/stations/RP-WX/observations?atomic=true',
    as: 'stationWx',
    payload: { datastreams: [{ datastreamId: 'RP-WX-ta', components: ['phenomenonTime', 'result'], dataArray: [['2026-06-01T09:00:00', 1]] }] },
  });
  await call('stations', 'POST /v1/stations/RP-WX/observations: other station (403)', {
    method: 'POST',
    url: '/v1/stations/RP-WX/observations',
    as: 'station',
    payload: { datastreams: [{ datastreamId: 'RP-WX-ta', components: ['phenomenonTime', 'result'], dataArray: [] }] },
  });
  await quiet();

  // ---- survey data: events, records (stored, rejected, flagged, sensitive, invasive, unknown terms), a camera trap's detections
  await call('ingest', 'POST /v1/survey-events one event (surveyor)', {
    method: 'POST',
    url: '/v1/survey-events',
    as: 'surveyor',
    payload: {
      eventID: 'rp-transect-1',
      eventDate: '2026-05-20',
      samplingProtocol: '样线法',
      locality: '长春湿地样线',
      'eco:samplingEffortValue': 2.5,
      'eco:samplingEffortUnit': 'km',
      geometry: { type: 'LineString', coordinates: [WETLAND, [WETLAND[0] + 0.02, WETLAND[1] + 0.01]] },
      天气: '晴',
    },
  });
  await call('ingest', 'POST /v1/survey-events batch (station)', {
    method: 'POST',
    url: '/v1/survey-events',
    as: 'station',
    payload: {
      records: [
        {
          eventID: 'rp-ct-array',
          eventDate: '2026-06-01/2026-06-30',
          samplingProtocol: '红外相机',
          geometry: box(TIGER[0] - 0.01, TIGER[0] + 0.01, TIGER[1] - 0.01, TIGER[1] + 0.01),
        },
        {
          eventID: 'rp-ct-dep',
          parentEventID: 'rp-ct-array',
          eventDate: '2026-06-01/2026-06-30',
          samplingProtocol: '红外相机',
          'eco:samplingEffortValue': 29,
          'eco:samplingEffortUnit': 'trap-days',
          ...WGS(...TIGER),
        },
        { eventID: 'rp-bad-event', eventDate: 'sometime' },
      ],
    },
  });
  await call('ingest', 'POST /v1/occurrences mixed batch (surveyor)', {
    method: 'POST',
    url: '/v1/occurrences',
    as: 'surveyor',
    payload: {
      records: [
        {
          occurrenceID: 'rp-occ-1',
          eventID: 'rp-transect-1',
          basisOfRecord: 'HumanObservation',
          scientificName: 'Grus japonensis',
          vernacularName: '丹顶鹤',
          eventDate: '2026-05-20T07:30:00+08:00',
          individualCount: 2,
          ...WGS(...WETLAND),
          coordinateUncertaintyInMeters: 25,
          occurrenceRemarks: 'feeding',
          天气: '晴',
          'Site Name': 'north pond',
        },
        { occurrenceID: 'rp-occ-2', scientificName: 'Ambrosia artemisiifolia', eventDate: '2026-05-21', ...WGS(...ROADSIDE), occurrenceStatus: '' },
        {
          occurrenceID: 'rp-occ-3',
          basisOfRecord: 'HumanObservation',
          scientificName: 'Panthera tigris',
          eventDate: '2026-05-22',
          ...WGS(TIGER[0] + 0.03, TIGER[1] - 0.02),
          habitat: 'ridge',
          recordedBy: 'replay team',
        },
        {
          occurrenceID: 'rp-occ-4',
          basisOfRecord: 'HumanObservation',
          scientificName: 'Nyctereutes procyonoides',
          eventDate: '2026-05-23',
          decimalLongitude: 125.42,
          decimalLatitude: 43.97,
        },
        { occurrenceID: 'rp-occ-5', basisOfRecord: 'HumanObservation', scientificName: 'Xyzzia replayensis', eventDate: '2026-05-24', ...WGS(125.43, 43.95) },
        { occurrenceID: 'rp-occ-bad-1', basisOfRecord: 'Guess', scientificName: 'Pica pica', eventDate: 'yesterday', ...WGS(125.4, 43.9) },
        { occurrenceID: 'rp-occ-bad-2', scientificName: 'Pica pica', eventDate: '2026-05-25' },
      ],
    },
  });
  await call('ingest', 'POST /v1/occurrences same again (surveyor)', {
    method: 'POST',
    url: '/v1/occurrences',
    as: 'surveyor',
    payload: {
      records: [
        {
          occurrenceID: 'rp-occ-4',
          basisOfRecord: 'HumanObservation',
          scientificName: 'Nyctereutes procyonoides',
          eventDate: '2026-05-23',
          decimalLongitude: 125.42,
          decimalLatitude: 43.97,
          individualCount: 3,
        },
        { occurrenceID: 'rp-occ-5', basisOfRecord: 'HumanObservation', scientificName: 'Xyzzia replayensis', eventDate: '2026-05-24', ...WGS(125.43, 43.95) },
      ],
    },
  });
  await call('ingest', 'POST /v1/occurrences stale version (409)', {
    method: 'POST',
    url: '/v1/occurrences',
    as: 'surveyor',
    headers: { 'if-match': '"1"' },
    payload: {
      records: [
        {
          occurrenceID: 'rp-occ-4',
          basisOfRecord: 'HumanObservation',
          scientificName: 'Nyctereutes procyonoides',
          eventDate: '2026-05-23',
          ...WGS(125.42, 43.97),
        },
      ],
    },
  });
  await call('ingest', 'POST /v1/occurrences all rejected (422)', {
    method: 'POST',
    url: '/v1/occurrences',
    as: 'surveyor',
    payload: { records: [{ occurrenceID: 'rp-x', scientificName: 'Pica pica' }] },
  });
  await call('ingest', 'POST /v1/occurrences other owner (403)', {
    method: 'POST',
    url: '/v1/occurrences',
    as: 'surveyorB',
    payload: {
      records: [
        { occurrenceID: 'rp-occ-1', basisOfRecord: 'HumanObservation', scientificName: 'Grus japonensis', eventDate: '2026-05-20', ...WGS(...WETLAND) },
      ],
    },
  });
  await call('ingest', 'POST /v1/occurrences bad body (400)', { method: 'POST', url: '/v1/occurrences', as: 'surveyor', payload: { records: [] } });
  await call('ingest', 'POST /v1/occurrences public (401)', { method: 'POST', url: '/v1/occurrences', payload: { records: [{}] } });
  await call('ingest', 'POST /v1/occurrences camera trap (station)', {
    method: 'POST',
    url: '/v1/occurrences',
    as: 'station',
    payload: {
      records: [
        {
          occurrenceID: 'rp-ct-1',
          eventID: 'rp-ct-dep',
          basisOfRecord: 'MachineObservation',
          scientificName: 'Capreolus pygargus',
          eventDate: '2026-06-03T02:14:00+08:00',
          ...WGS(...TIGER),
        },
        {
          occurrenceID: 'rp-ct-2',
          eventID: 'rp-ct-dep',
          basisOfRecord: 'MachineObservation',
          scientificName: 'Panthera tigris altaica',
          eventDate: '2026-06-04T21:40:00+08:00',
          ...WGS(...TIGER),
          associatedMedia: 'https://example.org/rp-ct-2.jpg',
        },
        { occurrenceID: 'rp-ct-3', basisOfRecord: 'HumanObservation', scientificName: 'Sus scrofa', eventDate: '2026-06-05', ...WGS(...TIGER) },
      ],
    },
  });
  await quiet();
  await call('ingest', 'POST /v1/occurrences/rp-occ-5/review (evaluator)', {
    method: 'POST',
    url: '/v1/occurrences/rp-occ-5/review',
    as: 'evaluator',
    payload: { state: 'verified', comment: '鉴定为貉', taxon: 'Nyctereutes procyonoides' },
  });
  await call('ingest', 'POST /v1/occurrences/rp-occ-2/review (evaluator)', {
    method: 'POST',
    url: '/v1/occurrences/rp-occ-2/review',
    as: 'evaluator',
    payload: { state: 'rejected', comment: 'photo unclear' },
  });
  await call('ingest', 'POST /v1/occurrences/nope/review (404)', {
    method: 'POST',
    url: '/v1/occurrences/rp-nope/review',
    as: 'evaluator',
    payload: { state: 'verified' },
  });
  await quiet();

  // ---- imports: a saved mapping, a CSV with a stored, a rejected and an unmapped column
  await call('imports', 'PUT /v1/import-mappings/rp-sheet (surveyor, new)', {
    method: 'PUT',
    url: '/v1/import-mappings/rp-sheet',
    as: 'surveyor',
    payload: { columns: { 经度E: 'decimalLongitude', 纬度N: 'decimalLatitude', 备注: null }, description: '回放表头' },
  });
  await call('imports', 'PUT /v1/import-mappings/rp-sheet (surveyor, same)', {
    method: 'PUT',
    url: '/v1/import-mappings/rp-sheet',
    as: 'surveyor',
    payload: { columns: { 经度E: 'decimalLongitude', 纬度N: 'decimalLatitude', 备注: null }, description: '回放表头' },
  });
  await call('imports', 'PUT /v1/import-mappings/rp-sheet: bad term (400)', {
    method: 'PUT',
    url: '/v1/import-mappings/rp-sheet',
    as: 'surveyor',
    payload: { columns: { x: 'notATerm' } },
  });
  await call('imports', 'GET /v1/import-mappings (surveyor)', { url: '/v1/import-mappings', as: 'surveyor' });
  await call('imports', 'GET /v1/import-mappings (station)', { url: '/v1/import-mappings', as: 'station' });
  await call('imports', 'GET /v1/import-mappings/rp-sheet (surveyor)', { url: '/v1/import-mappings/rp-sheet', as: 'surveyor' });
  await call('imports', 'GET /v1/import-mappings/rp-sheet (other team, 404)', { url: '/v1/import-mappings/rp-sheet', as: 'surveyorB' });
  const csv = [
    'occurrenceID,scientificName,eventDate,纬度N,经度E,basisOfRecord,备注,天气',
    'rp-imp-1,Grus japonensis,2026-05-26,43.961,125.411,HumanObservation,near pond,晴',
    'rp-imp-2,Ciconia boyciana,not-a-date,43.962,125.412,HumanObservation,,阴',
    'rp-imp-3,Phasianus colchicus,2026-05-27,43.963,125.413,,,',
  ].join('\n');
  const mp = multipart('replay.csv', 'text/csv', csv);
  const up = await call('imports', 'POST /v1/imports?mapping=rp-sheet (surveyor, 202)', {
    method: 'POST',
    url: '/v1/imports?mapping=rp-sheet',
    as: 'surveyor',
    headers: mp.headers,
    payload: mp.payload,
  });
  ids.importId = json(up).importId;
  const empty = multipart('empty.csv', 'text/csv', '');
  await call('imports', 'POST /v1/imports empty file (400)', {
    method: 'POST',
    url: '/v1/imports',
    as: 'surveyor',
    headers: empty.headers,
    payload: empty.payload,
  });
  await quiet();
  for (const who of ['surveyor', 'evaluator', 'admin', 'surveyorB', 'department'] as const) {
    await call('imports', `GET /v1/imports/{id} (${who})`, { url: `/v1/imports/${ids.importId}`, as: who });
  }
  await call('imports', 'GET /v1/imports/{id}/errors.csv (surveyor)', { url: `/v1/imports/${ids.importId}/errors.csv`, as: 'surveyor' });
  await call('imports', 'GET /v1/imports/{id}/errors.csv (other team, 403)', { url: `/v1/imports/${ids.importId}/errors.csv`, as: 'surveyorB' });
  await call('imports', 'GET /v1/imports/{unknown} (404)', { url: '/v1/imports/00000000-0000-4000-8000-000000000000', as: 'evaluator' });
  await call('imports', 'GET /v1/imports/template.csv', { url: '/v1/imports/template.csv' });
  await call('imports', 'GET /v1/imports/template.csv?headers=zh', { url: '/v1/imports/template.csv?headers=zh' });
  await call('imports', 'GET /v1/imports/template.xlsx?headers=zh', { url: '/v1/imports/template.xlsx?headers=zh' });

  // ---- layers: a small protected-area version (one repaired ring, one rejected feature)
  const fc = {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { id: 'RP-PA-1', name: '回放保护区', designation: 'nature_reserve', status: 'designated', establishedYear: 2021 },
        geometry: box(125.4, 125.45, 43.94, 43.99),
      },
      {
        type: 'Feature',
        properties: { id: 'RP-PA-2', name: '自交多边形', designation: 'wetland_park', status: 'designated' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [125.5, 43.9],
              [125.6, 44.0],
              [125.6, 43.9],
              [125.5, 44.0],
              [125.5, 43.9],
            ],
          ],
        },
      },
      { type: 'Feature', properties: { id: 'RP-PA-3' }, geometry: null },
    ],
  };
  const layer = await call('layers', 'POST /v1/layers/protected-areas?year=2025 (admin)', {
    method: 'POST',
    url: '/v1/layers/protected-areas?year=2025&source=replay',
    as: 'admin',
    payload: fc,
  });
  ids.datasetId = String(json(layer).datasetId);
  await call('layers', 'POST /v1/layers/protected-areas: not a collection (400)', {
    method: 'POST',
    url: '/v1/layers/protected-areas?year=2025',
    as: 'admin',
    payload: { type: 'Feature' },
  });
  await quiet();
  await call('layers', 'GET /v1/layers', { url: '/v1/layers' });
  await call('layers', 'GET /v1/layers?kind=protected-areas', { url: '/v1/layers?kind=protected-areas' });
  await call('layers', 'GET /v1/layers/{planted}', { url: `/v1/layers/${ids.datasetId}` });
  await call('layers', 'GET /v1/layers/1', { url: '/v1/layers/1' });
  await call('layers', 'GET /v1/layers/999999 (404)', { url: '/v1/layers/999999' });
  await call('layers', 'GET /v1/layers/{planted}/features', { url: `/v1/layers/${ids.datasetId}/features` });
  await call('layers', 'GET /v1/layers/1/features?bbox&limit=3', { url: `/v1/layers/1/features?bbox=125,43,126,44&limit=3` });
  await call('layers', 'GET /v1/layers/1/features?bbox=bad (400)', { url: '/v1/layers/1/features?bbox=1,2,3' });

  // ---- indicators: definitions, values, a run started here
  await call('indicators', 'GET /v1/indicators', { url: '/v1/indicators' });
  const codes = (json(await app.inject({ url: '/v1/indicators' })).indicators as { code: string }[]).map((i) => i.code);
  for (const code of codes) await call('indicators', `GET /v1/indicators/${code}/values?year=2024`, { url: `/v1/indicators/${code}/values?year=2024` });
  await call('indicators', 'GET /v1/indicators/{code}/values?region=PA-CBS (surveyor)', {
    url: `/v1/indicators/${codes[0]}/values?region=PA-CBS`,
    as: 'surveyor',
  });
  await call('indicators', 'GET /v1/indicators/nope/values (404)', { url: '/v1/indicators/nope/values' });
  // land-cover change (issue 18): the demo pair 2020 → 2024 (computed by the seed), its change layer, a bad pair
  const lcVersions = (json(await app.inject({ url: '/v1/layers?kind=land-cover' })).datasets as { datasetId: number; year: number }[]).sort(
    (x, y) => x.year - y.year,
  );
  const [lcFrom, lcTo] = [lcVersions[0].datasetId, lcVersions[lcVersions.length - 1].datasetId];
  await call('land-cover', 'GET /v1/land-cover/change?regionCodes=220000,220600', {
    url: `/v1/land-cover/change?from=${lcFrom}&to=${lcTo}&regionCodes=220000,220600`,
  });
  await call('land-cover', 'GET /v1/land-cover/change/areas?forestLoss=true', { url: `/v1/land-cover/change/areas?from=${lcFrom}&to=${lcTo}&forestLoss=true` });
  await call('land-cover', 'GET /v1/land-cover/change (same version, 422)', { url: `/v1/land-cover/change?from=${lcTo}&to=${lcTo}` });
  // ---- rasters (issue 18): an NDVI GeoTIFF uploaded, processed by the worker, read, its zonal statistics and tiles
  const rasterFile = replayTiff();
  const rasterUp = multipart('replay-ndvi.tif', 'image/tiff', rasterFile);
  const raster = await call('rasters', 'POST /v1/rasters/ndvi (evaluator, 202)', {
    method: 'POST',
    url: '/v1/rasters/ndvi?year=2023&source=replay',
    as: 'evaluator',
    payload: rasterUp.payload,
    headers: rasterUp.headers,
  });
  ids.rasterId = String(json(raster).datasetId);
  const junk = multipart('junk.tif', 'image/tiff', Buffer.from('not a tiff at all'));
  await call('rasters', 'POST /v1/rasters/ndvi: unreadable (422)', {
    method: 'POST',
    url: '/v1/rasters/ndvi?year=2023',
    as: 'evaluator',
    payload: junk.payload,
    headers: junk.headers,
  });
  await call('rasters', 'POST /v1/rasters/ndvi (surveyor, 403)', {
    method: 'POST',
    url: '/v1/rasters/ndvi?year=2023',
    as: 'surveyor',
    payload: rasterUp.payload,
    headers: rasterUp.headers,
  });
  await quiet();
  await call('rasters', 'GET /v1/rasters', { url: '/v1/rasters' });
  await call('rasters', 'GET /v1/rasters/{planted}', { url: `/v1/rasters/${ids.rasterId}` });
  await call('rasters', 'GET /v1/rasters/{planted}/zonal?regionCodes=220000,220100', { url: `/v1/rasters/${ids.rasterId}/zonal?regionCodes=220000,220100` });
  await call('rasters', 'GET /v1/rasters/{planted}/zonal?regionCodes=nope (400)', { url: `/v1/rasters/${ids.rasterId}/zonal?regionCodes=nope` });
  await call('rasters', 'GET /tiles/rasters/{planted}/legend.json', { url: `/tiles/rasters/${ids.rasterId}/legend.json` });
  await call('rasters', 'GET /tiles/rasters/{planted}/7/108/46.png', { url: `/tiles/rasters/${ids.rasterId}/7/108/46.png`, binaryLength: true });
  await call('rasters', 'GET /v1/rasters/999999 (404)', { url: '/v1/rasters/999999' });

  // ---- screenings (issue 19): a footprint near the planted tiger, screened by the team, read by it and an evaluator
  const screening = await call('screenings', 'POST /v1/screenings (surveyor, 202)', {
    method: 'POST',
    url: '/v1/screenings',
    as: 'surveyor',
    payload: { name: '珲春公路改线 replay', footprint: box(130.94, 130.96, 43.12, 43.14), buffersKm: [1, 5, 10] },
  });
  ids.screeningId = json(screening).screeningId;
  await call('screenings', 'POST /v1/screenings: bad footprint (422)', {
    method: 'POST',
    url: '/v1/screenings',
    as: 'surveyor',
    payload: { name: 'bad', footprint: { type: 'Polygon', coordinates: [[[130, 43]]] } },
  });
  await call('screenings', 'POST /v1/screenings (public, 401)', {
    method: 'POST',
    url: '/v1/screenings',
    payload: { name: 'x', footprint: box(130, 130.1, 43, 43.1) },
  });
  await quiet();
  await call('screenings', 'GET /v1/screenings/{planted} (surveyor)', { url: `/v1/screenings/${ids.screeningId}`, as: 'surveyor' });
  await call('screenings', 'GET /v1/screenings/{planted} (evaluator)', { url: `/v1/screenings/${ids.screeningId}`, as: 'evaluator' });
  await call('screenings', 'GET /v1/screenings/{planted} (other team, 403)', { url: `/v1/screenings/${ids.screeningId}`, as: 'surveyorB' });
  await call('screenings', 'GET /v1/screenings/{planted}/report.html (surveyor)', {
    url: `/v1/screenings/${ids.screeningId}/report.html`,
    as: 'surveyor',
    digest: true,
  });
  const rerun = await call('screenings', 'POST /v1/screenings/{planted}/rerun (surveyor, 202)', {
    method: 'POST',
    url: `/v1/screenings/${ids.screeningId}/rerun`,
    as: 'surveyor',
  });
  ids.rerunId = json(rerun).screeningId;
  await quiet();

  const run = await call('indicators', 'POST /v1/indicator-runs (evaluator, 202)', {
    method: 'POST',
    url: '/v1/indicator-runs',
    as: 'evaluator',
    payload: { year: 2024, regions: ['220000', 'PA-CBS'], params: { speciesWindowYears: 5 } },
  });
  ids.runId = json(run).runId;
  await call('indicators', 'POST /v1/indicator-runs: bad year (400)', { method: 'POST', url: '/v1/indicator-runs', as: 'evaluator', payload: { year: 1800 } });
  await quiet();
  await call('indicators', 'GET /v1/indicator-runs/{planted} (public)', { url: `/v1/indicator-runs/${ids.runId}` });
  await call('indicators', 'GET /v1/indicator-runs/{planted} (evaluator)', { url: `/v1/indicator-runs/${ids.runId}`, as: 'evaluator' });
  const seedRun = await t.ctx.db.selectFrom('indicator_runs').select('id').where('id', '!=', ids.runId).orderBy('created_at').executeTakeFirstOrThrow();
  await call('indicators', 'GET /v1/indicator-runs/{seed run} (public)', { url: `/v1/indicator-runs/${seedRun.id}` });
  await call('indicators', 'GET /v1/indicator-runs/{unknown} (404)', { url: '/v1/indicator-runs/00000000-0000-4000-8000-000000000000' });

  // ---- ledger: a department reports progress with a link and a file
  await call('ledger', `GET /v1/ledger/tasks?asOf=${AS_OF}`, { url: `/v1/ledger/tasks?asOf=${AS_OF}` });
  const mine = json(
    await call('ledger', `GET /v1/ledger/tasks?department=省林草局&asOf=${AS_OF}`, {
      url: `/v1/ledger/tasks?department=${encodeURIComponent('省林草局')}&asOf=${AS_OF}`,
    }),
  );
  await call('ledger', 'GET /v1/ledger/tasks?overdue=true&section=二', {
    url: `/v1/ledger/tasks?overdue=true&section=${encodeURIComponent('二')}&asOf=${AS_OF}`,
  });
  const taskNo = (mine.tasks as { no: number }[])[0].no;
  const m = multipart('巡护报告.pdf', 'application/pdf', PDF);
  const file = await call('ledger', 'POST /v1/files (department, 201)', {
    method: 'POST',
    url: '/v1/files',
    as: 'department',
    headers: m.headers,
    payload: m.payload,
  });
  ids.fileId = json(file).fileId;
  const bad = multipart('x.exe', 'application/octet-stream', Buffer.from('MZ\x90\x00not a document'));
  await call('ledger', 'POST /v1/files: not a document (415)', {
    method: 'POST',
    url: '/v1/files',
    as: 'department',
    headers: bad.headers,
    payload: bad.payload,
  });
  await call('ledger', 'GET /v1/files/{id} (evaluator)', { url: `/v1/files/${ids.fileId}`, as: 'evaluator', binaryLength: true });
  await call('ledger', 'GET /v1/files/{unknown} (404)', { url: '/v1/files/00000000-0000-4000-8000-000000000000', as: 'evaluator' });
  const progress = {
    status: 'in_progress',
    note: '已完成春季巡护',
    evidence: [
      { title: '巡护报告', fileId: ids.fileId },
      { title: '新闻', url: 'https://example.org/news/1' },
    ],
    asOf: '2026-11-20',
  };
  await call('ledger', 'POST /v1/ledger/tasks/{no}/progress (department, 201)', {
    method: 'POST',
    url: `/v1/ledger/tasks/${taskNo}/progress`,
    as: 'department',
    payload: progress,
  });
  await call('ledger', 'POST /v1/ledger/tasks/{no}/progress again (department, 200)', {
    method: 'POST',
    url: `/v1/ledger/tasks/${taskNo}/progress`,
    as: 'department',
    payload: progress,
  });
  await call('ledger', 'POST /v1/ledger/tasks/{no}/progress: unknown file (400)', {
    method: 'POST',
    url: `/v1/ledger/tasks/${taskNo}/progress`,
    as: 'department',
    payload: { status: 'done', evidence: [{ title: 'x', fileId: '00000000-0000-4000-8000-000000000000' }], asOf: '2026-11-21' },
  });
  await call('ledger', 'POST /v1/ledger/tasks/{no}/progress: bad status (400)', {
    method: 'POST',
    url: `/v1/ledger/tasks/${taskNo}/progress`,
    as: 'department',
    payload: { status: 'finished' },
  });
  await call('ledger', `GET /v1/ledger/tasks/{no}?asOf=${AS_OF}`, { url: `/v1/ledger/tasks/${taskNo}?asOf=${AS_OF}` });
  for (const no of [1, 17, 27, 40]) await call('ledger', `GET /v1/ledger/tasks/${no}?asOf=${AS_OF}`, { url: `/v1/ledger/tasks/${no}?asOf=${AS_OF}` });
  await call('ledger', 'GET /v1/ledger/tasks/999 (404)', { url: '/v1/ledger/tasks/999' });
  await call('ledger', `GET /v1/ledger/departments?asOf=${AS_OF}`, { url: `/v1/ledger/departments?asOf=${AS_OF}` });

  // ---- reports: the live assessment, a frozen one and its sign-off
  for (const f of ['json', 'csv', 'html'])
    await call('reports', `GET /v1/reports/assessment?year=2024&format=${f}`, { url: `/v1/reports/assessment?year=2024&asOf=${AS_OF}&format=${f}` });
  await call('reports', 'GET /v1/reports/assessment?region=PA-CBS', { url: `/v1/reports/assessment?year=2024&region=PA-CBS&asOf=${AS_OF}` });
  const frozen = await call('reports', 'POST /v1/reports (evaluator, 201)', {
    method: 'POST',
    url: '/v1/reports',
    as: 'evaluator',
    payload: { year: 2024, asOf: AS_OF },
  });
  ids.reportId = json(frozen).reportId;
  await call('reports', 'POST /v1/reports/{id}/review approved (evaluator, 201)', {
    method: 'POST',
    url: `/v1/reports/${ids.reportId}/review`,
    as: 'evaluator',
    payload: { decision: 'approved', comment: '同意' },
  });
  await call('reports', 'POST /v1/reports/{id}/review again (evaluator, 200)', {
    method: 'POST',
    url: `/v1/reports/${ids.reportId}/review`,
    as: 'evaluator',
    payload: { decision: 'approved', comment: '同意' },
  });
  await call('reports', 'POST /v1/reports/{id}/review returned without comment (400)', {
    method: 'POST',
    url: `/v1/reports/${ids.reportId}/review`,
    as: 'evaluator',
    payload: { decision: 'returned' },
  });
  await call('reports', 'GET /v1/reports (evaluator)', { url: '/v1/reports', as: 'evaluator' });
  for (const f of ['json', 'csv', 'html'])
    await call('reports', `GET /v1/reports/{id}?format=${f} (evaluator)`, { url: `/v1/reports/${ids.reportId}?format=${f}`, as: 'evaluator' });
  await call('reports', 'GET /v1/reports/{unknown} (404)', { url: '/v1/reports/00000000-0000-4000-8000-000000000000', as: 'evaluator' });

  // ---- exports: a DwC-A per role that may ask (generalised below evaluator)
  for (const who of ['surveyor', 'evaluator'] as const) {
    const e = await call('exports', `POST /v1/exports/dwca (${who}, 202)`, {
      method: 'POST',
      url: '/v1/exports/dwca',
      as: who,
      payload: { taxon: 'Panthera tigris' },
    });
    ids[`export-${who}`] = json(e).exportId;
  }
  await call('exports', 'POST /v1/exports/dwca query filters (department, 202)', {
    method: 'POST',
    url: `/v1/exports/dwca?bbox=${bboxAround(WETLAND)}`,
    as: 'department',
  });
  await call('exports', 'POST /v1/exports/dwca bad filter (400)', { method: 'POST', url: '/v1/exports/dwca', as: 'evaluator', payload: { from: 'last week' } });
  await quiet();
  for (const who of ['surveyor', 'evaluator'] as const) {
    await call('exports', `GET /v1/exports/{id} (${who})`, { url: `/v1/exports/${ids[`export-${who}`]}`, as: who, volatile: ZIP });
    await call('exports', `GET /v1/exports/{id}/download (${who})`, { url: `/v1/exports/${ids[`export-${who}`]}/download`, as: who });
  }
  await call('exports', 'GET /v1/exports/{id} (another requester, 403)', { url: `/v1/exports/${ids['export-evaluator']}`, as: 'surveyor' });
  await call('exports', 'GET /v1/exports/{id} (admin)', { url: `/v1/exports/${ids['export-surveyor']}`, as: 'admin', volatile: ZIP });

  // ---- webhooks: subscribe a loopback receiver, ping it, list, dead letters, delete
  const hook = await call('webhooks', 'POST /v1/webhooks (admin, 201)', {
    method: 'POST',
    url: '/v1/webhooks',
    as: 'admin',
    payload: {
      url: receiver.url('/replay'),
      secret: 'replay-secret-0123456789',
      description: '回放',
      includeSensitive: true,
      rules: ['sensitive_detection', 'invasive_new_cell'],
      minSeverity: 'info',
      events: ['opened', 'resolved'],
    },
  });
  ids.webhookId = json(hook).id;
  await call('webhooks', 'POST /v1/webhooks: private address (422)', {
    method: 'POST',
    url: '/v1/webhooks',
    as: 'admin',
    payload: { url: 'http://10.0.0.1/hook' },
  });
  await call('webhooks', 'POST /v1/webhooks/{id}/test (admin)', { method: 'POST', url: `/v1/webhooks/${ids.webhookId}/test`, as: 'admin' });
  await call('webhooks', 'GET /v1/webhooks (admin)', { url: '/v1/webhooks', as: 'admin' });
  await call('webhooks', 'GET /v1/webhooks/{id}/dead-letters (admin)', { url: `/v1/webhooks/${ids.webhookId}/dead-letters`, as: 'admin' });

  // ---- alerts: the list per role, one alert, its lifecycle
  await quiet();
  for (const who of ['surveyor', 'station', 'evaluator', 'department', 'admin'] as const)
    await call('alerts', `GET /v1/alerts (${who})`, { url: '/v1/alerts?limit=500', as: who });
  await call('alerts', 'GET /v1/alerts?rule=invasive_new_cell&status=open (evaluator)', {
    url: '/v1/alerts?rule=invasive_new_cell&status=open',
    as: 'evaluator',
  });
  await call('alerts', 'GET /v1/alerts?severity=critical&region=220000 (evaluator)', { url: '/v1/alerts?severity=critical&region=220000', as: 'evaluator' });
  const paged = json(await call('alerts', 'GET /v1/alerts?limit=2 (evaluator)', { url: '/v1/alerts?limit=2', as: 'evaluator' }));
  if (paged.nextCursor)
    await call('alerts', 'GET /v1/alerts?limit=2 page 2 (evaluator)', {
      url: `/v1/alerts?limit=2&cursor=${encodeURIComponent(paged.nextCursor)}`,
      as: 'evaluator',
    });
  await call('alerts', 'GET /v1/alerts?cursor=forged (400)', { url: '/v1/alerts?cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', as: 'evaluator' });
  await call('alerts', 'GET /v1/alerts (public, 401)', { url: '/v1/alerts' });
  const all = json(await app.inject({ url: '/v1/alerts?limit=500', headers: H.admin })).alerts as { id: number; rule: string; subject?: unknown }[];
  const byRule = (rule: string) => all.filter((a) => a.rule === rule).sort((a, b) => a.id - b.id);
  const invasive = byRule('invasive_new_cell').at(-1);
  const sensitive = byRule('sensitive_detection').at(-1);
  for (const a of [invasive, sensitive]) {
    if (!a) continue;
    for (const who of ['surveyor', 'evaluator'] as const)
      await call('alerts', `GET /v1/alerts/{last ${a.rule}} (${who})`, { url: `/v1/alerts/${a.id}`, as: who });
  }
  if (invasive) {
    await call('alerts', 'POST /v1/alerts/{id}/ack (evaluator)', {
      method: 'POST',
      url: `/v1/alerts/${invasive.id}/ack`,
      as: 'evaluator',
      payload: { note: '已派人核查' },
    });
    await call('alerts', 'POST /v1/alerts/{id}/ack again, no body (evaluator)', { method: 'POST', url: `/v1/alerts/${invasive.id}/ack`, as: 'evaluator' });
    await call('alerts', 'POST /v1/alerts/{id}/resolve (admin)', {
      method: 'POST',
      url: `/v1/alerts/${invasive.id}/resolve`,
      as: 'admin',
      payload: { note: '已清除' },
    });
    await call('alerts', 'POST /v1/alerts/{id}/ack resolved (409)', { method: 'POST', url: `/v1/alerts/${invasive.id}/ack`, as: 'evaluator' });
    await call('alerts', 'POST /v1/alerts/{id}/ack bad note (400)', {
      method: 'POST',
      url: `/v1/alerts/${invasive.id}/ack`,
      as: 'evaluator',
      payload: { other: 1 },
    });
    await call('alerts', 'GET /v1/alerts/{id} after the lifecycle (evaluator)', { url: `/v1/alerts/${invasive.id}`, as: 'evaluator' });
  }
  await call('alerts', 'GET /v1/alerts/999999 (404)', { url: '/v1/alerts/999999', as: 'evaluator' });
  await call('alerts', 'GET /v1/alert-rules (evaluator)', { url: '/v1/alert-rules', as: 'evaluator' });
  await quiet();
  await call('webhooks', 'GET /v1/webhooks after the lifecycle (admin)', { url: '/v1/webhooks', as: 'admin' });
  await call('webhooks', 'DELETE /v1/webhooks/{id} (admin, 204)', { method: 'DELETE', url: `/v1/webhooks/${ids.webhookId}`, as: 'admin' });
  await call('webhooks', 'DELETE /v1/webhooks/{id} again (404)', { method: 'DELETE', url: `/v1/webhooks/${ids.webhookId}`, as: 'admin' });

  // ---- reads by role: occurrences, stations, OGC, tiles, downloads
  const OCC = [
    '',
    `bbox=${bboxAround(TIGER)}`,
    `bbox=${bboxAround(WETLAND)}`,
    'eventID=rp-transect-1',
    'taxon=Panthera%20tigris&limit=5',
    'region=PA-CBS&limit=5',
    'protectionClass=I&from=2026-05-01&to=2026-06-30',
    'reviewState=verified',
    'basisOfRecord=MachineObservation&limit=5',
  ];
  for (const who of ROLES) {
    for (const f of OCC) {
      await call(`occurrences-${who}`, `GET /v1/occurrences?${f}`, { url: `/v1/occurrences?${f || 'limit=20'}`, as: who });
    }
    await call(`occurrences-${who}`, 'GET /v1/occurrences?f=geojson', { url: `/v1/occurrences?f=geojson&bbox=${bboxAround(TIGER)}`, as: who });
    await call(`occurrences-${who}`, 'GET /v1/occurrences Accept geo+json', {
      url: `/v1/occurrences?bbox=${bboxAround(WETLAND)}`,
      as: who,
      headers: { accept: 'application/geo+json' },
    });
    for (const id of ['rp-occ-1', 'rp-occ-2', 'rp-occ-3', 'rp-occ-4', 'rp-occ-5', 'rp-ct-1', 'rp-ct-2', 'rp-imp-1', 'demo-occ-0001']) {
      await call(`occurrences-${who}`, `GET /v1/occurrences/${id}`, { url: `/v1/occurrences/${id}`, as: who });
    }
  }
  const page1 = json(await call('occurrences-public', 'GET /v1/occurrences?limit=3', { url: '/v1/occurrences?limit=3' }));
  await call('occurrences-public', 'GET /v1/occurrences?limit=3 page 2', { url: `/v1/occurrences?limit=3&cursor=${encodeURIComponent(page1.nextCursor)}` });
  await call('occurrences-public', 'GET /v1/occurrences/nope (404)', { url: '/v1/occurrences/rp-nope' });
  await call('occurrences-public', 'GET /v1/occurrences?bbox=bad (400)', { url: '/v1/occurrences?bbox=1,2' });
  await call('occurrences-public', 'GET /v1/occurrences?cursor=forged (400)', { url: '/v1/occurrences?cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
  await call('occurrences-public', 'GET /v1/occurrences?limit=0 (400)', { url: '/v1/occurrences?limit=0' });
  await call('occurrences-public', 'GET /v1/taxa (public, 401)', { url: '/v1/taxa?name=tiger' });
  for (const name of ['Panthera tigris', '东北虎', 'Ambrosia', 'Capreolus'])
    await call('occurrences-public', `GET /v1/taxa?name=${name} (surveyor)`, { url: `/v1/taxa?name=${encodeURIComponent(name)}`, as: 'surveyor' });

  const demoStations = (await t.ctx.db.selectFrom('stations').select('station_id').where('station_id', 'like', 'demo-%').orderBy('station_id').execute()).map(
    (s) => s.station_id,
  );
  for (const who of ['station', 'evaluator', 'department', 'admin'] as const) {
    await call(`stations-${who}`, 'GET /v1/stations', { url: '/v1/stations?limit=1000', as: who });
    for (const id of ['RP-CT', 'RP-WX', 'demo-st-hc-ct07', 'demo-st-mmg-hyd']) {
      await call(`stations-${who}`, `GET /v1/stations/${id}`, { url: `/v1/stations/${id}`, as: who });
    }
    await call(`stations-${who}`, 'GET /v1/stations/RP-CT/health', {
      url: '/v1/stations/RP-CT/health?from=2026-06-01T00:00:00%2B08:00&to=2026-06-01T12:00:00%2B08:00',
      as: who,
    });
    await call(`stations-${who}`, 'GET /v1/stations/demo-st-hc-ct07/health', {
      url: '/v1/stations/demo-st-hc-ct07/health?from=2026-11-20&to=2026-11-28',
      as: who,
    });
    await call(`stations-${who}`, 'GET /v1/datastreams/RP-CT-det/observations', { url: '/v1/datastreams/RP-CT-det/observations', as: who });
  }
  await call('stations-evaluator', 'GET /v1/stations?type=weather&limit=2', { url: '/v1/stations?type=weather&limit=2', as: 'evaluator' });
  const st1 = json(await call('stations-evaluator', 'GET /v1/stations?limit=3', { url: '/v1/stations?limit=3', as: 'evaluator' }));
  await call('stations-evaluator', 'GET /v1/stations?limit=3 page 2', {
    url: `/v1/stations?limit=3&cursor=${encodeURIComponent(st1.nextCursor)}`,
    as: 'evaluator',
  });
  for (const id of demoStations)
    await call('stations-evaluator', `GET /v1/stations/${id}/health (7 days)`, {
      url: `/v1/stations/${id}/health?from=2026-11-21T12:00:00%2B08:00&to=2026-11-28T12:00:00%2B08:00`,
      as: 'evaluator',
    });
  await call('stations-evaluator', 'GET /v1/stations/RP-WX/health', { url: '/v1/stations/RP-WX/health?from=2026-06-01&to=2026-06-03', as: 'evaluator' });
  for (const [q, label] of [
    ['', 'raw'],
    ['interval=1h&agg=avg', '1h avg'],
    ['interval=1d&agg=max', '1d max'],
    ['interval=1d&agg=count', '1d count'],
    ['limit=2', 'limit=2'],
    ['from=2026-06-01T02:00:00%2B08:00&to=2026-06-01T06:00:00%2B08:00', 'window'],
  ])
    await call('stations-evaluator', `GET /v1/datastreams/RP-WX-ta/observations ${label}`, {
      url: `/v1/datastreams/RP-WX-ta/observations${q ? `?${q}` : ''}`,
      as: 'evaluator',
    });
  for (const id of ['RP-WX-ok', 'RP-WX-js', 'RP-WX-rh', 'demo-st-hc-ct07-last'])
    await call('stations-evaluator', `GET /v1/datastreams/${id}/observations`, { url: `/v1/datastreams/${id}/observations?limit=3`, as: 'evaluator' });
  await call('stations-evaluator', 'GET /v1/datastreams/demo-st-cbs-eco-ta 1d avg', {
    url: '/v1/datastreams/demo-st-cbs-eco-ta/observations?from=2026-11-20&to=2026-11-28&interval=1d&agg=avg',
    as: 'evaluator',
  });
  await call('stations-evaluator', 'GET /v1/stations/nope (404)', { url: '/v1/stations/RP-NOPE', as: 'evaluator' });
  await call('stations-station', 'GET /v1/stations/RP-WX (other station, 403)', { url: '/v1/stations/RP-WX/health', as: 'station' });
  await call('stations-evaluator', 'GET /v1/datastreams/x/observations?interval=bad (400)', {
    url: '/v1/datastreams/RP-WX-ta/observations?interval=fortnight',
    as: 'evaluator',
  });

  await call('ogc', 'GET /ogc', { url: '/ogc' });
  await call('ogc', 'GET /ogc/api (status only)', { url: '/ogc/api', bodyless: true });
  await call('ogc', 'GET /ogc/conformance', { url: '/ogc/conformance' });
  for (const who of ['public', 'evaluator', 'station'] as const) {
    const colsRes = await call('ogc', `GET /ogc/collections (${who})`, { url: '/ogc/collections', as: who });
    expect(colsRes.statusCode, colsRes.body.slice(0, 500)).toBe(200);
    const cols = json(colsRes);
    for (const c of cols.collections as { id: string }[]) {
      await call('ogc', `GET /ogc/collections/${c.id} (${who})`, { url: `/ogc/collections/${c.id}`, as: who });
      await call('ogc', `GET /ogc/collections/${c.id}/items?limit=2 (${who})`, { url: `/ogc/collections/${c.id}/items?limit=2`, as: who });
    }
    await call('ogc', `GET /ogc/collections/occurrences/items?bbox (${who})`, {
      url: `/ogc/collections/occurrences/items?bbox=${bboxAround(TIGER)}&datetime=2026-05-01/..`,
      as: who,
    });
    await call('ogc', `GET /ogc/collections/occurrences/items?f=json (${who})`, {
      url: `/ogc/collections/occurrences/items?f=json&eventID=rp-transect-1`,
      as: who,
    });
    await call('ogc', `GET /ogc/collections/occurrences/items/rp-occ-3 (${who})`, { url: '/ogc/collections/occurrences/items/rp-occ-3', as: who });
    await call('ogc', `GET /ogc/collections/survey-events/items/rp-ct-dep (${who})`, { url: '/ogc/collections/survey-events/items/rp-ct-dep', as: who });
    await call('ogc', `GET /ogc/collections/stations/items/RP-CT?f=json (${who})`, { url: '/ogc/collections/stations/items/RP-CT?f=json', as: who });
  }
  await call('ogc', 'GET /ogc/collections/nope (404)', { url: '/ogc/collections/nope' });
  await call('ogc', 'GET /ogc/collections/regions/items?taxon (400)', { url: '/ogc/collections/regions/items?taxon=Panthera' });

  await call('tiles', 'GET /tiles', { url: '/tiles' });
  for (const l of ['regions', 'protected-areas', 'occurrences', 'stations'])
    await call('tiles', `GET /tiles/${l}/tilejson.json`, { url: `/tiles/${l}/tilejson.json` });
  for (const who of ['public', 'evaluator'] as const) {
    for (const [l, z, x, y] of [
      ['occurrences', 5, 27, 11],
      ['stations', 7, 110, 46],
      ['regions', 4, 13, 5],
    ] as const) {
      await call('tiles', `GET /tiles/${l}/${z}/${x}/${y}.mvt (${who})`, { url: `/tiles/${l}/${z}/${x}/${y}.mvt`, as: who, binaryLength: true });
    }
  }
  await call('tiles', 'GET /tiles/regions/2/9/9.mvt (400)', { url: '/tiles/regions/2/9/9.mvt' });

  for (const who of ['public', 'evaluator'] as const) {
    for (const fmt of ['csv', 'geojson']) {
      await call('downloads', `GET /v1/downloads/occurrences?format=${fmt} (${who})`, {
        url: `/v1/downloads/occurrences?format=${fmt}&bbox=${bboxAround(TIGER)}`,
        as: who,
      });
    }
  }
  for (const fmt of ['csv', 'geojson']) {
    await call('downloads', `GET /v1/downloads/observations?station=RP-WX&format=${fmt} (evaluator)`, {
      url: `/v1/downloads/observations?station=RP-WX&format=${fmt}`,
      as: 'evaluator',
    });
    await call('downloads', `GET /v1/downloads/layers/{planted}?format=${fmt}`, { url: `/v1/downloads/layers/${ids.datasetId}?format=${fmt}` });
    await call('downloads', `GET /v1/downloads/indicator-results?format=${fmt}`, {
      url: `/v1/downloads/indicator-results?format=${fmt}&fromYear=2024&toYear=2024`,
      digest: fmt === 'geojson',
    });
  }
  await call('downloads', 'GET /v1/downloads/observations (station)', { url: '/v1/downloads/observations?datastream=RP-CT-det', as: 'station' });
  await call('downloads', 'GET /v1/downloads/observations no station (department, 400)', { url: '/v1/downloads/observations', as: 'department' });
  await call('downloads', 'GET /v1/downloads/layers/999999 (404)', { url: '/v1/downloads/layers/999999' });

  // ---- the audit log last: every write above
  await call('system', 'GET /v1/audit?limit=60 (admin)', { url: '/v1/audit?limit=60', as: 'admin' });
  await call('system', 'GET /v1/audit?entity=station (admin)', { url: '/v1/audit?entity=station&limit=20', as: 'admin' });
  await call('system', 'GET /v1/audit (evaluator, 403)', { url: '/v1/audit', as: 'evaluator' });

  // ---- the germplasm registry (issue 20), after the audit log: the demo institutions and
  // accessions, a write of each kind, a sensitive plant as the public and an evaluator see it
  await call('germplasm', 'GET /v1/germplasm/institutions', { url: '/v1/germplasm/institutions' });
  await call('germplasm', 'POST /v1/germplasm/institutions (department, 201)', {
    method: 'POST',
    url: '/v1/germplasm/institutions',
    as: 'department',
    payload: { code: 'RP-GB-001', name: '回放测试种质库', type: 'seed_bank', location: { type: 'Point', coordinates: [125.3, 43.9] } },
  });
  await call('germplasm', 'POST /v1/germplasm/accessions (department)', {
    method: 'POST',
    url: '/v1/germplasm/accessions',
    as: 'department',
    payload: {
      records: [
        {
          INSTCODE: 'RP-GB-001',
          ACCENUMB: 'RP-1',
          GENUS: 'Glycine',
          SPECIES: 'soja',
          SAMPSTAT: 100,
          STORAGE: '13;20',
          LATITUDE: '4330--N',
          LONGITUDE: '12449--E',
        },
        { INSTCODE: 'RP-GB-001', ACCENUMB: 'RP-2', GENUS: 'Glycine', SPECIES: 'soja', SAMPSTAT: 150 },
      ],
    },
  });
  for (const who of ['public', 'evaluator'] as const) {
    await call('germplasm', `GET /v1/germplasm/accessions?taxon=人参 (${who})`, { url: '/v1/germplasm/accessions?taxon=%E4%BA%BA%E5%8F%82', as: who });
  }
  await call('germplasm', 'GET /v1/germplasm/accessions?storage=20&limit=5', { url: '/v1/germplasm/accessions?storage=20&limit=5' });
  await call('germplasm', 'GET /v1/germplasm/accessions/export?format=csv&institution=JL-BG-001', {
    url: '/v1/germplasm/accessions/export?format=csv&institution=JL-BG-001',
  });
}

/** Routes outside the list: the API documentation (the swagger plugin's own), the dashboard's page and bundles. */
const NOT_REPLAYED = (url: string) => url.startsWith('/docs') || url === '/assets/*' || url === '/';

describe('replay: the answers of a fixed list of requests', () => {
  it('are the recorded ones (status, content type, body)', async () => {
    await scenario();
    const routes = app.routeList.filter((r) => r.method !== 'HEAD' && !NOT_REPLAYED(r.url)).map((r) => `${r.method} ${r.url}`);
    expect(
      routes.filter((r) => !answered.has(r)),
      'routes no request of the list answered with 2xx: add one to the scenario',
    ).toEqual([]);
    if (process.env.REPLAY_DEBUG) mkdirSync(ACTUAL_DIR, { recursive: true });
    if (process.env.REPLAY_DEBUG) writeFileSync(path.join(ACTUAL_DIR, '..', 'replay-raw.json'), JSON.stringify(rawByRoute));
    if (RECORDING) {
      writeFixtures(recorded);
      console.log(`replay: recorded ${[...recorded.values()].reduce((n, a) => n + Object.keys(a).length, 0)} answers in ${recorded.size} files`);
      return;
    }
    const fixtures = readFixtures();
    writeFixtures(recorded, ACTUAL_DIR); // what this run got, to diff against the fixtures when something fails
    expect([...recorded.keys()].sort(), 'areas without fixtures: run with REPLAY_RECORD=1 (see the top of this file)').toEqual([...fixtures.keys()].sort());
    for (const [area, answers] of recorded) {
      const want = fixtures.get(area) ?? {};
      expect.soft(Object.keys(answers), `${area}: the labels of the requests`).toEqual(Object.keys(want));
      for (const [label, got] of Object.entries(answers)) {
        if (label in want) expect.soft(got, `${area} / ${label}`).toEqual(want[label]);
      }
    }
  }, 600_000);
});
