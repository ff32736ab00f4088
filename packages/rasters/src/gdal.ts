import { spawn } from 'node:child_process';

/**
 * Debian's GDAL command-line tools (gdal-bin), spawned without a shell, each with a time limit.
 * The environment keeps GDAL from writing PAM side-car files and from reaching the network;
 * gdalInfo (which opens uploads) also keeps it from listing the folder for side-car files
 * (GDAL_DISABLE_READDIR_ON_OPEN — not set for the writers: the ENVI driver needs the listing).
 */
export const GDAL_ENV: Record<string, string> = {
  GDAL_PAM_ENABLED: 'NO',
  GDAL_HTTP_TIMEOUT: '1',
  CPL_VSIL_CURL_ALLOWED_EXTENSIONS: '.none',
  GDAL_CACHEMAX: '256',
  OGR_GEOJSON_MAX_OBJ_SIZE: '0',
};

/** GDAL's messages name the server's files: answers and stored errors name none (`<file>`). */
export function withoutPaths(text: string): string {
  return text.replace(/(?:\/[\w.@+-]+){2,}\/?/g, '<file>');
}

export class GdalError extends Error {
  constructor(
    readonly tool: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly timedOut = false,
  ) {
    super(`${tool} ${timedOut ? 'timed out' : `failed (exit ${exitCode})`}: ${withoutPaths(stderr.trim().split('\n').slice(-3).join(' ')).slice(0, 500)}`);
    this.name = 'GdalError';
  }
}

export interface RunOptions {
  timeoutMs?: number;
  /** written to the tool's stdin, then closed */
  stdin?: string | Buffer;
  env?: Record<string, string>;
}

/** Runs one GDAL tool; resolves with its stdout, rejects with GdalError (exit code, stderr, time-out). */
export function runGdal(tool: string, args: string[], opts: RunOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env: { ...process.env, ...GDAL_ENV, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 120_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < 20_000) err += b.toString('utf8');
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new GdalError(tool, null, (e as Error).message));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0 && !timedOut) resolve(Buffer.concat(out));
      else reject(new GdalError(tool, code, err, timedOut));
    });
    child.stdin.on('error', () => {}); // a tool that exits early closes its stdin
    child.stdin.end(opts.stdin ?? '');
  });
}

/** What the platform reads from `gdalinfo -json`. */
export interface GdalInfo {
  driver: string;
  width: number;
  height: number;
  bands: number;
  bandType: string;
  geoTransform: number[] | null;
  crsWkt: string | null;
  epsg: number | null;
  geographic: boolean;
  nodata: number | null;
  scale: number;
  offset: number;
  /** raw band statistics when asked for (-stats) */
  stats: { min: number; max: number; mean: number; stdDev: number; validPercent: number | null } | null;
  /** the footprint in WGS84 lon/lat as gdalinfo computes it */
  wgs84Extent: { type: 'Polygon'; coordinates: number[][][] } | null;
}

interface RawInfo {
  driverShortName?: string;
  size?: [number, number];
  geoTransform?: number[];
  coordinateSystem?: { wkt?: string };
  bands?: {
    type?: string;
    noDataValue?: number | string;
    scale?: number;
    offset?: number;
    minimum?: number;
    maximum?: number;
    mean?: number;
    stdDev?: number;
    metadata?: Record<string, Record<string, string>>;
  }[];
  wgs84Extent?: { type: 'Polygon'; coordinates: number[][][] };
}

function numeric(v: number | string | undefined): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return v;
  if (v === 'nan' || v === 'NaN') return Number.NaN;
  const n = Number(v);
  return Number.isFinite(n) || /inf/i.test(v) ? n : null;
}

export function parseGdalInfo(json: string): GdalInfo {
  const d = JSON.parse(json) as RawInfo;
  const b = d.bands?.[0];
  const wkt = d.coordinateSystem?.wkt || null;
  const epsgMatch = wkt ? /ID\["EPSG",(\d+)\]\]\s*$/.exec(wkt) : null;
  const md = b?.metadata?.[''] ?? {};
  const validPercent = md.STATISTICS_VALID_PERCENT !== undefined ? Number(md.STATISTICS_VALID_PERCENT) : null;
  return {
    driver: d.driverShortName ?? '',
    width: d.size?.[0] ?? 0,
    height: d.size?.[1] ?? 0,
    bands: d.bands?.length ?? 0,
    bandType: b?.type ?? '',
    geoTransform: d.geoTransform ?? null,
    crsWkt: wkt,
    epsg: epsgMatch ? Number(epsgMatch[1]) : null,
    geographic: wkt ? /^\s*(GEOGCRS|GEOGCS|GEODCRS|GEOGRAPHICCRS)\[/.test(wkt) : false,
    nodata: numeric(b?.noDataValue),
    scale: b?.scale ?? 1,
    offset: b?.offset ?? 0,
    stats:
      b && b.minimum !== undefined && b.maximum !== undefined
        ? { min: b.minimum, max: b.maximum, mean: b.mean ?? Number.NaN, stdDev: b.stdDev ?? Number.NaN, validPercent }
        : null,
    wgs84Extent: d.wgs84Extent ?? null,
  };
}

/** `gdalinfo -json` of a GeoTIFF (only the GTiff driver is allowed to open it: no VRT, no links to other files). */
export async function gdalInfo(file: string, opts: { stats?: boolean; timeoutMs?: number } = {}): Promise<GdalInfo> {
  const args = ['-json', '-if', 'GTiff', '-nomd', ...(opts.stats ? ['-stats'] : []), file];
  // -nomd drops the band metadata that carries the statistics: ask for -stats with metadata
  if (opts.stats) args.splice(args.indexOf('-nomd'), 1);
  const out = await runGdal('gdalinfo', args, { timeoutMs: opts.timeoutMs ?? 30_000, env: { GDAL_DISABLE_READDIR_ON_OPEN: 'EMPTY_DIR' } });
  return parseGdalInfo(out.toString('utf8'));
}

/** Byte sizes of the GDAL data types the platform reads (raw, little-endian, from ENVI files). */
export const BAND_TYPES: Record<string, number> = {
  Byte: 1,
  Int8: 1,
  UInt16: 2,
  Int16: 2,
  UInt32: 4,
  Int32: 4,
  Float32: 4,
  Float64: 8,
};

/** A typed view over a raw little-endian buffer of one GDAL data type. */
export function typedView(type: string, buf: Buffer, count: number): ArrayLike<number> {
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + count * BAND_TYPES[type]);
  switch (type) {
    case 'Byte':
      return new Uint8Array(ab);
    case 'Int8':
      return new Int8Array(ab);
    case 'UInt16':
      return new Uint16Array(ab);
    case 'Int16':
      return new Int16Array(ab);
    case 'UInt32':
      return new Uint32Array(ab);
    case 'Int32':
      return new Int32Array(ab);
    case 'Float32':
      return new Float32Array(ab);
    case 'Float64':
      return new Float64Array(ab);
    default:
      throw new Error(`unsupported band type ${type}`);
  }
}
