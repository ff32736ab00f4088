import { enrichOccurrences } from '@biomon/occurrences';
import { markIndicatorsStale } from '@biomon/indicators';
import { QUEUES } from '@biomon/queue';
import type { JobHandler } from '../registry';

/** Debounce window of indicator recomputes after new data: one run per window at most. */
export const RECOMPUTE_DEBOUNCE_MS = 60_000;

/**
 * A new layer version or new survey data arrived: recompute the occurrences' spatial enrichment
 * when regions or protected areas changed, mark indicators stale and schedule one debounced
 * recompute (a delayed job whose id names the time window, so repeats inside it add nothing).
 */
export const dataChangedJob: JobHandler<'system', 'data-changed'> = async (job, { ctx, log }) => {
  const kind = job.data.kind;
  if (kind === 'regions' || kind === 'protected-areas') await enrichOccurrences(ctx.db, null);
  await markIndicatorsStale(ctx.db, kind);
  const bucket = Math.floor(Date.now() / RECOMPUTE_DEBOUNCE_MS);
  await ctx.queues.get(QUEUES.indicators)!.add('recompute', {}, { jobId: `recompute-${bucket}`, delay: RECOMPUTE_DEBOUNCE_MS });
  log.info({ kind }, 'data changed: indicators marked stale, recompute scheduled');
  return { kind };
};
