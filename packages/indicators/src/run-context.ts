import type { RunParams } from './run-params';
import type { IndicatorCode } from './indicator-catalogue';

/** Dataset versions a run uses (null: none of that kind exists with vintage ≤ the run's year). */
export interface RunDatasets {
  regions: number | null;
  protectedAreas: number | null;
  landCover: number | null;
  grasslandPlots: number | null;
  ecosystems: number | null;
  /** the NDVI raster (@biomon/rasters) of grassland_vegetation_cover_rs: the newest ready one with year ≤ the run's year; absent in runs made before it */
  ndvi?: number | null;
}

export interface RunContext {
  runId: string;
  year: number;
  datasets: RunDatasets;
  params: RunParams;
  /** Region codes the run computes (all regions of the regions dataset unless the run names some). */
  regionCodes: string[];
  /** the file store holding raster COGs (ExecuteOptions.fileStoreDir); without it raster-based indicators have no value */
  fileStoreDir?: string;
}

/** One value of one indicator for one region. `value` null ⇒ `reason` says why (never 0 or 100 for an empty denominator). */
export interface ResultRow {
  indicator: IndicatorCode;
  regionCode: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  reason: string | null;
  details: Record<string, unknown>;
  /** Which of several values of the indicator for the region ('' or absent: the only one), e.g. 'd=10km'. */
  variant?: string;
  /** '%' unless the indicator says otherwise (exsitu_sites_per_taxon: '个/种') */
  unit?: string;
}

export function ratio(
  indicator: IndicatorCode,
  regionCode: string,
  num: number,
  den: number,
  emptyReason: string,
  details: Record<string, unknown> = {},
): ResultRow {
  if (!(den > 0)) return { indicator, regionCode, value: null, numerator: num, denominator: den, reason: emptyReason, details };
  // clamp floating noise of overlays (an intersection can exceed its container by ~1e-9 relative)
  const v = Math.min(100, Math.max(0, (num / den) * 100));
  return { indicator, regionCode, value: v, numerator: num, denominator: den, reason: null, details };
}

export function missingDataset(indicator: IndicatorCode, codes: string[], what: string): ResultRow[] {
  return codes.map((c) => ({
    indicator,
    regionCode: c,
    value: null,
    numerator: null,
    denominator: null,
    reason: `no ${what} dataset with vintage ≤ the run's year`,
    details: {},
  }));
}
