import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import * as turf from '@turf/turf';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';

let t: TestContext;
let app: FastifyInstance;
let surveyor: { authorization: string };
let otherTeam: { authorization: string };
let evaluator: { authorization: string };

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  surveyor = await authAs(t, 'surveyor', { team: 'changbai-1' });
  otherTeam = await authAs(t, 'surveyor', { team: 'songnen-2' });
  evaluator = await authAs(t, 'evaluator');
});
afterAll(async () => {
  await app.close();
  await t.close();
});

// A point in 珲春 (Yanbian), inside the demo 东北虎豹国家公园; one in Changchun city; one in Beijing.
const HUNCHUN = { lat: 43.35, lon: 130.85 };
const CHANGCHUN = { lat: 43.88, lon: 125.32 };

const base = (id: string, extra: Record<string, unknown> = {}) => ({
  occurrenceID: id,
  basisOfRecord: 'HumanObservation',
  scientificName: 'Capreolus pygargus',
  eventDate: '2025-06-01',
  decimalLatitude: CHANGCHUN.lat,
  decimalLongitude: CHANGCHUN.lon,
  geodeticDatum: 'WGS84',
  individualCount: 2,
  ...extra,
});

const post = (records: unknown[], headers = surveyor, atomic?: boolean) =>
  app.inject({ method: 'POST', url: '/v1/occurrences', headers, payload: { records, ...(atomic === undefined ? {} : { atomic }) } });

