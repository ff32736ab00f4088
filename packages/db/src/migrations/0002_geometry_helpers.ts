import { sql, type Kysely } from 'kysely';

// Frozen. Helpers for importing geometries set-wise without one bad feature failing a batch.

export async function up(db: Kysely<any>): Promise<void> {
  // Parses GeoJSON into a 2-D geometry with SRID 4326; returns NULL (never raises) when PostGIS refuses it,
  // so a staging INSERT of many features cannot be aborted by one of them.
  await sql`
    CREATE FUNCTION biomon_try_geojson(t text) RETURNS geometry
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    BEGIN
      RETURN ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(t)), 4326);
    EXCEPTION WHEN others THEN
      RETURN NULL;
    END $$`.execute(db);
  // Polygonal part of a geometry, repaired when invalid, as a MultiPolygon (empty when nothing polygonal remains).
  await sql`
    CREATE FUNCTION biomon_polygonal(g geometry) RETURNS geometry
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT ST_Multi(ST_CollectionExtract(CASE WHEN ST_IsValid(g) THEN g ELSE ST_MakeValid(g, 'method=structure') END, 3))
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS biomon_polygonal(geometry)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS biomon_try_geojson(text)`.execute(db);
}
