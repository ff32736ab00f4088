import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import pino from 'pino';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { CSV_TEMPLATE_HEADERS } from '@biomon/occurrences';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';
import { buildXls } from '../support/biff8';

// Excel workbooks through POST /v1/imports and the worker (issue 15). Every workbook is written
// here with exceljs's writer (serial dates as raw numbers under a date format, the 1904 flag set in
// workbook.xml, merged cells, empty rows), and the .xls one by tests/support/biff8.ts, so each
// expected count is read off the rows below.

let t: TestContext;
let app: FastifyInstance;
let worker: RunningWorker;
let surveyor: { authorization: string };
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'biomon-xlsx-'));
  t = await createTestContext({ fileStoreDir: mkdtempSync(path.join(tmpdir(), 'biomon-xlsx-files-')) });
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
  surveyor = await authAs(t, 'surveyor', { team: 'excel-team' });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await app?.close();
  await t?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function multipart(fileName: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----biomon${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(fileName: string, content: Buffer, query = ''): Promise<string> {
  const m = multipart(fileName, content);
  const res = await app.inject({ method: 'POST', url: `/v1/imports${query}`, headers: { ...surveyor, ...m.headers }, payload: m.payload });
  expect(res.statusCode, res.body).toBe(202);
  return (res.json() as { importId: string }).importId;
}

async function finished(importId: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const body = (await app.inject({ method: 'GET', url: `/v1/imports/${importId}`, headers: surveyor })).json();
    if (body.status === 'completed' || body.status === 'failed') return body;
    if (Date.now() > until) throw new Error(`import ${importId} still ${body.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const importFile = async (fileName: string, content: Buffer, timeoutMs?: number, query = '') => finished(await upload(fileName, content, query), timeoutMs);

async function bufferOf(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

interface StoredRow {
  id: string;
  data: Record<string, unknown>;
  start: string;
  lat: number;
  lon: number;
  flags: string[];
}
// start: the event's start in China time (a date without a time is a day in UTC+8)
const stored = async (importId: string, ids: string[] = []): Promise<StoredRow[]> =>
  (
    await sql<StoredRow>`
  SELECT occurrence_id AS id, data, to_char(event_start AT TIME ZONE INTERVAL '08:00', 'YYYY-MM-DD"T"HH24:MI:SS') AS start,
         ST_Y(geom::geometry) AS lat, ST_X(geom::geometry) AS lon, flags
  FROM occurrences WHERE import_id = ${importId} OR occurrence_id = ANY(${ids}::text[]) ORDER BY occurrence_id`.execute(t.ctx.db)
  ).rows;

/** Rewrites parts of a zip (e.g. a styles.xml edited to use a built-in number format id). */
async function rezip(zip: Buffer, edit: (name: string, text: string) => string): Promise<Buffer> {
  const src = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  const out = new yazl.ZipFile();
  for await (const entry of src.eachEntry()) {
    if (entry.fileName.endsWith('/')) continue;
    const chunks: Buffer[] = [];
    for await (const c of await src.openReadStreamPromise(entry)) chunks.push(c as Buffer);
    out.addBuffer(Buffer.from(edit(entry.fileName, Buffer.concat(chunks).toString('utf8')), 'utf8'), entry.fileName);
  }
  out.end();
  const chunks: Buffer[] = [];
  for await (const c of out.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('POST /v1/imports with Excel workbooks (.xlsx)', () => {
  it('records on the second sheet under Chinese headers; the first sheet is a cover page', async () => {
    const wb = new ExcelJS.Workbook();
    const cover = wb.addWorksheet('封面');
    cover.addRow(['2025 年长白山北坡样线调查']);
    cover.addRow(['调查日期', '2025-06']); // names one term (eventDate): still fewer than the records sheet
    cover.addRow(['填表人', '张三']);
    const recs = wb.addWorksheet('记录');
    recs.addRow(['记录编号', '物种学名', '中文名', '调查日期', '经度', '纬度', '坐标系', '数量', '存在状态', '记录类型', '天气']);
    recs.addRow(['xz-1', 'Capreolus pygargus', '狍', '2025-06-01', 128.06, 42.05, 'WGS84', 2, 'present', '人工观测', '晴']);
    recs.addRow(['xz-2', 'Sus scrofa', '野猪', '2025-06-01', 128.1, 42.1, 'WGS84', 1, 'present', 'HumanObservation', '多云']);
    recs.addRow(['xz-3', 'Lynx lynx', '猞猁', '2025-06-02', 128.2, 42.2, 'CGCS2000', 1, 'present', 'HumanObservation', '']);
    recs.addRow(['xz-4', 'Sus scrofa', '野猪', '2025-06-02', null, null, 'WGS84', 3, 'present', 'HumanObservation', '阴']);
    recs.addRow(['xz-5', 'Capreolus pygargus', '狍', '2025-06-03', 128.3, 42.3, 'WGS84', 0, 'absent', 'HumanObservation', '雨']);
    wb.addWorksheet('备注').addRow(['随便写点什么']);
    // 3 sheets: 封面 (header row "2025 年…" names no term; the lookahead finds "调查日期" → 1 term),
    // 记录 (11 headers, 10 of them terms; 天气 is kept in dynamicProperties), 备注 (none) → 记录 is read.
    // 5 records: xz-4 has no coordinates → COORDINATES_MISSING (rejected); the other 4 are stored.
    const r = await importFile('survey-2025.xlsx', await bufferOf(wb));
    expect(r.status, JSON.stringify(r.error)).toBe('completed');
    expect(r.format).toBe('xlsx');
    expect(r.counts).toMatchObject({ inserted: 4, rejected: 1 });
    expect(r.counts.warnings.join('\n')).toContain('Read sheet "记录" (2 of 3');
    const rows = await stored(r.importId);
    expect(rows.map((x) => x.id)).toEqual(['xz-1', 'xz-2', 'xz-3', 'xz-5']);
    expect(rows[0]).toMatchObject({ start: '2025-06-01T00:00:00', lat: 42.05, lon: 128.06 });
    expect(rows[0].data).toMatchObject({ scientificName: 'Capreolus pygargus', vernacularName: '狍', basisOfRecord: 'HumanObservation', individualCount: '2' });
    expect(JSON.stringify(rows[0].data)).toContain('晴'); // 天气, kept in dynamicProperties
    expect(rows[3].data).toMatchObject({ occurrenceStatus: 'absent' });
    // the column mapping shown with the import: 纬度 → decimalLatitude, 天气 kept as data
    const columns = (r.columns as { file: string; columns: { header: string; term: string | null }[] }[])[0].columns;
    expect(columns.find((c) => c.header === '纬度')?.term).toBe('decimalLatitude');
    expect(columns.find((c) => c.header === '天气')?.term).toBeNull();
    const errors = (await app.inject({ method: 'GET', url: `/v1/imports/${r.importId}/errors.csv`, headers: surveyor })).body;
    // xz-4 is on Excel row 5: the header is row 1, so its row number is 4
    expect(errors).toMatch(/survey-2025\.xlsx,4,xz-4,decimalLatitude,COORDINATES_MISSING/);
  });

  it('serial dates in the 1900 and the 1904 date systems give the same calendar dates', async () => {
    // Serials of the 1900 system (Excel for Windows): 45809 = 2025-06-01, 45809.75 = 2025-06-01 18:00,
    // 45000 = 2023-03-15, 36526 = 2000-01-01, 61 = 1900-03-01 (after Excel's fictitious 1900-02-29)
    // and 59 = 1900-02-28 (before it; exceljs's own conversion is a day early there). The 1904 system
    // (old Mac workbooks, <workbookPr date1904="1"/>) counts from 1904-01-01: the same dates are the
    // serials minus 1462. 59 and 61 have no 1904 counterpart (negative), so that workbook gives them
    // as text. Row d-7 uses Chinese Excel's built-in format 31 (yyyy"年"m"月"d"日"), which a workbook
    // stores as a bare numFmtId.
    const dates: [string, number, string][] = [
      ['d-1', 45809, '2025-06-01T00:00:00'],
      ['d-2', 45809.75, '2025-06-01T18:00:00'],
      ['d-3', 45000, '2023-03-15T00:00:00'],
      ['d-4', 36526, '2000-01-01T00:00:00'],
      ['d-7', 45001, '2023-03-16T00:00:00'],
    ];
    const build = async (date1904: boolean): Promise<Buffer> => {
      const wb = new ExcelJS.Workbook();
      wb.properties.date1904 = date1904;
      const ws = wb.addWorksheet('Sheet1');
      ws.addRow(['occurrenceID', 'scientificName', 'eventDate', 'decimalLatitude', 'decimalLongitude', 'verbatimEventDate']);
      for (const [id, serial] of dates) {
        const row = ws.addRow([`${date1904 ? 'm' : 'w'}${id}`, 'Sus scrofa', date1904 ? serial - 1462 : serial, 43.1, 126.2, 'x']);
        // d-7: a marker format, swapped for the built-in id 31 below
        row.getCell(3).numFmt = id === 'd-7' ? 'yyyy"年"m"月"d"日";@' : id === 'd-2' ? 'yyyy-mm-dd hh:mm' : 'yyyy-mm-dd';
      }
      if (!date1904) {
        ws.addRow(['wd-5', 'Sus scrofa', 61, 43.1, 126.2]).getCell(3).numFmt = 'yyyy-mm-dd';
        ws.addRow(['wd-6', 'Sus scrofa', 59, 43.1, 126.2]).getCell(3).numFmt = 'yyyy-mm-dd';
      }
      const zip = await bufferOf(wb);
      return rezip(zip, (name, text) => {
        if (name !== 'xl/styles.xml') return text;
        const m = text.match(/<numFmt numFmtId="(\d+)" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;;@"\/>/);
        expect(m, 'the marker format').not.toBeNull();
        return text.replace(m![0], '').replace(new RegExp(`numFmtId="${m![1]}"`, 'g'), 'numFmtId="31"');
      });
    };
    const w1900 = await build(false);
    const w1904 = await build(true);
    expect(await partText(w1904, 'xl/workbook.xml')).toMatch(/<workbookPr[^>]*date1904="1"/);
    expect(await partText(w1900, 'xl/workbook.xml')).not.toMatch(/date1904="1"/);
    expect(await partText(w1900, 'xl/styles.xml')).toMatch(/numFmtId="31"/);

    const a = await importFile('dates-1900.xlsx', w1900);
    const b = await importFile('dates-1904.xlsx', w1904);
    expect(a.counts).toMatchObject({ inserted: 7, rejected: 0 });
    expect(b.counts).toMatchObject({ inserted: 5, rejected: 0 });
    const ra = await stored(a.importId);
    const rb = await stored(b.importId);
    expect(ra.map((x) => [x.id, x.start])).toEqual([
      ...dates.map(([id, , iso]) => [`w${id}`, iso]).slice(0, 4),
      ['wd-5', '1900-03-01T00:00:00'],
      ['wd-6', '1900-02-28T00:00:00'],
      ['wd-7', '2023-03-16T00:00:00'],
    ]);
    expect(rb.map((x) => [x.id.slice(1), x.start])).toEqual(dates.map(([id, , iso]) => [id, iso]));
    // the record keeps the date as ISO text: a date-time only when the serial has a time
    expect(ra.find((x) => x.id === 'wd-2')!.data.eventDate).toBe('2025-06-01T18:00:00');
    expect(ra.find((x) => x.id === 'wd-1')!.data.eventDate).toBe('2025-06-01');
    expect(rb.find((x) => x.id === 'md-1')!.data.eventDate).toBe('2025-06-01');
  });

  it('merged header cells, empty rows in the middle and at the end, numbers without float noise, formulas, rich text', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('野外记录');
    ws.addRow(['occurrenceID', 'scientificName', 'eventDate', 'decimalLatitude', 'decimalLongitude', '备注', null, null, 'individualCount']);
    ws.mergeCells('F1:H1'); // "备注" over F–H: G and H are named 备注#2 and 备注#3
    ws.addRow(['mg-1', 'Sus scrofa', '2025-05-01', 43.1234, 126.2, '足迹', '粪便', '卧迹', 2]);
    ws.addRow([]); // an empty row in the middle
    ws.addRow([
      'mg-2',
      'Sus scrofa',
      '2025-05-01',
      { formula: 'D2*1', result: 43.123400000000004 },
      126.123456789,
      { richText: [{ text: '富', font: { bold: true } }, { text: '文本' }] },
      null,
      null,
      { formula: '1+1', result: 2 },
    ]);
    ws.addRow([null, null, null, null, null, '', '', '']); // cells with empty text: an empty row
    ws.addRow(['mg-3', 'Sus scrofa', '2025-05-02', 0.1 + 0.2 + 43, 126.2, { text: '照片', hyperlink: 'https://example.org/p/1.jpg' }, null, null, 1]);
    for (let i = 0; i < 4; i++) ws.addRow(['', '', '']); // trailing empty rows
    // Rows: 1 header; 2 mg-1; 3 empty (exceljs writes no cells for it); 4 mg-2; 5 empty; 6 mg-3; 7–10 empty.
    // 3 records; empty rows counted: rows 3 and 5 between the records + 4 after them = 6.
    const r = await importFile('merged.xlsx', await bufferOf(wb));
    expect(r.status, JSON.stringify(r.error)).toBe('completed');
    expect(r.counts).toMatchObject({ inserted: 3, rejected: 0 });
    expect(r.counts.stats).toMatchObject({ emptyRows: 6 });
    const rows = await stored(r.importId);
    expect(rows.map((x) => x.id)).toEqual(['mg-1', 'mg-2', 'mg-3']);
    const dyn = (x: StoredRow) => (typeof x.data.dynamicProperties === 'string' ? JSON.parse(x.data.dynamicProperties) : x.data.dynamicProperties);
    expect(rows[0].data.occurrenceRemarks).toBe('足迹');
    expect(dyn(rows[0])).toEqual({ '备注#2': '粪便', '备注#3': '卧迹' });
    expect(rows[1].data.occurrenceRemarks).toBe('富文本');
    expect(rows[2].data.occurrenceRemarks).toBe('照片'); // a hyperlink: its text
    // 43.1234 typed, and a formula whose cached result is 43.123400000000004 (Excel shows 43.1234)
    expect(rows[0].lat).toBe(43.1234);
    expect(rows[1].lat).toBe(43.1234);
    expect(rows[2].lat).toBe(43.3);
    expect(rows[1].lon).toBe(126.123456789);
    expect(rows[1].data.individualCount).toBe('2');
    const columns = (r.columns as { columns: { header: string; term: string | null }[] }[])[0].columns;
    expect(columns.map((c) => [c.header, c.term])).toEqual([
      ['occurrenceID', 'occurrenceID'],
      ['scientificName', 'scientificName'],
      ['eventDate', 'eventDate'],
      ['decimalLatitude', 'decimalLatitude'],
      ['decimalLongitude', 'decimalLongitude'],
      ['备注', 'occurrenceRemarks'],
      ['备注#2', null],
      ['备注#3', null],
      ['individualCount', 'individualCount'],
    ]);
  });

  it("a team's saved header mapping (?mapping=) names the columns, and so decides which sheet is read", async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/import-mappings/xlsx-sheet',
      headers: surveyor,
      payload: { columns: { 编号: 'occurrenceID', 物种: 'scientificName', 经度E: 'decimalLongitude', 纬度N: 'decimalLatitude' } },
    });
    expect(put.statusCode, put.body).toBe(201);
    const wb = new ExcelJS.Workbook();
    const other = wb.addWorksheet('其他');
    other.addRow(['日期', '备注']); // 2 terms (eventDate, occurrenceRemarks)
    other.addRow(['2025-05-01', '不是记录']);
    const mine = wb.addWorksheet('我的表');
    mine.addRow(['编号', '物种', '经度E', '纬度N', '日期']); // 1 term by name (日期); 5 with the mapping
    mine.addRow(['map-1', 'Sus scrofa', 126.2, 43.1, '2025-05-01']);
    mine.addRow(['map-2', 'Sus scrofa', 126.3, 43.2, '2025-05-02']);
    const content = await bufferOf(wb);
    // without the mapping, 其他 names more terms: its one row is read and refused (no id, no name, no coordinates)
    const plain = await importFile('mapped.xlsx', content);
    expect(plain.counts).toMatchObject({ inserted: 0, rejected: 1 });
    expect(plain.counts.warnings.join('\n')).toContain('Read sheet "其他"');
    // with it, 我的表 names 5 terms: both records stored (a different file, as the same one twice is recognised by its hash)
    wb.title = 'v2';
    const mapped = await importFile('mapped-2.xlsx', await bufferOf(wb), undefined, '?mapping=xlsx-sheet');
    expect(mapped).toMatchObject({ status: 'completed', mapping: 'xlsx-sheet', counts: { inserted: 2, rejected: 0 } });
    expect(mapped.counts.warnings.join('\n')).toContain('Read sheet "我的表"');
    expect((await stored(mapped.importId)).map((x) => [x.id, x.lat, x.lon])).toEqual([
      ['map-1', 43.1, 126.2],
      ['map-2', 43.2, 126.3],
    ]);
  });

  it('a zip bomb named .xlsx fails once with the archive caps, before anything is inflated', async () => {
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'), '[Content_Types].xml');
    zip.addBuffer(
      Buffer.from(
        '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="S" sheetId="1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>',
      ),
      'xl/workbook.xml',
    );
    // 8 MiB of one repeated row compress about 1000:1
    const row = '<row><c t="inlineStr"><is><t>x</t></is></c></row>';
    zip.addBuffer(
      Buffer.from(`<worksheet><sheetData>${row.repeat(Math.ceil((8 * 1024 * 1024) / row.length))}</sheetData></worksheet>`),
      'xl/worksheets/sheet1.xml',
    );
    zip.end();
    const chunks: Buffer[] = [];
    for await (const c of zip.outputStream) chunks.push(c as Buffer);
    const r = await importFile('bomb.xlsx', Buffer.concat(chunks));
    expect(r.status).toBe('failed');
    expect(r.error.code).toBe('ARCHIVE_COMPRESSION_RATIO');
    expect(r.error.message).toMatch(/xl\/worksheets\/sheet1\.xml is compressed \d+:1/);
    expect(await stored(r.importId)).toEqual([]);
    // failed once: the job is not retried (bullmq's backoff is 1 s, then 2 s)
    const q = t.ctx.queues.get('imports')!;
    await new Promise((res) => setTimeout(res, 3500));
    const jobs = (await q.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed'], 0, -1)).filter((j) => j?.data?.importId === r.importId);
    expect(jobs).toHaveLength(1);
    expect([await jobs[0].getState(), jobs[0].attemptsMade]).toEqual(['failed', 1]);
  });

  it('a workbook whose sheet inflates to more than its central directory declares fails with ZIP_INVALID (no hang)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('S');
    ws.addRow(['occurrenceID', 'scientificName', 'eventDate', 'decimalLatitude', 'decimalLongitude']);
    for (let i = 0; i < 50; i++) ws.addRow([`lz-${i}`, 'Sus scrofa', '2025-05-01', 43.1, 126.2]);
    const zip = await bufferOf(wb);
    // central directory header of the sheet: signature PK\1\2, uncompressed size at offset 24, name at 46
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    let at = -1;
    for (let i = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); i >= 0; i = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), i + 4)) {
      if (zip.subarray(i + 46, i + 46 + name.length).equals(name)) at = i;
    }
    expect(at).toBeGreaterThan(0);
    zip.writeUInt32LE(zip.readUInt32LE(at + 24) - 20, at + 24);
    const r = await importFile('lying.xlsx', zip);
    expect(r.status).toBe('failed');
    expect(r.error.code).toBe('ZIP_INVALID');
    expect(await stored(r.importId)).toEqual([]);
  });

  it("an Excel 97–2003 workbook (.xls) is read through GDAL's XLS driver (or refused with XLS_UNSUPPORTED where GDAL lacks it)", async () => {
    // Two sheets: a cover page, then 3 records under Chinese headers; x-3 has no latitude → rejected.
    // 1904 date system: serial 44347 is 2025-06-01 (45809 in the 1900 system).
    const xls = buildXls(
      [
        { name: '封面', rows: [['2025 年调查'], ['填表人', '张三']] },
        {
          name: '记录',
          rows: [
            ['记录编号', '物种学名', '调查日期', '纬度', '经度', '天气'],
            ['xls-1', 'Sus scrofa', { date: 44347 }, 43.1234, 126.2, '晴'],
            ['xls-2', 'Capreolus pygargus', { date: 44348 }, 0.1 + 0.2 + 43, 126.3, null],
            ['xls-3', 'Lynx lynx', { date: 44348 }, null, 126.4, '雨'],
          ],
        },
      ],
      { date1904: true },
    );
    const gdal = spawnSync('ogrinfo', ['--formats'], { encoding: 'utf8' });
    const hasXls = gdal.status === 0 && /^\s*XLS\s+-vector-/m.test(gdal.stdout);
    const r = await importFile('survey.xls', xls);
    if (!hasXls) {
      expect(r.status).toBe('failed');
      expect(r.error.code).toBe('XLS_UNSUPPORTED');
      expect(r.error.message).toMatch(/save it as \.xlsx/);
      return;
    }
    expect(r.status, JSON.stringify(r.error)).toBe('completed');
    expect(r.format).toBe('xls');
    expect(r.counts).toMatchObject({ inserted: 2, rejected: 1 });
    expect(r.counts.warnings.join('\n')).toContain('Read sheet "记录"');
    const rows = await stored(r.importId);
    expect(rows.map((x) => [x.id, x.data.eventDate, x.lat])).toEqual([
      ['xls-1', '2025-06-01', 43.1234],
      ['xls-2', '2025-06-02', 43.3],
    ]);
    expect(JSON.stringify(rows[0].data)).toContain('晴');
  });

  it('a file named .xlsx or .xls that is not a workbook is refused with a message saying what to do', async () => {
    const r = await importFile('export.xls', Buffer.from('<html><body><table><tr><td>物种学名</td></tr></table></body></html>'));
    expect(r.status).toBe('failed');
    expect(r.error.code).toBe('IMPORT_FORMAT_UNSUPPORTED');
    expect(r.error.message).toMatch(/save it as \.xlsx/);
  });
});

async function partText(zip: Buffer, name: string): Promise<string> {
  const src = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  for await (const entry of src.eachEntry()) {
    if (entry.fileName !== name) continue;
    const chunks: Buffer[] = [];
    for await (const c of await src.openReadStreamPromise(entry)) chunks.push(c as Buffer);
    src.close();
    return Buffer.concat(chunks).toString('utf8');
  }
  return '';
}

describe('GET /v1/imports/template.xlsx', () => {
  it.each(['dwc', 'zh'] as const)('headers=%s: header row, example row, notes sheet, drop-down lists; it imports as it is', async (headers) => {
    const res = await app.inject({ method: 'GET', url: `/v1/imports/template.xlsx?headers=${headers}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="biomon-occurrences-template(-zh)?\.xlsx"$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['记录 Records', '说明 Notes']);
    const ws = wb.worksheets[0];
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(CSV_TEMPLATE_HEADERS.map((h) => (headers === 'zh' ? h.chinese : h.term)));
    const col = (term: string) => CSV_TEMPLATE_HEADERS.findIndex((h) => h.term === term) + 1;
    const example = ws.getRow(2);
    expect(example.getCell(col('occurrenceID')).value).toBe('CBS-2025-0001');
    expect(example.getCell(col('scientificName')).value).toBe('Capreolus pygargus');
    expect(example.getCell(col('decimalLatitude')).value).toBe(42.05);
    expect((example.getCell(col('eventDate')).value as Date).toISOString()).toBe('2025-06-01T00:00:00.000Z');
    // the same example row as template.csv
    const csv = (await app.inject({ method: 'GET', url: `/v1/imports/template.csv?headers=${headers}` })).body
      .replace(/^\uFEFF/, '')
      .split('\r\n')[1]
      .split(',');
    expect(
      CSV_TEMPLATE_HEADERS.map((h, i) => {
        const v = example.getCell(i + 1).value;
        return v instanceof Date ? v.toISOString().slice(0, 10) : v === null || v === undefined ? '' : String(v);
      }),
    ).toEqual(csv);
    // drop-down lists on rows 2–10000
    const letter = (term: string) => String.fromCharCode(64 + col(term));
    const dv = (ws as unknown as { dataValidations: { find(a: string): ExcelJS.DataValidation | undefined } }).dataValidations;
    for (const [term, values] of [
      ['basisOfRecord', ['HumanObservation', 'MachineObservation', 'PreservedSpecimen']],
      ['occurrenceStatus', ['present', 'absent']],
      ['geodeticDatum', ['WGS84', 'CGCS2000', 'GCJ-02', 'BD-09']],
    ] as const) {
      for (const row of [2, 500, 10_000]) {
        const v = dv.find(`${letter(term)}${row}`);
        expect(v?.type, `${term} row ${row}`).toBe('list');
        const list = String(v!.formulae[0]).replace(/^"|"$/g, '').split(',');
        for (const value of values) expect(list).toContain(value);
      }
      expect(dv.find(`${letter(term)}10001`)).toBeUndefined();
    }
    expect(dv.find(`${letter('scientificName')}2`)).toBeUndefined();
    // the notes sheet: one row per column, Chinese then English, required ones marked
    const notes = wb.worksheets[1];
    const lines: string[][] = [];
    notes.eachRow((row) => lines.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    const byTerm = new Map(lines.filter((l) => l.length >= 5).map((l) => [l[1], l]));
    for (const h of CSV_TEMPLATE_HEADERS) expect(byTerm.has(h.term), h.term).toBe(true);
    expect(byTerm.get('decimalLatitude')![2]).toMatch(/纬度/);
    expect(byTerm.get('decimalLatitude')![3]).toMatch(/Latitude/);
    expect(byTerm.get('decimalLatitude')![4]).toMatch(/必填/);
    expect(byTerm.get('locality')![4]).toMatch(/选填/);
    expect(byTerm.get('eventDate')![2]).toMatch(/YYYY-MM-DD/);
    expect(byTerm.get('geodeticDatum')![5]).toBe('WGS84 / CGCS2000 / GCJ-02 / BD-09');

    // imported as downloaded: the example row is one record (the notes sheet names fewer terms)
    const r = await importFile(`template-${headers}.xlsx`, res.rawPayload);
    expect(r.status, JSON.stringify(r.error)).toBe('completed');
    // (the second template holds the same record as the first: unchanged then)
    expect(r.counts.inserted + r.counts.unchanged + r.counts.updated).toBe(1);
    expect(r.counts.rejected).toBe(0);
    const rows = await stored(r.importId, ['CBS-2025-0001']);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: 'CBS-2025-0001', start: '2025-06-01T00:00:00', lat: 42.05, lon: 128.06 });
    expect(rows[0].flags).toEqual([]);
  });
});

