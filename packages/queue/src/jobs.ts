import type { BulkJobOptions, Job, JobSchedulerTemplateOptions, JobsOptions, Queue, RepeatOptions } from 'bullmq';

/**
 * What a job of the alerts queue asks to evaluate (@biomon/alerts narrows `group` and `rules` to
 * its schedule groups and rule codes, and checks a payload with parseEvaluateRequest). `now` (ISO)
 * and `asOf` (YYYY-MM-DD) pin the clock for reproducible runs.
 */
export type EvaluateJobPayload = (
  | { trigger: 'occurrences'; occurrenceIds: number[] }
  | { trigger: 'schedule'; group: string }
  | { trigger: 'import'; importId: string }
  | { trigger: 'rules'; rules: string[] }
) & { now?: string; asOf?: string };

/**
 * The job contract: every job the platform enqueues, by queue and job name, with its payload.
 * Producers (writeOutbox, a queue's add, addBulk and upsertJobScheduler) and the worker's
 * registry (apps/worker/src/registry.ts) are typed against this one map, so a wrong name, a wrong
 * payload or a job without a handler fails `tsc`. Payloads carry ids; handlers re-read state.
 */
export type JobPayloads = {
  system: {
    /** echoes its payload: checks the outbox → queue → worker path */
    noop: Record<string, unknown>;
    /**
     * new data of a kind (a layer kind, `raster:<kind>` for a raster that became ready, or
     * `occurrences`): re-enrich, mark indicators stale, schedule a recompute
     */
    'data-changed': { kind: string; datasetId?: number; count?: number };
  };
  indicators: {
    run: { runId: string };
    /** the debounced recompute after new data (job id `recompute-<window>`) */
    recompute: Record<string, never>;
    /** land-cover change between two versions (job id `lcc-<from>-<to>`), then the forest-loss alert rule */
    'land-cover-change': { fromDatasetId: number; toDatasetId: number };
    /** land-cover change between two land-cover rasters (job id `lccr-<from>-<to>`), then the forest-loss alert rule */
    'land-cover-change-raster': { fromRasterId: number; toRasterId: number };
  };
  imports: {
    process: { importId: string };
    /** an uploaded raster: converted to a COG, its statistics read, marked ready (@biomon/rasters processRaster) */
    'raster-process': { datasetId: number };
    /**
     * zonal statistics of a large raster (more pixels than config.zonalJobMinPixels) over zones of a
     * vector dataset, stored in the zonal cache (insert-or-keep: a repeat changes nothing); asked for
     * by GET /v1/rasters/{id}/zonal, which answers 202 until they are stored (@biomon/rasters computeRasterZonal)
     */
    'raster-zonal': { rasterId: number; zoneDatasetId: number; keys: string[] };
  };
  exports: {
    dwca: { exportId: string };
  };
  alerts: {
    evaluate: EvaluateJobPayload;
  };
  webhooks: {
    /** an alert event's pending deliveries become one `deliver` job each */
    'fan-out': { alertEventId: number };
    deliver: { alertEventId: number; subscriptionId: string };
    /** re-adds deliveries whose job was lost */
    sweep: Record<string, never>;
  };
  screenings: {
    /** computes a project impact screening (@biomon/screening executeScreening) */
    run: { screeningId: string };
  };
};

export type QueueName = keyof JobPayloads;
export type JobName<Q extends QueueName> = keyof JobPayloads[Q] & string;
export type JobPayload<Q extends QueueName, N extends JobName<Q>> = JobPayloads[Q][N];
/** What a handler receives: the payload, and the outbox row's id when the job came through the outbox. */
export type JobData<Q extends QueueName, N extends JobName<Q>> = JobPayload<Q, N> & { outboxId?: number };

/** One job of queue Q: a name of that queue with its payload. */
export type JobOf<Q extends QueueName> = { [N in JobName<Q>]: { name: N; data: JobPayload<Q, N> } }[JobName<Q>];

/** One message for the outbox: a queue, one of its job names and that job's payload. */
export type OutboxMessage = { [Q in QueueName]: { [N in JobName<Q>]: { queue: Q; jobName: N; payload: JobPayload<Q, N> } }[JobName<Q>] }[QueueName];

/**
 * A bullmq queue whose add, addBulk and upsertJobScheduler take only its own job names, each with
 * its payload. The object is the bullmq Queue itself: only its type is narrowed.
 */
export interface JobQueue<Q extends QueueName> extends Omit<Queue, 'add' | 'addBulk' | 'upsertJobScheduler'> {
  add<N extends JobName<Q>>(name: N, data: JobPayload<Q, N>, opts?: JobsOptions): Promise<Job>;
  addBulk(jobs: (JobOf<Q> & { opts?: BulkJobOptions })[]): Promise<Job[]>;
  upsertJobScheduler<N extends JobName<Q>>(
    schedulerId: string,
    repeat: Omit<RepeatOptions, 'key'>,
    template: { name: N; data: JobPayload<Q, N>; opts?: JobSchedulerTemplateOptions },
  ): Promise<Job>;
}

/** The platform's queues: typed by name, or looked up by a name read at run time (the outbox relay). */
export interface JobQueues {
  get<Q extends QueueName>(name: Q): JobQueue<Q>;
  get(name: string): Queue | undefined;
  values(): IterableIterator<Queue>;
}
