import { sql, type Kysely } from 'kysely';

// Frozen. Genetic resources and germplasm registry (issue 20; ledger tasks 19, 25, 26, 36):
// holding institutions (seed banks, botanical gardens, breeding farms, culture collections, rescue
// centres) and their accessions, described by the FAO/Bioversity Multi-Crop Passport Descriptors
// (MCPD v2.1, 2015).
//
// - germplasm_institutions: one row per holder, keyed by its code (MCPD INSTCODE, the FAO WIEWS code
//   such as CHN001, or a provincial code such as JL-GB-001); type and an optional location.
// - germplasm_accessions: one row per (INSTCODE, ACCENUMB), the idempotency key of every write.
//   `passport` holds every MCPD descriptor as written (normalised text, the standard's names), the
//   typed columns beside it serve filters and the ex-situ coverage indicators. `storage` is the
//   multi-value STORAGE as integers. `taxon_id` is the checklist match of GENUS SPECIES [SUBTAXA]
//   (as occurrences are matched). `cell_m` is not null when the collecting site is generalised for
//   viewers below evaluator (a sensitive taxon, an unmatched name, or ever so: sticky), and
//   `ever_sensitive` keeps that once set. `content_hash` tells an unchanged re-import apart.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE germplasm_institutions (
      id           serial PRIMARY KEY,
      code         text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
      name         text NOT NULL,
      name_en      text,
      type         text NOT NULL CHECK (type IN ('seed_bank', 'botanical_garden', 'breeding_farm', 'culture_collection', 'rescue_centre', 'field_genebank', 'other')),
      location     geometry(Point, 4326),
      address      text,
      department   text,
      created_at   timestamptz NOT NULL DEFAULT now(),
      updated_at   timestamptz NOT NULL DEFAULT now(),
      created_by   text
    )`.execute(db);
  await sql`CREATE INDEX germplasm_institutions_location_idx ON germplasm_institutions USING gist (location)`.execute(db);

  await sql`
    CREATE TABLE germplasm_accessions (
      id               bigserial PRIMARY KEY,
      instcode         text NOT NULL REFERENCES germplasm_institutions(code) ON UPDATE CASCADE,
      accenumb         text NOT NULL,
      domain           text NOT NULL CHECK (domain IN ('crop', 'livestock', 'aquatic', 'wild_plant', 'medicinal_plant', 'microbial')),
      scientific_name  text NOT NULL,
      taxon_id         integer REFERENCES taxa(id),
      taxon_match      text NOT NULL CHECK (taxon_match IN ('exact', 'synonym', 'chinese', 'infraspecific', 'higherrank', 'fuzzy', 'none')),
      cropname         text,
      sampstat         integer CHECK (sampstat BETWEEN 100 AND 999),
      storage          integer[] NOT NULL DEFAULT '{}',
      mlsstat          smallint CHECK (mlsstat IN (0, 1)),
      origcty          text,
      acqdate          text,
      colldate         text,
      geom             geometry(Point, 4326),
      passport         jsonb NOT NULL,
      cell_m           integer CHECK (cell_m >= 1000),
      ever_sensitive   boolean NOT NULL DEFAULT false,
      content_hash     text NOT NULL,
      import_id        uuid,
      version          integer NOT NULL DEFAULT 1,
      created_at       timestamptz NOT NULL DEFAULT now(),
      updated_at       timestamptz NOT NULL DEFAULT now(),
      created_by       text,
      UNIQUE (instcode, accenumb)
    )`.execute(db);
  await sql`CREATE INDEX germplasm_accessions_taxon_idx ON germplasm_accessions (taxon_id)`.execute(db);
  await sql`CREATE INDEX germplasm_accessions_domain_idx ON germplasm_accessions (domain)`.execute(db);
  await sql`CREATE INDEX germplasm_accessions_storage_idx ON germplasm_accessions USING gin (storage)`.execute(db);
  await sql`CREATE INDEX germplasm_accessions_geom_idx ON germplasm_accessions USING gist (geom)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS germplasm_accessions`.execute(db);
  await sql`DROP TABLE IF EXISTS germplasm_institutions`.execute(db);
}
