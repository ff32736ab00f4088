import { pingDatabase, type ReplicaStatus } from '@biomon/db';
import { heartbeatKey } from '@biomon/queue';
import type { AppContext } from '@biomon/runtime';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  db: 'up' | 'down';
  redis: 'up' | 'down';
  worker: 'up' | 'down';
  /** the hot standby of DATABASE_READ_URL (absent without one): reads go to it only while up */
  replica?: { status: ReplicaStatus; lagSeconds: number | null };
  apps: string[];
  checkedAt: string;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error('timeout')), ms).unref())]);
}

/**
 * db and redis are dependencies (down → 503); the worker and the read standby are reported but
 * their absence only degrades (reads and writes still work, jobs wait in the outbox and queues,
 * reads go to the primary).
 */
export async function checkHealth(ctx: AppContext, apps: string[]): Promise<HealthReport> {
  const [db, redis, worker] = await Promise.all([
    withTimeout(pingDatabase(ctx.db), 2000).then(
      () => 'up' as const,
      () => 'down' as const,
    ),
    withTimeout(ctx.redis.ping(), 2000).then(
      () => 'up' as const,
      () => 'down' as const,
    ),
    withTimeout(ctx.redis.exists(heartbeatKey(ctx.config.queuePrefix)), 2000).then(
      (n) => (n ? ('up' as const) : ('down' as const)),
      () => 'down' as const,
    ),
  ]);
  const replica = ctx.replica ? await ctx.replica.state(true).then(({ status, lagSeconds }) => ({ status, lagSeconds })) : undefined;
  const status = db === 'down' || redis === 'down' ? 'down' : worker === 'down' || (replica && replica.status !== 'up') ? 'degraded' : 'ok';
  return { status, db, redis, worker, ...(replica ? { replica } : {}), apps, checkedAt: new Date().toISOString() };
}
