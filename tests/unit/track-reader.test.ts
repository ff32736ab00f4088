/**
 * The GPS-track reader without a database (track-xml.ts, track.reader.ts): GPX 1.0/1.1 and KML 2.2
 * variants as devices and apps write them — namespace prefixes, a BOM, UTF-16, GBK, nested
 * MultiGeometry and gx:MultiTrack, missing names, elevations — format detection by extension and
 * content, the stable error codes, and which waypoint names count as naming a taxon. Files are
 * written here; the taxon lookup is a stand-in map (the integration test uses the real checklist).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import yazl from 'yazl';
import { openImport } from '../../packages/occurrences/src/import/index';
import { ImportFormatError, type ImportSource, type ParsedRow } from '../../packages/occurrences/src/import/import.types';
import { taxonCandidates, type TaxonNameLookup } from '../../packages/occurrences/src/import/track.reader';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'biomon-tracks-unit-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/**
 * The stand-in checklist: 狍, 野猪 and Capreolus pygargus exactly, "Capreolus pygargu" fuzzily, and
 * any longer "Capreolus pygargus …" rolled up to the species (as matchTaxa does).
 */
const lookup: TaxonNameLookup = async (names) =>
  new Map(
    names.map((n) => [
      n,
      ['狍', '野猪', 'Capreolus pygargus'].includes(n)
        ? { match: 'exact' }
        : n === 'Capreolus pygargu'
          ? { match: 'fuzzy' }
          : n.startsWith('Capreolus pygargus ')
            ? { match: 'infraspecific', acceptedName: 'Capreolus pygargus' }
            : { match: 'none' },
    ]),
  );

async function open(
  name: string,
  content: string | Buffer,
  opts: { crs?: 'wgs84' | 'gcj02' | 'bd09' } = {},
): Promise<{ src: ImportSource; rows: ParsedRow[] }> {
  const file = path.join(tmp, `${Math.random().toString(16).slice(2)}-${path.basename(name)}`);
  writeFileSync(file, content);
  const src = await openImport(file, { importId: 'unit', originalName: name, matchTaxonNames: lookup, ...opts });
  const rows: ParsedRow[] = [];
  for await (const r of src.rows()) rows.push(r);
  await src.close();
  return { src, rows };
}

async function failure(name: string, content: string | Buffer): Promise<ImportFormatError> {
  try {
    await open(name, content);
  } catch (err) {
    if (err instanceof ImportFormatError) return err;
    throw err;
  }
  throw new Error(`${name} was read`);
}

async function zipOf(files: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [n, c] of Object.entries(files)) zip.addBuffer(Buffer.from(c, 'utf8'), n);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const events = (rows: ParsedRow[]) => rows.filter((r) => r.kind === 'event').map((r) => r.record);
const occurrences = (rows: ParsedRow[]) => rows.filter((r) => r.kind === 'occurrence').map((r) => r.record);

