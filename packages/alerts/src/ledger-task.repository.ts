import type { DbOrTx } from '@biomon/db';

/** The ledger tasks (责任分工台账) linked to any of the refs — ledger_task_links, the one link table of BRIEF §7. */
export async function ledgerTasksFor(db: DbOrTx, refs: string[]): Promise<number[]> {
  if (!refs.length) return [];
  const rows = await db.selectFrom('ledger_task_links').select('task_no').distinct().where('ref', 'in', refs).orderBy('task_no').execute();
  return rows.map((r) => r.task_no);
}
