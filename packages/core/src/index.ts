export { AppError, ERRORS, type ErrorCode, type FieldError } from './errors';
export { createLogger, LOG_REDACT_PATHS } from './logger';
export {
  TEXT_INVALID_CHARACTER,
  hasInvalidText,
  escapeInvalidText,
  escapeInvalidTextDeep,
  findInvalidText,
  invalidTextErrors,
  type InvalidText,
} from './text';
export { csvLine, csvDocument, tsvLine, guardFormula, UTF8_BOM } from './csv';
export { CursorCodec, type CursorKey } from './cursor';
export {
  CHINA_TZ,
  CHINA_OFFSET,
  CHINA_OFFSET_MS,
  chinaDate,
  chinaYear,
  chinaDateTime,
  startOfChinaDay,
  startOfChinaYear,
  isCalendarDate,
  addDays,
  daysBetween,
} from './time';
export {
  parseBbox,
  parseDate,
  parseCalendarDate,
  parseDateRange,
  assertRange,
  pageLimit,
  isDateOnly,
  invalidField,
  type Bbox,
} from './query';
export { mulberry32 } from './random';
