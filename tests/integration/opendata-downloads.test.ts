import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { OCCURRENCE_CSV_COLUMNS } from '@biomon/opendata';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';

// Streamed CSV (UTF-8 with BOM) and GeoJSON downloads; generalisation of occurrences by role;
// a large observation download read over a real socket with bounded memory.

let t: TestContext;
let app: FastifyInstance;
let port: number;
const H: Record<string, { authorization: string }> = {};
const TIGER = { lon: 130.78, lat: 42.95 };
const BIG = 200_000;

beforeAll(async () => {
  t = await createTestContext();
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
  H.evaluator = await authAs(t, 'evaluator');
  H.surveyor = await authAs(t, 'surveyor');
  const [st] = (await sql<{ station_id: string }>`SELECT station_id FROM stations ORDER BY id LIMIT 1`.execute(t.ctx.db)).rows;
  H.station = await authAs(t, 'station', { stationId: st.station_id });
  H.otherStation = await authAs(t, 'station', { stationId: 'ST-ELSEWHERE' });
}, 180_000);
afterAll(async () => {
  await app?.close();
  await t?.close();
});

/** Minimal RFC 4180 reader for the test (quoted fields with doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') q = false;
      else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('occurrence downloads', () => {
  it('CSV with BOM, generalised for the public and a surveyor, exact for an evaluator', async () => {
    const read = async (headers: Record<string, string>) => {
      const res = await app.inject({ method: 'GET', url: '/v1/downloads/occurrences?format=csv', headers });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/attachment; filename="biomon-occurrences-\d{8}\.csv"/);
      expect(res.body.charCodeAt(0)).toBe(0xfeff);
      const [header, ...rows] = parseCsv(res.body.slice(1));
      return { header, rows, get: (r: string[], k: string) => r[header.indexOf(k)] };
    };
    for (const headers of [{}, H.surveyor]) {
      const { header, rows, get } = await read(headers);
      expect(header.slice(0, OCCURRENCE_CSV_COLUMNS.length)).toEqual([...OCCURRENCE_CSV_COLUMNS]);
      expect(rows.length).toBe(304);
      const tiger = rows.find((r) => get(r, 'occurrenceID') === 'demo-occ-0001')!;
      expect(Number(get(tiger, 'decimalLongitude'))).not.toBe(TIGER.lon);
      expect(get(tiger, 'dataGeneralizations')).toMatch(/grid cell/);
      expect(get(tiger, 'locality')).toBe('');
      expect(get(tiger, 'generalised')).toBe('true');
    }
    const { rows, get } = await read(H.evaluator);
    const tiger = rows.find((r) => get(r, 'occurrenceID') === 'demo-occ-0001')!;
    expect([Number(get(tiger, 'decimalLongitude')), Number(get(tiger, 'decimalLatitude'))]).toEqual([TIGER.lon, TIGER.lat]);
    expect(get(tiger, 'locality')).toBe('吉林省珲春市春化镇');
  });

  it('GeoJSON with the GET /v1/occurrences filters; a tiny bbox finds no tiger for the public', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/downloads/occurrences?format=geojson&taxon=Panthera%20tigris' });
    const fc = res.json();
    expect(res.headers['content-type']).toMatch(/application\/geo\+json/);
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.length).toBe(22);
    expect(fc.features.every((f: { properties: { generalised: boolean } }) => f.properties.generalised)).toBe(true);
    const bbox = `${TIGER.lon - 0.001},${TIGER.lat - 0.001},${TIGER.lon + 0.001},${TIGER.lat + 0.001}`;
    const tiny = (await app.inject({ method: 'GET', url: `/v1/downloads/occurrences?format=geojson&taxon=Panthera%20tigris&bbox=${bbox}` })).json();
    expect(tiny.features).toEqual([]);
    const tinyEv = (
      await app.inject({ method: 'GET', url: `/v1/downloads/occurrences?format=geojson&taxon=Panthera%20tigris&bbox=${bbox}`, headers: H.evaluator })
    ).json();
    expect(tinyEv.features.length).toBeGreaterThan(0);
    expect((await app.inject({ method: 'GET', url: '/v1/downloads/occurrences?bbox=9,9,1,1' })).statusCode).toBe(400);
  });
});

describe('layer and indicator downloads', () => {
  it('a layer dataset as CSV (WKT) and GeoJSON', async () => {
    const ds = await t.ctx.db.selectFrom('layer_datasets').select(['id', 'feature_count']).where('kind', '=', 'protected-areas').executeTakeFirstOrThrow();
    const csv = await app.inject({ method: 'GET', url: `/v1/downloads/layers/${ds.id}?format=csv` });
    expect(csv.body.charCodeAt(0)).toBe(0xfeff);
    const [header, ...rows] = parseCsv(csv.body.slice(1));
    expect(header[0]).toBe('featureId');
    expect(header.at(-1)).toBe('wkt');
    expect(header).toContain('designation');
    expect(rows.length).toBe(ds.feature_count);
    expect(rows[0].at(-1)).toMatch(/^MULTIPOLYGON/);
    const gj = (await app.inject({ method: 'GET', url: `/v1/downloads/layers/${ds.id}?format=geojson` })).json();
    expect(gj.features.length).toBe(ds.feature_count);
    expect(gj.features[0].geometry.type).toBe('MultiPolygon');
    expect((await app.inject({ method: 'GET', url: '/v1/downloads/layers/999999' })).statusCode).toBe(404);
  });

  it('indicator results as CSV and GeoJSON', async () => {
    const csv = await app.inject({ method: 'GET', url: '/v1/downloads/indicator-results?fromYear=2024&toYear=2024' });
    const [header, ...rows] = parseCsv(csv.body.slice(1));
    expect(header.slice(0, 5)).toEqual(['indicator', 'regionCode', 'regionName', 'year', 'value']);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.every((r) => r[3] === '2024')).toBe(true);
    const gj = (await app.inject({ method: 'GET', url: '/v1/downloads/indicator-results?format=geojson' })).json();
    expect(gj.features.length).toBe(rows.length);
  });
});

describe('observation downloads', () => {
  it('scope: a token is needed, a station reads only its own, a department names a station', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/downloads/observations' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/v1/downloads/observations' })).statusCode).toBe(401);
    const [st] = (await sql<{ station_id: string }>`SELECT station_id FROM stations ORDER BY id LIMIT 1`.execute(t.ctx.db)).rows;
    const own = await app.inject({ method: 'GET', url: '/v1/downloads/observations', headers: H.station });
    const rows = parseCsv(own.body.slice(1)).slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r[0] === st.station_id)).toBe(true);
    const other = await app.inject({ method: 'GET', url: `/v1/downloads/observations?station=${st.station_id}`, headers: H.otherStation });
    expect(other.statusCode).toBe(403);
  });

  it(`streams ${BIG.toLocaleString('en')} observations over a socket with bounded memory`, async () => {
    const [ds] = (
      await sql<{ id: number; datastream_id: string; station_id: string }>`
      SELECT d.id, d.datastream_id, s.station_id FROM datastreams d JOIN stations s ON s.id = d.station_pk WHERE d.result_type = 'number' ORDER BY d.id LIMIT 1`.execute(
        t.ctx.db,
      )
    ).rows;
    const before = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM observations WHERE datastream_pk = ${ds.id}`.execute(t.ctx.db)).rows[0].n;
    await sql`INSERT INTO observations (datastream_pk, phenomenon_time, result_number)
      SELECT ${ds.id}, timestamptz '2000-01-01T00:00:00Z' + g * interval '1 minute', g / 7.0 FROM generate_series(1, ${BIG}) g`.execute(t.ctx.db);
    // The live heap, measured after a full collection (peak heapUsed alone mostly shows garbage not yet collected).
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const heapBase = process.memoryUsage().heapUsed;
    let heapPeak = heapBase;
    const sampler = setInterval(() => {
      gc();
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }, 500);
    const started = Date.now();
    const result = await new Promise<{ status: number; lines: number; bytes: number; firstByteMs: number; head: string }>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: `/v1/downloads/observations?datastream=${ds.datastream_id}`, headers: H.evaluator }, (res) => {
        let lines = 0;
        let bytes = 0;
        let firstByteMs = -1;
        let head = '';
        res.on('data', (c: Buffer) => {
          if (firstByteMs < 0) firstByteMs = Date.now() - started;
          if (head.length < 200) head += c.toString('utf8', 0, Math.min(c.length, 200));
          bytes += c.length;
          for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) lines++;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, lines, bytes, firstByteMs, head }));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
    clearInterval(sampler);
    const ms = Date.now() - started;
    expect(result.status).toBe(200);
    expect(result.head.charCodeAt(0)).toBe(0xfeff);
    expect(result.lines).toBe(1 + before + BIG);
    const heapGrowthMb = (heapPeak - heapBase) / 1024 / 1024;
    const bodyMb = result.bytes / 1024 / 1024;
    // The body is never held: the live heap grows by a few batches, far below the body's size.
    expect(heapGrowthMb).toBeLessThan(Math.min(16, bodyMb / 2));
    console.log(
      `[opendata] observations download: ${result.lines - 1} rows, ${bodyMb.toFixed(1)} MB in ${ms} ms (${Math.round(((result.lines - 1) / ms) * 1000)} rows/s), first byte after ${result.firstByteMs} ms, live heap growth ${heapGrowthMb.toFixed(1)} MB`,
    );
  }, 180_000);
});
