import { sql, type Kysely } from 'kysely';

// Frozen. The schema's rules (tests/integration/schema.test.ts) for the tables of issues 18–19:
// every geometry column of a concrete type with a GiST index, an index led by every foreign key.
// - indicator_run_conn_nodes.geom: a ProtConn node is one polygon or several that touch, so a
//   MultiPolygon (compute/connectivity.ts writes ST_Multi).
// - foreign keys of screenings, raster_zonal_cache and land_cover_changes: deleting a department,
//   token or layer version finds its rows by index instead of a scan of the table.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE indicator_run_conn_nodes ALTER COLUMN geom TYPE geometry(MultiPolygon, 4326) USING ST_Multi(geom)`.execute(db);
  await sql`CREATE INDEX indicator_run_conn_nodes_geom_idx ON indicator_run_conn_nodes USING gist (geom)`.execute(db);
  await sql`CREATE INDEX indicator_run_conn_nodes_pt_idx ON indicator_run_conn_nodes USING gist (pt)`.execute(db);
  await sql`CREATE INDEX raster_datasets_bbox_idx ON raster_datasets USING gist (bbox)`.execute(db);
  await sql`CREATE INDEX screenings_footprint_idx ON screenings USING gist (footprint)`.execute(db);
  await sql`CREATE INDEX screenings_department_idx ON screenings (department_id)`.execute(db);
  await sql`CREATE INDEX screenings_token_idx ON screenings (token_id)`.execute(db);
  await sql`CREATE INDEX raster_zonal_cache_zone_dataset_idx ON raster_zonal_cache (zone_dataset_id)`.execute(db);
  await sql`CREATE INDEX land_cover_changes_to_dataset_idx ON land_cover_changes (to_dataset_id)`.execute(db);
  await sql`CREATE INDEX land_cover_changes_regions_dataset_idx ON land_cover_changes (regions_dataset_id)`.execute(db);
  await sql`CREATE INDEX land_cover_changes_pa_dataset_idx ON land_cover_changes (pa_dataset_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    'land_cover_changes_pa_dataset_idx',
    'land_cover_changes_regions_dataset_idx',
    'land_cover_changes_to_dataset_idx',
    'raster_zonal_cache_zone_dataset_idx',
    'screenings_token_idx',
    'screenings_department_idx',
    'screenings_footprint_idx',
    'raster_datasets_bbox_idx',
    'indicator_run_conn_nodes_pt_idx',
    'indicator_run_conn_nodes_geom_idx',
  ])
    await sql`DROP INDEX IF EXISTS ${sql.id(name)}`.execute(db);
  await sql`ALTER TABLE indicator_run_conn_nodes ALTER COLUMN geom TYPE geometry(Geometry, 4326)`.execute(db);
}
