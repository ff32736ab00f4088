import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { processRaster, stageRasterFile } from '@biomon/rasters';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { runCli } from '../support/cli';

// Raster uploads (issue 18): POST /v1/rasters/{kind} stages the file, lets GDAL read it, and records
// the dataset with its outbox job in one transaction (202, status processing); the raster's routes
// answer 409 RASTER_NOT_READY until the worker has converted it to a COG; files GDAL cannot read, or
// that the platform does not support, are 422 naming the part `file`. `biomon rasters import` runs
// the same pipeline synchronously.

let t: TestContext;
let app: FastifyInstance;
let work: string;
let fileStore: string;
let worker: RunningWorker | undefined;
const H: Record<string, Record<string, string>> = {};

function tiff(name: string, opts: { bands?: number; srs?: string | null; values?: number[]; w?: number; h?: number } = {}): string {
  const w = opts.w ?? 8;
  const h = opts.h ?? 6;
  const bands = opts.bands ?? 1;
  const vals = new Float32Array(w * h * bands);
  for (let i = 0; i < vals.length; i++) vals[i] = opts.values ? opts.values[i % opts.values.length] : (i % 10) / 10;
  const bin = path.join(work, `${name}.bin`);
  writeFileSync(bin, Buffer.from(vals.buffer));
  writeFileSync(
    path.join(work, `${name}.hdr`),
    `ENVI\nsamples = ${w}\nlines = ${h}\nbands = ${bands}\nheader offset = 0\nfile type = ENVI Standard\ndata type = 4\ninterleave = bsq\nbyte order = 0\n`,
  );
  const out = path.join(work, `${name}.tif`);
  const srs = opts.srs === undefined ? ['-a_srs', 'EPSG:4326'] : opts.srs === null ? [] : ['-a_srs', opts.srs];
  execFileSync('gdal_translate', ['-q', '-of', 'GTiff', ...srs, '-a_ullr', '125', '44', '125.8', '43.4', bin, out]);
  return out;
}

