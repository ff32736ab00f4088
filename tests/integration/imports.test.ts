import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT, SHARED_DATA } from '../support/cli';

let t: TestContext;
let app: FastifyInstance;
let worker: RunningWorker;
let surveyor: { authorization: string };

beforeAll(async () => {
  t = await createTestContext({ fileStoreDir: mkdtempSync(path.join(tmpdir(), 'biomon-files-')) });
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
  surveyor = await authAs(t, 'surveyor', { team: 'importers' });
});
afterAll(async () => {
  await worker.stop();
  await app.close();
  await t.close();
});

function multipart(fileName: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----biomon${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(fileName: string, content: Buffer) {
  const m = multipart(fileName, content);
  const res = await app.inject({ method: 'POST', url: '/v1/imports', headers: { ...surveyor, ...m.headers }, payload: m.payload });
  expect(res.statusCode, res.body).toBe(202);
  return res.json() as { importId: string; duplicate: boolean };
}

async function finished(importId: string, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await app.inject({ method: 'GET', url: `/v1/imports/${importId}`, headers: surveyor });
    const body = res.json();
    if (body.status === 'completed' || body.status === 'failed') return body;
    if (Date.now() > until) throw new Error(`import ${importId} still ${body.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const countImported = async (importId: string) =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM occurrences WHERE import_id = ${importId}`.execute(t.ctx.db)).rows[0].n;

describe('POST /v1/imports — the shared Darwin Core and Camtrap DP files', () => {
  it('gbif-results.zip: 158 rows, 22 stored, 136 rejected with their reasons', async () => {
    const { importId } = await upload('gbif-results.zip', readFileSync(path.join(SHARED_DATA, 'dwc/gbif-results.zip')));
    const r = await finished(importId);
    expect(r.status).toBe('completed');
    // Read from occurrence.txt (158 lines, ignoreHeaderLines 0; columns per meta.xml):
    //   37 have no decimalLatitude/Longitude but a date,            → COORDINATES_MISSING
    //   64 have neither coordinates nor eventDate/year,             → both
    //   28 have coordinates but no eventDate and no year,           → EVENT_DATE_MISSING
    //    6 have coordinates, no date and basisOfRecord UNKNOWN,     → date + BASIS_OF_RECORD_INVALID
    //    1 has no coordinates, no date and UNKNOWN                  → all three
    //   22 have coordinates, a date (ISO, a Java "Tue Apr 01 … 1930" date, or a year) and a known basis → stored.
    // 37 + 64 + 1 = 102 without coordinates, as SOURCES.md says; 6 + 1 = 7 UNKNOWN.
    expect(r.counts).toMatchObject({ inserted: 22, rejected: 136 });
    expect(await countImported(importId)).toBe(r.counts.inserted);
    const csv = (await app.inject({ method: 'GET', url: `/v1/imports/${importId}/errors.csv`, headers: surveyor })).body;
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.match(/COORDINATES_MISSING/g)?.length).toBe(2 * 102); // both latitude and longitude are named
    expect(csv.match(/BASIS_OF_RECORD_INVALID/g)?.length).toBe(7);
    expect(csv.match(/EVENT_DATE_MISSING/g)?.length).toBe(64 + 28 + 6 + 1);
    const rejectedRows = new Set(
      csv
        .split('\r\n')
        .slice(1)
        .filter(Boolean)
        .map((l) => l.split(',')[1]),
    );
    expect(rejectedRows.size).toBe(r.counts.rejected);
  });

  it('dwca-simple-test-archive.zip: a valid archive whose 2 records lack dates and coordinates — both rejected, each naming its fields', async () => {
    // occurrence.txt: id (empty), basisOfRecord Observation, locality, family, scientificName — no eventDate, no coordinates.
    const { importId } = await upload('dwca-simple-test-archive.zip', readFileSync(path.join(SHARED_DATA, 'dwc/dwca-simple-test-archive.zip')));
    const r = await finished(importId);
    expect(r.status).toBe('completed');
    expect(r.counts).toMatchObject({ inserted: 0, rejected: 2 });
    const csv = (await app.inject({ method: 'GET', url: `/v1/imports/${importId}/errors.csv`, headers: surveyor })).body;
    expect(csv).toContain(`${importId}:occurrence.txt:1`); // occurrenceID falls back to importId:file:row
    expect(csv.match(/EVENT_DATE_MISSING/g)?.length).toBe(2);
  });

  it('MOBOTDarwinCore.csv (tab-separated, BOM): 3 rows; 2 without coordinates rejected, 1 stored with its date from year/month/day', async () => {
    const { importId } = await upload('MOBOTDarwinCore.csv', readFileSync(path.join(SHARED_DATA, 'dwc/MOBOTDarwinCore.csv')));
    const r = await finished(importId);
    expect(r.counts).toMatchObject({ inserted: 1, rejected: 2 });
  });

  it('ebird.tab.txt: 8 rows in UPPERCASE terms; rows 4 and 7 are the same record, so 7 stored and 1 unchanged', async () => {
    const { importId } = await upload('ebird.tab.txt', readFileSync(path.join(SHARED_DATA, 'dwc/ebird.tab.txt')));
    const r = await finished(importId);
    expect(r.counts).toMatchObject({ inserted: 7, unchanged: 1, rejected: 0 });
  });

  it('dwca-malformed-descriptor/ (zipped): meta.xml declares 235 fields, rows have 234 — fails before anything is stored', async () => {
    const { default: yazl } = await import('yazl');
    const zip = new yazl.ZipFile();
    for (const f of ['meta.xml', 'occurrence.txt']) zip.addFile(path.join(SHARED_DATA, 'dwc/dwca-malformed-descriptor', f), f);
    zip.end();
    const chunks: Buffer[] = [];
    for await (const c of zip.outputStream) chunks.push(c as Buffer);
    const { importId } = await upload('dwca-malformed-descriptor.zip', Buffer.concat(chunks));
    const r = await finished(importId);
    expect(r.status).toBe('failed');
    expect(r.error).toMatchObject({ code: 'DWCA_FIELD_COUNT_MISMATCH' });
    expect(r.error.message).toMatch(/235 fields .* 234/);
    expect(await countImported(importId)).toBe(0);
  });

  it('dwca-io-archive-occ.zip: 1,534 rows from the sub-folder, DwC 1.x terms mapped', async () => {
    const { importId } = await upload('dwca-io-archive-occ.zip', readFileSync(path.join(SHARED_DATA, 'dwc/dwca-io-archive-occ.zip')));
    const r = await finished(importId);
    expect(r.status).toBe('completed');
    // every one of the 1,534 rows has DecimalLatitude/Longitude, EarliestDateCollected ("1999-06-18 00:00:00.0")
    // and BasisOfRecord PreservedSpecimen: all stored (flagged outside Jilin — they are in Turkey)
    expect(r.counts).toMatchObject({ inserted: 1534, rejected: 0 });
    expect(r.progress.rowsDone).toBe(1534);
  });

  it('fails invalid archives with a message naming the problem, importing nothing', async () => {
    for (const [file, code, msg] of [
      ['dwc/dwca-invalid-simple-two.zip', 'DWCA_META_MISSING', /meta\.xml is missing/],
      ['dwc/dwca-orphaned-rows.zip', 'DWCA_ORPHANED_EXTENSION_ROWS', /7/],
    ] as const) {
      const { importId } = await upload(path.basename(file), readFileSync(path.join(SHARED_DATA, file)));
      const r = await finished(importId);
      expect(r.status).toBe('failed');
      expect(r.error.code).toBe(code);
      expect(r.error.message).toMatch(msg);
      expect(await countImported(importId)).toBe(0);
    }
  });

  it('Camtrap DP (zipped folder): 4 deployments → events with trap-days, 29 animal observations → MachineObservation occurrences', async () => {
    const { default: yazl } = await import('yazl');
    const zip = new yazl.ZipFile();
    const dir = path.join(SHARED_DATA, 'camtrap-dp-example');
    for (const f of ['datapackage.json', 'deployments.csv', 'media.csv', 'observations.csv']) zip.addFile(path.join(dir, f), `mica/${f}`);
    zip.end();
    const chunks: Buffer[] = [];
    for await (const c of zip.outputStream) chunks.push(c as Buffer);
    const { importId } = await upload('mica-camtrap-dp.zip', Buffer.concat(chunks));
    const r = await finished(importId);
    expect(r.status).toBe('completed');
    expect(r.counts.events.inserted).toBe(4);
    // 29 event-level animal observations; the Belgian points lie outside Jilin (flagged, stored)
    expect(r.counts.inserted).toBe(29);
    expect(r.counts.stats).toMatchObject({ blank: 115, human: 33, vehicle: 21 });
    const basis = await sql<{
      b: string;
      n: number;
    }>`SELECT basis_of_record AS b, count(*)::int AS n FROM occurrences WHERE import_id = ${importId} GROUP BY 1`.execute(t.ctx.db);
    expect(basis.rows).toEqual([{ b: 'MachineObservation', n: 29 }]);
    const effort = await sql<{ unit: string }>`SELECT DISTINCT sampling_effort_unit AS unit FROM survey_events WHERE import_id = ${importId}`.execute(t.ctx.db);
    expect(effort.rows).toEqual([{ unit: 'trap-days' }]);
  });

  it('recognises the same file uploaded twice and does not import it again', async () => {
    const content = readFileSync(path.join(SHARED_DATA, 'dwc/dwca-simple-test-archive.zip'));
    const again = await upload('again.zip', content);
    expect(again.duplicate).toBe(true);
  });

  it('imports a GBK CSV with Chinese headers, and a 100,000-row CSV with progress to the end', async () => {
    const iconv = (await import('iconv-lite')).default;
    const gbk = iconv.encode(
      '记录编号,物种学名,中文名,经度,纬度,调查日期,数量\r\ngbk-1,Capreolus pygargus,狍,128.1,42.1,2025-05-01,2\r\ngbk-2,,狍,128.1,42.1,2025-05-01,1\r\n',
      'gbk',
    );
    const a = await finished((await upload('调查记录.csv', gbk)).importId);
    expect(a.counts).toMatchObject({ inserted: 1, rejected: 1 });
    const dir = mkdtempSync(path.join(tmpdir(), 'biomon-big-'));
    const lines = ['occurrenceID,scientificName,eventDate,decimalLatitude,decimalLongitude,individualCount'];
    for (let i = 0; i < 100_000; i++)
      lines.push(`big-${i},Sus scrofa,2025-0${1 + (i % 9)}-1${i % 10},${(42 + (i % 1000) / 1000).toFixed(4)},${(126 + (i % 997) / 500).toFixed(4)},${i % 5}`);
    const file = path.join(dir, 'big.csv');
    writeFileSync(file, lines.join('\n'));
    const { importId } = await upload('big.csv', readFileSync(file));
    const seen = new Set<number>();
    const until = Date.now() + 300_000;
    let body;
    for (;;) {
      body = (await app.inject({ method: 'GET', url: `/v1/imports/${importId}`, headers: surveyor })).json();
      seen.add(body.progress.rowsDone);
      if (body.status === 'completed' || body.status === 'failed' || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(body.status).toBe('completed');
    expect(body.counts.inserted).toBe(100_000);
    expect(body.progress).toMatchObject({ rowsDone: 100_000, percent: 100 });
    expect([...seen].some((n) => n > 0 && n < 100_000)).toBe(true); // progress was reported on the way
  }, 400_000);

  it('serves the template with both header forms', async () => {
    const dwc = (await app.inject({ method: 'GET', url: '/v1/imports/template.csv' })).body;
    const zh = (await app.inject({ method: 'GET', url: '/v1/imports/template.csv?headers=zh' })).body;
    expect(dwc.split('\r\n')[0]).toContain('scientificName');
    expect(zh.split('\r\n')[0]).toContain('物种学名');
  });
});
