import { sql, type Kysely } from 'kysely';

// Frozen. Evidence files of ledger progress reports, frozen assessment reports and their sign-off.
// Migrations use Kysely<any> and never import application code.

export async function up(db: Kysely<any>): Promise<void> {
  // Uploaded files (evidence). The bytes live in the file store (BIOMON_FILE_STORE), addressed by
  // their SHA-256 (the same bytes are stored once); each upload is its own row, with its name and uploader.
  await sql`
    CREATE TABLE files (
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      sha256         text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      mime           text NOT NULL,
      size_bytes     bigint NOT NULL CHECK (size_bytes > 0),
      original_name  text NOT NULL,
      storage_key    text NOT NULL,
      uploaded_by    uuid REFERENCES api_tokens(id),
      department_id  integer REFERENCES departments(id),
      created_at     timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX files_uploaded_by_idx ON files (uploaded_by)`.execute(db);
  await sql`CREATE INDEX files_department_idx ON files (department_id)`.execute(db);
  await sql`CREATE INDEX files_sha256_idx ON files (sha256)`.execute(db);

  // Which progress report cites which file: referential integrity for ledger_progress.evidence.
  await sql`
    CREATE TABLE ledger_progress_files (
      progress_id  bigint NOT NULL REFERENCES ledger_progress(id),
      file_id      uuid NOT NULL REFERENCES files(id),
      PRIMARY KEY (progress_id, file_id)
    )`.execute(db);
  await sql`CREATE INDEX ledger_progress_files_file_idx ON ledger_progress_files (file_id)`.execute(db);

  // Status as of a date: the latest report with as_of ≤ that date.
  await sql`CREATE INDEX ledger_progress_task_as_of_idx ON ledger_progress (task_no, as_of DESC, id DESC)`.execute(db);

  // Progress history is append-only: a correction is a new report.
  await sql`
    CREATE FUNCTION biomon_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER ledger_progress_append_only BEFORE UPDATE OR DELETE ON ledger_progress
    FOR EACH ROW EXECUTE FUNCTION biomon_append_only()`.execute(db);

  // A frozen assessment report: the JSON snapshot as it was built, with the indicator runs it used.
  // Immutable: UPDATE and DELETE are refused.
  await sql`
    CREATE TABLE reports (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind            text NOT NULL DEFAULT 'assessment' CHECK (kind IN ('assessment')),
      year            integer NOT NULL CHECK (year BETWEEN 1990 AND 2100),
      region_code     text NOT NULL,
      as_of           date NOT NULL,
      snapshot        jsonb NOT NULL,
      snapshot_sha256 text NOT NULL CHECK (snapshot_sha256 ~ '^[0-9a-f]{64}$'),
      run_ids         uuid[] NOT NULL DEFAULT '{}',
      created_by      uuid REFERENCES api_tokens(id),
      created_by_label text NOT NULL DEFAULT '',
      created_at      timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX reports_created_by_idx ON reports (created_by)`.execute(db);
  await sql`CREATE INDEX reports_year_region_idx ON reports (year, region_code, created_at DESC)`.execute(db);
  await sql`
    CREATE TRIGGER reports_immutable BEFORE UPDATE OR DELETE ON reports
    FOR EACH ROW EXECUTE FUNCTION biomon_append_only()`.execute(db);

  // Sign-off of a frozen report (审核): append-only.
  await sql`
    CREATE TABLE report_reviews (
      id              bigserial PRIMARY KEY,
      report_id       uuid NOT NULL REFERENCES reports(id),
      decision        text NOT NULL CHECK (decision IN ('approved', 'returned')),
      comment         text NOT NULL DEFAULT '',
      reviewed_by     uuid REFERENCES api_tokens(id),
      reviewer_role   text NOT NULL,
      reviewer_label  text NOT NULL DEFAULT '',
      reviewed_at     timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX report_reviews_report_idx ON report_reviews (report_id, reviewed_at)`.execute(db);
  await sql`CREATE INDEX report_reviews_reviewed_by_idx ON report_reviews (reviewed_by)`.execute(db);
  await sql`
    CREATE TRIGGER report_reviews_append_only BEFORE UPDATE OR DELETE ON report_reviews
    FOR EACH ROW EXECUTE FUNCTION biomon_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS ledger_progress_append_only ON ledger_progress`.execute(db);
  await sql`DROP INDEX IF EXISTS ledger_progress_task_as_of_idx`.execute(db);
  for (const t of ['report_reviews', 'reports', 'ledger_progress_files', 'files']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)} CASCADE`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS biomon_append_only()`.execute(db);
}
