export {
  importLayer,
  contentHash,
  type GeoJsonFeature,
  type LayerImportOptions,
  type LayerImportResult,
  type Repair,
  type Rejection,
} from './layer-import';
export { readGeoJsonFeatures } from './geojson-stream';
export { toWgs84, convertCoordinates, INPUT_CRS, type InputCrs } from './crs';
export { LAYER_KINDS, LAND_COVER_CLASSES, PA_DESIGNATIONS, REGION_LEVELS, checkProperties, type LayerKind } from './layer-kinds';
export { uploadLayer, listLayers, getLayer, getLayerFeatures, type LayerUpload, type LayerDatasetView } from './layer.service';
export { listLayerDatasets, findLayerDataset, findLayerDatasetKind, layerFeatures, latestDataset, layerDatasetsNamed } from './layer.repository';
