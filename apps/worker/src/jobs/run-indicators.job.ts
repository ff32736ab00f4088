import { executeIndicatorRun } from '@biomon/indicators';
import { evaluateAlerts } from '@biomon/alerts';
import type { JobHandler } from '../registry';

/** Computes an indicator run. Re-delivery is harmless: results are upserts, a completed run is skipped. */
export const runIndicatorsJob: JobHandler<'indicators', 'run'> = async (job, { ctx, log }) => {
  const runId = job.data.runId;
  const outcome = await executeIndicatorRun(
    ctx.db,
    runId,
    (done, total) => {
      void job.updateProgress({ done, total });
    },
    { stepDelayMs: ctx.config.faultStepDelayMs, fileStoreDir: ctx.config.fileStoreDir },
  );
  log.info({ runId, outcome }, 'indicator run finished');
  // new values: indicator alerts (off target near a deadline, drops) are checked now, not at the next schedule
  const alerts = await evaluateAlerts(ctx.db, { trigger: 'rules', rules: ['indicator_deadline', 'indicator_drop'] });
  return { runId, outcome, alerts };
};
