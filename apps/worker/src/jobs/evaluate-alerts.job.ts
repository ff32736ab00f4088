import { evaluateAlerts, parseEvaluateRequest } from '@biomon/alerts';
import type { JobHandler } from '../registry';

/**
 * Evaluates alert rules: for the occurrences an ingest stored (from the outbox), for a finished
 * import, or a schedule group (the job schedulers of alert-schedulers.ts). Re-delivery is
 * harmless: triggers count once and at most one alert per rule and subject is open.
 */
export const evaluateAlertsJob: JobHandler = async (job, { ctx, log }) => {
  const req = parseEvaluateRequest(job.data as Record<string, unknown>);
  const summary = await evaluateAlerts(ctx.db, req);
  log.info({ trigger: req.trigger, summary }, 'alerts evaluated');
  return summary;
};
