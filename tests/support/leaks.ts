import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { readZip } from './opendata';

/**
 * Finds every coordinate an HTTP response carries, whatever its format, so that a test can assert
 * that none lies near a point that must stay hidden: JSON (arrays [lon, lat, …], objects with
 * decimalLongitude/decimalLatitude, lon/lat, longitude/latitude, WKT and "lon lat" pairs inside
 * strings), CSV/TSV (the latitude/longitude columns, adjacent numeric cells, WKT in cells),
 * Mapbox vector tiles (decoded to WGS84), zip archives (each entry by its own type), XML and HTML
 * (number pairs in text order, and EML bounding boxes).
 */
export type LonLat = [number, number];

const NUM = /-?\d{1,3}\.\d+/g;
const isLon = (x: number) => x >= 100 && x <= 145;
const isLat = (y: number) => y >= 30 && y <= 55;

/** Pairs of numbers that stand next to each other in a text (WKT "lon lat", "lon,lat", "lat, lon"). */
export function pairsInText(text: string): LonLat[] {
  const nums = [...text.matchAll(NUM)].map((m) => Number(m[0]));
  const out: LonLat[] = [];
  for (let i = 0; i + 1 < nums.length; i++) {
    const [a, b] = [nums[i], nums[i + 1]];
    if (isLon(a) && isLat(b)) out.push([a, b]);
    else if (isLat(a) && isLon(b)) out.push([b, a]);
  }
  return out;
}

const KEY_PAIRS: [string, string][] = [
  ['decimalLongitude', 'decimalLatitude'],
  ['lon', 'lat'],
  ['longitude', 'latitude'],
  ['lng', 'lat'],
  ['westBoundingCoordinate', 'southBoundingCoordinate'],
  ['eastBoundingCoordinate', 'northBoundingCoordinate'],
  ['westBoundingCoordinate', 'northBoundingCoordinate'],
  ['eastBoundingCoordinate', 'southBoundingCoordinate'],
];

export function coordinatesInJson(v: unknown, out: LonLat[] = []): LonLat[] {
  if (Array.isArray(v)) {
    if (v.length >= 2 && typeof v[0] === 'number' && typeof v[1] === 'number') {
      out.push([v[0], v[1]]);
      // a bbox [w, s, e, n]: its other corners too
      if (v.length === 4 && typeof v[2] === 'number' && typeof v[3] === 'number') out.push([v[2], v[3]], [v[0], v[3]], [v[2], v[1]]);
    }
    for (const x of v) coordinatesInJson(x, out);
  } else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const [kx, ky] of KEY_PAIRS) {
      const x = Number(o[kx]);
      const y = Number(o[ky]);
      if (o[kx] !== undefined && o[ky] !== undefined && o[kx] !== null && o[ky] !== null && Number.isFinite(x) && Number.isFinite(y)) out.push([x, y]);
    }
    for (const x of Object.values(o)) coordinatesInJson(x, out);
  } else if (typeof v === 'string') {
    out.push(...pairsInText(v));
  }
  return out;
}

