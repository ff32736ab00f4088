import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { runSeeds } from '@biomon/seed';
import { createImport, importErrorsCsv, processImport, storeUpload } from '@biomon/occurrences';
import { createTestContext, type TestContext } from '../../support/test-db';
import { authAs, buildTestServer } from '../../support/http';
import { REPO_ROOT } from '../../support/cli';

// Owner-only writes (BRIEF §8): a record or event may be changed only by its owner — surveyors of
// the creating team, the creating station's token — or an admin. Route × role × owner, with real
// requests; a refused write changes nothing. Mixed batches store the rest; imports refuse per row.

let t: TestContext;
let app: FastifyInstance;
const H: Record<string, Record<string, string>> = {};
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function cameraTrap(id: string, lon: number): Promise<Record<string, string>> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/stations',
    headers: H.admin,
    payload: {
      stationId: id,
      name: id,
      type: 'camera_trap',
      location: { type: 'Point', coordinates: [lon, 43.5] },
      department: '省林草局',
      datastreams: [{ datastreamId: `${id}-det`, observedProperty: 'detections', unitOfMeasurement: { symbol: 'count' }, resultType: 'integer' }],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return bearer(res.json().token);
}

const occ = (id: string, extra: Record<string, unknown> = {}) => ({
  occurrenceID: id,
  basisOfRecord: 'MachineObservation',
  scientificName: 'Capreolus pygargus',
  eventDate: '2026-05-01',
  decimalLatitude: 43.5,
  decimalLongitude: 128.5,
  geodeticDatum: 'WGS84',
  individualCount: 1,
  ...extra,
});
const ev = (id: string, extra: Record<string, unknown> = {}) => ({
  eventID: id,
  eventDate: '2026-05-01',
  samplingProtocol: 'camera trap',
  decimalLatitude: 43.5,
  decimalLongitude: 128.5,
  ...extra,
});

