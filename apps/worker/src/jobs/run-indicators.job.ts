import { executeIndicatorRun } from '@biomon/indicators';
import type { JobHandler } from '../registry';

/** Computes an indicator run. Re-delivery is harmless: results are upserts, a completed run is skipped. */
export const runIndicatorsJob: JobHandler = async (job, { ctx, log }) => {
  const runId = String(job.data.runId);
  const outcome = await executeIndicatorRun(ctx.db, runId, (done, total) => {
    void job.updateProgress({ done, total });
  }, { stepDelayMs: ctx.config.faultStepDelayMs });
  log.info({ runId, outcome }, 'indicator run finished');
  return { runId, outcome };
};
