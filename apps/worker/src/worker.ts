import { Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { AppContext } from '@biomon/runtime';
import { heartbeatKey, relayOutboxOnce } from '@biomon/queue';
import { REGISTRY, assertRegistryComplete, type JobContext } from './registry';

export interface RunningWorker {
  workers: Worker[];
  stop(): Promise<void>;
}

/**
 * Starts the bullmq workers of every registered queue, the outbox relay and the heartbeat.
 * stop() closes them gracefully (active jobs finish first).
 */
export interface StartWorkerOptions {
  relayIntervalMs?: number;
  concurrency?: number;
  /** Registers bullmq job schedulers (repeatable jobs) once the workers run; retried while Redis is away. */
  registerSchedulers?: (ctx: AppContext, log: Logger) => Promise<void>;
}

export function startWorker(ctx: AppContext, log: Logger, opts: StartWorkerOptions = {}): RunningWorker {
  assertRegistryComplete();
  const prefix = ctx.config.queuePrefix;
  // at run time a job's name is a string from Redis: look its handler up by name (typed in registry.ts)
  const registry = REGISTRY as unknown as Record<string, Record<string, (job: Job, jc: JobContext) => Promise<unknown>>>;
  const workers = Object.entries(registry).map(([queue, handlers]) => {
    const w = new Worker(
      queue,
      async (job: Job) => {
        const handler = handlers[job.name];
        if (!handler) throw new Error(`no handler for job ${queue}/${job.name}`);
        const jlog = log.child({ jobId: job.id, jobName: job.name, queue });
        return handler(job, { ctx, log: jlog });
      },
      // A killed worker's active job is found stalled once its lock lapses and is run again
      // (at-least-once): handlers are idempotent.
      {
        connection: ctx.redis.duplicate(),
        prefix,
        concurrency: opts.concurrency ?? 2,
        lockDuration: ctx.config.jobLockMs,
        stalledInterval: ctx.config.jobLockMs,
        maxStalledCount: 3,
      },
    );
    w.on('failed', (job, err) => log.warn({ jobId: job?.id, jobName: job?.name, err: err.message }, 'job failed'));
    w.on('error', (err) => log.warn({ err: err.message }, 'worker error'));
    return w;
  });

  let stopped = false;
  const beat = async (): Promise<void> => {
    try {
      await ctx.redis.set(heartbeatKey(prefix), String(Date.now()), 'PX', 15_000);
    } catch {
      /* Redis down: health shows it */
    }
  };
  void beat();
  const heartbeat = setInterval(() => void beat(), 5_000);

  let relaying = false;
  const relay = setInterval(async () => {
    if (relaying || stopped) return;
    relaying = true;
    try {
      let r;
      do {
        r = await relayOutboxOnce(ctx.db, (name) => ctx.queues.get(name));
      } while (r.enqueued > 0 && !stopped);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'outbox relay failed; will retry');
    } finally {
      relaying = false;
    }
  }, opts.relayIntervalMs ?? 500);

  let schedulerRetry: NodeJS.Timeout | undefined;
  const registerSchedulers = async (): Promise<void> => {
    if (!opts.registerSchedulers || stopped) return;
    try {
      await opts.registerSchedulers(ctx, log);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'job schedulers not registered; will retry');
      schedulerRetry = setTimeout(() => void registerSchedulers(), 10_000);
    }
  };
  void registerSchedulers();

  return {
    workers,
    async stop() {
      stopped = true;
      clearTimeout(schedulerRetry);
      clearInterval(heartbeat);
      clearInterval(relay);
      await Promise.allSettled(workers.map((w) => w.close()));
      await ctx.redis.del(heartbeatKey(prefix)).catch(() => {});
    },
  };
}
