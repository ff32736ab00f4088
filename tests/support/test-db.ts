import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '@biomon/config';
import { createContext, type AppContext } from '@biomon/runtime';

export function databaseUrlFor(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database cloned from the migrated template: real PostGIS, private to the caller. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = loadConfig().databaseUrl;
  // names from global-setup.ts: this run's template, and databases prefixed with this run's pid
  const template = process.env.BIOMON_TEST_TEMPLATE;
  const run = process.env.BIOMON_TEST_RUN;
  if (!template || !run) throw new Error('tests/support/global-setup.ts did not run');
  const name = `biomon_t_${run}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrlFor(base, 'postgres') });
  await admin.connect();
  try {
    // The template may be briefly busy while another file clones it: retry.
    for (let i = 0; ; i++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        break;
      } catch (err) {
        if (i > 50 || !/being accessed by other users/.test(String((err as Error).message))) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = databaseUrlFor(base, name);
  return {
    name,
    url,
    async drop() {
      const c = new pg.Client({ connectionString: databaseUrlFor(base, 'postgres') });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface TestContext {
  ctx: AppContext;
  config: Config;
  database: TestDatabase;
  close(): Promise<void>;
}

/** An AppContext on a private database and private queue names (unique bullmq prefix). */
export async function createTestContext(overrides: Partial<Config> = {}): Promise<TestContext> {
  const database = await createTestDatabase();
  const config = loadConfig(process.env, {
    databaseUrl: database.url,
    queuePrefix: `t${randomBytes(4).toString('hex')}`,
    dbPoolMax: 8,
    ...overrides,
  });
  const ctx = createContext(config, { applicationName: 'biomon-test' });
  return {
    ctx,
    config,
    database,
    async close() {
      await ctx.close();
      await database.drop();
    },
  };
}
