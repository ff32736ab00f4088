import type { Db, DbOrTx } from '@biomon/db';
import { createIndicatorRun } from './indicator-run.service';
import { clearStaleMarks, insertStaleMark, listStaleMarks } from './staleness.repository';

/**
 * New data (a layer version, survey records) marks indicator results stale. The worker then
 * schedules a debounced recompute: a new run for the current year — old runs are never edited.
 */
export async function markIndicatorsStale(db: DbOrTx, kind: string): Promise<void> {
  await insertStaleMark(db, kind);
}

/** Starts one run over everything that became stale, then clears the marks it covered. Null when nothing was stale. */
export async function recomputeStale(db: Db, year: number): Promise<{ runId: string; kinds: string[] } | null> {
  const marks = await listStaleMarks(db);
  if (!marks.length) return null;
  const { runId } = await createIndicatorRun(db, { year }, { tokenId: null, role: 'system', label: 'stale-recompute' }, 'stale');
  await clearStaleMarks(
    db,
    marks.map((m) => m.kind),
    marks.reduce((a, m) => (m.since > a ? m.since : a), marks[0].since),
  );
  return { runId, kinds: marks.map((m) => m.kind) };
}
