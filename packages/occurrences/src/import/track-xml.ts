/**
 * GPS track files read into a plain model: GPX 1.0/1.1 (`<trk>`/`<trkseg>`/`<trkpt>`, `<wpt>`) and
 * KML 2.2 (Placemarks with a LineString, a MultiGeometry, a `gx:Track` or `gx:MultiTrack`; Point
 * Placemarks as waypoints). Pure: no database, no coordinate conversion (track.reader.ts does that).
 *
 * The whole document is parsed once with fast-xml-parser (tracks are a few MB: a 100,000-point
 * tracklog is ~10 MB of GPX) and each track is reduced at once to flat coordinate arrays and its
 * first/last time, so the parsed tree can be dropped. Namespace prefixes (`gpx:trk`, `gx:Track`,
 * `kml:Placemark`) are removed; KML Documents, Folders and Placemarks are read in document order
 * (an unnamed track's eventID is `<file>#<n>`, n its position). Malformed XML is an
 * ImportFormatError `GPX_INVALID` / `KML_INVALID` naming the parser's complaint and its line.
 */
import iconv from 'iconv-lite';
import { XMLParser } from 'fast-xml-parser';
import { parseEventDate } from '../event-date';
import { ImportFormatError } from './import.types';
import { knownTerm } from './dwc-terms';

export type TrackFormat = 'gpx' | 'kml';

/** A time of a point or a declaration: the instant and the text it is shown as (ISO 8601). */
export interface TrackTime {
  ms: number;
  text: string;
}

export interface Track {
  /** 1-based position among the file's tracks, in document order. */
  index: number;
  name: string | null;
  /** `<desc>`/`<cmt>` (GPX) or `<description>` (KML, tags stripped). */
  remarks: string | null;
  /** Segments as flat [lon, lat, lon, lat, …] arrays, as written in the file (its datum). */
  segments: number[][];
  /** Valid points read (over all segments). */
  points: number;
  /** Points skipped: latitude/longitude missing, not a number or out of range. */
  invalidPoints: number;
  /** Earliest and latest point time; null when no point has a readable time. */
  start: TrackTime | null;
  end: TrackTime | null;
  /** A date the file gives for the whole track (KML TimeSpan/TimeStamp on the Placemark or a container), verbatim. */
  declaredDate: string | null;
  eleMin: number | null;
  eleMax: number | null;
  /** Datum declared for this track (KML ExtendedData, GPX `<trk><extensions>`), verbatim; else the file's. */
  datum: string | null;
  /** Darwin Core / Humboldt terms the file gives for the track (ExtendedData / extensions), by canonical name. */
  terms: Record<string, string>;
  /** Other named values of the track's ExtendedData / extensions (kept in dynamicProperties). */
  extra: Record<string, string>;
}

export interface Waypoint {
  /** 1-based position among the file's waypoints (`<wpt>` / Point Placemarks), in document order. */
  index: number;
  lon: number;
  lat: number;
  ele: number | null;
  time: TrackTime | null;
  name: string | null;
  /** GPX `<desc>` / KML `<description>` (tags stripped). */
  desc: string | null;
  /** GPX `<cmt>`. */
  cmt: string | null;
  /** GPX `<link href>`: photos, as associatedMedia. */
  links: string[];
}

export interface TrackFile {
  format: TrackFormat;
  /** `version` of `<gpx>` (1.0, 1.1) or null. */
  version: string | null;
  tracks: Track[];
  waypoints: Waypoint[];
  /** Datum declared for the whole file (GPX `<metadata><extensions>`, KML Document ExtendedData), verbatim. */
  datum: string | null;
  /** Counts of what was skipped: GPX routes (planned, not walked), KML polygons, invalid waypoints. */
  skipped: { routes: number; polygons: number; invalidWaypoints: number };
}

type Node = Record<string, unknown>;

/** Element names that may repeat; always arrays after parsing. `Feature` = KML Document/Folder/Placemark (renamed, see below). */
const ARRAYS = new Set([
  'trk',
  'trkseg',
  'trkpt',
  'wpt',
  'rte',
  'link',
  'Feature',
  'LineString',
  'Point',
  'Polygon',
  'MultiGeometry',
  'Track',
  'MultiTrack',
  'when',
  'coord',
  'Data',
  'SimpleData',
  'SchemaData',
  'ExtendedData',
]);
const KML_FEATURES = new Set(['Document', 'Folder', 'Placemark']);
/**
 * Per-point elements not used, dropped while parsing so that a long tracklog's tree stays small:
 * GPX fix quality, speed and course, Garmin's TrackPointExtension (heart rate, cadence, …), KML
 * gx:angles and ExtendedData arrays of a gx:Track.
 */