describe('a 100,000-row workbook through the worker', () => {
  it('imports with a bounded heap', async () => {
    const N = 100_000;
    const file = path.join(scratch, 'big.xlsx');
    // written by exceljs's streaming writer, shared strings (as Excel writes them) after the sheet
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
    const ws = writer.addWorksheet('样线记录');
    ws.addRow(['记录编号', '物种学名', '调查日期', '纬度', '经度', '坐标系', '数量', '调查人', '地点']).commit();
    // species without protection class (protected ones take the sensitive-location path, slower and tested elsewhere)
    const names = ['Sus scrofa', 'Capreolus pygargus', 'Lepus mandshuricus'];
    for (let i = 0; i < N; i++) {
      const row = ws.addRow([
        `big-${i}`,
        names[i % names.length],
        45000 + (i % 300),
        41.5 + ((i * 7919) % 4000) / 1000,
        122.5 + ((i * 104729) % 8000) / 1000,
        'WGS84',
        1 + (i % 5),
        `调查员${i % 97}`,
        `第${i % 50}号样线`,
      ]);
      row.getCell(3).numFmt = 'yyyy-mm-dd';
      row.commit();
    }
    ws.commit();
    await writer.commit();
    const content = readFileSync(file);
    const size = statSync(file).size;

    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 1000);
    const started = Date.now();
    let r;
    try {
      r = await importFile('big.xlsx', content, 600_000);
    } finally {
      clearInterval(sampler);
    }
    const seconds = (Date.now() - started) / 1000;
    expect(r.status, JSON.stringify(r.error)).toBe('completed');
    expect(r.counts).toMatchObject({ inserted: N, rejected: 0 });
    const growthMb = (peak - base) / 1024 / 1024;
    console.log(
      `[xlsx] ${N.toLocaleString('en')} rows (${(size / 1024 / 1024).toFixed(1)} MB workbook) through the worker in ${seconds.toFixed(1)} s (${Math.round(N / seconds)} rows/s with forced GCs), live heap growth ${growthMb.toFixed(1)} MB`,
    );
    // the workbook inflates to ~20 MB of XML and 100,000 records of ~0.5 KB each would be ~50 MB held;
    // what stays is one chunk of 1,000 records, exceljs's shared-strings table (100,000 ids) and pools
    expect(growthMb).toBeLessThan(48);
    const n = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM occurrences WHERE import_id = ${r.importId}`.execute(t.ctx.db)).rows[0].n;
    expect(n).toBe(N);
  }, 600_000);
});
