import { executeScreening } from '@biomon/screening';
import type { JobHandler } from '../registry';

/** Computes a project impact screening (issue 19). Re-delivery is harmless: a completed screening is immutable and skipped. */
export const runScreeningJob: JobHandler<'screenings', 'run'> = async (job, { ctx, log }) => {
  const screeningId = job.data.screeningId;
  const started = Date.now();
  const outcome = await executeScreening(ctx.db, screeningId);
  log.info({ screeningId, outcome, ms: Date.now() - started }, 'screening finished');
  return { screeningId, outcome };
};
