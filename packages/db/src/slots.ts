import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import { AppError } from '@biomon/core';
import type { Db } from './db';
import type { Database } from './schema';

/**
 * Admission control (issue 17): at most `slots` connections of a work class in use at once in this
 * process; the others wait their turn in order, in this process, not inside PostgreSQL.
 *
 * Why: on a small machine, twenty batch transactions or public reads running at once do not finish
 * sooner than four; they share the same cores, wait on the same buffer and index-page locks, and
 * every one of them is slow. Measured on 2 cores (BENCHMARKS.md): occurrence batches from 8 clients
 * store about 15–40 % more records/s with 3 transactions at once than with 20, and public bbox pages
 * from 20 clients kept a p99 of 233 ms with 4 at once against 303 ms with 20.
 *
 * A class's connections come from the process's pool (`source`); a slot is taken before a connection
 * and given back with it, so a transaction holds one slot from BEGIN to COMMIT. A caller that waits
 * longer than `waitMs` gets SERVICE_UNAVAILABLE (503, Retry-After) rather than hanging: the platform
 * is saturated, and the client should come back (field apps and stations retry on 503).
 */
export interface Slots {
  readonly name: string;
  readonly size: number;
  /** connections of this class in use now */
  inUse(): number;
  /** callers waiting for a slot now */
  waiting(): number;
  /** takes a slot (waiting at most waitMs); the returned function gives it back (once) */
  acquire(): Promise<() => void>;
}

export function createSlots(name: string, size: number, waitMs: number): Slots {
  if (!Number.isInteger(size) || size < 1) throw new Error(`slots ${name}: size must be a positive integer`);
  let used = 0;
  const queue: { grant: () => void; timer: NodeJS.Timeout }[] = [];
  const release = () => {
    const next = queue.shift();
    if (next) {
      clearTimeout(next.timer);
      next.grant(); // the slot passes to the next waiter: `used` is unchanged
    } else used--;
  };
  const once = () => {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
    };
  };
  return {
    name,
    size,
    inUse: () => used,
    waiting: () => queue.length,
    acquire() {
      if (used < size) {
        used++;
        return Promise.resolve(once());
      }
      return new Promise((resolve, reject) => {
        const entry = {
          grant: () => resolve(once()),
          timer: setTimeout(() => {
            const i = queue.indexOf(entry);
            if (i >= 0) queue.splice(i, 1);
            reject(
              new AppError('SERVICE_UNAVAILABLE', `The platform is busy (${name}); retry shortly`, { slots: name, waitedMs: waitMs }, { 'retry-after': '2' }),
            );
          }, waitMs),
        };
        entry.timer.unref();
        queue.push(entry);
      });
    },
  };
}

/** A pool whose connections each hold a slot of `slots` while checked out. */
export function slottedPool(source: PostgresPool, slots: Slots): PostgresPool {
  return {
    async connect() {
      const giveBack = await slots.acquire();
      let client: PostgresPoolClient;
      try {
        client = await source.connect();
      } catch (err) {
        giveBack();
        throw err;
      }
      return {
        query: client.query.bind(client) as PostgresPoolClient['query'],
        release(destroy?: unknown) {
          giveBack();
          (client.release as (d?: unknown) => void)(destroy);
        },
      };
    },
    // the source pool belongs to its own handle
    async end() {},
  };
}

/** A kysely handle over `source` (a pool or a read routing) whose connections are limited by `slots`. */
export function slottedDb(source: PostgresPool, slots: Slots): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: slottedPool(source, slots) }) });
}
