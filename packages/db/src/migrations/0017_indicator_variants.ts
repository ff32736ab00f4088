import { sql, type Kysely } from 'kysely';

// Frozen. Indicator results with variants (issue 19, connectivity): an indicator may give more than
// one value per run and region — pa_connectivity gives one per dispersal distance — so a result is
// keyed by (run, indicator, region, variant). `variant` is '' for every indicator with one value per
// region (all results before this migration), and e.g. 'd=10km' for ProtConn at 10 km.
//
// indicator_run_conn_nodes: the nodes of ProtConn (issue 19) of a run's region — the connected parts
// of the counted-PA union within it, with their ellipsoidal areas and a point on each — kept by run
// id like the other work of a run (0012) while their distances are measured (in parallel, by several
// statements), and removed when the run completes.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE indicator_results ADD COLUMN variant text NOT NULL DEFAULT ''`.execute(db);
  await sql`ALTER TABLE indicator_results DROP CONSTRAINT indicator_results_pkey`.execute(db);
  await sql`ALTER TABLE indicator_results ADD PRIMARY KEY (run_id, indicator, region_code, variant)`.execute(db);
  await sql`
    CREATE TABLE indicator_run_conn_nodes (
      run_id       uuid NOT NULL REFERENCES indicator_runs(id) ON DELETE CASCADE,
      region_code  text NOT NULL,
      node         integer NOT NULL,
      geom         geometry(Geometry, 4326) NOT NULL,
      geog         geography NOT NULL,
      area_m2      double precision NOT NULL,
      pieces       integer NOT NULL,
      pt           geometry(Point, 4326) NOT NULL,
      PRIMARY KEY (run_id, region_code, node)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS indicator_run_conn_nodes`.execute(db);
  await sql`DELETE FROM indicator_results WHERE variant <> ''`.execute(db);
  await sql`ALTER TABLE indicator_results DROP CONSTRAINT indicator_results_pkey`.execute(db);
  await sql`ALTER TABLE indicator_results ADD PRIMARY KEY (run_id, indicator, region_code)`.execute(db);
  await sql`ALTER TABLE indicator_results DROP COLUMN variant`.execute(db);
}
