import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';

/** Queue names of the platform; each has a worker registered in apps/worker. */
export const QUEUES = {
  system: 'system',
  indicators: 'indicators',
  imports: 'imports',
  exports: 'exports',
  alerts: 'alerts',
  webhooks: 'webhooks',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** A Redis connection as bullmq wants it: no per-command retry limit, no ready check stalls. */
export function createRedis(url: string, opts: { lazy?: boolean } = {}): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: opts.lazy ?? false });
  r.on('error', () => {}); // reported through health; reconnects by itself
  return r;
}

export function createQueues(connection: ConnectionOptions, prefix: string): Map<string, Queue> {
  const map = new Map<string, Queue>();
  for (const name of Object.values(QUEUES)) {
    map.set(name, new Queue(name, { connection, prefix, defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 7 * 24 * 3600, count: 10000 }, removeOnFail: { age: 30 * 24 * 3600 } } }));
  }
  return map;
}

/** Worker heartbeat key: the worker refreshes it; /health reports the worker down when it lapses. */
export function heartbeatKey(prefix: string): string {
  return `${prefix}:worker:heartbeat`;
}