describe('GPX', () => {
  it('GPX 1.0 with a gpx: prefix, a BOM, several tracks and segments, missing names, elevations', async () => {
    const gpx = `\uFEFF<?xml version="1.0" encoding="UTF-8"?>
<gpx:gpx version="1.0" xmlns:gpx="http://www.topografix.com/GPX/1/0">
 <gpx:trk><gpx:trkseg>
   <gpx:trkpt lat="42.0" lon="128.0"><gpx:ele>801.5</gpx:ele><gpx:time>2024-05-01T08:00:00Z</gpx:time></gpx:trkpt>
   <gpx:trkpt lat="42.001" lon="128.001"><gpx:ele>799</gpx:ele><gpx:time>2024-05-01T08:01:00</gpx:time></gpx:trkpt>
 </gpx:trkseg></gpx:trk>
 <gpx:trk><gpx:name>  </gpx:name>
   <gpx:trkseg><gpx:trkpt lat="42.1" lon="128.1"/><gpx:trkpt lat="42.2" lon="128.2"/></gpx:trkseg>
   <gpx:trkseg><gpx:trkpt lat="42.3" lon="128.3"/></gpx:trkseg>
   <gpx:trkseg><gpx:trkpt lat="95" lon="128.3"/><gpx:trkpt lat="42.4" lon="128.4"/><gpx:trkpt lat="42.5" lon="128.5"/></gpx:trkseg>
 </gpx:trk>
</gpx:gpx>`;
    const { src, rows } = await open('old.gpx', gpx);
    expect(src.format).toBe('gpx');
    const [a, b] = events(rows);
    // unnamed (or blank-named) tracks are <file>#<n>; a time without a zone is UTC in GPX
    expect(a).toMatchObject({
      eventID: 'old.gpx#1',
      eventDate: '2024-05-01T08:00:00Z/2024-05-01T08:01:00Z',
      footprintWKT: 'LINESTRING(128 42,128.001 42.001)',
      minimumElevationInMeters: '799',
      maximumElevationInMeters: '801.5',
    });
    // track 2: the one-point segment is dropped, the point with latitude 95 skipped → 2 segments
    expect(b).toMatchObject({ eventID: 'old.gpx#2', footprintWKT: 'MULTILINESTRING((128.1 42.1,128.2 42.2),(128.4 42.4,128.5 42.5))' });
    expect(b.eventDate).toBeUndefined();
    expect(src.stats).toMatchObject({ tracks: 2, trackSegments: 3, trackPoints: 6, segmentsTooShort: 1, pointsInvalid: 1, tracksWithoutDate: 1 });
    expect(rows.map((r) => [r.file, r.rowNumber])).toEqual([
      ['old.gpx#trk', 1],
      ['old.gpx#trk', 2],
    ]);
  });

  it('UTF-16 with a BOM, and GBK as the declaration says', async () => {
    const gpx = (enc: string) =>
      `<?xml version="1.0" encoding="${enc}"?><gpx version="1.1"><wpt lat="42.0005" lon="128.0005"><name>狍</name></wpt><trk><name>样线一</name><trkseg><trkpt lat="42" lon="128"><time>2024-05-01T00:00:00Z</time></trkpt><trkpt lat="42.001" lon="128.001"><time>2024-05-01T00:05:00Z</time></trkpt></trkseg></trk></gpx>`;
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(gpx('UTF-16'), 'utf-16le')]);
    const gbk = iconv.encode(gpx('GBK'), 'gbk');
    for (const [name, content] of [
      ['u16.gpx', utf16],
      ['gbk.gpx', gbk],
    ] as const) {
      const { rows } = await open(name, content);
      expect(events(rows)[0].eventID).toBe('样线一');
      // the waypoint "狍" (no time) → dated by the day of the track's first point in China time
      expect(occurrences(rows)[0]).toMatchObject({ occurrenceID: '样线一:wpt:1', scientificName: '狍', eventDate: '2024-05-01', eventID: '样线一' });
    }
  });

  it('recognises a GPX by its content when the name says nothing (upload.xml, no extension)', async () => {
    const gpx =
      '<?xml version="1.0"?><!-- exported --><gpx version="1.1"><trk><name>X</name><trkseg><trkpt lat="42" lon="128"><time>2024-05-01T00:00:00Z</time></trkpt><trkpt lat="42.001" lon="128"><time>2024-05-01T00:01:00Z</time></trkpt></trkseg></trk></gpx>';
    expect((await open('upload.xml', gpx)).src.format).toBe('gpx');
    expect((await open('upload', gpx)).src.format).toBe('gpx');
    // and a .gpx that holds KML is read as the KML it is
    const kml =
      '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>K</name><TimeStamp><when>2024-05-01</when></TimeStamp><LineString><coordinates>128,42 128.01,42</coordinates></LineString></Placemark></kml>';
    expect((await open('mislabelled.gpx', kml)).src.format).toBe('kml');
  });

  it('duplicate track names get #2; a GPX <extensions> declaration of the datum and protocol is read', async () => {
    const seg =
      '<trkseg><trkpt lat="42" lon="128"><time>2024-05-01T00:00:00Z</time></trkpt><trkpt lat="42.001" lon="128"><time>2024-05-01T00:01:00Z</time></trkpt></trkseg>';
    const gpx = `<gpx version="1.1"><metadata><extensions><坐标系>GCJ-02</坐标系></extensions></metadata>
      <trk><name>ACTIVE LOG</name><extensions><samplingProtocol>样线法 (1 km)</samplingProtocol><color>red</color></extensions>${seg}</trk><trk><name>ACTIVE LOG</name>${seg}</trk></gpx>`;
    const { src, rows } = await open('garmin.gpx', gpx);
    const [a, b] = events(rows);
    expect([a.eventID, b.eventID]).toEqual(['ACTIVE LOG', 'ACTIVE LOG#2']);
    expect(a).toMatchObject({ samplingProtocol: '样线法 (1 km)', verbatimSRS: 'GCJ-02', geodeticDatum: 'EPSG:4326', dynamicProperties: '{"color":"red"}' });
    expect(b.samplingProtocol).toBe('样线法');
    expect(a.footprintWKT).not.toBe('LINESTRING(128 42,128 42.001)'); // moved from GCJ-02
    expect(src.warnings.join('\n')).toMatch(/became "ACTIVE LOG#2"/);
  });
});

