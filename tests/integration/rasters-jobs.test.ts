import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { importLayer, type GeoJsonFeature } from '@biomon/layers';
import { importRasterFile, processRaster, requestRasterZonal, type ZonalAnswer } from '@biomon/rasters';
import { QUEUES } from '@biomon/queue';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { createTestContext, type TestContext } from '../support/test-db';
import { buildTestServer } from '../support/http';
import { boxPolygon } from '../support/ellipsoid';

// Issue 18, raster follow-ups:
// - a raster that becomes ready marks the indicators stale in the same transaction (an outbox
//   data-changed row, once), as a new vector layer version does; the worker sets the stale mark and
//   the debounced recompute makes a new run that reads the raster;
// - zonal statistics of a raster above BIOMON_ZONAL_JOB_MIN_PIXELS (set low here) are a worker
//   job: GET answers 202 computing with Retry-After (one job however often it is asked), then 200
//   with the numbers an in-request computation gives.

const W = 80;
const H = 60;
const JOB_MIN_PIXELS = 1000; // the test raster has 4800

let t: TestContext;
let app: FastifyInstance;
let work: string;
let fileStore: string;
let worker: RunningWorker | undefined;
let tif: string;
let rasterId: number;
let regionsId: number;

/** An NDVI GeoTIFF over 125–125.8°E, 43.4–44°N whose value varies with row and column, with a nodata hole. */
function ndviTiff(name: string): string {
  const vals = new Float32Array(W * H);
  for (let r = 0; r < H; r++)
    for (let c = 0; c < W; c++) vals[r * W + c] = r >= 10 && r < 14 && c >= 20 && c < 30 ? -9999 : 0.1 + (0.8 * ((r * 7 + c * 3) % 50)) / 50;
  const bin = path.join(work, `${name}.bin`);
  writeFileSync(bin, Buffer.from(vals.buffer));
  writeFileSync(
    path.join(work, `${name}.hdr`),
    `ENVI\nsamples = ${W}\nlines = ${H}\nbands = 1\nheader offset = 0\nfile type = ENVI Standard\ndata type = 4\ninterleave = bsq\nbyte order = 0\n`,
  );
  const out = path.join(work, `${name}.tif`);
  execFileSync('gdal_translate', ['-q', '-of', 'GTiff', '-a_srs', 'EPSG:4326', '-a_nodata', '-9999', '-a_ullr', '125', '44', '125.8', '43.4', bin, out]);
  return out;
}

const until = async <T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 30_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'rasters-jobs-'));
  fileStore = path.join(work, 'store');
  t = await createTestContext({ fileStoreDir: fileStore, zonalJobMinPixels: JOB_MIN_PIXELS });
  app = await buildTestServer(t);
  await app.ready();
  // a province over the raster and two prefectures splitting it (the province overlaps both: a second pass)
  const regions: GeoJsonFeature[] = [
    { type: 'Feature', properties: { code: 'P', name: '测试省', level: 'province' }, geometry: boxPolygon(124.9, 125.9, 43.3, 44.1) },
    { type: 'Feature', properties: { code: 'A', name: '西区', level: 'prefecture', parentCode: 'P' }, geometry: boxPolygon(124.9, 125.4, 43.3, 44.1) },
    { type: 'Feature', properties: { code: 'B', name: '东区', level: 'prefecture', parentCode: 'P' }, geometry: boxPolygon(125.4, 125.9, 43.3, 44.1) },
  ];
  const res = await importLayer(t.ctx.db, regions, { kind: 'regions', year: 2020, source: 'test' });
  expect(res.rejected).toEqual([]);
  regionsId = res.datasetId;
  tif = ndviTiff('ndvi');
  // the CLI's pipeline (biomon rasters import): staged, converted to a COG and marked ready synchronously
  const imp = await importRasterFile(t.ctx.db, fileStore, createReadStream(tif), { kind: 'ndvi', year: 2024, source: 'test' });
  expect(imp.status).toBe('ready');
  rasterId = imp.datasetId;
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await app?.close();
  await t?.close();
  rmSync(work, { recursive: true, force: true });
});

const outboxOf = (jobName: string) =>
  t.ctx.db.selectFrom('outbox').select(['queue', 'job_name', 'payload']).where('job_name', '=', jobName).orderBy('id').execute();

describe('a raster that becomes ready', () => {
  it('writes the data-changed outbox row with it, once: processing it again writes none', async () => {
    expect(await outboxOf('data-changed')).toEqual([{ queue: 'system', job_name: 'data-changed', payload: { kind: 'raster:ndvi', datasetId: rasterId } }]);
    const readyAt = (await t.ctx.db.selectFrom('raster_datasets').select('ready_at').where('id', '=', rasterId).executeTakeFirstOrThrow()).ready_at;
    expect(await processRaster(t.ctx.db, fileStore, rasterId)).toBe('ready');
    expect(await outboxOf('data-changed')).toHaveLength(1);
    expect((await t.ctx.db.selectFrom('raster_datasets').select('ready_at').where('id', '=', rasterId).executeTakeFirstOrThrow()).ready_at).toEqual(readyAt);
  });
});

