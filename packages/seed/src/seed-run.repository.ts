import type { Tx } from '@biomon/db';
import { sql } from '@biomon/db';

/** The SQL of `seed_runs`, the record of the seed steps applied (seed.ts decides which run). */

/** Serialises seeders: two processes seeding at once take turns, step by step (transaction-level advisory lock). */
export async function lockSeeding(tx: Tx): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('biomon-seed'))`.execute(tx);
}

/** Whether the step `name` was applied. */
export async function seedRunRecorded(tx: Tx, name: string): Promise<boolean> {
  const done = await tx.selectFrom('seed_runs').select('name').where('name', '=', name).executeTakeFirst();
  return done !== undefined;
}

/** Records a step as applied, with its version and summary, in the step's transaction. */
export async function recordSeedRun(tx: Tx, run: { name: string; version: string; summary: unknown }): Promise<void> {
  await tx
    .insertInto('seed_runs')
    .values({ name: run.name, version: run.version, summary: JSON.stringify(run.summary ?? {}) })
    .execute();
}
