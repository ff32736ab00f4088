/**
 * GPS tracks (`.gpx`, `.kml`, `.kmz`) imported as survey events, with the waypoints that name a
 * checklist taxon as their occurrences — line transects (样线) as handheld GPS units and phone apps
 * record them.
 *
 * One event per track:
 * - eventID: the track's `eventID` if the file gives one (KML ExtendedData, GPX `<extensions>`),
 *   else its name, else `<file name>#<n>` (n = the track's position in the file). A name repeated
 *   within the file gets `#2`, `#3`, … (Garmin names every track "ACTIVE LOG").
 * - footprintWKT: the track as a LINESTRING, or a MULTILINESTRING when it has several segments
 *   (`<trkseg>`, MultiGeometry lines, gx:MultiTrack tracks); segments of fewer than two points are
 *   dropped, and a track left without a line is skipped with a warning.
 * - eventDate: the earliest and latest point time as an ISO 8601 interval. Without point times, a
 *   date the file gives for the track (KML TimeSpan/TimeStamp on the Placemark or a containing
 *   Folder/Document, or an eventDate in its ExtendedData/extensions); with neither, the track is
 *   yielded without a date and rejected by the validator (EVENT_DATE_MISSING, in errors.csv), and a
 *   warning names it. A GPX file's `<metadata><time>` is when the file was written, not walked: not used.
 * - effort: `eco:samplingEffortUnit` km with `eco:samplingEffortProtocol` = FOOTPRINT_LENGTH_PROTOCOL,
 *   so that the length is computed by PostGIS on the WGS84 ellipsoid when the event is stored
 *   (footprint-effort.ts): the reader stays free of the database, and the number is the length of
 *   exactly the stored footprint.
 * - samplingProtocol 样线法 unless the file gives one; other Darwin Core terms the file gives for the
 *   track are kept, unrecognised named values go to dynamicProperties.
 *
 * Coordinates: GPX and KML are WGS84 by their specifications. GCJ-02 (AMap-based phone apps) or
 * BD-09 is taken from the upload's `?crs=` (which wins, with a warning when the file says otherwise)
 * or from the file's own declaration (a `geodeticDatum`/`坐标系`/`datum`/`crs` value in GPX
 * `<metadata><extensions>` or `<trk><extensions>`, or in KML ExtendedData of the Document, a Folder
 * or the Placemark). Track vertices are converted here with the same function as points
 * (@biomon/layers toWgs84) and the event records it as the point path does (geodeticDatum
 * EPSG:4326, verbatimSRS, georeferenceRemarks); waypoints go through the point path itself
 * (geodeticDatum GCJ-02 → converted and flagged GEODETIC_DATUM_CONVERTED by the validator).
 *
 * Waypoints (`<wpt>`, Point Placemarks) become occurrences only when their name, else description
 * or comment, names a taxon of the checklist (see {@link taxonCandidates}; matched through
 * `matchTaxonNames`, the ingest's own matcher): occurrenceID `<eventID>:wpt:<n>` (n = the waypoint's
 * position among the file's waypoints), the event of the nearest track, eventDate the waypoint's
 * time else the day (China time) of the track's first date, basisOfRecord HumanObservation. The
 * others are counted in `stats.waypointsNotTaxa`. Nearest: the smallest distance from the waypoint
 * to a track's segments, on a local equirectangular plane around the waypoint (exact enough to
 * choose between tracks; a tie goes to the earlier track).
 *
 * Rows: events first (ParsedRow.file `<file>#trk`, rowNumber = track position), then occurrences
 * (`<file>#wpt`, rowNumber = waypoint position).
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { CHINA_OFFSET_MS } from '@biomon/core';
import { toWgs84, type InputCrs } from '@biomon/layers';
import { DATUMS } from '../dwc-vocabulary';
import { parseEventDate } from '../event-date';
import { FOOTPRINT_LENGTH_PROTOCOL } from '../footprint-effort';
import { DEFAULT_IMPORT_LIMITS, RowBudget, type ImportLimits } from './archive-limits';
import { finishRecord } from './dwc-values';
import { ImportFormatError, type DwcRecord, type ImportSource, type ParsedRow } from './import.types';
import { decodeXml, parseTrackXml, rootElement, type Track, type TrackFile, type TrackFormat, type Waypoint } from './track-xml';
import { locateFile, type ArchiveSource } from './zip';

export type TrackUploadFormat = 'gpx' | 'kml' | 'kmz';

/**
 * Looks names up in the checklist (matchTaxa fits): a result whose `match` is not 'none' names a
 * taxon; `acceptedName` tells an infraspecific taxon of the checklist from a name rolled up to its species.
 */
