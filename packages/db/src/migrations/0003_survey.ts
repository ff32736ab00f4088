import { sql, type Kysely } from 'kysely';

// Frozen. Survey ingest: Darwin Core events (with Humboldt effort), occurrences with history, file imports.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS fuzzystrmatch`.execute(db);
  // Like biomon_try_geojson, for WKT (footprintWKT): NULL instead of an exception.
  await sql`
    CREATE FUNCTION biomon_try_wkt(t text) RETURNS geometry
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    BEGIN
      RETURN ST_SetSRID(ST_Force2D(ST_GeomFromText(t)), 4326);
    EXCEPTION WHEN others THEN
      RETURN NULL;
    END $$`.execute(db);

  await sql`
    CREATE TABLE survey_events (
      id                      bigserial PRIMARY KEY,
      event_id                text NOT NULL UNIQUE,
      parent_event_id         text,
      sampling_protocol       text,
      event_start             timestamptz NOT NULL,
      event_end               timestamptz NOT NULL,
      sample_size_value       numeric,
      sample_size_unit        text,
      sampling_effort_value   numeric,
      sampling_effort_unit    text,
      is_absence_reported     boolean,
      target_taxonomic_scope  text,
      team                    text,
      -- a transect line, plot polygon or trap point; mixed types by nature (footprintWKT)
      footprint               geometry(Geometry, 4326),
      -- the footprint's point on surface, for point indexes and tiles
      geom                    geometry(Point, 4326),
      region_codes            text[] NOT NULL DEFAULT '{}',
      priority_area           text,
      data                    jsonb NOT NULL,
      content_hash            text NOT NULL,
      version                 integer NOT NULL DEFAULT 1,
      import_id               uuid,
      created_at              timestamptz NOT NULL DEFAULT now(),
      updated_at              timestamptz NOT NULL DEFAULT now(),
      created_by              uuid,
      updated_by              uuid
    )`.execute(db);
  await sql`CREATE INDEX survey_events_footprint_idx ON survey_events USING gist (footprint)`.execute(db);
  await sql`CREATE INDEX survey_events_geom_idx ON survey_events USING gist (geom)`.execute(db);
  await sql`CREATE INDEX survey_events_parent_idx ON survey_events (parent_event_id)`.execute(db);
  await sql`CREATE INDEX survey_events_priority_idx ON survey_events (priority_area)`.execute(db);

  await sql`
    CREATE TABLE occurrences (
      id                        bigserial PRIMARY KEY,
      occurrence_id             text NOT NULL UNIQUE,
      event_id                  text,
      basis_of_record           text NOT NULL,
      scientific_name           text NOT NULL,
      taxon_id                  integer REFERENCES taxa(id),
      taxon_match               text NOT NULL DEFAULT 'none' CHECK (taxon_match IN ('exact', 'synonym', 'chinese', 'infraspecific', 'fuzzy', 'none')),
      occurrence_status         text NOT NULL CHECK (occurrence_status IN ('present', 'absent')),
      event_start               timestamptz NOT NULL,
      event_end                 timestamptz NOT NULL,
      individual_count          integer CHECK (individual_count >= 0),
      coordinate_uncertainty_m  double precision CHECK (coordinate_uncertainty_m > 0),
      geom                      geometry(Point, 4326) NOT NULL,
      region_codes              text[] NOT NULL DEFAULT '{}',
      priority_area             text,
      in_counted_pa             boolean NOT NULL DEFAULT false,
      flags                     text[] NOT NULL DEFAULT '{}',
      flag_notes                jsonb NOT NULL DEFAULT '{}',
      review_state              text NOT NULL DEFAULT 'unreviewed' CHECK (review_state IN ('unreviewed', 'verified', 'rejected')),
      team                      text,
      data                      jsonb NOT NULL,
      content_hash              text NOT NULL,
      version                   integer NOT NULL DEFAULT 1,
      import_id                 uuid,
      created_at                timestamptz NOT NULL DEFAULT now(),
      updated_at                timestamptz NOT NULL DEFAULT now(),
      created_by                uuid,
      updated_by                uuid
    )`.execute(db);
  await sql`CREATE INDEX occurrences_geom_idx ON occurrences USING gist (geom)`.execute(db);
  await sql`CREATE INDEX occurrences_taxon_idx ON occurrences (taxon_id)`.execute(db);
  await sql`CREATE INDEX occurrences_event_idx ON occurrences (event_id)`.execute(db);
  await sql`CREATE INDEX occurrences_date_idx ON occurrences (event_end, id)`.execute(db);
  await sql`CREATE INDEX occurrences_regions_idx ON occurrences USING gin (region_codes)`.execute(db);
  await sql`CREATE INDEX occurrences_import_idx ON occurrences (import_id)`.execute(db);

  // Every change of a record: who, when, what (field → [before, after]); reviews too. Append-only.
  await sql`
    CREATE TABLE occurrence_history (
      id             bigserial PRIMARY KEY,
      occurrence_pk  bigint NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
      version        integer NOT NULL,
      action         text NOT NULL CHECK (action IN ('update', 'review')),
      at             timestamptz NOT NULL DEFAULT now(),
      token_id       uuid,
      role           text NOT NULL,
      actor          text NOT NULL DEFAULT '',
      changes        jsonb NOT NULL,
      previous       jsonb,
      comment        text
    )`.execute(db);
  await sql`CREATE INDEX occurrence_history_occ_idx ON occurrence_history (occurrence_pk, id)`.execute(db);

  await sql`
    CREATE TABLE imports (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      content_hash    text NOT NULL UNIQUE,
      file_name       text NOT NULL,
      file_path       text NOT NULL,
      size_bytes      bigint NOT NULL,
      format          text,
      status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
      rows_total      integer,
      rows_done       integer NOT NULL DEFAULT 0,
      counts          jsonb NOT NULL DEFAULT '{}',
      error           jsonb,
      team            text,
      token_id        uuid,
      created_at      timestamptz NOT NULL DEFAULT now(),
      started_at      timestamptz,
      finished_at     timestamptz
    )`.execute(db);
  await sql`
    CREATE TABLE import_errors (
      import_id   uuid NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
      file        text NOT NULL,
      row_number  integer NOT NULL,
      record_id   text,
      errors      jsonb NOT NULL,
      PRIMARY KEY (import_id, file, row_number)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['import_errors', 'imports', 'occurrence_history', 'occurrences', 'survey_events']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)} CASCADE`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS biomon_try_wkt(text)`.execute(db);
}
