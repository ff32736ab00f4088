export {
  REPORT_SCHEMA_VERSION,
  REPORT_INDICATORS,
  COMPANION_INDICATORS,
  type AssessmentReport,
  type IndicatorValue,
  type RegionValues,
  type RegionRef,
  type SeriesOut,
  type LedgerSummary,
  type DataCoverage,
  type Provenance,
} from './report-types';
export { buildAssessmentReport, indicatorValue, type AssessmentQuery } from './assessment.service';
export { renderAssessmentCsv, BOM } from './report-csv';
export { renderAssessmentHtml, type FrozenMeta } from './report-html';
export { targetsChartSvg, seriesChartSvg, hasMultiYearSeries } from './report-charts';
export { formatPct, formatGap } from './report-format';
export {
  freezeReport,
  getFrozenReport,
  reviewReport,
  listFrozenReports,
  frozenMeta,
  canonicalJson,
  snapshotHash,
  reviewStatus,
  type FrozenReportOut,
  type ReviewOut,
  type ReviewStatus,
} from './frozen-report.service';
