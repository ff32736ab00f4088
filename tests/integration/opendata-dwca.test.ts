import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { XMLParser } from 'fast-xml-parser';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { startWorker, type RunningWorker } from '@biomon/worker';
import { createImport, processImport, storeUpload } from '@biomon/occurrences';
import { GENERALISED_OCCURRENCE_TERMS } from '@biomon/sensitive';
import { createReadStream } from 'node:fs';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';
import { parseTsv, readZip, waitForExport } from '../support/opendata';

// Darwin Core Archive export: structure (GBIF text guide), generalisation by the requester's role
// fixed at request time, and a round trip through biomon's own importer with identical records.

let t: TestContext;
let app: FastifyInstance;
let worker: RunningWorker;
const H: Record<string, { authorization: string }> = {};
const archives: Record<string, Map<string, Buffer>> = {};
const DWC = 'http://rs.tdwg.org/dwc/terms/';
const TIGER_EXACT = { lon: 130.78, lat: 42.95 }; // demo-occ-0001, camera trap hc01

beforeAll(async () => {
  t = await createTestContext({ fileStoreDir: mkdtempSync(path.join(tmpdir(), 'biomon-dwca-')) });
  await runSeeds(t.ctx.db, 'demo', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  worker = startWorker(t.ctx, pino({ level: 'silent' }), { relayIntervalMs: 50 });
  H.evaluator = await authAs(t, 'evaluator');
  H.surveyor = await authAs(t, 'surveyor', { team: 'exporters' });
  H.surveyor2 = await authAs(t, 'surveyor', { team: 'others' });
  H.admin = await authAs(t, 'admin');
}, 180_000);
afterAll(async () => {
  await worker?.stop();
  await app?.close();
  await t?.close();
});

async function exportAs(who: string, filters: Record<string, unknown> = {}): Promise<{ id: string; status: Record<string, any>; zip: Buffer }> {
  const res = await app.inject({ method: 'POST', url: '/v1/exports/dwca', headers: H[who], payload: filters });
  expect(res.statusCode, res.body).toBe(202);
  const { exportId } = res.json();
  const status = await waitForExport(app, exportId, H[who]);
  expect(status.status, JSON.stringify(status.error)).toBe('completed');
  const dl = await app.inject({ method: 'GET', url: status.links.download, headers: H[who] });
  expect(dl.statusCode).toBe(200);
  expect(dl.headers['content-type']).toBe('application/zip');
  return { id: exportId, status, zip: dl.rawPayload };
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'extension' || n === 'field' });

function table(files: Map<string, Buffer>, name: string): { header: string[]; rows: string[][] } {
  const buf = files.get(name)!;
  expect(buf, `${name} is in the archive`).toBeDefined();
  const text = buf.toString('utf8');
  expect(Buffer.from(text, 'utf8').equals(buf), `${name} is valid UTF-8`).toBe(true);
  const [header, ...rows] = parseTsv(text);
  return { header, rows };
}

