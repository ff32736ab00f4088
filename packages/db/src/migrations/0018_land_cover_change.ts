import { sql, type Kysely } from 'kysely';

// Frozen. Land-cover change detection (issue 18, task 27): the transition matrix between two
// land-cover versions, computed once per version pair (with the regions and protected-area
// versions it was measured against) and stored.
//
// - land_cover_changes: one row per (from, to, regions, protected areas) dataset quadruple; the job
//   that computes it is idempotent (a completed row is never computed again)
// - land_cover_transitions: area (m², WGS84 ellipsoid) changed from each class to each other class
//   (unchanged area on the diagonal), per region (`region`), per region inside the counted-PA
//   union (`region_pa`) and per counted protected area (`pa`, by its pa_id)
// - land_cover_change_areas: the changed pieces themselves (from <> to), per grid cell, for the map

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE land_cover_changes (
      id                  bigserial PRIMARY KEY,
      from_dataset_id     bigint NOT NULL REFERENCES layer_datasets(id) ON DELETE CASCADE,
      to_dataset_id       bigint NOT NULL REFERENCES layer_datasets(id) ON DELETE CASCADE,
      regions_dataset_id  bigint REFERENCES layer_datasets(id) ON DELETE CASCADE,
      pa_dataset_id       bigint REFERENCES layer_datasets(id) ON DELETE CASCADE,
      from_year           integer NOT NULL,
      to_year             integer NOT NULL,
      method_version      text NOT NULL,
      status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'failed')),
      cell_deg            double precision,
      cells               integer NOT NULL DEFAULT 0,
      ms                  integer,
      error               text,
      created_at          timestamptz NOT NULL DEFAULT now(),
      computed_at         timestamptz,
      CHECK (from_dataset_id <> to_dataset_id),
      UNIQUE NULLS NOT DISTINCT (from_dataset_id, to_dataset_id, regions_dataset_id, pa_dataset_id)
    )`.execute(db);
  await sql`CREATE INDEX land_cover_changes_pair_idx ON land_cover_changes (from_dataset_id, to_dataset_id, id DESC)`.execute(db);
  await sql`
    CREATE TABLE land_cover_transitions (
      change_id   bigint NOT NULL REFERENCES land_cover_changes(id) ON DELETE CASCADE,
      scope       text NOT NULL CHECK (scope IN ('region', 'region_pa', 'pa')),
      scope_code  text NOT NULL,
      from_class  text NOT NULL,
      to_class    text NOT NULL,
      area_m2     double precision NOT NULL CHECK (area_m2 >= 0),
      PRIMARY KEY (change_id, scope, scope_code, from_class, to_class)
    )`.execute(db);
  // where the land cover changed (from_class <> to_class), per grid cell of the computation: the
  // change layer of the map (GET /v1/land-cover/change/areas), never one province-wide geometry
  await sql`
    CREATE TABLE land_cover_change_areas (
      change_id   bigint NOT NULL REFERENCES land_cover_changes(id) ON DELETE CASCADE,
      cell        integer NOT NULL,
      from_class  text NOT NULL,
      to_class    text NOT NULL,
      area_m2     double precision NOT NULL,
      geom        geometry(MultiPolygon, 4326) NOT NULL,
      PRIMARY KEY (change_id, cell, from_class, to_class),
      CHECK (from_class <> to_class)
    )`.execute(db);
  await sql`CREATE INDEX land_cover_change_areas_geom_idx ON land_cover_change_areas USING gist (geom)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['land_cover_change_areas', 'land_cover_transitions', 'land_cover_changes']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(t)} CASCADE`.execute(db);
  }
}
