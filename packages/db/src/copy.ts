import type pg from 'pg';
import type { CompiledQuery } from 'kysely';
import type { Tx } from './db';

// Frontend messages of the COPY sub-protocol (PostgreSQL docs, "Message Formats"): CopyData is 'd',
// an Int32 length (itself included) and the data; CopyDone is 'c' and the length 4.
const COPY_DATA = 0x64;
const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]);
const COPY_FROM_STDIN = /^\s*COPY\b[\s\S]*\bFROM\s+STDIN\b/i;

/** The part of pg's Connection a submittable writes through. */
interface PgConnection {
  stream: { cork(): void; uncork(): void; write(b: Buffer): boolean };
  query(text: string): void;
}

/**
 * A `COPY … FROM STDIN` whose whole input is in memory, sent as one write: the COPY statement, the
 * data and CopyDone, without waiting for the server's CopyInResponse in between. The protocol allows
 * it: a server that refuses the statement, or fails during the COPY, answers ErrorResponse and
 * ReadyForQuery and drops the CopyData and CopyDone messages that follow ("any subsequent CopyData,
 * CopyDone, or CopyFail messages issued by the frontend will simply be dropped", Protocol Flow, COPY
 * Operations; PostgresMain ignores 'd' and 'c' outside a COPY). One round trip instead of two, and one
 * system call for the statement and its rows instead of three or more.
 *
 * A pg Submittable (as pg-cursor and pg-query-stream are): pg calls submit() when the connection is
 * free and the handle…() methods with the server's answers. pg calls handleReadyForQuery only after a
 * success; after an ErrorResponse it calls handleError and nothing more.
 */
class PipelinedCopyIn {
  readonly text: string;
  private readonly data: Buffer[];
  private rowCount = 0;
  private unexpected: Error | null = null;
  readonly done: Promise<number>;
  /** pg may wrap this (its query_timeout); the outcome goes through it */
  callback: (err: Error | null, rowCount?: number) => void;

  constructor(text: string, data: Buffer[]) {
    this.text = text;
    this.data = data;
    let settle!: (err: Error | null, rowCount?: number) => void;
    this.done = new Promise<number>((resolve, reject) => {
      settle = (err, rowCount) => (err ? reject(err) : resolve(rowCount ?? 0));
    });
    this.callback = settle;
  }

  submit(connection: PgConnection): void {
    const s = connection.stream;
    s.cork();
    connection.query(this.text);
    for (const chunk of this.data) {
      const head = Buffer.allocUnsafe(5);
      head[0] = COPY_DATA;
      head.writeUInt32BE(chunk.length + 4, 1);
      s.write(head);
      s.write(chunk);
    }
    s.write(COPY_DONE);
    s.uncork();
  }

  handleCopyInResponse(): void {
    // the data was sent with the statement
  }

  handleCommandComplete(msg: { text?: string }): void {
    const m = /^COPY (\d+)/.exec(msg?.text ?? '');
    if (m) this.rowCount = Number(m[1]);
  }

  handleReadyForQuery(): void {
    this.callback(this.unexpected, this.rowCount);
  }

  handleError(err: Error): void {
    this.callback(err);
  }

  // Not sent in answer to COPY FROM STDIN: noted, and reported when the statement ends.
  handleRowDescription(): void {
    this.unexpected ??= new Error('COPY … FROM STDIN answered with rows');
  }
  handleDataRow(): void {}
  handleEmptyQuery(): void {
    this.unexpected ??= new Error('empty COPY statement');
  }
  handleCopyData(): void {
    this.unexpected ??= new Error('COPY … FROM STDIN answered with COPY data');
  }
  handlePortalSuspended(): void {}
}

/**
 * Runs a `COPY … FROM STDIN` on the connection of the transaction `tx`, inside that transaction:
 * the rows are visible to its next statements and go away with a rollback. `chunks` is the whole
 * COPY input (text or binary format, as the statement says), already escaped, in buffers of many
 * rows (each becomes one CopyData message); it is read before anything is sent. The statement and
 * its data go to the server as one write (PipelinedCopyIn). Resolves with the rows the server copied
 * once it has acknowledged the COPY; rejects with the server's error (SQLSTATE in `code`, as for any
 * query) and the transaction is then aborted.
 *
 * How: kysely hands a compiled query's `sql` to the connection's pg client as
 * `client.query(sql, params)`, and pg runs any Submittable it is given there. Only the transaction's
 * connection sees it; pg queues it behind the transaction's earlier statements, and the caller
 * awaits this before its next statement.
 */
export async function copyFromStdin(tx: Tx, copySql: string, chunks: Iterable<Buffer>): Promise<number> {
  if (!tx.isTransaction) throw new Error('copyFromStdin runs inside a transaction (withTx)');
  if (!COPY_FROM_STDIN.test(copySql)) throw new Error('copyFromStdin takes a COPY … FROM STDIN statement');
  const copy = new PipelinedCopyIn(
    copySql,
    [...chunks].filter((c) => c.length > 0),
  );
  const submit = {
    sql: copy as unknown as pg.Submittable,
    parameters: [],
    query: { kind: 'RawNode' },
    queryId: { queryId: 'copy-from-stdin' },
  } as unknown as CompiledQuery;
  // resolves at once: pg returns the submittable itself, which the server's answers then settle
  await tx.executeQuery(submit);
  return copy.done;
}