describe('POST /v1/exports/dwca → worker → archive', () => {
  it("an evaluator's archive: event core + Humboldt + occurrence extensions, as meta.xml declares", async () => {
    const { status, zip } = await exportAs('evaluator');
    expect(status).toMatchObject({ core: 'event', generalised: false, counts: { occurrences: 304, events: 22, humboldt: 22, generalisedOccurrences: 0 } });
    const files = await readZip(zip);
    archives.evaluator = files;
    expect([...files.keys()].sort()).toEqual(['eml.xml', 'event.txt', 'humboldt.txt', 'meta.xml', 'occurrence.txt']);

    const meta = xml.parse(files.get('meta.xml')!.toString('utf8')).archive;
    expect(meta.metadata).toBe('eml.xml');
    const decls = [meta.core, ...meta.extension];
    for (const d of decls) {
      expect(d).toMatchObject({ encoding: 'UTF-8', fieldsTerminatedBy: '\\t', linesTerminatedBy: '\\n', ignoreHeaderLines: '1' });
      const { header, rows } = table(files, d.files.location);
      // every row has the declared number of fields; header row names the declared terms
      const indexes = d.field.map((f: { index: string }) => Number(f.index));
      expect(Math.max(...indexes) + 1).toBeLessThanOrEqual(header.length);
      for (const row of rows) expect(row.length).toBe(header.length);
      for (const f of d.field) expect(f.term.endsWith(header[Number(f.index)].replace(/^eco:/, ''))).toBe(true);
    }
    expect(meta.core).toMatchObject({ rowType: `${DWC}Event`, files: { location: 'event.txt' }, id: { index: '0' } });
    const [occDecl, hbDecl] = ['occurrence.txt', 'humboldt.txt'].map((l) => meta.extension.find((e: any) => e.files.location === l));
    expect(occDecl).toMatchObject({ rowType: `${DWC}Occurrence`, coreid: { index: '0' } });
    expect(hbDecl).toMatchObject({ rowType: 'http://rs.tdwg.org/eco/terms/Event', coreid: { index: '0' } });
    expect(hbDecl.field.map((f: any) => f.term)).toContain('http://rs.tdwg.org/eco/terms/samplingEffortValue');

    // unique ids; every extension row points at an existing core row; parents resolve
    const ev = table(files, 'event.txt');
    const eventIds = ev.rows.map((r) => r[0]);
    expect(new Set(eventIds).size).toBe(eventIds.length);
    const parentCol = ev.header.indexOf('parentEventID');
    for (const r of ev.rows) if (r[parentCol]) expect(eventIds).toContain(r[parentCol]);
    const occ = table(files, 'occurrence.txt');
    const occIds = occ.rows.map((r) => r[1]);
    expect(occ.header.slice(0, 2)).toEqual(['eventID', 'occurrenceID']);
    expect(new Set(occIds).size).toBe(304);
    for (const r of occ.rows) expect(eventIds).toContain(r[0]);
    for (const r of table(files, 'humboldt.txt').rows) expect(eventIds).toContain(r[0]);

    // exact coordinates for an evaluator
    const tiger = occ.rows.find((r) => r[1] === 'demo-occ-0001')!;
    expect(Number(tiger[occ.header.indexOf('decimalLongitude')])).toBe(TIGER_EXACT.lon);
    expect(Number(tiger[occ.header.indexOf('decimalLatitude')])).toBe(TIGER_EXACT.lat);
    expect(tiger[occ.header.indexOf('locality')]).toBe('吉林省珲春市春化镇');
    expect(occ.header).not.toContain('dataGeneralizations');

    // eml.xml: title, contacts, coverage, licence, citation from configuration
    const eml = xml.parse(files.get('eml.xml')!.toString('utf8'))['eml:eml'];
    expect(eml.dataset.title['#text']).toBe(t.config.eml.title);
    expect(eml.dataset.contact.electronicMailAddress).toBe(t.config.eml.contactEmail);
    expect(eml.dataset.intellectualRights.para.ulink.url).toBe(t.config.eml.licenceUrl);
    const bb = eml.dataset.coverage.geographicCoverage.boundingCoordinates;
    expect(Number(bb.westBoundingCoordinate)).toBeGreaterThan(121);
    expect(Number(bb.eastBoundingCoordinate)).toBeLessThan(132);
    expect(eml.dataset.coverage.temporalCoverage.rangeOfDates.beginDate.calendarDate).toMatch(/^20\d\d-\d\d-\d\d$/);
    expect(eml.additionalMetadata.metadata.gbif.citation).toBe(t.config.eml.citation);
  });

  it("a surveyor's archive is generalised: sensitive rows at the cell centre, flagged, location terms withheld", async () => {
    const { status, zip } = await exportAs('surveyor');
    expect(status.generalised).toBe(true);
    const files = await readZip(zip);
    archives.surveyor = files;
    const occ = table(files, 'occurrence.txt');
    const col = (n: string) => occ.header.indexOf(n);
    // generalised: records of sensitive taxa, every record of an event that holds one, and unmatched names (BRIEF §8)
    const [exactDb] = (
      await sql<{ n: number }>`
      WITH s AS (SELECT o.id, o.event_id FROM occurrences o JOIN taxa t ON t.id = o.taxon_id LEFT JOIN taxa pt ON pt.id = t.parent_id WHERE t.sensitive OR coalesce(pt.sensitive, false))
      SELECT count(*)::int AS n FROM occurrences o
      WHERE o.id IN (SELECT id FROM s) OR o.event_id IN (SELECT event_id FROM s) OR o.taxon_id IS NULL`.execute(t.ctx.db)
    ).rows;
    const generalised = occ.rows.filter((r) => r[col('dataGeneralizations')] !== '');
    expect(generalised.length).toBe(exactDb.n);
    expect(generalised.length).toBeGreaterThan(20);
    expect(status.counts.generalisedOccurrences).toBe(exactDb.n);
    const [centre] = (
      await sql<{
        lon: number;
        lat: number;
      }>`SELECT ST_X(c) AS lon, ST_Y(c) AS lat FROM (SELECT biomon_cell_centre(ST_SetSRID(ST_MakePoint(${TIGER_EXACT.lon}, ${TIGER_EXACT.lat}), 4326), 10000) AS c) s`.execute(
        t.ctx.db,
      )
    ).rows;
    const tiger = occ.rows.find((r) => r[col('occurrenceID')] === 'demo-occ-0001')!;
    expect(Number(tiger[col('decimalLongitude')])).toBeCloseTo(centre.lon, 5);
    expect(Number(tiger[col('decimalLatitude')])).toBeCloseTo(centre.lat, 5);
    expect(Number(tiger[col('decimalLongitude')])).not.toBe(TIGER_EXACT.lon);
    expect(Number(tiger[col('coordinateUncertaintyInMeters')])).toBeGreaterThanOrEqual(7071);
    expect(tiger[col('informationWithheld')]).toMatch(/withheld/);
    expect(tiger[col('locality')]).toBe('');
    // a generalised row carries the allowed terms only (plus those the projection computes)
    const allowed = new Set<string>([
      ...GENERALISED_OCCURRENCE_TERMS,
      'eventDate',
      'year',
      'month',
      'decimalLatitude',
      'decimalLongitude',
      'geodeticDatum',
      'coordinateUncertaintyInMeters',
      'identificationVerificationStatus',
      'dataGeneralizations',
      'informationWithheld',
    ]);
    for (const r of generalised) {
      occ.header.forEach((term, i) => {
        if (r[i] !== '') expect(allowed.has(term), `${term} of generalised ${r[col('occurrenceID')]}`).toBe(true);
      });
    }
    // no exact tiger coordinate anywhere in the archive, nor the trap's footprint
    const all = [...files.values()].map((b) => b.toString('utf8')).join('\n');
    expect(all).not.toMatch(/POINT \(130\.78 42\.95\)/);
    // generalised rows carry no eventID (it would tie them to the exact records of the same trap), so
    // they cannot sit under an event core: a generalised selection is an occurrence-core archive
    expect(status.core).toBe('occurrence');
    expect(files.has('event.txt')).toBe(false);
    for (const r of generalised) expect(col('eventID') < 0 || r[col('eventID')] === '').toBe(true);
    expect(all).not.toContain('demo-ev-ct-2023-hc01\tPanthera');
    // the roe deer of the tiger's camera trap are generalised with it; a record of no sensitive event keeps its exact point
    expect(occ.rows.some((r) => r[col('scientificName')] === 'Capreolus pygargus' && r[col('dataGeneralizations')] !== '')).toBe(true);
    const plain = occ.rows.find((r) => r[col('dataGeneralizations')] === '')!;
    expect(plain).toBeDefined();
    const [plainDb] = (
      await sql<{
        lon: number;
        lat: number;
      }>`SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM occurrences WHERE occurrence_id = ${plain[col('occurrenceID')]}`.execute(t.ctx.db)
    ).rows;
    expect(Number(plain[col('decimalLongitude')])).toBeCloseTo(plainDb.lon, 6);
  });

  it('the archive belongs to its requester: another surveyor gets 404, an admin may read it', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/exports/dwca', headers: H.surveyor, payload: { taxon: 'Panthera tigris' } });
    const { exportId } = res.json();
    await waitForExport(app, exportId, H.surveyor);
    expect((await app.inject({ method: 'GET', url: `/v1/exports/${exportId}`, headers: H.surveyor2 })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/v1/exports/${exportId}/download`, headers: H.surveyor2 })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/v1/exports/${exportId}/download`, headers: H.admin })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: `/v1/exports/${exportId}` })).statusCode).toBe(401);
    // the filter narrowed it: tigers (with subspecies) only, and the admin's download is still the surveyor's generalised view
    const files = await readZip((await app.inject({ method: 'GET', url: `/v1/exports/${exportId}/download`, headers: H.admin })).rawPayload);
    const occ = table(files, 'occurrence.txt');
    expect(occ.rows.length).toBe(22);
    expect(occ.rows.every((r) => r[occ.header.indexOf('dataGeneralizations')] !== '')).toBe(true);
  });
});

