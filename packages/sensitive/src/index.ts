/**
 * The one sensitive-data projection (BRIEF §8, issue 14): every output of occurrence, survey-event
 * or station data is shaped here for its viewer. Writers store what the public may see of each
 * occurrence with the row (@biomon/occurrences, sensitivity.ts); this package reads it.
 */
export { PUBLIC_VIEWER, SYSTEM_VIEWER, seesExact, viewerOf, type Viewer } from './viewer';
export { COORDINATE_LIKE, looksLikeCoordinate, scrubText } from './text';
export {
  occurrenceReadSql,
  occurrencePositionsSql,
  readOccurrences,
  readOccurrencesJson,
  type OccurrenceJsonPage,
  readOccurrenceHistory,
  occurrenceExtentSql,
  pickAllowed,
  dayPrecisionDate,
  GENERALISED_OCCURRENCE_TERMS,
  GENERALISED_FLAGS,
  INFORMATION_WITHHELD,
  type OccurrenceFilter,
  type OccurrenceRead,
  type OccurrenceOut,
  type HistoryEntry,
} from './occurrence-read';
export { eventReadSql, eventExtentSql, GENERALISED_EVENT_TERMS, type EventRow, type EventSelect } from './event-read';
export { stationShown, STATION_CELL_M, STATION_GENERALISATION, STATION_WITHHELD } from './station-read';
export {
  accessionShown,
  accessionCell,
  projectPassport,
  GENERALISED_PASSPORT_FIELDS,
  PASSPORT_GENERALISATION,
  PASSPORT_WITHHELD,
  type AccessionRow,
  type PassportShown,
} from './germplasm-read';
export { SMALL_COUNT, sensitiveSpeciesNames, projectIndicatorDetails } from './aggregates';
export {
  projectScreeningSpecies,
  seesScreeningExact,
  shownByBand,
  SCREENING_BANDS_KM,
  SCREENING_BAND_CELL_M,
  type ScreeningRecord,
  type ScreeningSpeciesStored,
  type ScreeningSpeciesOut,
  type ScreeningBand,
  type Count as ScreeningCount,
} from './screening-read';
