import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';

let t: TestContext;
let app: FastifyInstance;
let auth: { authorization: string };

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  auth = await authAs(t, 'surveyor', { team: 'prop' });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

// One way of breaking a record, each of which must be rejected (never stored).
const BREAKERS: ((r: Record<string, unknown>) => void)[] = [
  (r) => delete r.occurrenceID,
  (r) => delete r.scientificName,
  (r) => (r.eventDate = 'not a date'),
  (r) => (r.eventDate = '2999-05-01'),
  (r) => (r.decimalLatitude = 123.4),
  (r) => (r.individualCount = -3),
  (r) => (r.occurrenceStatus = 'perhaps'),
  (r) => (r.basisOfRecord = 'UNKNOWN'),
  (r) => (r.decimalLongitude = 'east'),
];

const NAMES = ['Capreolus pygargus', 'Sus scrofa', 'Phasianus colchicus', 'Grus japonensis', 'Pinus koraiensis', 'Nonexistus imaginarius'];

const recordArb = fc.record({
  valid: fc.boolean(),
  breaker: fc.integer({ min: 0, max: BREAKERS.length - 1 }),
  name: fc.constantFrom(...NAMES),
  lat: fc.double({ min: 41, max: 46, noNaN: true }),
  lon: fc.double({ min: 122, max: 131, noNaN: true }),
  day: fc.integer({ min: 1, max: 28 }),
  count: fc.integer({ min: 0, max: 50 }),
});

describe('property: random valid and invalid records, retried and duplicated batches', () => {
  it('always ends with exactly the valid records stored once', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordArb, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        async (specs, sizes, repeats, concurrent) => {
          const prefix = `p${run++}-`;
          const records = specs.map((s, i) => {
            const r: Record<string, unknown> = {
              occurrenceID: `${prefix}${i}`,
              scientificName: s.name,
              eventDate: `2024-07-${String(s.day).padStart(2, '0')}`,
              decimalLatitude: Math.round(s.lat * 1e5) / 1e5,
              decimalLongitude: Math.round(s.lon * 1e5) / 1e5,
              individualCount: s.count,
              basisOfRecord: 'HumanObservation',
              geodeticDatum: 'WGS84',
            };
            if (!s.valid) BREAKERS[s.breaker](r);
            return r;
          });
          const expected = new Set(specs.map((s, i) => (s.valid ? `${prefix}${i}` : null)).filter(Boolean));
          // cut into batches, each posted 1–3 times; batches overlap by resending the previous one sometimes
          const batches: unknown[][] = [];
          let at = 0;
          for (let b = 0; at < records.length; b++) {
            const size = sizes[b % sizes.length];
            const batch = records.slice(at, at + size);
            at += size;
            for (let k = 0; k < repeats[b % repeats.length]; k++) batches.push(batch);
          }
          const send = async (batch: unknown[]) => {
            const res = await app.inject({ method: 'POST', url: '/v1/occurrences', headers: auth, payload: { records: batch } });
            expect([200, 422]).toContain(res.statusCode);
          };
          if (concurrent) await Promise.all(batches.map(send));
          else for (const b of batches) await send(b);
          const stored = await sql<{ occurrence_id: string; n: number }>`
            SELECT occurrence_id, count(*)::int AS n FROM occurrences WHERE occurrence_id LIKE ${`${prefix}%`} GROUP BY 1`.execute(t.ctx.db);
          expect(new Set(stored.rows.map((r) => r.occurrence_id))).toEqual(expected);
          expect(stored.rows.every((r) => r.n === 1)).toBe(true);
          const versions = await sql<{ v: number }>`SELECT max(version) AS v FROM occurrences WHERE occurrence_id LIKE ${`${prefix}%`}`.execute(t.ctx.db);
          if (expected.size) expect(versions.rows[0].v).toBe(1); // retries never count as edits
        },
      ),
      { numRuns: 25, seed: 20261128 },
    );
  });
});