describe('bad export requests', () => {
  it('answer 4xx with the failing field and store nothing', async () => {
    const before = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM exports`.execute(t.ctx.db)).rows[0].n;
    const bad = await app.inject({ method: 'POST', url: '/v1/exports/dwca', headers: H.surveyor, payload: { bbox: '1,2,3' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.errors[0]).toMatchObject({ field: 'body.bbox', code: 'BBOX_INVALID' });
    expect((await app.inject({ method: 'POST', url: '/v1/exports/dwca', headers: H.surveyor, payload: { from: 'yesterday' } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/v1/exports/dwca', headers: H.surveyor, payload: { limit: 5 } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/v1/exports/dwca', payload: {} })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/v1/exports/not-a-uuid', headers: H.surveyor })).statusCode).toBe(400);
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM exports`.execute(t.ctx.db)).rows[0].n).toBe(before);
    // without a body the filters may come in the query string
    const q = await app.inject({ method: 'POST', url: '/v1/exports/dwca?taxon=Panthera%20tigris', headers: H.surveyor });
    expect(q.statusCode, q.body).toBe(202);
    const row = await t.ctx.db.selectFrom('exports').select(['filters', 'exact']).where('id', '=', q.json().exportId).executeTakeFirstOrThrow();
    expect(row).toEqual({ filters: { taxon: 'Panthera tigris' }, exact: false });
  });
});

