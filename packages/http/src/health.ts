import { sql } from '@biomon/db';
import { heartbeatKey } from '@biomon/queue';
import type { AppContext } from '@biomon/runtime';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  db: 'up' | 'down';
  redis: 'up' | 'down';
  worker: 'up' | 'down';
  apps: string[];
  checkedAt: string;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error('timeout')), ms).unref())]);
}

/**
 * db and redis are dependencies (down → 503); the worker is reported but its absence only
 * degrades (reads and writes still work, jobs wait in the outbox and queues).
 */
export async function checkHealth(ctx: AppContext, apps: string[]): Promise<HealthReport> {
  const [db, redis, worker] = await Promise.all([
    withTimeout(sql`select 1`.execute(ctx.db), 2000).then(() => 'up' as const, () => 'down' as const),
    withTimeout(ctx.redis.ping(), 2000).then(() => 'up' as const, () => 'down' as const),
    withTimeout(ctx.redis.exists(heartbeatKey(ctx.config.queuePrefix)), 2000).then((n) => (n ? ('up' as const) : ('down' as const)), () => 'down' as const),
  ]);
  const status = db === 'down' || redis === 'down' ? 'down' : worker === 'down' ? 'degraded' : 'ok';
  return { status, db, redis, worker, apps, checkedAt: new Date().toISOString() };
}
