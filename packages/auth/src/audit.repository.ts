import type { DbOrTx } from '@biomon/db';
import type { Principal } from './token.repository';

export interface AuditEntry {
  action: string;
  entity: string;
  entityIds: (string | number)[];
  route?: string | null;
  summary?: Record<string, unknown>;
}

/** Appends to the audit log, in the caller's transaction, so the write and its record commit together. */
export async function writeAudit(db: DbOrTx, who: Principal | { role: 'system'; label: string }, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      token_id: 'tokenId' in who ? who.tokenId : null,
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
