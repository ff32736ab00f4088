import { sql, type Kysely } from 'kysely';

// Frozen. Field files as teams have them (issue 15): how each source column of an import was mapped
// (shown with its status), the options given with the upload (e.g. the CRS of a GPS track), and the
// header mappings a team saves for its own sheets.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE imports
      ADD COLUMN columns jsonb NOT NULL DEFAULT '[]',
      ADD COLUMN mapping_name text,
      ADD COLUMN mapping jsonb,
      ADD COLUMN options jsonb NOT NULL DEFAULT '{}'`.execute(db);
  // A saved header → term mapping, owned like records are: a team's surveyors, or one station.
  // `owner` is 'team:<team>' or 'station:<id>' (or 'admin'), so that names are unique per owner.
  await sql`
    CREATE TABLE import_mappings (
      id          bigserial PRIMARY KEY,
      owner       text NOT NULL,
      name        text NOT NULL,
      columns     jsonb NOT NULL,
      description text,
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now(),
      version     integer NOT NULL DEFAULT 1,
      UNIQUE (owner, name)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS import_mappings`.execute(db);
  await sql`ALTER TABLE imports DROP COLUMN IF EXISTS columns, DROP COLUMN IF EXISTS mapping_name, DROP COLUMN IF EXISTS mapping, DROP COLUMN IF EXISTS options`.execute(
    db,
  );
}
