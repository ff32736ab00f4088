import pg from 'pg';
import { loadConfig } from '@biomon/config';
import { createDb, migrateToLatest } from '@biomon/db';

export const TEMPLATE_DB = 'biomon_test_template';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Migrates once into a template database; each test file clones it (CREATE DATABASE … TEMPLATE),
 * so files run in parallel against real PostGIS without seeing each other's rows.
 */
export default async function setup(): Promise<void> {
  const config = loadConfig();
  const admin = new pg.Client({ connectionString: withDatabase(config.databaseUrl, 'postgres') });
  await admin.connect();
  try {
    // Leftovers of interrupted runs.
    const stale = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'biomon_t_%'`);
    for (const r of stale.rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const handle = createDb(withDatabase(config.databaseUrl, TEMPLATE_DB), { max: 1 });
  try {
    await migrateToLatest(handle.db);
  } finally {
    await handle.close();
  }
}
