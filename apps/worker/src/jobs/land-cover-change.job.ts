import { evaluateAlerts } from '@biomon/alerts';
import { computeLandCoverChange, resolveChangePair } from '@biomon/indicators';
import type { JobHandler } from '../registry';

/**
 * Computes the land-cover change of a version pair (stored once per pair: a second run finds it
 * completed) and then evaluates the forest-loss rule, whose alerts count each protected area and
 * year pair once — so a re-delivered job changes nothing.
 */
export const landCoverChangeJob: JobHandler<'indicators', 'land-cover-change'> = async (job, { ctx, log }) => {
  const pair = await resolveChangePair(ctx.db, { from: job.data.fromDatasetId, to: job.data.toDatasetId });
  const change = await computeLandCoverChange(ctx.db, pair);
  const alerts = await evaluateAlerts(ctx.db, { trigger: 'rules', rules: ['forest_loss_in_protected_area'] });
  log.info({ from: pair.from, to: pair.to, change, alerts }, 'land-cover change computed');
  return { change, alerts };
};
