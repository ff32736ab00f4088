import { processImport } from '@biomon/occurrences';
import { evaluateAlerts } from '@biomon/alerts';
import type { JobHandler } from '../registry';

/** Imports an uploaded file in chunks. Re-delivery re-reads the file; stored rows come back unchanged. */
export const processImportJob: JobHandler = async (job, { ctx, log }) => {
  const importId = String(job.data.importId);
  const counts = await processImport(ctx.db, importId);
  log.info({ importId, counts }, 'import finished');
  // rule import_problem: a failed or mostly rejected import warns now (re-delivery re-checks, idempotently)
  const alerts = await evaluateAlerts(ctx.db, { trigger: 'import', importId });
  return { importId, counts, alerts };
};