export type TaxonNameLookup = (names: string[]) => Promise<ReadonlyMap<string, { match: string; acceptedName?: string | null }>>;

export interface TrackOpenOptions {
  importId: string;
  /** The uploaded file's name: in `<file name>#<n>` eventIDs and the row reports. */
  file: string;
  limits?: ImportLimits;
  /** `?crs=` of the upload: the datum of the coordinates, whatever the file says. */
  crs?: InputCrs;
  /** The checklist lookup for waypoints; without it no waypoint becomes an occurrence (warning). */
  matchTaxonNames?: TaxonNameLookup;
}

/**
 * Largest track document read (GPX/KML text): parsed whole, it needs ~15 times its size in memory
 * for a moment; 32 MiB is ~300,000 points, far beyond a day's tracklog (100,000 points ≈ 10 MB).
 */
export const MAX_TRACK_BYTES = 32 * 1024 * 1024;

/** samplingProtocol of a track that names none: line transect. */
export const TRACK_DEFAULT_PROTOCOL = '样线法';

const DATUM_LABEL: Record<InputCrs, string> = { wgs84: 'WGS84', gcj02: 'GCJ-02', bd09: 'BD-09' };
/** DATUMS (the geodeticDatum vocabulary) plus what Chinese apps write. */
const DATUM_ALIASES: Record<string, InputCrs> = {
  ...DATUMS,
  gcj: 'gcj02',
  火星坐标: 'gcj02',
  火星坐标系: 'gcj02',
  国测局坐标: 'gcj02',
  bd09ll: 'bd09',
  百度坐标: 'bd09',
  百度坐标系: 'bd09',
  wgs: 'wgs84',
};

/** Terms the reader sets itself; the file's values for them are not copied onto the event. */
const OWNED_TERMS = new Set([
  'eventID',
  'eventDate',
  'footprintWKT',
  'footprintSRS',
  'geodeticDatum',
  'verbatimSRS',
  'georeferenceRemarks',
  'decimalLatitude',
  'decimalLongitude',
  'eco:samplingEffortValue',
  'eco:samplingEffortUnit',
  'eco:samplingEffortProtocol',
  'occurrenceID',
  'basisOfRecord',
  'scientificName',
  'dynamicProperties',
]);
/** Track terms its waypoint occurrences inherit. */
const INHERITED_TERMS = ['samplingProtocol', 'recordedBy', 'locality', 'habitat'];

// ---- format detection --------------------------------------------------------------------------

