import { sql, type Kysely } from 'kysely';

// Frozen. Raster datasets (issue 18, ledger task 27): versioned like vector layers, the pixels kept
// as Cloud-Optimised GeoTIFFs in the file store (read with GDAL's command-line tools), the
// metadata here; and a cache of area-true zonal statistics per (raster, zone dataset, zone) — with,
// for land-cover rasters, the area of each class code (`classes`: [{ code, areaM2, pixels }]).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE raster_datasets (
      id              bigserial PRIMARY KEY,
      kind            text NOT NULL CHECK (kind IN ('ndvi', 'fvc', 'land-cover', 'elevation')),
      version         integer NOT NULL,
      vintage_year    integer NOT NULL CHECK (vintage_year BETWEEN 1900 AND 2100),
      source          text NOT NULL DEFAULT '',
      original_name   text NOT NULL DEFAULT '',
      status          text NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'ready', 'failed')),
      error           jsonb,
      crs_wkt         text NOT NULL,
      epsg            integer,
      geographic      boolean NOT NULL,
      geotransform    double precision[] NOT NULL,
      width           integer NOT NULL CHECK (width > 0),
      height          integer NOT NULL CHECK (height > 0),
      band_type       text NOT NULL,
      nodata          double precision,
      scale           double precision NOT NULL DEFAULT 1,
      value_offset    double precision NOT NULL DEFAULT 0,
      fvc_scale       text CHECK (fvc_scale IN ('fraction', 'percent')),
      class_map       jsonb,
      stats           jsonb,
      bbox            geometry(Polygon, 4326),
      source_key      text,
      storage_key     text,
      size_bytes      bigint NOT NULL DEFAULT 0,
      sha256          text NOT NULL,
      created_at      timestamptz NOT NULL DEFAULT now(),
      created_by      uuid,
      ready_at        timestamptz,
      UNIQUE (kind, version)
    )`.execute(db);
  await sql`CREATE INDEX raster_datasets_kind_idx ON raster_datasets (kind, vintage_year DESC, id DESC)`.execute(db);

  await sql`
    CREATE TABLE raster_zonal_cache (
      raster_id        bigint NOT NULL REFERENCES raster_datasets(id) ON DELETE CASCADE,
      zone_dataset_id  bigint NOT NULL REFERENCES layer_datasets(id) ON DELETE CASCADE,
      zone_key         text NOT NULL,
      method_version   integer NOT NULL,
      mean             double precision,
      min              double precision,
      max              double precision,
      valid_area_m2    double precision NOT NULL,
      pixels           bigint NOT NULL,
      classes          jsonb,
      computed_at      timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (raster_id, zone_dataset_id, zone_key, method_version)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS raster_zonal_cache`.execute(db);
  await sql`DROP TABLE IF EXISTS raster_datasets`.execute(db);
}
