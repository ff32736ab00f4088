export { AppError, ERRORS, type ErrorCode, type FieldError } from './errors';
export { createLogger, LOG_REDACT_PATHS } from './logger';
