import pg from 'pg';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import type { Database } from './schema';

// Driver-wide parsers (the generated row types assume them): int8 → number, date → string (no time-zone shift).
pg.types.setTypeParser(20, (v: string) => Number(v));
pg.types.setTypeParser(1082, (v: string) => v);

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Repositories take either a database handle or a transaction as their first argument. */
export type DbOrTx = Kysely<Database> | Transaction<Database>;

export interface DbHandle {
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

export function createDb(databaseUrl: string, options: { max?: number; applicationName?: string } = {}): DbHandle {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 20,
    application_name: options.applicationName ?? 'biomon',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client that loses its server (restart, network) must not crash the process.
  pool.on('error', () => {});
  // A checked-out client is not covered by the pool's listener: when its server goes away
  // between queries, pg emits 'error' on the client itself, which would otherwise be uncaught.
  // The query in flight (if any) still rejects, and the pool discards the broken client.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    db,
    pool,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

/** Runs fn in the given transaction, or in a new one when given the database. */
export function withTx<T>(db: Db | Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Tx) : (db as Db).transaction().execute(fn);
}