beforeAll(async () => {
  t = await createTestContext({ fileStoreDir: mkdtempSync(path.join(tmpdir(), 'biomon-owners-')) });
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  H.admin = await authAs(t, 'admin');
  H.evaluator = await authAs(t, 'evaluator');
  H.department = await authAs(t, 'department', { departmentId: (await t.ctx.db.selectFrom('departments').select('id').executeTakeFirstOrThrow()).id });
  H.surveyorA = await authAs(t, 'surveyor', { team: 'team-a' });
  H.surveyorA2 = await authAs(t, 'surveyor', { team: 'team-a' });
  H.surveyorB = await authAs(t, 'surveyor', { team: 'team-b' });
  H.public = {};
  H.station1 = await cameraTrap('OWN-S1', 128.5);
  H.station2 = await cameraTrap('OWN-S2', 128.6);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const OWNERS = { 'team-a': 'surveyorA', 'station OWN-S1': 'station1' } as const;
/** Who may change a record or event of each owner: the expected status of an update by each caller. */
const EXPECTED: Record<string, Record<keyof typeof OWNERS, number>> = {
  surveyorA2: { 'team-a': 200, 'station OWN-S1': 403 }, // the same team, another token
  surveyorB: { 'team-a': 403, 'station OWN-S1': 403 },
  station1: { 'team-a': 403, 'station OWN-S1': 200 },
  station2: { 'team-a': 403, 'station OWN-S1': 403 },
  admin: { 'team-a': 200, 'station OWN-S1': 200 },
  evaluator: { 'team-a': 403, 'station OWN-S1': 403 }, // the access matrix: evaluators review, they do not upload
  department: { 'team-a': 403, 'station OWN-S1': 403 },
  public: { 'team-a': 401, 'station OWN-S1': 401 },
};

describe('owner-only writes: route × role × owner', () => {
  for (const [route, make, read] of [
    [
      '/v1/occurrences',
      occ,
      async (id: string) =>
        await t.ctx.db.selectFrom('occurrences').select(['version', 'content_hash']).where('occurrence_id', '=', id).executeTakeFirstOrThrow(),
    ],
    [
      '/v1/survey-events',
      ev,
      async (id: string) => await t.ctx.db.selectFrom('survey_events').select(['version', 'content_hash']).where('event_id', '=', id).executeTakeFirstOrThrow(),
    ],
  ] as const) {
    for (const [owner, creator] of Object.entries(OWNERS) as [keyof typeof OWNERS, string][]) {
      it(`POST ${route}: a record of ${owner}`, async () => {
        const id = `${route.split('/').pop()}-${creator}`;
        const created = await app.inject({ method: 'POST', url: route, headers: H[creator], payload: { records: [make(id)] } });
        expect(created.statusCode, created.body).toBe(200);
        let n = 1;
        for (const [caller, byOwner] of Object.entries(EXPECTED)) {
          const expected = byOwner[owner];
          const before = await read(id);
          const res = await app.inject({
            method: 'POST',
            url: route,
            headers: H[caller],
            payload: { records: [make(id, { individualCount: ++n, samplingEffort: `${n} nights` })] },
          });
          expect(res.statusCode, `${caller} → ${owner}: ${res.body.slice(0, 300)}`).toBe(expected);
          const after = await read(id);
          if (expected === 200) {
            expect(after.version, `${caller} → ${owner}`).toBe(before.version + 1);
          } else {
            expect(after, `${caller} → ${owner} changed the record`).toEqual(before);
            if (expected === 403 && ['evaluator', 'department'].includes(caller)) expect(res.json().error.code).toBe('FORBIDDEN');
            else if (expected === 403) {
              expect(res.json().error).toMatchObject({
                code: 'RECORD_OF_OTHER_OWNER',
                details: {
                  rejected: [{ index: 0, id, errors: [{ field: route.endsWith('events') ? 'eventID' : 'occurrenceID', code: 'RECORD_OF_OTHER_OWNER' }] }],
                },
              });
            }
          }
        }
      });
    }
  }

  it("a mixed batch stores the caller's records and refuses the foreign one, naming it", async () => {
    await app.inject({ method: 'POST', url: '/v1/occurrences', headers: H.surveyorA, payload: { records: [occ('mixed-a')] } });
    const before = await t.ctx.db
      .selectFrom('occurrences')
      .select(['version', 'content_hash'])
      .where('occurrence_id', '=', 'mixed-a')
      .executeTakeFirstOrThrow();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/occurrences',
      headers: H.surveyorB,
      payload: { records: [occ('mixed-a', { individualCount: 9 }), occ('mixed-b')] },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      inserted: 1,
      updated: 0,
      rejected: [{ index: 0, id: 'mixed-a', errors: [{ field: 'occurrenceID', code: 'RECORD_OF_OTHER_OWNER' }] }],
    });
    expect(
      await t.ctx.db.selectFrom('occurrences').select(['version', 'content_hash']).where('occurrence_id', '=', 'mixed-a').executeTakeFirstOrThrow(),
    ).toEqual(before);
    const b = await t.ctx.db.selectFrom('occurrences').select(['team', 'owner_station']).where('occurrence_id', '=', 'mixed-b').executeTakeFirstOrThrow();
    expect(b).toEqual({ team: 'team-b', owner_station: null });
    // with atomic: true nothing is stored (refused for the ownership: 403)
    const atomic = await app.inject({
      method: 'POST',
      url: '/v1/occurrences',
      headers: H.surveyorB,
      payload: { atomic: true, records: [occ('mixed-a', { individualCount: 9 }), occ('mixed-c')] },
    });
    expect(atomic.statusCode).toBe(403);
    expect(atomic.json().error.code).toBe('RECORD_OF_OTHER_OWNER');
    expect(await t.ctx.db.selectFrom('occurrences').select('id').where('occurrence_id', '=', 'mixed-c').executeTakeFirst()).toBeUndefined();
  });

  it('a station creates records only as itself: they belong to it, and a station import writes as the station', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/occurrences', headers: H.station2, payload: { records: [occ('s2-own')] } });
    expect(res.statusCode).toBe(200);
    expect(await t.ctx.db.selectFrom('occurrences').select(['team', 'owner_station']).where('occurrence_id', '=', 's2-own').executeTakeFirstOrThrow()).toEqual({
      team: null,
      owner_station: 'OWN-S2',
    });
  });

  it('every import path refuses a foreign record per row and stores the others', async () => {
    await app.inject({ method: 'POST', url: '/v1/occurrences', headers: H.surveyorA, payload: { records: [occ('imp-a')] } });
    const before = await t.ctx.db.selectFrom('occurrences').select(['version', 'content_hash']).where('occurrence_id', '=', 'imp-a').executeTakeFirstOrThrow();
    const csv =
      'occurrenceID,basisOfRecord,scientificName,eventDate,decimalLatitude,decimalLongitude\nimp-a,HumanObservation,Capreolus pygargus,2026-05-02,43.51,128.51\nimp-b,HumanObservation,Capreolus pygargus,2026-05-02,43.52,128.52\n';
    const upload = await storeUpload(Readable.from([Buffer.from(csv)]), t.config.fileStoreDir, 'foreign.csv');
    const { importId } = await createImport(t.ctx.db, upload, 'foreign.csv', { tokenId: null, role: 'surveyor', team: 'team-b', label: 'test' });
    const counts = await processImport(t.ctx.db, importId);
    expect(counts).toMatchObject({ inserted: 1, rejected: 1 });
    expect(await importErrorsCsv(t.ctx.db, importId)).toContain('RECORD_OF_OTHER_OWNER');
    expect(await t.ctx.db.selectFrom('occurrences').select(['version', 'content_hash']).where('occurrence_id', '=', 'imp-a').executeTakeFirstOrThrow()).toEqual(
      before,
    );
    // a station's import is the station's: it may post only its detections, and only as itself
    const stationCsv =
      'occurrenceID,basisOfRecord,scientificName,eventDate,decimalLatitude,decimalLongitude\nimp-a,MachineObservation,Capreolus pygargus,2026-05-02,43.51,128.51\nimp-s,HumanObservation,Capreolus pygargus,2026-05-02,43.52,128.52\nimp-s2,MachineObservation,Capreolus pygargus,2026-05-02,43.52,128.52\n';
    const up2 = await storeUpload(Readable.from([Buffer.from(stationCsv)]), t.config.fileStoreDir, 'station.csv');
    const imp2 = await createImport(t.ctx.db, up2, 'station.csv', { tokenId: null, role: 'station', team: null, stationId: 'OWN-S1', label: 'test' });
    expect(await processImport(t.ctx.db, imp2.importId)).toMatchObject({ inserted: 1, rejected: 2 });
    const report = await importErrorsCsv(t.ctx.db, imp2.importId);
    expect(report).toContain('RECORD_OF_OTHER_OWNER');
    expect(report).toContain('BASIS_OF_RECORD_NOT_ALLOWED');
    expect(await t.ctx.db.selectFrom('occurrences').select('owner_station').where('occurrence_id', '=', 'imp-s2').executeTakeFirstOrThrow()).toEqual({
      owner_station: 'OWN-S1',
    });
    // its status and report are the importer's: another team or station is refused
    for (const who of ['surveyorA', 'station2']) {
      expect((await app.inject({ method: 'GET', url: `/v1/imports/${imp2.importId}/errors.csv`, headers: H[who] })).statusCode).toBe(403);
    }
    expect((await app.inject({ method: 'GET', url: `/v1/imports/${imp2.importId}`, headers: H.station1 })).statusCode).toBe(200);
  });
});
