import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { createIndicatorRun, executeIndicatorRun } from '@biomon/indicators';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { createTestContext, type TestContext } from '../../support/test-db';
import { authAs, buildTestServer } from '../../support/http';
import { REPO_ROOT } from '../../support/cli';
import { waitFor } from '../../support/alerts';
import { metres, scanBody, type LonLat } from '../../support/leaks';

// The linkage suite (BRIEF §8, issue 14). Planted: a camera trap (a station) that photographed a
// tiger, a roe deer and a boar at one point, in a deployment under a small camera-array parent; a
// "Panthera sp.", a "豹属" and an unmatched name elsewhere; a tiger whose free text holds its
// coordinates; a tiger re-identified by its owner as a roe deer; a tiger that a foreign station and
// a foreign surveyor try to overwrite (refused); a CSV import by the owning team with a valid and a
// rejected tiger row. Then, as the public, a surveyor of another team, a department and another
// station, every output the server's route table lists is walked — the route list is enumerated from
// the server, so an output without a recipe here fails the suite — and every coordinate in every
// answer (JSON, CSV, GeoJSON, vector tiles, zip archives, XML, HTML) must lie more than 1 km from
// every planted point, and no literal coordinate string may come back.

let t: TestContext;
let app: FastifyInstance;
let worker: RunningWorker;
const H: Record<string, Record<string, string>> = {};
/** Callers below evaluator: every output they can reach is walked. */
const CALLERS = ['public', 'surveyorB', 'department', 'stationB'] as const;

interface Plant {
  key: string;
  point: LonLat;
}
let P: Record<string, LonLat> = {};
/** Strings that must never come back to these callers. */
const SECRETS: string[] = [];
const TEAM_A = 'team-a';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const at = ([lon, lat]: LonLat) => ({ decimalLongitude: lon, decimalLatitude: lat, geodeticDatum: 'WGS84' });
const f5 = (x: number) => x.toFixed(5);
const f4 = (x: number) => x.toFixed(4);

/**
 * Points for the planted records: inside the province, more than 2.5 km from the centre of their
 * 10 km cell (so a generalised position is never within 1 km), more than 2.5 km from every stored
 * vertex or point (so nothing else that may be shown exactly is within 1 km) and from the centre of
 * every low-zoom tile-cluster square, and 25 km from each other (their own cells).
 */
async function pickPoints(n: number): Promise<LonLat[]> {
  const rows = await sql<{ lon: number; lat: number }>`
    WITH cand AS (
      SELECT 128.55 + i * 0.137 AS lon, 42.30 + j * 0.113 AS lat FROM generate_series(0, 17) i, generate_series(0, 14) j),
    g AS (SELECT lon, lat, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS p FROM cand),
    v AS (
      SELECT (ST_DumpPoints(geom)).geom AS q FROM regions UNION ALL SELECT (ST_DumpPoints(geom)).geom FROM protected_areas
      UNION ALL SELECT (ST_DumpPoints(geom)).geom FROM land_cover UNION ALL SELECT (ST_DumpPoints(geom)).geom FROM ecosystems
      UNION ALL SELECT geom FROM grassland_plots UNION ALL SELECT location FROM stations
      UNION ALL SELECT (ST_DumpPoints(footprint)).geom FROM survey_events WHERE footprint IS NOT NULL UNION ALL SELECT geom FROM occurrences
      UNION ALL SELECT geom FROM germplasm_accessions WHERE geom IS NOT NULL UNION ALL SELECT location FROM germplasm_institutions WHERE location IS NOT NULL)
    SELECT g.lon, g.lat FROM g
    WHERE ST_Distance(g.p::geography, biomon_cell_centre(g.p, 10000)::geography) > 2500
      AND EXISTS (SELECT 1 FROM regions r WHERE r.level = 'province' AND ST_Intersects(r.geom, g.p))
      AND NOT EXISTS (SELECT 1 FROM v WHERE v.q && ST_Expand(g.p, 0.05) AND ST_DWithin(v.q::geography, g.p::geography, 2500))
    ORDER BY g.lat, g.lon`.execute(t.ctx.db);
  // the centre of every cluster square (8 × 8 per tile) at zooms below 9, in Web Mercator
  const R = 6378137;
  const squareCentreNear = ([lon, lat]: LonLat) => {
    const mx = (R * lon * Math.PI) / 180;
    const my = R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
    for (let z = 0; z < 9; z++) {
      const s = (2 * Math.PI * R) / 2 ** z / 8;
      const c: LonLat = [
        ((Math.floor(mx / s) + 0.5) * s * 180) / (Math.PI * R),
        ((2 * Math.atan(Math.exp(((Math.floor(my / s) + 0.5) * s) / R)) - Math.PI / 2) * 180) / Math.PI,
      ];
      if (metres(c, [lon, lat]) < 2500) return true;
    }
    return false;
  };
  const out: LonLat[] = [];
  for (const r of rows.rows) {
    const p: LonLat = [Number(r.lon), Number(r.lat)];
    if (squareCentreNear(p) || out.some((q) => metres(q, p) < 25_000)) continue;
    out.push(p);
    if (out.length === n) return out;
  }
  throw new Error(`only ${out.length} of ${n} planting points found`);
}

async function ok(res: { statusCode: number; body: string }, status = 200) {
  expect(res.statusCode, res.body.slice(0, 400)).toBe(status);
  return JSON.parse(res.body);
}

const post = (url: string, headers: Record<string, string>, payload: unknown) =>
  app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });

