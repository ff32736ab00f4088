// The kysely `Database` type: the row types generated from the migrated database (kysely-codegen,
// `npm run db:types` → generated/db-types.ts; tests/integration/db-types-drift.test.ts fails when a
// migration changed the schema without regenerating them). Nothing here restates a column.
import type { SelectType } from 'kysely';
import type { DB, Interval } from './generated/db-types';

export type Database = DB;
export type * from './generated/db-types';

/** The type a column reads as: `Col<'taxon_names', 'kind'>` is the union its CHECK allows. */
export type Col<T extends keyof DB, C extends keyof DB[T]> = SelectType<DB[T][C]>;

/** An `interval` value as node-pg reads it (postgres-interval). */
export type PgInterval = SelectType<Interval>;
