export { AppError, ERRORS, type ErrorCode, type FieldError } from './errors';
export { createLogger, LOG_REDACT_PATHS } from './logger';
export {
  TEXT_INVALID_CHARACTER, hasInvalidText, escapeInvalidText, escapeInvalidTextDeep, findInvalidText, invalidTextErrors, type InvalidText,
} from './text';
export { csvLine, csvDocument, tsvLine, guardFormula, UTF8_BOM } from './csv';
export { CursorCodec, type CursorKey } from './cursor';
