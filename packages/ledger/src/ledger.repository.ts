import { sql, type Col, type DbOrTx } from '@biomon/db';
import type { ProgressStatus, Timeline } from './overdue';

// SQL of the ledger. Rows are mapped to camelCase here; rules live in ledger.service.ts.

export interface TaskRow {
  no: number;
  section: string;
  sectionTitle: string;
  measure: string;
  measureTitle: string;
  text: string;
  responsibilityNote: string | null;
  timeline: Timeline;
}

export interface TaskDepartmentRow {
  taskNo: number;
  departmentId: number;
  name: string;
  kind: string;
  role: 'responsible' | 'implementing';
  ord: number;
}
export interface TaskLinkRow {
  taskNo: number;
  kind: 'indicator' | 'data';
  ref: string;
}
export interface DepartmentRow {
  id: number;
  name: string;
  kind: string;
}

export interface EvidenceItem {
  title: string;
  url?: string;
  fileId?: string;
  mime?: string;
  sizeBytes?: number;
  sha256?: string;
  originalName?: string;
}

export interface ProgressRow {
  id: number;
  taskNo: number;
  departmentId: number | null;
  department: string | null;
  status: ProgressStatus;
  note: string;
  evidence: EvidenceItem[];
  asOf: string;
  reportedAt: Date;
  reporterRole: string;
}

export async function selectTasks(db: DbOrTx, no?: number): Promise<TaskRow[]> {
  let q = db
    .selectFrom('ledger_tasks as t')
    .innerJoin('ledger_sections as s', 's.code', 't.section_code')
    .innerJoin('ledger_measures as m', 'm.code', 't.measure_code')
    .select([
      't.no',
      't.section_code',
      's.title as section_title',
      't.measure_code',
      'm.title as measure_title',
      't.text',
      't.responsibility_note',
      't.timeline_kind',
      't.timeline_start',
      't.timeline_end',
      't.timeline_text',
    ]);
  if (no !== undefined) q = q.where('t.no', '=', no);
  const rows = await q.orderBy('t.no').execute();
  return rows.map((r) => ({
    no: r.no,
    section: r.section_code,
    sectionTitle: r.section_title,
    measure: r.measure_code,
    measureTitle: r.measure_title,
    text: r.text,
    responsibilityNote: r.responsibility_note,
    timeline: { kind: r.timeline_kind as Timeline['kind'], start: r.timeline_start, end: r.timeline_end, text: r.timeline_text },
  }));
}

export async function selectTaskDepartments(db: DbOrTx, no?: number): Promise<TaskDepartmentRow[]> {
  let q = db
    .selectFrom('ledger_task_departments as td')
    .innerJoin('departments as d', 'd.id', 'td.department_id')
    .select(['td.task_no', 'td.department_id', 'd.name', 'd.kind', 'td.role', 'td.ord']);
  if (no !== undefined) q = q.where('td.task_no', '=', no);
  const rows = await q.orderBy('td.task_no').orderBy('td.ord').execute();
  return rows.map((r) => ({
    taskNo: r.task_no,
    departmentId: r.department_id,
    name: r.name,
    kind: r.kind,
    role: r.role as TaskDepartmentRow['role'],
    ord: r.ord,
  }));
}

export async function selectTaskLinks(db: DbOrTx, no?: number): Promise<TaskLinkRow[]> {
  let q = db.selectFrom('ledger_task_links').select(['task_no', 'kind', 'ref']);
  if (no !== undefined) q = q.where('task_no', '=', no);
  const rows = await q.orderBy('task_no').orderBy('kind').orderBy('ref').execute();
  return rows.map((r) => ({ taskNo: r.task_no, kind: r.kind as TaskLinkRow['kind'], ref: r.ref }));
}

export async function selectDepartments(db: DbOrTx): Promise<DepartmentRow[]> {
  return db.selectFrom('departments').select(['id', 'name', 'kind']).orderBy('id').execute();
}

const progressColumns = [
  'p.id',
  'p.task_no',
  'p.department_id',
  'd.name as department',
  'p.status',
  'p.note',
  'p.evidence',
  'p.as_of',
  'p.reported_at',
  'tk.role as reporter_role',
] as const;

