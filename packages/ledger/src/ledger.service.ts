import type { Db, DbOrTx } from '@biomon/db';
import { PUBLIC_VIEWER } from '@biomon/sensitive'; // the ledger shows values, never per-species details
import { withTx } from '@biomon/db';
import { AppError, CHINA_TZ, chinaDate, daysBetween, parseCalendarDate, type FieldError } from '@biomon/core';
import { writeAudit, type Actor } from '@biomon/auth';
import { indicatorDefinition, latestValues } from '@biomon/indicators';
import { PROGRESS_STATUSES, STATUS_LABELS, isDueWithin, isOverdue, type ProgressStatus, type Timeline } from './overdue';
import { DATA_LINKS, FLAGSHIP_SPECIES, capabilityLinks } from './ledger-links';
import {
  countChecklist,
  countGermplasm,
  countInvasiveRecords,
  countRecordsOfSpecies,
  countStationsByType,
  countSurveyByPriorityArea,
  selectStationsNamed,
  insertProgress,
  lockTaskProgress,
  provinceRegion,
  selectLastProgressByToken,
  selectDepartments,
  selectLatestProgress,
  selectProgressHistory,
  selectTaskDepartments,
  selectTaskLinks,
  selectTasks,
  type EvidenceItem,
  type ProgressRow,
  type TaskDepartmentRow,
  type TaskLinkRow,
  type TaskRow,
} from './ledger.repository';
import { findFile } from './evidence-file.service';

/** "Due soon" horizon of the department summary. */
export const DUE_SOON_DAYS = 180;

export interface LinkOut {
  kind: 'indicator' | 'data';
  ref: string;
  nameZh: string;
  nameEn: string;
}

export interface ProgressOut {
  id: number;
  taskNo: number;
  status: ProgressStatus;
  statusZh: string;
  note: string;
  evidence: EvidenceItem[];
  asOf: string;
  reportedAt: string;
  department: string | null;
  reporterRole: string;
}

export interface TaskOut {
  no: number;
  section: string;
  sectionTitle: string;
  measure: string;
  measureTitle: string;
  text: string;
  /** 责任部门, as the document lists them (normalised names) */
  departments: string[];
  /** departments that implement the task without being listed (各市州人民政府, per task 1) */
  implementingDepartments: string[];
  responsibilityNote: string | null;
  timeline: Timeline;
  /** the latest report dated on or before asOf; null when there is none */
  status: ProgressStatus | null;
  statusZh: string;
  latestProgress: ProgressOut | null;
  overdue: boolean;
  /** days since the end of the deadline or window, when overdue */
  daysOverdue: number | null;
  dueNext180Days: boolean;
  /** codes of the linked indicators (BRIEF §7) */
  indicators: string[];
  links: LinkOut[];
}

export interface TaskFilters {
  department?: string;
  section?: string;
  measure?: string;
  status?: string;
  overdue?: boolean;
  dueBefore?: string;
  asOf?: string;
}

const invalid = (errors: FieldError[]) => new AppError('VALIDATION_FAILED', errors.map((e) => e.message).join('; '), { errors });
const fieldError = (field: string, code: string, message: string) => invalid([{ field, code, message }]);

/** The date a question is asked for: given (validated) or today in China. */
export function resolveAsOf(asOf: string | undefined, field = 'querystring.asOf'): string {
  return parseCalendarDate(field, asOf);
}

function progressOut(p: ProgressRow): ProgressOut {
  return {
    id: p.id,
    taskNo: p.taskNo,
    status: p.status,
    statusZh: STATUS_LABELS[p.status].zh,
    note: p.note,
    evidence: p.evidence,
    asOf: p.asOf,
    reportedAt: p.reportedAt.toISOString(),
    department: p.department,
    reporterRole: p.reporterRole,
  };
}

function linkOut(l: TaskLinkRow): LinkOut {
  if (l.kind === 'indicator') {
    const def = indicatorDefinition(l.ref);
    return { kind: l.kind, ref: l.ref, nameZh: def?.nameZh ?? l.ref, nameEn: def?.nameEn ?? l.ref };
  }
  const d = DATA_LINKS[l.ref];
  return { kind: l.kind, ref: l.ref, nameZh: d?.nameZh ?? l.ref, nameEn: d?.nameEn ?? l.ref };
}

