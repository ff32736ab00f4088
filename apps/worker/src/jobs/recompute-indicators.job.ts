import { recomputeStale } from '@biomon/indicators';
import type { JobHandler } from '../registry';

/** Debounced recompute: one new run for the current year (Asia/Shanghai) over the newest datasets. */
export const recomputeIndicatorsJob: JobHandler = async (_job, { ctx, log }) => {
  const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
  const out = await recomputeStale(ctx.db, year);
  log.info({ out }, 'stale indicators recompute');
  return out;
};
