import type pg from 'pg';
import type { ClientSource, Db, RawBuilder } from '@biomon/db';

/** Rows fetched per round trip of a server-side cursor: large enough to be fast, small enough to bound memory. */
export const CURSOR_BATCH = 2000;

/**
 * A read-only REPEATABLE READ transaction on one pooled connection. Every cursor opened on it sees
 * the same snapshot, so the files of one archive agree with each other (no extension row can point
 * at a core row that a concurrent write moved). Rows are read through server-side cursors
 * (DECLARE … CURSOR / FETCH n): memory holds one batch, never the result.
 */
export class ReadSnapshot {
  private n = 0;
  private constructor(
    private readonly client: pg.PoolClient,
    private readonly db: Db,
  ) {}

  static async open(pool: ClientSource, db: Db): Promise<ReadSnapshot> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    return new ReadSnapshot(client, db);
  }

  /** Runs a query to completion (for small results: counts, column lists, extents). */
  async all<T>(query: RawBuilder<T>): Promise<T[]> {
    const c = query.compile(this.db);
    return (await this.client.query(c.sql, c.parameters as unknown[])).rows as T[];
  }

  /** Yields the query's rows in batches of `batch`, through a server-side cursor. */
  async *batches<T>(query: RawBuilder<T>, batch = CURSOR_BATCH): AsyncGenerator<T[]> {
    const name = `biomon_cur_${++this.n}`;
    const c = query.compile(this.db);
    await this.client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${c.sql}`, c.parameters as unknown[]);
    try {
      for (;;) {
        const res = await this.client.query(`FETCH ${batch} FROM ${name}`);
        if (res.rows.length) yield res.rows as T[];
        if (res.rows.length < batch) break;
      }
    } finally {
      await this.client.query(`CLOSE ${name}`).catch(() => {});
    }
  }

  async close(): Promise<void> {
    try {
      await this.client.query('COMMIT');
      this.client.release();
    } catch (err) {
      this.client.release(err as Error);
    }
  }
}
