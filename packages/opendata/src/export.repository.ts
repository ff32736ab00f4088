import type { Col, DbOrTx } from '@biomon/db';
import { chinaDateText, sql, type RawBuilder } from '@biomon/db';

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

export async function markExport(
  db: DbOrTx,
  id: string,
  set: Partial<{
    status: Col<'exports', 'status'>;
    core: Col<'exports', 'core'>;
    counts: string;
    file_path: string | null;
    size_bytes: number | null;
    sha256: string | null;
    error: string | null;
    started_at: Date | null;
    finished_at: Date | null;
  }>,
): Promise<void> {
  await db.updateTable('exports').set(set).where('id', '=', id).execute();
}

/** Records a requested export (status `pending`). */
export async function insertExport(
  tx: DbOrTx,
  v: { kind: string; filters: string; exact: boolean; requester_role: string; token_id: string | null; counts: string },
) {
  return tx.insertInto('exports').values(v).returning(['id', 'status']).executeTakeFirstOrThrow();
}

/** The shape of an archive: counts, coverage, the terms present. */
export interface ExportSummary {
  n: number;
  g: number;
  with_event: number;
  w: number | null;
  s: number | null;
  e: number | null;
  nn: number | null;
  begin: string | null;
  end: string | null;
  keys: string[];
}

/** One pass over the selected records (`occSql`, a projected read of @biomon/sensitive) for the archive's shape. */
export function exportSummarySql(occSql: RawBuilder<unknown>): RawBuilder<ExportSummary> {
  return sql<ExportSummary>`
        WITH sel AS MATERIALIZED (${occSql}),
        keys AS (SELECT coalesce(array_agg(DISTINCT k), '{}') AS keys FROM sel, jsonb_object_keys(sel.record - 'biomon') k)
        SELECT count(*)::int AS n, count(*) FILTER (WHERE sel.generalised)::int AS g,
          -- a generalised record shows no eventID (it would tie it to its trap's exact records): it cannot sit under an event core
          count(e.id) FILTER (WHERE NOT sel.generalised)::int AS with_event,
          min(sel.lon) AS w, min(sel.lat) AS s, max(sel.lon) AS e, max(sel.lat) AS nn,
          ${chinaDateText(sql`min(o.event_start)`)} AS begin,
          ${chinaDateText(sql`max(o.event_end)`)} AS end,
          (SELECT keys FROM keys) AS keys
        FROM sel JOIN occurrences o ON o.id = sel.id LEFT JOIN survey_events e ON e.event_id = o.event_id`;
}

/** The eventIDs of the selected records' events and their ancestors (parentEventID must resolve). */
export function exportEventIdsSql(occSql: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
          WITH RECURSIVE sel AS (${occSql}),
          tree(event_id, parent_event_id) AS (
            SELECT e.event_id, e.parent_event_id FROM survey_events e
            WHERE e.event_id IN (SELECT o.event_id FROM occurrences o WHERE o.id IN (SELECT sel.id FROM sel))
            UNION
            SELECT p.event_id, p.parent_event_id FROM survey_events p JOIN tree t ON p.event_id = t.parent_event_id)
          SELECT event_id FROM tree`;
}
