import type { DbOrTx } from '@biomon/db';
import type { Actor } from './actor';

export interface AuditEntry {
  action: string;
  entity: string;
  entityIds: (string | number)[];
  route?: string | null;
  summary?: Record<string, unknown>;
}

/** Appends to the audit log, in the caller's transaction, so the write and its record commit together. */
export async function writeAudit(db: DbOrTx, who: Pick<Actor, 'tokenId' | 'role' | 'label'>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      token_id: who.tokenId || null,
      role: who.role,
      actor: who.label,
      action: entry.action,
      route: entry.route ?? null,
      entity: entry.entity,
      entity_ids: entry.entityIds.map(String),
      summary: JSON.stringify(entry.summary ?? {}),
    })
    .execute();
}