describe('GET /v1/rasters/{id}/zonal of a raster above the pixel threshold', () => {
  it('202 computing with Retry-After and one job, however often asked; the worker stores it; then 200 with the in-request numbers', async () => {
    const url = `/v1/rasters/${rasterId}/zonal?regionCodes=P,A,B`;
    const first = await app.inject({ method: 'GET', url });
    expect(first.statusCode, first.body).toBe(202);
    const body = first.json();
    expect(body).toMatchObject({
      status: 'computing',
      rasterId,
      zoneDataset: { datasetId: regionsId, kind: 'regions' },
      pendingZones: 3,
      pixels: W * H,
    });
    expect(first.headers['retry-after']).toBe(String(body.retryAfterSeconds));
    expect(body.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // asked again (another subset too) before a worker runs: still computing, no second job for the same zones
    expect((await app.inject({ method: 'GET', url })).statusCode).toBe(202);
    expect((await app.inject({ method: 'GET', url: `/v1/rasters/${rasterId}/zonal?regionCodes=B,A,P` })).statusCode).toBe(202);
    expect(await outboxOf('raster-zonal')).toEqual([
      { queue: 'imports', job_name: 'raster-zonal', payload: { rasterId, zoneDatasetId: regionsId, keys: ['A', 'B', 'P'] } },
    ]);
    expect(await t.ctx.db.selectFrom('raster_zonal_cache').select('zone_key').where('raster_id', '=', rasterId).execute()).toEqual([]);

    worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
    const done = await until('the zonal job', async () => {
      const res = await app.inject({ method: 'GET', url });
      if (res.statusCode === 202) return undefined;
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as ZonalAnswer;
    });
    const job = (await t.ctx.queues.get(QUEUES.imports).getJobs(['completed'])).find((j) => j.name === 'raster-zonal');
    expect(job?.returnvalue).toMatchObject({ rasterId, zoneDatasetId: regionsId, computed: 3, cached: 0 });
    expect(done.results.map((r) => r.regionCode)).toEqual(['P', 'A', 'B']);

    // the same file as another raster (of a kind no indicator reads), computed in the request (below the threshold given here)
    const copy = await importRasterFile(t.ctx.db, fileStore, createReadStream(tif), { kind: 'elevation', year: 2024, source: 'copy' }, { markStale: false });
    const inRequest = await requestRasterZonal(t.ctx.db, fileStore, copy.datasetId, { codes: ['P', 'A', 'B'] }, { jobMinPixels: W * H });
    expect('status' in inRequest).toBe(false);
    const strip = (a: ZonalAnswer) =>
      a.results.map(({ regionCode, mean, min, max, validAreaKm2, pixels }) => ({ regionCode, mean, min, max, validAreaKm2, pixels }));
    expect(strip(done)).toEqual(strip(inRequest as ZonalAnswer));
    // and they are the numbers of the raster: every valid pixel in P, split between A and B; the hole left out
    const [p, a, b] = done.results;
    expect(p.pixels).toBe(W * H - 40);
    expect(a.pixels + b.pixels).toBe(p.pixels);
    expect(a.validAreaKm2 + b.validAreaKm2).toBeCloseTo(p.validAreaKm2, 9);
    expect((a.mean! * a.validAreaKm2 + b.mean! * b.validAreaKm2) / p.validAreaKm2).toBeCloseTo(p.mean!, 9);
    expect(Math.min(a.min!, b.min!)).toBeCloseTo(p.min!, 6);
    expect(p.min).toBeGreaterThanOrEqual(0.1 - 1e-6);
    expect(p.max).toBeLessThanOrEqual(0.9 + 1e-6);

    // no new job once stored
    expect((await app.inject({ method: 'GET', url: `/v1/rasters/${rasterId}/zonal?regionCodes=A` })).statusCode).toBe(200);
    expect(await outboxOf('raster-zonal')).toHaveLength(1);
  }, 90_000);
});

describe('the stale recompute after a raster', () => {
  it('the worker sets the stale mark, and the recompute makes a new run that reads the new raster', async () => {
    worker ??= startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
    const mark = await until('the stale mark', async () =>
      (await t.ctx.db.selectFrom('indicator_staleness').select(['kind']).execute()).find((m) => m.kind === 'raster:ndvi'),
    );
    expect(mark.kind).toBe('raster:ndvi');
    expect(await t.ctx.db.selectFrom('indicator_runs').select('id').execute()).toEqual([]);
    // the debounced recompute waits a minute: run it now
    const recompute = await until('the delayed recompute', async () =>
      (await t.ctx.queues.get(QUEUES.indicators).getJobs(['delayed'])).find((j) => j.name === 'recompute'),
    );
    await recompute.promote();
    const run = await until(
      'the stale run',
      async () =>
        await t.ctx.db
          .selectFrom('indicator_runs')
          .select(['id', 'status', 'trigger', 'datasets', 'error'])
          .where('trigger', '=', 'stale')
          .where('status', 'in', ['completed', 'failed'])
          .executeTakeFirst(),
      60_000,
    );
    expect(run).toMatchObject({ status: 'completed', trigger: 'stale', error: null });
    expect((run.datasets as { ndvi: number | null; regions: number }).ndvi).toBe(rasterId);
    expect((run.datasets as { regions: number }).regions).toBe(regionsId);
    const rs = await t.ctx.db
      .selectFrom('indicator_results')
      .select(['region_code'])
      .where('run_id', '=', run.id)
      .where('indicator', '=', 'grassland_vegetation_cover_rs')
      .execute();
    expect(rs.map((r) => r.region_code).sort()).toEqual(['A', 'B', 'P']);
    // the marks the run covered are cleared
    expect(await t.ctx.db.selectFrom('indicator_staleness').select('kind').execute()).toEqual([]);
  }, 120_000);
});
