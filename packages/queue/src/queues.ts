import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobQueues, QueueName } from './jobs';

/** Queue names of the platform (the queues of the job contract, jobs.ts); each has a worker registered in apps/worker. */
export const QUEUES = {
  system: 'system',
  indicators: 'indicators',
  imports: 'imports',
  exports: 'exports',
  alerts: 'alerts',
  webhooks: 'webhooks',
  screenings: 'screenings',
} as const satisfies { [Q in QueueName]: Q };

/** A Redis connection as bullmq wants it: no per-command retry limit, no ready check stalls. */
export function createRedis(url: string, opts: { lazy?: boolean } = {}): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: opts.lazy ?? false });
  r.on('error', () => {}); // reported through health; reconnects by itself
  return r;
}

export function createQueues(connection: ConnectionOptions, prefix: string): JobQueues {
  const map = new Map<string, Queue>();
  for (const name of Object.values(QUEUES)) {
    map.set(
      name,
      new Queue(name, {
        connection,
        prefix,
        defaultJobOptions: {
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: { age: 7 * 24 * 3600, count: 10000 },
          removeOnFail: { age: 30 * 24 * 3600 },
        },
      }),
    );
  }
  // the typed view of the same Queue objects (jobs.ts): names and payloads are checked where jobs are added
  return { get: ((name: string) => map.get(name)) as JobQueues['get'], values: () => map.values() };
}

/** Worker heartbeat key: the worker refreshes it; /health reports the worker down when it lapses. */
export function heartbeatKey(prefix: string): string {
  return `${prefix}:worker:heartbeat`;
}
