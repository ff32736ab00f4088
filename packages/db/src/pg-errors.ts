import { AppError } from '@biomon/core';

/**
 * The one place where PostgreSQL errors become API errors (by SQLSTATE).
 * Connection failures become 503 with Retry-After, so clients retry instead of giving up.
 */
export function translatePgError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  const e = err as { code?: string; constraint?: string; detail?: string; message?: string };
  if (!e || typeof e !== 'object') return null;
  switch (e.code) {
    case '23505':
      return new AppError('CONFLICT', 'A record with this key already exists', { constraint: e.constraint });
    case '23503':
      return new AppError('VALIDATION_FAILED', 'A referenced record does not exist', { constraint: e.constraint });
    case '22021': // character_not_in_repertoire: a NUL in text (the edge refuses these first, naming the field)
    case '22P05': // untranslatable_character: \u0000 in jsonb
      return new AppError('TEXT_INVALID_CHARACTER', undefined, {
        errors: [{ field: 'body', code: 'TEXT_INVALID_CHARACTER', message: 'a value contains a NUL character or an unpaired UTF-16 surrogate' }],
      });
    case '23514':
    case '23502':
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
      return new AppError('VALIDATION_FAILED', 'A value is out of range or malformed', { constraint: e.constraint });
    case '57P01': // admin_shutdown
    case '57P02':
    case '57P03': // cannot_connect_now (starting up / shutting down)
    case '08000':
    case '08001':
    case '08003':
    case '08006':
    case '53300': // too_many_connections
      return new AppError('SERVICE_UNAVAILABLE', 'The database is unavailable; retry later', undefined, { 'retry-after': '5' });
  }
  const msg = String(e.message ?? '');
  // node-pg's and the socket's words for a server that went away (no SQLSTATE on these)
  const LOST =
    /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|socket hang up|Connection terminated|not queryable|server closed the connection|terminating connection/i;
  if (LOST.test(msg) || /timeout exceeded when trying to connect|the database system is/i.test(msg)) {
    return new AppError('SERVICE_UNAVAILABLE', 'The database is unavailable; retry later', undefined, { 'retry-after': '5' });
  }
  return null;
}
