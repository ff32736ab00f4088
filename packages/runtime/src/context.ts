import { randomBytes } from 'node:crypto';
import type { Config } from '@biomon/config';
import { CursorCodec } from '@biomon/core';
import { createDb, createReadRouting, createSlots, slottedDb, type ClientSource, type Db, type DbHandle, type ReadRouting, type Slots } from '@biomon/db';
import { createQueues, createRedis, type JobQueues } from '@biomon/queue';
import type { Redis } from 'ioredis';
import { platformSecret } from './platform-secret.repository';

/** What every app and job needs: config, the database, Redis and the queues. Built once per process. */
export interface AppContext {
  config: Config;
  db: Db;
  dbHandle: DbHandle;
  /**
   * The database for read-only routes that need not see the caller's own writes at once (public
   * lists and reads): the hot standby of DATABASE_READ_URL while it is up and at most
   * BIOMON_READ_MAX_LAG_S behind, else the primary. Without DATABASE_READ_URL, the same as `db`.
   * Never write through it.
   */
  dbRead: Db;
  /**
   * The primary for batch writes (occurrence and survey-event batches, station pushes): at most
   * BIOMON_DB_BATCH_SLOTS of them run at once in this process (admission control, @biomon/db
   * slots.ts); `dbRead` is limited the same way by BIOMON_DB_READ_SLOTS.
   */
  dbBatch: Db;
  /**
   * the admission slots of `dbRead` and `dbBatch` (their size, use and queue), and the permits of
   * batch requests, taken before a batch's body is read (BIOMON_DB_BATCH_SLOTS + 1)
   */
  slots: { read: Slots; batch: Slots; batchRequests: Slots };
  /**
   * Connections for streamed reads (downloads): the standby's under the same rule as `dbRead`
   * (falling back to the primary when it cannot be reached); the primary's pool without it.
   */
  readStream: ClientSource;
  /** the standby's routing and state (`/health` reports it); null without DATABASE_READ_URL */
  replica: ReadRouting | null;
  redis: Redis;
  /** the platform's queues, typed by the job contract of @biomon/queue */
  queues: JobQueues;
  /** The paging-cursor codec (its secret from BIOMON_CURSOR_SECRET or, generated once, from the database). */
  cursors(): Promise<CursorCodec>;
  close(): Promise<void>;
}

/**
 * The platform's cursor secret: configured, or generated once and kept in the database, so that
 * every api process (on any machine) seals and opens the same cursors.
 */
async function loadCursorCodec(config: Config, db: Db): Promise<CursorCodec> {
  if (config.cursorSecret) return new CursorCodec(Buffer.from(config.cursorSecret, 'utf8'));
  return new CursorCodec(await platformSecret(db, 'cursor', randomBytes(32)));
}

export function createContext(config: Config, opts: { applicationName?: string } = {}): AppContext {
  const dbHandle = createDb(config.databaseUrl, { max: config.dbPoolMax, applicationName: opts.applicationName });
  const replica = config.databaseReadUrl
    ? createReadRouting(dbHandle.db, dbHandle.pool, config.databaseReadUrl, {
        maxLagSeconds: config.readMaxLagSeconds,
        max: config.dbPoolMax,
        applicationName: opts.applicationName ? `${opts.applicationName}-read` : undefined,
      })
    : null;
  const slots = {
    read: createSlots('read', config.dbReadSlots, config.dbSlotWaitMs),
    batch: createSlots('batch', config.dbBatchSlots, config.dbSlotWaitMs),
    // batch requests in progress (read, validated, written): the batch slots and one more (@biomon/http batch-admission.ts)
    batchRequests: createSlots('batch requests', config.dbBatchSlots + 1, config.dbSlotWaitMs),
  };
  const redis = createRedis(config.redisUrl);
  const queues = createQueues(redis, config.queuePrefix);
  let codec: Promise<CursorCodec> | null = null;
  return {
    config,
    db: dbHandle.db,
    dbHandle,
    dbRead: slottedDb(replica?.pool ?? dbHandle.pool, slots.read),
    dbBatch: slottedDb(dbHandle.pool, slots.batch),
    slots,
    readStream: replica?.streamSource ?? dbHandle.pool,
    replica,
    redis,
    queues,
    cursors() {
      // loaded once; a failure (database down) is not remembered, the next call tries again
      codec ??= loadCursorCodec(config, dbHandle.db).catch((err) => {
        codec = null;
        throw err;
      });
      return codec;
    },
    async close() {
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
      redis.disconnect();
      await replica?.close();
      await dbHandle.close();
    },
  };
}
