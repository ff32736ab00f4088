export { validateOccurrence, HIGH_UNCERTAINTY_M, type NormalizedOccurrence, type ValidationResult } from './validate-occurrence';
export { parseEventDate, type EventDateRange } from './event-date';
export { ingestOccurrences, MAX_BATCH_RECORDS, type IngestOptions } from './occurrence-ingest.service';
export { ingestSurveyEvents, validateSurveyEvent } from './survey-event.service';
export { enrichOccurrences } from './occurrence.repository';
export { matchTaxa, type TaxonMatchResult } from './taxon-match';
export { BASIS_OF_RECORD, OCCURRENCE_STATUS, REVIEW_STATES, FLAG, type Flag, type ReviewState } from './dwc-vocabulary';
export type { BatchResult, RejectedRecord, BatchWarning } from './batch-result';
export { mayEdit, ownerOf, type Owner } from './record-owner';
export { refreshSensitivity } from './sensitivity';
export { holdRulesExclusive, holdRulesShared } from './sensitivity.repository';
export { DEFAULT_CELL_M } from './sensitivity.sql';
export { reviewOccurrence } from './occurrence-review.service';
export {
  storeUpload,
  createImport,
  type ImportOptions,
  processImport,
  getImport,
  markImportFailed,
  recordImportErrors,
  importErrorsCsv,
  importTemplateCsv,
  importTemplateXlsx,
  IMPORT_QUEUE,
  MAX_IMPORT_BYTES,
  type StoredUpload,
} from './import.service';
export {
  openImport,
  ImportFormatError,
  CSV_TEMPLATE_HEADERS,
  CANONICAL_TERMS,
  ARCHIVE_LIMIT_CODES,
  DEFAULT_IMPORT_LIMITS,
  type ImportLimits,
} from './import/index';
export {
  findImport,
  markImportRunning,
  setImportFormat,
  setImportProgress,
  markImportCompleted,
} from './import.repository';
export { openPlainTable, plainTableHeader, plainTableXlsxStream, type PlainTable, type PlainTableRow } from './import/plain-table';
export { saveMapping, getMapping, listMappings, mappingOwner, validateMapping, MAPPING_NAME_PATTERN, type ImportMappingOut } from './import-mapping.service';
