import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new numbered migration instead.
// Migrations use Kysely<any> and never import application code.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS postgis`.execute(db);
  await sql`CREATE EXTENSION IF NOT EXISTS pgcrypto`.execute(db);

  // ---- bookkeeping -------------------------------------------------------------------------
  await sql`
    CREATE TABLE seed_runs (
      name        text PRIMARY KEY,
      version     text NOT NULL,
      applied_at  timestamptz NOT NULL DEFAULT now(),
      summary     jsonb NOT NULL DEFAULT '{}'
    )`.execute(db);

  // ---- access ------------------------------------------------------------------------------
  await sql`
    CREATE TABLE departments (
      id          serial PRIMARY KEY,
      name        text NOT NULL UNIQUE,
      kind        text NOT NULL DEFAULT 'provincial'
                  CHECK (kind IN ('provincial', 'prefecture_government', 'central', 'other'))
    )`.execute(db);

  await sql`
    CREATE TABLE api_tokens (
      id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      token_hash    bytea NOT NULL UNIQUE,          -- sha256 of the token; the token itself is never stored
      prefix        text NOT NULL,                  -- first characters, to recognise a token in lists
      role          text NOT NULL CHECK (role IN ('admin', 'surveyor', 'station', 'evaluator', 'department')),
      team          text,
      station_id    text,
      department_id integer REFERENCES departments(id),
      label         text NOT NULL DEFAULT '',
      created_at    timestamptz NOT NULL DEFAULT now(),
      expires_at    timestamptz,
      revoked_at    timestamptz,
      last_used_at  timestamptz,
      CHECK (role <> 'surveyor' OR team IS NOT NULL),
      CHECK (role <> 'station' OR station_id IS NOT NULL),
      CHECK (role <> 'department' OR department_id IS NOT NULL)
    )`.execute(db);
  await sql`CREATE INDEX api_tokens_department_idx ON api_tokens (department_id)`.execute(db);

  // Append-only: who did what, when, through which route. UPDATE and DELETE are refused.
  await sql`
    CREATE TABLE audit_log (
      id          bigserial PRIMARY KEY,
      at          timestamptz NOT NULL DEFAULT now(),
      token_id    uuid,
      role        text NOT NULL,
      actor       text NOT NULL DEFAULT '',
      action      text NOT NULL,
      route       text,
      entity      text NOT NULL,
      entity_ids  text[] NOT NULL DEFAULT '{}',
      summary     jsonb NOT NULL DEFAULT '{}'
    )`.execute(db);
  await sql`CREATE INDEX audit_log_at_idx ON audit_log (at)`.execute(db);
  await sql`CREATE INDEX audit_log_entity_idx ON audit_log (entity, at)`.execute(db);
  await sql`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);

  // ---- outbox: rows written in the same transaction as the data they announce ----------------
  await sql`
    CREATE TABLE outbox (
      id           bigserial PRIMARY KEY,
      queue        text NOT NULL,
      job_name     text NOT NULL,
      payload      jsonb NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now(),
      enqueued_at  timestamptz,
      attempts     integer NOT NULL DEFAULT 0,
      last_error   text
    )`.execute(db);
  await sql`CREATE INDEX outbox_pending_idx ON outbox (id) WHERE enqueued_at IS NULL`.execute(db);

  // ---- reference layers: versioned, immutable datasets ---------------------------------------
  await sql`
    CREATE TABLE layer_datasets (
      id             bigserial PRIMARY KEY,
      kind           text NOT NULL CHECK (kind IN ('regions', 'protected-areas', 'land-cover', 'grassland-plots', 'ecosystems')),
      vintage_year   integer NOT NULL CHECK (vintage_year BETWEEN 1900 AND 2100),
      source         text NOT NULL DEFAULT '',
      name           text NOT NULL DEFAULT '',
      crs_in         text NOT NULL DEFAULT 'wgs84' CHECK (crs_in IN ('wgs84', 'gcj02', 'bd09')),
      feature_count  integer NOT NULL DEFAULT 0,
      content_hash   text,
      report         jsonb NOT NULL DEFAULT '{}',
      created_at     timestamptz NOT NULL DEFAULT now(),
      created_by     uuid
    )`.execute(db);
  await sql`CREATE INDEX layer_datasets_kind_idx ON layer_datasets (kind, vintage_year DESC, id DESC)`.execute(db);

  await sql`
    CREATE TABLE regions (
      id                 bigserial PRIMARY KEY,
      dataset_id         bigint NOT NULL REFERENCES layer_datasets(id) ON DELETE CASCADE,
      code               text NOT NULL,
      name               text NOT NULL,
      name_en            text,
      level              text NOT NULL CHECK (level IN ('province', 'prefecture', 'county', 'priority_area')),
      parent_code        text,
      official_area_km2  numeric,
      properties         jsonb NOT NULL DEFAULT '{}',
      geom               geometry(MultiPolygon, 4326) NOT NULL,
      UNIQUE (dataset_id, code)
    )`.execute(db);
  await sql`CREATE INDEX regions_geom_idx ON regions USING gist (geom)`.execute(db);

  await sql`
    CREATE TABLE protected_areas (
      id                bigserial PRIMARY KEY,
      dataset_id        bigint NOT NULL REFERENCES layer_datasets(id) ON DELETE CASCADE,
      pa_id             text NOT NULL,
      name              text NOT NULL,
      name_en           text,
      designation       text NOT NULL CHECK (designation IN ('national_park', 'nature_reserve', 'wetland_park', 'forest_park',
                          'scenic_area', 'geopark', 'wetland_small_area', 'biosphere_reserve', 'other')),
      level             text,
      status            text NOT NULL CHECK (status IN ('designated', 'proposed')),
      established_year  integer,
      properties        jsonb NOT NULL DEFAULT '{}',
      geom              geometry(MultiPolygon, 4326) NOT NULL,
      UNIQUE (dataset_id, pa_id)
    )`.execute(db);
  await sql`CREATE INDEX protected_areas_geom_idx ON protected_areas USING gist (geom)`.execute(db);

  await sql`
    CREATE TABLE land_cover (
      id               bigserial PRIMARY KEY,
      dataset_id       bigint NOT NULL REFERENCES layer_datasets(id) ON DELETE CASCADE,
      class            text NOT NULL CHECK (class IN ('forest', 'shrub_special', 'shrub', 'grassland', 'wetland', 'water',
                         'cropland', 'built', 'bare', 'other')),
      grassland_type   text,
      wetland_type     text,
      is_natural       boolean,
      year             integer,
      properties       jsonb NOT NULL DEFAULT '{}',
      geom             geometry(MultiPolygon, 4326) NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX land_cover_dataset_idx ON land_cover (dataset_id, class)`.execute(db);
  await sql`CREATE INDEX land_cover_geom_idx ON land_cover USING gist (geom)`.execute(db);

  await sql`
    CREATE TABLE grassland_plots (
      id                     bigserial PRIMARY KEY,
      dataset_id             bigint NOT NULL REFERENCES layer_datasets(id) ON DELETE CASCADE,
      plot_id                text NOT NULL,
      grassland_type         text NOT NULL,
      vegetation_cover_pct   numeric NOT NULL CHECK (vegetation_cover_pct BETWEEN 0 AND 100),
      survey_date            date NOT NULL,
      properties             jsonb NOT NULL DEFAULT '{}',
      geom                   geometry(Point, 4326) NOT NULL,
      UNIQUE (dataset_id, plot_id, survey_date)
    )`.execute(db);
  await sql`CREATE INDEX grassland_plots_geom_idx ON grassland_plots USING gist (geom)`.execute(db);

  await sql`
    CREATE TABLE ecosystems (
      id               bigserial PRIMARY KEY,
      dataset_id       bigint NOT NULL REFERENCES layer_datasets(id) ON DELETE CASCADE,
      ecosystem_type   text NOT NULL,
      terrestrial      boolean NOT NULL,
      properties       jsonb NOT NULL DEFAULT '{}',
      geom             geometry(MultiPolygon, 4326) NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX ecosystems_dataset_idx ON ecosystems (dataset_id)`.execute(db);
  await sql`CREATE INDEX ecosystems_geom_idx ON ecosystems USING gist (geom)`.execute(db);

  // ---- taxa: the checklist, its names, and the lists' group entries --------------------------
  await sql`
    CREATE TABLE taxa (
      id                 serial PRIMARY KEY,
      scientific_name    text NOT NULL UNIQUE,
      chinese_name       text,
      english_name       text,
      rank               text NOT NULL CHECK (rank IN ('species', 'subspecies', 'variety', 'form')),
      kingdom            text NOT NULL CHECK (kingdom IN ('Animalia', 'Plantae', 'Fungi')),
      taxon_class        text,
      taxon_order        text,
      family             text,
      genus              text NOT NULL,
      parent_id          integer REFERENCES taxa(id),
      protection_class   text CHECK (protection_class IN ('I', 'II')),
      protection_note    text,
      wild_only          boolean NOT NULL DEFAULT false,
      sensitive          boolean NOT NULL DEFAULT false,
      generalize_cell_m  integer NOT NULL DEFAULT 10000 CHECK (generalize_cell_m >= 1000),
      invasive           boolean NOT NULL DEFAULT false,
      in_jilin           boolean NOT NULL DEFAULT false,
      sources            text[] NOT NULL DEFAULT '{}',
      updated_at         timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX taxa_parent_idx ON taxa (parent_id)`.execute(db);
  await sql`CREATE INDEX taxa_genus_idx ON taxa (genus)`.execute(db);

  // Every name that resolves to a taxon: accepted, synonyms, misspellings, Chinese names.
  await sql`
    CREATE TABLE taxon_names (
      name_key   text NOT NULL,
      name       text NOT NULL,
      taxon_id   integer NOT NULL REFERENCES taxa(id) ON DELETE CASCADE,
      kind       text NOT NULL CHECK (kind IN ('accepted', 'synonym', 'chinese', 'chinese_synonym', 'english')),
      PRIMARY KEY (name_key, taxon_id)
    )`.execute(db);
  await sql`CREATE INDEX taxon_names_taxon_idx ON taxon_names (taxon_id)`.execute(db);

  await sql`
    CREATE TABLE taxon_rules (
      id                serial PRIMARY KEY,
      rank              text NOT NULL CHECK (rank IN ('genus', 'family', 'order', 'section')),
      scientific_name   text NOT NULL,
      chinese_name      text NOT NULL,
      kingdom           text NOT NULL,
      protection_class  text NOT NULL CHECK (protection_class IN ('I', 'II')),
      note              text,
      wild_only         boolean NOT NULL DEFAULT false,
      exclude_chinese   text[] NOT NULL DEFAULT '{}',
      sources           text[] NOT NULL DEFAULT '{}',
      UNIQUE (rank, scientific_name)
    )`.execute(db);

  // ---- the ledger (责任分工台账) -----------------------------------------------------------------
  await sql`
    CREATE TABLE ledger_sections (
      code   text PRIMARY KEY,
      ord    integer NOT NULL UNIQUE,
      title  text NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE ledger_measures (
      code          text PRIMARY KEY,
      ord           integer NOT NULL UNIQUE,
      section_code  text NOT NULL REFERENCES ledger_sections(code),
      title         text NOT NULL,
      text          text NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX ledger_measures_section_idx ON ledger_measures (section_code)`.execute(db);
  await sql`
    CREATE TABLE ledger_tasks (
      no                   integer PRIMARY KEY CHECK (no BETWEEN 1 AND 999),
      section_code         text NOT NULL REFERENCES ledger_sections(code),
      measure_code         text NOT NULL REFERENCES ledger_measures(code),
      text                 text NOT NULL,
      responsibility_note  text,
      timeline_kind        text NOT NULL CHECK (timeline_kind IN ('deadline', 'window', 'continuous')),
      timeline_start       date,
      timeline_end         date,
      timeline_text        text NOT NULL,
      CHECK ((timeline_kind = 'continuous') = (timeline_end IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX ledger_tasks_section_idx ON ledger_tasks (section_code)`.execute(db);
  await sql`CREATE INDEX ledger_tasks_measure_idx ON ledger_tasks (measure_code)`.execute(db);
  await sql`
    CREATE TABLE ledger_task_departments (
      task_no        integer NOT NULL REFERENCES ledger_tasks(no),
      department_id  integer NOT NULL REFERENCES departments(id),
      role           text NOT NULL CHECK (role IN ('responsible', 'implementing')),
      ord            integer NOT NULL,
      PRIMARY KEY (task_no, department_id)
    )`.execute(db);
  await sql`CREATE INDEX ledger_task_departments_dept_idx ON ledger_task_departments (department_id)`.execute(db);
  await sql`
    CREATE TABLE ledger_task_links (
      task_no  integer NOT NULL REFERENCES ledger_tasks(no),
      kind     text NOT NULL CHECK (kind IN ('indicator', 'data')),
      ref      text NOT NULL,
      PRIMARY KEY (task_no, kind, ref)
    )`.execute(db);
  await sql`
    CREATE TABLE ledger_progress (
      id             bigserial PRIMARY KEY,
      task_no        integer NOT NULL REFERENCES ledger_tasks(no),
      department_id  integer REFERENCES departments(id),
      status         text NOT NULL CHECK (status IN ('not_started', 'in_progress', 'done', 'blocked')),
      note           text NOT NULL DEFAULT '',
      evidence       jsonb NOT NULL DEFAULT '[]',
      as_of          date NOT NULL,
      reported_at    timestamptz NOT NULL DEFAULT now(),
      token_id       uuid REFERENCES api_tokens(id)
    )`.execute(db);
  await sql`CREATE INDEX ledger_progress_task_idx ON ledger_progress (task_no, reported_at DESC)`.execute(db);
  await sql`CREATE INDEX ledger_progress_dept_idx ON ledger_progress (department_id)`.execute(db);
  await sql`CREATE INDEX ledger_progress_token_idx ON ledger_progress (token_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'ledger_progress',
    'ledger_task_links',
    'ledger_task_departments',
    'ledger_tasks',
    'ledger_measures',
    'ledger_sections',
    'taxon_rules',
    'taxon_names',
    'taxa',
    'ecosystems',
    'grassland_plots',
    'land_cover',
    'protected_areas',
    'regions',
    'layer_datasets',
    'outbox',
    'audit_log',
    'api_tokens',
    'departments',
    'seed_runs',
  ]) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)} CASCADE`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS audit_log_append_only()`.execute(db);
}
