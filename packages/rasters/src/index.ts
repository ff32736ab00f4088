/** @biomon/rasters — raster datasets (COGs in the file store, read with GDAL's command-line tools), area-true zonal statistics */
export { RASTER_KINDS, FVC_SCALES, RASTER_UNITS, DEFAULT_CLASS_MAP, rasterDataKind, type RasterKind, type FvcScale } from './raster-kinds';
export {
  MAX_RASTER_UPLOAD_BYTES,
  uploadRaster,
  importRasterFile,
  processRaster,
  markRasterProcessingFailed,
  stageRasterFile,
  inspectRasterFile,
  listRasters,
  getRaster,
  readyRaster,
  rasterZonal,
  requestRasterZonal,
  computeRasterZonal,
  ZONAL_JOB_REQUEUE_MS,
  rasterTile,
  rasterLegend,
  groupZones,
  type RasterUpload,
  type RasterView,
  type ZonalQuery,
  type ZonalResult,
  type ZonalAnswer,
  type ZonalComputing,
} from './raster.service';
export { zonalStatistics, windowOf, ZONAL_METHOD_VERSION, type ZonalRaster, type ZoneGroup, type ZoneStats } from './zonal';
export { pixelAreas, quadrangleAreaM2, smallQuadAreaM2, LATTICE_STEP, type Grid, type PixelAreas } from './pixel-area';
export { runGdal, gdalInfo, parseGdalInfo, GdalError, GDAL_ENV, BAND_TYPES, typedView, type GdalInfo } from './gdal';
export { writeZoneFeatures, overlappingZonePairs, type ZoneKind } from './raster.repository';
export { renderTile, encodePng, emptyPng, tileBounds, tileLonLat, legendOf, rampOf, CLASS_PALETTE, TILE_SIZE, type TileRaster } from './tiles';