function toProgress(r: {
  id: number;
  task_no: number;
  department_id: number | null;
  department: string | null;
  status: string;
  note: string;
  evidence: unknown;
  as_of: string;
  reported_at: Date;
  reporter_role: string | null;
}): ProgressRow {
  return {
    id: r.id,
    taskNo: r.task_no,
    departmentId: r.department_id,
    department: r.department,
    status: r.status as ProgressStatus,
    note: r.note,
    evidence: (r.evidence ?? []) as EvidenceItem[],
    asOf: r.as_of,
    reportedAt: r.reported_at,
    reporterRole: r.reporter_role ?? 'system',
  };
}

/**
 * Each task's status as of a date: its latest report dated on or before it (by as_of, then by
 * the order of reporting). Tasks without such a report are absent.
 */
export async function selectLatestProgress(db: DbOrTx, asOf: string): Promise<Map<number, ProgressRow>> {
  const rows = await db
    .selectFrom('ledger_progress as p')
    .leftJoin('departments as d', 'd.id', 'p.department_id')
    .leftJoin('api_tokens as tk', 'tk.id', 'p.token_id')
    .select([...progressColumns])
    .distinctOn('p.task_no')
    .where('p.as_of', '<=', asOf)
    .orderBy('p.task_no')
    .orderBy('p.as_of', 'desc')
    .orderBy('p.id', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.task_no, toProgress(r)]));
}

/** Every progress report of a task, newest first (by as_of, then by the order of reporting). */
export async function selectProgressHistory(db: DbOrTx, taskNo: number): Promise<ProgressRow[]> {
  const rows = await db
    .selectFrom('ledger_progress as p')
    .leftJoin('departments as d', 'd.id', 'p.department_id')
    .leftJoin('api_tokens as tk', 'tk.id', 'p.token_id')
    .select([...progressColumns])
    .where('p.task_no', '=', taskNo)
    .orderBy('p.as_of', 'desc')
    .orderBy('p.id', 'desc')
    .execute();
  return rows.map(toProgress);
}