describe("round trip through biomon's importer", () => {
  it("re-imports the evaluator's archive into an empty platform with identical records", async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/exports/dwca', headers: H.evaluator, payload: {} });
    const status = await waitForExport(app, res.json().exportId, H.evaluator);
    const zipBuf = (await app.inject({ method: 'GET', url: status.links.download, headers: H.evaluator })).rawPayload;
    const zipPath = path.join(t.config.fileStoreDir, 'roundtrip.zip');
    writeFileSync(zipPath, zipBuf);

    const b = await createTestContext({ fileStoreDir: mkdtempSync(path.join(tmpdir(), 'biomon-dwca-b-')) });
    try {
      await runSeeds(b.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
      const upload = await storeUpload(createReadStream(zipPath), b.config.fileStoreDir, 'roundtrip.zip');
      const { importId } = await createImport(b.ctx.db, upload, 'roundtrip.zip', { tokenId: null, role: 'surveyor', team: 'roundtrip', label: 'test' });
      const counts = await processImport(b.ctx.db, importId);
      const errs = await b.ctx.db.selectFrom('import_errors').selectAll().limit(5).execute();
      expect(errs).toEqual([]);
      expect(counts).toMatchObject({ inserted: 304, rejected: 0, events: { inserted: 22, rejected: 0 } });

      // records: every Darwin Core term as stored (platform-filled terms aside), compared as text
      const SERVER = ['identificationVerificationStatus', 'dataGeneralizations', 'informationWithheld'];
      const norm = (d: Record<string, unknown>) =>
        Object.fromEntries(
          Object.entries(d)
            .filter(([k, v]) => !SERVER.includes(k) && v !== '' && v !== null)
            .map(([k, v]) => [k, String(v)])
            .sort(([a], [c]) => (a < c ? -1 : 1)),
        );
      const read = async (db: typeof t.ctx.db) =>
        (
          await sql<{
            occurrence_id: string;
            data: Record<string, unknown>;
            lon: number;
            lat: number;
            event_start: Date;
            event_end: Date;
            scientific_name: string;
            taxon_id: number | null;
          }>`
        SELECT occurrence_id, data, ST_X(geom) AS lon, ST_Y(geom) AS lat, event_start, event_end, scientific_name, taxon_id FROM occurrences ORDER BY occurrence_id`.execute(
            db,
          )
        ).rows;
      const [a, bb] = [await read(t.ctx.db), await read(b.ctx.db)];
      expect(bb.length).toBe(a.length);
      for (let i = 0; i < a.length; i++) {
        expect(bb[i].occurrence_id).toBe(a[i].occurrence_id);
        expect(norm(bb[i].data)).toEqual(norm(a[i].data));
        expect([bb[i].lon, bb[i].lat, bb[i].event_start, bb[i].event_end, bb[i].scientific_name, bb[i].taxon_id]).toEqual([
          a[i].lon,
          a[i].lat,
          a[i].event_start,
          a[i].event_end,
          a[i].scientific_name,
          a[i].taxon_id,
        ]);
      }
      const readEv = async (db: typeof t.ctx.db) =>
        (
          await sql<Record<string, unknown>>`
        SELECT event_id, parent_event_id, sampling_protocol, event_start, event_end, sample_size_value, sample_size_unit, sampling_effort_value, sampling_effort_unit,
          is_absence_reported, target_taxonomic_scope, ST_AsText(footprint) AS footprint, data FROM survey_events ORDER BY event_id`.execute(db)
        ).rows;
      const [ea, eb] = [await readEv(t.ctx.db), await readEv(b.ctx.db)];
      expect(eb.map(({ data, ...r }) => ({ ...r, data: norm(data as Record<string, unknown>) }))).toEqual(
        ea.map(({ data, ...r }) => ({ ...r, data: norm(data as Record<string, unknown>) })),
      );
    } finally {
      await b.close();
    }
  }, 180_000);
});

