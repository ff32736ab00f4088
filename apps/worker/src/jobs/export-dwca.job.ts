import { runDwcaExport } from '@biomon/opendata';
import type { JobHandler } from '../registry';

/** Builds a Darwin Core Archive export. Re-delivery of a completed export does nothing; a failed one is rebuilt. */
export const exportDwcaJob: JobHandler<'exports', 'dwca'> = async (job, { ctx, log }) => {
  const exportId = job.data.exportId;
  const counts = await runDwcaExport({ db: ctx.db, pool: ctx.dbHandle.pool, fileStoreDir: ctx.config.fileStoreDir, eml: ctx.config.eml }, exportId);
  log.info({ exportId, counts }, 'export finished');
  return { exportId, counts };
};
