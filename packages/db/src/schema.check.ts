// Type-level test (checked by `tsc -b`, so by `npm test`): the hand-written row types of schema.ts,
// which kysely checks queries against, agree with the types generated from the migrated database
// (generated/db-types.ts, `npm run db:types`). schema.ts keeps its narrower types (JSON shapes,
// intervals, string arrays with their insert forms); what it says about the schema must be true:
//   - every table it declares exists, and every column it declares exists in that table;
//   - every column of those tables is declared (a migration's new column is added to schema.ts);
//   - a column the database may hold NULL in is nullable when read;
//   - a column it lets an insert omit has a default (or is nullable) in the database.
// A failure names the columns: `Type '"stations.foo"' does not satisfy the constraint 'never'`.
import type { InsertType, SelectType } from 'kysely';
import type { DB } from './generated/db-types';
import type { Database } from './schema';

type Never<T extends never> = T;
type Shared<S> = keyof S & keyof DB;

export type TablesNotInDatabase<S> = Exclude<keyof S, keyof DB>;
export type ColumnsNotInDatabase<S> = { [T in Shared<S>]: `${T}.${Exclude<keyof S[T], keyof DB[T]> & string}` }[Shared<S>];
export type ColumnsNotDeclared<S> = { [T in Shared<S>]: `${T}.${Exclude<keyof DB[T], keyof S[T]> & string}` }[Shared<S>];
export type NullableNotDeclared<S> = {
  [T in Shared<S>]: {
    [C in keyof S[T] & keyof DB[T]]: null extends SelectType<DB[T][C]> ? (null extends SelectType<S[T][C]> ? never : `${T}.${C & string}`) : never;
  }[keyof S[T] & keyof DB[T]];
}[Shared<S>];
export type OptionalWithoutDefault<S> = {
  [T in Shared<S>]: {
    [C in keyof S[T] & keyof DB[T]]: undefined extends InsertType<S[T][C]>
      ? undefined extends InsertType<DB[T][C]>
        ? never
        : null extends InsertType<DB[T][C]>
          ? never
          : `${T}.${C & string}`
      : never;
  }[keyof S[T] & keyof DB[T]];
}[Shared<S>];

/**
 * Known looseness, to shrink and never to grow: schema.ts's `Json<T>` lets an insert omit any JSON
 * column, and these are NOT NULL without a default (an insert omitting one fails in PostgreSQL, 23502).
 */
type KnownJsonWithoutDefault =
  | 'alert_events.snapshot'
  | 'datastreams.unit'
  | 'import_errors.errors'
  | 'import_mappings.columns'
  | 'indicator_runs.datasets'
  | 'indicator_runs.params'
  | 'occurrence_history.changes'
  | 'occurrences.data'
  | 'outbox.payload'
  | 'reports.snapshot'
  | 'survey_events.data'
  | 'webhook_dead_letters.payload';

export type SchemaAgreesWithDatabase = [
  Never<TablesNotInDatabase<Database>>,
  Never<ColumnsNotInDatabase<Database>>,
  Never<ColumnsNotDeclared<Database>>,
  Never<NullableNotDeclared<Database>>,
  Never<Exclude<OptionalWithoutDefault<Database>, KnownJsonWithoutDefault>>,
];

// The checks can fail: each broken variant below is refused (tsc fails if one were accepted).
type Stations = Database['stations'];
interface WithUnknownTable extends Database {
  no_such_table: { id: number };
}
interface WithUnknownColumn extends Omit<Database, 'stations'> {
  stations: Stations & { no_such_column: string };
}
interface WithMissingColumn extends Omit<Database, 'stations'> {
  stations: Omit<Stations, 'description'>;
}
interface WithNullableAsNotNull extends Omit<Database, 'stations'> {
  stations: Omit<Stations, 'description'> & { description: string };
}
interface WithOptionalWithoutDefault extends Omit<Database, 'stations'> {
  stations: Omit<Stations, 'name'> & { name: string | undefined };
}
export type ChecksCanFail = [
  // @ts-expect-error a table the database lacks
  Never<TablesNotInDatabase<WithUnknownTable>>,
  // @ts-expect-error a column the database lacks
  Never<ColumnsNotInDatabase<WithUnknownColumn>>,
  // @ts-expect-error a column of the database left out
  Never<ColumnsNotDeclared<WithMissingColumn>>,
  // @ts-expect-error a nullable column typed as never null
  Never<NullableNotDeclared<WithNullableAsNotNull>>,
  // @ts-expect-error a NOT NULL column without a default that inserts may omit
  Never<OptionalWithoutDefault<WithOptionalWithoutDefault>>,
];
