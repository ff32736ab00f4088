import { addDays } from '@biomon/core';

/**
 * The overdue rule of the ledger (BRIEF §7). Ledger dates are calendar dates in China, written
 * `YYYY-MM-DD` (@biomon/core time.ts); comparing two such strings compares the dates.
 */

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
