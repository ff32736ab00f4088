import { sql, type DbOrTx } from '@biomon/db';

/** The SQL of the file imports (`imports`) and their per-row errors (`import_errors`). */

export interface NewImport {
  content_hash: string;
  file_name: string;
  file_path: string;
  size_bytes: number;
  team?: string | null;
  token_id: string | null;
  role: string;
  station_id: string | null;
  counts: string;
  mapping_name: string | null;
  mapping: string | null;
  options: string;
}

/** Inserts an import unless one of that key exists (null then). */
export async function insertImport(tx: DbOrTx, values: NewImport) {
  return tx
    .insertInto('imports')
    .values(values)
    .onConflict((oc) => oc.column('content_hash').doNothing())
    .returning(['id', 'status'])
    .executeTakeFirst();
}

export async function findImportByKey(tx: DbOrTx, key: string) {
  return tx.selectFrom('imports').select(['id', 'status']).where('content_hash', '=', key).executeTakeFirstOrThrow();
}

/** What an import's `options` column holds (written by createImport). */
export interface ImportOptions {
  /** the CRS of coordinates the file does not declare */
  crs?: 'wgs84' | 'gcj02' | 'bd09';
  /** another standard's file, handed to its package by the worker */
  kind?: 'mcpd';
}

export async function findImport(db: DbOrTx, importId: string) {
  const row = await db.selectFrom('imports').selectAll().where('id', '=', importId).executeTakeFirst();
  return row && { ...row, options: row.options as ImportOptions };
}

/** Upserts the rejected rows of an import (by file and row number). */
export async function upsertImportErrors(
  db: DbOrTx,
  values: { import_id: string; file: string; row_number: number; record_id: string | null; errors: string }[],
): Promise<void> {
  await db
    .insertInto('import_errors')
    .values(values)
    .onConflict((oc) => oc.columns(['import_id', 'file', 'row_number']).doUpdateSet((eb) => ({ errors: eb.ref('excluded.errors') })))
    .execute();
}

export async function markImportRunning(db: DbOrTx, importId: string): Promise<void> {
  await db
    .updateTable('imports')
    .set({ status: 'running', started_at: new Date(), rows_done: 0, counts: JSON.stringify({}) })
    .where('id', '=', importId)
    .execute();
}

/** How the file reads: its format, rows and the mapping of its columns. */
export async function setImportFormat(db: DbOrTx, importId: string, v: { format: string; rowsTotal: number | null; columns: string }): Promise<void> {
  await db.updateTable('imports').set({ format: v.format, rows_total: v.rowsTotal, columns: v.columns }).where('id', '=', importId).execute();
}

export async function setImportProgress(db: DbOrTx, importId: string, rowsDone: number, counts: string): Promise<void> {
  await db.updateTable('imports').set({ rows_done: rowsDone, counts }).where('id', '=', importId).execute();
}

export async function markImportCompleted(db: DbOrTx, importId: string, rows: number, counts: string): Promise<void> {
  await db
    .updateTable('imports')
    .set({ status: 'completed', finished_at: new Date(), rows_done: rows, rows_total: rows, counts })
    .where('id', '=', importId)
    .execute();
}

/** Marks an import failed unless it already finished; returns whether it did. */
export async function markImportFailedRow(db: DbOrTx, importId: string, error: string): Promise<boolean> {
  const r = await db
    .updateTable('imports')
    .set({ status: 'failed', finished_at: new Date(), error })
    .where('id', '=', importId)
    .where('status', 'not in', ['completed', 'failed'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function countImportErrors(db: DbOrTx, importId: string): Promise<number> {
  const errors = await db.selectFrom('import_errors').select(sql<number>`count(*)::int`.as('n')).where('import_id', '=', importId).executeTakeFirstOrThrow();
  return errors.n;
}

/** The rejected rows of an import, by file and row number. */
export async function listImportErrors(db: DbOrTx, importId: string) {
  return db
    .selectFrom('import_errors')
    .select(['file', 'row_number', 'record_id', 'errors'])
    .where('import_id', '=', importId)
    .orderBy('file')
    .orderBy('row_number')
    .execute();
}