function taskOut(t: TaskRow, depts: TaskDepartmentRow[], links: TaskLinkRow[], latest: ProgressRow | undefined, asOf: string): TaskOut {
  const status = latest?.status ?? null;
  const overdue = isOverdue(t.timeline, status, asOf);
  return {
    no: t.no,
    section: t.section,
    sectionTitle: t.sectionTitle,
    measure: t.measure,
    measureTitle: t.measureTitle,
    text: t.text,
    departments: depts.filter((d) => d.role === 'responsible').map((d) => d.name),
    implementingDepartments: depts.filter((d) => d.role === 'implementing').map((d) => d.name),
    responsibilityNote: t.responsibilityNote,
    timeline: t.timeline,
    status,
    statusZh: STATUS_LABELS[status ?? 'not_reported'].zh,
    latestProgress: latest ? progressOut(latest) : null,
    overdue,
    daysOverdue: overdue ? daysBetween(t.timeline.end!, asOf) : null,
    dueNext180Days: isDueWithin(t.timeline, status, asOf, DUE_SOON_DAYS),
    indicators: links.filter((l) => l.kind === 'indicator').map((l) => l.ref),
    links: links.map(linkOut),
  };
}

/** Every task with its departments, links and status as of the date. */
async function loadTasks(db: DbOrTx, asOf: string, no?: number): Promise<{ tasks: TaskOut[]; depts: TaskDepartmentRow[] }> {
  const [rows, depts, links, latest] = await Promise.all([
    selectTasks(db, no),
    selectTaskDepartments(db, no),
    selectTaskLinks(db, no).then((seeded) => [...seeded, ...capabilityLinks(no)]),
    selectLatestProgress(db, asOf),
  ]);
  const deptsOf = groupBy(depts, (d) => d.taskNo);
  const linksOf = groupBy(links, (l) => l.taskNo);
  return { tasks: rows.map((t) => taskOut(t, deptsOf.get(t.no) ?? [], linksOf.get(t.no) ?? [], latest.get(t.no), asOf)), depts };
}

function groupBy<T, K>(xs: T[], key: (x: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const x of xs) {
    const k = key(x);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(x);
  }
  return m;
}

/** `（三）`, `(三)`, `三` → `三`; `二、` → `二`. */
const stripMarker = (s: string) =>
  s
    .trim()
    .replace(/^[（(]\s*/, '')
    .replace(/\s*[）)]$/, '')
    .replace(/、$/, '');

/**
 * GET /v1/ledger/tasks: all tasks matching the filters (the ledger has 55, so one response).
 * department: a name (e.g. 省林草局) or id; a task matches when the department is responsible for
 * it or implements it. section 二–七; measure 三–二十一 (with or without brackets); status the
 * latest status as of asOf, or `not_reported`; overdue true/false; dueBefore: tasks whose
 * deadline or window ends on or before that date.
 */
export async function listTasks(db: DbOrTx, f: TaskFilters): Promise<{ asOf: string; count: number; tasks: TaskOut[] }> {
  const asOf = resolveAsOf(f.asOf);
  if (f.dueBefore !== undefined) parseCalendarDate('querystring.dueBefore', f.dueBefore);
  if (f.status !== undefined && ![...PROGRESS_STATUSES, 'not_reported'].includes(f.status)) {
    throw fieldError('querystring.status', 'STATUS_UNKNOWN', `status must be one of ${[...PROGRESS_STATUSES, 'not_reported'].join(', ')}`);
  }
  const { tasks, depts } = await loadTasks(db, asOf);
  let out = tasks;
  if (f.section !== undefined) {
    const code = stripMarker(f.section);
    const known = [...new Set(tasks.map((t) => t.section))];
    if (!known.includes(code)) throw fieldError('querystring.section', 'SECTION_UNKNOWN', `section must be one of ${known.join(', ')}`);
    out = out.filter((t) => t.section === code);
  }
  if (f.measure !== undefined) {
    const code = stripMarker(f.measure);
    const known = [...new Set(tasks.map((t) => t.measure))];
    if (!known.includes(code)) throw fieldError('querystring.measure', 'MEASURE_UNKNOWN', `measure must be one of （${known.join('）（')}）`);
    out = out.filter((t) => t.measure === code);
  }
  if (f.department !== undefined) {
    const wanted = f.department.trim();
    const match = depts.filter((d) => d.name === wanted || String(d.departmentId) === wanted);
    if (!match.length) {
      const all = await selectDepartments(db);
      if (!all.some((d) => d.name === wanted || String(d.id) === wanted)) {
        throw fieldError('querystring.department', 'DEPARTMENT_UNKNOWN', `no department "${wanted}"; known: ${all.map((d) => d.name).join('、')}`);
      }
    }
    const nos = new Set(match.map((d) => d.taskNo));
    out = out.filter((t) => nos.has(t.no));
  }
  if (f.status !== undefined) out = out.filter((t) => (t.status ?? 'not_reported') === f.status);
  if (f.overdue !== undefined) out = out.filter((t) => t.overdue === f.overdue);
  if (f.dueBefore !== undefined) out = out.filter((t) => t.timeline.end !== null && t.timeline.end <= f.dueBefore!);
  return { asOf, count: out.length, tasks: out };
}

