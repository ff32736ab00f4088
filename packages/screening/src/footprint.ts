/**
 * Reading a project footprint (issue 19): GeoJSON (a Geometry, Feature or FeatureCollection of
 * polygons) sent as JSON, or a file — GeoJSON, KML, KMZ or a zipped ESRI shapefile — read with
 * GDAL's `ogr2ogr` (Debian's gdal-bin, a runtime package) into GeoJSON text sequences in WGS84 (GDAL
 * reprojects a shapefile by its .prj; one without .prj is taken as lon/lat). GCJ-02 and BD-09 are
 * converted like everywhere else (@biomon/layers `convertCoordinates`). ogr2ogr runs with a time
 * limit, without a shell, on a copy in a private temporary folder that is removed afterwards.
 *
 * Everything wrong with a footprint is a 422 `FOOTPRINT_INVALID` naming the field.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '@biomon/core';
import { convertCoordinates, type InputCrs } from '@biomon/layers';

export type FootprintFormat = 'geojson' | 'kml' | 'kmz' | 'shapefile';

export interface FootprintRead {
  /** the footprint's polygons, WGS84 lon/lat, rings closed, 2-D */
  geometry: { type: 'MultiPolygon'; coordinates: number[][][][] };
  format: FootprintFormat;
  /** polygons read (features × parts) */
  polygons: number;
  /** features or placemarks that were not polygons and were left out (points, lines) */
  skipped: number;
  crs: InputCrs;
  fileName?: string;
}

/** Footprints are project sites, not provinces. */
export const MAX_FOOTPRINT_VERTICES = 200_000;
export const MAX_FOOTPRINT_BYTES = 20 * 1024 * 1024;
const GDAL_TIMEOUT_MS = 60_000;

export function footprintError(field: string, message: string): AppError {
  const m = `项目范围无效 Invalid footprint: ${message}`;
  return new AppError('FOOTPRINT_INVALID', m, { errors: [{ field, code: 'FOOTPRINT_INVALID', message: m }] });
}

interface Geo {
  type?: unknown;
  coordinates?: unknown;
  geometries?: unknown;
  geometry?: unknown;
  features?: unknown;
}

/** Polygons of a GeoJSON value: Polygon / MultiPolygon geometries, GeometryCollections, Features, FeatureCollections. */
function collectPolygons(v: unknown, field: string, out: { polys: unknown[]; skipped: number }, depth = 0): void {
  if (depth > 4) throw footprintError(field, 'GeoJSON nested too deeply');
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw footprintError(field, 'must be a GeoJSON object (Polygon, MultiPolygon, Feature or FeatureCollection)');
  const g = v as Geo;
  switch (g.type) {
    case 'FeatureCollection':
      if (!Array.isArray(g.features)) throw footprintError(`${field}.features`, 'a FeatureCollection needs a features array');
      g.features.forEach((f, i) => collectPolygons(f, `${field}.features[${i}]`, out, depth + 1));
      return;
    case 'Feature':
      if (g.geometry === null || g.geometry === undefined) {
        out.skipped++;
        return;
      }
      collectPolygons(g.geometry, `${field}.geometry`, out, depth + 1);
      return;
    case 'GeometryCollection':
      if (!Array.isArray(g.geometries)) throw footprintError(`${field}.geometries`, 'a GeometryCollection needs a geometries array');
      g.geometries.forEach((x, i) => collectPolygons(x, `${field}.geometries[${i}]`, out, depth + 1));
      return;
    case 'Polygon':
      out.polys.push(checkPolygon(g.coordinates, `${field}.coordinates`));
      return;
    case 'MultiPolygon':
      if (!Array.isArray(g.coordinates)) throw footprintError(`${field}.coordinates`, 'MultiPolygon coordinates must be an array of polygons');
      g.coordinates.forEach((p, i) => out.polys.push(checkPolygon(p, `${field}.coordinates[${i}]`)));
      return;
    case 'Point':
    case 'MultiPoint':
    case 'LineString':
    case 'MultiLineString':
      out.skipped++;
      return;
    default:
      throw footprintError(`${field}.type`, `unknown GeoJSON type ${JSON.stringify(g.type)}`);
  }
}

function checkPolygon(p: unknown, field: string): number[][][] {
  if (!Array.isArray(p) || p.length === 0) throw footprintError(field, 'a polygon needs at least one ring');
  return p.map((ring, i) => {
    const f = `${field}[${i}]`;
    if (!Array.isArray(ring)) throw footprintError(f, 'a ring must be an array of [lon, lat] positions');
    const r = ring.map((pos, j) => {
      if (!Array.isArray(pos) || pos.length < 2 || !pos.every((x) => typeof x === 'number' && Number.isFinite(x)))
        throw footprintError(`${f}[${j}]`, 'a position must be [lon, lat] numbers');
      const [x, y] = pos as number[];
      if (x < -180 || x > 180 || y < -90 || y > 90) throw footprintError(`${f}[${j}]`, 'coordinates out of range (lon −180…180, lat −90…90)');
      return [x, y];
    });
    if (r.length && (r[0][0] !== r[r.length - 1][0] || r[0][1] !== r[r.length - 1][1])) r.push([...r[0]]);
    if (r.length < 4) throw footprintError(f, `a ring has ${r.length} positions; at least 4 (closed) are needed`);
    return r;
  });
}

