import { sql, type Kysely } from 'kysely';

// Frozen. Land-cover change between two land-cover RASTER versions (issue 18, task 27): the same
// change rows and transition rows as the vector pairs of 0018, keyed by a pair of raster datasets.
//
// - land_cover_changes.source: 'vector' (from/to_dataset_id: layer_datasets) or 'raster'
//   (from/to_raster_id: raster_datasets of kind land-cover); exactly one pair is set
// - the uniqueness of a change becomes (source, from/to dataset ids, from/to raster ids, regions,
//   protected areas), NULLS NOT DISTINCT: a vector row's key is what it was, (from, to, regions,
//   protected areas), since its raster ids are always null; a raster row's dataset ids are null
// - land_cover_change_areas.cell of a raster change is the 256 × 256 pixel block of the `from` grid

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE land_cover_changes
      ADD COLUMN source text NOT NULL DEFAULT 'vector' CHECK (source IN ('vector', 'raster')),
      ADD COLUMN from_raster_id bigint REFERENCES raster_datasets(id) ON DELETE CASCADE,
      ADD COLUMN to_raster_id bigint REFERENCES raster_datasets(id) ON DELETE CASCADE,
      ALTER COLUMN from_dataset_id DROP NOT NULL,
      ALTER COLUMN to_dataset_id DROP NOT NULL`.execute(db);
  await sql`
    ALTER TABLE land_cover_changes ADD CONSTRAINT land_cover_changes_source_pair CHECK (
      (source = 'vector' AND from_dataset_id IS NOT NULL AND to_dataset_id IS NOT NULL AND from_raster_id IS NULL AND to_raster_id IS NULL)
      OR (source = 'raster' AND from_raster_id IS NOT NULL AND to_raster_id IS NOT NULL AND from_raster_id <> to_raster_id
          AND from_dataset_id IS NULL AND to_dataset_id IS NULL))`.execute(db);
  // the one unique constraint of 0018 (its name was chosen by PostgreSQL)
  await sql`
    DO $$
    DECLARE c text;
    BEGIN
      FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'land_cover_changes'::regclass AND contype = 'u' LOOP
        EXECUTE format('ALTER TABLE land_cover_changes DROP CONSTRAINT %I', c);
      END LOOP;
    END $$`.execute(db);
  await sql`
    ALTER TABLE land_cover_changes ADD CONSTRAINT land_cover_changes_key
      UNIQUE NULLS NOT DISTINCT (source, from_dataset_id, to_dataset_id, from_raster_id, to_raster_id, regions_dataset_id, pa_dataset_id)`.execute(db);
  await sql`CREATE INDEX land_cover_changes_raster_pair_idx ON land_cover_changes (from_raster_id, to_raster_id, id DESC) WHERE source = 'raster'`.execute(db);
  // every foreign key has an index led by its columns (0020's rule): a raster delete cascades here
  await sql`CREATE INDEX land_cover_changes_to_raster_idx ON land_cover_changes (to_raster_id) WHERE to_raster_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DELETE FROM land_cover_changes WHERE source = 'raster'`.execute(db);
  await sql`DROP INDEX IF EXISTS land_cover_changes_to_raster_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS land_cover_changes_raster_pair_idx`.execute(db);
  await sql`ALTER TABLE land_cover_changes DROP CONSTRAINT IF EXISTS land_cover_changes_key`.execute(db);
  await sql`ALTER TABLE land_cover_changes DROP CONSTRAINT IF EXISTS land_cover_changes_source_pair`.execute(db);
  await sql`
    ALTER TABLE land_cover_changes
      DROP COLUMN source, DROP COLUMN from_raster_id, DROP COLUMN to_raster_id,
      ALTER COLUMN from_dataset_id SET NOT NULL, ALTER COLUMN to_dataset_id SET NOT NULL`.execute(db);
  await sql`
    ALTER TABLE land_cover_changes ADD CONSTRAINT land_cover_changes_from_dataset_id_to_dataset_id_regions_da_key
      UNIQUE NULLS NOT DISTINCT (from_dataset_id, to_dataset_id, regions_dataset_id, pa_dataset_id)`.execute(db);
}
