import { enrichOccurrences } from '@biomon/occurrences';
import { markIndicatorsStale, pairForNewVersion, rasterPairForNewVersion } from '@biomon/indicators';
import { rasterDataKind } from '@biomon/rasters';
import { QUEUES } from '@biomon/queue';
import type { JobHandler } from '../registry';

/** Debounce window of indicator recomputes after new data: one run per window at most. */
export const RECOMPUTE_DEBOUNCE_MS = 60_000;

/**
 * A new layer version, a raster that became ready (kind `raster:<kind>`, its datasetId a raster's:
 * never paired as a vector land-cover version) or new survey data arrived: recompute the occurrences' spatial enrichment
 * when regions or protected areas changed, mark indicators stale and schedule one debounced
 * recompute (a delayed job whose id names the time window, so repeats inside it add nothing).
 */
export const dataChangedJob: JobHandler<'system', 'data-changed'> = async (job, { ctx, log }) => {
  const kind = job.data.kind;
  if (kind === 'regions' || kind === 'protected-areas') await enrichOccurrences(ctx.db, null);
  await markIndicatorsStale(ctx.db, kind);
  if (kind === 'land-cover' && job.data.datasetId !== undefined) {
    // a new land-cover version: its change from the version before it, then the forest-loss rule
    const pair = await pairForNewVersion(ctx.db, job.data.datasetId);
    if (pair) {
      const { fromDatasetId, toDatasetId } = pair.key;
      await ctx.queues.get(QUEUES.indicators)!.add('land-cover-change', { fromDatasetId, toDatasetId }, { jobId: `lcc-${fromDatasetId}-${toDatasetId}` });
    }
  }
  if (kind === rasterDataKind('land-cover') && job.data.datasetId !== undefined) {
    // a land-cover raster became ready: its change from the newest ready one of an earlier year
    const pair = await rasterPairForNewVersion(ctx.db, job.data.datasetId);
    if (pair) {
      const { fromDatasetId: fromRasterId, toDatasetId: toRasterId } = pair.key;
      await ctx.queues.get(QUEUES.indicators)!.add('land-cover-change-raster', { fromRasterId, toRasterId }, { jobId: `lccr-${fromRasterId}-${toRasterId}` });
    }
  }
  const bucket = Math.floor(Date.now() / RECOMPUTE_DEBOUNCE_MS);
  await ctx.queues.get(QUEUES.indicators)!.add('recompute', {}, { jobId: `recompute-${bucket}`, delay: RECOMPUTE_DEBOUNCE_MS });
  log.info({ kind }, 'data changed: indicators marked stale, recompute scheduled');
  return { kind };
};