/** Rows of a CSV or TSV text (quotes as RFC 4180). */
export function parseDelimited(text: string, sep: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === sep) {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

export function coordinatesInDelimited(text: string, sep: string): LonLat[] {
  const rows = parseDelimited(text.replace(/^\uFEFF/, ''), sep);
  const out: LonLat[] = [];
  if (!rows.length) return out;
  const header = rows[0].map((h) => h.toLowerCase());
  const find = (...names: string[]) => header.findIndex((h) => names.some((n) => h === n.toLowerCase() || h.endsWith(` ${n.toLowerCase()}`)));
  const lonCol = find('decimalLongitude', 'longitude', 'lon', '经度');
  const latCol = find('decimalLatitude', 'latitude', 'lat', '纬度');
  for (const r of rows.slice(1)) {
    if (lonCol >= 0 && latCol >= 0 && r[lonCol] !== '' && r[latCol] !== '') out.push([Number(r[lonCol]), Number(r[latCol])]);
    for (let i = 0; i + 1 < r.length; i++) {
      const a = Number(r[i]);
      const b = Number(r[i + 1]);
      if (r[i] !== '' && r[i + 1] !== '' && Number.isFinite(a) && Number.isFinite(b)) {
        if (isLon(a) && isLat(b)) out.push([a, b]);
        else if (isLat(a) && isLon(b)) out.push([b, a]);
      }
    }
    for (const c of r) out.push(...pairsInText(c));
  }
  return out;
}

export function coordinatesInTile(buf: Buffer, z: number, x: number, y: number): LonLat[] {
  const out: LonLat[] = [];
  if (!buf.length) return out;
  const vt = new VectorTile(new PbfReader(buf));
  for (const name of Object.keys(vt.layers)) {
    const l = vt.layers[name];
    for (let i = 0; i < l.length; i++) {
      const f = l.feature(i);
      const g = f.toGeoJSON(x, y, z);
      coordinatesInJson((g.geometry as { coordinates: unknown }).coordinates, out);
      coordinatesInJson(g.properties, out);
    }
  }
  return out;
}

export interface Scanned {
  coordinates: LonLat[];
  text: string;
}

/** Every coordinate and all the text of a response body, by its content type (and the tile address for MVT). */
export async function scanBody(contentType: string, body: Buffer, tile?: { z: number; x: number; y: number }): Promise<Scanned> {
  const ct = contentType.toLowerCase();
  if (ct.includes('mapbox-vector-tile')) {
    const vt = body.length ? new VectorTile(new PbfReader(body)) : null;
    const texts: string[] = [];
    if (vt)
      for (const name of Object.keys(vt.layers))
        for (let i = 0; i < vt.layers[name].length; i++) texts.push(JSON.stringify(vt.layers[name].feature(i).properties));
    return { coordinates: coordinatesInTile(body, tile!.z, tile!.x, tile!.y), text: texts.join('\n') };
  }
  if (ct.includes('zip') || ct.includes('spreadsheetml')) {
    const entries = await readZip(body);
    const out: Scanned = { coordinates: [], text: '' };
    for (const [name, data] of entries) {
      const s = await scanBody(
        name.endsWith('.xml') || name.endsWith('.rels') ? 'application/xml' : name.endsWith('.txt') ? 'text/tab-separated-values' : 'text/plain',
        data,
      );
      out.coordinates.push(...s.coordinates);
      out.text += `\n${s.text}`;
    }
    return out;
  }
  const text = body.toString('utf8');
  if (ct.includes('json')) {
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { coordinates: pairsInText(text), text };
    }
    return { coordinates: coordinatesInJson(parsed), text };
  }
  if (ct.includes('text/csv')) return { coordinates: coordinatesInDelimited(text, ','), text };
  if (ct.includes('tab-separated')) return { coordinates: coordinatesInDelimited(text, '\t'), text };
  if (ct.includes('xml')) {
    // EML: <westBoundingCoordinate>…</…>: every corner of the box, plus pairs in text order
    const v = (tag: string) => Number((new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(text) ?? [])[1]);
    const [w, e, n, s] = [v('westBoundingCoordinate'), v('eastBoundingCoordinate'), v('northBoundingCoordinate'), v('southBoundingCoordinate')];
    const corners: LonLat[] =
      Number.isFinite(w) && Number.isFinite(s)
        ? [
            [w, s],
            [w, n],
            [e, s],
            [e, n],
          ]
        : [];
    return { coordinates: [...corners, ...pairsInText(text)], text };
  }
  return { coordinates: pairsInText(text), text };
}

/** Distance in metres on a sphere (enough for a 1 km threshold). */
export function metres([lon1, lat1]: LonLat, [lon2, lat2]: LonLat): number {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
}
