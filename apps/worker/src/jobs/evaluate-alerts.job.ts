import { evaluateAlerts, parseEvaluateRequest } from '@biomon/alerts';
import type { JobHandler } from '../registry';

/**
 * Evaluates alert rules: for the occurrences an ingest stored (from the outbox), for a finished
 * import, or a schedule group (the job schedulers of alert-schedulers.ts). Re-delivery is
 * harmless: triggers count once and at most one alert per rule and subject is open.
 */
export const evaluateAlertsJob: JobHandler<'alerts', 'evaluate'> = async (job, { ctx, log }) => {
  // the contract types the payload; the alerts package still checks its rule codes and groups
  const req = parseEvaluateRequest(job.data);
  const summary = await evaluateAlerts(ctx.db, req);
  log.info({ trigger: req.trigger, summary }, 'alerts evaluated');
  return summary;
};
