/**
 * Distances on the WGS84 ellipsoid by Vincenty's inverse formula (T. Vincenty, "Direct and inverse
 * solutions of geodesics on the ellipsoid with application of nested equations", Survey Review
 * XXIII(176), 1975), its λ iterated to a relative 1e-15 (the usual absolute 1e-12 rad leaves ~20 nm
 * on every few-metre segment of a tracklog, 1 cm over 100,000 of them): within nanometres of the
 * exact geodesic for the short, non-antipodal lines of field tracks. Independent of PostGIS (which uses
 * GeographicLib): the reference the GPS-track tests compare against. The haversine on the mean
 * sphere is here only to show how far a spherical length would be off.
 */
const a = 6378137;
const f = 1 / 298.257223563;
const b = a * (1 - f);
const rad = (d: number) => (d * Math.PI) / 180;

/** Geodesic distance in metres between two lon/lat positions (degrees, WGS84). */
export function vincentyM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const L = rad(lon2 - lon1);
  const U1 = Math.atan((1 - f) * Math.tan(rad(lat1)));
  const U2 = Math.atan((1 - f) * Math.tan(rad(lat2)));
  const sinU1 = Math.sin(U1);
  const cosU1 = Math.cos(U1);
  const sinU2 = Math.sin(U2);
  const cosU2 = Math.cos(U2);
  let lambda = L;
  let prev: number;
  let sinSigma = 0;
  let cosSigma = 0;
  let sigma = 0;
  let cos2Alpha = 0;
  let cos2SigmaM = 0;
  let iterations = 0;
  do {
    const sinLambda = Math.sin(lambda);
    const cosLambda = Math.cos(lambda);
    sinSigma = Math.sqrt((cosU2 * sinLambda) ** 2 + (cosU1 * sinU2 - sinU1 * cosU2 * cosLambda) ** 2);
    if (sinSigma === 0) return 0; // the same point
    cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
    sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinLambda) / sinSigma;
    cos2Alpha = 1 - sinAlpha * sinAlpha;
    cos2SigmaM = cos2Alpha !== 0 ? cosSigma - (2 * sinU1 * sinU2) / cos2Alpha : 0; // equatorial line
    const C = (f / 16) * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha));
    prev = lambda;
    lambda = L + (1 - C) * f * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    if (++iterations > 200) throw new Error('Vincenty did not converge');
  } while (Math.abs(lambda - prev) > 1e-15 * Math.abs(lambda));
  const u2 = (cos2Alpha * (a * a - b * b)) / (b * b);
  const A = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
  const B = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
  const deltaSigma =
    B *
    sinSigma *
    (cos2SigmaM +
      (B / 4) * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) - (B / 6) * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
  return b * A * (sigma - deltaSigma);
}

/** Length in metres of a polyline of [lon, lat] positions, summed segment by segment. */
export function lineLengthM(line: number[][], dist = vincentyM): number {
  let s = 0;
  for (let i = 1; i < line.length; i++) s += dist(line[i - 1][0], line[i - 1][1], line[i][0], line[i][1]);
  return s;
}

/** Great-circle distance on the sphere of the mean Earth radius (what turf and haversine give). */
export function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const R = 6371008.8;
  const h = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}
