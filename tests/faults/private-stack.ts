import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, chmodSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb, migrateToLatest } from '@biomon/db';
import { REPO_ROOT } from '../support/cli';

// Fault drills stop and kill servers, so each starts its own PostgreSQL, Redis and biomon
// processes on free ports: the rest of the suite never notices.

const PG_BIN = '/usr/lib/postgresql/15/bin';
const isRoot = process.getuid?.() === 0;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function asPostgres(cmd: string, args: string[]): string {
  const full = isRoot ? (['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const) : ([cmd, args] as const);
  return execFileSync(full[0], [...full[1]], { cwd: '/', encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface PrivatePostgres {
  url: string;
  port: number;
  start(): void;
  /** pg_ctl stop with the given mode: smart, fast or immediate (a crash: no shutdown checkpoint). */
  stop(mode?: 'fast' | 'immediate'): void;
  destroy(): void;
}

export async function startPostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), 'biomon-drill-pg-'));
  chmodSync(dir, 0o755);
  if (isRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  asPostgres(`${PG_BIN}/initdb`, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  const port = await freePort();
  const opts = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=on -c synchronous_commit=on -c max_connections=100`;
  const pgStart = () => asPostgres(`${PG_BIN}/pg_ctl`, ['-D', data, '-l', path.join(data, 'log'), '-w', '-t', '60', '-o', opts, 'start']);
  pgStart();
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE biomon');
  await admin.end();
  const url = `postgres://postgres@127.0.0.1:${port}/biomon`;
  const h = createDb(url, { max: 1 });
  await migrateToLatest(h.db);
  await h.close();
  const stop = (mode: 'fast' | 'immediate' = 'fast') => {
    try {
      asPostgres(`${PG_BIN}/pg_ctl`, ['-D', data, '-m', mode, '-w', 'stop']);
    } catch {
      /* already down */
    }
  };
  return {
    url,
    port,
    start: pgStart,
    stop,
    destroy() {
      stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), 'biomon-drill-redis-'));
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--save', ''],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'ignore' });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error('redis did not start');
  };
  const stop = async () => {
    if (!proc) return;
    const p = proc;
    proc = null;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface BiomonProcess {
  proc: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
  signal(s: NodeJS.Signals): void;
}

/** Runs `biomon serve` (ingest + api) or `biomon worker` as a real child process. */
export async function startBiomon(what: 'serve' | 'worker', env: Record<string, string>, opts: { startTimeoutMs?: number } = {}): Promise<BiomonProcess> {
  const port = what === 'serve' ? await freePort() : 0;
  const proc = spawn(path.join(REPO_ROOT, 'node_modules/.bin/biomon'), [what], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...(port ? { PORT: String(port) } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  if (what === 'serve') {
    const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000); // tsx compiles at start: slow on a busy machine
    for (let i = 0; ; i++) {
      try {
        const res = await fetch(`${url}/health`);
        if (res.status < 600) break;
      } catch {
        /* not yet */
      }
      if ((i > 300 && Date.now() > deadline) || proc.exitCode !== null) throw new Error(`biomon serve did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { proc, port, url, output: () => out, exited, signal: (s) => proc.kill(s) };
}

export function haveServers(): void {
  for (const bin of [`${PG_BIN}/initdb`, `${PG_BIN}/pg_ctl`])
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm test (it installs postgresql-15-postgis-3)`);
}

/**
 * A hot standby of a private PostgreSQL: `pg_basebackup -R` (streaming replication, a replication
 * slot so it catches up after a stop), started on a port of its own. `stop()` and `start()` stop
 * and restart it; `destroy()` removes it (the slot stays with the primary, destroyed with it).
 */
export async function startStandby(primary: PrivatePostgres): Promise<PrivatePostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), 'biomon-drill-standby-'));
  chmodSync(dir, 0o755);
  if (isRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  asPostgres(`${PG_BIN}/pg_basebackup`, [
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
    '-D',
    data,
    '-R',
    '-X',
    'stream',
    '-C',
    '-S',
    `standby_${process.pid}_${primary.port}`,
    '-c',
    'fast',
    '--no-sync',
  ]);
  const port = await freePort();
  const opts = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c hot_standby=on -c max_connections=100`;
  const pgStart = () => asPostgres(`${PG_BIN}/pg_ctl`, ['-D', data, '-l', path.join(dir, 'standby.log'), '-w', '-t', '120', '-o', opts, 'start']);
  pgStart();
  const stop = (mode: 'fast' | 'immediate' = 'fast') => {
    try {
      asPostgres(`${PG_BIN}/pg_ctl`, ['-D', data, '-m', mode, '-w', 'stop']);
    } catch {
      /* already down */
    }
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/biomon`,
    port,
    start: pgStart,
    stop,
    destroy() {
      stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs infra/proxy.mjs (one origin in front of api processes) as a child process. */
export async function startProxy(backends: string[]): Promise<BiomonProcess> {
  const port = await freePort();
  const proc = spawn(process.execPath, [path.join(REPO_ROOT, 'infra/proxy.mjs'), '--port', String(port), '--to', backends.join(',')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await fetch(`${url}/health`);
      break;
    } catch {
      /* not yet */
    }
    if (i > 200 || proc.exitCode !== null) throw new Error(`the proxy did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc, port, url, output: () => out, exited, signal: (s) => proc.kill(s) };
}
