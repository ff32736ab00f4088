import { sql, type Kysely } from 'kysely';

// Frozen. Station ingest without a per-row foreign-key check (issue 17).
//
// observations.datastream_pk referenced datastreams(id) with a foreign key, which PostgreSQL checks
// with one lookup and one row lock on datastreams per inserted row: a 50,000-row push spent a third
// of its INSERT there (measured: 320–355 ms with the key against 195–240 ms with the check below,
// alternating runs). The same rule now holds set-wise, once per statement:
//
// - an AFTER INSERT / AFTER UPDATE statement trigger reads the statement's new rows (a transition
//   table) and refuses the statement (SQLSTATE 23503, foreign_key_violation, as the key did) when one
//   names a datastream that does not exist — one anti-join over the distinct datastreams of the
//   statement;
// - deleting datastreams deletes their observations (ON DELETE CASCADE, as before), in an AFTER DELETE
//   statement trigger that first takes the writers' lock of each deleted datastream
//   (stations/observation.repository.ts lockDatastreams: pg_advisory_xact_lock of
//   hashtextextended('biomon:datastream:' || id, 0)). A push holds that lock from before its INSERT
//   to its commit, so the delete waits for it and then removes what it wrote; a push that waits
//   behind the delete finds the datastream gone and is refused;
// - a datastream's id never changes (it never did; now it is refused).
//
// observation_history keeps its foreign key (written only when a stored value changes).
// On a partitioned observations table (the conversion in 0005's header) the statement triggers are
// created on the parent, where transition tables are allowed.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE observations DROP CONSTRAINT observations_datastream_pk_fkey`.execute(db);
  await sql`
    CREATE FUNCTION biomon_observations_datastream_check() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE missing bigint;
    BEGIN
      SELECT n.datastream_pk INTO missing
      FROM (SELECT DISTINCT datastream_pk FROM new_rows) n
      WHERE NOT EXISTS (SELECT 1 FROM datastreams d WHERE d.id = n.datastream_pk)
      LIMIT 1;
      IF missing IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
          MESSAGE = format('insert or update on table "observations" violates the datastream check: datastream %s does not exist', missing),
          TABLE = 'observations', COLUMN = 'datastream_pk';
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER observations_datastream_check_ins AFTER INSERT ON observations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION biomon_observations_datastream_check()`.execute(db);
  await sql`CREATE TRIGGER observations_datastream_check_upd AFTER UPDATE ON observations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION biomon_observations_datastream_check()`.execute(db);

  await sql`
    CREATE FUNCTION biomon_datastreams_delete_observations() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(h)
      FROM (SELECT DISTINCT hashtextextended('biomon:datastream:' || id, 0) AS h FROM old_rows ORDER BY h) s;
      DELETE FROM observations o USING old_rows d WHERE o.datastream_pk = d.id;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER datastreams_delete_observations AFTER DELETE ON datastreams
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION biomon_datastreams_delete_observations()`.execute(db);

  await sql`
    CREATE FUNCTION biomon_datastreams_keep_id() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = 'a datastream''s id does not change';
    END $$`.execute(db);
  await sql`CREATE TRIGGER datastreams_keep_id BEFORE UPDATE OF id ON datastreams
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION biomon_datastreams_keep_id()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER datastreams_keep_id ON datastreams`.execute(db);
  await sql`DROP FUNCTION biomon_datastreams_keep_id()`.execute(db);
  await sql`DROP TRIGGER datastreams_delete_observations ON datastreams`.execute(db);
  await sql`DROP FUNCTION biomon_datastreams_delete_observations()`.execute(db);
  await sql`DROP TRIGGER observations_datastream_check_upd ON observations`.execute(db);
  await sql`DROP TRIGGER observations_datastream_check_ins ON observations`.execute(db);
  await sql`DROP FUNCTION biomon_observations_datastream_check()`.execute(db);
  await sql`ALTER TABLE observations ADD CONSTRAINT observations_datastream_pk_fkey
    FOREIGN KEY (datastream_pk) REFERENCES datastreams(id) ON DELETE CASCADE`.execute(db);
}
