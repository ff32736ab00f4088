import type { JobHandler } from '../registry';

/** A job that does nothing but echo its payload: used to check the outbox → queue → worker path. */
export const noopJob: JobHandler<'system', 'noop'> = async (job) => ({ echoed: job.data });