const DROPPED = new Set([
  'hdop',
  'vdop',
  'pdop',
  'sat',
  'fix',
  'course',
  'speed',
  'magvar',
  'geoidheight',
  'ageofdgpsdata',
  'dgpsid',
  'TrackPointExtension',
  'TrackPointExtensionv1',
  'TrackPointExtensionv2',
  'angles',
  'SimpleArrayData',
]);

/** Names under which a file declares its datum (besides the term geodeticDatum and its aliases, e.g. 坐标系). */
const DATUM_NAMES = new Set(['geodeticdatum', 'datum', 'crs', 'coordinatesystem', 'coordinatereferencesystem', 'srs']);

function parser(): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    // KML: Documents, Folders and Placemarks share one name so that siblings keep their document order
    transformTagName: (t) => (KML_FEATURES.has(t) ? 'Feature' : t),
    updateTag: (t) => !DROPPED.has(t),
    isArray: (name, _jPath, _leaf, isAttribute) => !isAttribute && ARRAYS.has(name),
    jPath: false,
  });
}

/**
 * The text of an XML document: UTF-8 (a BOM removed), UTF-16 with a BOM, or the encoding its XML
 * declaration names (GBK, GB18030, …, through iconv-lite). Undeclared bytes that are not UTF-8 are
 * read as GB18030, the superset of GBK that Chinese Windows tools write; `warnings` says so.
 */
export function decodeXml(buf: Buffer, file: string, code: string, warnings: string[]): string {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return iconv.decode(buf.subarray(2), 'utf-16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return iconv.decode(buf.subarray(2), 'utf-16be');
  const decl = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(buf.subarray(0, 300).toString('latin1'));
  const declared = decl?.[1].toLowerCase();
  if (declared && declared !== 'utf-8' && declared !== 'utf8') {
    if (!iconv.encodingExists(declared)) throw new ImportFormatError(code, `${file} declares the encoding "${decl![1]}", which cannot be read`);
    return iconv.decode(buf, declared);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    warnings.push(`${file} is not valid UTF-8 and declares no encoding; it was read as GB18030 (GBK).`);
    return iconv.decode(buf, 'gb18030');
  }
}

/** The local name of the root element of an XML text ('gpx', 'kml', …), or null when none is found in its first 8 KB. */
export function rootElement(head: string): string | null {
  let s = head.replace(/^\uFEFF/, '').slice(0, 8192);
  // skip the declaration, processing instructions, comments and a DOCTYPE
  s = s
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/i, '');
  const m = /^\s*<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]/.exec(s);
  return m ? m[2] : null;
}

/** Reads a GPX or KML document; which one is decided by its root element. */
export function parseTrackXml(input: string, file: string, expected: TrackFormat): TrackFile {
  // whitespace before the declaration is harmless in practice, though XML forbids it
  const xml = input.replace(/^\uFEFF/, '').trimStart();
  const root = rootElement(xml);
  const code = `${expected.toUpperCase()}_INVALID`;
  if (xml.trim() === '') throw new ImportFormatError(code, `${file} is empty`);
  const format: TrackFormat | null = root === 'gpx' ? 'gpx' : root === 'kml' ? 'kml' : null;
  if (!format) {
    throw new ImportFormatError(
      code,
      root
        ? `${file}: the root element is <${root}>, not <${expected}>: not a ${expected.toUpperCase()} file`
        : `${file} does not start with an XML element: not a ${expected.toUpperCase()} file`,
    );
  }
  const fmtCode = `${format.toUpperCase()}_INVALID`;
  let doc: Node;
  try {
    doc = parser().parse(xml, true) as Node;
  } catch (err) {
    throw new ImportFormatError(fmtCode, `${file} is not well-formed XML: ${describeXmlError(err)}`);
  }
  return format === 'gpx' ? readGpx(doc, file) : readKml(doc, file);
}

/** fast-xml-parser's validator throws "message:line:col"; say it in words. */
function describeXmlError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const m = /^([\s\S]*?):(\d+):(\d+)$/.exec(msg);
  return m ? `${m[1]} (line ${m[2]}, column ${m[3]})` : msg;
}

