import pg from 'pg';
import { loadConfig } from '@biomon/config';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
  /** Leaves the database in place (for a later look) and closes the admin connection. */
  keep(): Promise<void>;
}

/**
 * A benchmark's own database on the configured cluster (never the development one): created
 * empty, dropped by drop(). The name carries the process id, so concurrent runs do not collide.
 */
export async function createScratchDatabase(label: string): Promise<ScratchDatabase> {
  const base = loadConfig();
  const name = `biomon_bench_${label}_${process.pid}`;
  const adminUrl = new URL(base.databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base.databaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
    async keep() {
      await admin.end();
    },
  };
}
