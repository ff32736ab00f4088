import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { runSeeds } from '@biomon/seed';
import { sql, withTx } from '@biomon/db';
import { holdRulesExclusive, refreshSensitivity } from '@biomon/occurrences';
import { PUBLIC_VIEWER, readOccurrences } from '@biomon/sensitive';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';

// The stored public position (issue 17): a generalised row is stored at the centre of its 10 km cell
// (public_geom, and public_xy for index-only bbox pages, migration 0013), and public bbox reads find
// it there and only there. It follows every change of sensitivity: a taxon flagged sensitive, a
// sensitive record joining the event, a reviewer setting the taxon.

let t: TestContext;
let app: FastifyInstance;
let surveyor: { authorization: string };
let evaluator: { authorization: string };

type LonLat = [number, number];
let P: LonLat[] = [];

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  surveyor = await authAs(t, 'surveyor', { team: 'team-pos' });
  evaluator = await authAs(t, 'evaluator');
  // points more than 3 km from the centre of their 10 km cell, 30 km apart (cells of their own)
  const rows = await sql<{ lon: number; lat: number }>`
    SELECT lon, lat FROM (SELECT 125.0 + i * 0.31 AS lon, 43.6 + j * 0.27 AS lat FROM generate_series(0, 9) i, generate_series(0, 3) j) c
    WHERE ST_Distance(ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, biomon_cell_centre(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 10000)::geography) > 3000
    ORDER BY lat, lon`.execute(t.ctx.db);
  P = rows.rows
    .map((r) => [Number(r.lon), Number(r.lat)] as LonLat)
    .filter((p, i, all) => all.slice(0, i).every((q) => Math.abs(q[0] - p[0]) > 0.3 || Math.abs(q[1] - p[1]) > 0.25));
  expect(P.length).toBeGreaterThanOrEqual(4);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const rec = (id: string, name: string, [lon, lat]: LonLat, extra: Record<string, unknown> = {}) => ({
  occurrenceID: id,
  basisOfRecord: 'HumanObservation',
  scientificName: name,
  eventDate: '2026-05-01',
  decimalLongitude: lon,
  decimalLatitude: lat,
  geodeticDatum: 'WGS84',
  individualCount: 1,
  ...extra,
});

async function ok(res: { statusCode: number; json(): any; body: string }, status = 200): Promise<any> {
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
}

/** The occurrenceIDs a caller finds in a small bbox (±0.01°) around a point. */
async function idsNear([lon, lat]: LonLat, headers: Record<string, string> = {}): Promise<string[]> {
  const d = 0.01;
  const body = await ok(await app.inject({ method: 'GET', url: `/v1/occurrences?bbox=${lon - d},${lat - d},${lon + d},${lat + d}&limit=100`, headers }));
  return body.records.map((r: { occurrenceID: string }) => r.occurrenceID);
}

/** The centre of the 10 km cell of a point, as the grid functions compute it. */
async function cellCentre([lon, lat]: LonLat): Promise<LonLat> {
  const r = await sql<{
    x: number;
    y: number;
  }>`SELECT ST_X(c) AS x, ST_Y(c) AS y FROM (SELECT biomon_cell_centre(ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326), 10000) AS c) s`.execute(t.ctx.db);
  return [Number(r.rows[0].x), Number(r.rows[0].y)];
}

/** The stored public position of a record: public_geom and its point copy public_xy agree. */
async function storedPublic(occurrenceId: string): Promise<{ geom: LonLat; xy: LonLat; generalised: boolean }> {
  const r = await sql<{ gx: number; gy: number; xy: { x: number; y: number }; generalised: boolean }>`
    SELECT ST_X(public_geom) AS gx, ST_Y(public_geom) AS gy, public_xy AS xy, generalised FROM occurrences WHERE occurrence_id = ${occurrenceId}`.execute(
    t.ctx.db,
  );
  const row = r.rows[0];
  return { geom: [Number(row.gx), Number(row.gy)], xy: [Number(row.xy.x), Number(row.xy.y)], generalised: row.generalised };
}

/** Found publicly at its exact point and not at its cell centre, or the other way round. */
async function expectPublicAt(id: string, exact: LonLat, generalised: boolean): Promise<void> {
  const centre = await cellCentre(exact);
  const stored = await storedPublic(id);
  expect(stored.generalised, id).toBe(generalised);
  const want = generalised ? centre : exact;
  expect(stored.geom[0]).toBeCloseTo(want[0], 9);
  expect(stored.geom[1]).toBeCloseTo(want[1], 9);
  expect(stored.xy).toEqual(stored.geom);
  expect(await idsNear(exact), `${id} by a bbox around its exact point`).toEqual(generalised ? expect.not.arrayContaining([id]) : expect.arrayContaining([id]));
  expect(await idsNear(centre), `${id} by a bbox around its cell centre`).toEqual(
    generalised ? expect.arrayContaining([id]) : expect.not.arrayContaining([id]),
  );
  // evaluators see (and filter) the exact point whatever the sensitivity
  expect(await idsNear(exact, evaluator)).toContain(id);
  // the large-box path (ids walked in order) agrees with the index-only one
  const [lon, lat] = generalised ? centre : exact;
  const wide = await ok(await app.inject({ method: 'GET', url: `/v1/occurrences?bbox=${lon - 20},${lat - 20},${lon + 20},${lat + 20}&limit=1000` }));
  const shown = wide.records.find((r: { occurrenceID: string }) => r.occurrenceID === id);
  expect([shown.decimalLongitude, shown.decimalLatitude]).toEqual([Number(want[0].toFixed(6)), Number(want[1].toFixed(6))]);
}

