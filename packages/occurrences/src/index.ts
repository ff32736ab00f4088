export { validateOccurrence, HIGH_UNCERTAINTY_M, type NormalizedOccurrence, type ValidationResult } from './validate-occurrence';
export { parseEventDate, type EventDateRange } from './event-date';
export { ingestOccurrences, MAX_BATCH_RECORDS, type IngestOptions } from './occurrence-ingest.service';
export { ingestSurveyEvents, validateSurveyEvent } from './survey-event.service';
export { enrichOccurrences } from './enrichment';
export { matchTaxa, type TaxonMatchResult } from './taxon-match';
export { BASIS_OF_RECORD, OCCURRENCE_STATUS, REVIEW_STATES, FLAG, type Flag, type ReviewState } from './dwc-vocabulary';
export type { BatchResult, RejectedRecord, BatchWarning } from './batch-result';
export { SYSTEM_ACTOR, type Actor } from './actor';
