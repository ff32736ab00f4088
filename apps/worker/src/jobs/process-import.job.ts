import { processImport } from '@biomon/occurrences';
import type { JobHandler } from '../registry';

/** Imports an uploaded file in chunks. Re-delivery re-reads the file; stored rows come back unchanged. */
export const processImportJob: JobHandler = async (job, { ctx, log }) => {
  const importId = String(job.data.importId);
  const counts = await processImport(ctx.db, importId);
  log.info({ importId, counts }, 'import finished');
  return { importId, counts };
};
