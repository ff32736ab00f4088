import { sql, type Kysely } from 'kysely';

// Frozen. Province-scale indicator runs (issue 17): the work a run shares between its indicators,
// built once per run and kept by run id, so that a worker killed mid-run resumes without building
// it again, and removed when the run completes. Areas are summed over the cells of a grid that
// partitions the plane: no province-wide geometry is ever built.
//
// - indicator_run_cells: the run's grid cells (boxes of 1/k degree) that meet a region
// - indicator_run_region_cells: each region of the run cut by each cell (the cell itself when the
//   region covers it), with its part inside the counted-PA union and the areas of both
// - indicator_run_pa: the counted-PA union (BRIEF §6) within each cell, built once per run
// - indicator_run_pa_pieces: the same union cut into pieces of ≤ 256 vertices for point tests
// - indicator_run_stages: when each stage of a run was built or committed, how long it took and
//   how many times it was built (the PA union: once per run)

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE indicator_run_stages (
      run_id       uuid NOT NULL REFERENCES indicator_runs(id) ON DELETE CASCADE,
      stage        text NOT NULL,
      builds       integer NOT NULL DEFAULT 1,
      ms           integer NOT NULL,
      detail       jsonb NOT NULL DEFAULT '{}',
      started_at   timestamptz NOT NULL,
      finished_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (run_id, stage)
    )`.execute(db);
  await sql`
    CREATE TABLE indicator_run_cells (
      run_id  uuid NOT NULL REFERENCES indicator_runs(id) ON DELETE CASCADE,
      cell    integer NOT NULL,
      env     geometry(Polygon, 4326) NOT NULL,
      PRIMARY KEY (run_id, cell)
    )`.execute(db);
  await sql`CREATE INDEX indicator_run_cells_env_idx ON indicator_run_cells USING gist (env)`.execute(db);
  await sql`
    CREATE TABLE indicator_run_region_cells (
      run_id       uuid NOT NULL REFERENCES indicator_runs(id) ON DELETE CASCADE,
      region_code  text NOT NULL,
      cell         integer NOT NULL,
      full_cell    boolean NOT NULL,
      geom         geometry(MultiPolygon, 4326) NOT NULL,
      pa_geom      geometry(MultiPolygon, 4326),
      area_m2      double precision NOT NULL,
      pa_area_m2   double precision NOT NULL DEFAULT 0,
      PRIMARY KEY (run_id, region_code, cell)
    )`.execute(db);
  await sql`CREATE INDEX indicator_run_region_cells_cell_idx ON indicator_run_region_cells (run_id, cell)`.execute(db);
  await sql`CREATE INDEX indicator_run_region_cells_geom_idx ON indicator_run_region_cells USING gist (geom)`.execute(db);
  await sql`CREATE INDEX indicator_run_region_cells_pa_geom_idx ON indicator_run_region_cells USING gist (pa_geom)`.execute(db);
  await sql`
    CREATE TABLE indicator_run_pa (
      run_id  uuid NOT NULL REFERENCES indicator_runs(id) ON DELETE CASCADE,
      cell    integer NOT NULL,
      geom    geometry(MultiPolygon, 4326) NOT NULL,
      PRIMARY KEY (run_id, cell)
    )`.execute(db);
  await sql`CREATE INDEX indicator_run_pa_geom_idx ON indicator_run_pa USING gist (geom)`.execute(db);
  await sql`
    CREATE TABLE indicator_run_pa_pieces (
      run_id  uuid NOT NULL REFERENCES indicator_runs(id) ON DELETE CASCADE,
      cell    integer NOT NULL,
      geom    geometry(Polygon, 4326) NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX indicator_run_pa_pieces_cell_idx ON indicator_run_pa_pieces (run_id, cell)`.execute(db);
  await sql`CREATE INDEX indicator_run_pa_pieces_geom_idx ON indicator_run_pa_pieces USING gist (geom)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['indicator_run_pa_pieces', 'indicator_run_pa', 'indicator_run_region_cells', 'indicator_run_cells', 'indicator_run_stages']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)} CASCADE`.execute(db);
  }
}