describe('POST /v1/occurrences', () => {
  it('stores the valid records, rejects the rest with field and code, and answers in the batch format', async () => {
    const res = await post([
      base('occ-1'),
      base('occ-2', { decimalLatitude: undefined }),
      base('occ-3', { individualCount: -1 }),
      base('occ-4', { eventDate: '2999-01-01' }),
      base('occ-5', { basisOfRecord: 'UNKNOWN' }),
      base('occ-6', { occurrenceStatus: 'maybe' }),
      base('', {}),
      base('occ-7', { eventDate: '31/12/2024' }),
      base('occ-8', { decimalLatitude: 95, decimalLongitude: 10 }),
    ]);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ inserted: 1, updated: 0, unchanged: 0 });
    const codes = Object.fromEntries(
      body.rejected.map((r: { index: number; errors: { code: string; field: string }[] }) => [r.index, r.errors.map((e) => `${e.field}:${e.code}`)]),
    );
    expect(codes).toEqual({
      1: ['decimalLatitude:COORDINATES_MISSING'],
      2: ['individualCount:INDIVIDUAL_COUNT_INVALID'],
      3: ['eventDate:EVENT_DATE_IN_FUTURE'],
      4: ['basisOfRecord:BASIS_OF_RECORD_INVALID'],
      5: ['occurrenceStatus:OCCURRENCE_STATUS_INVALID'],
      6: ['occurrenceID:OCCURRENCE_ID_MISSING'],
      7: ['eventDate:EVENT_DATE_INVALID'],
      8: ['decimalLatitude:COORDINATE_OUT_OF_RANGE'],
    });
  });

  it('answers 422 BATCH_REJECTED when nothing was stored', async () => {
    const res = await post([base('bad-1', { scientificName: '' })]);
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({
      code: 'BATCH_REJECTED',
      details: { rejected: [{ index: 0, id: 'bad-1', errors: [{ field: 'scientificName', code: 'SCIENTIFIC_NAME_MISSING' }] }] },
    });
  });

  it('with atomic: true stores nothing when one record is bad', async () => {
    const res = await post([base('atomic-1'), base('atomic-2', { individualCount: 'many' })], surveyor, true);
    expect(res.statusCode).toBe(422);
    const get = await app.inject({ method: 'GET', url: '/v1/occurrences/atomic-1', headers: evaluator });
    expect(get.statusCode).toBe(404);
  });

  it('is idempotent: the same record again is unchanged; other content is an update with history; a stale version conflicts', async () => {
    expect((await post([base('idem-1')])).json()).toMatchObject({ inserted: 1 });
    expect((await post([base('idem-1')])).json()).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    expect((await post([base('idem-1', { individualCount: 5 })])).json()).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 });
    const stale = await post([base('idem-1', { individualCount: 6, version: 1 })]);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({
      code: 'VERSION_CONFLICT',
      details: { rejected: [{ id: 'idem-1', errors: [{ field: 'version', code: 'VERSION_CONFLICT' }] }] },
    });
    const staleHeader = await app.inject({
      method: 'POST',
      url: '/v1/occurrences',
      headers: { ...surveyor, 'if-match': '"1"' },
      payload: { records: [base('idem-1', { individualCount: 6 })] },
    });
    expect(staleHeader.statusCode).toBe(409);
    // in a mixed batch the stale record is one rejection among stored ones
    const mixed = (await post([base('idem-1', { individualCount: 6, version: 1 }), base('idem-2')])).json();
    expect(mixed).toMatchObject({ inserted: 1, rejected: [{ index: 0, errors: [{ code: 'VERSION_CONFLICT' }] }] });
    expect((await post([base('idem-1', { individualCount: 6, version: 2 })])).json()).toMatchObject({ updated: 1 });
    const one = (await app.inject({ method: 'GET', url: '/v1/occurrences/idem-1', headers: evaluator })).json();
    expect(one.record.individualCount).toBe(6);
    expect(one.record.biomon.version).toBe(3);
    expect(one.history.map((h: { version: number; changes: Record<string, unknown> }) => [h.version, h.changes.individualCount])).toEqual([
      [2, [2, 5]],
      [3, [5, 6]],
    ]);
    expect(one.history[0]).toMatchObject({ role: 'surveyor', action: 'update' });
  });

  it("lets a surveyor edit only its own team's records", async () => {
    await post([base('team-1')]);
    const res = await post([base('team-1', { individualCount: 9 })], otherTeam);
    // a batch of nothing but someone else's records: 403, naming the record (BRIEF §8)
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('RECORD_OF_OTHER_OWNER');
    expect(res.json().error.details.rejected[0]).toMatchObject({ index: 0, id: 'team-1', errors: [{ field: 'occurrenceID', code: 'RECORD_OF_OTHER_OWNER' }] });
  });

  it('flags what is usable but doubtful, converts GCJ-02, and enriches with regions and protected areas', async () => {
    const res = await post([
      base('flag-gcj', { geodeticDatum: 'GCJ-02' }),
      base('flag-swap', { decimalLatitude: CHANGCHUN.lon, decimalLongitude: CHANGCHUN.lat }),
      base('flag-beijing', { decimalLatitude: 39.9, decimalLongitude: 116.4 }),
      base('flag-zero', { individualCount: 0 }),
      base('flag-unc', { coordinateUncertaintyInMeters: 25000 }),
      base('flag-tiger', {
        scientificName: 'Panthera tigris altaica',
        decimalLatitude: HUNCHUN.lat,
        decimalLongitude: HUNCHUN.lon,
        basisOfRecord: 'MachineObservation',
      }),
      base('flag-fuzzy', { scientificName: 'Capreolus pygargis' }),
      base('flag-none', { scientificName: 'Nonexistus imaginarius' }),
      base('flag-decl', { county: '延边朝鲜族自治州' }),
    ]);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.inserted).toBe(9);
    const flagsOf = (i: number) => body.warnings.find((w: { index: number }) => w.index === i)?.flags ?? [];
    expect(flagsOf(0)).toContain('GEODETIC_DATUM_CONVERTED');
    expect(flagsOf(1)).toContain('PRESUMED_SWAPPED_COORDINATE');
    expect(flagsOf(3)).toContain('INDIVIDUAL_COUNT_ZERO_PRESENT');
    expect(flagsOf(4)).toContain('COORDINATE_UNCERTAINTY_HIGH');
    expect(flagsOf(5)).toContain('TAXON_MATCH_INFRASPECIFIC');
    expect(flagsOf(6)).toContain('TAXON_MATCH_FUZZY');
    expect(flagsOf(7)).toContain('TAXON_MATCH_NONE');

    const get = async (id: string) => (await app.inject({ method: 'GET', url: `/v1/occurrences/${id}`, headers: evaluator })).json().record;
    const gcj = await get('flag-gcj');
    const moved = turf.distance([CHANGCHUN.lon, CHANGCHUN.lat], [gcj.decimalLongitude, gcj.decimalLatitude], { units: 'meters' });
    expect(moved).toBeGreaterThan(300);
    expect(moved).toBeLessThan(800);
    expect(gcj).toMatchObject({ verbatimLatitude: String(CHANGCHUN.lat), verbatimSRS: 'GCJ-02', geodeticDatum: 'EPSG:4326' });
    const swapped = await get('flag-swap');
    expect([swapped.decimalLatitude, swapped.decimalLongitude]).toEqual([CHANGCHUN.lat, CHANGCHUN.lon]);
    expect((await get('flag-beijing')).biomon.flags).toContain('COORDINATE_OUTSIDE_JILIN');
    expect((await get('flag-decl')).biomon.flags).toContain('COORDINATE_OUTSIDE_DECLARED_REGION');
    const tiger = await get('flag-tiger');
    expect(tiger.biomon.regionCodes).toEqual(expect.arrayContaining(['220000', '222400']));
    expect(tiger.biomon.inCountedProtectedArea).toBe(true);
    expect(tiger.biomon.taxon).toMatchObject({ acceptedName: 'Panthera tigris altaica', protectionClass: 'I' });
    const roe = await get('occ-1');
    expect(roe.biomon.regionCodes).toEqual(expect.arrayContaining(['220000', '220100']));
    expect(roe.biomon.inCountedProtectedArea).toBe(false);
  });

  it('keeps unknown terms verbatim', async () => {
    await post([base('verbatim-1', { 'biomon:plotCode': 'CBS-P-17', habitat: '针阔混交林' })]);
    const rec = (await app.inject({ method: 'GET', url: '/v1/occurrences/verbatim-1', headers: evaluator })).json().record;
    expect(rec).toMatchObject({ 'biomon:plotCode': 'CBS-P-17', habitat: '针阔混交林' });
  });
});

