/**
 * Dates and the overdue rule of the ledger (BRIEF §7). Ledger dates are calendar dates in
 * Asia/Shanghai, written `YYYY-MM-DD`; comparing two such strings compares the dates.
 */
export const LEDGER_TIME_ZONE = 'Asia/Shanghai';

export const PROGRESS_STATUSES = ['not_started', 'in_progress', 'done', 'blocked'] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

export const STATUS_LABELS: Record<ProgressStatus | 'not_reported', { zh: string; en: string }> = {
  not_started: { zh: '未启动', en: 'not started' },
  in_progress: { zh: '推进中', en: 'in progress' },
  done: { zh: '已完成', en: 'done' },
  blocked: { zh: '受阻', en: 'blocked' },
  not_reported: { zh: '未报送', en: 'not reported' },
};

export interface Timeline {
  kind: 'deadline' | 'window' | 'continuous';
  /** first day of a window; null for deadlines and continuous tasks */
  start: string | null;
  /** last day of a window or the deadline (`2025 年底前` → 2025-12-31); null for `持续推进` */
  end: string | null;
  /** the 实施时间 cell as written */
  text: string;
}

/** Today's date in Asia/Shanghai (`YYYY-MM-DD`). */
export function todayInShanghai(now: Date = new Date()): string {
  // en-CA formats as YYYY-MM-DD
  return new Intl.DateTimeFormat('en-CA', { timeZone: LEDGER_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Whether s is a real calendar date written `YYYY-MM-DD` (2025-02-30 is not). */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The date `days` days after (or before, when negative) the given date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * Overdue as of date D: the task has an end (a deadline, or the last day of a window — task 3's
 * `2022-2023年` ends 2023-12-31) that lies before D, and its status as of D is not `done`.
 * The status as of D is the latest progress report dated (as_of) on or before D, so a `done`
 * report dated after D does not clear the task as of D, and a later report that reopens a task
 * (e.g. `in_progress` after `done`) makes it overdue again. `持续推进` (continuous) is never overdue.
 * On the deadline day itself a task is not yet overdue.
 */
export function isOverdue(timeline: Pick<Timeline, 'kind' | 'end'>, statusAsOf: ProgressStatus | null, asOf: string): boolean {
  if (timeline.kind === 'continuous' || timeline.end === null) return false;
  return timeline.end < asOf && statusAsOf !== 'done';
}

/** Not done as of D and ending within the next `days` days (D ≤ end ≤ D + days). */
export function isDueWithin(timeline: Pick<Timeline, 'kind' | 'end'>, statusAsOf: ProgressStatus | null, asOf: string, days: number): boolean {
  if (timeline.kind === 'continuous' || timeline.end === null || statusAsOf === 'done') return false;
  return timeline.end >= asOf && timeline.end <= addDays(asOf, days);
}