/** The footprint of a GeoJSON value (`field` names it in errors), converted to WGS84. */
export function footprintFromGeoJson(v: unknown, field: string, crs: InputCrs, format: FootprintFormat = 'geojson', fileName?: string): FootprintRead {
  const acc = { polys: [] as unknown[], skipped: 0 };
  collectPolygons(v, field, acc);
  return finish(acc, field, crs, format, fileName);
}

function finish(acc: { polys: unknown[]; skipped: number }, field: string, crs: InputCrs, format: FootprintFormat, fileName?: string): FootprintRead {
  if (!acc.polys.length) throw footprintError(field, 'the footprint holds no polygon (points and lines are not footprints)');
  const polys = acc.polys as number[][][][];
  const vertices = polys.reduce((n, p) => n + p.reduce((m, r) => m + r.length, 0), 0);
  if (vertices > MAX_FOOTPRINT_VERTICES) throw footprintError(field, `the footprint has ${vertices} vertices; at most ${MAX_FOOTPRINT_VERTICES}`);
  const coordinates = crs === 'wgs84' ? polys : (convertCoordinates(polys as never, crs) as unknown as number[][][][]);
  return { geometry: { type: 'MultiPolygon', coordinates }, format, polygons: polys.length, skipped: acc.skipped, crs, fileName };
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string; missing: boolean }> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    let size = 0;
    let stderr = '';
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    child.stdout.on('data', (d: Buffer) => {
      size += d.length;
      if (size <= 4 * MAX_FOOTPRINT_BYTES) out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 20_000) stderr += d.toString('utf8');
    });
    child.on('error', (err: NodeJS.ErrnoException) => resolve({ code: null, stdout: '', stderr: err.message, missing: err.code === 'ENOENT' }));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr, missing: false }));
  });
}

/** What a file is, by its content first (zip, XML, JSON), its name second. */
export function detectFormat(buf: Buffer, fileName: string): FootprintFormat | null {
  const ext = path.extname(fileName).toLowerCase();
  const zip = buf.length > 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04;
  if (zip) {
    if (ext === '.kmz') return 'kmz';
    const names = buf.toString('latin1');
    if (/\.shp/i.test(names)) return 'shapefile';
    if (/\.kml/i.test(names)) return 'kmz';
    return null;
  }
  const head = buf
    .subarray(0, 2048)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head.startsWith('<')) return /<kml[\s>]/i.test(head) || ext === '.kml' ? 'kml' : null;
  if (head.startsWith('{')) return 'geojson';
  return null;
}

/**
 * The footprint of an uploaded file (`field` names it in errors). GeoJSON is parsed here; KML, KMZ
 * and zipped shapefiles go through ogr2ogr (every layer, as GeoJSON text sequences).
 */
export async function footprintFromFile(buf: Buffer, fileName: string, field: string, crs: InputCrs): Promise<FootprintRead> {
  if (buf.length === 0) throw footprintError(field, 'the file is empty');
  if (buf.length > MAX_FOOTPRINT_BYTES) throw footprintError(field, `the file is larger than ${MAX_FOOTPRINT_BYTES / 1024 / 1024} MB`);
  const format = detectFormat(buf, fileName);
  if (!format) throw footprintError(field, `${fileName} is neither GeoJSON, KML, KMZ nor a zipped shapefile (.zip holding .shp, .shx, .dbf and .prj)`);
  if (format === 'geojson') {
    let doc: unknown;
    try {
      doc = JSON.parse(buf.toString('utf8').replace(/^\uFEFF/, ''));
    } catch {
      throw footprintError(field, `${fileName} is not valid JSON`);
    }
    return footprintFromGeoJson(doc, field, crs, 'geojson', fileName);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'biomon-footprint-'));
  try {
    // GDAL recognises the formats by extension; the name is ours, never the caller's
    const input = path.join(dir, format === 'kml' ? 'footprint.kml' : format === 'kmz' ? 'footprint.kmz' : 'footprint.zip');
    await writeFile(input, buf);
    const source = format === 'shapefile' ? `/vsizip/${input}` : input;
    const r = await run('ogr2ogr', ['-f', 'GeoJSONSeq', '/vsistdout/', source, '-dim', 'XY', '--config', 'CPL_LOG', '/dev/null'], GDAL_TIMEOUT_MS);
    if (r.missing)
      throw new AppError('SERVICE_UNAVAILABLE', 'GDAL (ogr2ogr, Debian package gdal-bin) is not installed: KML, KMZ and shapefile footprints cannot be read');
    if (r.code !== 0) {
      const why = r.stderr.split('\n').find((l) => /ERROR|FAILURE/.test(l)) ?? `ogr2ogr exited with ${r.code}`;
      throw footprintError(field, `${fileName}: GDAL cannot read it as ${format} (${why.replace(dir, '…').slice(0, 300)})`);
    }
    const acc = { polys: [] as unknown[], skipped: 0 };
    let i = 0;
    for (const line of r.stdout.split('\n')) {
      const s = line.replace(/^\x1e/, '').trim();
      if (!s) continue;
      let f: unknown;
      try {
        f = JSON.parse(s);
      } catch {
        throw footprintError(field, `${fileName}: GDAL's output could not be read`);
      }
      collectPolygons(f, `${field}.features[${i++}]`, acc);
    }
    return finish(acc, field, crs, format, fileName);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
