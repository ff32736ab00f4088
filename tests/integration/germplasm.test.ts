import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { openPlainTable } from '@biomon/occurrences';
import { MCPD_FIELDS, formatDms, parseDms } from '@biomon/germplasm';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';
import { ACCESSIONS, BAD_ROWS, INSTITUTIONS, mcpdCsv, normaliseMultiForTest, type Row } from './germplasm-fixture';

// The germplasm registry (issue 20) on a real MCPD v2.1 file: the standard's header, a handful of
// accessions for every STORAGE code (10, 11, 12, 13, 20, 30, 40, 50, 99, and multi-values), the
// documented example values (LATITUDE 10---S, LONGITUDE 0762510W, COLLDATE 196805--, ACCENAME
// multi-values), and four rows the standard refuses. Imported through POST /v1/imports as a
// department, exported as CSV, TSV and XLSX, and imported again: nothing changes.

let t: TestContext;
let app: FastifyInstance;
let worker: RunningWorker;
let dir: string;
const H: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'biomon-germplasm-'));
  t = await createTestContext({ fileStoreDir: dir });
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
  const forestry = await t.ctx.db.selectFrom('departments').select('id').where('name', '=', '省林草局').executeTakeFirstOrThrow();
  H.department = await authAs(t, 'department', { departmentId: forestry.id });
  H.evaluator = await authAs(t, 'evaluator');
  H.surveyor = await authAs(t, 'surveyor', { team: 'germplasm-team' });
  H.public = {};
  for (const inst of INSTITUTIONS) {
    const res = await app.inject({ method: 'POST', url: '/v1/germplasm/institutions', headers: H.department, payload: inst });
    expect(res.statusCode, res.body).toBe(201);
  }
});
afterAll(async () => {
  await worker?.stop();
  await app?.close();
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

function multipart(fileName: string, content: Buffer) {
  const boundary = `----germ${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  return {
    payload: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

async function upload(fileName: string, content: Buffer, who = H.department) {
  const m = multipart(fileName, content);
  return app.inject({ method: 'POST', url: '/v1/imports', headers: { ...who, ...m.headers }, payload: m.payload });
}

async function importFile(fileName: string, content: Buffer) {
  const res = await upload(fileName, content);
  expect(res.statusCode, res.body).toBe(202);
  const { importId } = res.json();
  for (const until = Date.now() + 60_000; Date.now() < until; ) {
    const res = await app.inject({ method: 'GET', url: `/v1/imports/${importId}`, headers: H.department });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    if (s.status === 'completed' || s.status === 'failed') return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`import ${importId} did not finish`);
}

/** The passport an accession must come back with: trimmed, multi-values joined by ';', decimal degrees filled from DMS. */
function expectedPassport(r: Row): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) {
    const s = normaliseMultiForTest(k, String(v));
    if (s !== '') out[k] = s;
  }
  if (out.LATITUDE && !out.DECLATITUDE) out.DECLATITUDE = String(Math.round(parseDms(out.LATITUDE, 'lat')! * 1e6) / 1e6);
  if (out.LONGITUDE && !out.DECLONGITUDE) out.DECLONGITUDE = String(Math.round(parseDms(out.LONGITUDE, 'lon')! * 1e6) / 1e6);
  return out;
}

async function readTable(fileName: string, body: Buffer) {
  const p = path.join(dir, fileName);
  writeFileSync(p, body);
  const table = await openPlainTable(p, { file: fileName });
  const rows: Record<string, string>[] = [];
  for await (const r of table.rows()) {
    const o: Record<string, string> = {};
    table.header.forEach((h, i) => {
      if ((r.cells[i] ?? '') !== '') o[h] = r.cells[i];
    });
    rows.push(o);
  }
  await table.close();
  return { header: table.header, rows };
}

describe('MCPD v2.1 files through POST /v1/imports', () => {
  let firstImport: Record<string, unknown>;

  it('DMS coordinates read as the standard documents them', () => {
    // closed forms: 10---S = −10°; 0762510W = −(76 + 25/60 + 10/3600)°; 4330--N = 43.5°
    expect(parseDms('10---S', 'lat')).toBe(-10);
    expect(parseDms('0762510W', 'lon')).toBeCloseTo(-(76 + 25 / 60 + 10 / 3600), 12);
    expect(parseDms('4330--N', 'lat')).toBe(43.5);
    expect(parseDms('4399--N', 'lat')).toBeNull();
    expect(parseDms('10--30S', 'lat')).toBeNull(); // a second without a minute
    expect(formatDms(-(76 + 25 / 60 + 10 / 3600), 'lon')).toBe('0762510W');
  });

  it('a surveyor may not import an MCPD file, and a department imports nothing else', async () => {
    expect((await upload('mcpd.csv', Buffer.from(mcpdCsv(ACCESSIONS)), H.surveyor)).statusCode).toBe(403);
    const dwc = 'occurrenceID,scientificName,eventDate,decimalLatitude,decimalLongitude\nx-1,Capreolus pygargus,2025-06-01,42.1,128.1\n';
    const res = await upload('records.csv', Buffer.from(dwc), H.department);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.details.reason).toBe('scope');
  });

  it('imports the file: every valid accession stored, each refused row with its field and code', async () => {
    const s = await importFile('jilin-mcpd-v2.1.csv', Buffer.from(mcpdCsv([...ACCESSIONS, ...BAD_ROWS.map((b) => b.row)])));
    firstImport = s;
    expect(s.status).toBe('completed');
    expect(s.format).toBe('mcpd-csv');
    expect(s.counts).toMatchObject({ inserted: ACCESSIONS.length, updated: 0, unchanged: 0, rejected: BAD_ROWS.length });
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM germplasm_accessions`.execute(t.ctx.db);
    expect(n.rows[0].n).toBe(ACCESSIONS.length);
    // nothing of it became an occurrence
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM occurrences`.execute(t.ctx.db)).rows[0].n).toBe(0);
    const csv = (await app.inject({ method: 'GET', url: `/v1/imports/${s.importId}/errors.csv`, headers: H.department })).body;
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/)
      .slice(1);
    const got = lines.map((l) => l.split(',').slice(3, 5).join(':')).sort();
    expect(got).toEqual(BAD_ROWS.map((b) => `${b.expect.field}:${b.expect.code}`).sort());
    // the row numbers are those of the file (header = line 1, data row k = row k)
    const rowsOf = lines.map((l) => Number(l.split(',')[1])).sort((a, b) => a - b);
    expect(rowsOf).toEqual(BAD_ROWS.map((_, i) => ACCESSIONS.length + i + 1));
  });

  it('round-trips through CSV, TSV and XLSX exports: the same passports, and a re-import changes nothing', async () => {
    const want = new Map(ACCESSIONS.map((r) => [`${r.INSTCODE}/${r.ACCENUMB}`, expectedPassport(r)]));
    for (const format of ['csv', 'tsv', 'xlsx'] as const) {
      const res = await app.inject({ method: 'GET', url: `/v1/germplasm/accessions/export?format=${format}`, headers: H.evaluator });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      const { header, rows } = await readTable(`export.${format}`, res.rawPayload);
      expect(header).toEqual([...MCPD_FIELDS, 'DOMAIN']);
      expect(rows.length).toBe(ACCESSIONS.length);
      for (const row of rows) {
        const key = `${row.INSTCODE}/${row.ACCENUMB}`;
        const { DOMAIN, ...passport } = row;
        const exp = want.get(key)!;
        expect(passport, `${format} ${key}`).toEqual(Object.fromEntries(Object.entries(exp).filter(([k]) => k !== 'DOMAIN')));
        expect(DOMAIN).toBe(exp.DOMAIN ?? (Number(exp.SAMPSTAT) < 200 ? 'wild_plant' : 'crop'));
      }
      const again = await importFile(`reimport.${format}`, res.rawPayload);
      expect(again.status).toBe('completed');
      expect(again.format).toBe(`mcpd-${format}`);
      expect(again.counts, format).toMatchObject({ inserted: 0, updated: 0, unchanged: ACCESSIONS.length, rejected: 0 });
    }
    expect(firstImport.status).toBe('completed');
  });

  it('keeps multi-value descriptors as values: STORAGE filters by each, ACCENAME normalised', async () => {
    const q = async (qs: string) => (await app.inject({ method: 'GET', url: `/v1/germplasm/accessions?${qs}&limit=1000`, headers: H.evaluator })).json();
    const byStorage = (code: number) =>
      ACCESSIONS.filter((r) =>
        String(r.STORAGE ?? '')
          .split(';')
          .map((s) => s.trim())
          .includes(String(code)),
      )
        .map((r) => r.ACCENUMB)
        .sort();
    for (const code of [10, 11, 12, 13, 20, 30, 40, 50, 99]) {
      const page = await q(`storage=${code}`);
      expect(page.accessions.map((a: { accenumb: string }) => a.accenumb).sort(), `storage ${code}`).toEqual(byStorage(code));
      expect(byStorage(code).length).toBeGreaterThan(0); // the file holds every storage type
    }
    const a1 = (await q('institution=CHN001')).accessions.find((a: { accenumb: string }) => a.accenumb === 'ZDD00001');
    expect(a1.passport.ACCENAME).toBe('吉林野大豆1号;Jilin wild soybean 1');
    const stored = await sql<{ storage: number[] }>`SELECT storage FROM germplasm_accessions WHERE accenumb = 'JLGB-0001'`.execute(t.ctx.db);
    expect(stored.rows[0].storage).toEqual([13, 40]);
  });

  it('finds accessions by taxon in Chinese or Latin, synonyms and infraspecific names included', async () => {
    const ids = async (qs: string) =>
      ((await app.inject({ method: 'GET', url: `/v1/germplasm/accessions?${qs}` })).json().accessions as { accenumb: string }[]).map((a) => a.accenumb).sort();
    // "Glycine soja var. gracilis" is not in the checklist: it rolls up to its species 野大豆
    expect(await ids('taxon=野大豆')).toEqual(['ZDD00001']);
    expect(await ids('taxon=Glycine%20soja')).toEqual(['ZDD00001']);
    expect(await ids('taxon=红松')).toEqual(['CBG-0001', 'JLGB-0005']);
    expect(await ids('domain=microbial')).toEqual(['JLCC-0001']);
    expect(await ids('sampstat=300')).toEqual(
      ACCESSIONS.filter((r) => String(r.SAMPSTAT) === '300')
        .map((r) => r.ACCENUMB)
        .sort(),
    );
  });

  it('generalises the collecting sites of sensitive taxa below evaluator, and withholds COLLSITE, ELEVATION and REMARKS', async () => {
    const ginseng = ACCESSIONS.find((r) => r.ACCENUMB === 'JLGB-0001')!;
    const [lon, lat] = [Number(ginseng.DECLONGITUDE), Number(ginseng.DECLATITUDE)];
    const cell = await sql<{
      x: number;
      y: number;
    }>`SELECT ST_X(c) AS x, ST_Y(c) AS y FROM biomon_cell_centre(ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326), 10000) c`.execute(t.ctx.db);
    for (const who of ['public', 'surveyor', 'department']) {
      const page = (await app.inject({ method: 'GET', url: '/v1/germplasm/accessions?taxon=人参', headers: H[who] })).json();
      expect(page.accessions).toHaveLength(1);
      const a = page.accessions[0];
      expect(a.generalised, who).toBe(true);
      expect(a.passport.COLLSITE).toBeUndefined();
      expect(a.passport.ELEVATION).toBeUndefined();
      expect(a.passport.REMARKS).toBeUndefined();
      expect(a.location.coordinates[0]).toBeCloseTo(Number(cell.rows[0].x), 9);
      expect(a.location.coordinates[1]).toBeCloseTo(Number(cell.rows[0].y), 9);
      expect(Number(a.passport.DECLONGITUDE)).toBeCloseTo(Number(cell.rows[0].x), 5);
      expect(Number(a.passport.COORDUNCERT)).toBeGreaterThanOrEqual(7071);
      const exp = await app.inject({ method: 'GET', url: '/v1/germplasm/accessions/export?format=csv&taxon=Panax%20ginseng', headers: H[who] });
      for (const secret of [ginseng.DECLATITUDE, ginseng.DECLONGITUDE, '长白山北坡', '松林下', String(ginseng.ELEVATION)])
        expect(exp.body).not.toContain(String(secret));
    }
    // a crop accession of a taxon that is not sensitive but in the checklist is shown as it is
    const soja = (await app.inject({ method: 'GET', url: '/v1/germplasm/accessions?taxon=Glycine%20soja' })).json().accessions[0];
    expect(soja.generalised).toBe(false);
    expect(soja.passport.DECLATITUDE).toBe('43.1234');
    // evaluators see the exact site and every descriptor
    const ev = (await app.inject({ method: 'GET', url: '/v1/germplasm/accessions?taxon=人参', headers: H.evaluator })).json().accessions[0];
    expect(ev.generalised).toBe(false);
    expect(ev.location.coordinates).toEqual([lon, lat]);
    expect(ev.passport.COLLSITE).toBe(ginseng.COLLSITE);
  });

  it('POST /v1/germplasm/accessions: idempotent by (INSTCODE, ACCENUMB), batch answer, writers only', async () => {
    const rec = { INSTCODE: 'JL-BG-001', ACCENUMB: 'CBG-0100', GENUS: 'Rhododendron', SPECIES: 'dauricum', SAMPSTAT: 100, STORAGE: '20', DOMAIN: 'wild_plant' };
    const post = (records: unknown[], who = H.department) =>
      app.inject({ method: 'POST', url: '/v1/germplasm/accessions', headers: who, payload: { records } });
    expect((await post([rec], H.surveyor)).statusCode).toBe(403);
    const first = (await post([rec])).json();
    expect(first).toMatchObject({ inserted: 1, updated: 0, unchanged: 0, rejected: [] });
    expect((await post([rec])).json()).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    const changed = (
      await post([
        { ...rec, STORAGE: '20;13' },
        { ...rec, STORAGE: '99' },
      ])
    ).json();
    expect(changed).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 });
    expect(changed.rejected).toEqual([
      { index: 1, id: 'JL-BG-001/CBG-0100', errors: [expect.objectContaining({ field: 'ACCENUMB', code: 'MCPD_DUPLICATE_ACCESSION' })] },
    ]);
    const bad = await post([{ ...rec, ACCENUMB: 'CBG-0101', ORIGCTY: 'China', COLLDATE: '2015-09-15', FOO: 1 }]);
    expect(bad.statusCode).toBe(422);
    const errs = bad
      .json()
      .error.details.rejected[0].errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)
      .sort();
    expect(errs).toEqual(['COLLDATE:MCPD_DATE_INVALID', 'FOO:MCPD_FIELD_UNKNOWN', 'ORIGCTY:MCPD_COUNTRY_INVALID']);
  });

  it('a taxon flagged sensitive after its accessions were written is generalised at once', async () => {
    const soja = ACCESSIONS.find((r) => r.ACCENUMB === 'ZDD00001')!;
    const before = (await app.inject({ method: 'GET', url: '/v1/germplasm/accessions?taxon=Glycine%20soja' })).json().accessions[0];
    expect(before.generalised).toBe(false);
    await sql`UPDATE taxa SET sensitive = true WHERE scientific_name = 'Glycine soja'`.execute(t.ctx.db);
    try {
      const after = (await app.inject({ method: 'GET', url: '/v1/germplasm/accessions?taxon=Glycine%20soja' })).json().accessions[0];
      expect(after.generalised).toBe(true);
      expect(after.passport.COLLSITE).toBeUndefined();
      expect(after.passport.DECLATITUDE).not.toBe(String(soja.DECLATITUDE));
      const csv = (await app.inject({ method: 'GET', url: '/v1/germplasm/accessions/export?format=csv&taxon=Glycine%20soja' })).body;
      expect(csv).not.toContain(String(soja.DECLATITUDE));
    } finally {
      await sql`UPDATE taxa SET sensitive = false WHERE scientific_name = 'Glycine soja'`.execute(t.ctx.db);
    }
  });

  it('lists institutions with their holdings', async () => {
    const list = (await app.inject({ method: 'GET', url: '/v1/germplasm/institutions' })).json().institutions as {
      code: string;
      accessions: number;
      livingAccessions: number;
    }[];
    expect(list.map((i) => i.code)).toEqual(INSTITUTIONS.map((i) => i.code).sort());
    const living = new Set([10, 11, 12, 13, 20, 30, 40]);
    for (const inst of list) {
      const held = ACCESSIONS.filter((r) => r.INSTCODE === inst.code);
      const extra = inst.code === 'JL-BG-001' ? 1 : 0; // CBG-0100 posted above
      expect(inst.accessions, inst.code).toBe(held.length + extra);
      expect(inst.livingAccessions, inst.code).toBe(
        held.filter((r) =>
          String(r.STORAGE ?? '')
            .split(';')
            .some((s) => living.has(Number(s))),
        ).length + extra,
      );
    }
  });
});
