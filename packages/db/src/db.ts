import { createHash } from 'node:crypto';
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

/**
 * A statement whose text begins with this comment is sent as a named prepared statement (its name a
 * hash of its text): each connection parses it once, and PostgreSQL may then keep a generic plan
 * (after five executions, when that plan is estimated no dearer than the custom ones) instead of
 * parsing and planning a long statement at every call. Only for a few hot, fixed-shape statements
 * whose plan does not depend on the values of their parameters (issue 17: the public bbox page).
 */
export const PREPARED_STATEMENT = '/* prepared */';

const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `biomon_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (statementNames.size > 1000) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

/** Sends the client's PREPARED_STATEMENT statements as named statements (kysely passes no name to pg). */
export function preparedStatements(client: pg.ClientBase): void {
  // pg's query has a dozen overloads: this one forwards them all
  const query = client.query as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.ClientBase, ...args: unknown[]) {
    const [text, values] = args;
    if (args.length === 2 && typeof text === 'string' && text.startsWith(PREPARED_STATEMENT) && Array.isArray(values)) {
      return query.call(this, { name: statementName(text), text, values });
    }
    return query.apply(this, args);
  };
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
    preparedStatements(client);
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