function multipart(file: Buffer, filename = 'ndvi.tif') {
  const boundary = '----biomonRasterTest';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: image/tiff\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(kind: string, file: Buffer, who = 'evaluator', query = 'year=2024&source=test') {
  const mp = multipart(file);
  return app.inject({ method: 'POST', url: `/v1/rasters/${kind}?${query}`, payload: mp.payload, headers: { ...mp.headers, ...H[who] } });
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'rasters-upload-'));
  fileStore = path.join(work, 'store');
  t = await createTestContext({ fileStoreDir: fileStore });
  app = await buildTestServer(t);
  await app.ready();
  for (const role of ['evaluator', 'surveyor', 'admin'] as const) H[role] = await authAs(t, role);
  H.public = {};
  // one region over the test rasters
  const res = await app.inject({
    method: 'POST',
    url: '/v1/layers/regions?year=2024',
    headers: H.admin,
    payload: {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { code: 'R1', name: '测试区', level: 'prefecture' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [124.9, 43.3],
                [126, 43.3],
                [126, 44.1],
                [124.9, 44.1],
                [124.9, 43.3],
              ],
            ],
          },
        },
      ],
    },
  });
  expect(res.statusCode, res.body).toBe(200);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await app?.close();
  await t?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('POST /v1/rasters/{kind}', () => {
  it('202 processing → 409 RASTER_NOT_READY → the worker makes a COG → ready, with the zonal statistics', async () => {
    const res = await upload('ndvi', readFileSync(tiff('ok')));
    expect(res.statusCode, res.body).toBe(202);
    const { datasetId, status, version } = res.json();
    expect(status).toBe('processing');
    expect(version).toBe(1);
    // the dataset, its outbox job and the audit record were written together
    const ob = await t.ctx.db.selectFrom('outbox').select(['queue', 'job_name', 'payload']).where('job_name', '=', 'raster-process').execute();
    expect(ob).toEqual([{ queue: 'imports', job_name: 'raster-process', payload: { datasetId } }]);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'entity_ids']).where('action', '=', 'rasters.create').execute();
    expect(audit).toEqual([{ action: 'rasters.create', entity_ids: [String(datasetId)] }]);

    const busy = await app.inject({ method: 'GET', url: `/v1/rasters/${datasetId}/zonal?regionCodes=R1` });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.code).toBe('RASTER_NOT_READY');
    expect((await app.inject({ method: 'GET', url: `/v1/rasters/${datasetId}` })).json()).toMatchObject({ status: 'processing', width: 8, height: 6 });

    worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
    let meta: { status: string } = { status: 'processing' };
    for (let i = 0; i < 200 && meta.status === 'processing'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      meta = (await app.inject({ method: 'GET', url: `/v1/rasters/${datasetId}` })).json();
    }
    expect(meta).toMatchObject({ status: 'ready', kind: 'ndvi', year: 2024, crs: { epsg: 4326, geographic: true }, bbox: [125, 43.4, 125.8, 44] });
    // stored as a COG in the file store; the staged upload is gone
    const stored = path.join(fileStore, 'rasters', String(datasetId));
    const cog = readdirSync(stored).filter((f) => f.endsWith('.tif'));
    expect(cog).toHaveLength(1);
    expect(execFileSync('gdalinfo', [path.join(stored, cog[0])]).toString()).toMatch(/LAYOUT=COG/);
    // the worker removes the staged upload right after it commits `ready` (so a retry still finds it
    // until then): the status can be read a moment before the file is gone
    let incoming = readdirSync(path.join(fileStore, 'rasters', 'incoming'));
    for (let i = 0; i < 50 && incoming.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      incoming = readdirSync(path.join(fileStore, 'rasters', 'incoming'));
    }
    expect(incoming).toEqual([]);
    // running the job again changes nothing
    expect(await processRaster(t.ctx.db, fileStore, datasetId)).toBe('ready');
    const z = await app.inject({ method: 'GET', url: `/v1/rasters/${datasetId}/zonal?regionCodes=R1` });
    expect(z.statusCode, z.body).toBe(200);
    // every pixel lies in R1: 48 pixels, values 0.0…0.9 by index
    const r1 = z.json().results[0];
    expect(r1.pixels).toBe(48);
    expect(r1.min).toBeCloseTo(0, 6);
    expect(r1.max).toBeCloseTo(0.9, 6);
    // listed, public
    const list = (await app.inject({ method: 'GET', url: '/v1/rasters?kind=ndvi' })).json();
    expect(list.datasets.map((d: { datasetId: number }) => d.datasetId)).toContain(datasetId);
  }, 60_000);

  it('422 RASTER_UNREADABLE for a file GDAL cannot read, naming the part `file`', async () => {
    const res = await upload('ndvi', Buffer.from('this is not a GeoTIFF at all'));
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('RASTER_UNREADABLE');
    expect(res.json().error.details.errors[0]).toMatchObject({ field: 'file', code: 'RASTER_UNREADABLE' });
    // a VRT (which could point GDAL at other files on the server) is refused the same way
    const vrt = `<VRTDataset rasterXSize="1" rasterYSize="1"><VRTRasterBand dataType="Byte" band="1"><SimpleSource><SourceFilename>/etc/passwd</SourceFilename></SimpleSource></VRTRasterBand></VRTDataset>`;
    const v = await upload('ndvi', Buffer.from(vrt));
    expect(v.statusCode).toBe(422);
    expect(v.json().error.code).toBe('RASTER_UNREADABLE');
    // nothing was recorded, nothing left in the file store
    expect(readdirSync(path.join(fileStore, 'rasters', 'incoming'))).toEqual([]);
  });

  it('422 RASTER_UNSUPPORTED for several bands, no CRS or a rotated grid, with the reason', async () => {
    const two = await upload('ndvi', readFileSync(tiff('two', { bands: 2 })));
    expect(two.statusCode).toBe(422);
    expect(two.json().error).toMatchObject({ code: 'RASTER_UNSUPPORTED', details: { errors: [{ field: 'file', code: 'RASTER_BANDS' }] } });
    const nocrs = await upload('ndvi', readFileSync(tiff('nocrs', { srs: null })));
    expect(nocrs.statusCode).toBe(422);
    expect(nocrs.json().error.details.errors[0].code).toMatch(/RASTER_NO_CRS|RASTER_NO_GEOTRANSFORM/);
    // a rotated geotransform (GeoTIFF's ModelTransformation), written from a VRT that says so
    tiff('rot');
    const vrt = path.join(work, 'rot.vrt');
    writeFileSync(
      vrt,
      `<VRTDataset rasterXSize="8" rasterYSize="6"><SRS>EPSG:4326</SRS><GeoTransform>125, 0.1, 0.02, 44, 0.02, -0.1</GeoTransform>` +
        `<VRTRasterBand dataType="Float32" band="1"><SimpleSource><SourceFilename relativeToVRT="1">rot.tif</SourceFilename><SourceBand>1</SourceBand></SimpleSource></VRTRasterBand></VRTDataset>`,
    );
    const rotTif = path.join(work, 'rotated.tif');
    execFileSync('gdal_translate', ['-q', '-of', 'GTiff', vrt, rotTif]);
    const rot = await upload('ndvi', readFileSync(rotTif));
    expect(rot.statusCode).toBe(422);
    expect(rot.json().error).toMatchObject({ code: 'RASTER_UNSUPPORTED', details: { errors: [{ field: 'file', code: 'RASTER_ROTATED' }] } });
  });

  it('413 past the size limit (staging stops reading), and roles: the public 401, a surveyor 403', async () => {
    await expect(stageRasterFile(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), fileStore, { maxBytes: 1000 })).rejects.toMatchObject({
      code: 'BODY_TOO_LARGE',
      details: { errors: [{ field: 'file', code: 'FILE_TOO_LARGE' }] },
    });
    const file = readFileSync(tiff('roles'));
    expect((await upload('ndvi', file, 'public')).statusCode).toBe(401);
    expect((await upload('ndvi', file, 'surveyor')).statusCode).toBe(403);
    expect((await upload('ndvi', file, 'admin')).statusCode).toBe(202);
  });

  it('fvc: scale given, or percent when the maximum exceeds 1; `scale` is refused for other kinds', async () => {
    const frac = await upload('fvc', readFileSync(tiff('frac', { values: [0.2, 0.9] })), 'evaluator', 'year=2024');
    const pct = await upload('fvc', readFileSync(tiff('pct', { values: [20, 90] })), 'evaluator', 'year=2024');
    const given = await upload('fvc', readFileSync(tiff('given', { values: [0.2, 0.9] })), 'evaluator', 'year=2024&scale=percent');
    for (const r of [frac, pct, given]) expect(r.statusCode, r.body).toBe(202);
    for (const r of [frac, pct, given]) await processRaster(t.ctx.db, fileStore, r.json().datasetId);
    const scale = async (r: typeof frac) => (await app.inject({ method: 'GET', url: `/v1/rasters/${r.json().datasetId}` })).json().fvcScale;
    expect(await scale(frac)).toBe('fraction');
    expect(await scale(pct)).toBe('percent');
    expect(await scale(given)).toBe('percent');
    const bad = await upload('ndvi', readFileSync(tiff('bad')), 'evaluator', 'year=2024&scale=percent');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.errors[0].field).toBe('querystring.scale');
  });
});

describe('biomon rasters import', () => {
  it('streams a file through the same pipeline and prints the ready dataset; an unreadable file fails with its code', async () => {
    const env = { DATABASE_URL: t.database.url, BIOMON_FILE_STORE: fileStore };
    const ok = await runCli(['rasters', 'import', 'elevation', tiff('cli'), '--year', '2023', '--source', 'SRTM'], env);
    expect(ok.code, ok.stderr).toBe(0);
    const out = JSON.parse(ok.stdout);
    expect(out).toMatchObject({ status: 'ready', version: 1 });
    const meta = (await app.inject({ method: 'GET', url: `/v1/rasters/${out.datasetId}` })).json();
    expect(meta).toMatchObject({ kind: 'elevation', year: 2023, source: 'SRTM', status: 'ready' });
    expect(existsSync(path.join(fileStore, 'rasters', String(out.datasetId)))).toBe(true);
    const junk = path.join(work, 'junk.tif');
    writeFileSync(junk, 'not a raster');
    const bad = await runCli(['rasters', 'import', 'elevation', junk], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('RASTER_UNREADABLE');
  }, 60_000);
});