describe('GET /v1/occurrences', () => {
  it('generalises sensitive taxa for the public and keeps exact points for evaluators', async () => {
    const pub = (await app.inject({ method: 'GET', url: '/v1/occurrences?taxon=Panthera%20tigris&limit=1000' })).json();
    const exact = (await app.inject({ method: 'GET', url: '/v1/occurrences?taxon=Panthera%20tigris&limit=1000', headers: evaluator })).json();
    expect(exact.records.length).toBeGreaterThan(0);
    expect(pub.records.length).toBe(exact.records.length);
    for (const r of pub.records) {
      const e = exact.records.find((x: { occurrenceID: string }) => x.occurrenceID === r.occurrenceID);
      expect([r.decimalLatitude, r.decimalLongitude]).not.toEqual([e.decimalLatitude, e.decimalLongitude]);
      expect(r.dataGeneralizations).toMatch(/10 km grid cell/);
      expect(r.informationWithheld).toBeTruthy();
      expect(r.coordinateUncertaintyInMeters).toBeGreaterThanOrEqual(7071);
      expect(r.locality).toBeUndefined();
      expect(r.verbatimLatitude).toBeUndefined();
      expect(r.associatedMedia).toBeUndefined();
      // the shown point is the centre of the 10 km cell of the BRIEF §8 grid that holds the true point
      const cell = await sql<{ cx: number; cy: number; ex: number; ey: number }>`
        SELECT ST_X(p) AS cx, ST_Y(p) AS cy, ST_X(q) AS ex, ST_Y(q) AS ey FROM (SELECT
          ST_Transform(ST_SetSRID(ST_MakePoint(${r.decimalLongitude}, ${r.decimalLatitude}), 4326), '+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +ellps=WGS84') AS p,
          ST_Transform(ST_SetSRID(ST_MakePoint(${e.decimalLongitude}, ${e.decimalLatitude}), 4326), '+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +ellps=WGS84') AS q) s`.execute(
        t.ctx.db,
      );
      const { cx, cy, ex, ey } = cell.rows[0];
      expect(Math.abs(cx - (Math.floor(ex / 10000) * 10000 + 5000))).toBeLessThan(1);
      expect(Math.abs(cy - (Math.floor(ey / 10000) * 10000 + 5000))).toBeLessThan(1);
    }
    // a tiny bbox around the exact point finds nothing for the public
    const tiger = exact.records.find((x: { occurrenceID: string }) => x.occurrenceID === 'flag-tiger');
    const d = 0.001;
    const bbox = `${tiger.decimalLongitude - d},${tiger.decimalLatitude - d},${tiger.decimalLongitude + d},${tiger.decimalLatitude + d}`;
    expect((await app.inject({ method: 'GET', url: `/v1/occurrences?bbox=${bbox}` })).json().records).toEqual([]);
    expect(
      (await app.inject({ method: 'GET', url: `/v1/occurrences?bbox=${bbox}`, headers: evaluator }))
        .json()
        .records.map((r: { occurrenceID: string }) => r.occurrenceID),
    ).toEqual(['flag-tiger']);
  });

  it('filters, pages with a cursor, and answers GeoJSON', async () => {
    const p1 = (await app.inject({ method: 'GET', url: '/v1/occurrences?region=220100&limit=3', headers: evaluator })).json();
    expect(p1.records).toHaveLength(3);
    const p2 = (await app.inject({ method: 'GET', url: `/v1/occurrences?region=220100&limit=3&cursor=${p1.nextCursor}`, headers: evaluator })).json();
    const ids1 = p1.records.map((r: { occurrenceID: string }) => r.occurrenceID);
    expect(p2.records.map((r: { occurrenceID: string }) => r.occurrenceID).some((id: string) => ids1.includes(id))).toBe(false);
    const gj = await app.inject({ method: 'GET', url: '/v1/occurrences?limit=5', headers: { accept: 'application/geo+json' } });
    expect(gj.headers['content-type']).toMatch(/application\/geo\+json/);
    expect(gj.json()).toMatchObject({ type: 'FeatureCollection' });
    expect(gj.json().features[0]).toMatchObject({ type: 'Feature', geometry: { type: 'Point' } });
    const bad = await app.inject({ method: 'GET', url: '/v1/occurrences?bbox=1,2,3' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.errors[0]).toMatchObject({ field: 'querystring.bbox', code: 'BBOX_INVALID' });
    const badLimit = await app.inject({ method: 'GET', url: '/v1/occurrences?limit=5000' });
    expect(badLimit.statusCode).toBe(400);
  });
});

describe('POST /v1/occurrences/{id}/review', () => {
  it('lets evaluators review, keeps it in the history, and refuses surveyors', async () => {
    const denied = await app.inject({ method: 'POST', url: '/v1/occurrences/occ-1/review', headers: surveyor, payload: { state: 'verified' } });
    expect(denied.statusCode).toBe(403);
    const ok = await app.inject({
      method: 'POST',
      url: '/v1/occurrences/occ-1/review',
      headers: evaluator,
      payload: { state: 'verified', comment: '照片清晰 / clear photo' },
    });
    expect(ok.statusCode).toBe(200);
    const one = (await app.inject({ method: 'GET', url: '/v1/occurrences/occ-1' })).json();
    expect(one.record.identificationVerificationStatus).toBe('verified');
    expect(one.history.at(-1)).toMatchObject({ action: 'review', comment: '照片清晰 / clear photo' });
  });
});

describe('POST /v1/survey-events', () => {
  it('upserts events by eventID with Humboldt effort and a footprint', async () => {
    const ev = {
      eventID: 'ev-transect-1',
      samplingProtocol: '样线法 line transect',
      eventDate: '2025-06-01/2025-06-03',
      footprintWKT: 'LINESTRING(128.05 42.05, 128.10 42.08)',
      'eco:samplingEffortValue': 5.2,
      'eco:samplingEffortUnit': 'km',
      'eco:isAbsenceReported': true,
      'eco:targetTaxonomicScope': 'Aves',
    };
    const res = await app.inject({
      method: 'POST',
      url: '/v1/survey-events',
      headers: surveyor,
      payload: { records: [ev, { eventID: 'ev-bad', eventDate: 'yesterday' }] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ inserted: 1, rejected: [{ index: 1, errors: [{ field: 'eventDate', code: 'EVENT_DATE_INVALID' }] }] });
    const again = await app.inject({ method: 'POST', url: '/v1/survey-events', headers: surveyor, payload: ev });
    expect(again.json()).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    const row = await t.ctx.db
      .selectFrom('survey_events')
      .select(['sampling_effort_value', 'sampling_effort_unit', 'is_absence_reported', 'priority_area'])
      .where('event_id', '=', 'ev-transect-1')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ sampling_effort_value: '5.2', sampling_effort_unit: 'km', is_absence_reported: true, priority_area: 'PA-CBS' });
  });
});
