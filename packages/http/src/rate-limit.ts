import { AppError } from '@biomon/core';

/**
 * Fixed-window request counting per key (a token id, or the client address for callers without a
 * token), in process memory — so that a Redis outage cannot stop ingest. Each process counts its
 * own requests; behind a load balancer the effective limit is per process.
 */
export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  private lastSweep = Date.now();
  constructor(private readonly windowMs = 60_000) {}

  /** Throws RATE_LIMITED (429, Retry-After) when the key is over its limit in the current window. */
  hit(key: string, limit: number, now = Date.now()): void {
    if (now - this.lastSweep > this.windowMs) this.sweep(now);
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count > limit) throw this.limited(w, limit, now);
  }

  /** Throws RATE_LIMITED when the key has already used its limit in the current window; counts nothing. */
  assertUnder(key: string, limit: number, now = Date.now()): void {
    const w = this.windows.get(key);
    if (w && now - w.start < this.windowMs && w.count >= limit) throw this.limited(w, limit, now);
  }

  private limited(w: { start: number }, limit: number, now: number): AppError {
    const retryAfter = Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
    return new AppError('RATE_LIMITED', `more than ${limit} requests a minute; retry after ${retryAfter} s`, { limit, windowSeconds: this.windowMs / 1000 }, { 'retry-after': String(retryAfter) });
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
    this.lastSweep = now;
  }
}
