import { sql } from 'kysely';
import type { DbOrTx } from './db';

/**
 * Statements about the database server itself, on no table: whether it answers (`/health`), and
 * the write-ahead-log positions replica.ts compares to measure a hot standby's lag.
 */

/** A round trip to the server (`select 1`); rejects when it does not answer. */
export async function pingDatabase(db: DbOrTx): Promise<void> {
  await sql`select 1`.execute(db);
}

/** The primary's current WAL position (text, `pg_lsn`). */
export async function currentWalLsn(db: DbOrTx): Promise<string | null> {
  const r = await sql<{ lsn: string }>`SELECT pg_current_wal_lsn()::text AS lsn`.execute(db);
  return r.rows[0]?.lsn ?? null;
}

/** A standby's replay state: whether it is one, how many bytes it is behind `primaryLsn`, seconds since its last replayed transaction. */
export async function standbyReplayState(db: DbOrTx, primaryLsn: string | null): Promise<{ recovering: boolean; behind: string | null; since: number | null }> {
  const r = await sql<{ recovering: boolean; behind: string | null; since: number | null }>`
        SELECT pg_is_in_recovery() AS recovering,
               pg_wal_lsn_diff(${primaryLsn}::pg_lsn, pg_last_wal_replay_lsn())::text AS behind,
               extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8 AS since`.execute(db);
  return r.rows[0];
}