// ---- values ------------------------------------------------------------------------------------

/** The text of an element: a string, or the '#text' of an element with attributes; '' otherwise. */
function text(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return text(v[0]);
  if (v && typeof v === 'object' && '#text' in (v as Node)) return text((v as Node)['#text']);
  return '';
}

const nonEmpty = (s: string): string | null => (s === '' ? null : s);
const arr = (v: unknown): Node[] => (Array.isArray(v) ? (v as Node[]) : v && typeof v === 'object' ? [v as Node] : []);

/** HTML in KML descriptions (balloons) as plain text. */
function plain(s: string): string {
  return s
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

function coordinate(lon: number, lat: number): boolean {
  return Number.isFinite(lon) && Number.isFinite(lat) && lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90;
}

/** A number from an attribute or element text; NaN when absent or not a plain decimal. */
function num(v: unknown): number {
  const s = text(v);
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s) ? Number(s) : NaN;
}

const DATETIME_NO_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * A point time. GPX times are UTC by the GPX schema ("not local time"), so a GPX time written
 * without a zone is read as UTC (Z added); a KML time without a zone is read as the platform reads
 * any such time (UTC+8, see event-date.ts). Null when the text is not an ISO 8601 date-time.
 */
export function pointTime(raw: string, utcWhenNoZone: boolean): TrackTime | null {
  let s = raw.trim();
  if (s === '') return null;
  if (utcWhenNoZone && DATETIME_NO_ZONE.test(s)) s = `${s}Z`;
  const r = parseEventDate(s);
  if (!r.ok || s.includes('/')) return null;
  return { ms: r.value.start.getTime(), text: s };
}

class Span {
  start: TrackTime | null = null;
  end: TrackTime | null = null;
  add(t: TrackTime | null): void {
    if (!t) return;
    if (!this.start || t.ms < this.start.ms) this.start = t;
    if (!this.end || t.ms > this.end.ms) this.end = t;
  }
}

class Elevation {
  min: number | null = null;
  max: number | null = null;
  add(e: number): void {
    if (!Number.isFinite(e)) return;
    if (this.min === null || e < this.min) this.min = e;
    if (this.max === null || e > this.max) this.max = e;
  }
}

/** Named values (KML ExtendedData, GPX extensions) split into a datum, Darwin Core terms and the rest. */
function classify(values: [string, string][]): { datum: string | null; terms: Record<string, string>; extra: Record<string, string> } {
  let datum: string | null = null;
  const terms: Record<string, string> = {};
  const extra: Record<string, string> = {};
  for (const [name, value] of values) {
    if (value === '' || name === '') continue;
    const term = knownTerm(name);
    if (term === 'geodeticDatum' || DATUM_NAMES.has(name.toLowerCase().replace(/[\s_-]+/g, ''))) {
      datum ??= value;
      continue;
    }
    if (term !== null && !(term in terms)) terms[term] = value;
    else if (term === null && !(name in extra)) extra[name] = value;
  }
  return { datum, terms, extra };
}

// ---- GPX ---------------------------------------------------------------------------------------

/** String-valued children of a GPX `<extensions>` element (nested vendor blocks such as Garmin's are not read). */
function gpxExtensions(ext: unknown): [string, string][] {
  const out: [string, string][] = [];
  for (const e of arr(ext)) {
    for (const [k, v] of Object.entries(e)) {
      if (k.startsWith('@_') || k === '#text') continue;
      if (typeof v === 'string' || typeof v === 'number') out.push([k, text(v)]);
    }
  }
  return out;
}

