import { chmodSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '@biomon/config';
import { createDb, migrateToLatest } from '@biomon/db';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Migrates once into a template database; each test file clones it (CREATE DATABASE … TEMPLATE),
 * so files run in parallel against real PostGIS without seeing each other's rows. Names carry this
 * run's pid, so two runs on one cluster never touch each other's databases; databases left by runs
 * whose process is gone are dropped.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const config = loadConfig();
  const run = String(process.pid);
  const template = `biomon_tpl_${run}`;
  process.env.BIOMON_TEST_TEMPLATE = template;
  process.env.BIOMON_TEST_RUN = run;
  // Every temporary folder a test makes (os.tmpdir(): file stores, scratch files, drill clusters)
  // goes into one folder of this run, removed at the end; folders of runs whose process is gone go too.
  const systemTmp = tmpdir();
  for (const name of readdirSync(systemTmp)) {
    const m = /^biomon-test-run-(\d+)$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) rmSync(path.join(systemTmp, name), { recursive: true, force: true });
  }
  const runTmp = path.join(systemTmp, `biomon-test-run-${run}`);
  mkdirSync(runTmp, { recursive: true });
  // the postgres user of the drills' private clusters must be able to pass through it
  chmodSync(runTmp, 0o755);
  process.env.TMPDIR = runTmp;
  const admin = new pg.Client({ connectionString: withDatabase(config.databaseUrl, 'postgres') });
  await admin.connect();
  try {
    const stale = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname ~ '^biomon_(tpl|t)_[0-9]+'`);
    for (const r of stale.rows) {
      const pid = Number(/^biomon_(?:tpl|t)_(\d+)/.exec(r.datname)![1]);
      if (pid !== process.pid && !alive(pid)) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    }
    await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${template}"`);
  } finally {
    await admin.end();
  }
  const handle = createDb(withDatabase(config.databaseUrl, template), { max: 1 });
  try {
    await migrateToLatest(handle.db);
  } finally {
    await handle.close();
  }
  return async () => {
    rmSync(runTmp, { recursive: true, force: true });
    const c = new pg.Client({ connectionString: withDatabase(config.databaseUrl, 'postgres') });
    await c.connect();
    try {
      const mine = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`, [template, `biomon_t_${run}_%`]);
      for (const r of mine.rows) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
  };
}
