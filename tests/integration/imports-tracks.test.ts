import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import yazl from 'yazl';
import { runSeeds } from '@biomon/seed';
import { sql } from '@biomon/db';
import { processImport } from '@biomon/occurrences';
import { createTestContext, type TestContext } from '../support/test-db';
import { authAs, buildTestServer } from '../support/http';
import { REPO_ROOT } from '../support/cli';
import { haversineM, lineLengthM, vincentyM } from '../support/geodesic';

// GPS tracks (issue 15): .gpx, .kml and .kmz uploads become survey events — one per track, the
// footprint the track's line, eventDate its first and last point time, effort its geodesic length
// in km on the WGS84 ellipsoid (computed by PostGIS when stored; here checked against Vincenty's
// formula, independently) — and waypoints that name a checklist taxon become their occurrences.
// Files are built here; uploads go through POST /v1/imports, the import runs with processImport.

let t: TestContext;
let app: FastifyInstance;
const H: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  t = await createTestContext({ fileStoreDir: mkdtempSync(path.join(tmpdir(), 'biomon-tracks-')) });
  await runSeeds(t.ctx.db, 'reference', path.join(REPO_ROOT, 'seeds'));
  app = await buildTestServer(t);
  H.surveyor = await authAs(t, 'surveyor', { team: 'trackers' });
  H.evaluator = await authAs(t, 'evaluator');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

// ---- helpers -----------------------------------------------------------------------------------

type Pt = [number, number];

