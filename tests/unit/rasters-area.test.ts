import { describe, expect, it } from 'vitest';
import { groupZones, parseGdalInfo, quadrangleAreaM2, smallQuadAreaM2, windowOf } from '@biomon/rasters';

// The pieces of the zonal pass that need no GDAL: pixel areas on the WGS84 ellipsoid against an
// independent numerical integration, the grouping of overlapping zones, the pixel window.

const a = 6378137;
const f = 1 / 298.257223563;
const e2 = f * (2 - f);
const rad = Math.PI / 180;

/** ∫∫ M(φ) N(φ) cosφ dφ dλ by composite Simpson (the area element of the ellipsoid). */
function integrated(dLonDeg: number, lat1: number, lat2: number, n = 2000): number {
  const g = (phi: number) => {
    const w = 1 - e2 * Math.sin(phi) ** 2;
    return ((a * (1 - e2)) / w ** 1.5) * (a / Math.sqrt(w)) * Math.cos(phi);
  };
  const p1 = lat1 * rad;
  const p2 = lat2 * rad;
  const h = (p2 - p1) / n;
  let s = g(p1) + g(p2);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * g(p1 + i * h);
  return Math.abs(((s * h) / 3) * dLonDeg * rad);
}

describe('pixel areas on the WGS84 ellipsoid', () => {
  it('the closed-form quadrangle agrees with the integrated area element', () => {
    for (const [dl, l1, l2] of [
      [0.1, 41, 41.1],
      [1, 40, 50],
      [0.0001, 45.9999, 46],
      [3, -10, 10],
      [10, 80, 89.9],
    ]) {
      const exact = integrated(dl, l1, l2);
      expect(Math.abs(quadrangleAreaM2(dl, l1, l2) - exact) / exact).toBeLessThan(1e-9);
    }
  });

  it('pixels shrink toward the pole: a 0.001° pixel at 46° N is ~8 % smaller than at 41° N', () => {
    const south = quadrangleAreaM2(0.001, 41, 41.001);
    const north = quadrangleAreaM2(0.001, 46, 46.001);
    expect(south / north).toBeGreaterThan(1.07);
    expect(south / north).toBeLessThan(1.1);
  });

  it('a small quadrilateral from its corners agrees with the closed form (1 km and 30 m boxes)', () => {
    for (const d of [0.01, 0.0003]) {
      const lon = [125, 125 + d, 125 + d, 125];
      const lat = [43, 43, 43 + d, 43 + d];
      const exact = quadrangleAreaM2(d, 43, 43 + d);
      expect(Math.abs(smallQuadAreaM2(lon, lat) - exact) / exact).toBeLessThan(1e-7);
    }
  });
});

describe('zones and windows', () => {
  it('groups overlapping zones apart, every zone once', () => {
    const keys = ['220000', '220100', '220200', '220300', 'PA1', 'PA2'];
    const overlaps: [string, string][] = [
      ['220000', '220100'],
      ['220000', '220200'],
      ['220000', '220300'],
      ['PA1', 'PA2'],
      ['220100', 'PA1'],
    ];
    const groups = groupZones(keys, overlaps);
    expect(groups.flat().sort()).toEqual([...keys].sort());
    for (const g of groups) for (const [x, y] of overlaps) expect(g.includes(x) && g.includes(y)).toBe(false);
    expect(groups.length).toBe(2);
    expect(groupZones(['A', 'B', 'C'], [])).toEqual([['A', 'B', 'C']]);
  });

  it('finds the pixel window of an extent, clipped to the raster, or none', () => {
    const grid = { width: 30, height: 100, gt: [124, 0.1, 0, 50, 0, -0.1], crsWkt: '', geographic: true };
    expect(windowOf(grid, [124.52, 41.03, 126.48, 48.97])).toEqual({ c0: 5, r0: 10, w: 20, h: 80 });
    expect(windowOf(grid, [100, 0, 200, 80])).toEqual({ c0: 0, r0: 0, w: 30, h: 100 });
    expect(windowOf(grid, [60, 10, 61, 11])).toBeNull();
  });

  it('reads what it needs from gdalinfo -json', () => {
    const info = parseGdalInfo(
      JSON.stringify({
        driverShortName: 'GTiff',
        size: [4, 3],
        geoTransform: [125, 0.5, 0, 44, 0, -0.5],
        coordinateSystem: { wkt: 'GEOGCRS["WGS 84",CS[ellipsoidal,2],ID["EPSG",4326]]' },
        bands: [{ band: 1, type: 'Int16', noDataValue: -3000, scale: 0.0001, offset: 0 }],
        wgs84Extent: { type: 'Polygon', coordinates: [[[125, 44]]] },
      }),
    );
    expect(info).toMatchObject({ width: 4, height: 3, bands: 1, bandType: 'Int16', epsg: 4326, geographic: true, nodata: -3000, scale: 0.0001, offset: 0 });
    expect(parseGdalInfo(JSON.stringify({ bands: [{ type: 'Float32', noDataValue: 'nan' }] })).nodata).toBeNaN();
  });
});