describe('an archive without events', () => {
  it('an archive without events selected has an occurrence core', async () => {
    const { ingestOccurrences } = await import('@biomon/occurrences');
    await ingestOccurrences(
      t.ctx.db,
      [
        {
          occurrenceID: 'lone-1',
          scientificName: 'Capreolus pygargus',
          eventDate: '2024-05-01',
          decimalLatitude: 43.2,
          decimalLongitude: 126.1,
          geodeticDatum: 'WGS84',
          occurrenceRemarks: 'tab\there, "quoted", and\na new line',
        },
      ],
      { actor: { tokenId: null, role: 'surveyor', team: 'x', label: 'test' } },
    );
    const { status, zip } = await exportAs('evaluator', { bbox: '126.0,43.1,126.2,43.3' });
    expect(status).toMatchObject({ core: 'occurrence', counts: { occurrences: 1, events: 0 } });
    const files = await readZip(zip);
    expect([...files.keys()].sort()).toEqual(['eml.xml', 'meta.xml', 'occurrence.txt']);
    const meta = xml.parse(files.get('meta.xml')!.toString('utf8')).archive;
    expect(meta.core).toMatchObject({ rowType: `${DWC}Occurrence`, id: { index: '0' } });
    const occ = table(files, 'occurrence.txt');
    expect(occ.rows[0][occ.header.indexOf('occurrenceRemarks')]).toBe('tab\there, "quoted", and\na new line');
    // a selection mixing records with and without stored events: an Occurrence core, and the export says why
    const mixed = await exportAs('evaluator');
    expect(mixed.status).toMatchObject({ core: 'occurrence', counts: { occurrences: 305, events: 0, occurrencesWithoutStoredEvent: 1 } });
  });
});
