import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import type { Config } from '@biomon/config';
import { createDb, sql } from '@biomon/db';
import { UsageError } from './usage-error';

const run = promisify(execFile);

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/**
 * `biomon backup FILE`: pg_dump (custom format) of the database and a copy of the file store
 * (uploads, evidence, exports), packed into one .tar.gz.
 */
export async function backupCommand(config: Config, args: string[]): Promise<number> {
  const file = args[0];
  if (!file) throw new UsageError('usage: biomon backup FILE.tar.gz');
  const dir = await mkdtemp(path.join(tmpdir(), 'biomon-backup-'));
  try {
    await run('pg_dump', ['--format=custom', '--no-owner', '--file', path.join(dir, 'db.dump'), config.databaseUrl], { maxBuffer: 1 << 26 });
    await mkdir(path.join(dir, 'files'), { recursive: true });
    if (await exists(config.fileStoreDir)) await cp(config.fileStoreDir, path.join(dir, 'files'), { recursive: true });
    await run('tar', ['-czf', path.resolve(file), '-C', dir, 'db.dump', 'files']);
    const size = (await stat(path.resolve(file))).size;
    console.error(`backup written: ${path.resolve(file)} (${(size / 1024 / 1024).toFixed(1)} MB)`);
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `biomon restore FILE [--force]`: restores a backup into the configured database (refusing a
 * database that already holds data unless --force) and its file store.
 */
export async function restoreCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { force: { type: 'boolean' } } });
  const file = positionals[0];
  if (!file) throw new UsageError('usage: biomon restore FILE.tar.gz [--force]');
  if (!(await exists(file))) throw new UsageError(`no such file: ${file}`);
  const h = createDb(config.databaseUrl, { max: 1 });
  try {
    const has = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = 'seed_runs'`.execute(h.db);
    if (has.rows[0].n && !values.force) {
      const data = await sql<{ n: number }>`SELECT (SELECT count(*) FROM seed_runs) + (SELECT count(*) FROM occurrences) AS n`
        .execute(h.db)
        .catch(() => ({ rows: [{ n: 0 }] }));
      if (data.rows[0].n > 0) throw new UsageError('the target database already holds data; restore into an empty database, or pass --force to replace it');
    }
  } finally {
    await h.close();
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'biomon-restore-'));
  try {
    await run('tar', ['-xzf', path.resolve(file), '-C', dir]);
    await run('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--dbname', config.databaseUrl, path.join(dir, 'db.dump')], {
      maxBuffer: 1 << 26,
    });
    await mkdir(config.fileStoreDir, { recursive: true });
    await cp(path.join(dir, 'files'), config.fileStoreDir, { recursive: true });
    console.error(`restored ${path.resolve(file)} into the database and ${config.fileStoreDir}`);
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