export interface LinkedIndicatorOut {
  code: string;
  nameZh: string;
  nameEn: string;
  regionCode: string | null;
  year: number | null;
  value: number | null;
  unit: '%';
  target: number | null;
  targetText: string;
  target2035Text: string;
  meetsTarget: boolean | null;
  reason: string | null;
  runId: string | null;
}

async function linkedIndicators(db: DbOrTx, codes: string[]): Promise<LinkedIndicatorOut[]> {
  const province = await provinceRegion(db);
  const out: LinkedIndicatorOut[] = [];
  for (const code of codes) {
    const def = indicatorDefinition(code);
    if (!def) continue;
    const values = province ? await latestValues(db, code, { region: province.code }, PUBLIC_VIEWER) : [];
    const latest = values.sort((a, b) => b.year - a.year)[0];
    out.push({
      code,
      nameZh: def.nameZh,
      nameEn: def.nameEn,
      regionCode: province?.code ?? null,
      year: latest?.year ?? null,
      value: latest?.value ?? null,
      unit: '%',
      target: def.target2025.value,
      targetText: def.target2025.text,
      target2035Text: def.target2035.text,
      meetsTarget: latest?.meetsTarget ?? null,
      reason: latest ? latest.reason : '尚无已完成的指标计算 (no completed indicator run)',
      runId: latest?.runId ?? null,
    });
  }
  return out;
}

export interface LinkedDataOut {
  ref: string;
  nameZh: string;
  nameEn: string;
  figures: Record<string, unknown> | null;
  note: string | null;
}

/** Counts behind the data links (province-wide counts only: safe to show publicly). */
async function linkedData(db: DbOrTx, refs: string[]): Promise<LinkedDataOut[]> {
  const out: LinkedDataOut[] = [];
  for (const ref of refs) {
    const names = DATA_LINKS[ref] ?? { nameZh: ref, nameEn: ref };
    let figures: Record<string, unknown> | null = null;
    let note: string | null = null;
    switch (ref) {
      case 'flagship_species_records': {
        const counts = await countRecordsOfSpecies(
          db,
          FLAGSHIP_SPECIES.map((s) => s.scientificName),
        );
        figures = { species: FLAGSHIP_SPECIES.map((s) => ({ ...s, records: counts.get(s.scientificName) ?? 0 })) };
        break;
      }
      case 'survey_coverage_priority_areas':
        figures = { byPriorityArea: await countSurveyByPriorityArea(db) };
        break;
      case 'station_network_completeness':
        figures = { stationsByType: await countStationsByType(db) };
        note = '完整率见评估报告“数据覆盖”部分 (completeness: see the assessment report, data coverage)';
        break;
      case 'wildlife_disease_stations':
        figures = { stations: await selectStationsNamed(db, '疫源疫病') };
        note = '按站点名称中的“疫源疫病”识别 (stations whose name says 疫源疫病, wildlife disease monitoring)';
        break;
      case 'species_checklist':
        figures = await countChecklist(db);
        break;
      case 'invasive_species_alerts':
        figures = await countInvasiveRecords(db);
        break;
      case 'germplasm_registry':
        figures = await countGermplasm(db);
        note = '机构与种质数见 GET /v1/germplasm/institutions (institutions and accessions: GET /v1/germplasm/*)';
        break;
      default:
        note = '平台功能，无统计数字 (a platform capability; no figures)';
    }
    out.push({ ref, ...names, figures, note });
  }
  return out;
}

export interface TaskDetailOut extends TaskOut {
  asOf: string;
  /** every progress report, newest first */
  progress: ProgressOut[];
  linkedIndicators: LinkedIndicatorOut[];
  linkedData: LinkedDataOut[];
}

