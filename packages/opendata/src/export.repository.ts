import type { DbOrTx } from '@biomon/db';

/** A row of `exports` as read (migration 0008). */
export interface ExportRow {
  id: string;
  kind: string;
  filters: unknown;
  exact: boolean;
  requester_role: string;
  token_id: string | null;
  status: string;
  core: string | null;
  counts: unknown;
  file_path: string | null;
  size_bytes: number | null;
  sha256: string | null;
  error: unknown;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export async function findExport(db: DbOrTx, id: string): Promise<ExportRow | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
  return db.selectFrom('exports').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function markExport(db: DbOrTx, id: string, set: Partial<{ status: string; core: string | null; counts: string; file_path: string | null; size_bytes: number | null; sha256: string | null; error: string | null; started_at: Date | null; finished_at: Date | null }>): Promise<void> {
  await db.updateTable('exports').set(set).where('id', '=', id).execute();
}
