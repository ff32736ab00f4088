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
});
