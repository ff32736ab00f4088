import { sql, type Kysely } from 'kysely';

// Frozen. Project impact screenings (ledger task 29, issue 19): a footprint, its buffers and the
// dataset versions used, and — once the worker has computed it — the result with exact values (the
// read applies the caller's view, @biomon/sensitive screening-read.ts). A screening is immutable:
// its inputs never change, a completed one never changes at all, none is deleted; a re-run on newer
// data is a new screening naming the one it re-runs (`rerun_of`).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE screenings (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name            text NOT NULL,
      status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
      footprint       geometry(MultiPolygon, 4326) NOT NULL,
      source          jsonb NOT NULL DEFAULT '{}',
      buffers_km      double precision[] NOT NULL,
      species_years   integer NOT NULL CHECK (species_years BETWEEN 1 AND 100),
      as_of           date NOT NULL,
      datasets        jsonb NOT NULL DEFAULT '{}',
      rules_version   text NOT NULL,
      result          jsonb,
      error           text,
      rerun_of        uuid REFERENCES screenings(id),
      token_id        uuid REFERENCES api_tokens(id),
      requester_role  text NOT NULL,
      requester_label text NOT NULL DEFAULT '',
      team            text,
      department_id   integer REFERENCES departments(id),
      created_at      timestamptz NOT NULL DEFAULT now(),
      started_at      timestamptz,
      finished_at     timestamptz
    )`.execute(db);
  await sql`CREATE INDEX screenings_created_idx ON screenings (created_at DESC)`.execute(db);
  await sql`CREATE INDEX screenings_rerun_idx ON screenings (rerun_of) WHERE rerun_of IS NOT NULL`.execute(db);
  // immutability: inputs never change; a completed screening not at all; none is deleted
  await sql`
    CREATE FUNCTION screenings_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'screenings are immutable: screening % cannot be deleted', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF OLD.status = 'completed' THEN
        RAISE EXCEPTION 'screening % is completed and immutable', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.name IS DISTINCT FROM OLD.name OR NOT ST_Equals(NEW.footprint, OLD.footprint) OR NEW.buffers_km IS DISTINCT FROM OLD.buffers_km
         OR NEW.species_years IS DISTINCT FROM OLD.species_years OR NEW.as_of IS DISTINCT FROM OLD.as_of
         OR NEW.datasets IS DISTINCT FROM OLD.datasets OR NEW.rules_version IS DISTINCT FROM OLD.rules_version
         OR NEW.rerun_of IS DISTINCT FROM OLD.rerun_of OR NEW.token_id IS DISTINCT FROM OLD.token_id THEN
        RAISE EXCEPTION 'the inputs of screening % are immutable', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER screenings_immutable BEFORE UPDATE OR DELETE ON screenings
    FOR EACH ROW EXECUTE FUNCTION screenings_immutable()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS screenings`.execute(db);
  await sql`DROP FUNCTION IF EXISTS screenings_immutable()`.execute(db);
}
