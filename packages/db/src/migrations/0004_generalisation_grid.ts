import { sql, type Kysely } from 'kysely';

// Frozen. The grid of BRIEF §8 for generalising sensitive records and for alerts: square cells of an
// Albers equal-area projection for China (+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +ellps=WGS84),
// origin (0, 0). Registered under a private SRID so PostGIS can transform to and from it.

export const GRID_SRID = 990001;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, proj4text, srtext)
    VALUES (${sql.lit(GRID_SRID)}, 'biomon', ${sql.lit(GRID_SRID)},
      '+proj=aea +lat_0=0 +lat_1=25 +lat_2=47 +lon_0=105 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs',
      'PROJCS["biomon China Albers (WGS84 ellipsoid)",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Albers_Conic_Equal_Area"],PARAMETER["latitude_of_center",0],PARAMETER["longitude_of_center",105],PARAMETER["standard_parallel_1",25],PARAMETER["standard_parallel_2",47],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1]]')
    ON CONFLICT (srid) DO NOTHING`.execute(db);
  // Centre of the grid cell (size in metres) containing a WGS84 point, as a WGS84 point.
  await sql`
    CREATE FUNCTION biomon_cell_centre(g geometry, cell_m double precision) RETURNS geometry
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT ST_Transform(ST_SetSRID(ST_MakePoint(
               floor(ST_X(p) / cell_m) * cell_m + cell_m / 2,
               floor(ST_Y(p) / cell_m) * cell_m + cell_m / 2), ${sql.lit(GRID_SRID)}), 4326)
      FROM (SELECT ST_Transform(g, ${sql.lit(GRID_SRID)}) AS p) s
    $$`.execute(db);
  // A stable id of that cell: "<cell size>:<column>:<row>".
  await sql`
    CREATE FUNCTION biomon_cell_id(g geometry, cell_m double precision) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT cell_m::bigint || ':' || floor(ST_X(p) / cell_m)::bigint || ':' || floor(ST_Y(p) / cell_m)::bigint
      FROM (SELECT ST_Transform(g, ${sql.lit(GRID_SRID)}) AS p) s
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS biomon_cell_id(geometry, double precision)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS biomon_cell_centre(geometry, double precision)`.execute(db);
  await sql`DELETE FROM spatial_ref_sys WHERE srid = ${sql.lit(GRID_SRID)}`.execute(db);
}
