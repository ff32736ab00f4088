import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import pg from 'pg';
import { REPO_ROOT } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/test-db';

// `npm start` end to end, on a private database: the real script, the real servers, Ctrl-C.

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

interface Started { child: ChildProcess; out: () => string; err: () => string; exited: Promise<number | null> }

function start(env: Record<string, string>): Started {
  const child = spawn('bash', ['infra/start.sh'], { cwd: REPO_ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exited };
}

async function waitFor(cond: () => boolean, ms: number, what: string, s: Started): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\nstdout:\n${s.out()}\nstderr:\n${s.err()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database.drop());

describe('npm start', () => {
  it('brings the platform up with demo data and tokens, stops cleanly on Ctrl-C, and reuses the data on a second start', async () => {
    const port = await freePort();
    const env = { PORT: String(port), DATABASE_URL: database.url, BIOMON_QUEUE_PREFIX: `e2e${port}`, LOG_LEVEL: 'warn' };
    const first = start(env);
    await waitFor(() => first.out().includes('Ctrl-C stops everything'), 90_000, 'the start banner', first);
    const tokens = Object.fromEntries([...first.out().matchAll(/^\s{4}(\w+)\s+(bm_\w+_[A-Za-z0-9_-]+)$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(tokens).sort()).toEqual(['admin', 'department', 'evaluator', 'station', 'surveyor']);

    const base = `http://127.0.0.1:${port}`;
    let health: { status: string; worker: string } = { status: '', worker: '' };
    for (let i = 0; i < 50; i++) {
      health = (await (await fetch(`${base}/health`)).json()) as typeof health;
      if (health.worker === 'up') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(health).toMatchObject({ status: 'ok', worker: 'up' });
    const taxa = (await (await fetch(`${base}/v1/taxa?name=${encodeURIComponent('Panthera tigris')}`, { headers: { authorization: `Bearer ${tokens.evaluator}` } })).json()) as { taxa: unknown[] };
    expect(taxa.taxa[0]).toMatchObject({ scientificName: 'Panthera tigris', protectionClass: 'I', sensitive: true });
    const docs = await fetch(`${base}/openapi.json`);
    expect(docs.status).toBe(200);
    // the dashboard (apps/web, built by start.sh when stale) at /
    const dashboard = await fetch(`${base}/`);
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toMatch(/src="\/assets\/index-[^"]+\.js"/);

    process.kill(-first.child.pid!, 'SIGINT');
    expect(await first.exited).toBe(0);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
    expect(first.err()).toContain('[start] stopped');

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const countsOf = async () => (await client.query(`SELECT (SELECT count(*) FROM seed_runs) s, (SELECT count(*) FROM ledger_tasks) t, (SELECT count(*) FROM layer_datasets) d, (SELECT count(*) FROM taxa) x`)).rows[0];
    const before = await countsOf();

    const second = start(env);
    await waitFor(() => second.out().includes('Ctrl-C stops everything'), 90_000, 'the second start banner', second);
    expect(second.err()).toMatch(/seed reference:ledger: skipped/);
    expect(second.err()).not.toMatch(/: applied/);
    process.kill(-second.child.pid!, 'SIGINT');
    expect(await second.exited).toBe(0);
    expect(await countsOf()).toEqual(before);
    await client.end();
  }, 240_000);
});
