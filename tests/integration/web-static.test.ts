import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '@biomon/runtime';
import { webRoutes } from '@biomon/api';

// The dashboard's static routes (GET / and GET /assets/*) on their own: a built dist and a missing one.

const apps: FastifyInstance[] = [];
async function serve(distDir: string): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(webRoutes, { ctx: {} as AppContext, distDir });
  apps.push(app);
  return app;
}
afterAll(async () => {
  for (const a of apps) await a.close();
});

describe('dashboard static routes', () => {
  it('serves index.html at / (never cached) and hashed assets for a year; nothing else under /assets', async () => {
    const dist = mkdtempSync(path.join(tmpdir(), 'biomon-web-dist-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>看板</title><script type="module" src="/assets/index-abc123.js"></script>');
    writeFileSync(path.join(dist, 'assets/index-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(dist, 'secret.txt'), 'not an asset');
    const app = await serve(dist);

    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(root.headers['cache-control']).toBe('no-cache');
    expect(root.body).toContain('/assets/index-abc123.js');

    const js = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/assets/../secret.txt' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/assets/%2e%2e/secret.txt' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/assets/index-abc123.js' })).statusCode).toBe(404);
  });

  it('answers a short bilingual page (not a 500) when the dashboard has not been built', async () => {
    const app = await serve(path.join(tmpdir(), `biomon-no-dist-${process.pid}`));
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('npm run build:web');
    expect(res.body).toContain('评估看板尚未构建');
    expect(res.body).toContain('The dashboard is not built yet');
    expect((await app.inject({ method: 'GET', url: '/assets/index.js' })).statusCode).toBe(404);
  });
});
