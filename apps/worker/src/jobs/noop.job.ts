import type { JobHandler } from '../registry';

/** A job that does nothing but echo its payload: used to check the outbox → queue → worker path. */
export const noopJob: JobHandler = async (job) => ({ echoed: job.data });
