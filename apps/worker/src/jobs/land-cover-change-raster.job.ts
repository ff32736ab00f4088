import { evaluateAlerts } from '@biomon/alerts';
import { computeRasterLandCoverChange, resolveRasterChangePair } from '@biomon/indicators';
import type { JobHandler } from '../registry';

/**
 * Computes the land-cover change of a pair of land-cover rasters (stored once per pair: a second
 * run finds it completed) and then evaluates the forest-loss rule, whose alerts count each
 * protected area and year pair once — so a re-delivered job changes nothing.
 */
export const landCoverChangeRasterJob: JobHandler<'indicators', 'land-cover-change-raster'> = async (job, { ctx, log }) => {
  const pair = await resolveRasterChangePair(ctx.db, { from: job.data.fromRasterId, to: job.data.toRasterId });
  const change = await computeRasterLandCoverChange(ctx.db, ctx.config.fileStoreDir, pair);
  const alerts = await evaluateAlerts(ctx.db, { trigger: 'rules', rules: ['forest_loss_in_protected_area'] });
  log.info({ from: pair.from, to: pair.to, change, alerts }, 'land-cover change (rasters) computed');
  return { change, alerts };
};