/** GET /v1/ledger/tasks/{no}: the task, its progress history and its linked indicators' latest values. */
export async function getTask(db: DbOrTx, no: number, q: { asOf?: string } = {}): Promise<TaskDetailOut> {
  const asOf = resolveAsOf(q.asOf);
  const { tasks } = await loadTasks(db, asOf, no);
  const task = tasks[0];
  if (!task) throw new AppError('NOT_FOUND', `No ledger task ${no}; tasks are numbered 1–55`);
  const [history, indicators, data] = await Promise.all([
    selectProgressHistory(db, no),
    linkedIndicators(db, task.indicators),
    linkedData(
      db,
      task.links.filter((l) => l.kind === 'data').map((l) => l.ref),
    ),
  ]);
  return { ...task, asOf, progress: history.map(progressOut), linkedIndicators: indicators, linkedData: data };
}

export interface ProgressInput {
  status: ProgressStatus;
  note?: string;
  evidence?: ({ title: string; url: string } | { title: string; fileId: string })[];
  asOf?: string;
}

/**
 * POST /v1/ledger/tasks/{no}/progress. A department token reports only on tasks its department
 * is linked to — as a listed 责任部门 or as an implementing department (各市州人民政府 implements
 * every task, per task 1: 各市州人民政府落实，以下不再单独列出); admin on any task. Evidence is a link
 * (http or https) or a file uploaded with POST /v1/files — by the same department when a department
 * reports. asOf (default today, Asia/Shanghai) is the date the status holds from; it may be in the
 * past (a late report) but not in the future. Append-only; the report and its audit entry commit together.
 * Retry-safe: the same report sent again by the same token returns the stored one (`duplicate: true`).
 */
export async function reportProgress(
  db: Db,
  no: number,
  input: ProgressInput,
  actor: Pick<Actor, 'tokenId' | 'role' | 'label' | 'departmentId' | 'departmentName'>,
  route: string,
): Promise<{ progress: ProgressOut; task: TaskOut; duplicate: boolean }> {
  const today = chinaDate();
  const asOf = resolveAsOf(input.asOf, 'asOf');
  if (asOf > today) throw fieldError('asOf', 'DATE_IN_FUTURE', `asOf ${asOf} is after today (${today}, ${CHINA_TZ}); report what holds now or held before`);
  if (!PROGRESS_STATUSES.includes(input.status)) throw fieldError('status', 'STATUS_UNKNOWN', `status must be one of ${PROGRESS_STATUSES.join(', ')}`);

  const tasks = await selectTasks(db, no);
  if (!tasks.length) throw new AppError('NOT_FOUND', `No ledger task ${no}; tasks are numbered 1–55`);
  const depts = await selectTaskDepartments(db, no);
  if (actor.role !== 'admin') {
    const linked = actor.departmentId != null && depts.some((d) => d.departmentId === actor.departmentId);
    if (!linked) {
      throw new AppError(
        'FORBIDDEN',
        `${actor.departmentName ?? 'This token'} is not a department of task ${no} (${depts.map((d) => d.name).join('、')}); it may report only on its own tasks`,
      );
    }
  }

  const errors: FieldError[] = [];
  const evidence: EvidenceItem[] = [];
  for (const [i, e] of (input.evidence ?? []).entries()) {
    const title = e.title.trim();
    if (!title) errors.push({ field: `evidence.${i}.title`, code: 'TITLE_EMPTY', message: 'each piece of evidence needs a title' });
    if ('url' in e) {
      let ok = false;
      try {
        ok = ['http:', 'https:'].includes(new URL(e.url).protocol);
      } catch {
        ok = false;
      }
      if (!ok) errors.push({ field: `evidence.${i}.url`, code: 'URL_INVALID', message: 'url must be an http or https URL' });
      evidence.push({ title, url: e.url });
    } else {
      const file = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(e.fileId) ? await findFile(db, e.fileId) : undefined;
      if (!file) {
        errors.push({ field: `evidence.${i}.fileId`, code: 'FILE_UNKNOWN', message: `no file ${e.fileId}; upload it with POST /v1/files first` });
        continue;
      }
      if (actor.role !== 'admin' && file.department_id !== actor.departmentId) {
        throw new AppError('FORBIDDEN', `file ${e.fileId} was not uploaded by ${actor.departmentName ?? 'this department'}`, {
          errors: [{ field: `evidence.${i}.fileId`, code: 'FILE_NOT_OWN', message: 'cite files your department uploaded' }],
        });
      }
      evidence.push({ title, fileId: file.id, originalName: file.original_name, mime: file.mime, sizeBytes: file.size_bytes, sha256: file.sha256 });
    }
  }
  if (errors.length) throw invalid(errors);

  const note = (input.note ?? '').trim();
  const { row: progress, duplicate } = await withTx(db, async (tx) => {
    // A retry (same token, same report as its latest one on this task) returns that report instead
    // of appending a copy: reports are serialised per task, so two retries cannot both insert.
    await lockTaskProgress(tx, no);
    const last = actor.tokenId ? await selectLastProgressByToken(tx, no, actor.tokenId) : undefined;
    if (last && last.status === input.status && last.note === note && last.asOf === asOf && canonical(last.evidence) === canonical(evidence)) {
      return { row: last, duplicate: true };
    }
    const row = await insertProgress(tx, {
      taskNo: no,
      departmentId: actor.departmentId ?? null,
      status: input.status,
      note,
      evidence,
      asOf,
      tokenId: actor.tokenId,
    });
    await writeAudit(tx, actor, {
      action: 'ledger-progress.create',
      entity: 'ledger_progress',
      entityIds: [row.id],
      route,
      summary: { taskNo: no, status: input.status, asOf, department: actor.departmentName ?? null, evidence: evidence.length },
    });
    return { row, duplicate: false };
  });
  const {
    tasks: [task],
  } = await loadTasks(db, today, no);
  return { progress: progressOut(progress), task, duplicate };
}

