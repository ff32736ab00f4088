import { UnrecoverableError } from 'bullmq';
import { markRasterProcessingFailed, processRaster } from '@biomon/rasters';
import type { JobHandler } from '../registry';

/**
 * Converts an uploaded raster to a COG, reads its statistics and marks it ready (idempotent: a ready
 * raster is left alone, a half-written COG is redone). A raster GDAL cannot convert ends failed and
 * is not retried; any other error is retried, and the last attempt marks the raster failed so that
 * its routes stop answering RASTER_NOT_READY as if it were still processing.
 */
export const processRasterJob: JobHandler<'imports', 'raster-process'> = async (job, { ctx, log }) => {
  const datasetId = job.data.datasetId;
  const isLast = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  let status: Awaited<ReturnType<typeof processRaster>>;
  try {
    status = await processRaster(ctx.db, ctx.config.fileStoreDir, datasetId);
  } catch (err) {
    if (isLast) await markRasterProcessingFailed(ctx.db, datasetId, `processing failed after ${job.attemptsMade + 1} attempts: ${(err as Error).message}`);
    throw err;
  }
  log.info({ datasetId, status }, 'raster processed');
  if (status === 'missing') throw new UnrecoverableError(`raster ${datasetId} does not exist`);
  if (status === 'failed') throw new UnrecoverableError(`raster ${datasetId} failed`);
  return { datasetId, status };
};
