import { describe, expect, it } from 'vitest';
import { translatePgError } from '@biomon/db';

// A database that goes away mid-request (stop -m immediate, a restart) is a 503 the client retries,
// whatever node-pg or the socket says: never a 500 (drill 6, tests/faults/postgres-faults.test.ts).
describe('translatePgError: a lost database is 503', () => {
  const lost = [
    { code: '57P01', message: 'terminating connection due to administrator command' },
    { message: 'Connection terminated unexpectedly' },
    { message: 'write EPIPE' },
    { message: 'read ECONNRESET' },
    { message: 'Client has encountered a connection error and is not queryable' },
    { message: 'connect ETIMEDOUT 127.0.0.1:5432' },
    { message: 'socket hang up' },
    { message: 'the database system is shutting down' },
  ];
  for (const e of lost)
    it(e.message, () => {
      expect(translatePgError(Object.assign(new Error(e.message), e))?.code).toBe('SERVICE_UNAVAILABLE');
    });
  it('leaves other errors alone', () => {
    expect(translatePgError(new Error('syntax error at or near "SELEC"'))).toBeNull();
  });
});