async function importFile(fileName: string, content: string | Buffer, query = '') {
  const boundary = 'trk';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await app.inject({
    method: 'POST',
    url: `/v1/imports${query}`,
    headers: { ...H.surveyor, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(202);
  const { importId } = res.json() as { importId: string };
  await processImport(t.ctx.db, importId);
  const status = (await app.inject({ method: 'GET', url: `/v1/imports/${importId}`, headers: H.surveyor })).json();
  return { importId, status };
}

async function zipOf(files: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const ogcEvent = async (eventId: string, headers: Record<string, string> = H.evaluator) => {
  const res = await app.inject({ method: 'GET', url: `/ogc/collections/survey-events/items/${encodeURIComponent(eventId)}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> };
};

const occurrence = async (id: string) =>
  (
    await sql<{
      event_id: string;
      lon: number;
      lat: number;
      scientific_name: string;
      accepted: string | null;
      flags: string[];
      data: Record<string, unknown>;
      event_start: Date;
      event_end: Date;
    }>`
  SELECT o.event_id, ST_X(o.geom) AS lon, ST_Y(o.geom) AS lat, o.scientific_name, t.scientific_name AS accepted, o.flags, o.data, o.event_start, o.event_end
  FROM occurrences o LEFT JOIN taxa t ON t.id = o.taxon_id WHERE o.occurrence_id = ${id}`.execute(t.ctx.db)
  ).rows[0];

/** The stored footprint's vertices, segment by segment. */
const footprint = async (eventId: string) => {
  const rows = (
    await sql<{ path: number[]; lon: number; lat: number }>`
    SELECT (d).path AS path, ST_X((d).geom) AS lon, ST_Y((d).geom) AS lat
    FROM (SELECT ST_DumpPoints(footprint) AS d FROM survey_events WHERE event_id = ${eventId}) x`.execute(t.ctx.db)
  ).rows;
  const segs: Pt[][] = [];
  for (const r of rows) {
    const seg = r.path.length === 2 ? r.path[0] - 1 : 0;
    (segs[seg] ??= []).push([r.lon, r.lat]);
  }
  return segs;
};

const km = (segments: Pt[][]) => segments.reduce((s, seg) => s + lineLengthM(seg), 0) / 1000;
const kmSphere = (segments: Pt[][]) => segments.reduce((s, seg) => s + lineLengthM(seg, haversineM), 0) / 1000;

const gpxPoint = (tag: string, [lon, lat]: Pt, inner = '') => `<${tag} lat="${lat}" lon="${lon}">${inner}</${tag}>`;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

// ---- the files ---------------------------------------------------------------------------------

// walk.gpx (GPX 1.1): two tracks, four waypoints.
// Track 1 "CBS-T01-20240501": one segment of 11 points going east at 42.4°N, 5 minutes apart from
// 2024-05-01T00:00:00Z, elevations 800…810.
const r7 = (x: number) => Math.round(x * 1e7) / 1e7; // as a GPS unit writes them (and as GeoJSON gives them back, 7 decimals)
const T1: Pt[] = Array.from({ length: 11 }, (_, i) => [r7(128.05 + 0.004 * i), r7(42.4 + 0.0005 * (i % 3))]);
const T1_START = Date.UTC(2024, 4, 1, 0, 0, 0);
// Track 2, unnamed (→ eventID "walk.gpx#2"): two segments of three points each, 10 minutes apart
// from 2024-05-01T17:30:00Z (= 2024-05-02 01:30 China time); the gap between them is not walked.
const T2A: Pt[] = [
  [128.3, 42.5],
  [128.3005, 42.506],
  [128.301, 42.512],
];
const T2B: Pt[] = [
  [128.32, 42.52],
  [128.326, 42.5205],
  [128.332, 42.521],
];
const T2_START = Date.UTC(2024, 4, 1, 17, 30, 0);
const WALK_GPX = `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="eTrex 32x" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxx="http://www.garmin.com/xmlschemas/GpxExtensions/v3">
  <metadata><name>长白山北坡 样线</name><time>2024-06-30T12:00:00Z</time></metadata>
  ${gpxPoint('wpt', [128.0605, 42.4008], '<ele>803</ele><time>2024-05-01T00:20:00Z</time><name>狍 2只</name>')}
  ${gpxPoint('wpt', [128.07, 42.401], '<name>营地</name><desc>camp site</desc>')}
  ${gpxPoint('wpt', [128.3008, 42.509], '<name>WP003</name><desc>野猪拱痕</desc>')}
  ${gpxPoint('wpt', [128.33, 42.5209], '<name>Tiger camp</name>')}
  <rte><name>planned</name>${gpxPoint('rtept', [128.0, 42.0])}${gpxPoint('rtept', [128.1, 42.1])}</rte>
  <trk><name>CBS-T01-20240501</name><desc>北坡样线 1</desc>
    <extensions><gpxx:TrackExtension><gpxx:DisplayColor>Cyan</gpxx:DisplayColor></gpxx:TrackExtension></extensions>
    <trkseg>${T1.map((p, i) => gpxPoint('trkpt', p, `<ele>${800 + i}</ele><time>${iso(T1_START + i * 300_000)}</time>`)).join('\n')}</trkseg>
  </trk>
  <trk>
    <trkseg>${T2A.map((p, i) => gpxPoint('trkpt', p, `<time>${iso(T2_START + i * 600_000)}</time>`)).join('')}</trkseg>
    <trkseg>${T2B.map((p, i) => gpxPoint('trkpt', p, `<time>${iso(T2_START + (3 + i) * 600_000)}</time>`)).join('')}</trkseg>
  </trk>
</gpx>`;

describe('GPX: one event per track, waypoints that name a taxon as its occurrences', () => {
  let status: Record<string, any>;
  beforeAll(async () => {
    ({ status } = await importFile('walk.gpx', WALK_GPX));
  });

  it('stores 2 events and 2 occurrences; the other 2 waypoints and the route are counted', () => {
    expect(status.status).toBe('completed');
    expect(status.format).toBe('gpx');
    // events: track 1 and track 2 (the <rte> is a planned route, not a track)
    // occurrences: waypoint 1 "狍 2只" (狍 = Capreolus pygargus, the count stripped) and waypoint 3,
    // whose description "野猪拱痕" names 野猪 (Sus scrofa) with a field sign; waypoint 2 "营地"
    // (camp) and waypoint 4 "Tiger camp" (a single Latin word names nothing unless it is the whole
    // name) name no taxon.
    expect(status.counts).toMatchObject({ inserted: 2, rejected: 0, events: { inserted: 2, rejected: 0 } });
    expect(status.counts.stats).toMatchObject({
      tracks: 2,
      trackSegments: 1 + 2,
      trackPoints: 11 + 3 + 3,
      waypoints: 4,
      waypointsTaxa: 2,
      waypointsNotTaxa: 2,
      routesIgnored: 1,
      tracksConverted: 0,
    });
    expect(status.counts.warnings.join('\n')).toMatch(/2 waypoint\(s\) name no checklist taxon.*营地, Tiger camp/);
  });

  it('track 1: a LineString, eventDate first/last point time, its ellipsoidal length in km, 样线法', async () => {
    const f = await ogcEvent('CBS-T01-20240501');
    expect(f.geometry).toEqual({ type: 'LineString', coordinates: T1 });
    const expected = km([T1]);
    const p = f.properties;
    expect(p).toMatchObject({
      eventID: 'CBS-T01-20240501',
      eventDate: '2024-05-01T00:00:00Z/2024-05-01T00:50:00Z',
      samplingProtocol: '样线法',
      'eco:samplingEffortUnit': 'km',
      'eco:samplingEffortProtocol': 'geodesic length of the footprint on the WGS84 ellipsoid',
      eventRemarks: '北坡样线 1',
      minimumElevationInMeters: '800',
      maximumElevationInMeters: '810',
      generalised: false,
    });
    // stored to the millimetre (6 decimals in km); Vincenty and GeographicLib agree far below that
    expect(Math.abs(Number(p['eco:samplingEffortValue']) - expected)).toBeLessThanOrEqual(1e-6);
    // not a sphere: an east–west line at 42.4°N is ~0.27 % longer on the ellipsoid than by haversine
    expect((expected - kmSphere([T1])) / expected).toBeGreaterThan(0.002);
    const row = (
      await sql<{
        v: string;
        u: string;
      }>`SELECT sampling_effort_value::text AS v, sampling_effort_unit AS u FROM survey_events WHERE event_id = 'CBS-T01-20240501'`.execute(t.ctx.db)
    ).rows[0];
    expect(row).toEqual({ v: String(p['eco:samplingEffortValue']), u: 'km' });
  });

  it('track 2: unnamed → walk.gpx#2, two segments → a MultiLineString whose length leaves out the gap', async () => {
    const f = await ogcEvent('walk.gpx#2');
    expect(f.geometry).toEqual({ type: 'MultiLineString', coordinates: [T2A, T2B] });
    // 6 points, 10 minutes apart: 17:30 → 18:20 UTC
    expect(f.properties.eventDate).toBe('2024-05-01T17:30:00Z/2024-05-01T18:20:00Z');
    const expected = km([T2A, T2B]);
    expect(Math.abs(Number(f.properties['eco:samplingEffortValue']) - expected)).toBeLessThanOrEqual(1e-6);
    // the ~1.8 km between the segments' ends is not in it
    const gapKm = vincentyM(...T2A[2], ...T2B[0]) / 1000;
    expect(gapKm).toBeGreaterThan(1.7);
    expect(km([[...T2A, ...T2B]]) - expected).toBeCloseTo(gapKm, 9);
  });

  it("waypoints → occurrences <eventID>:wpt:<n> of the nearest track, dated by their time or the track's first day", async () => {
    const w1 = await occurrence('CBS-T01-20240501:wpt:1');
    expect(w1).toMatchObject({ event_id: 'CBS-T01-20240501', lon: 128.0605, lat: 42.4008, scientific_name: '狍', accepted: 'Capreolus pygargus' });
    expect(w1.data).toMatchObject({
      basisOfRecord: 'HumanObservation',
      eventDate: '2024-05-01T00:20:00Z',
      verbatimIdentification: '狍 2只',
      samplingProtocol: '样线法',
    });
    expect(w1.event_start.toISOString()).toBe('2024-05-01T00:20:00.000Z');
    // waypoint 3 has no time: the day (China time) of track 2's first point, 2024-05-01T17:30Z = 2024-05-02 01:30 +08:00
    const w3 = await occurrence('walk.gpx#2:wpt:3');
    expect(w3).toMatchObject({ event_id: 'walk.gpx#2', scientific_name: '野猪', accepted: 'Sus scrofa' });
    expect(w3.data).toMatchObject({ eventDate: '2024-05-02', verbatimIdentification: '野猪拱痕', occurrenceRemarks: 'WP003' });
    const n = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM occurrences WHERE event_id IN ('CBS-T01-20240501', 'walk.gpx#2')`.execute(t.ctx.db))
      .rows[0].n;
    expect(n).toBe(2);
  });

  it('the same file again is the same import', async () => {
    const boundary = 'trk';
    const res = await app.inject({
      method: 'POST',
      url: '/v1/imports',
      headers: { ...H.surveyor, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="walk.gpx"\r\n\r\n${WALK_GPX}\r\n--${boundary}--\r\n`,
    });
    expect(res.json()).toMatchObject({ duplicate: true, importId: status.importId });
  });
});

// transect.kml (KML 2.2, with a BOM and kml:/gx: prefixes): a gx:Track with 5 timed points, a Point
// Placemark "东北虎足迹" (Amur tiger tracks, a sensitive taxon) and a Polygon (ignored).
const K: Pt[] = [
  [128.4, 42.3],
  [128.402, 42.305],
  [128.4055, 42.309],
  [128.409, 42.3125],
  [128.415, 42.314],
];
const TRANSECT_KML = `\uFEFF<?xml version="1.0" encoding="UTF-8"?>
<kml:kml xmlns:kml="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<kml:Document><kml:name>二道白河样线</kml:name>
  <kml:Placemark><kml:name>KML-T02</kml:name><kml:description><![CDATA[<p>晴, 两人</p>]]></kml:description>
    <kml:ExtendedData><kml:Data name="调查人"><kml:value>李四</kml:value></kml:Data><kml:Data name="天气"><kml:value>晴</kml:value></kml:Data></kml:ExtendedData>
    <gx:Track>${K.map((_, i) => `<kml:when>2024-06-10T${String(8 + i).padStart(2, '0')}:00:00+08:00</kml:when>`).join('')}${K.map(([x, y], i) => `<gx:coord>${x} ${y} ${900 + 10 * i}</gx:coord>`).join('')}</gx:Track>
  </kml:Placemark>
  <kml:Placemark><kml:name>东北虎足迹</kml:name><kml:TimeStamp><kml:when>2024-06-10T10:15:00+08:00</kml:when></kml:TimeStamp><kml:Point><kml:coordinates>128.406,42.3095</kml:coordinates></kml:Point></kml:Placemark>
  <kml:Placemark><kml:name>plot</kml:name><kml:Polygon><kml:outerBoundaryIs><kml:LinearRing><kml:coordinates>128.4,42.3 128.41,42.3 128.41,42.31 128.4,42.3</kml:coordinates></kml:LinearRing></kml:outerBoundaryIs></kml:Polygon></kml:Placemark>
</kml:Document></kml:kml>`;

describe('KML and KMZ', () => {
  it('a gx:Track: its length, its times, terms from ExtendedData; the tiger waypoint generalises it for the public', async () => {
    const { status } = await importFile('transect.kml', TRANSECT_KML);
    expect(status.status).toBe('completed');
    expect(status.format).toBe('kml');
    // 1 track → 1 event; 1 Point Placemark naming 东北虎 (the field sign 足迹 stripped) → 1 occurrence; 1 polygon ignored
    expect(status.counts).toMatchObject({ inserted: 1, events: { inserted: 1 } });
    expect(status.counts.stats).toMatchObject({ tracks: 1, trackPoints: 5, waypoints: 1, waypointsTaxa: 1, waypointsNotTaxa: 0, polygonsIgnored: 1 });

    const f = await ogcEvent('KML-T02');
    expect(f.geometry).toEqual({ type: 'LineString', coordinates: K });
    expect(f.properties).toMatchObject({
      eventDate: '2024-06-10T08:00:00+08:00/2024-06-10T12:00:00+08:00',
      recordedBy: '李四',
      eventRemarks: '晴, 两人',
      minimumElevationInMeters: '900',
      maximumElevationInMeters: '940',
      dynamicProperties: JSON.stringify({ 天气: '晴' }),
      samplingProtocol: '样线法',
    });
    expect(Math.abs(Number(f.properties['eco:samplingEffortValue']) - km([K]))).toBeLessThanOrEqual(1e-6);

    const tiger = await occurrence('KML-T02:wpt:1');
    expect(tiger).toMatchObject({ event_id: 'KML-T02', scientific_name: '东北虎', accepted: 'Panthera tigris altaica', lon: 128.406, lat: 42.3095 });
    expect(tiger.event_start.toISOString()).toBe('2024-06-10T02:15:00.000Z');
    // the public sees the event at the centre of its grid cell (BRIEF §8: an event holding a sensitive record)
    const pub = await app.inject({ method: 'GET', url: '/ogc/collections/survey-events/items/KML-T02' });
    expect(pub.json()).toMatchObject({ geometry: { type: 'Point' }, properties: { generalised: true, 'eco:samplingEffortUnit': 'km' } });
    expect(pub.json().properties.recordedBy).toBeUndefined();
  });

  it('a KMZ: doc.kml inside a zip (with a photo beside it), a LineString dated by its TimeSpan', async () => {
    const L: Pt[] = [
      [127.9, 42.1],
      [127.905, 42.1],
      [127.91, 42.104],
      [127.912, 42.11],
    ];
    const kml = `<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>
      <Placemark><name>KMZ-T03</name><TimeSpan><begin>2024-07-01T06:00:00+08:00</begin><end>2024-07-01T07:30:00+08:00</end></TimeSpan>
      <LineString><coordinates>${L.map(([x, y]) => `${x},${y},0`).join(' ')}</coordinates></LineString></Placemark></Document></kml>`;
    const kmz = await zipOf({ 'doc.kml': kml, 'files/photo.jpg': Buffer.from([0xff, 0xd8, 0xff, 0xe0]) });
    const { status } = await importFile('trip.kmz', kmz);
    expect(status.status).toBe('completed');
    expect(status.format).toBe('kmz');
    // 1 LineString Placemark → 1 event; no waypoints
    expect(status.counts).toMatchObject({ inserted: 0, events: { inserted: 1 } });
    expect(status.counts.warnings.join('\n')).toMatch(/KMZ-T03" has no point times; its eventDate .* is the date the file gives for it/);
    const f = await ogcEvent('KMZ-T03');
    expect(f.geometry).toEqual({ type: 'LineString', coordinates: L });
    expect(f.properties.eventDate).toBe('2024-07-01T06:00:00+08:00/2024-07-01T07:30:00+08:00');
    expect(Math.abs(Number(f.properties['eco:samplingEffortValue']) - km([L]))).toBeLessThanOrEqual(1e-6);
  });
});

describe('GCJ-02 tracks from phone apps are moved as points are', () => {
  // The same four vertices (as an AMap-based app records them, in GCJ-02), and a waypoint "野猪" on the third.
  const G: Pt[] = [
    [126.55, 43.82],
    [126.556, 43.8212],
    [126.5617, 43.823],
    [126.567, 43.826],
  ];
  const phoneGpx = (name: string, metadata = '') => `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="phone app" xmlns="http://www.topografix.com/GPX/1/1">${metadata}
  ${gpxPoint('wpt', G[2], '<name>野猪</name><time>2024-08-01T01:10:00Z</time>')}
  <trk><name>${name}</name><trkseg>${G.map((p, i) => gpxPoint('trkpt', p, `<time>${iso(Date.UTC(2024, 7, 1, 1, 0, 0) + i * 600_000)}</time>`)).join('')}</trkseg></trk>
</gpx>`;

  it('?crs=gcj02: every vertex lands where the same coordinate lands through POST /v1/occurrences', async () => {
    const { status } = await importFile('phone.gpx', phoneGpx('GCJ-T04'), '?crs=gcj02');
    expect(status.status).toBe('completed');
    expect(status.options).toEqual({ crs: 'gcj02' });
    expect(status.counts).toMatchObject({ inserted: 1, events: { inserted: 1 } });
    expect(status.counts.stats.tracksConverted).toBe(1);
    expect(status.counts.warnings.join('\n')).toContain('converted to WGS84 from GCJ-02 (?crs=gcj02 of the upload)');

    // the point path: the four vertices as GCJ-02 occurrences
    const records = G.map(([lon, lat], i) => ({
      occurrenceID: `gcj-vertex-${i}`,
      basisOfRecord: 'HumanObservation',
      scientificName: 'Sus scrofa',
      eventDate: '2024-08-01',
      decimalLongitude: lon,
      decimalLatitude: lat,
      geodeticDatum: 'GCJ-02',
    }));
    const res = await app.inject({ method: 'POST', url: '/v1/occurrences', headers: H.surveyor, payload: { records } });
    expect(res.statusCode, res.body).toBe(200);
    const points: Pt[] = [];
    for (let i = 0; i < G.length; i++) {
      const o = await occurrence(`gcj-vertex-${i}`);
      points.push([o.lon, o.lat]);
    }
    const [line] = await footprint('GCJ-T04');
    expect(line.length).toBe(4);
    for (let i = 0; i < 4; i++) {
      expect(line[i][0]).toBeCloseTo(points[i][0], 9);
      expect(line[i][1]).toBeCloseTo(points[i][1], 9);
      // and moved: GCJ-02 is a few hundred metres off WGS84 here
      expect(vincentyM(G[i][0], G[i][1], line[i][0], line[i][1])).toBeGreaterThan(100);
    }
    const f = await ogcEvent('GCJ-T04');
    expect(f.properties).toMatchObject({
      geodeticDatum: 'EPSG:4326',
      verbatimSRS: 'GCJ-02',
      georeferenceRemarks: 'converted from GCJ-02 to WGS84 by biomon (?crs=gcj02 of the upload)',
    });
    // the length is that of the converted line
    expect(Math.abs(Number(f.properties['eco:samplingEffortValue']) - km([line]))).toBeLessThanOrEqual(1e-6);

    // the waypoint went through the point path itself: converted and flagged like vertex 2
    const w = await occurrence('GCJ-T04:wpt:1');
    expect(w.flags).toContain('GEODETIC_DATUM_CONVERTED');
    expect(w.lon).toBeCloseTo(points[2][0], 9);
    expect(w.lat).toBeCloseTo(points[2][1], 9);
    expect(w.data).toMatchObject({ verbatimSRS: 'GCJ-02', geodeticDatum: 'EPSG:4326' });
  });

  it('a file that declares GCJ-02 itself is converted the same way, without ?crs=', async () => {
    const meta = '<metadata><extensions><geodeticDatum>GCJ-02</geodeticDatum></extensions></metadata>';
    const { status } = await importFile('phone-declared.gpx', phoneGpx('GCJ-T05', meta));
    expect(status.counts).toMatchObject({ events: { inserted: 1 } });
    expect(status.counts.warnings.join('\n')).toContain('GCJ-02 (declared in the file)');
    expect(await footprint('GCJ-T05')).toEqual(await footprint('GCJ-T04'));
    // …and ?crs= wins over the file's declaration, with a warning
    const { status: s2 } = await importFile('phone-declared.gpx', phoneGpx('GCJ-T05', meta), '?crs=wgs84');
    expect(s2.counts.warnings.join('\n')).toContain('declares the datum "GCJ-02", but the upload\'s ?crs=wgs84 was applied');
    const [line] = await footprint('GCJ-T05');
    expect(line).toEqual(G);
  });
});

describe("POST /v1/survey-events may ask for the footprint's length the same way", () => {
  it('in m for a LineString; a Point footprint or another unit is refused, naming the term', async () => {
    const L: Pt[] = [
      [128.5, 42.6],
      [128.51, 42.6],
      [128.51, 42.61],
    ];
    const protocol = 'Geodesic length of the footprint on the WGS84 ellipsoid'; // case does not matter
    const base = { eventDate: '2024-05-03', 'eco:samplingEffortProtocol': protocol };
    const res = await app.inject({
      method: 'POST',
      url: '/v1/survey-events',
      headers: H.surveyor,
      payload: {
        records: [
          { ...base, eventID: 'API-LEN-M', footprintWKT: `LINESTRING(${L.map((p) => p.join(' ')).join(', ')})`, 'eco:samplingEffortUnit': 'm' },
          { ...base, eventID: 'API-LEN-POINT', footprintWKT: 'POINT(128.5 42.6)', 'eco:samplingEffortUnit': 'km' },
          { ...base, eventID: 'API-LEN-HOURS', geometry: { type: 'LineString', coordinates: L }, 'eco:samplingEffortUnit': 'hours' },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      inserted: 1,
      rejected: [
        { index: 1, errors: [{ field: 'footprintWKT', code: 'EFFORT_FOOTPRINT_NOT_LINEAR' }] },
        { index: 2, errors: [{ field: 'eco:samplingEffortUnit', code: 'UNIT_INVALID' }] },
      ],
    });
    const f = await ogcEvent('API-LEN-M');
    // in metres, to the millimetre
    expect(Math.abs(Number(f.properties['eco:samplingEffortValue']) - lineLengthM(L))).toBeLessThanOrEqual(1e-3);
    expect(f.properties['eco:samplingEffortUnit']).toBe('m');
  });
});

describe('what cannot be imported', () => {
  it('malformed XML fails the import with GPX_INVALID naming the problem and its line', async () => {
    const { status } = await importFile(
      'broken.gpx',
      '<?xml version="1.0"?>\n<gpx version="1.1">\n<trk><trkseg><trkpt lat="42" lon="128"></trkseg></trk>\n</gpx>',
    );
    expect(status.status).toBe('failed');
    expect(status.error.code).toBe('GPX_INVALID');
    expect(status.error.message).toMatch(/broken\.gpx is not well-formed XML: .*trkpt.*line 3/);
  });

  it('a KML without a track: KML_NO_TRACK; a zip named .kmz without a .kml, or not a zip: KMZ_INVALID', async () => {
    const onlyPoint =
      '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>狍</name><Point><coordinates>128,42</coordinates></Point></Placemark></kml>';
    const a = await importFile('points.kml', onlyPoint);
    expect(a.status.error).toMatchObject({ code: 'KML_NO_TRACK' });
    expect(a.status.error.message).toMatch(/has no track.*1 waypoint/);
    const b = await importFile('empty.kmz', await zipOf({ 'readme.txt': 'no kml here' }));
    expect(b.status.error).toMatchObject({ code: 'KMZ_INVALID' });
    const c = await importFile('fake.kmz', 'this is not a zip');
    expect(c.status.error).toMatchObject({ code: 'KMZ_INVALID' });
    const d = await importFile('empty.gpx', '<?xml version="1.0"?><gpx version="1.0"></gpx>');
    expect(d.status.error).toMatchObject({ code: 'GPX_NO_TRACK' });
  });

  it("a track without times is one row error (EVENT_DATE_MISSING); the file's other track is stored", async () => {
    const gpx = `<gpx version="1.0" xmlns="http://www.topografix.com/GPX/1/0"><time>2024-09-01T00:00:00Z</time>
      <trk><name>TIMED</name><trkseg>${gpxPoint('trkpt', [128, 42], '<time>2024-05-01T00:00:00Z</time>')}${gpxPoint('trkpt', [128.01, 42], '<time>2024-05-01T00:10:00Z</time>')}</trkseg></trk>
      <trk><trkseg>${gpxPoint('trkpt', [128, 42.1])}${gpxPoint('trkpt', [128.01, 42.1])}</trkseg></trk></gpx>`;
    const { importId, status } = await importFile('untimed.gpx', gpx);
    // 2 tracks: TIMED stored; track 2 (→ "untimed.gpx#2") has no point time, and the GPX 1.0 <time> is when the file was written
    expect(status.counts).toMatchObject({ events: { inserted: 1, rejected: 1 } });
    expect(status.counts.stats.tracksWithoutDate).toBe(1);
    expect(status.counts.warnings.join('\n')).toContain('Track 2 has no point times and the file gives no date for it');
    const csv = (await app.inject({ method: 'GET', url: `/v1/imports/${importId}/errors.csv`, headers: H.surveyor })).body;
    expect(csv).toContain('untimed.gpx#trk,2,untimed.gpx#2,eventDate,EVENT_DATE_MISSING');
  });
});

describe('a tracklog of 100,000 points', () => {
  it('imports as one event whose length is the sum of its 99,999 geodesic segments', async () => {
    // a wandering walk around Changbaishan: ~5 m steps, one point a second from 2024-05-20T00:00:00Z
    const n = 100_000;
    const pts: Pt[] = [];
    let lon = 128.06;
    let lat = 42.0;
    for (let i = 0; i < n; i++) {
      const heading = (i / 2000) * Math.PI + Math.sin(i / 97);
      lon += 0.00006 * Math.cos(heading);
      lat += 0.000045 * Math.sin(heading);
      pts.push([r7(lon), r7(lat)]);
    }
    const t0 = Date.UTC(2024, 4, 20);
    const gpx = `<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>LOG-100K</name><trkseg>\n${pts
      .map(([x, y], i) => `<trkpt lat="${y}" lon="${x}"><ele>${700 + (i % 50)}</ele><time>${iso(t0 + i * 1000)}</time></trkpt>`)
      .join('\n')}\n</trkseg></trk></gpx>`;
    const started = Date.now();
    const { status } = await importFile('tracklog.gpx', gpx);
    const seconds = (Date.now() - started) / 1000;
    expect(status.status).toBe('completed');
    expect(status.counts.stats).toMatchObject({ tracks: 1, trackPoints: n });
    const row = (
      await sql<{ n: number; v: string; s: Date; e: Date }>`
      SELECT ST_NPoints(footprint) AS n, sampling_effort_value::text AS v, event_start AS s, event_end AS e FROM survey_events WHERE event_id = 'LOG-100K'`.execute(
        t.ctx.db,
      )
    ).rows[0];
    expect(row.n).toBe(n);
    expect(row.s.toISOString()).toBe('2024-05-20T00:00:00.000Z');
    expect(row.e.getTime() - row.s.getTime()).toBe((n - 1) * 1000);
    const expected = km([pts]);
    // 99,999 rounding-free segment lengths summed: agree to well under a millimetre, stored to one
    expect(Math.abs(Number(row.v) - expected)).toBeLessThanOrEqual(1.5e-6);
    console.log(`100,000-point GPX (${(gpx.length / 1e6).toFixed(1)} MB, ${expected.toFixed(3)} km): imported in ${seconds.toFixed(1)} s`);
  });
});
