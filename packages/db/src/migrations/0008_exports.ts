import { sql, type Kysely } from 'kysely';

// Frozen. Open-data exports (Darwin Core Archives). The generalisation of an archive is fixed when
// it is requested (`exact`, from the requester's role), so a later change of role changes nothing.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE exports (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind            text NOT NULL CHECK (kind IN ('dwca')),
      filters         jsonb NOT NULL DEFAULT '{}',
      exact           boolean NOT NULL,
      requester_role  text NOT NULL,
      token_id        uuid REFERENCES api_tokens(id),
      status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
      core            text CHECK (core IN ('event', 'occurrence')),
      counts          jsonb NOT NULL DEFAULT '{}',
      file_path       text,
      size_bytes      bigint,
      sha256          text,
      error           jsonb,
      created_at      timestamptz NOT NULL DEFAULT now(),
      started_at      timestamptz,
      finished_at     timestamptz
    )`.execute(db);
  await sql`CREATE INDEX exports_token_idx ON exports (token_id, created_at DESC)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS exports`.execute(db);
}