/** JSON with sorted keys, to compare evidence lists read back from jsonb. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v as object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

export interface StatusCounts {
  tasks: number;
  done: number;
  inProgress: number;
  blocked: number;
  notStarted: number;
  notReported: number;
  overdue: number;
  dueNext180Days: number;
}

export interface DepartmentSummary {
  id: number;
  name: string;
  kind: string;
  /** the department's tasks, with its role in each */
  tasks: { no: number; role: 'responsible' | 'implementing'; status: ProgressStatus | null; overdue: boolean; dueNext180Days: boolean; timeline: Timeline }[];
  /** over all its tasks (responsible and implementing) */
  counts: StatusCounts;
  /** over the tasks it is a listed 责任部门 of */
  responsibleCounts: StatusCounts;
}

function countOf(ts: Pick<TaskOut, 'status' | 'overdue' | 'dueNext180Days'>[]): StatusCounts {
  return {
    tasks: ts.length,
    done: ts.filter((t) => t.status === 'done').length,
    inProgress: ts.filter((t) => t.status === 'in_progress').length,
    blocked: ts.filter((t) => t.status === 'blocked').length,
    notStarted: ts.filter((t) => t.status === 'not_started').length,
    notReported: ts.filter((t) => t.status === null).length,
    overdue: ts.filter((t) => t.overdue).length,
    dueNext180Days: ts.filter((t) => t.dueNext180Days).length,
  };
}

/** GET /v1/ledger/departments: each department with its tasks and counts as of the date. */
export async function departmentSummaries(
  db: DbOrTx,
  q: { asOf?: string } = {},
): Promise<{ asOf: string; dueSoonDays: number; departments: DepartmentSummary[] }> {
  const asOf = resolveAsOf(q.asOf);
  const [{ tasks, depts }, all] = await Promise.all([loadTasks(db, asOf), selectDepartments(db)]);
  const byNo = new Map(tasks.map((t) => [t.no, t]));
  const departments = all
    .map((d) => {
      const mine = depts.filter((x) => x.departmentId === d.id).map((x) => ({ link: x, task: byNo.get(x.taskNo)! }));
      return {
        id: d.id,
        name: d.name,
        kind: d.kind,
        tasks: mine.map(({ link, task }) => ({
          no: task.no,
          role: link.role,
          status: task.status,
          overdue: task.overdue,
          dueNext180Days: task.dueNext180Days,
          timeline: task.timeline,
        })),
        counts: countOf(mine.map((m) => m.task)),
        responsibleCounts: countOf(mine.filter((m) => m.link.role === 'responsible').map((m) => m.task)),
      };
    })
    .filter((d) => d.tasks.length > 0);
  return { asOf, dueSoonDays: DUE_SOON_DAYS, departments };
}

/** The ledger as of a date, for reports: every task and the department summaries. */
export async function ledgerSnapshot(db: DbOrTx, asOf: string): Promise<{ asOf: string; tasks: TaskOut[]; departments: DepartmentSummary[] }> {
  const [{ tasks }, { departments }] = await Promise.all([listTasks(db, { asOf }), departmentSummaries(db, { asOf })]);
  return { asOf, tasks, departments };
}
