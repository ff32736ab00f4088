import { sql, type Kysely } from 'kysely';

// Frozen. Indicator runs (immutable once completed) and their results; subdivided layer
// geometries for fast overlay.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE indicator_runs (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      year            integer NOT NULL CHECK (year BETWEEN 1990 AND 2100),
      region_codes    text[],
      indicators      text[] NOT NULL,
      datasets        jsonb NOT NULL,
      params          jsonb NOT NULL,
      method_version  text NOT NULL,
      status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
      progress_done   integer NOT NULL DEFAULT 0,
      progress_total  integer NOT NULL DEFAULT 0,
      error           text,
      trigger         text NOT NULL DEFAULT 'api',
      requested_by    uuid,
      created_at      timestamptz NOT NULL DEFAULT now(),
      started_at      timestamptz,
      finished_at     timestamptz
    )`.execute(db);
  await sql`CREATE INDEX indicator_runs_status_idx ON indicator_runs (status, finished_at DESC)`.execute(db);

  await sql`
    CREATE TABLE indicator_results (
      run_id        uuid NOT NULL REFERENCES indicator_runs(id) ON DELETE CASCADE,
      indicator     text NOT NULL,
      region_code   text NOT NULL,
      year          integer NOT NULL,
      value         double precision,
      numerator     double precision,
      denominator   double precision,
      unit          text NOT NULL,
      reason        text,
      details       jsonb NOT NULL DEFAULT '{}',
      computed_at   timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (run_id, indicator, region_code),
      CHECK (value IS NULL OR (value >= 0 AND value <= 100)),
      CHECK (value IS NOT NULL OR reason IS NOT NULL)
    )`.execute(db);
  await sql`CREATE INDEX indicator_results_lookup_idx ON indicator_results (indicator, region_code, year)`.execute(db);

  // Marks of new data since a result was computed: a debounced recompute picks them up.
  await sql`
    CREATE TABLE indicator_staleness (
      kind        text NOT NULL,
      since       timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (kind)
    )`.execute(db);

  // Big polygons cut into pieces of at most 256 vertices: GiST finds candidates precisely and
  // intersections stay cheap (ST_Subdivide). Filled on import; rebuilt from the layer tables if missing.
  await sql`
    CREATE TABLE layer_subdivided (
      id          bigserial PRIMARY KEY,
      dataset_id  bigint NOT NULL REFERENCES layer_datasets(id) ON DELETE CASCADE,
      feature_id  bigint NOT NULL,
      geom        geometry(Polygon, 4326) NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX layer_subdivided_dataset_idx ON layer_subdivided (dataset_id, feature_id)`.execute(db);
  await sql`CREATE INDEX layer_subdivided_geom_idx ON layer_subdivided USING gist (geom)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['layer_subdivided', 'indicator_staleness', 'indicator_results', 'indicator_runs']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)} CASCADE`.execute(db);
  }
}
