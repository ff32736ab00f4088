/** Raster kinds (issue 18): NDVI, fractional vegetation cover, land-cover classes, elevation. */
export const RASTER_KINDS = ['ndvi', 'fvc', 'land-cover', 'elevation'] as const;
export type RasterKind = (typeof RASTER_KINDS)[number];

/**
 * The kind of data a raster that became ready announces (the `data-changed` job, and the stale
 * mark it sets in indicator_staleness): `raster:ndvi`, `raster:land-cover`, … — apart from the
 * vector layer kinds, whose `datasetId` names a layer dataset, not a raster.
 */
export const rasterDataKind = (kind: string): `raster:${string}` => `raster:${kind}`;

export const FVC_SCALES = ['fraction', 'percent'] as const;
export type FvcScale = (typeof FVC_SCALES)[number];

/** What a kind's values mean (after scale and offset), Chinese first. */
export const RASTER_UNITS: Record<RasterKind, string> = {
  ndvi: 'NDVI（无量纲 dimensionless, −1…1）',
  fvc: '植被覆盖度 FVC',
  'land-cover': '地类代码 class code',
  elevation: '米 m',
};

/**
 * The default mapping of land-cover raster codes to the vector land-cover classes (BRIEF §5): the
 * codes of CLCD, the 30 m annual China Land Cover Dataset (Yang & Huang 2021, the product used most
 * for Chinese provinces): 1 cropland, 2 forest, 3 shrub, 4 grassland, 5 water, 6 snow/ice, 7 barren,
 * 8 impervious, 9 wetland. An upload may give its own table (`classMap`).
 */
export const DEFAULT_CLASS_MAP: Record<string, string> = {
  '1': 'cropland',
  '2': 'forest',
  '3': 'shrub',
  '4': 'grassland',
  '5': 'water',
  '6': 'other',
  '7': 'bare',
  '8': 'built',
  '9': 'wetland',
};
