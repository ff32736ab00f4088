import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@biomon/config';

describe('config', () => {
  it('defaults to the local stack ports', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBe('postgres://postgres@127.0.0.1:55432/biomon');
    expect(c.redisUrl).toBe('redis://127.0.0.1:56379');
    expect(c.port).toBe(3000);
    expect(c.seed).toBe('demo');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('follows BIOMON_PG_PORT, BIOMON_REDIS_PORT and PORT', () => {
    const c = loadConfig({ BIOMON_PG_PORT: '55500', BIOMON_REDIS_PORT: '56500', PORT: '3100' });
    expect(c.databaseUrl).toContain(':55500/');
    expect(c.redisUrl).toBe('redis://127.0.0.1:56500');
    expect(c.port).toBe(3100);
  });

  it('stops with every problem named', () => {
    try {
      loadConfig({ PORT: 'eighty', BIOMON_SEED: 'everything', DATABASE_URL: 'mysql://x' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toMatch(/PORT must be an integer/);
      expect(msg).toMatch(/BIOMON_SEED must be none, reference or demo/);
      expect(msg).toMatch(/DATABASE_URL must use postgres/);
    }
  });

  it('reads the standby, its lag limit and the trusted proxies (issue 17), validated', () => {
    const none = loadConfig({});
    expect(none.databaseReadUrl).toBeNull();
    expect(none.readMaxLagSeconds).toBe(10);
    expect(none.trustProxy).toEqual([]);
    const c = loadConfig({
      DATABASE_READ_URL: 'postgres://postgres@127.0.0.1:55433/biomon',
      BIOMON_READ_MAX_LAG_S: '30',
      BIOMON_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1',
    });
    expect(c.databaseReadUrl).toBe('postgres://postgres@127.0.0.1:55433/biomon');
    expect(c.readMaxLagSeconds).toBe(30);
    expect(c.trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    try {
      loadConfig({ DATABASE_READ_URL: 'redis://x', BIOMON_READ_MAX_LAG_S: '-1', BIOMON_TRUST_PROXY: '0.0.0.0/0,proxy.local' });
      expect.unreachable();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toMatch(/DATABASE_READ_URL must use postgres/);
      expect(msg).toMatch(/BIOMON_READ_MAX_LAG_S must be an integer/);
      expect(msg).toMatch(/BIOMON_TRUST_PROXY: "0.0.0.0\/0" would trust every client/);
      expect(msg).toMatch(/BIOMON_TRUST_PROXY: "proxy.local" is neither/);
    }
  });
});
