export { ReadSnapshot, CURSOR_BATCH } from './cursor';
export { tsvLine, csvLine, UTF8_BOM } from './dwc-text';
export { buildMetaXml, termUri, orderTerms, ROW_TYPES, NS, type DataFileDecl } from './meta-xml';
export { buildEml, type EmlInput, type EmlCoverage } from './eml';
export { parseOccurrenceFilter, filterFromJson, filterToJson, type OccurrenceFilter, type OccurrenceFilterInput } from './occurrence-filters';
export {
  requestDwcaExport,
  runDwcaExport,
  readableExport,
  exportView,
  openExportDownload,
  EXPORT_JOB,
  type ExportCounts,
} from './dwca-export.service';
export { findExport, type ExportRow } from './export.repository';
export {
  landingPage,
  conformance,
  collectionsDoc,
  oneCollectionDoc,
  itemsDoc,
  itemDoc,
  CONFORMANCE,
  CRS84,
  GEOJSON,
  JSON_TYPE,
  OPENAPI_TYPE,
  OGC_DEFAULT_LIMIT,
  OGC_MAX_LIMIT,
  type OgcBase,
} from './ogc.service';
export { listCollections, type CollectionDef, type Feature } from './ogc-collections';
export { buildTile, tileJson, tileBounds, TILE_LAYERS, ROLE_DEPENDENT, CLUSTER_MAX_ZOOM, MAX_TILE_ZOOM, SMALL_COUNT, type TileLayer } from './tiles.repository';
export {
  occurrencesDownload,
  observationsDownload,
  layerDownload,
  indicatorResultsDownload,
  OCCURRENCE_CSV_COLUMNS,
  CONTENT_TYPES,
  type DownloadFormat,
} from './downloads';
export type { ObservationScope } from './download.repository';
