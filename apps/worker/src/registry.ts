import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { AppContext } from '@biomon/http';
import { QUEUES } from '@biomon/queue';
import { noopJob } from './jobs/noop.job';
import { runIndicatorsJob } from './jobs/run-indicators.job';
import { processImportJob } from './jobs/process-import.job';
import { dataChangedJob } from './jobs/data-changed.job';
import { recomputeIndicatorsJob } from './jobs/recompute-indicators.job';
import { exportDwcaJob } from './jobs/export-dwca.job';
import { evaluateAlertsJob } from './jobs/evaluate-alerts.job';
import { deliverWebhookJob, fanOutWebhooksJob, sweepWebhooksJob } from './jobs/deliver-webhook.job';

export interface JobContext { ctx: AppContext; log: Logger }
export type JobHandler = (job: Job, jc: JobContext) => Promise<unknown>;

/**
 * Every job name the platform enqueues, by queue, mapped to its handler. Handlers re-read state
 * from the database and write with upserts, so running a job twice is harmless (at-least-once).
 */
export const REGISTRY: Record<string, Record<string, JobHandler>> = {
  [QUEUES.system]: {
    noop: noopJob,
    'data-changed': dataChangedJob,
  },
  [QUEUES.indicators]: {
    run: runIndicatorsJob,
    recompute: recomputeIndicatorsJob,
  },
  [QUEUES.imports]: {
    process: processImportJob,
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
};

/** Startup fails when a queue has no handlers registered. */
export function assertRegistryComplete(): void {
  for (const q of Object.values(QUEUES)) {
    if (!REGISTRY[q] || Object.keys(REGISTRY[q]).length === 0) throw new Error(`worker: no handlers registered for queue ${q}`);
  }
}
