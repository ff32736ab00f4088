import gcoord from 'gcoord';

export type InputCrs = 'wgs84' | 'gcj02' | 'bd09';
export const INPUT_CRS: InputCrs[] = ['wgs84', 'gcj02', 'bd09'];

const FROM = { gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/**
 * Converts one lon/lat position to WGS84. GCJ-02 (AMap, DataV) and BD-09 (Baidu) are the obfuscated
 * datums of Chinese map services; in Jilin they sit a few hundred metres off WGS84.
 */
export function toWgs84(lon: number, lat: number, crs: InputCrs): [number, number] {
  if (crs === 'wgs84') return [lon, lat];
  const [x, y] = gcoord.transform([lon, lat], FROM[crs], gcoord.WGS84) as [number, number];
  return [x, y];
}

type Coords = number[] | Coords[];

/** Converts every position of a GeoJSON geometry's coordinates (any nesting), keeping only x and y. */
export function convertCoordinates(coords: Coords, crs: InputCrs): Coords {
  if (typeof coords[0] === 'number') {
    const [x, y] = coords as number[];
    return toWgs84(x, y, crs);
  }
  return (coords as Coords[]).map((c) => convertCoordinates(c, crs));
}
