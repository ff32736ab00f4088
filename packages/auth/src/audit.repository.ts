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

export interface AuditFilter {
  entity?: string;
  action?: string;
  role?: string;
  tokenId?: string;
  /** entries that name this id among their entity ids */
  entityId?: string;
  since?: Date;
  until?: Date;
  /** keyset paging: entries with an id below this one */
  beforeId?: number;
}

/** A page of the audit log, newest first (by id). */
export async function listAuditEntries(db: DbOrTx, filter: AuditFilter, limit: number) {
  let sel = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit);
  if (filter.entity) sel = sel.where('entity', '=', filter.entity);
  if (filter.action) sel = sel.where('action', '=', filter.action);
  if (filter.role) sel = sel.where('role', '=', filter.role);
  if (filter.tokenId) sel = sel.where('token_id', '=', filter.tokenId);
  const entityId = filter.entityId;
  if (entityId) sel = sel.where((eb) => eb(eb.val(entityId), '=', eb.fn.any('entity_ids')));
  if (filter.since) sel = sel.where('at', '>=', filter.since);
  if (filter.until) sel = sel.where('at', '<', filter.until);
  if (filter.beforeId !== undefined) sel = sel.where('id', '<', filter.beforeId);
  return sel.execute();
}