/** The latest report a token made on a task (by the order of reporting). */
export async function selectLastProgressByToken(db: DbOrTx, taskNo: number, tokenId: string): Promise<ProgressRow | undefined> {
  const r = await db
    .selectFrom('ledger_progress as p')
    .leftJoin('departments as d', 'd.id', 'p.department_id')
    .leftJoin('api_tokens as tk', 'tk.id', 'p.token_id')
    .select([...progressColumns])
    .where('p.task_no', '=', taskNo)
    .where('p.token_id', '=', tokenId)
    .orderBy('p.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? toProgress(r) : undefined;
}

export async function insertProgress(
  db: DbOrTx,
  row: {
    taskNo: number;
    departmentId: number | null;
    status: ProgressStatus;
    note: string;
    evidence: EvidenceItem[];
    asOf: string;
    tokenId: string | null;
  },
): Promise<ProgressRow> {
  const inserted = await db
    .insertInto('ledger_progress')
    .values({
      task_no: row.taskNo,
      department_id: row.departmentId,
      status: row.status,
      note: row.note,
      evidence: JSON.stringify(row.evidence),
      as_of: row.asOf,
      token_id: row.tokenId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const fileIds = [...new Set(row.evidence.map((e) => e.fileId).filter((x): x is string => !!x))];
  if (fileIds.length) {
    await db
      .insertInto('ledger_progress_files')
      .values(fileIds.map((file_id) => ({ progress_id: inserted.id, file_id })))
      .execute();
  }
  const out = await db
    .selectFrom('ledger_progress as p')
    .leftJoin('departments as d', 'd.id', 'p.department_id')
    .leftJoin('api_tokens as tk', 'tk.id', 'p.token_id')
    .select([...progressColumns])
    .where('p.id', '=', inserted.id)
    .executeTakeFirstOrThrow();
  return toProgress(out);
}

// ---- figures of the data links (counts only: no locations, so safe for the public ledger) ------

export async function countSurveyByPriorityArea(db: DbOrTx): Promise<{ priorityArea: string | null; events: number; occurrences: number }[]> {
  const r = await sql<{ priority_area: string | null; events: number; occurrences: number }>`
    SELECT pa AS priority_area, sum(ev)::int AS events, sum(occ)::int AS occurrences FROM (
      SELECT priority_area AS pa, count(*) AS ev, 0 AS occ FROM survey_events GROUP BY priority_area
      UNION ALL
      SELECT priority_area, 0, count(*) FROM occurrences GROUP BY priority_area
    ) x GROUP BY pa ORDER BY pa NULLS LAST`.execute(db);
  return r.rows.map((x) => ({ priorityArea: x.priority_area, events: x.events, occurrences: x.occurrences }));
}

export async function countStationsByType(db: DbOrTx): Promise<{ type: string; stations: number }[]> {
  const rows = await db
    .selectFrom('stations')
    .select(['type', sql<number>`count(*)::int`.as('n')])
    .groupBy('type')
    .orderBy('type')
    .execute();
  return rows.map((r) => ({ type: r.type, stations: r.n }));
}

export async function selectStationsNamed(db: DbOrTx, part: string): Promise<{ stationId: string; name: string; type: string }[]> {
  const rows = await db
    .selectFrom('stations')
    .select(['station_id', 'name', 'type'])
    .where('name', 'like', `%${part.replace(/[%_\\]/g, (c) => `\\${c}`)}%`)
    .orderBy('station_id')
    .execute();
  return rows.map((r) => ({ stationId: r.station_id, name: r.name, type: r.type }));
}

/** Occurrence records (present) per species name, subspecies counted for their species. */
export async function countRecordsOfSpecies(db: DbOrTx, names: string[]): Promise<Map<string, number>> {
  if (!names.length) return new Map();
  const r = await sql<{ name: string; n: number }>`
    SELECT s.name, count(o.id)::int AS n
    FROM unnest(${names}::text[]) AS s(name)
    LEFT JOIN occurrences o ON o.occurrence_status = 'present' AND o.review_state <> 'rejected'
      AND (o.scientific_name = s.name OR o.scientific_name LIKE s.name || ' %')
    GROUP BY s.name`.execute(db);
  return new Map(r.rows.map((x) => [x.name, x.n]));
}

export async function countChecklist(db: DbOrTx): Promise<{ taxa: number; protectedTaxa: number; invasiveTaxa: number }> {
  const r = await sql<{ taxa: number; protected_taxa: number; invasive_taxa: number }>`
    SELECT count(*)::int AS taxa, count(*) FILTER (WHERE protection_class IS NOT NULL)::int AS protected_taxa,
           count(*) FILTER (WHERE invasive)::int AS invasive_taxa
    FROM taxa`.execute(db);
  const x = r.rows[0];
  return { taxa: x.taxa, protectedTaxa: x.protected_taxa, invasiveTaxa: x.invasive_taxa };
}

/** Province-wide counts of the germplasm registry (migration 0014): institutions, accessions, taxa, living accessions. */
export async function countGermplasm(db: DbOrTx): Promise<{ institutions: number; accessions: number; taxa: number; livingAccessions: number }> {
  const r = await sql<{ institutions: number; accessions: number; taxa: number; living: number }>`
    SELECT (SELECT count(*)::int FROM germplasm_institutions) AS institutions, count(a.id)::int AS accessions,
           count(DISTINCT a.taxon_id)::int AS taxa, count(a.id) FILTER (WHERE a.storage && ARRAY[10,11,12,13,20,30,40])::int AS living
    FROM germplasm_accessions a`.execute(db);
  const x = r.rows[0];
  return { institutions: x.institutions, accessions: x.accessions, taxa: x.taxa, livingAccessions: x.living };
}

export async function countInvasiveRecords(db: DbOrTx): Promise<{ records: number; species: number }> {
  const r = await sql<{ records: number; species: number }>`
    SELECT count(o.id)::int AS records, count(DISTINCT t.id)::int AS species
    FROM occurrences o JOIN taxa t ON t.id = o.taxon_id
    WHERE t.invasive AND o.occurrence_status = 'present' AND o.review_state <> 'rejected'`.execute(db);
  return r.rows[0];
}

/** The province of the newest regions dataset (the region the ledger's indicators are read for). */
export async function provinceRegion(db: DbOrTx): Promise<{ code: string; name: string } | null> {
  const r = await sql<{ code: string; name: string }>`
    SELECT r.code, r.name FROM regions r
    WHERE r.level = 'province' AND r.dataset_id = (
      SELECT id FROM layer_datasets WHERE kind = 'regions' ORDER BY vintage_year DESC, id DESC LIMIT 1)
    ORDER BY r.code LIMIT 1`.execute(db);
  return r.rows[0] ?? null;
}

/** Serialises progress reports on one task until the transaction ends (a retry cannot insert twice). */
export async function lockTaskProgress(tx: DbOrTx, taskNo: number): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('biomon-ledger-progress'), ${taskNo})`.execute(tx);
}

/** An evidence file's row (`files`). */
export interface FileRecord {
  id: string;
  sha256: string;
  mime: string;
  size_bytes: number;
  original_name: string;
  storage_key: string;
  uploaded_by: string | null;
  department_id: number | null;
  created_at: Date;
}

export async function insertFile(db: DbOrTx, f: Omit<FileRecord, 'id' | 'created_at'>): Promise<FileRecord> {
  return db.insertInto('files').values(f).returningAll().executeTakeFirstOrThrow();
}

export async function selectFile(db: DbOrTx, id: string): Promise<FileRecord | undefined> {
  return db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
}

// ---- the ledger's own rows, loaded from seeds/ledger/ledger.json (ledger-seed.ts) ----------------

export async function upsertLedgerSection(db: DbOrTx, s: { code: string; ord: number; title: string }): Promise<void> {
  await db
    .insertInto('ledger_sections')
    .values({ code: s.code, ord: s.ord, title: s.title })
    .onConflict((oc) => oc.column('code').doUpdateSet({ title: s.title, ord: s.ord }))
    .execute();
}

export async function upsertLedgerMeasure(db: DbOrTx, m: { code: string; ord: number; section: string; title: string; text: string }): Promise<void> {
  await db
    .insertInto('ledger_measures')
    .values({ code: m.code, ord: m.ord, section_code: m.section, title: m.title, text: m.text })
    .onConflict((oc) => oc.column('code').doUpdateSet({ title: m.title, text: m.text, section_code: m.section, ord: m.ord }))
    .execute();
}

/** A department by name, unless it exists. */
export async function insertDepartment(db: DbOrTx, name: string, kind: 'provincial' | 'prefecture_government' | 'central' | 'other'): Promise<void> {
  await db
    .insertInto('departments')
    .values({ name, kind })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

/** Every department's id by name. */
export async function departmentIdsByName(db: DbOrTx): Promise<Map<string, number>> {
  const rows = await db.selectFrom('departments').select(['id', 'name']).execute();
  return new Map(rows.map((d) => [d.name, d.id]));
}

export async function upsertLedgerTask(
  db: DbOrTx,
  row: {
    no: number;
    section_code: string;
    measure_code: string;
    text: string;
    responsibility_note: string | null;
    timeline_kind: 'deadline' | 'window' | 'continuous';
    timeline_start: string | null;
    timeline_end: string | null;
    timeline_text: string;
  },
): Promise<void> {
  await db
    .insertInto('ledger_tasks')
    .values(row)
    .onConflict((oc) => oc.column('no').doUpdateSet(row))
    .execute();
}

export async function upsertTaskDepartment(
  db: DbOrTx,
  l: { taskNo: number; departmentId: number; role: Col<'ledger_task_departments', 'role'>; ord: number },
): Promise<void> {
  await db
    .insertInto('ledger_task_departments')
    .values({ task_no: l.taskNo, department_id: l.departmentId, role: l.role, ord: l.ord })
    .onConflict((oc) => oc.columns(['task_no', 'department_id']).doUpdateSet({ role: l.role, ord: l.ord }))
    .execute();
}

/** A task's link to an indicator or data ref (ledger_task_links), unless it exists. */
export async function insertTaskLink(db: DbOrTx, l: { task: number; kind: 'indicator' | 'data'; ref: string }): Promise<void> {
  await db
    .insertInto('ledger_task_links')
    .values({ task_no: l.task, kind: l.kind, ref: l.ref })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
