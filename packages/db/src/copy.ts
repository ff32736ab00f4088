import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import type { CompiledQuery } from 'kysely';
import type { Tx } from './db';

/**
 * A `COPY … FROM STDIN` stream that node-postgres can run: pg-copy-streams' `from(sql)` (declared by
 * the package that uses it). A pg Submittable: handed to a client's `query`, it takes over that
 * connection until the COPY ends.
 */
export type CopyInStream = Writable & pg.Submittable & { rowCount: number };

/**
 * Runs a `COPY … FROM STDIN` on the connection of the transaction `tx`, inside that transaction:
 * the rows are visible to its next statements and go away with a rollback. `chunks` is the COPY
 * input (text or binary format, as the statement says), already escaped; write many rows a chunk.
 * Resolves with the rows the server copied once it has acknowledged the COPY; rejects with the
 * server's error (SQLSTATE in `code`, as for any query) and the transaction is then aborted.
 *
 * How: kysely hands a compiled query's `sql` to the connection's pg client as
 * `client.query(sql, params)`, and pg runs any Submittable it is given there (as pg-cursor and
 * pg-query-stream do). Only the transaction's connection sees the stream; pg queues it behind the
 * transaction's earlier statements, and the caller awaits this before its next statement.
 */
export async function copyFromStdin(tx: Tx, stream: CopyInStream, chunks: Iterable<string | Buffer> | AsyncIterable<string | Buffer>): Promise<number> {
  if (!tx.isTransaction) throw new Error('copyFromStdin runs inside a transaction (withTx)');
  const submit = { sql: stream, parameters: [], query: { kind: 'RawNode' }, queryId: { queryId: 'copy-from-stdin' } } as unknown as CompiledQuery;
  // resolves at once: pg returns the stream itself, which the server then drives
  await tx.executeQuery(submit);
  await pipeline(Readable.from(chunks, { objectMode: false }), stream);
  return stream.rowCount;
}
