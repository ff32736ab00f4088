import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { AppError } from '@biomon/core';

/**
 * Request counting shared by every process (@fastify/rate-limit with its Redis store): fixed
 * one-minute windows per key — a token, a client address without a token, a client address's
 * failed token attempts. Fail-open: when Redis does not answer (down, restarting, slower than
 * 500 ms), the request is not counted and goes on (`skipOnError`), so a Redis outage can never
 * stop ingest. Keys live under `<BIOMON_QUEUE_PREFIX>:rl:`, so stacks sharing one Redis count apart.
 */
export interface RequestLimits {
  /** counts one request of the token; 429 RATE_LIMITED past perToken in the window */
  token(request: FastifyRequest): Promise<void>;
  /** counts one request of the address (no token, or a failed one); 429 past perAddress */
  address(request: FastifyRequest): Promise<void>;
  /** counts one failed token attempt of the address; 429 past perAddress */
  failure(request: FastifyRequest): Promise<void>;
  /** 429 when the address has already failed perAddress times in the window; counts nothing */
  assertFailuresUnder(request: FastifyRequest): Promise<void>;
}

export interface RateLimitSettings {
  redisUrl: string;
  /** key namespace (the queue prefix) */
  prefix: string;
  perToken: number;
  perAddress: number;
}

const WINDOW_MS = 60_000;

function limited(limit: number, ttlMs: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(ttlMs / 1000));
  return new AppError(
    'RATE_LIMITED',
    `more than ${limit} requests a minute; retry after ${retryAfter} s`,
    { limit, windowSeconds: WINDOW_MS / 1000 },
    { 'retry-after': String(retryAfter) },
  );
}

/**
 * Registers @fastify/rate-limit (no route hooks of its own: the auth hook decides which key a
 * request counts against) on a Redis connection of its own that never queues a command while
 * disconnected, and returns the counters.
 */
export async function registerRateLimits(app: FastifyInstance, s: RateLimitSettings): Promise<RequestLimits> {
  const redis = new Redis(s.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    commandTimeout: 500,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  redis.on('error', () => {}); // fail-open; reconnects by itself
  // Wait (briefly) for the connection so the first requests are counted; a Redis that is down now
  // is connected to in the background.
  await Promise.race([redis.connect().catch(() => {}), new Promise((r) => setTimeout(r, 2_000).unref())]);
  app.addHook('onClose', async () => {
    redis.disconnect();
  });
  await app.register(rateLimit, { global: false, redis, nameSpace: `${s.prefix}:rl:`, skipOnError: true, timeWindow: WINDOW_MS });
  const tokenLimit = app.createRateLimit({ max: s.perToken, timeWindow: WINDOW_MS, keyGenerator: (req) => `t:${req.principal?.tokenId}` });
  const addressLimit = app.createRateLimit({ max: s.perAddress, timeWindow: WINDOW_MS, keyGenerator: (req) => `a:${req.ip}` });
  const failureLimit = app.createRateLimit({ max: s.perAddress, timeWindow: WINDOW_MS, keyGenerator: (req) => `f:${req.ip}` });
  const count = async (check: typeof tokenLimit, request: FastifyRequest) => {
    const r = await check(request);
    if (!r.isAllowed && r.isExceeded) throw limited(r.max, r.ttl);
  };
  return {
    token: (request) => count(tokenLimit, request),
    address: (request) => count(addressLimit, request),
    failure: (request) => count(failureLimit, request),
    async assertFailuresUnder(request) {
      const r = await failureLimit(request, { increment: false });
      // (remaining is max when Redis did not answer: fail-open)
      if (!r.isAllowed && r.remaining === 0) throw limited(r.max, r.ttl);
    },
  };
}
