import { pino, type Logger, type LoggerOptions } from 'pino';

/** Paths pino must never print: bearer tokens, station secrets, webhook secrets, passwords in URLs. */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'databaseUrl',
  'config.databaseUrl',
];

export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  return pino({ level, redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' }, ...options });
}
