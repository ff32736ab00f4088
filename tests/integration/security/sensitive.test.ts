import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { runSeeds } from '@biomon/cli';
import { sql } from '@biomon/db';
import { ingestOccurrences, SYSTEM_ACTOR } from '@biomon/occurrences';
import { createTestContext, type TestContext } from '../../support/test-db';
import { authAs, buildTestServer } from '../../support/http';
import { REPO_ROOT } from '../../support/cli';

// Plants sensitive records (tiger, leopard — and a subspecies and a synonym) and checks, for every
// output path open to public and surveyor callers, that every coordinate returned for them is the
// centre of its 10 km cell and never the true point.

let t: TestContext;
let app: FastifyInstance;
const callers: Record<string, Record<string, string>> = { public: {} };
const PLANTED = [
  { occurrenceID: 'sens-1', scientificName: 'Panthera tigris altaica', decimalLatitude: 43.31234, decimalLongitude: 130.91234 },
  { occurrenceID: 'sens-2', scientificName: 'Panthera pardus orientalis', decimalLatitude: 43.12345, decimalLongitude: 130.62345 },
  { occurrenceID: 'sens-3', scientificName: 'Panthera tigris', decimalLatitude: 42.98765, decimalLongitude: 130.45678 },
  { occurrenceID: 'sens-4', scientificName: 'Panthera tigris amurensis', decimalLatitude: 43.0555, decimalLongitude: 130.8555 },
].map((r) => ({ ...r, eventID: 'sens-trap-7', eventDate: '2025-03-01', basisOfRecord: 'MachineObservation', geodeticDatum: 'WGS84', locality: '珲春 camera 7 at 43.31234,130.91234', associatedMedia: 'https://example.org/ct7.jpg' }));

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  await ingestOccurrences(t.ctx.db, PLANTED, { actor: { ...SYSTEM_ACTOR, team: 'sens' } });
  app = await buildTestServer(t);
  callers.surveyor = await authAs(t, 'surveyor', { team: 'other-team' });
  callers.department = await authAs(t, 'department', { departmentId: (await t.ctx.db.selectFrom('departments').select('id').executeTakeFirstOrThrow()).id });
  callers.evaluator = await authAs(t, 'evaluator');
});
afterAll(async () => {
  await app.close();
  await t.close();
});

/** The centre of the BRIEF §8 grid cell of each planted point, computed independently with PostGIS' proj string transform. */
async function cellCentres(): Promise<Map<string, [number, number]>> {
  const out = new Map<string, [number, number]>();
  for (const r of PLANTED) {
    const q = await sql<{ x: number; y: number }>`
      WITH p AS (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${r.decimalLongitude}, ${r.decimalLatitude}), 4326), '+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +ellps=WGS84') AS g)
      SELECT ST_X(c) AS x, ST_Y(c) AS y FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(floor(ST_X(g) / 10000) * 10000 + 5000, floor(ST_Y(g) / 10000) * 10000 + 5000), 990001), 4326) AS c FROM p) s`.execute(t.ctx.db);
    out.set(r.occurrenceID, [q.rows[0].x, q.rows[0].y]);
  }
  return out;
}

/** Every [lon, lat] pair and lat/lon property found anywhere in a JSON value. */
function coordinatesIn(v: unknown, out: [number, number][] = []): [number, number][] {
  if (Array.isArray(v)) {
    if (v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number') out.push([v[0], v[1]]);
    else for (const x of v) coordinatesIn(x, out);
  } else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.decimalLongitude === 'number' && typeof o.decimalLatitude === 'number') out.push([o.decimalLongitude, o.decimalLatitude]);
    for (const x of Object.values(o)) coordinatesIn(x, out);
  }
  return out;
}

const OUTPUTS: { name: string; url: string; accept?: string }[] = [
  { name: 'occurrence list (JSON)', url: '/v1/occurrences?taxon=Panthera%20tigris&limit=1000' },
  { name: 'occurrence list (leopard)', url: '/v1/occurrences?taxon=Panthera%20pardus&limit=1000' },
  { name: 'occurrence list (GeoJSON)', url: '/v1/occurrences?limit=1000', accept: 'application/geo+json' },
  { name: 'occurrence list by region', url: '/v1/occurrences?region=222400&limit=1000' },
  ...PLANTED.map((r) => ({ name: `record ${r.occurrenceID}`, url: `/v1/occurrences/${r.occurrenceID}` })),
];

describe('sensitive species in every output', () => {
  for (const who of ['public', 'surveyor', 'department']) {
    it(`shows ${who} only cell centres, never the true points`, async () => {
      const centres = await cellCentres();
      const truePoints = PLANTED.map((r) => [r.decimalLongitude, r.decimalLatitude]);
      for (const o of OUTPUTS) {
        const res = await app.inject({ method: 'GET', url: o.url, headers: { ...callers[who], ...(o.accept ? { accept: o.accept } : {}) } });
        expect(res.statusCode, `${o.name}: ${res.body.slice(0, 200)}`).toBe(200);
        const body = res.body;
        for (const [x, y] of truePoints) {
          expect(body.includes(String(x)) || body.includes(String(y)), `${o.name} leaks a true coordinate`).toBe(false);
        }
        const json = res.json();
        const coords = coordinatesIn(json);
        const centreList = [...centres.values()];
        // every coordinate returned for a planted record is one of the cell centres (within 1 m)
        for (const [x, y] of coords) {
          const nearTrue = truePoints.some(([tx, ty]) => Math.abs(tx - x) < 0.005 && Math.abs(ty - y) < 0.005);
          if (nearTrue) {
            expect(centreList.some(([cx, cy]) => Math.abs(cx - x) < 1e-5 && Math.abs(cy - y) < 1e-5), `${o.name}: ${x},${y} is near a true point but not a cell centre`).toBe(true);
          }
        }
        expect(body).not.toContain('camera 7 at');
        expect(body).not.toContain('sens-trap-7'); // the eventID that would tie the record to the trap's exact records
        expect(body).not.toContain('ct7.jpg');
      }
    });
  }

  it('gives evaluators the exact points', async () => {
    const res = (await app.inject({ method: 'GET', url: '/v1/occurrences/sens-1', headers: callers.evaluator })).json();
    expect([res.record.decimalLongitude, res.record.decimalLatitude]).toEqual([130.91234, 43.31234]);
  });
});
