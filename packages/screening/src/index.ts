/** @biomon/screening — project impact screening (footprints against protected areas, species, land cover, wetland) */
export {
  createScreening,
  rerunScreening,
  executeScreening,
  getScreening,
  screeningReportHtml,
  projectResult,
  SCREENING_QUEUE,
  DEFAULT_BUFFERS_KM,
  DEFAULT_SPECIES_YEARS,
  MAX_FOOTPRINT_HA,
  MAX_BUFFER_KM,
  type ScreeningRequest,
  type ScreeningView,
} from './screening.service';
export {
  footprintFromGeoJson,
  footprintFromFile,
  detectFormat,
  footprintError,
  MAX_FOOTPRINT_BYTES,
  type FootprintRead,
  type FootprintFormat,
} from './footprint';
export { VERDICT_RULES, RULES_VERSION, checkRules, judge, concerns, type VerdictRules, type VerdictRule } from './verdict-rules';
export { ZONES, ZONE_PROPERTIES, zoneOf } from './zones';
export { renderScreeningHtml, mapSvg } from './screening-report';
export type * from './screening-types';