async function registerCameraTrap(id: string, point: LonLat): Promise<Record<string, string>> {
  const res = await post('/v1/stations', H.admin, {
    stationId: id,
    name: `红外相机 ${id}`,
    type: 'camera_trap',
    location: { type: 'Point', coordinates: [point[0], point[1], 812] },
    description: `ridge trap at ${f4(point[1])}, ${f4(point[0])}`,
    priorityArea: 'PA-CBS',
    department: '省林草局',
    properties: { siteNote: `N${f4(point[1])} E${f4(point[0])}` },
    datastreams: [
      {
        datastreamId: `${id}-det`,
        observedProperty: 'detections',
        unitOfMeasurement: { symbol: 'count' },
        resultType: 'integer',
        expectedIntervalSeconds: 3600,
      },
    ],
  });
  return bearer((await ok(res, 201)).token);
}

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
  H.admin = await authAs(t, 'admin');
  H.evaluator = await authAs(t, 'evaluator');
  H.surveyorA = await authAs(t, 'surveyor', { team: TEAM_A });
  H.surveyorB = await authAs(t, 'surveyor', { team: 'team-b' });
  H.public = {};
  const forestry = await t.ctx.db.selectFrom('departments').select('id').where('name', '=', '省林草局').executeTakeFirstOrThrow();
  H.department = await authAs(t, 'department', { departmentId: forestry.id });

  const [trap, sp, genusZh, unmatched, notes, reid, foreign, imported, importedBad, stationB, ginseng] = await pickPoints(11);
  P = { trap, sp, genusZh, unmatched, notes, reid, foreign, imported, importedBad, stationB, ginseng };
  for (const p of Object.values(P)) SECRETS.push(f5(p[0]), f5(p[1]), f4(p[0]), f4(p[1]));

  // a camera trap at the trap point (its own station), and another camera-trap station elsewhere
  H.stationA = await registerCameraTrap('CT-A', trap);
  H.stationB = await registerCameraTrap('CT-B', stationB);
  await ok(
    await post('/v1/stations/CT-A/observations', H.stationA, {
      datastreams: [
        {
          datastreamId: 'CT-A-det',
          components: ['phenomenonTime', 'result'],
          dataArray: [
            ['2026-06-01T01:00:00+08:00', 1],
            ['2026-06-01T02:00:00+08:00', 3],
          ],
        },
      ],
    }),
  );

  // the camera array (a small polygon around the trap) and the trap's deployment under it
  const d = 0.01;
  await ok(
    await post('/v1/survey-events', H.stationA, {
      records: [
        {
          eventID: 'ct-array-1',
          eventDate: '2026-06-01/2026-06-30',
          samplingProtocol: 'camera trap array',
          locality: `array near ${f4(trap[1])}`,
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [trap[0] - d, trap[1] - d],
                [trap[0] + d, trap[1] - d],
                [trap[0] + d, trap[1] + d],
                [trap[0] - d, trap[1] + d],
                [trap[0] - d, trap[1] - d],
              ],
            ],
          },
        },
        {
          eventID: 'ct-dep-1',
          parentEventID: 'ct-array-1',
          eventDate: '2026-06-01/2026-06-30',
          samplingProtocol: 'camera trap',
          'eco:samplingEffortValue': 29,
          'eco:samplingEffortUnit': 'trap-nights',
          ...at(trap),
        },
      ],
    }),
  );
  // the roe deer and the boar first (nothing sensitive yet), then the tiger: the event turns sensitive with everything in it
  const ct = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
    occurrenceID: id,
    eventID: 'ct-dep-1',
    basisOfRecord: 'MachineObservation',
    scientificName: name,
    eventDate: '2026-06-03T02:14:00+08:00',
    ...at(trap),
    ...extra,
  });
  await ok(await post('/v1/occurrences', H.stationA, { records: [ct('ct-roe-1', 'Capreolus pygargus'), ct('ct-boar-1', 'Sus scrofa')] }));
  await ok(
    await post('/v1/occurrences', H.stationA, {
      records: [ct('ct-tiger-1', 'Panthera tigris altaica', { associatedMedia: `https://example.org/ct-a/${f4(trap[1])}.jpg` })],
    }),
  );

  const rec = (id: string, name: string, p: LonLat, extra: Record<string, unknown> = {}) => ({
    occurrenceID: id,
    basisOfRecord: 'HumanObservation',
    scientificName: name,
    eventDate: '2026-06-05',
    ...at(p),
    ...extra,
  });
  await ok(
    await post('/v1/occurrences', H.surveyorA, {
      records: [
        rec('sp-1', 'Panthera sp.', P.sp),
        rec('genus-zh-1', '豹属', P.genusZh),
        rec('unmatched-1', 'Xyzzia foobarensis', P.unmatched, { vernacularName: '未知兽' }),
        // a tiger whose free text holds its place
        rec('notes-1', 'Panthera tigris', P.notes, {
          eventID: 'transect-n',
          occurrenceRemarks: `scat at N${f4(P.notes[1])} E${f4(P.notes[0])}`,
          habitat: `ridge ${f4(P.notes[1])},${f4(P.notes[0])}`,
          verbatimElevation: '812 m',
          recordedBy: 'trap HC-77',
          locality: '珲春 secret ridge',
          trapNote: `${Math.floor(P.notes[1])}°07′N`,
          dynamicProperties: JSON.stringify({ gps: [P.notes[0], P.notes[1]] }),
          lifeStage: `adult seen at ${f4(P.notes[1])}`,
        }),
        rec('reid-1', 'Panthera tigris', P.reid),
        rec('foreign-1', 'Panthera tigris', P.foreign),
      ],
    }),
  );
  // the transect of the noted tiger: a line starting at its point
  await ok(
    await post('/v1/survey-events', H.surveyorA, {
      eventID: 'transect-n',
      eventDate: '2026-06-05',
      samplingProtocol: 'line transect',
      geometry: { type: 'LineString', coordinates: [P.notes, [P.notes[0] + 0.05, P.notes[1] + 0.02]] },
    }),
  );
  // re-identified by its owner: the point stays; the record stays generalised, its history shows no values
  await ok(await post('/v1/occurrences', H.surveyorA, { records: [rec('reid-1', 'Capreolus pygargus', P.reid)] }));
  // a foreign station and a foreign surveyor try to overwrite team A's tiger: refused, nothing changes
  const foreignStation = await post('/v1/occurrences', H.stationB, {
    records: [{ ...rec('foreign-1', 'Panthera tigris', [P.stationB[0], P.stationB[1]]), basisOfRecord: 'MachineObservation' }],
  });
  expect(foreignStation.statusCode, foreignStation.body).toBe(403);
  expect(foreignStation.json().error).toMatchObject({
    code: 'RECORD_OF_OTHER_OWNER',
    details: { rejected: [{ id: 'foreign-1', errors: [{ code: 'RECORD_OF_OTHER_OWNER' }] }] },
  });
  expect((await post('/v1/occurrences', H.surveyorB, { records: [rec('foreign-1', 'Panthera tigris', [129, 43])] })).statusCode).toBe(403);

  // team A's saved header mapping (its sheets write 经度E/纬度N)
  await ok(
    await app.inject({
      method: 'PUT',
      url: '/v1/import-mappings/team-a-sheet',
      headers: H.surveyorA,
      payload: { columns: { 经度E: 'decimalLongitude', 纬度N: 'decimalLatitude' }, description: `trap sheet near ${f4(P.trap[1])}` },
    }),
    201,
  );
  // a CSV import by team A: one tiger stored, one refused (its date) — the refused row's place is in no report to others
  const csv = [
    'occurrenceID,scientificName,eventDate,decimalLatitude,decimalLongitude,geodeticDatum',
    `imp-tiger-1,Panthera tigris,2026-06-07,${P.imported[1]},${P.imported[0]},WGS84`,
    `imp-tiger-2,Panthera tigris,not-a-date,${P.importedBad[1]},${P.importedBad[0]},WGS84`,
  ].join('\n');
  const boundary = 'linkage';
  const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="tigers.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`;
  const up = await ok(
    await app.inject({
      method: 'POST',
      url: '/v1/imports',
      headers: { ...H.surveyorA, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: body,
    }),
    202,
  );
  IDS.importId = up.importId;
  await waitFor(
    'the import',
    async () => {
      const s = await ok(await app.inject({ method: 'GET', url: `/v1/imports/${up.importId}`, headers: H.surveyorA }));
      return s.status === 'completed' ? s : null;
    },
    60_000,
  );

  // a germplasm accession of a sensitive plant (人参, wild, seed bank) whose passport names its site: the
  // site, its description, elevation and remarks are generalised or withheld below evaluator (issue 20)
  await ok(
    await post('/v1/germplasm/institutions', H.department, {
      code: 'JL-GB-LINK',
      name: '联动测试种质库',
      type: 'seed_bank',
      location: { type: 'Point', coordinates: [116.3227, 39.9589] },
    }),
    201,
  );
  await ok(
    await post('/v1/germplasm/accessions', H.department, {
      records: [
        {
          INSTCODE: 'JL-GB-LINK',
          ACCENUMB: 'LINK-GINSENG-1',
          GENUS: 'Panax',
          SPECIES: 'ginseng',
          SAMPSTAT: 100,
          STORAGE: '13;40',
          DECLATITUDE: P.ginseng[1],
          DECLONGITUDE: P.ginseng[0],
          COLLSITE: `secret ridge N${f4(P.ginseng[1])} E${f4(P.ginseng[0])}`,
          ELEVATION: 812,
          REMARKS: `COLLSITE:scat at ${f4(P.ginseng[1])}`,
          COLLNAME: `trap HC-77 ${f4(P.ginseng[0])}`,
          DOMAIN: 'medicinal_plant',
        },
      ],
    }),
  );

  // an indicator run over the planted records, and a frozen report
  const { runId } = await createIndicatorRun(t.ctx.db, { year: 2026 }, { tokenId: null, role: 'system', label: 'linkage' }, 'test');
  await executeIndicatorRun(t.ctx.db, runId);
  IDS.runId = runId;
  IDS.reportId = (await ok(await post('/v1/reports', H.evaluator, { year: 2026 }), 201)).reportId;
  // the alerts the planted records raise (sensitive detections: evaluators only; others as they come)
  await waitFor(
    'the sensitive-detection alerts',
    async () =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM alerts WHERE rule_code = 'sensitive_detection'`.execute(t.ctx.db)).rows[0].n > 0 || null,
    30_000,
  );
  // exports by each caller, run by the worker
  for (const who of CALLERS) {
    if (who === 'public') continue;
    const res = await post('/v1/exports/dwca', H[who], {});
    IDS.exports.push({ who, id: (await ok(res, 202)).exportId });
  }
  for (const e of IDS.exports) {
    await waitFor(
      `export of ${e.who}`,
      async () => {
        const s = await ok(await app.inject({ method: 'GET', url: `/v1/exports/${e.id}`, headers: H[e.who] }));
        return s.status === 'completed' ? s : null;
      },
      60_000,
    );
  }
  // project impact screenings (issue 19) of a footprint 3.5 km west of the camera trap's tiger, by a
  // surveyor of another team and by the department: walked below (JSON and the HTML report)
  const fpBox = (lon: number, lat: number, d: number) => ({
    type: 'Polygon',
    coordinates: [
      [
        [lon - d, lat - d],
        [lon + d, lat - d],
        [lon + d, lat + d],
        [lon - d, lat + d],
        [lon - d, lat - d],
      ],
    ],
  });
  for (const who of ['surveyorB', 'department']) {
    const res = await post('/v1/screenings', H[who], { name: `线路 ${who}`, footprint: fpBox(P.trap[0] - 0.05, P.trap[1], 0.004), buffersKm: [1, 5, 10] });
    SCREENINGS.push({ who, id: (await ok(res, 202)).screeningId });
  }
  for (const sc of SCREENINGS) {
    await waitFor(
      `screening of ${sc.who}`,
      async () => {
        const s = await ok(await app.inject({ method: 'GET', url: `/v1/screenings/${sc.id}`, headers: H[sc.who] }));
        return s.status === 'completed' ? s : null;
      },
      60_000,
    );
  }
}, 300_000);

/** Screenings run by callers below evaluator (issue 19). */
const SCREENINGS: { who: string; id: string }[] = [];

afterAll(async () => {
  await worker?.stop();
  await app?.close();
  await t?.close();
});

const IDS: { importId: string; runId: string; reportId: string; exports: { who: string; id: string }[] } = {
  importId: '',
  runId: '',
  reportId: '',
  exports: [],
};

// ---- the walk -------------------------------------------------------------------------------------

interface Target {
  url: string;
  tile?: { z: number; x: number; y: number };
}

function tileOf([lon, lat]: LonLat, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2) * n);
  return { z, x, y };
}

const PLANTED_OCCURRENCES = [
  'ct-tiger-1',
  'ct-roe-1',
  'ct-boar-1',
  'sp-1',
  'genus-zh-1',
  'unmatched-1',
  'notes-1',
  'reid-1',
  'foreign-1',
  'imp-tiger-1',
  'imp-tiger-2',
];
const PLANTED_EVENTS = ['ct-dep-1', 'ct-array-1', 'transect-n'];
// a small box around a planted point that holds the point but not its cell centre (2.5 km away or more);
// its corners are more than 1 km from the point, so a link that echoes the caller's own bbox is no finding
const tiny = ([lon, lat]: LonLat) => `${lon - 0.02},${lat - 0.02},${lon + 0.02},${lat + 0.02}`;
const OCC_FILTERS = () => [
  '',
  ...Object.values(P).map((p) => `bbox=${tiny(p)}`),
  ...PLANTED_EVENTS.map((e) => `eventID=${e}`),
  'taxon=Panthera%20tigris',
  'taxon=Capreolus%20pygargus',
  'taxon=Sus%20scrofa',
  'region=PA-CBS',
  'priorityArea=PA-CBS',
  'region=222400',
  'protectionClass=I',
  'from=2026-06-01&to=2026-06-30',
];

/**
 * How to call each GET route of the server with every value that could reach a planted record. A
 * route the server lists that is missing here fails the suite: a new output must be walked.
 */
async function recipes(): Promise<Record<string, () => Promise<Target[]>>> {
  const collections = (await ok(await app.inject({ method: 'GET', url: '/ogc/collections', headers: H.admin }))).collections.map(
    (c: { id: string }) => c.id,
  ) as string[];
  const datasets = (await ok(await app.inject({ method: 'GET', url: '/v1/layers', headers: H.admin }))).datasets.map(
    (d: { datasetId: number }) => d.datasetId,
  ) as number[];
  const alerts = (await ok(await app.inject({ method: 'GET', url: '/v1/alerts?limit=500', headers: H.admin }))).alerts.map(
    (a: { id: number }) => a.id,
  ) as number[];
  const stations = ['CT-A', 'CT-B', ...(await t.ctx.db.selectFrom('stations').select('station_id').execute()).map((s) => s.station_id)];
  const codes = (await ok(await app.inject({ method: 'GET', url: '/v1/indicators' }))).indicators.map((i: { code: string }) => i.code) as string[];
  const runs = (await t.ctx.db.selectFrom('indicator_runs').select('id').execute()).map((r) => r.id);
  const u = (url: string) => ({ url });
  return {
    '/': async () => [u('/')],
    '/health': async () => [u('/health')],
    '/openapi.json': async () => [u('/openapi.json')],
    '/docs': async () => [u('/docs')],
    '/docs/json': async () => [u('/docs/json')],
    '/docs/yaml': async () => [u('/docs/yaml')],
    '/v1/me': async () => [u('/v1/me')],
    '/ogc': async () => [u('/ogc')],
    '/ogc/api': async () => [u('/ogc/api')],
    '/ogc/conformance': async () => [u('/ogc/conformance')],
    '/ogc/collections': async () => [u('/ogc/collections')],
    '/ogc/collections/:collectionId': async () => collections.map((c) => u(`/ogc/collections/${c}`)),
    '/ogc/collections/:collectionId/items': async () =>
      collections.flatMap((c) => [
        u(`/ogc/collections/${c}/items?limit=10000`),
        ...Object.values(P).map((p) => u(`/ogc/collections/${c}/items?bbox=${tiny(p)}`)),
        ...(c === 'occurrences' ? OCC_FILTERS().map((f) => u(`/ogc/collections/occurrences/items?limit=10000&${f}`)) : []),
        u(`/ogc/collections/${c}/items?limit=10000&datetime=2026-06-01/2026-06-30`),
      ]),
    '/ogc/collections/:collectionId/items/:featureId': async () => [
      ...PLANTED_OCCURRENCES.map((id) => u(`/ogc/collections/occurrences/items/${id}`)),
      ...PLANTED_EVENTS.map((id) => u(`/ogc/collections/survey-events/items/${id}`)),
      ...stations.map((id) => u(`/ogc/collections/stations/items/${id}`)),
    ],
    '/tiles': async () => [u('/tiles')],
    '/tiles/:layer/tilejson.json': async () => ['regions', 'protected-areas', 'occurrences', 'stations'].map((l) => u(`/tiles/${l}/tilejson.json`)),
    '/tiles/:layer/:z/:x/:y.mvt': async () =>
      ['occurrences', 'stations'].flatMap((l) =>
        Object.values(P).flatMap((p) =>
          [3, 5, 7, 8, 9, 10, 12, 14, 16].map((z) => {
            const tile = tileOf(p, z);
            return { url: `/tiles/${l}/${tile.z}/${tile.x}/${tile.y}.mvt`, tile };
          }),
        ),
      ),
    '/v1/alerts': async () => [u('/v1/alerts?limit=500'), u('/v1/alerts?rule=sensitive_detection'), u('/v1/alerts?rule=invasive_new_cell')],
    '/v1/alerts/:id': async () => alerts.map((id) => u(`/v1/alerts/${id}`)),
    '/v1/alert-rules': async () => [u('/v1/alert-rules')],
    '/v1/audit': async () => [u('/v1/audit?limit=1000')],
    '/v1/datastreams/:id/observations': async () => [
      u('/v1/datastreams/CT-A-det/observations'),
      u('/v1/datastreams/CT-B-det/observations'),
      u('/v1/datastreams/CT-A-det/observations?interval=1d'),
    ],
    '/v1/downloads/indicator-results': async () => [u('/v1/downloads/indicator-results?format=csv'), u('/v1/downloads/indicator-results?format=geojson')],
    '/v1/downloads/layers/:datasetId': async () =>
      datasets.flatMap((d) => [u(`/v1/downloads/layers/${d}?format=csv`), u(`/v1/downloads/layers/${d}?format=geojson`)]),
    '/v1/downloads/observations': async () =>
      ['CT-A', 'CT-B']
        .flatMap((s) => [u(`/v1/downloads/observations?station=${s}&format=csv`), u(`/v1/downloads/observations?station=${s}&format=geojson`)])
        .concat(u('/v1/downloads/observations?format=geojson')),
    '/v1/downloads/occurrences': async () =>
      OCC_FILTERS().flatMap((f) => [u(`/v1/downloads/occurrences?format=csv&${f}`), u(`/v1/downloads/occurrences?format=geojson&${f}`)]),
    '/v1/exports/:id': async () => IDS.exports.map((e) => u(`/v1/exports/${e.id}`)),
    '/v1/exports/:id/download': async () => IDS.exports.map((e) => u(`/v1/exports/${e.id}/download`)),
    '/v1/files/:id': async () => [u('/v1/files/00000000-0000-4000-8000-000000000000')],
    '/v1/germplasm/institutions': async () => [u('/v1/germplasm/institutions')],
    '/v1/germplasm/accessions': async () => [u('/v1/germplasm/accessions?limit=1000'), u('/v1/germplasm/accessions?taxon=%E4%BA%BA%E5%8F%82')],
    '/v1/germplasm/accessions/export': async () => ['csv', 'tsv', 'xlsx'].map((f) => u(`/v1/germplasm/accessions/export?format=${f}`)),
    '/v1/imports/:id': async () => [u(`/v1/imports/${IDS.importId}`)],
    '/v1/imports/:id/errors.csv': async () => [u(`/v1/imports/${IDS.importId}/errors.csv`)],
    '/v1/imports/template.csv': async () => [u('/v1/imports/template.csv'), u('/v1/imports/template.csv?headers=zh')],
    '/v1/imports/template.xlsx': async () => [u('/v1/imports/template.xlsx'), u('/v1/imports/template.xlsx?headers=zh')],
    '/v1/import-mappings': async () => [u('/v1/import-mappings')],
    '/v1/import-mappings/:name': async () => [u('/v1/import-mappings/team-a-sheet')],
    '/v1/indicator-runs/:runId': async () => runs.map((r) => u(`/v1/indicator-runs/${r}`)),
    '/v1/indicators': async () => [u('/v1/indicators')],
    '/v1/indicators/:code/values': async () => codes.flatMap((c) => [u(`/v1/indicators/${c}/values`), u(`/v1/indicators/${c}/values?region=PA-CBS`)]),
    '/v1/land-cover/change': async () => {
      const lc = (await ok(await app.inject({ method: 'GET', url: '/v1/layers?kind=land-cover', headers: H.admin }))).datasets.map(
        (d: { datasetId: number }) => d.datasetId,
      ) as number[];
      return lc.flatMap((a, i) => lc.slice(i + 1).map((b) => u(`/v1/land-cover/change?from=${Math.min(a, b)}&to=${Math.max(a, b)}`)));
    },
    '/v1/land-cover/change/areas': async () => {
      const lc = (await ok(await app.inject({ method: 'GET', url: '/v1/layers?kind=land-cover', headers: H.admin }))).datasets.map(
        (d: { datasetId: number }) => d.datasetId,
      ) as number[];
      return lc.flatMap((a, i) => lc.slice(i + 1).map((b) => u(`/v1/land-cover/change/areas?from=${Math.min(a, b)}&to=${Math.max(a, b)}&limit=20000`)));
    },
    '/v1/layers': async () => [u('/v1/layers')],
    '/v1/layers/:datasetId': async () => datasets.map((d) => u(`/v1/layers/${d}`)),
    '/v1/layers/:datasetId/features': async () =>
      datasets.flatMap((d) => [u(`/v1/layers/${d}/features?limit=10000`), ...Object.values(P).map((p) => u(`/v1/layers/${d}/features?bbox=${tiny(p)}`))]),
    // rasters hold no occurrence data; their metadata and zonal statistics are walked all the same
    '/v1/rasters': async () => [u('/v1/rasters')],
    '/v1/rasters/:id': async () =>
      [1, ...(await t.ctx.db.selectFrom('raster_datasets').select('id').execute()).map((r) => r.id)].map((id) => u(`/v1/rasters/${id}`)),
    '/v1/rasters/:id/zonal': async () =>
      [1, ...(await t.ctx.db.selectFrom('raster_datasets').select('id').execute()).map((r) => r.id)].flatMap((id) => [
        u(`/v1/rasters/${id}/zonal?regionCodes=PA-CBS`),
        ...datasets.map((d) => u(`/v1/rasters/${id}/zonal?layer=${d}`)),
      ]),
    '/tiles/rasters/:id/:z/:x/:y.png': async () => [u('/tiles/rasters/1/7/108/46.png')],
    '/tiles/rasters/:id/legend.json': async () => [u('/tiles/rasters/1/legend.json')],
    '/v1/ledger/departments': async () => [u('/v1/ledger/departments')],
    '/v1/ledger/tasks': async () => [u('/v1/ledger/tasks')],
    '/v1/ledger/tasks/:no': async () => [16, 17, 18, 20, 23, 24, 27, 28].map((n) => u(`/v1/ledger/tasks/${n}`)),
    '/v1/occurrences': async () => OCC_FILTERS().flatMap((f) => [u(`/v1/occurrences?limit=1000&${f}`), u(`/v1/occurrences?limit=1000&f=geojson&${f}`)]),
    '/v1/occurrences/:occurrenceID': async () => PLANTED_OCCURRENCES.map((id) => u(`/v1/occurrences/${id}`)),
    '/v1/reports': async () => [u('/v1/reports')],
    '/v1/screenings/:id': async () => SCREENINGS.map((x) => u(`/v1/screenings/${x.id}`)),
    '/v1/screenings/:id/report.html': async () => SCREENINGS.map((x) => u(`/v1/screenings/${x.id}/report.html`)),
    '/v1/reports/:id': async () => ['json', 'csv', 'html'].map((f) => u(`/v1/reports/${IDS.reportId}?format=${f}`)),
    '/v1/reports/assessment': async () => ['json', 'csv', 'html'].map((f) => u(`/v1/reports/assessment?year=2026&format=${f}`)),
    '/v1/stations': async () => [u('/v1/stations?limit=1000')],
    '/v1/stations/:id': async () => stations.map((s) => u(`/v1/stations/${s}`)),
    '/v1/stations/:id/health': async () => stations.map((s) => u(`/v1/stations/${s}/health`)),
    '/v1/taxa': async () => [u('/v1/taxa?name=Panthera%20tigris'), u('/v1/taxa?name=Panthera')],
    '/v1/webhooks': async () => [u('/v1/webhooks')],
    '/v1/webhooks/:id/dead-letters': async () => [u('/v1/webhooks/00000000-0000-4000-8000-000000000000/dead-letters')],
  };
}

/** Routes that serve the API documentation's static files or the dashboard's bundles: no data. */
const STATIC = (url: string) => url.startsWith('/docs/static') || url === '/assets/*';

describe('sensitive locations survive linkage', () => {
  it('no output of the route table brings a planted point (within 1 km) or a literal coordinate back to callers below evaluator', async () => {
    const book = await recipes();
    const routes = [...new Set(app.routeList.filter((r) => r.method === 'GET' && !STATIC(r.url)).map((r) => r.url))];
    const missing = routes.filter((r) => !book[r]);
    expect(missing, 'GET routes without a recipe in the linkage suite: add one, so their answers are walked').toEqual([]);
    const planted = Object.entries(P);
    const leaks: string[] = [];
    let requests = 0;
    let answered = 0;
    let points = 0;
    const walked = new Set<string>();
    for (const route of routes) {
      const targets = await book[route]();
      expect(targets.length, route).toBeGreaterThan(0);
      for (const who of CALLERS) {
        for (const target of targets) {
          // follow paging (nextCursor, OGC next links) a few pages deep
          let url: string | null = target.url;
          for (let pageNo = 0; url && pageNo < 5; pageNo++) {
            const res = await app.inject({ method: 'GET', url, headers: H[who] });
            requests++;
            expect(res.statusCode, `${who} ${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
            if (res.statusCode !== 200) break;
            answered++;
            walked.add(route);
            const scanned = await scanBody(String(res.headers['content-type'] ?? ''), res.rawPayload, target.tile);
            points += scanned.coordinates.length;
            for (const c of scanned.coordinates) {
              for (const [name, p] of planted) {
                if (who === 'stationB' && name === 'stationB') continue; // a station sees its own position
                const m = metres(c, p);
                if (m < 1000) leaks.push(`${who} ${url}: [${c}] is ${Math.round(m)} m from the planted ${name}`);
              }
            }
            const own = who === 'stationB' ? [f5(P.stationB[0]), f5(P.stationB[1]), f4(P.stationB[0]), f4(P.stationB[1])] : [];
            for (const s of SECRETS) if (!own.includes(s) && scanned.text.includes(s)) leaks.push(`${who} ${url}: the literal coordinate ${s}`);
            for (const s of ['HC-77', 'secret ridge', 'scat at', 'array near', '43°07', 'trapNote', 'gps', ...(who === 'stationB' ? [] : ['ridge trap at'])]) {
              if (scanned.text.includes(s)) leaks.push(`${who} ${url}: withheld text "${s}"`);
            }
            url = null;
            try {
              const body = JSON.parse(res.body) as { nextCursor?: string | null; links?: { rel: string; href: string }[] };
              if (body.nextCursor) url = `${target.url}${target.url.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(body.nextCursor)}`;
              const next = body.links?.find((l) => l.rel === 'next');
              if (next) url = new URL(next.href).pathname + new URL(next.href).search;
            } catch {
              // not JSON: no paging
            }
          }
        }
      }
    }
    console.log(
      `linkage: ${routes.length} GET routes walked as ${CALLERS.join(', ')}; ${requests} requests, ${answered} answers with 200, ${points} coordinates checked against ${planted.length} planted points`,
    );
    expect(leaks.slice(0, 40)).toEqual([]);
    // every route gave at least one caller an answer, or is closed to all of them
    expect(walked.size).toBeGreaterThan(35);
  }, 600_000);

  it('evaluators and admins see the exact points (the walk would have found them)', async () => {
    for (const who of ['evaluator', 'admin']) {
      const r = await ok(await app.inject({ method: 'GET', url: '/v1/occurrences/ct-roe-1', headers: H[who] }));
      expect([r.record.decimalLongitude, r.record.decimalLatitude]).toEqual([P.trap[0], P.trap[1]]);
      const ev = await ok(await app.inject({ method: 'GET', url: '/ogc/collections/survey-events/items/ct-dep-1', headers: H[who] }));
      expect(ev.geometry.coordinates).toEqual([P.trap[0], P.trap[1]]);
      const st = await ok(await app.inject({ method: 'GET', url: '/v1/stations/CT-A', headers: H[who] }));
      expect(st.location.coordinates.slice(0, 2)).toEqual([P.trap[0], P.trap[1]]);
    }
    // the station itself sees its own position; another station is refused its record
    const own = await ok(await app.inject({ method: 'GET', url: '/v1/stations/CT-A', headers: H.stationA }));
    expect(own.location.coordinates.slice(0, 2)).toEqual([P.trap[0], P.trap[1]]);
    const dep = await ok(await app.inject({ method: 'GET', url: '/v1/stations/CT-A', headers: H.department }));
    expect(dep).toMatchObject({ generalised: true, description: null });
    expect(metres(dep.location.coordinates, P.trap)).toBeGreaterThan(1000);
  });

  it('a screening near the tiger names it by band only below evaluator: no distance, no point; evaluators see the distance', async () => {
    for (const sc of SCREENINGS) {
      const s = await ok(await app.inject({ method: 'GET', url: `/v1/screenings/${sc.id}`, headers: H[sc.who] }));
      const tiger = s.result.species.find((x: { scientificName: string }) => x.scientificName === 'Panthera tigris');
      expect(tiger, sc.who).toMatchObject({ sensitive: true, nearestBandKm: expect.any(Number) });
      expect(tiger.nearestM).toBeUndefined();
      expect(tiger.buffers).toBeUndefined();
      expect(JSON.stringify(tiger)).not.toMatch(/"(d|cd|nearestM|distanceM)"/);
      const ev = await ok(await app.inject({ method: 'GET', url: `/v1/screenings/${sc.id}`, headers: H.evaluator }));
      const exact = ev.result.species.find((x: { scientificName: string }) => x.scientificName === 'Panthera tigris');
      expect(exact.nearestM).toBeGreaterThan(3000);
    }
  });

  it('the records beside a tiger are generalised with it, and what marks them is sticky', async () => {
    for (const id of ['ct-roe-1', 'ct-boar-1', 'ct-tiger-1', 'sp-1', 'genus-zh-1', 'unmatched-1', 'notes-1', 'reid-1', 'imp-tiger-1']) {
      const r = await ok(await app.inject({ method: 'GET', url: `/v1/occurrences/${id}` }));
      expect(r.record.biomon.generalised, id).toBe(true);
      expect(r.record.eventID, id).toBeUndefined();
      expect(r.record.dataGeneralizations, id).toMatch(/10 km/);
    }
    // "Panthera sp." and "豹属" match the genus, flagged sensitive because it holds the tiger
    const sp = await ok(await app.inject({ method: 'GET', url: '/v1/occurrences/sp-1', headers: H.evaluator }));
    expect(sp.record.biomon.taxon).toMatchObject({ acceptedName: 'Panthera', rank: 'genus', match: 'higherrank' });
    expect(sp.record.biomon.flags).toContain('TAXON_MATCH_HIGHERRANK');
    const zh = await ok(await app.inject({ method: 'GET', url: '/v1/occurrences/genus-zh-1', headers: H.evaluator }));
    expect(zh.record.biomon.taxon).toMatchObject({ acceptedName: 'Panthera', rank: 'genus' });
    // the event and its small parent are generalised; the roe deer of the trap cannot be found by the eventID
    expect((await ok(await app.inject({ method: 'GET', url: '/v1/occurrences?eventID=ct-dep-1' }))).records).toEqual([]);
    const ev = await ok(await app.inject({ method: 'GET', url: '/ogc/collections/survey-events/items/ct-array-1' }));
    expect(ev.properties.generalised).toBe(true);
    expect(ev.geometry.type).toBe('Point');
    // the re-identified record: its public history names the changed fields, never their values
    const reid = await ok(await app.inject({ method: 'GET', url: '/v1/occurrences/reid-1', headers: H.surveyorB }));
    expect(reid.history).toEqual([expect.objectContaining({ version: 2, action: 'update', changedFields: expect.arrayContaining(['scientificName']) })]);
    expect(reid.history[0].changes).toBeUndefined();
    expect(JSON.stringify(reid.history)).not.toContain('Panthera');
    const reidEv = await ok(await app.inject({ method: 'GET', url: '/v1/occurrences/reid-1', headers: H.evaluator }));
    expect(reidEv.history[0].changes.scientificName).toEqual(['Panthera tigris', 'Capreolus pygargus']);
    // the refused overwrite changed nothing
    const foreign = await ok(await app.inject({ method: 'GET', url: '/v1/occurrences/foreign-1', headers: H.evaluator }));
    expect(foreign.record.biomon.version).toBe(1);
    expect([foreign.record.decimalLongitude, foreign.record.decimalLatitude]).toEqual([P.foreign[0], P.foreign[1]]);
    expect(foreign.history).toEqual([]);
  });

  it('an unmatched name is generalised until a reviewer sets a taxon', async () => {
    const before = await ok(await app.inject({ method: 'GET', url: '/v1/occurrences/unmatched-1' }));
    expect(before.record.biomon.generalised).toBe(true);
    await ok(await post('/v1/occurrences/unmatched-1/review', H.evaluator, { state: 'verified', taxon: 'Lepus mandshuricus' }));
    const after = await ok(await app.inject({ method: 'GET', url: '/v1/occurrences/unmatched-1' }));
    expect(after.record.biomon.generalised).toBe(false);
    expect([after.record.decimalLongitude, after.record.decimalLatitude]).toEqual([P.unmatched[0], P.unmatched[1]]);
    // set to a sensitive taxon, a record is generalised from then on, with its event
    await ok(await post('/v1/occurrences/unmatched-1/review', H.evaluator, { state: 'verified', taxon: 'Lynx lynx' }));
    expect((await ok(await app.inject({ method: 'GET', url: '/v1/occurrences/unmatched-1' }))).record.biomon.generalised).toBe(true);
    // and stays so when set back (sticky)
    await ok(await post('/v1/occurrences/unmatched-1/review', H.evaluator, { state: 'verified', taxon: 'Lepus mandshuricus' }));
    expect((await ok(await app.inject({ method: 'GET', url: '/v1/occurrences/unmatched-1' }))).record.biomon.generalised).toBe(true);
    const bad = await post('/v1/occurrences/unmatched-1/review', H.evaluator, { state: 'verified', taxon: 'Nonexistus imaginarius' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.errors[0]).toMatchObject({ field: 'body.taxon', code: 'TAXON_NOT_FOUND' });
  });

  it('cursors are opaque and tamper-evident', async () => {
    const page = await ok(await app.inject({ method: 'GET', url: '/v1/occurrences?limit=5' }));
    expect(page.nextCursor).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(Buffer.from(page.nextCursor, 'base64url').toString('latin1')).not.toMatch(/o:\d|"occurrences"/);
    const next = await ok(await app.inject({ method: 'GET', url: `/v1/occurrences?limit=5&cursor=${page.nextCursor}` }));
    expect(next.records.length).toBe(5);
    // an edited cursor, a forged one, and one of another list are refused
    const raw = Buffer.from(page.nextCursor, 'base64url');
    raw[20] ^= 1;
    const stations = await ok(await app.inject({ method: 'GET', url: '/v1/stations?limit=1', headers: H.evaluator }));
    for (const c of [
      raw.toString('base64url'),
      Buffer.from('o:1').toString('base64url'),
      Buffer.from('o:12345678901234567890123456789012345678901234').toString('base64url'),
      stations.nextCursor,
    ]) {
      const res = await app.inject({ method: 'GET', url: `/v1/occurrences?cursor=${encodeURIComponent(c)}` });
      expect(res.statusCode, c).toBe(400);
      expect(res.json().error.code).toBe('CURSOR_INVALID');
    }
    // OGC next links too
    const items = await ok(await app.inject({ method: 'GET', url: '/ogc/collections/occurrences/items?limit=2' }));
    const nextHref = items.links.find((l: { rel: string }) => l.rel === 'next').href as string;
    expect(new URL(nextHref).searchParams.get('next')).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect((await app.inject({ method: 'GET', url: '/ogc/collections/occurrences/items?next=1234' })).statusCode).toBe(400);
  });

  it('collection extents and tiles show only what the caller may see', async () => {
    const col = await ok(await app.inject({ method: 'GET', url: '/ogc/collections/occurrences' }));
    const [w, s, e, n] = col.extent.spatial.bbox[0];
    // every corner of the public extent is a position the public sees (a cell centre or an exact non-sensitive point)
    const shown = (await ok(await app.inject({ method: 'GET', url: '/ogc/collections/occurrences/items?limit=10000' }))).features.map(
      (f: { geometry: { coordinates: LonLat } }) => f.geometry.coordinates,
    );
    expect(shown.some((c: LonLat) => c[0] === w)).toBe(true);
    expect(shown.some((c: LonLat) => c[0] === e)).toBe(true);
    expect(shown.some((c: LonLat) => c[1] === s)).toBe(true);
    expect(shown.some((c: LonLat) => c[1] === n)).toBe(true);
  });
});
