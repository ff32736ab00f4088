export {
  INDICATORS,
  INDICATOR_CODES,
  METHOD_VERSION,
  indicatorDefinition,
  meetsTarget,
  type IndicatorCode,
  type IndicatorDefinition,
} from './indicator-catalogue';
export { DEFAULT_PARAMS, type RunParams } from './run-params';
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
