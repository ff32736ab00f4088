import { sql, type Kysely } from 'kysely';

// Frozen. Public reads at index speed (issue 17).
//
// - occurrences.public_xy: the stored public position (public_geom: the cell centre of a generalised
//   row, the point of the others) as a native `point`, generated from public_geom, so it is written in
//   the same INSERT/UPDATE as the row and follows every recomputation of the stored sensitivity. Its
//   GiST index carries the row id and whether the row is generalised (INCLUDE), and GiST on `point` can
//   return its keys, so a public bbox page (`public_xy <@ box ORDER BY id LIMIT n`) is one index-only
//   scan plus a top-n sort of ids (only the rows of the page are read from the heap), and the public
//   positions of a tile's clusters are read from the index alone. (PostGIS' GiST on geometry cannot
//   return its keys, so a bbox on public_geom reads every matching row from the heap.)
// - read_cache_versions: a counter per source that in-process read caches key on; taxa bumps it on
//   every statement that changes it (the sensitive names withheld from indicator details depend on the
//   taxa flags).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE occurrences
    ADD COLUMN public_xy point GENERATED ALWAYS AS (point(ST_X(public_geom), ST_Y(public_geom))) STORED`.execute(db);
  await sql`CREATE INDEX occurrences_public_xy_idx ON occurrences USING gist (public_xy) INCLUDE (id, generalised)`.execute(db);

  await sql`CREATE TABLE read_cache_versions (name text PRIMARY KEY, version bigint NOT NULL)`.execute(db);
  await sql`INSERT INTO read_cache_versions (name, version) VALUES ('taxa', 1)`.execute(db);
  await sql`
    CREATE FUNCTION biomon_bump_read_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO read_cache_versions AS v (name, version) VALUES (TG_ARGV[0], 1)
      ON CONFLICT (name) DO UPDATE SET version = v.version + 1;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER taxa_read_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON taxa
    FOR EACH STATEMENT EXECUTE FUNCTION biomon_bump_read_version('taxa')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS taxa_read_version ON taxa`.execute(db);
  await sql`DROP FUNCTION IF EXISTS biomon_bump_read_version()`.execute(db);
  await sql`DROP TABLE IF EXISTS read_cache_versions`.execute(db);
  await sql`DROP INDEX IF EXISTS occurrences_public_xy_idx`.execute(db);
  await sql`ALTER TABLE occurrences DROP COLUMN IF EXISTS public_xy`.execute(db);
}
