import type { Config } from '@biomon/config';
import { createDb, type Db, type DbHandle } from '@biomon/db';
import { createQueues, createRedis } from '@biomon/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** What every app and job needs: config, the database, Redis and the queues. Built once per process. */
export interface AppContext {
  config: Config;
  db: Db;
  dbHandle: DbHandle;
  redis: Redis;
  queues: Map<string, Queue>;
  close(): Promise<void>;
}

export function createContext(config: Config, opts: { applicationName?: string } = {}): AppContext {
  const dbHandle = createDb(config.databaseUrl, { max: config.dbPoolMax, applicationName: opts.applicationName });
  const redis = createRedis(config.redisUrl);
  const queues = createQueues(redis, config.queuePrefix);
  return {
    config,
    db: dbHandle.db,
    dbHandle,
    redis,
    queues,
    async close() {
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
      redis.disconnect();
      await dbHandle.close();
    },
  };
}
