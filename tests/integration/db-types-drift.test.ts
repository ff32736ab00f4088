import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { DB_TYPES_FILE, dbTypesSource } from '../../packages/db/scripts/db-types';
import { createTestDatabase, type TestDatabase } from '../support/test-db';

// The generated row types (issue 16) are the migrated schema: packages/db/src/generated/db-types.ts
// must be what kysely-codegen makes of a database migrated to latest now (this run's template,
// migrated by global-setup.ts from packages/db/src/migrations). A new migration without
// `npm run db:types` fails here. The kysely `Database` type is this file (packages/db/src/schema.ts).

async function exec(url: string, statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

describe('generated row types (packages/db/src/generated/db-types.ts)', () => {
  let fresh: TestDatabase;
  let changed: TestDatabase;
  let generated: string;
  const checkedIn = readFileSync(DB_TYPES_FILE, 'utf8');

  beforeAll(async () => {
    [fresh, changed] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    generated = await dbTypesSource(fresh.url);
  });
  afterAll(async () => {
    await Promise.all([fresh?.drop(), changed?.drop()]);
  });

  it('the checked-in file is what the migrated database generates (`npm run db:types` regenerates it)', () => {
    expect(generated).toContain('export interface DB {');
    // not toBe(): a 700-line diff says less than the hint
    expect(checkedIn === generated, 'packages/db/src/generated/db-types.ts differs from the migrated schema: run `npm run db:types`').toBe(true);
  });

  it('maps columns to the driver conventions (int8 → number, PostGIS → unknown, JSON with its nullability)', () => {
    expect(generated).toMatch(/export interface Occurrences \{[^}]*\n {2}geom: unknown;/);
    expect(generated).toMatch(/export interface AuditLog \{[^}]*\n {2}id: Generated<number>;/);
    expect(generated).toMatch(/export interface Imports \{[^}]*\n {2}error: NonNullable<unknown> \| null;/);
    expect(generated).not.toMatch(/spatial_ref_sys|kysely_migration/);
  });

  it('types a column restricted by CHECK (col IN (…)) as the union of its values, with its nullability and default', async () => {
    expect(generated).toMatch(/export interface ApiTokens \{[^}]*\n {2}role: "admin" \| "surveyor" \| "station" \| "evaluator" \| "department";/);
    expect(generated).toMatch(/export interface Alerts \{[^}]*\n {2}status: Generated<"open" \| "acknowledged" \| "resolved">;/);
    expect(generated).toMatch(/export interface Taxa \{[^}]*\n {2}protection_class: "I" \| "II" \| null;/);
    expect(generated).toMatch(/export interface GermplasmAccessions \{[^}]*\n {2}mlsstat: 0 \| 1 \| null;/);
    // a new CHECK on a column, with a quote in a value, and a check of another form (left as inferred)
    await exec(changed.url, `ALTER TABLE stations ADD COLUMN drift_state text NOT NULL DEFAULT 'a' CHECK (drift_state IN ('a', 'b''c'))`);
    await exec(changed.url, `ALTER TABLE stations ADD COLUMN drift_len text CHECK (length(drift_len) < 5)`);
    const after = await dbTypesSource(changed.url);
    expect(after).toMatch(/export interface Stations \{[^}]*\n {2}drift_state: Generated<"a" \| "b'c">;/);
    expect(after).toMatch(/export interface Stations \{[^}]*\n {2}drift_len: string \| null;/);
  });

  it('a schema change changes the generated file (the check above can fail)', async () => {
    await exec(changed.url, 'ALTER TABLE stations ADD COLUMN drift_probe int8 NOT NULL DEFAULT 0');
    await exec(changed.url, 'ALTER TABLE taxa ALTER COLUMN chinese_name SET NOT NULL');
    const after = await dbTypesSource(changed.url);
    expect(after).not.toBe(checkedIn);
    expect(after).toMatch(/export interface Stations \{[^}]*\n {2}drift_probe: Generated<number>;/);
    expect(after).toMatch(/export interface Taxa \{[^}]*\n {2}chinese_name: string;/);
    expect(generated).toMatch(/export interface Taxa \{[^}]*\n {2}chinese_name: string \| null;/);
  });
});