/** The first bytes of a file as text (BOM or UTF-16 aware), enough to see its root element. */
async function head(filePath: string): Promise<string> {
  const fh = await open(filePath, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const b = buf.subarray(0, bytesRead);
    if (b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
    if (b[0] === 0xfe && b[1] === 0xff) return Buffer.from(b.subarray(2)).swap16().toString('utf16le');
    return b.toString('utf8');
  } finally {
    await fh.close();
  }
}

/**
 * Which track format a (non-zip) upload is: by extension (`.gpx`, `.kml`; the content then decides
 * between the two), else by its root element (`<gpx>`, `<kml>`) for other names (`.xml`, none).
 * Null when it is not a track. A `.kmz` that is not a zip is `KMZ_INVALID`.
 */
export async function detectTrackFile(filePath: string, name: string): Promise<TrackFormat | null> {
  const ext = path.extname(name).toLowerCase();
  if (ext === '.kmz') throw new ImportFormatError('KMZ_INVALID', `${name} is not a zip archive: a KMZ is a zipped KML document (doc.kml)`);
  if (ext === '.gpx') return 'gpx';
  if (ext === '.kml') return 'kml';
  const root = rootElement(await head(filePath));
  return root === 'gpx' ? 'gpx' : root === 'kml' ? 'kml' : null;
}

const isKml = (f: string): boolean => f.toLowerCase().endsWith('.kml');

/**
 * A zip is a KMZ when it has neither meta.xml nor datapackage.json (DwC-A and Camtrap DP win) and
 * is named `.kmz` or holds a .kml document.
 */
export function isKmzArchive(src: ArchiveSource, name: string): boolean {
  if (locateFile(src, 'meta.xml') !== undefined || locateFile(src, 'datapackage.json') !== undefined) return false;
  return path.extname(name).toLowerCase() === '.kmz' || src.files.some(isKml);
}

// ---- opening -----------------------------------------------------------------------------------

const tooLarge = (what: string) =>
  new ImportFormatError('FILE_TOO_LARGE', `${what} is larger than ${MAX_TRACK_BYTES / 1024 / 1024} MiB (~300,000 points); split the track file`);

/** Opens a `.gpx` or `.kml` file (read whole: tracks are a few MB; over MAX_TRACK_BYTES is FILE_TOO_LARGE). */
export async function openTrackFile(filePath: string, expected: TrackFormat, opts: TrackOpenOptions): Promise<ImportSource> {
  const code = expected.toUpperCase();
  const { size } = await stat(filePath);
  if (size > MAX_TRACK_BYTES) throw tooLarge(opts.file);
  const fh = await open(filePath, 'r');
  let buf: Buffer;
  try {
    buf = await fh.readFile();
  } finally {
    await fh.close();
  }
  const warnings: string[] = [];
  const xml = decodeXml(buf, opts.file, `${code}_INVALID`, warnings);
  const parsed = parseTrackXml(xml, opts.file, expected);
  return buildSource(parsed, parsed.format, opts.file, opts, warnings, async () => {});
}

/**
 * Opens a KMZ (zip) whose document is `doc.kml` at the root, else the shallowest .kml; other .kml
 * files are ignored with a warning. Problems of the zip or its document are `KMZ_INVALID` /
 * `KMZ_NO_TRACK`.
 */
export async function openKmz(src: ArchiveSource, opts: TrackOpenOptions): Promise<ImportSource> {
  const kmls = src.files.filter(isKml).sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  if (kmls.length === 0)
    throw new ImportFormatError('KMZ_INVALID', `${opts.file} holds no .kml document (a KMZ is a zipped doc.kml)`, { files: src.files.slice(0, 20) });
  const main = kmls.find((f) => f.toLowerCase() === 'doc.kml') ?? kmls[0];
  const warnings: string[] = [];
  if (kmls.length > 1)
    warnings.push(`${opts.file} holds ${kmls.length} KML documents; ${main} was read, ${kmls.filter((f) => f !== main).join(', ')} ignored.`);
  let parsed: TrackFile;
  try {
    const buf = await src.readBuffer(main);
    if (buf.length > MAX_TRACK_BYTES) throw tooLarge(`${opts.file}: ${main}`);
    const xml = decodeXml(buf, main, 'KMZ_INVALID', warnings);
    parsed = parseTrackXml(xml, `${opts.file}: ${main}`, 'kml');
  } catch (err) {
    if (err instanceof ImportFormatError && /_INVALID$/.test(err.code)) throw new ImportFormatError('KMZ_INVALID', err.message, err.details);
    throw err;
  }
  return buildSource(parsed, 'kmz', main, opts, warnings, () => src.close());
}

// ---- datum -------------------------------------------------------------------------------------

type Datum = { crs: InputCrs; label: string; source: string } | { crs: null; label: string; source: string };

function datumOf(declared: string | null, opts: TrackOpenOptions, what: string, warnings: Set<string>): Datum {
  const known = declared === null ? undefined : DATUM_ALIASES[declared.trim().toLowerCase()];
  if (opts.crs) {
    if (declared !== null && known !== opts.crs) warnings.add(`${what} declares the datum "${declared}", but the upload's ?crs=${opts.crs} was applied.`);
    return { crs: opts.crs, label: DATUM_LABEL[opts.crs], source: `?crs=${opts.crs} of the upload` };
  }
  if (declared === null) return { crs: 'wgs84', label: 'WGS84', source: 'the GPX/KML specification' };
  if (known === undefined) {
    warnings.add(
      `${what} declares the datum "${declared}", which cannot be converted (WGS84, CGCS2000, GCJ-02, BD-09 can): its rows are rejected (GEODETIC_DATUM_INVALID).`,
    );
    return { crs: null, label: declared.trim(), source: 'the file' };
  }
  return { crs: known, label: DATUM_LABEL[known], source: 'declared in the file' };
}

// ---- taxa in waypoint names --------------------------------------------------------------------

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const LATIN_WORD = /^[A-Za-z][A-Za-z.\-×]*$/;
/** A count at the end: "狍 3只", "野猪×5", "roe deer x2". */
const TRAILING_COUNT = /\s*[×xX*]?\s*\d+\s*(只|头|个|株|丛|群|对|窝|ind\.?|individuals?)?$/u;
/** Field signs of line-transect surveys written after the animal: "狍粪便", "野猪拱痕", "东北虎足迹". */
const TRAILING_SIGN = /(足迹|脚印|爪印|粪便|卧迹|食迹|拱痕|抓痕|痕迹|毛发|尸体|叫声|实体|粪)$/u;
const PUNCTUATION = /[,，;；:：、/|()（）[\]【】<>《》"“”'‘’!！?？。·]+/u;

function stripped(s: string): string {
  let t = s.replace(TRAILING_COUNT, '').trim();
  if (CJK.test(t)) t = t.replace(TRAILING_SIGN, '').trim();
  return t;
}

/**
 * The names a waypoint text may hold, most specific first: the whole text; the text without a
 * trailing count or field sign ("狍 3只", "东北虎足迹"); then, split at spaces and punctuation,
 * each Chinese word (so stripped) and each run of two or three Latin words (a binomial or trinomial,
 * or a two-word English name). A single Latin word counts only as the whole text, so that "Tiger
 * camp" names no tiger. `whole` marks the candidates that may match fuzzily.
 */
export function taxonCandidates(raw: string): { name: string; whole: boolean }[] {
  const textValue = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (textValue === '' || textValue.length > 200) return [];
  const out: { name: string; whole: boolean }[] = [];
  const add = (name: string, whole: boolean) => {
    if (name.length === 0 || /^\d+$/.test(name) || out.some((c) => c.name === name)) return;
    out.push({ name, whole });
  };
  add(textValue, true);
  add(stripped(textValue), true);
  const latinRuns: string[][] = [];
  for (const chunk of textValue.split(PUNCTUATION)) {
    latinRuns.push([]);
    for (const t of chunk.split(' ').filter((w) => w !== '')) {
      if (LATIN_WORD.test(t)) latinRuns[latinRuns.length - 1].push(t);
      else {
        latinRuns.push([]);
        if (CJK.test(t)) add(stripped(t), false);
      }
    }
  }
  for (const run of latinRuns) {
    for (const n of [3, 2]) for (let i = 0; i + n <= run.length; i++) add(run.slice(i, i + n).join(' '), false);
  }
  return out;
}

// ---- geometry helpers --------------------------------------------------------------------------

function wkt(segments: number[][]): string {
  const line = (flat: number[]) => {
    const parts: string[] = new Array(flat.length / 2);
    for (let i = 0; i < flat.length; i += 2) parts[i / 2] = `${flat[i]} ${flat[i + 1]}`;
    return `(${parts.join(',')})`;
  };
  return segments.length === 1 ? `LINESTRING${line(segments[0])}` : `MULTILINESTRING(${segments.map(line).join(',')})`;
}

/** Squared distance (m²) from a point to a track's segments on a local equirectangular plane around the point. */
function distance2(lon: number, lat: number, segments: number[][]): number {
  const R = 6_371_008.8;
  const k = Math.cos((lat * Math.PI) / 180);
  const toXY = (x: number, y: number): [number, number] => [(((x - lon) * Math.PI) / 180) * R * k, (((y - lat) * Math.PI) / 180) * R];
  let best = Infinity;
  for (const flat of segments) {
    let [ax, ay] = toXY(flat[0], flat[1]);
    best = Math.min(best, ax * ax + ay * ay);
    for (let i = 2; i < flat.length; i += 2) {
      const [bx, by] = toXY(flat[i], flat[i + 1]);
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
      const px = ax + t * dx;
      const py = ay + t * dy;
      best = Math.min(best, px * px + py * py);
      ax = bx;
      ay = by;
    }
  }
  return best;
}

/** The calendar day (China Standard Time, the platform's reference zone) of an instant. */
function chinaDay(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

const fmtNum = (n: number): string => String(Math.round(n * 1000) / 1000);

// ---- the source --------------------------------------------------------------------------------

interface Prepared {
  track: Track;
  eventId: string;
  /** WGS84 segments (converted when the datum asks), each ≥ 2 points. */
  segments: number[][];
  datum: Datum;
  eventDate: string | null;
  /** for waypoints without a time: the day of the track's first date */
  firstDay: string | null;
}

async function buildSource(
  parsed: TrackFile,
  format: TrackUploadFormat,
  fileLabel: string,
  opts: TrackOpenOptions,
  warnings: string[],
  close: () => Promise<void>,
): Promise<ImportSource> {
  const budget = new RowBudget(opts.limits ?? DEFAULT_IMPORT_LIMITS);
  const CODE = format.toUpperCase();
  const notes = new Set<string>();
  const stats: Record<string, number> = {
    tracks: 0,
    trackSegments: 0,
    trackPoints: 0,
    tracksConverted: 0,
    tracksWithoutLine: 0,
    tracksWithoutDate: 0,
    segmentsTooShort: 0,
    pointsInvalid: 0,
    waypoints: parsed.waypoints.length + parsed.skipped.invalidWaypoints,
    waypointsTaxa: 0,
    waypointsNotTaxa: 0,
    waypointsInvalid: parsed.skipped.invalidWaypoints,
    routesIgnored: parsed.skipped.routes,
    polygonsIgnored: parsed.skipped.polygons,
  };

  // tracks → events
  const prepared: Prepared[] = [];
  const usedIds = new Map<string, number>();
  for (const t of parsed.tracks) {
    stats.pointsInvalid += t.invalidPoints;
    const label = t.name ? `Track "${t.name}"` : `Track ${t.index}`;
    const datum = datumOf(t.datum ?? parsed.datum, opts, t.datum !== null ? label : 'The file', notes);
    const segments: number[][] = [];
    for (const flat of t.segments) {
      if (flat.length < 4) {
        if (flat.length > 0) stats.segmentsTooShort++;
        continue;
      }
      if (datum.crs !== null && datum.crs !== 'wgs84') {
        const out = new Array<number>(flat.length);
        for (let i = 0; i < flat.length; i += 2) {
          const [x, y] = toWgs84(flat[i], flat[i + 1], datum.crs);
          // rounded to 1e-7° (~1 cm) as the point path rounds converted coordinates (validate-occurrence.ts)
          out[i] = Math.round(x * 1e7) / 1e7;
          out[i + 1] = Math.round(y * 1e7) / 1e7;
        }
        segments.push(out);
      } else segments.push(flat);
    }
    if (segments.length === 0) {
      stats.tracksWithoutLine++;
      notes.add(`${label} has no segment of two or more valid points and was not imported.`);
      continue;
    }
    let base = t.terms.eventID ?? t.name ?? `${opts.file}#${t.index}`;
    const seen = usedIds.get(base) ?? 0;
    usedIds.set(base, seen + 1);
    if (seen > 0) {
      notes.add(`Several tracks of the file are called "${base}"; the later ones became "${base}#2", … (eventIDs must differ).`);
      base = `${base}#${seen + 1}`;
    }
    let eventDate: string | null = null;
    let firstMs: number | null = null;
    if (t.start && t.end) {
      eventDate = t.start.ms === t.end.ms ? t.start.text : `${t.start.text}/${t.end.text}`;
      firstMs = t.start.ms;
    } else {
      eventDate = t.declaredDate ?? t.terms.eventDate ?? null;
      if (eventDate === null) {
        stats.tracksWithoutDate++;
        notes.add(
          `${label} has no point times and the file gives no date for it: it is rejected (EVENT_DATE_MISSING). Add <time> to its points, or a TimeSpan/eventDate.`,
        );
      } else {
        notes.add(`${label} has no point times; its eventDate ${eventDate} is the date the file gives for it.`);
        const r = parseEventDate(eventDate);
        firstMs = r.ok ? r.value.start.getTime() : null;
      }
    }
    if (datum.crs !== null && datum.crs !== 'wgs84') stats.tracksConverted++;
    stats.trackSegments += segments.length;
    stats.trackPoints += segments.reduce((n, s) => n + s.length / 2, 0);
    prepared.push({ track: t, eventId: base, segments, datum, eventDate, firstDay: firstMs === null ? null : chinaDay(firstMs) });
  }
  if (prepared.length === 0) {
    const why =
      parsed.tracks.length === 0
        ? `has no track (${parsed.format === 'gpx' ? '<trk> with <trkpt> points' : 'Placemark with a LineString, MultiGeometry or gx:Track'})`
        : `has ${parsed.tracks.length} track(s) but none with a segment of two or more valid points`;
    const extra = parsed.waypoints.length > 0 ? `; its ${parsed.waypoints.length} waypoint(s) need a track to belong to` : '';
    throw new ImportFormatError(`${CODE}_NO_TRACK`, `${opts.file} ${why}${extra}`, { waypoints: parsed.waypoints.length, routes: parsed.skipped.routes });
  }
  budget.add(fileLabel, prepared.length);

  // waypoints → occurrences of the nearest track, when they name a taxon
  const wDatum = datumOf(parsed.datum, opts, 'The file', notes);
  const cands = new Map<Waypoint, { source: string; list: { name: string; whole: boolean }[] }[]>();
  const allNames = new Set<string>();
  for (const w of parsed.waypoints) {
    const sources = [w.name, w.desc, w.cmt].filter((s): s is string => s !== null);
    const lists = sources.map((source) => ({ source, list: taxonCandidates(source) }));
    cands.set(w, lists);
    for (const l of lists) for (const c of l.list) allNames.add(c.name);
  }
  const matches = new Map<string, { match: string; acceptedName?: string | null }>();
  if (opts.matchTaxonNames && allNames.size > 0) {
    const names = [...allNames];
    for (let i = 0; i < names.length; i += 1000) {
      for (const [n, m] of await opts.matchTaxonNames(names.slice(i, i + 1000))) matches.set(n, m);
    }
  } else if (parsed.waypoints.length > 0 && !opts.matchTaxonNames) {
    notes.add('Waypoints were not matched against the checklist (no lookup given); none was imported.');
  }
  /** 2: the candidate is a checklist name; 1: rolled up to a species (matchTaxa) or, for a whole text, fuzzy; 0: no. */
  const strength = (c: { name: string; whole: boolean }): number => {
    const m = matches.get(c.name);
    if (m === undefined || m.match === 'none') return 0;
    if (m.match === 'fuzzy') return c.whole ? 1 : 0;
    const rolledUp = m.match === 'infraspecific' && (m.acceptedName ?? '').trim().split(/\s+/).length <= 2;
    return rolledUp ? 1 : 2;
  };
  const occurrences: { w: Waypoint; p: Prepared; name: string; source: string }[] = [];
  const notTaxa: string[] = [];
  for (const w of parsed.waypoints) {
    let hit: { name: string; source: string } | null = null;
    for (const { source, list } of cands.get(w)!) {
      // a name of the checklist first; else a longer name rolled up to its species, or a fuzzy whole name
      const c = list.find((x) => strength(x) === 2) ?? list.find((x) => strength(x) === 1);
      if (c) {
        hit = { name: c.name, source };
        break;
      }
    }
    if (!hit) {
      stats.waypointsNotTaxa++;
      notTaxa.push(w.name ?? `#${w.index}`);
      continue;
    }
    const [lon, lat] = wDatum.crs !== null ? toWgs84(w.lon, w.lat, wDatum.crs) : [w.lon, w.lat];
    let best = prepared[0];
    let bestD = Infinity;
    for (const p of prepared) {
      const d = distance2(lon, lat, p.segments);
      if (d < bestD) {
        bestD = d;
        best = p;
      }
    }
    occurrences.push({ w, p: best, ...hit });
  }
  stats.tracks = prepared.length;
  stats.waypointsTaxa = occurrences.length;
  budget.add(fileLabel, occurrences.length);
  if (notTaxa.length > 0) {
    const shown = notTaxa.slice(0, 10).join(', ');
    notes.add(
      `${notTaxa.length} waypoint(s) name no checklist taxon and were not imported (stats.waypointsNotTaxa): ${shown}${notTaxa.length > 10 ? ', …' : ''}.`,
    );
  }
  if (stats.tracksConverted > 0) {
    const sources = [...new Set(prepared.filter((p) => p.datum.crs !== null && p.datum.crs !== 'wgs84').map((p) => `${p.datum.label} (${p.datum.source})`))];
    warnings.push(`${stats.tracksConverted} track(s) converted to WGS84 from ${sources.join(', ')}; waypoints are converted and flagged as points are.`);
  }
  if (stats.pointsInvalid > 0) warnings.push(`${stats.pointsInvalid} track point(s) without a valid latitude/longitude were skipped.`);
  if (stats.segmentsTooShort > 0) warnings.push(`${stats.segmentsTooShort} track segment(s) of a single point were dropped.`);
  if (stats.waypointsInvalid > 0) warnings.push(`${stats.waypointsInvalid} waypoint(s) without a valid latitude/longitude were skipped.`);
  if (stats.routesIgnored > 0) warnings.push(`${stats.routesIgnored} route(s) (<rte>, planned rather than walked) were ignored.`);
  if (stats.polygonsIgnored > 0) warnings.push(`${stats.polygonsIgnored} polygon(s) were ignored; only lines are tracks.`);
  warnings.push(...notes);

  function eventRecord(p: Prepared): DwcRecord {
    const t = p.track;
    const raw: DwcRecord = {};
    for (const [k, v] of Object.entries(t.terms)) if (!OWNED_TERMS.has(k)) raw[k] = v;
    Object.assign(raw, {
      eventID: p.eventId,
      eventDate: p.eventDate ?? '',
      samplingProtocol: t.terms.samplingProtocol ?? TRACK_DEFAULT_PROTOCOL,
      footprintWKT: wkt(p.segments),
      footprintSRS: 'EPSG:4326',
      'eco:samplingEffortUnit': 'km',
      'eco:samplingEffortProtocol': FOOTPRINT_LENGTH_PROTOCOL,
      eventRemarks: t.remarks ?? t.terms.eventRemarks ?? '',
      minimumElevationInMeters: t.eleMin === null ? '' : fmtNum(t.eleMin),
      maximumElevationInMeters: t.eleMax === null ? '' : fmtNum(t.eleMax),
      locationRemarks: `GPS track (${format.toUpperCase()}${parsed.version ? ` ${parsed.version}` : ''}): ${p.segments.reduce((n, s) => n + s.length / 2, 0)} points in ${p.segments.length} segment(s)`,
    });
    if (p.datum.crs === null)
      raw.geodeticDatum = p.datum.label; // unsupported: the validator says so
    else if (p.datum.crs === 'wgs84') raw.geodeticDatum = 'EPSG:4326';
    else {
      raw.geodeticDatum = 'EPSG:4326';
      raw.verbatimSRS = p.datum.label;
      raw.georeferenceRemarks = `converted from ${p.datum.label} to WGS84 by biomon (${p.datum.source})`;
    }
    if (Object.keys(t.extra).length > 0) raw.dynamicProperties = JSON.stringify(t.extra);
    return raw;
  }

  function occurrenceRecord(o: { w: Waypoint; p: Prepared; name: string; source: string }): DwcRecord {
    const { w, p } = o;
    const raw: DwcRecord = {};
    for (const k of INHERITED_TERMS) if (p.track.terms[k] !== undefined) raw[k] = p.track.terms[k];
    const remarks = [w.name, w.desc, w.cmt].filter((s): s is string => s !== null && s !== o.source);
    Object.assign(raw, {
      occurrenceID: `${p.eventId}:wpt:${w.index}`,
      eventID: p.eventId,
      basisOfRecord: 'HumanObservation',
      occurrenceStatus: 'present',
      scientificName: o.name,
      verbatimIdentification: o.source,
      eventDate: w.time?.text ?? p.firstDay ?? '',
      decimalLatitude: String(w.lat),
      decimalLongitude: String(w.lon),
      geodeticDatum: wDatum.label,
      samplingProtocol: raw.samplingProtocol ?? p.track.terms.samplingProtocol ?? TRACK_DEFAULT_PROTOCOL,
      minimumElevationInMeters: w.ele === null ? '' : fmtNum(w.ele),
      maximumElevationInMeters: w.ele === null ? '' : fmtNum(w.ele),
      occurrenceRemarks: [...new Set(remarks)].join('\n'),
      associatedMedia: w.links.join(' | '),
    });
    return raw;
  }

  const trkFile = `${fileLabel}#trk`;
  const wptFile = `${fileLabel}#wpt`;
  async function* rows(): AsyncGenerator<ParsedRow> {
    for (const p of prepared) {
      const record = finishRecord(eventRecord(p), { kind: 'event', importId: opts.importId, file: trkFile, rowNumber: p.track.index });
      yield { kind: 'event', rowNumber: p.track.index, file: trkFile, record };
    }
    for (const o of occurrences) {
      const record = finishRecord(occurrenceRecord(o), { kind: 'occurrence', importId: opts.importId, file: wptFile, rowNumber: o.w.index });
      yield { kind: 'occurrence', rowNumber: o.w.index, file: wptFile, record };
    }
  }

  return { format, rows, totalRows: prepared.length + occurrences.length, warnings, stats, close };
}
