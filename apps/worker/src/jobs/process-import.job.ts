import { UnrecoverableError } from 'bullmq';
import { getImport, markImportFailed, processImport } from '@biomon/occurrences';
import { evaluateAlerts } from '@biomon/alerts';
import { isMcpdImport, processMcpdImport } from '@biomon/germplasm';
import type { JobHandler } from '../registry';

/**
 * Imports an uploaded file in chunks. Re-delivery re-reads the file; stored rows come back unchanged.
 *
 * A deterministic failure — the file is unusable or over a cap (ImportFormatError: the import is
 * `failed` with its code), or the import does not exist — ends the job with bullmq's
 * UnrecoverableError, so it fails once and is never attempted again. Any other error is taken as
 * transient and retried with backoff; the last attempt marks the import failed (IMPORT_FAILED)
 * so that it does not stay `running` for ever.
 */
export const processImportJob: JobHandler<'imports', 'process'> = async (job, { ctx, log }) => {
  const importId = job.data.importId;
  const isLast = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  let counts;
  try {
    // MCPD germplasm passports (POST /v1/imports classified the file): @biomon/germplasm reads them
    counts = (await isMcpdImport(ctx.db, importId))
      ? await processMcpdImport(ctx.db, importId, ctx.config.importLimits)
      : await processImport(ctx.db, importId, ctx.config.importLimits);
  } catch (err) {
    if (
      isLast &&
      (await markImportFailed(
        ctx.db,
        importId,
        'IMPORT_FAILED',
        `The import could not be completed after ${job.attemptsMade + 1} attempts; upload the file again`,
      ))
    ) {
      await evaluateAlerts(ctx.db, { trigger: 'import', importId });
    }
    throw err;
  }
  log.info({ importId, counts }, 'import finished');
  // rule import_problem: a failed or mostly rejected import warns now (re-delivery re-checks, idempotently)
  const alerts = await evaluateAlerts(ctx.db, { trigger: 'import', importId });
  if (counts === null) {
    const imp = await getImport(ctx.db, importId);
    if (!imp) throw new UnrecoverableError(`import ${importId} does not exist`);
    if (imp.status === 'failed') {
      const code = (imp.error as { code?: string } | null)?.code ?? 'IMPORT_FAILED';
      throw new UnrecoverableError(`import ${importId} failed: ${code}`);
    }
  }
  return { importId, counts, alerts };
};
