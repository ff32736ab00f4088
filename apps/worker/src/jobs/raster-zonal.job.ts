import { UnrecoverableError } from 'bullmq';
import { AppError } from '@biomon/core';
import { computeRasterZonal } from '@biomon/rasters';
import type { JobHandler } from '../registry';

/**
 * Zonal statistics of a large raster, asked for by GET /v1/rasters/{id}/zonal (which answers 202
 * until they are stored). Idempotent: zones already stored are skipped and a store keeps what is
 * there (at-least-once delivery). A raster or zone dataset that does not exist, or a raster that is
 * not ready, is not retried; GDAL and database failures are.
 */
export const rasterZonalJob: JobHandler<'imports', 'raster-zonal'> = async (job, { ctx, log }) => {
  try {
    const out = await computeRasterZonal(ctx.db, ctx.config.fileStoreDir, job.data);
    log.info(out, 'raster zonal statistics stored');
    return out;
  } catch (err) {
    // 404 / 409 / 422: asking again changes nothing; a 503 (database away) is retried
    if (err instanceof AppError && err.status < 500) throw new UnrecoverableError(`${err.code}: ${err.message}`);
    throw err;
  }
};
