import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { runSeeds } from '@biomon/seed';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';

// Field files as teams have them (issue 15): columns that map to no term are data (dynamicProperties,
// one warning per import, never a row error); how every column was mapped is in the import's
// status; a team's saved mapping for its own headers; no silent defaults.

let t: TestContext;
let app: FastifyInstance;
let worker: RunningWorker;
const H: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  t = await createTestContext({ fileStoreDir: mkdtempSync(path.join(tmpdir(), 'biomon-columns-')) });
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
  H.a = await authAs(t, 'surveyor', { team: 'team-a' });
  H.b = await authAs(t, 'surveyor', { team: 'team-b' });
  H.evaluator = await authAs(t, 'evaluator');
});
afterAll(async () => {
  await worker?.stop();
  await app?.close();
  await t?.close();
});

async function upload(fileName: string, content: string, headers: Record<string, string>, query = '') {
  const boundary = 'cols';
  const payload = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n--${boundary}--\r\n`;
  const res = await app.inject({
    method: 'POST',
    url: `/v1/imports${query}`,
    headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  return res;
}

async function finished(importId: string, headers: Record<string, string>) {
  for (let i = 0; i < 600; i++) {
    const body = (await app.inject({ method: 'GET', url: `/v1/imports/${importId}`, headers })).json();
    if (body.status === 'completed' || body.status === 'failed') return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('import did not finish');
}

const record = async (id: string) =>
  (await app.inject({ method: 'GET', url: `/v1/occurrences/${encodeURIComponent(id)}`, headers: H.evaluator })).json().record;

describe('unknown columns are data', () => {
  it('the CSV template with extra columns (Chinese, spaces, punctuation) stores every row and keeps their values', async () => {
    const template = (await app.inject({ method: 'GET', url: '/v1/imports/template.csv?headers=zh' })).body.replace(/^\uFEFF/, '').split(/\r?\n/)[0];
    // the template's Chinese header plus four columns no term maps to
    const header = `${template},天气,Site Name,温度(℃),"备注 #2, extra"`;
    const n = template.split(',').length; // 21 template columns
    const row = (i: number, weather: string) => {
      const cells = new Array(n).fill('');
      const at = (zh: string, v: string) => {
        cells[template.split(',').indexOf(zh)] = v;
      };
      at('记录编号', `col-${i}`);
      at('物种学名', 'Capreolus pygargus');
      at('调查日期', '2025-06-0' + i);
      at('经度', '128.1');
      at('纬度', '42.4');
      at('坐标系', 'WGS84');
      at('记录类型', 'HumanObservation');
      at('存在状态', 'present');
      return [...cells, weather, `Site ${i}`, `${20 + i}.5`, i === 2 ? '' : `"note, ${i}"`].join(',');
    };
    // 3 data rows: all valid; the third's extra note is empty (not kept)
    const csv = [header, row(1, '晴'), row(2, '多云'), row(3, '小雨')].join('\n');
    const res = await upload('field-sheet.csv', csv, H.a);
    expect(res.statusCode, res.body).toBe(202);
    const done = await finished(res.json().importId, H.a);
    expect(done).toMatchObject({ status: 'completed', counts: { inserted: 3, rejected: 0 }, errorRows: 0 });
    // one warning for the import, naming the columns
    const warnings = (done.counts.warnings as string[]).filter((w) => w.includes('dynamicProperties'));
    expect(warnings).toHaveLength(1);
    for (const c of ['天气', 'Site Name', '温度(℃)', '备注 #2, extra']) expect(warnings[0]).toContain(`"${c}"`);
    // the mapping the team can see: every source column with its term, or kept as data
    const cols = done.columns[0].columns as { header: string; term: string | null; via: string }[];
    expect(cols).toHaveLength(n + 4);
    expect(cols.find((c) => c.header === '纬度')).toMatchObject({ term: 'decimalLatitude', via: 'name' });
    expect(cols.find((c) => c.header === '天气')).toMatchObject({ term: null, via: 'dynamicProperties' });
    const r1 = await record('col-1');
    expect(JSON.parse(r1.dynamicProperties)).toEqual({ 天气: '晴', 'Site Name': 'Site 1', '温度(℃)': '21.5', '备注 #2, extra': 'note, 1' });
    expect(JSON.parse((await record('col-2')).dynamicProperties)).toEqual({ 天气: '多云', 'Site Name': 'Site 2', '温度(℃)': '22.5' });
  });

  it('a JSON record keeps keys that are not term names in dynamicProperties, with a flag; a key with an object value is refused', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/occurrences',
      headers: H.a,
      payload: {
        records: [
          {
            occurrenceID: 'json-1',
            scientificName: 'Capreolus pygargus',
            eventDate: '2025-06-01',
            decimalLatitude: 42.4,
            decimalLongitude: 128.1,
            geodeticDatum: 'WGS84',
            basisOfRecord: 'HumanObservation',
            occurrenceStatus: 'present',
            天气: '晴',
            'Site Name': 'A',
            dynamicProperties: '{"observerId":7}',
          },
          {
            occurrenceID: 'json-2',
            scientificName: 'Capreolus pygargus',
            eventDate: '2025-06-01',
            decimalLatitude: 42.4,
            decimalLongitude: 128.1,
            'Site Name': { x: 1 },
          },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.inserted).toBe(1);
    expect(body.rejected).toEqual([{ index: 1, id: 'json-2', errors: [expect.objectContaining({ field: 'Site Name', code: 'VALUE_NOT_SCALAR' })] }]);
    expect(body.warnings[0].flags).toContain('TERMS_KEPT_IN_DYNAMIC_PROPERTIES');
    expect(body.warnings[0].notes.TERMS_KEPT_IN_DYNAMIC_PROPERTIES).toMatch(/天气, Site Name/);
    const r = await record('json-1');
    expect(JSON.parse(r.dynamicProperties)).toEqual({ observerId: 7, 天气: '晴', 'Site Name': 'A' });
    expect(r.biomon.flags).toContain('TERMS_KEPT_IN_DYNAMIC_PROPERTIES');
  });
});

describe('no silent defaults', () => {
  it('an empty or missing basisOfRecord / occurrenceStatus is assumed and flagged; an invalid one is an error', async () => {
    const base = { scientificName: 'Capreolus pygargus', eventDate: '2025-06-01', decimalLatitude: 42.4, decimalLongitude: 128.1, geodeticDatum: 'WGS84' };
    const res = await app.inject({
      method: 'POST',
      url: '/v1/occurrences',
      headers: H.a,
      payload: {
        records: [
          { ...base, occurrenceID: 'def-empty', basisOfRecord: '', occurrenceStatus: '' },
          { ...base, occurrenceID: 'def-missing' },
          { ...base, occurrenceID: 'def-given', basisOfRecord: 'HumanObservation', occurrenceStatus: 'absent' },
          { ...base, occurrenceID: 'def-bad', basisOfRecord: 'Observation by eye', occurrenceStatus: 'maybe' },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().rejected).toEqual([
      {
        index: 3,
        id: 'def-bad',
        errors: [
          expect.objectContaining({ field: 'basisOfRecord', code: 'BASIS_OF_RECORD_INVALID' }),
          expect.objectContaining({ field: 'occurrenceStatus', code: 'OCCURRENCE_STATUS_INVALID' }),
        ],
      },
    ]);
    for (const id of ['def-empty', 'def-missing']) {
      const r = await record(id);
      expect(r).toMatchObject({ basisOfRecord: 'HumanObservation', occurrenceStatus: 'present' });
      expect(r.biomon.flags).toEqual(expect.arrayContaining(['BASIS_OF_RECORD_ASSUMED', 'OCCURRENCE_STATUS_ASSUMED_PRESENT']));
    }
    const given = await record('def-given');
    expect(given.occurrenceStatus).toBe('absent'); // an absence stays an absence
    expect(given.biomon.flags).not.toContain('OCCURRENCE_STATUS_ASSUMED_PRESENT');
    expect(given.biomon.flags).not.toContain('BASIS_OF_RECORD_ASSUMED');
  });

  it('in a CSV, an empty cell is a missing value: flagged the same way', async () => {
    const csv =
      'occurrenceID,scientificName,eventDate,decimalLatitude,decimalLongitude,basisOfRecord,occurrenceStatus\ncsv-def,Capreolus pygargus,2025-06-02,42.4,128.1,,\n';
    const done = await finished((await upload('defaults.csv', csv, H.a)).json().importId, H.a);
    expect(done.counts.inserted).toBe(1);
    expect((await record('csv-def')).biomon.flags).toEqual(
      expect.arrayContaining(['BASIS_OF_RECORD_ASSUMED', 'OCCURRENCE_STATUS_ASSUMED_PRESENT', 'GEODETIC_DATUM_ASSUMED_WGS84']),
    );
  });
});

describe("a team's saved column mapping", () => {
  const sheet = '编号,物种,经度E,纬度N,日期,天气\nmap-1,Capreolus pygargus,128.2,42.5,2025-06-03,晴\nmap-2,Sus scrofa,128.3,42.6,2025-06-03,阴\n';

  it('is saved, listed and used with ?mapping=name; another team cannot see or use it', async () => {
    const bad = await app.inject({ method: 'PUT', url: '/v1/import-mappings/sheet-v1', headers: H.a, payload: { columns: { 经度E: 'longitudeOfTheThing' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.errors[0]).toMatchObject({ field: 'body.columns.经度E', code: 'TERM_UNKNOWN' });
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/import-mappings/sheet-v1',
      headers: H.a,
      payload: { columns: { 编号: 'occurrenceID', 物种: 'scientificName', 经度E: 'decimalLongitude', 纬度N: 'decimalLatitude', 天气: null } },
    });
    expect(put.statusCode, put.body).toBe(201);
    expect(put.json()).toMatchObject({ name: 'sheet-v1', owner: 'team:team-a', version: 1 });
    // the same again changes nothing
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/v1/import-mappings/sheet-v1',
          headers: H.a,
          payload: { columns: { 编号: 'occurrenceID', 物种: 'scientificName', 经度E: 'decimalLongitude', 纬度N: 'decimalLatitude', 天气: null } },
        })
      ).json(),
    ).toMatchObject({ version: 1 });
    expect((await app.inject({ method: 'GET', url: '/v1/import-mappings', headers: H.a })).json().mappings.map((m: { name: string }) => m.name)).toEqual([
      'sheet-v1',
    ]);
    expect((await app.inject({ method: 'GET', url: '/v1/import-mappings', headers: H.b })).json().mappings).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/v1/import-mappings/sheet-v1', headers: H.b })).statusCode).toBe(404);
    expect((await upload('sheet.csv', sheet, H.b, '?mapping=sheet-v1')).statusCode).toBe(404);

    // without the mapping: 编号/物种/经度E/纬度N map to nothing: no row can be stored (no coordinates), no column is lost
    const plain = await finished((await upload('sheet.csv', sheet, H.a)).json().importId, H.a);
    expect(plain.counts).toMatchObject({ inserted: 0, rejected: 2 });
    // with it: both rows stored; 天气 kept as data because the mapping says so
    const mapped = await finished((await upload('sheet.csv', sheet, H.a, '?mapping=sheet-v1')).json().importId, H.a);
    expect(mapped).toMatchObject({ status: 'completed', mapping: 'sheet-v1', counts: { inserted: 2, rejected: 0 } });
    const cols = mapped.columns[0].columns as { header: string; term: string | null; via: string }[];
    expect(cols.map((c) => [c.header, c.term, c.via])).toEqual([
      ['编号', 'occurrenceID', 'mapping'],
      ['物种', 'scientificName', 'mapping'],
      ['经度E', 'decimalLongitude', 'mapping'],
      ['纬度N', 'decimalLatitude', 'mapping'],
      ['日期', 'eventDate', 'name'],
      ['天气', null, 'dynamicProperties'],
    ]);
    const r = await record('map-1');
    expect([r.decimalLongitude, r.decimalLatitude]).toEqual([128.2, 42.5]);
    expect(JSON.parse(r.dynamicProperties)).toEqual({ 天气: '晴' });
  });
});
