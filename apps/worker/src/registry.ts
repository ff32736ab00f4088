import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { AppContext } from '@biomon/runtime';
import { QUEUES, type JobData, type JobName, type QueueName } from '@biomon/queue';
import { noopJob } from './jobs/noop.job';
import { runIndicatorsJob } from './jobs/run-indicators.job';
import { processImportJob } from './jobs/process-import.job';
import { processRasterJob } from './jobs/process-raster.job';
import { rasterZonalJob } from './jobs/raster-zonal.job';
import { dataChangedJob } from './jobs/data-changed.job';
import { recomputeIndicatorsJob } from './jobs/recompute-indicators.job';
import { landCoverChangeJob } from './jobs/land-cover-change.job';
import { landCoverChangeRasterJob } from './jobs/land-cover-change-raster.job';
import { exportDwcaJob } from './jobs/export-dwca.job';
import { evaluateAlertsJob } from './jobs/evaluate-alerts.job';
import { deliverWebhookJob, fanOutWebhooksJob, sweepWebhooksJob } from './jobs/deliver-webhook.job';
import { runScreeningJob } from './jobs/run-screening.job';

export interface JobContext {
  ctx: AppContext;
  log: Logger;
}

/** The handler of job N of queue Q: its `job.data` is that job's payload (@biomon/queue, the job contract). */
export type JobHandler<Q extends QueueName, N extends JobName<Q>> = (job: Job<JobData<Q, N>, unknown, N>, jc: JobContext) => Promise<unknown>;

/** One handler for every job of the contract: a job without a handler, or a handler of no job, fails `tsc`. */
export type JobRegistry = { [Q in QueueName]: { [N in JobName<Q>]: JobHandler<Q, N> } };

/**
 * Every job name the platform enqueues, by queue, mapped to its handler. Handlers re-read state
 * from the database and write with upserts, so running a job twice is harmless (at-least-once).
 */
export const REGISTRY: JobRegistry = {
  [QUEUES.system]: {
    noop: noopJob,
    'data-changed': dataChangedJob,
  },
  [QUEUES.indicators]: {
    run: runIndicatorsJob,
    recompute: recomputeIndicatorsJob,
    'land-cover-change': landCoverChangeJob,
    'land-cover-change-raster': landCoverChangeRasterJob,
  },
  [QUEUES.imports]: {
    process: processImportJob,
    'raster-process': processRasterJob,
    'raster-zonal': rasterZonalJob,
  },
  [QUEUES.exports]: {
    dwca: exportDwcaJob,
  },
  [QUEUES.alerts]: {
    evaluate: evaluateAlertsJob,
  },
  [QUEUES.webhooks]: {
    'fan-out': fanOutWebhooksJob,
    deliver: deliverWebhookJob,
    sweep: sweepWebhooksJob,
  },
  [QUEUES.screenings]: {
    run: runScreeningJob,
  },
};

/** Startup fails when a queue has no handlers registered (the types say so too; this holds at run time). */
export function assertRegistryComplete(): void {
  for (const q of Object.values(QUEUES)) {
    if (!REGISTRY[q] || Object.keys(REGISTRY[q]).length === 0) throw new Error(`worker: no handlers registered for queue ${q}`);
  }
}