describe('the stored public position', () => {
  it('a sensitive record is stored and found at its cell centre, a plain one at its point', async () => {
    await ok(
      await app.inject({
        method: 'POST',
        url: '/v1/occurrences',
        headers: surveyor,
        payload: { records: [rec('pos-tiger', 'Panthera tigris altaica', P[0]), rec('pos-hare', 'Lepus mandshuricus', P[1])] },
      }),
    );
    await expectPublicAt('pos-tiger', P[0], true);
    await expectPublicAt('pos-hare', P[1], false);
  });

  it('follows a taxon flagged sensitive', async () => {
    await withTx(t.ctx.db, async (tx) => {
      // as `biomon taxa import` does: the rules lock, the flag, every stored view recomputed
      await holdRulesExclusive(tx);
      await sql`UPDATE taxa SET sensitive = true WHERE scientific_name = 'Lepus mandshuricus'`.execute(tx);
      await refreshSensitivity(tx, { all: true });
    });
    await expectPublicAt('pos-hare', P[1], true);
  });

  it('follows a sensitive record joining the event', async () => {
    await ok(
      await app.inject({
        method: 'POST',
        url: '/v1/survey-events',
        headers: surveyor,
        payload: { eventID: 'pos-ev', eventDate: '2026-05-01', samplingProtocol: 'camera trap', geometry: { type: 'Point', coordinates: P[2] } },
      }),
    );
    await ok(
      await app.inject({
        method: 'POST',
        url: '/v1/occurrences',
        headers: surveyor,
        payload: { records: [rec('pos-roe', 'Capreolus pygargus', P[2], { eventID: 'pos-ev' })] },
      }),
    );
    await expectPublicAt('pos-roe', P[2], false);
    await ok(
      await app.inject({
        method: 'POST',
        url: '/v1/occurrences',
        headers: surveyor,
        payload: { records: [rec('pos-ev-tiger', 'Panthera tigris altaica', P[2], { eventID: 'pos-ev' })] },
      }),
    );
    await expectPublicAt('pos-roe', P[2], true);
  });

  it('follows a reviewer setting the taxon', async () => {
    await ok(
      await app.inject({
        method: 'POST',
        url: '/v1/occurrences',
        headers: surveyor,
        payload: { records: [rec('pos-unknown', 'Nonexistus imaginarius', P[3])] },
      }),
    );
    // a name that matched nothing is generalised until a reviewer sets a taxon (fail closed)
    await expectPublicAt('pos-unknown', P[3], true);
    await ok(
      await app.inject({
        method: 'POST',
        url: '/v1/occurrences/pos-unknown/review',
        headers: evaluator,
        payload: { state: 'verified', taxon: 'Capreolus pygargus' },
      }),
    );
    await expectPublicAt('pos-unknown', P[3], false);
    await ok(
      await app.inject({ method: 'POST', url: '/v1/occurrences/pos-unknown/review', headers: evaluator, payload: { state: 'verified', taxon: 'Lynx lynx' } }),
    );
    await expectPublicAt('pos-unknown', P[3], true);
  });

  it('pages a public bbox alike by the index-only scan and by walking ids (a box holding more than the scan cap)', async () => {
    const bbox: [number, number, number, number] = [124, 43, 129, 45];
    const walk = async (cap: number | undefined, limit: number) => {
      const out: { id: number; lon: number; lat: number }[] = [];
      for (let afterId: number | undefined; ; ) {
        const rows = await readOccurrences(t.ctx.db, PUBLIC_VIEWER, { bbox, limit, afterId, bboxScanCap: cap });
        out.push(...rows.map((r) => ({ id: Number(r.id), lon: r.lon, lat: r.lat })));
        if (rows.length < limit) return out;
        afterId = Number(rows[rows.length - 1].id);
      }
    };
    const byIndex = await walk(undefined, 2);
    expect(byIndex.length).toBeGreaterThanOrEqual(5);
    expect(await walk(1, 2)).toEqual(byIndex);
    expect(await walk(3, 1)).toEqual(byIndex);
    // every row found is inside the box, by the position shown
    for (const r of byIndex) expect(r.lon >= bbox[0] && r.lon <= bbox[2] && r.lat >= bbox[1] && r.lat <= bbox[3]).toBe(true);
  });
});
