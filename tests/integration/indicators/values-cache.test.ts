import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import type { Actor } from '@biomon/auth';
import { createIndicatorRun, executeIndicatorRun } from '@biomon/indicators';
import { createTestContext, type TestContext } from '../../support/test-db';
import { authAs, buildTestServer } from '../../support/http';
import { REPO_ROOT } from '../../support/cli';

// GET /v1/indicators/{code}/values is answered once per completed run and view (issue 17): a strong
// ETag, 304 on If-None-Match, a new ETag (within the cache's 1 s freshness window) when a newer run
// completes or (below evaluator) when the taxa change what is withheld.

let t: TestContext;
let app: FastifyInstance;
let evaluator: { authorization: string };
const actor: Actor = { tokenId: null, role: 'evaluator', label: 'test' };
const URL_SPECIES = '/v1/indicators/protected_species_rate/values?region=220000';

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  evaluator = await authAs(t, 'evaluator');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

/** The answer once it differs from the copy held (the cache reads what it depends on again within 1 s); fails after 5 s. */
async function changed(url: string, etag: string, headers: Record<string, string> = {}) {
  for (const until = Date.now() + 5000; ; ) {
    const res = await get(url, { ...headers, 'if-none-match': etag });
    if (res.statusCode !== 304 || Date.now() > until) return res;
    await new Promise((r) => setTimeout(r, 100));
  }
}
const namesIn = (body: { values: { details: { species?: { scientificName: string }[] } }[] }) =>
  body.values.flatMap((v) => (v.details.species ?? []).map((s) => s.scientificName));

describe('indicator values: one answer per completed run', () => {
  it('answers with a strong ETag and 304 when the copy held is current', async () => {
    const a = await get('/v1/indicators/pa_coverage/values');
    expect(a.statusCode).toBe(200);
    const etag = a.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{10,}"$/);
    expect(a.headers['content-type']).toMatch(/^application\/json/);
    expect(a.json().values.length).toBeGreaterThan(0);
    const b = await get('/v1/indicators/pa_coverage/values', { 'if-none-match': etag });
    expect(b.statusCode).toBe(304);
    expect(b.body).toBe('');
    expect(b.headers.etag).toBe(etag);
    // another copy, a list holding it, a weak form of it
    expect((await get('/v1/indicators/pa_coverage/values', { 'if-none-match': '"other"' })).statusCode).toBe(200);
    expect((await get('/v1/indicators/pa_coverage/values', { 'if-none-match': `"other", ${etag}` })).statusCode).toBe(304);
    expect((await get('/v1/indicators/pa_coverage/values', { 'if-none-match': `W/${etag}` })).statusCode).toBe(304);
    // another request, another answer
    const region = await get('/v1/indicators/pa_coverage/values?region=220000');
    expect(region.statusCode).toBe(200);
    expect(region.headers.etag).not.toBe(etag);
    expect(region.json().values.every((v: { regionCode: string }) => v.regionCode === '220000')).toBe(true);
  });

  it('keys the answer by what the caller may see, and by the taxa for callers below evaluator', async () => {
    const pub = await get(URL_SPECIES);
    const exact = await get(URL_SPECIES, evaluator);
    const shownPublicly = namesIn(pub.json());
    expect(shownPublicly.length).toBeGreaterThan(0);
    expect(namesIn(exact.json())).toEqual(expect.arrayContaining(shownPublicly));
    // a species shown to the public becomes sensitive: the public answer withholds it, under a new ETag
    const flagged = shownPublicly[0];
    await sql`UPDATE taxa SET sensitive = true WHERE scientific_name = ${flagged}`.execute(t.ctx.db);
    const after = await changed(URL_SPECIES, pub.headers.etag as string);
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(pub.headers.etag);
    expect(namesIn(after.json())).not.toContain(flagged);
    expect(after.json().values[0].details.sensitiveSpeciesWithheld).toBeGreaterThan(0);
    // evaluators still see it
    expect(namesIn((await get(URL_SPECIES, evaluator)).json())).toContain(flagged);
    expect((await get(URL_SPECIES, { 'if-none-match': after.headers.etag as string })).statusCode).toBe(304);
  });

  it('changes the ETag when a newer run completes', async () => {
    const before = await get('/v1/indicators/pa_coverage/values?region=220000');
    const etag = before.headers.etag as string;
    const oldRun = before.json().values[0].runId;
    const { runId } = await createIndicatorRun(t.ctx.db, { year: before.json().values[0].year, regions: ['220000'], indicators: ['pa_coverage'] }, actor);
    // created but not completed: still the same answer
    expect((await get('/v1/indicators/pa_coverage/values?region=220000', { 'if-none-match': etag })).statusCode).toBe(304);
    expect(await executeIndicatorRun(t.ctx.db, runId)).toBe('completed');
    const after = await changed('/v1/indicators/pa_coverage/values?region=220000', etag);
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
    expect(after.json().values[0].runId).toBe(runId);
    expect(runId).not.toBe(oldRun);
    expect((await get('/v1/indicators/pa_coverage/values?region=220000', { 'if-none-match': after.headers.etag as string })).statusCode).toBe(304);
  });
});