function readGpx(doc: Node, file: string): TrackFile {
  const gpx = doc.gpx === '' ? {} : arr(doc.gpx)[0]; // <gpx></gpx> parses to ''
  if (!gpx) throw new ImportFormatError('GPX_INVALID', `${file} has no <gpx> element`);
  const version = nonEmpty(text(gpx['@_version']));
  // GPX 1.1 declares file-wide things in <metadata><extensions>; 1.0 allows foreign elements at the root
  const meta = arr(gpx.metadata)[0];
  const fileDecl = classify([...gpxExtensions(meta?.extensions), ...gpxExtensions(gpx.extensions), ...gpxExtensions(gpx)]);
  const skipped = { routes: arr(gpx.rte).length, polygons: 0, invalidWaypoints: 0 };

  const waypoints: Waypoint[] = [];
  let wIndex = 0;
  for (const w of arr(gpx.wpt)) {
    wIndex++;
    const lon = num(w['@_lon']);
    const lat = num(w['@_lat']);
    if (!coordinate(lon, lat)) {
      skipped.invalidWaypoints++;
      continue;
    }
    waypoints.push({
      index: wIndex,
      lon,
      lat,
      ele: nullIfNaN(num(w.ele)),
      time: pointTime(text(w.time), true),
      name: nonEmpty(text(w.name)),
      desc: nonEmpty(text(w.desc)),
      cmt: nonEmpty(text(w.cmt)),
      links: arr(w.link)
        .map((l) => text(l['@_href']))
        .filter((h) => /^https?:\/\//i.test(h)),
    });
  }

  const tracks: Track[] = [];
  let tIndex = 0;
  for (const trk of arr(gpx.trk)) {
    tIndex++;
    const span = new Span();
    const ele = new Elevation();
    const segments: number[][] = [];
    let points = 0;
    let invalidPoints = 0;
    for (const seg of arr(trk.trkseg)) {
      const flat: number[] = [];
      for (const p of arr(seg.trkpt)) {
        const lon = num(p['@_lon']);
        const lat = num(p['@_lat']);
        if (!coordinate(lon, lat)) {
          invalidPoints++;
          continue;
        }
        flat.push(lon, lat);
        points++;
        if (p.ele !== undefined) ele.add(num(p.ele));
        if (p.time !== undefined) span.add(pointTime(text(p.time), true));
      }
      segments.push(flat);
    }
    const decl = classify(gpxExtensions(trk.extensions));
    const remarks = [text(trk.desc), text(trk.cmt)].filter((s) => s !== '');
    tracks.push({
      index: tIndex,
      name: nonEmpty(text(trk.name)),
      remarks: remarks.length ? [...new Set(remarks)].join('\n') : null,
      segments,
      points,
      invalidPoints,
      start: span.start,
      end: span.end,
      declaredDate: null,
      eleMin: ele.min,
      eleMax: ele.max,
      datum: decl.datum,
      terms: decl.terms,
      extra: decl.extra,
    });
  }
  return { format: 'gpx', version, tracks, waypoints, datum: fileDecl.datum, skipped };
}

const nullIfNaN = (n: number): number | null => (Number.isFinite(n) ? n : null);

// ---- KML ---------------------------------------------------------------------------------------

interface KmlContext {
  /** TimeSpan/TimeStamp of the nearest container that has one. */
  date: string | null;
  datum: string | null;
}

/** A Feature's own TimeSpan (begin/end) or TimeStamp (when), as an ISO 8601 date or interval. */
function kmlDate(f: Node): string | null {
  const span = arr(f.TimeSpan)[0];
  if (span) {
    const b = text(span.begin);
    const e = text(span.end);
    if (b && e) return b === e ? b : `${b}/${e}`;
    if (b || e) return b || e;
  }
  const stamp = arr(f.TimeStamp)[0];
  const when = stamp ? text(stamp.when) : '';
  return when || null;
}

function kmlExtendedData(f: Node): [string, string][] {
  const out: [string, string][] = [];
  for (const ed of arr(f.ExtendedData)) {
    for (const d of arr(ed.Data)) out.push([text(d['@_name']), text(d.value)]);
    for (const sd of arr(ed.SchemaData)) for (const d of arr(sd.SimpleData)) out.push([text(d['@_name']), text(d)]);
  }
  return out;
}

/** "lon,lat[,alt] lon,lat[,alt] …" (spaces after commas tolerated) into the flat array; returns [points, invalid]. */
function kmlCoordinates(raw: string, flat: number[], ele: Elevation): [number, number] {
  let ok = 0;
  let bad = 0;
  const s = raw.replace(/\s*,\s*/g, ',').trim();
  if (s === '') return [0, 0];
  for (const tuple of s.split(/\s+/)) {
    const [x, y, z] = tuple.split(',');
    const lon = num(x);
    const lat = num(y);
    if (!coordinate(lon, lat)) {
      bad++;
      continue;
    }
    flat.push(lon, lat);
    ok++;
    if (z !== undefined) ele.add(num(z));
  }
  return [ok, bad];
}

interface Geometry {
  segments: number[][];
  points: number;
  invalid: number;
  span: Span;
  ele: Elevation;
  pointGeoms: { lon: number; lat: number; ele: number | null }[];
  polygons: number;
}

/** Collects the lines (LineString, gx:Track, gx:MultiTrack, nested MultiGeometry) and points of a Placemark. */
function kmlGeometry(node: Node, g: Geometry): void {
  for (const ls of arr(node.LineString)) {
    const flat: number[] = [];
    const [ok, bad] = kmlCoordinates(text(ls.coordinates), flat, g.ele);
    g.points += ok;
    g.invalid += bad;
    g.segments.push(flat);
  }
  for (const tr of arr(node.Track)) {
    const flat: number[] = [];
    for (const c of arr(tr.coord)) {
      const [x, y, z] = text(c).split(/\s+/);
      const lon = num(x);
      const lat = num(y);
      if (!coordinate(lon, lat)) {
        g.invalid++;
        continue;
      }
      flat.push(lon, lat);
      g.points++;
      if (z !== undefined) g.ele.add(num(z));
    }
    for (const w of arr(tr.when)) g.span.add(pointTime(text(w), false));
    g.segments.push(flat);
  }
  for (const mt of arr(node.MultiTrack)) kmlGeometry(mt, g);
  for (const mg of arr(node.MultiGeometry)) kmlGeometry(mg, g);
  for (const p of arr(node.Point)) {
    const flat: number[] = [];
    const e = new Elevation();
    const [ok] = kmlCoordinates(text(p.coordinates), flat, e);
    if (ok >= 1) g.pointGeoms.push({ lon: flat[0], lat: flat[1], ele: e.min });
    else g.invalid++;
  }
  g.polygons += arr(node.Polygon).length;
}

function readKml(doc: Node, file: string): TrackFile {
  const kml = doc.kml === '' ? {} : arr(doc.kml)[0];
  if (!kml) throw new ImportFormatError('KML_INVALID', `${file} has no <kml> element`);
  const tracks: Track[] = [];
  const waypoints: Waypoint[] = [];
  const skipped = { routes: 0, polygons: 0, invalidWaypoints: 0 };
  let fileDatum: string | null = null;
  let tIndex = 0;
  let wIndex = 0;

  const walk = (features: Node[], ctx: KmlContext, depth: number): void => {
    for (const f of features) {
      const decl = classify(kmlExtendedData(f));
      const date = kmlDate(f);
      const children = arr(f.Feature);
      const g: Geometry = { segments: [], points: 0, invalid: 0, span: new Span(), ele: new Elevation(), pointGeoms: [], polygons: 0 };
      kmlGeometry(f, g);
      if (children.length > 0 || (g.segments.length === 0 && g.pointGeoms.length === 0 && g.polygons === 0)) {
        // a Document or Folder: its date and datum hold for what it contains
        if (depth === 0 && decl.datum) fileDatum ??= decl.datum;
        // (the top Document's datum is the file's: TrackFile.datum)
        walk(children, { date: date ?? ctx.date, datum: depth === 0 ? ctx.datum : (decl.datum ?? ctx.datum) }, depth + 1);
        continue;
      }
      skipped.polygons += g.polygons;
      const name = nonEmpty(text(f.name));
      const remarks = nonEmpty(plain(text(f.description)));
      if (g.segments.length > 0) {
        tIndex++;
        tracks.push({
          index: tIndex,
          name,
          remarks,
          segments: g.segments,
          points: g.points,
          invalidPoints: g.invalid,
          start: g.span.start,
          end: g.span.end,
          declaredDate: date ?? ctx.date,
          eleMin: g.ele.min,
          eleMax: g.ele.max,
          datum: decl.datum ?? ctx.datum,
          terms: decl.terms,
          extra: decl.extra,
        });
      } else if (g.pointGeoms.length > 0) {
        for (const p of g.pointGeoms) {
          wIndex++;
          const when = pointTime(date && !date.includes('/') ? date : '', false);
          waypoints.push({ index: wIndex, lon: p.lon, lat: p.lat, ele: p.ele, time: when, name, desc: remarks, cmt: null, links: [] });
        }
      } else if (g.invalid > 0) {
        wIndex++;
        skipped.invalidWaypoints++;
      }
    }
  };
  walk(arr(kml.Feature), { date: null, datum: null }, 0);
  return { format: 'kml', version: null, tracks, waypoints, datum: fileDatum, skipped };
}