describe('KML', () => {
  it('MultiGeometry (nested), gx:MultiTrack, Folders in document order, a TimeSpan from the Folder', async () => {
    const kml = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2"><Document>
 <Folder><TimeSpan><begin>2024-06-01</begin><end>2024-06-02</end></TimeSpan>
   <Placemark><MultiGeometry><LineString><coordinates>128,42 128.01,42</coordinates></LineString><MultiGeometry><LineString><coordinates>128.02,42 128.03,42</coordinates></LineString></MultiGeometry></MultiGeometry></Placemark>
 </Folder>
 <Placemark><name>MT</name><gx:MultiTrack>
   <gx:Track><when>2024-06-03T08:00:00Z</when><when>2024-06-03T08:10:00Z</when><gx:coord>128.1 42.1 500</gx:coord><gx:coord>128.11 42.1 505</gx:coord></gx:Track>
   <gx:Track><when>2024-06-03T09:00:00Z</when><when>2024-06-03T09:10:00Z</when><gx:coord>128.2 42.1 510</gx:coord><gx:coord>128.21 42.1 520</gx:coord></gx:Track>
 </gx:MultiTrack></Placemark>
</Document></kml>`;
    const { rows } = await open('multi.kml', kml);
    const [a, b] = events(rows);
    expect(a).toMatchObject({
      eventID: 'multi.kml#1',
      eventDate: '2024-06-01/2024-06-02',
      footprintWKT: 'MULTILINESTRING((128 42,128.01 42),(128.02 42,128.03 42))',
    });
    expect(b).toMatchObject({
      eventID: 'MT',
      eventDate: '2024-06-03T08:00:00Z/2024-06-03T09:10:00Z',
      footprintWKT: 'MULTILINESTRING((128.1 42.1,128.11 42.1),(128.2 42.1,128.21 42.1))',
      minimumElevationInMeters: '500',
      maximumElevationInMeters: '520',
    });
  });

  it('malformed KML is KML_INVALID; a KMZ with a malformed doc.kml is KMZ_INVALID; an empty file and a stray root are named', async () => {
    const bad = '<kml><Document><Placemark></Document></kml>';
    const e1 = await failure('bad.kml', bad);
    expect(e1.code).toBe('KML_INVALID');
    expect(e1.message).toMatch(/bad\.kml is not well-formed XML: .*Placemark/);
    const e2 = await failure('bad.kmz', await zipOf({ 'doc.kml': bad }));
    expect(e2.code).toBe('KMZ_INVALID');
    expect(e2.message).toMatch(/bad\.kmz: doc\.kml is not well-formed XML/);
    expect((await failure('blank.gpx', '   \n')).code).toBe('GPX_INVALID');
    expect((await failure('page.kml', '<!DOCTYPE html><html><body/></html>')).message).toMatch(/root element is <html>, not <kml>/);
  });
});

describe('which waypoints name a taxon', () => {
  it('whole names, counts and field signs stripped, Chinese words, Latin binomials; not single Latin words', () => {
    const names = (s: string) => taxonCandidates(s).map((c) => c.name);
    expect(names('狍 3只')).toEqual(['狍 3只', '狍']);
    expect(names('野猪拱痕')).toEqual(['野猪拱痕', '野猪']);
    expect(names('Capreolus pygargus, female')).toEqual(['Capreolus pygargus, female', 'Capreolus pygargus']);
    expect(names('Tiger camp')).toEqual(['Tiger camp']);
    expect(names('12')).toEqual([]);
  });

  it('a fuzzy match counts for a whole name only; desc and cmt are read when the name names nothing', async () => {
    const seg =
      '<trk><name>T</name><trkseg><trkpt lat="42" lon="128"><time>2024-05-01T00:00:00Z</time></trkpt><trkpt lat="42.001" lon="128"><time>2024-05-01T00:01:00Z</time></trkpt></trkseg></trk>';
    const wpt = (inner: string) => `<wpt lat="42.0005" lon="128">${inner}</wpt>`;
    const gpx = `<gpx version="1.1">${wpt('<name>Capreolus pygargu</name>')}${wpt('<name>Capreolus pygargu seen</name>')}${wpt('<name>P7</name><cmt>野猪 x2</cmt>')}${wpt('<name>营地</name>')}${wpt('<name>Capreolus pygargus juv</name>')}${seg}</gpx>`;
    const { src, rows } = await open('fuzzy.gpx', gpx);
    // 1: the whole name matches fuzzily → yes; 2: the binomial inside matches only fuzzily → no;
    // 3: the comment names 野猪 → yes; 4: no; 5: the binomial inside is a checklist name, preferred to
    // the whole name rolled up to it
    expect(occurrences(rows).map((r) => [r.occurrenceID, r.scientificName])).toEqual([
      ['T:wpt:1', 'Capreolus pygargu'],
      ['T:wpt:3', '野猪'],
      ['T:wpt:5', 'Capreolus pygargus'],
    ]);
    expect(src.stats).toMatchObject({ waypoints: 5, waypointsTaxa: 3, waypointsNotTaxa: 2 });
  });

  it('a waypoint belongs to the nearest track', async () => {
    const trk = (name: string, lon: number) =>
      `<trk><name>${name}</name><trkseg><trkpt lat="42" lon="${lon}"><time>2024-05-01T00:00:00Z</time></trkpt><trkpt lat="42.01" lon="${lon}"><time>2024-05-01T00:01:00Z</time></trkpt></trkseg></trk>`;
    // west track at 128.00, east track at 128.02; waypoints at 128.009 (west, 0.9 vs 1.1 km) and 128.011 (east)
    const gpx = `<gpx version="1.1"><wpt lat="42.005" lon="128.009"><name>狍</name></wpt><wpt lat="42.005" lon="128.011"><name>狍</name></wpt>${trk('WEST', 128)}${trk('EAST', 128.02)}</gpx>`;
    const { rows } = await open('two.gpx', gpx);
    expect(occurrences(rows).map((r) => [r.occurrenceID, r.eventID])).toEqual([
      ['WEST:wpt:1', 'WEST'],
      ['EAST:wpt:2', 'EAST'],
    ]);
  });
});
