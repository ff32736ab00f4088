/**
 * File-import readers (CSV, Darwin Core Archive, Camtrap DP) against the public test files in
 * ../shared/data/dwc/ and ../shared/data/camtrap-dp-example/, read in place (never copied), plus
 * files this test writes to a temp dir (GBK CSV, 100,000-row CSV, small synthetic archives).
 *
 * Every expected count below was derived by reading the file itself (awk / Python csv over the
 * unzipped bytes); the comment next to each says which rows and why. These counts are the ones the
 * database side will assert after storing the rows, so they are exact, never ranges.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import iconv from 'iconv-lite';
import yazl from 'yazl';
import { openImport } from '../../packages/occurrences/src/import/index';
import { ImportFormatError, type ImportSource, type ParsedRow } from '../../packages/occurrences/src/import/import.types';
import { canonicalTerm, knownTerm, CSV_TEMPLATE_HEADERS } from '../../packages/occurrences/src/import/dwc-terms';
import { normalizeDate, normalizeBasisOfRecord, eventDateFromParts } from '../../packages/occurrences/src/import/dwc-values';

const here = path.dirname(fileURLToPath(import.meta.url));
const DWC = path.resolve(here, '../../../shared/data/dwc');
const CAMTRAP = path.resolve(here, '../../../shared/data/camtrap-dp-example');
const IMPORT_ID = 'imp-test';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'biomon-import-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

async function readAll(src: ImportSource): Promise<ParsedRow[]> {
  const out: ParsedRow[] = [];
  try {
    for await (const r of src.rows()) out.push(r);
  } finally {
    await src.close();
  }
  return out;
}

async function open(p: string, originalName?: string): Promise<ParsedRow[] & { source: ImportSource }> {
  const src = await openImport(p, { importId: IMPORT_ID, originalName });
  const rows = (await readAll(src)) as ParsedRow[] & { source: ImportSource };
  rows.source = src;
  return rows;
}

async function importError(p: string, originalName?: string): Promise<ImportFormatError> {
  let caught: unknown = null;
  try {
    const src = await openImport(p, { importId: IMPORT_ID, originalName });
    await readAll(src);
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected ${p} to fail with an ImportFormatError`).toBeInstanceOf(ImportFormatError);
  return caught as ImportFormatError;
}

const countBy = <T>(xs: T[], f: (x: T) => string | undefined): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const x of xs) {
    const k = f(x) ?? '(none)';
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};

async function writeZip(file: string, entries: { name: string; data: string | Buffer }[]): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8'), e.name);
  zip.end();
  const out = path.join(tmp, file);
  await pipeline(zip.outputStream, createWriteStream(out));
  return out;
}

describe('dwc-terms: canonicalTerm', () => {
  it('maps URIs, DwC 1.x / ABCD names, case variants and Chinese headers; keeps unknown headers verbatim', () => {
    expect(canonicalTerm('http://rs.tdwg.org/dwc/terms/scientificName')).toBe('scientificName');
    expect(canonicalTerm('http://purl.org/dc/terms/modified')).toBe('modified');
    expect(canonicalTerm('http://rs.tdwg.org/eco/terms/samplingEffortValue')).toBe('eco:samplingEffortValue');
    expect(canonicalTerm('eco:isAbsenceReported')).toBe('eco:isAbsenceReported');
    expect(canonicalTerm('targetTaxonomicScope')).toBe('eco:targetTaxonomicScope');
    expect(canonicalTerm('sampleSizeUnit')).toBe('sampleSizeUnit');
    // DwC 1.x terms of dwca-io-archive-occ.zip's meta.xml
    expect(canonicalTerm('http://rs.tdwg.org/dwc/terms/ScientificName')).toBe('scientificName');
    expect(canonicalTerm('http://rs.tdwg.org/dwc/terms/Collector')).toBe('recordedBy');
    expect(canonicalTerm('http://rs.tdwg.org/dwc/terms/EarliestDateCollected')).toBe('eventDate');
    expect(canonicalTerm('http://rs.tdwg.org/dwc/terms/DecimalLatitude')).toBe('decimalLatitude');
    expect(canonicalTerm('CollectorNumber')).toBe('recordNumber');
    expect(canonicalTerm('Latitude')).toBe('decimalLatitude');
    expect(canonicalTerm('Longitude')).toBe('decimalLongitude');
    expect(canonicalTerm('YearCollected')).toBe('year');
    expect(canonicalTerm('MonthCollected')).toBe('month');
    expect(canonicalTerm('DayCollected')).toBe('day');
    expect(canonicalTerm('BasisOfRecord')).toBe('basisOfRecord');
    // ebird.tab.txt upper-case headers; DarwinCore.txt's own header style
    expect(canonicalTerm('COORDINATEUNCERTAINTYINMETERS')).toBe('coordinateUncertaintyInMeters');
    expect(canonicalTerm('SCIENTIFIC_NAME')).toBe('scientificName');
    expect(canonicalTerm('order')).toBe('order');
    // Chinese
    const zh: [string, string][] = [
      ['物种学名', 'scientificName'],
      ['学名', 'scientificName'],
      ['拉丁名', 'scientificName'],
      ['中文名', 'vernacularName'],
      ['物种名', 'vernacularName'],
      ['经度', 'decimalLongitude'],
      ['纬度', 'decimalLatitude'],
      ['调查日期', 'eventDate'],
      ['日期', 'eventDate'],
      ['观测日期', 'eventDate'],
      ['数量', 'individualCount'],
      ['个体数', 'individualCount'],
      ['调查人', 'recordedBy'],
      ['记录人', 'recordedBy'],
      ['观察者', 'recordedBy'],
      ['地点', 'locality'],
      ['位置', 'locality'],
      ['坐标系', 'geodeticDatum'],
      ['记录编号', 'occurrenceID'],
      ['记录ID', 'occurrenceID'],
      ['备注', 'occurrenceRemarks'],
      ['样线编号', 'eventID'],
      ['调查事件', 'eventID'],
      ['调查方法', 'samplingProtocol'],
      ['鉴定人', 'identifiedBy'],
      ['坐标精度', 'coordinateUncertaintyInMeters'],
      ['坐标不确定度', 'coordinateUncertaintyInMeters'],
      ['存在状态', 'occurrenceStatus'],
      ['经度(°)', 'decimalLongitude'],
      ['数量（只）', 'individualCount'],
    ];
    for (const [h, t] of zh) expect(canonicalTerm(h), h).toBe(t);
    // Unknown: verbatim (trimmed), and knownTerm says so.
    expect(canonicalTerm(' 天气 ')).toBe('天气');
    expect(knownTerm('天气')).toBeNull();
    expect(canonicalTerm('species')).toBe('species');
    expect(canonicalTerm('http://rs.gbif.org/terms/1.0/gbifID')).toBe('http://rs.gbif.org/terms/1.0/gbifID');
    expect(canonicalTerm('http://purl.org/dc/terms/source')).toBe('http://purl.org/dc/terms/source');
  });

  it('CSV_TEMPLATE_HEADERS: every Chinese column name maps back to its term', () => {
    expect(CSV_TEMPLATE_HEADERS.length).toBeGreaterThanOrEqual(15);
    for (const { term, chinese } of CSV_TEMPLATE_HEADERS) {
      expect(canonicalTerm(term), term).toBe(term);
      expect(canonicalTerm(chinese), chinese).toBe(term);
    }
  });
});

describe('dwc-values', () => {
  it('normalizeDate converts only unambiguous forms', () => {
    expect(normalizeDate('Tue Apr 01 00:00:00 CET 1930')).toBe('1930-04-01');
    expect(normalizeDate('Tue Jan 14 00:00:00 CEST 1941')).toBe('1941-01-14');
    expect(normalizeDate('Tue May 01 21:23:12 CEST 2012')).toBe('2012-05-01');
    expect(normalizeDate('Wed Apr 01 00:00:00 CET 1930')).toBe('Wed Apr 01 00:00:00 CET 1930'); // weekday wrong
    expect(normalizeDate('Thu Nov 30 00:00:00 CET 2')).toBe('Thu Nov 30 00:00:00 CET 2'); // year 2, Julian
    expect(normalizeDate('1999-06-18 00:00:00.0')).toBe('1999-06-18');
    expect(normalizeDate('2009-06-03 15:13:54.576')).toBe('2009-06-03T15:13:54.576');
    expect(normalizeDate('2023/5/1')).toBe('2023-05-01');
    expect(normalizeDate('2023.05.01')).toBe('2023-05-01');
    expect(normalizeDate('2023年6月3日')).toBe('2023-06-03');
    expect(normalizeDate('20230501')).toBe('2023-05-01');
    expect(normalizeDate('17/5/2009')).toBe('2009-05-17');
    expect(normalizeDate('9/14/2009')).toBe('2009-09-14');
    expect(normalizeDate('5/1/2009')).toBe('5/1/2009'); // May 1 or 5 January: left for the validator
    expect(normalizeDate('5/14/2009 6:01:24 PM')).toBe('5/14/2009 6:01:24 PM');
    expect(normalizeDate('2023-02-30')).toBe('2023-02-30');
    expect(normalizeDate('2023/02/30')).toBe('2023/02/30');
    expect(normalizeDate('2020-05-30T02:57:37Z/2020-05-30T02:57:44Z')).toBe('2020-05-30T02:57:37Z/2020-05-30T02:57:44Z');
  });

  it('eventDateFromParts and normalizeBasisOfRecord', () => {
    expect(eventDateFromParts('1985', '10', '29')).toBe('1985-10-29');
    expect(eventDateFromParts('2009', '5', '4')).toBe('2009-05-04');
    expect(eventDateFromParts('1980', '2', '')).toBe('1980-02');
    expect(eventDateFromParts('1888', '', '0')).toBe('1888');
    expect(eventDateFromParts('', '', '')).toBeNull();
    expect(eventDateFromParts('1985', '13', '1')).toBeNull();
    expect(normalizeBasisOfRecord('PRESERVED_SPECIMEN')).toBe('PreservedSpecimen');
    expect(normalizeBasisOfRecord('HUMAN_OBSERVATION')).toBe('HumanObservation');
    expect(normalizeBasisOfRecord('MACHINE_OBSERVATION')).toBe('MachineObservation');
    expect(normalizeBasisOfRecord('FOSSIL_SPECIMEN')).toBe('FossilSpecimen');
    expect(normalizeBasisOfRecord('LIVING_SPECIMEN')).toBe('LivingSpecimen');
    expect(normalizeBasisOfRecord('MATERIAL_SAMPLE')).toBe('MaterialSample');
    expect(normalizeBasisOfRecord('MATERIAL_CITATION')).toBe('MaterialCitation');
    expect(normalizeBasisOfRecord('OCCURRENCE')).toBe('Occurrence');
    expect(normalizeBasisOfRecord('OBSERVATION')).toBe('Occurrence');
    expect(normalizeBasisOfRecord('UNKNOWN')).toBe('UNKNOWN');
    expect(normalizeBasisOfRecord('红外相机')).toBe('MachineObservation');
  });
});

describe('Darwin Core Archives (shared/data/dwc)', () => {
  it('gbif-results.zip: 158 occurrences, no header line, GBIF basisOfRecord mapped, Java dates converted', async () => {
    const rows = await open(path.join(DWC, 'gbif-results.zip'));
    // occurrence.txt has 158 lines, 64 tab-separated fields each (meta.xml: indexes 0..63), and
    // ignoreHeaderLines="0", so line 1 is a record: 158 occurrences, nothing else (no extensions).
    expect(rows.length).toBe(158);
    expect(rows.source.format).toBe('dwca');
    expect(rows.source.totalRows).toBe(158);
    expect(countBy(rows, (r) => r.kind)).toEqual({ occurrence: 158 });
    expect(rows.map((r) => r.rowNumber)).toEqual(Array.from({ length: 158 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.file))).toEqual(new Set(['occurrence.txt']));
    expect(rows.source.stats).toEqual({});
    // __MACOSX/ and __MACOSX/._citations.txt are skipped and reported.
    expect(rows.source.warnings.join(' ')).toMatch(/__MACOSX/);

    // Line 1 (no header): occurrenceID 607759330 at field 0, which is also <id index="0">.
    const first = rows[0].record;
    expect(first.occurrenceID).toBe('607759330');
    expect(first.scientificName).toBe('Chelonodon fluviatilis (Hamilton, 1822)');
    expect(first.catalogNumber).toBe('37109');
    expect(first.country).toBe('India');
    // 158 distinct gbif ids in field 0 → 158 distinct occurrenceIDs, none synthesised.
    expect(new Set(rows.map((r) => r.record.occurrenceID)).size).toBe(158);
    expect(rows.filter((r) => r.record.occurrenceID.startsWith(IMPORT_ID)).length).toBe(0);

    // basisOfRecord (field 5): 151 × PRESERVED_SPECIMEN → PreservedSpecimen; 7 × UNKNOWN kept
    // (lines 149–152 and 156–158) so the validator rejects them.
    expect(countBy(rows, (r) => r.record.basisOfRecord)).toEqual({ PreservedSpecimen: 151, UNKNOWN: 7 });
    expect(rows.filter((r) => r.record.basisOfRecord === 'UNKNOWN').map((r) => r.rowNumber)).toEqual([149, 150, 151, 152, 156, 157, 158]);

    // eventDate (field 28): 44 lines hold a Java date ("Tue Apr 01 00:00:00 CET 1930"), all with a
    // matching weekday → 44 ISO dates. 114 are empty; of those 15 have a year (field 26): 13 year
    // only → 'YYYY', line 19 (1980, month 2) → '1980-02', line 49 (1934, month 3) → '1934-03';
    // line 155 has day 0 but no month → '1888'. 99 lines have no date at all.
    const withDate = rows.filter((r) => r.record.eventDate !== undefined);
    expect(withDate.length).toBe(44 + 15);
    expect(rows.filter((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.record.eventDate ?? '')).length).toBe(44);
    expect(rows.filter((r) => /^\d{4}-\d{2}$/.test(r.record.eventDate ?? '')).length).toBe(2);
    expect(rows.filter((r) => /^\d{4}$/.test(r.record.eventDate ?? '')).length).toBe(13);
    expect(rows.filter((r) => /CES?T/.test(r.record.eventDate ?? '')).length).toBe(0);
    expect(rows[0].record.eventDate).toBe('1930-04-01'); // Tue Apr 01 00:00:00 CET 1930
    expect(rows[2].record.eventDate).toBe('1941-01-14'); // Tue Jan 14 00:00:00 CEST 1941
    expect(rows[18].record.eventDate).toBe('1980-02');
    expect(rows[48].record.eventDate).toBe('1934-03');
    expect(rows[16].record.eventDate).toBe('1999');
    expect(rows[154].record.eventDate).toBe('1888');
    expect(rows[154].record.day).toBe('0'); // verbatim, for the validator

    // dateIdentified (field 61): 6 values; 5 converted (lines 117, 135, 138 → 2008-12-15;
    // 136, 137 → 1988-12-31); line 155 "Thu Nov 30 00:00:00 CET 2" (year 2) stays verbatim.
    expect(
      countBy(
        rows.filter((r) => r.record.dateIdentified),
        (r) => r.record.dateIdentified,
      ),
    ).toEqual({
      '2008-12-15': 3,
      '1988-12-31': 2,
      'Thu Nov 30 00:00:00 CET 2': 1,
    });
    // decimalLatitude (field 24): 102 of 158 empty → 56 present.
    expect(rows.filter((r) => r.record.decimalLatitude !== undefined).length).toBe(56);
    // GBIF-namespace terms are not Darwin Core: kept under their URI, verbatim.
    expect(first['http://rs.gbif.org/terms/1.0/modified']).toBe('Fri Jan 18 12:47:59 CET 2013');
  });

  it('dwca-simple-test-archive.zip: 2 occurrences, id column empty → synthetic occurrenceID', async () => {
    const rows = await open(path.join(DWC, 'dwca-simple-test-archive.zip'));
    // occurrence.txt: header + 2 lines, 5 tab-separated fields (id + indexes 1..4); the id
    // (field 0) is empty in both, so occurrenceID = `${importId}:occurrence.txt:${row}`.
    expect(rows.length).toBe(2);
    expect(rows.source.totalRows).toBe(2);
    expect(countBy(rows, (r) => r.kind)).toEqual({ occurrence: 2 });
    expect(rows.map((r) => r.record.occurrenceID)).toEqual([`${IMPORT_ID}:occurrence.txt:1`, `${IMPORT_ID}:occurrence.txt:2`]);
    expect(rows[0].record).toEqual({
      // "Observation" (old DwC / GBIF OBSERVATION) is neither human nor machine: the generic class.
      basisOfRecord: 'Occurrence',
      locality: 'Borneo',
      family: 'Tetraodontidae',
      scientificName: 'tetraodon fluviatilis',
      occurrenceID: `${IMPORT_ID}:occurrence.txt:1`,
    });
    expect(rows[1].record.locality).toBe('Mumbai');
    expect(rows[1].record.scientificName).toBe('betta splendens');
  });

  it('dwca-io-archive-occ.zip: 1,534 occurrences from the archive-occ/ sub-folder, DwC 1.x terms mapped', async () => {
    const rows = await open(path.join(DWC, 'dwca-io-archive-occ.zip'));
    // archive-occ/DarwinCore.txt: 1,535 lines = header (ignoreHeaderLines="1") + 1,534 records,
    // each 27 comma-separated quoted fields (id + indexes 1..26); Python csv finds no embedded
    // newlines. __MACOSX/, __MACOSX/archive-occ/ and __MACOSX/archive-occ/._eml.xml are ignored.
    expect(rows.length).toBe(1534);
    expect(rows.source.totalRows).toBe(1534);
    expect(countBy(rows, (r) => r.kind)).toEqual({ occurrence: 1534 });
    expect(rows[0].file).toBe('DarwinCore.txt');
    expect(rows.source.warnings.join(' ')).toMatch(/Ignored 3 .*__MACOSX/);
    const r1 = rows[0].record;
    // The id (field 0, GUID) has no term: occurrenceID falls back to it.
    expect(r1.occurrenceID).toBe('3170b210-6254-43d3-9740-de18b261b594');
    expect(r1.scientificName).toBe('Ballota acetabulosa (L.) Benth.'); // …/ScientificName
    expect(r1.recordedBy).toBe('Markus Döring'); // …/Collector
    expect(r1.catalogNumber).toBe('1'); // …/CatalogNumber
    expect(r1.decimalLatitude).toBe('38.10695'); // …/DecimalLatitude
    expect(r1.decimalLongitude).toBe('26.85083');
    expect(r1.basisOfRecord).toBe('PreservedSpecimen');
    expect(r1.order).toBe('Lamiales');
    expect(r1.country).toBe('TR');
    // EarliestDateCollected "1999-06-18 00:00:00.0" → eventDate, midnight dropped;
    // dcterms:modified "2009-06-03 15:13:54.576" → ISO with T.
    expect(r1.eventDate).toBe('1999-06-18');
    expect(r1.modified).toBe('2009-06-03T15:13:54.576');
    expect(r1.locality).toBe('Doganbey - Seferihisar. Near sea , 0m. N 38°06´25´´ O 26°51´03´´');
    // All 1,534 GUIDs are distinct and all rows have a date (33 distinct days, all at midnight)
    // and coordinates; the collector is the same person on every row.
    expect(new Set(rows.map((r) => r.record.occurrenceID)).size).toBe(1534);
    expect(rows.filter((r) => /^1999-\d{2}-\d{2}$/.test(r.record.eventDate)).length).toBe(1534);
    expect(new Set(rows.map((r) => r.record.eventDate)).size).toBe(33);
    expect(rows.filter((r) => r.record.decimalLatitude && r.record.decimalLongitude).length).toBe(1534);
    expect(countBy(rows, (r) => r.record.recordedBy)).toEqual({ 'Markus Döring': 1534 });
    // Class (field 23) is empty on every row: dropped, not stored as ''.
    expect(rows.filter((r) => 'class' in r.record).length).toBe(0);
    const last = rows[1533].record;
    expect(last.occurrenceID).toBe('1ce34225-c9aa-4f88-8fee-f1847fb69fbe');
    expect(last.scientificName).toBe('Alkanna spec.');
    expect(last.eventDate).toBe('1999-07-30');
    expect(last.modified).toBe('2009-06-03T15:14:11.123');
  });

  it('dwca-invalid-simple-two.zip: no meta.xml → DWCA_META_MISSING', async () => {
    // Entries: a GBIF CSV download, __MACOSX/ + its ._ file, and an empty random_file. No meta.xml.
    const err = await importError(path.join(DWC, 'dwca-invalid-simple-two.zip'));
    expect(err.code).toBe('DWCA_META_MISSING');
    expect(err.message).toBe('meta.xml is missing: not a Darwin Core Archive');
    // The listing it reports excludes the ignored macOS entries.
    expect((err.details as { files: string[] }).files).toEqual(['0008333-160118175350007.csv', 'random_file']);
  });

  it('dwca-orphaned-rows.zip: extension rows without a core row → DWCA_ORPHANED_EXTENSION_ROWS (before DWCA_UNSUPPORTED_CORE)', async () => {
    // taxon.txt (core, rowType Taxon): ids 1, 2, 3, 4.
    // vernacularname.txt: coreids 1, 1, 1, 2, 7 → row 5 (coreid 7) is orphaned (it also has 5
    //   fields where 4 are declared; orphans are reported first).
    // description.txt: coreids 1, 1, 4, 5, 5, 6 → rows 4, 5 (coreid 5) and 6 (coreid 6) are orphaned.
    const err = await importError(path.join(DWC, 'dwca-orphaned-rows.zip'));
    expect(err.code).toBe('DWCA_ORPHANED_EXTENSION_ROWS');
    expect(err.message).toContain('vernacularname.txt (1 row, coreid 7)');
    expect(err.message).toContain('description.txt (3 rows, coreid 5, 6)');
    expect((err.details as { orphans: unknown[] }).orphans).toEqual([
      { file: 'description.txt', coreids: ['5', '6'], rows: [4, 5, 6], count: 3 },
      { file: 'vernacularname.txt', coreids: ['7'], rows: [5], count: 1 },
    ]);
  });

  it('dwca-malformed-descriptor/ (folder): meta.xml declares 235 fields, rows have 234 → DWCA_FIELD_COUNT_MISMATCH', async () => {
    // meta.xml: <id index="0"/> and fields 0..234 → 235; occurrence.txt: header (235 fields,
    // skipped by ignoreHeaderLines="1") + 4 records of 234 tab-separated fields.
    const err = await importError(path.join(DWC, 'dwca-malformed-descriptor'));
    expect(err.code).toBe('DWCA_FIELD_COUNT_MISMATCH');
    expect(err.message).toMatch(/^meta\.xml declares 235 fields but row 1 of occurrence\.txt has 234/);
    expect(err.details).toMatchObject({ file: 'occurrence.txt', declared: 235, row: 1, found: 234, rows: 4 });
  });

  it('the malformed descriptor zipped into a sub-folder fails the same way', async () => {
    const dir = path.join(DWC, 'dwca-malformed-descriptor');
    const zip = await writeZip('malformed.zip', [
      { name: 'export/meta.xml', data: readFileSync(path.join(dir, 'meta.xml')) },
      { name: 'export/occurrence.txt', data: readFileSync(path.join(dir, 'occurrence.txt')) },
      { name: '__MACOSX/export/._meta.xml', data: 'junk' },
    ]);
    const err = await importError(zip);
    expect(err.code).toBe('DWCA_FIELD_COUNT_MISMATCH');
    expect(err.message).toMatch(/^meta\.xml declares 235 fields but row 1 of occurrence\.txt has 234/);
  });
});

describe('Darwin Core Archives (synthetic)', () => {
  const META_EVENT = `<?xml version="1.0" encoding="UTF-8"?>
<archive xmlns="http://rs.tdwg.org/dwc/text/" metadata="eml.xml">
  <core encoding="UTF-8" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="http://rs.tdwg.org/dwc/terms/Event">
    <files><location>event.txt</location></files>
    <id index="0"/>
    <field index="0" term="http://rs.tdwg.org/dwc/terms/eventID"/>
    <field index="1" term="http://rs.tdwg.org/dwc/terms/eventDate"/>
    <field index="2" term="http://rs.tdwg.org/dwc/terms/samplingProtocol"/>
    <field term="http://rs.tdwg.org/dwc/terms/geodeticDatum" default="WGS84"/>
  </core>
  <extension encoding="UTF-8" fieldsTerminatedBy="," linesTerminatedBy="\\r\\n" fieldsEnclosedBy='"' ignoreHeaderLines="1" rowType="http://rs.tdwg.org/dwc/terms/Occurrence">
    <files><location>occurrence.csv</location></files>
    <coreid index="0"/>
    <field index="1" term="http://rs.tdwg.org/dwc/terms/occurrenceID"/>
    <field index="2" term="http://rs.tdwg.org/dwc/terms/scientificName"/>
    <field index="3" term="http://rs.tdwg.org/dwc/terms/basisOfRecord"/>
    <field index="4" term="http://rs.tdwg.org/dwc/terms/occurrenceStatus"/>
  </extension>
  <extension encoding="UTF-8" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="http://rs.tdwg.org/eco/terms/Event">
    <files><location>humboldt.txt</location></files>
    <coreid index="0"/>
    <field index="1" term="http://rs.tdwg.org/eco/terms/samplingEffortValue"/>
    <field index="2" term="http://rs.tdwg.org/eco/terms/samplingEffortUnit"/>
    <field index="3" term="http://rs.tdwg.org/eco/terms/isAbsenceReported"/>
  </extension>
  <extension encoding="UTF-8" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="http://rs.gbif.org/terms/1.0/Multimedia">
    <files><location>multimedia.txt</location></files>
    <coreid index="0"/>
    <field index="1" term="http://purl.org/dc/terms/identifier"/>
  </extension>
</archive>`;
  const EVENT_FILES = (occurrenceCsv: string) => [
    { name: 'meta.xml', data: META_EVENT },
    { name: 'event.txt', data: 'eventID\teventDate\tsamplingProtocol\nT1\t2023-05-01\tline transect\nT2\t2023/05/02\tline transect\n' },
    { name: 'occurrence.csv', data: occurrenceCsv },
    { name: 'humboldt.txt', data: 'eventID\teffort\tunit\tabsence\nT1\t2.5\tkm\ttrue\n' },
    { name: 'multimedia.txt', data: 'eventID\tidentifier\nT2\thttps://example.org/a.jpg\n' },
    { name: '.DS_Store', data: 'junk' },
  ];

  it('Event core: events first (Humboldt merged, defaults applied), then occurrence rows linked by coreid', async () => {
    const zip = await writeZip(
      'event-core.zip',
      EVENT_FILES(
        'eventID,occurrenceID,scientificName,basisOfRecord,occurrenceStatus\r\nT1,o1,Panthera tigris altaica,HUMAN_OBSERVATION,present\r\nT1,o2,"Lynx lynx",HumanObservation,absent\r\nT2,,Cervus canadensis,HUMAN_OBSERVATION,present\r\n',
      ),
    );
    const rows = await open(zip);
    // event.txt: 2 events; occurrence.csv: 3 rows (o1, o2 for T1; one without id for T2); humboldt
    // merged into T1; multimedia is checked for orphans (T2 exists) and ignored with a warning.
    expect(rows.source.totalRows).toBe(5);
    expect(rows.map((r) => `${r.kind}:${r.file}:${r.rowNumber}`)).toEqual([
      'event:event.txt:1',
      'event:event.txt:2',
      'occurrence:occurrence.csv:1',
      'occurrence:occurrence.csv:2',
      'occurrence:occurrence.csv:3',
    ]);
    expect(rows[0].record).toEqual({
      eventID: 'T1',
      eventDate: '2023-05-01',
      samplingProtocol: 'line transect',
      geodeticDatum: 'WGS84',
      'eco:samplingEffortValue': '2.5',
      'eco:samplingEffortUnit': 'km',
      'eco:isAbsenceReported': 'true',
    });
    expect(rows[1].record).toEqual({ eventID: 'T2', eventDate: '2023-05-02', samplingProtocol: 'line transect', geodeticDatum: 'WGS84' });
    expect(rows[2].record).toEqual({
      eventID: 'T1',
      occurrenceID: 'o1',
      scientificName: 'Panthera tigris altaica',
      basisOfRecord: 'HumanObservation',
      occurrenceStatus: 'present',
    });
    expect(rows[3].record.scientificName).toBe('Lynx lynx');
    expect(rows[4].record.eventID).toBe('T2');
    expect(rows[4].record.occurrenceID).toBe(`${IMPORT_ID}:occurrence.csv:3`);
    expect(rows.source.warnings.join(' ')).toMatch(/multimedia\.txt .* ignored/);
    expect(rows.source.warnings.join(' ')).toMatch(/Ignored 1 /); // .DS_Store
  });

  it('Event core with an occurrence pointing to a missing event → DWCA_ORPHANED_EXTENSION_ROWS', async () => {
    const zip = await writeZip(
      'event-orphan.zip',
      EVENT_FILES('eventID,occurrenceID,scientificName,basisOfRecord,occurrenceStatus\r\nT9,o1,Lynx lynx,HumanObservation,present\r\n'),
    );
    const err = await importError(zip);
    expect(err.code).toBe('DWCA_ORPHANED_EXTENSION_ROWS');
    expect(err.message).toContain('occurrence.csv (1 row, coreid T9)');
  });

  it('a data file named in meta.xml but absent → DWCA_FILE_MISSING', async () => {
    const zip = await writeZip(
      'file-missing.zip',
      EVENT_FILES('x').filter((f) => f.name !== 'humboldt.txt'),
    );
    const err = await importError(zip);
    expect(err.code).toBe('DWCA_FILE_MISSING');
    expect(err.message).toContain('humboldt.txt');
  });

  it('a Taxon core without orphans → DWCA_UNSUPPORTED_CORE', async () => {
    const meta = `<archive xmlns="http://rs.tdwg.org/dwc/text/"><core fieldsTerminatedBy="\\t" fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="http://rs.tdwg.org/dwc/terms/Taxon"><files><location>taxon.txt</location></files><id index="0"/><field index="1" term="http://rs.tdwg.org/dwc/terms/scientificName"/></core></archive>`;
    const zip = await writeZip('taxon.zip', [
      { name: 'meta.xml', data: meta },
      { name: 'taxon.txt', data: 'id\tname\n1\tLynx lynx\n' },
    ]);
    const err = await importError(zip);
    expect(err.code).toBe('DWCA_UNSUPPORTED_CORE');
  });

  it('a field-count mismatch on a later row is caught before any row is yielded', async () => {
    const meta = `<archive xmlns="http://rs.tdwg.org/dwc/text/"><core fieldsTerminatedBy="\\t" fieldsEnclosedBy="" ignoreHeaderLines="0" rowType="http://rs.tdwg.org/dwc/terms/Occurrence"><files><location>occ.txt</location></files><id index="0"/><field index="1" term="http://rs.tdwg.org/dwc/terms/scientificName"/></core></archive>`;
    const zip = await writeZip('late-mismatch.zip', [
      { name: 'meta.xml', data: meta },
      { name: 'occ.txt', data: 'a\tLynx lynx\nb\tLynx lynx\nc\tLynx lynx\textra\n' },
    ]);
    const err = await importError(zip);
    expect(err.code).toBe('DWCA_FIELD_COUNT_MISMATCH');
    expect(err.message).toMatch(/^meta\.xml declares 2 fields but row 3 of occ\.txt has 3/);
  });
});

describe('CSV files (shared/data/dwc)', () => {
  it('MOBOTDarwinCore.csv: tab-separated despite .csv, UTF-8 BOM, 3 rows; eventDate from day/month/year where present', async () => {
    const file = path.join(DWC, 'MOBOTDarwinCore.csv');
    const rows = await open(file);
    // Header (30 tab-separated names after the BOM) + 3 records; rows 2 and 3 have
    // day/month/year (29/10/1985, 1/8/1989), row 1 has none; only row 3 has coordinates.
    expect(rows.length).toBe(3);
    expect(rows.source.format).toBe('csv');
    expect(rows.source.totalRows).toBe(3);
    expect(countBy(rows, (r) => r.kind)).toEqual({ occurrence: 3 });
    // "species" (an epithet in DwC 1.2, a binomial elsewhere: deliberately not mapped) is kept as data, named once
    expect(rows.source.warnings).toEqual(['1 column(s) map to no Darwin Core term and are kept in each record\'s dynamicProperties: "species".']);
    expect(rows.source.columns![0].columns.find((c) => c.header === 'species')).toMatchObject({ term: null, via: 'dynamicProperties' });
    expect(rows.map((r) => r.record.catalogNumber)).toEqual(['1', '2', '3']); // BOM not part of the header
    expect(rows.map((r) => r.record.occurrenceID)).toEqual(['MO:Tropicos:1', 'MO:Tropicos:2', 'MO:Tropicos:3']);
    expect(rows.map((r) => r.record.eventDate)).toEqual([undefined, '1985-10-29', '1989-08-01']);
    expect(rows.map((r) => r.record.decimalLatitude)).toEqual([undefined, undefined, '-16.25']);
    expect(rows[2].record.decimalLongitude).toBe('-67.17');
    expect(rows[0].record.scientificName).toBe('Thelypteris minutula C.V. Morton');
    expect(rows[0].record.basisOfRecord).toBe('PreservedSpecimen');
    // "species" holds an epithet here but a binomial elsewhere: kept verbatim (as data, in dynamicProperties), not guessed.
    expect(JSON.parse(rows[0].record.dynamicProperties).species).toBe('minutula');
    // DwC 1.4 occurrenceDetails (a URL) is today's dcterms:references.
    expect(rows[0].record.references).toBe('http://www.tropicos.org/specimen/1');
    // Cross-check against a raw read: 4 non-empty lines, tabs, BOM.
    const raw = readFileSync(file);
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(
      raw
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim() !== '').length,
    ).toBe(4);
  });

  it('ebird.tab.txt: 8 rows, UPPERCASE headers mapped, stray quote kept, US dates with time left verbatim', async () => {
    const rows = await open(path.join(DWC, 'ebird.tab.txt'));
    // Header + 8 records, 58 tab-separated fields each, no trailing newline. Row 4 and row 7 are
    // identical (OBS69124593): both are yielded; duplicates are the validator's business.
    expect(rows.length).toBe(8);
    expect(rows.source.totalRows).toBe(8);
    expect(countBy(rows, (r) => r.kind)).toEqual({ occurrence: 8 });
    expect(new Set(rows.map((r) => r.record.occurrenceID)).size).toBe(7);
    const r1 = rows[0].record;
    expect(r1.occurrenceID).toBe('urn:catalog:AUDCLO:EBIRD:OBS70059354');
    expect(r1.scientificName).toBe('Pipilo maculatus');
    expect(r1.decimalLatitude).toBe('48.1065142');
    expect(r1.decimalLongitude).toBe('-117.58461');
    expect(r1.order).toBe('Passeriformes'); // the one lower-case header
    expect(r1.individualCount).toBe('2');
    expect(r1.eventTime).toBe('8.5'); // decimal hours, verbatim
    expect(r1.basisOfRecord).toBe('Occurrence'); // "Observation"
    // No EVENTDATE column: eventDate from YEAR/MONTH/DAY on every row.
    expect(rows.map((r) => r.record.eventDate)).toEqual([
      '2009-05-14',
      '2009-09-12',
      '2009-09-14',
      '2009-04-29',
      '2003-12-22',
      '1998-02-11',
      '2009-04-29',
      '2009-02-14',
    ]);
    // MODIFIED "5/14/2009 6:01:24 PM" (and row 6's day-first "17/5/2009 6:33:59 PM"): verbatim.
    expect(r1.modified).toBe('5/14/2009 6:01:24 PM');
    expect(rows[5].record.modified).toBe('17/5/2009 6:33:59 PM');
    // `Hole N" the Rock`: an unbalanced quote inside an unquoted field is text.
    expect(rows[3].record.locality).toBe('Hole N" the Rock');
  });
});

describe('CSV files (written by this test)', () => {
  it('GBK-encoded CSV with Chinese headers → decoded (warning names the encoding) and mapped', async () => {
    const text =
      [
        '记录编号,物种学名,中文名,经度,纬度,调查日期,数量（只）,调查人,地点,坐标系,备注,天气',
        'JL-001,Panthera tigris altaica,东北虎,130.95,43.35,2023/05/01,1,张三,珲春市春化镇,WGS84,足迹,晴',
        ',Cervus nippon,梅花鹿,128.1,42.4,2023年6月3日,3,李四;王五,长白山北坡,CGCS2000,"雌性, 幼体",阴',
      ].join('\r\n') + '\r\n';
    const file = path.join(tmp, 'survey.csv');
    writeFileSync(file, iconv.encode(text, 'gbk'));
    // The bytes are not UTF-8 (GBK double-byte hanzi); make sure the test really exercises that.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file))).toThrow();

    const rows = await open(file, 'survey.csv');
    expect(rows.length).toBe(2);
    expect(rows.source.totalRows).toBe(2);
    expect(rows.source.warnings.join(' ')).toMatch(/GB18030|GBK/);
    expect(rows[0]).toEqual({
      kind: 'occurrence',
      rowNumber: 1,
      file: 'survey.csv',
      record: {
        occurrenceID: 'JL-001',
        scientificName: 'Panthera tigris altaica',
        vernacularName: '东北虎',
        decimalLongitude: '130.95',
        decimalLatitude: '43.35',
        eventDate: '2023-05-01',
        individualCount: '1',
        recordedBy: '张三',
        locality: '珲春市春化镇',
        geodeticDatum: 'WGS84',
        occurrenceRemarks: '足迹',
        dynamicProperties: '{"天气":"晴"}', // a column no term maps to is data: kept in dynamicProperties
      },
    });
    expect(rows[1].record.occurrenceID).toBe(`${IMPORT_ID}:survey.csv:2`);
    expect(rows[1].record.eventDate).toBe('2023-06-03');
    expect(rows[1].record.occurrenceRemarks).toBe('雌性, 幼体');
    expect(rows[1].record.geodeticDatum).toBe('CGCS2000');
  });

  it('an event file (eventID + samplingProtocol + eco: terms, no scientificName) yields events', async () => {
    const file = path.join(tmp, 'events.csv');
    writeFileSync(
      file,
      'eventID,samplingProtocol,eventDate,samplingEffortValue,eco:samplingEffortUnit,isAbsenceReported\nT1,样线法,2023-05-01/2023-05-02,3.2,km,true\n',
    );
    const rows = await open(file);
    expect(rows).toHaveLength(1);
    expect(rows[0].kind).toBe('event');
    expect(rows[0].record).toEqual({
      eventID: 'T1',
      samplingProtocol: '样线法',
      eventDate: '2023-05-01/2023-05-02',
      'eco:samplingEffortValue': '3.2',
      'eco:samplingEffortUnit': 'km',
      'eco:isAbsenceReported': 'true',
    });
  });

  it('a CSV without a recognisable header → CSV_HEADER_MISSING; unknown file types are refused', async () => {
    const file = path.join(tmp, 'noheader.csv');
    writeFileSync(file, 'Panthera tigris,130.1,43.2\nLynx lynx,129.0,42.0\n');
    expect((await importError(file)).code).toBe('CSV_HEADER_MISSING');
    const xls = path.join(tmp, 'data.xlsx');
    writeFileSync(xls, 'not really');
    expect((await importError(xls)).code).toBe('IMPORT_FORMAT_UNSUPPORTED');
  });

  it('a 100,000-row CSV is streamed: heap growth stays far below the file size', async () => {
    const file = path.join(tmp, 'big.csv');
    const out = createWriteStream(file);
    out.write('occurrenceID,scientificName,vernacularName,decimalLongitude,decimalLatitude,eventDate,individualCount,recordedBy,locality,occurrenceRemarks\n');
    const remark = '沿样线步行调查，记录到新鲜足迹与粪便，生境为针阔混交林。'.repeat(2);
    for (let i = 1; i <= 100_000; i++) {
      const line = `occ-${i},Panthera tigris altaica,东北虎,${(128 + (i % 300) / 100).toFixed(2)},${(42 + (i % 200) / 100).toFixed(2)},2023-05-${String((i % 28) + 1).padStart(2, '0')},${(i % 5) + 1},调查员${i % 97},珲春保护区第${i % 50}号样线,${remark}\n`;
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const fileSize = statSync(file).size;
    expect(fileSize).toBeGreaterThan(20_000_000);

    // A forced GC before each sample makes heapUsed the retained size, not pending garbage.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let n = 0;
    let lastId = '';
    const src = await openImport(file, { importId: IMPORT_ID });
    expect(src.totalRows).toBe(100_000);
    for await (const row of src.rows()) {
      n++;
      lastId = row.record.occurrenceID;
      if (n % 10_000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      }
    }
    await src.close();
    expect(n).toBe(100_000);
    expect(lastId).toBe('occ-100000');
    // Holding the rows would retain well over the file size (~28 MB of text → objects); the
    // streaming reader keeps a few parser buffers.
    expect(peak).toBeLessThan(fileSize / 8);
  });
});

describe('Camtrap DP (shared/data/camtrap-dp-example)', () => {
  /*
   * Derivation (Python csv over the three CSVs):
   * - deployments.csv: 4 rows → 4 events (00a2c20d, 29b7d356, 577b543a, 62c200a9).
   * - observations.csv: 549 rows. By (level, type):
   *     event/animal 29, event/blank 3, event/unknown 2, event/unclassified 1, event/vehicle 1  (= 36)
   *     media/animal 337, media/blank 112, media/human 33, media/vehicle 20, media/unknown 11      (= 513)
   *   Occurrences = event-level animal observations = 29, in 24 distinct camera events (52107a58,
   *   14059fd2 and 89b807ca have 2 event-level animal observations each, 79204343 has 3).
   *   stats per type over both levels: blank 3+112 = 115, human 0+33 = 33, vehicle 1+20 = 21,
   *   unknown 2+11 = 13, unclassified 1; media-level animal 337 (every one matches an event-level
   *   observation with the same eventID and scientificName, so 0 unmatched).
   *   Check: 29 + 337 + 115 + 33 + 21 + 13 + 1 = 549.
   * - media.csv: 423 rows; every media-level observation's mediaID is one of them, and for each of
   *   the 29 events the media referenced by its observations equal the media of its deployment
   *   timestamped within [eventStart, eventEnd] (10 or 30 per event).
   * - trap-days (deploymentEnd − deploymentStart): 32.2806 → 32.28, 9.9521 → 9.95,
   *   9.1065 → 9.11, 22.0324 → 22.03.
   */
  it('folder: 4 deployment events + 29 event-level animal occurrences; blanks/humans/vehicles counted', async () => {
    const rows = await open(CAMTRAP);
    expect(rows.source.format).toBe('camtrap-dp');
    expect(rows.length).toBe(33);
    expect(rows.source.totalRows).toBe(33);
    expect(countBy(rows, (r) => r.kind)).toEqual({ event: 4, occurrence: 29 });
    // Events come before the occurrences that reference them.
    expect(rows.slice(0, 4).every((r) => r.kind === 'event')).toBe(true);
    expect(rows.source.stats).toEqual({
      deployments: 4,
      observations: 549,
      media: 423,
      eventLevelAnimal: 29,
      mediaLevelAnimal: 337,
      mediaLevelAnimalUnmatched: 0,
      blank: 115,
      human: 33,
      vehicle: 21,
      unknown: 13,
      unclassified: 1,
    });
    expect(rows.source.warnings.join(' ')).toMatch(/individuals/);

    const events = rows.filter((r) => r.kind === 'event');
    expect(events.map((e) => e.record.eventID)).toEqual(['00a2c20d', '29b7d356', '577b543a', '62c200a9']);
    expect(events.map((e) => e.record['eco:samplingEffortValue'])).toEqual(['32.28', '9.95', '9.11', '22.03']);
    expect(events[0].record).toMatchObject({
      eventID: '00a2c20d',
      samplingProtocol: 'camera trap',
      eventDate: '2020-05-30T04:57:37+02:00/2020-07-01T11:41:41+02:00',
      decimalLatitude: '51.496',
      decimalLongitude: '4.774',
      geodeticDatum: 'WGS84',
      locality: 'B_HS_val 2_processiepark',
      'eco:samplingEffortValue': '32.28',
      'eco:samplingEffortUnit': 'trap-days',
      'eco:isAbsenceReported': 'false',
      sampleSizeValue: '32.28',
      sampleSizeUnit: 'trap-days',
    });

    const occ = rows.filter((r) => r.kind === 'occurrence');
    expect(new Set(occ.map((o) => o.record.occurrenceID)).size).toBe(29);
    expect(occ.every((o) => o.record.basisOfRecord === 'MachineObservation')).toBe(true);
    expect(countBy(occ, (o) => o.record.eventID)).toEqual({ '00a2c20d': 12, '29b7d356': 9, '577b543a': 5, '62c200a9': 3 });
    expect(countBy(occ, (o) => o.record.scientificName)).toEqual({
      'Anas platyrhynchos': 15,
      'Mustela putorius': 3,
      'Rattus norvegicus': 2,
      'Anas strepera': 2,
      Aves: 2,
      Ardea: 2,
      'Ardea cinerea': 1,
      'Vulpes vulpes': 1,
      'Martes foina': 1,
    });
    // Sum of counts over the 29: 18×1 + 4×2 + 4×3 + 4 + 5 + 9 = 56.
    expect(occ.reduce((s, o) => s + Number(o.record.individualCount), 0)).toBe(56);

    // First observation row: 705e6036 (event 4bb69c45, 10 media 07840dcc…).
    const o1 = occ[0];
    expect(o1.file).toBe('observations.csv');
    expect(o1.rowNumber).toBe(1);
    expect(o1.record).toMatchObject({
      occurrenceID: '705e6036',
      eventID: '00a2c20d',
      eventDate: '2020-05-30T02:57:37Z/2020-05-30T02:57:44Z',
      scientificName: 'Anas platyrhynchos',
      individualCount: '1',
      lifeStage: 'adult',
      sex: 'female',
      behavior: 'foraging',
      identifiedBy: 'Danny Van der beeck',
      decimalLatitude: '51.496',
      decimalLongitude: '4.774',
      'camtrapdp:eventID': '4bb69c45',
    });
    const media1 = o1.record.associatedMedia.split(' | ');
    expect(media1).toHaveLength(10);
    expect(media1[0]).toBe('https://multimedia.agouti.eu/assets/07840dcc-0d99-4ab4-973b-7e4a8e20b56d/file');
    // Media per occurrence: camera events 45abeadc (1 occurrence), 79204343 (3) and 45ee3031 (1)
    // span 30 media each, every other event 10 → 5 occurrences list 30 URLs, 24 list 10.
    expect(countBy(occ, (o) => String(o.record.associatedMedia.split(' | ').length))).toEqual({ '10': 24, '30': 5 });
  });

  it('the same package as a zip (in a sub-folder, with __MACOSX junk) reads identically', async () => {
    const names = ['datapackage.json', 'deployments.csv', 'media.csv', 'observations.csv'];
    const zip = await writeZip('camtrap.zip', [
      ...names.map((n) => ({ name: `mica/${n}`, data: readFileSync(path.join(CAMTRAP, n)) })),
      { name: '__MACOSX/mica/._datapackage.json', data: 'junk' },
    ]);
    const rows = await open(zip);
    expect(rows.source.format).toBe('camtrap-dp');
    expect(countBy(rows, (r) => r.kind)).toEqual({ event: 4, occurrence: 29 });
    expect(rows.source.stats.blank).toBe(115);
    expect(rows.source.stats.mediaLevelAnimal).toBe(337);
    const folderRows = await open(CAMTRAP);
    expect(rows.map((r) => r.record)).toEqual(folderRows.map((r) => r.record));
  });
});
