export {
  INDICATORS,
  INDICATOR_CODES,
  DEFAULT_RUN_CODES,
  METHOD_VERSION,
  indicatorDefinition,
  meetsTarget,
  reportVariantOf,
  type IndicatorCode,
  type IndicatorDefinition,
} from './indicator-catalogue';
export { DEFAULT_PARAMS, dispersalDistances, type RunParams } from './run-params';
export type { RunContext, RunDatasets, ResultRow } from './run-context';
export {
  createIndicatorRun,
  executeIndicatorRun,
  getIndicatorRun,
  latestValues,
  INDICATOR_QUEUE,
  type ExecuteOptions,
  type RunRequest,
  type ResultOut,
} from './indicator-run.service';
export { markIndicatorsStale, recomputeStale } from './staleness.service';
export { IndicatorValuesCache, etagMatches, type CachedValues } from './values-cache';
export {
  FOREST_CLASSES,
  LAND_COVER_CLASS_NAMES,
  LCC_METHOD_VERSION,
  ON_REQUEST_MAX_FEATURES,
  computeLandCoverChange,
  forestLossInProtectedAreas,
  landCoverChange,
  landCoverChangeAreas,
  type ChangeAreasOut,
  pairForNewVersion,
  resolveChangePair,
  type ChangeOptions,
  type ChangeSummary,
  type LandCoverChangeOut,
  type PaLossRow,
  type ResolvedPair,
  type ChangeSource,
} from './land-cover-change/land-cover-change.service';
export {
  computeRasterLandCoverChange,
  rasterPairForNewVersion,
  resolveRasterChangePair,
  ON_REQUEST_MAX_PIXELS,
  RASTER_LCC_METHOD_VERSION,
} from './land-cover-change/land-cover-change-raster.service';
export { REASON_CODES, describeReason, reasonText, type ReasonCode, type ReasonOut } from './reasons';
