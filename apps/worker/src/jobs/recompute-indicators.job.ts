import { recomputeStale } from '@biomon/indicators';
import { chinaYear } from '@biomon/core';
import type { JobHandler } from '../registry';

/** Debounced recompute: one new run for the current year (Asia/Shanghai) over the newest datasets. */
export const recomputeIndicatorsJob: JobHandler<'indicators', 'recompute'> = async (_job, { ctx, log }) => {
  const year = chinaYear();
  const out = await recomputeStale(ctx.db, year);
  log.info({ out }, 'stale indicators recompute');
  return out;
};
