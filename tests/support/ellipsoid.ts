/**
 * Closed-form area on the WGS84 ellipsoid of a latitude–longitude quadrangle (bounded by two
 * meridians and two parallels): A = Δλ · b²/2 · [q(φ2) − q(φ1)], with
 * q(φ) = sinφ/(1 − e² sin²φ) + 1/(2e) · ln((1 + e sinφ)/(1 − e sinφ)).
 * Independent of PostGIS: the reference the indicator tests compare against.
 */
const a = 6378137;
const f = 1 / 298.257223563;
const e2 = f * (2 - f);
const e = Math.sqrt(e2);
const b = a * (1 - f);
const rad = (d: number) => (d * Math.PI) / 180;

function q(phiDeg: number): number {
  const s = Math.sin(rad(phiDeg));
  return s / (1 - e2 * s * s) + (1 / (2 * e)) * Math.log((1 + e * s) / (1 - e * s));
}

export function boxAreaM2(lon1: number, lon2: number, lat1: number, lat2: number): number {
  return ((rad(lon2 - lon1) * b * b) / 2) * (q(lat2) - q(lat1));
}

/**
 * The same box as a GeoJSON Polygon whose parallels are densified (every `step` degrees), so that
 * PostGIS's geodesic edges follow the parallels closely and edge interpretation does not matter.
 */
export function boxPolygon(lon1: number, lon2: number, lat1: number, lat2: number, step = 0.01): { type: 'Polygon'; coordinates: number[][][] } {
  const ring: number[][] = [];
  const n = Math.max(1, Math.ceil((lon2 - lon1) / step - 1e-9));
  for (let i = 0; i <= n; i++) ring.push([round(lon1 + ((lon2 - lon1) * i) / n), lat1]);
  for (let i = n; i >= 0; i--) ring.push([round(lon1 + ((lon2 - lon1) * i) / n), lat2]);
  ring.push([lon1, lat1]);
  return { type: 'Polygon', coordinates: [ring] };
}

const round = (x: number) => Math.round(x * 1e9) / 1e9;
