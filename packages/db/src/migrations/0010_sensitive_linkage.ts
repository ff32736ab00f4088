import { sql, type Kysely } from 'kysely';

// Frozen. Sensitive locations that survive linkage (BRIEF §8, issue 14).
//
// - Each occurrence stores what the public may see of its place, written with the row: whether it is
//   generalised, the cell, its public position (the cell centre, or the point), and the regions,
//   priority area and protected-area flag of that position. A public bbox is then one index scan.
// - `ever_sensitive` is sticky: a record that was once of a sensitive taxon, or once in a sensitive
//   event, stays generalised (its occurrenceID was shown at a cell; showing it later at a point would
//   tie the two together) and its public history shows no values.
// - `sensitive_events`: events that hold or ever held a sensitive record (and small parents of
//   them); sticky. Keyed by eventID, so records that arrive before their event count too.
// - Taxa get genus and family entries (rank genus/family) so that "Panthera sp." or "豹属" match a
//   taxon, flagged sensitive when the group contains a sensitive taxon; `taxon_match` gains
//   'higherrank'.
// - Owners: the station that created a record or event (`owner_station`); imports keep the role and
//   station of the token that uploaded them.
// - `platform_secrets`: secrets generated once and shared by every process (the cursor key).

const GRID_SRID = 990001;

export async function up(db: Kysely<any>): Promise<void> {
  // ---- taxa: higher ranks --------------------------------------------------------------------
  await sql`ALTER TABLE taxa DROP CONSTRAINT IF EXISTS taxa_rank_check`.execute(db);
  await sql`ALTER TABLE taxa ADD CONSTRAINT taxa_rank_check CHECK (rank IN ('species', 'subspecies', 'variety', 'form', 'genus', 'family'))`.execute(db);
  await sql`ALTER TABLE occurrences DROP CONSTRAINT IF EXISTS occurrences_taxon_match_check`.execute(db);
  await sql`ALTER TABLE occurrences ADD CONSTRAINT occurrences_taxon_match_check CHECK (taxon_match IN ('exact', 'synonym', 'chinese', 'infraspecific', 'higherrank', 'fuzzy', 'none'))`.execute(
    db,
  );

  // The generalisation cell of a taxon: the largest cell of the taxon and its ancestors (parent_id:
  // form/variety → subspecies → species; three levels) that are flagged sensitive; NULL when none is.
  // Plain joins, no recursion: it runs once per written row.
  await sql`
    CREATE FUNCTION biomon_taxon_cell(p_taxon integer) RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT (SELECT max(x.cell) FROM (VALUES (t.sensitive, t.generalize_cell_m), (p.sensitive, p.generalize_cell_m), (g.sensitive, g.generalize_cell_m)) x(s, cell) WHERE x.s)::int
      FROM taxa t LEFT JOIN taxa p ON p.id = t.parent_id LEFT JOIN taxa g ON g.id = p.parent_id
      WHERE t.id = p_taxon
    $$`.execute(db);

  // ---- sensitive events ------------------------------------------------------------------------
  await sql`
    CREATE TABLE sensitive_events (
      event_id   text PRIMARY KEY,
      cell_m     integer NOT NULL CHECK (cell_m >= 1000),
      reason     text NOT NULL CHECK (reason IN ('record', 'child')),
      marked_at  timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // The point whose cell stands for a generalised event: the point itself, the first point of a
  // line (transect), the centroid of a polygon (plot).
  await sql`
    CREATE FUNCTION biomon_representative_point(g geometry) RETURNS geometry
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE
        WHEN g IS NULL OR ST_IsEmpty(g) THEN NULL
        WHEN GeometryType(g) = 'POINT' THEN g
        WHEN GeometryType(g) = 'MULTIPOINT' THEN ST_GeometryN(g, 1)
        WHEN GeometryType(g) = 'LINESTRING' THEN ST_StartPoint(g)
        WHEN GeometryType(g) = 'MULTILINESTRING' THEN ST_StartPoint(ST_GeometryN(g, 1))
        WHEN GeometryType(g) IN ('POLYGON', 'MULTIPOLYGON') THEN ST_Centroid(g)
        ELSE ST_PointOnSurface(g) END
    $$`.execute(db);

  // Whether a footprint is smaller than a grid cell: its extent in the grid's equal-area metres is
  // below the cell size both ways.
  await sql`
    CREATE FUNCTION biomon_fits_in_cell(g geometry, cell_m double precision) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT g IS NOT NULL AND NOT ST_IsEmpty(g) AND (ST_XMax(b) - ST_XMin(b)) < cell_m AND (ST_YMax(b) - ST_YMin(b)) < cell_m
      FROM (SELECT ST_Transform(g, ${sql.lit(GRID_SRID)})::box2d AS b) s
    $$`.execute(db);

  // ---- occurrences: the public position, written with the row --------------------------------------
  await sql`
    ALTER TABLE occurrences
      ADD COLUMN generalised           boolean NOT NULL DEFAULT false,
      ADD COLUMN ever_sensitive        boolean NOT NULL DEFAULT false,
      ADD COLUMN cell_m                integer CHECK (cell_m >= 1000),
      ADD COLUMN public_geom           geometry(Point, 4326),
      ADD COLUMN public_region_codes   text[] NOT NULL DEFAULT '{}',
      ADD COLUMN public_priority_area  text,
      ADD COLUMN public_in_counted_pa  boolean NOT NULL DEFAULT false,
      ADD COLUMN owner_station         text`.execute(db);
  await sql`ALTER TABLE survey_events ADD COLUMN owner_station text`.execute(db);
  await sql`ALTER TABLE imports ADD COLUMN role text, ADD COLUMN station_id text`.execute(db);

  // Backfill (a frozen copy of the rules of @biomon/sensitive at the time of writing).
  await sql`
    INSERT INTO sensitive_events (event_id, cell_m, reason)
    SELECT o.event_id, max(biomon_taxon_cell(o.taxon_id)), 'record' FROM occurrences o
    WHERE o.event_id IS NOT NULL AND biomon_taxon_cell(o.taxon_id) IS NOT NULL
    GROUP BY o.event_id`.execute(db);
  await sql`
    UPDATE occurrences o SET
      ever_sensitive = s.ever, cell_m = s.cell, generalised = s.cell IS NOT NULL,
      public_geom = CASE WHEN s.cell IS NULL THEN o.geom ELSE biomon_cell_centre(o.geom, s.cell) END
    FROM (
      SELECT x.id, (x.tc IS NOT NULL OR x.ec IS NOT NULL) AS ever,
        CASE WHEN x.tc IS NOT NULL OR x.ec IS NOT NULL THEN greatest(x.tc, x.ec) WHEN x.taxon_id IS NULL THEN 10000 END AS cell
      FROM (SELECT o2.id, o2.taxon_id, biomon_taxon_cell(o2.taxon_id) AS tc, se.cell_m AS ec
            FROM occurrences o2 LEFT JOIN sensitive_events se ON se.event_id = o2.event_id) x
    ) s WHERE s.id = o.id`.execute(db);
  // The regions of a generalised row's cell centre (the others: their own)
  await sql`
    WITH reg AS (SELECT id FROM layer_datasets WHERE kind = 'regions' ORDER BY vintage_year DESC, id DESC LIMIT 1),
         pa AS (SELECT id FROM layer_datasets WHERE kind = 'protected-areas' ORDER BY vintage_year DESC, id DESC LIMIT 1)
    UPDATE occurrences o SET
      public_region_codes = CASE WHEN NOT o.generalised THEN o.region_codes ELSE coalesce((
        SELECT array_agg(DISTINCT r.code ORDER BY r.code) FROM regions r WHERE r.dataset_id = (SELECT id FROM reg) AND r.level <> 'priority_area' AND ST_Intersects(r.geom, o.public_geom)), '{}') END,
      public_priority_area = CASE WHEN NOT o.generalised THEN o.priority_area ELSE (
        SELECT r.code FROM regions r WHERE r.dataset_id = (SELECT id FROM reg) AND r.level = 'priority_area' AND ST_Intersects(r.geom, o.public_geom) ORDER BY r.code LIMIT 1) END,
      public_in_counted_pa = CASE WHEN NOT o.generalised THEN o.in_counted_pa ELSE EXISTS (
        SELECT 1 FROM protected_areas p WHERE p.dataset_id = (SELECT id FROM pa) AND p.status = 'designated' AND p.designation <> 'biosphere_reserve'
          AND (p.established_year IS NULL OR p.established_year <= extract(year FROM now())) AND ST_Intersects(p.geom, o.public_geom)) END`.execute(db);
  await sql`ALTER TABLE occurrences ALTER COLUMN public_geom SET NOT NULL`.execute(db);
  await sql`CREATE INDEX occurrences_public_geom_idx ON occurrences USING gist (public_geom)`.execute(db);
  await sql`CREATE INDEX occurrences_public_regions_idx ON occurrences USING gin (public_region_codes)`.execute(db);
  await sql`CREATE INDEX occurrences_public_priority_idx ON occurrences (public_priority_area)`.execute(db);
  await sql`CREATE INDEX occurrences_priority_idx ON occurrences (priority_area)`.execute(db);

  // ---- secrets shared by every process -----------------------------------------------------------
  await sql`
    CREATE TABLE platform_secrets (
      name        text PRIMARY KEY,
      value       bytea NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS platform_secrets`.execute(db);
  for (const idx of ['occurrences_public_geom_idx', 'occurrences_public_regions_idx', 'occurrences_public_priority_idx', 'occurrences_priority_idx']) {
    await sql`DROP INDEX IF EXISTS ${sql.ref(idx)}`.execute(db);
  }
  await sql`ALTER TABLE imports DROP COLUMN IF EXISTS role, DROP COLUMN IF EXISTS station_id`.execute(db);
  await sql`ALTER TABLE survey_events DROP COLUMN IF EXISTS owner_station`.execute(db);
  await sql`
    ALTER TABLE occurrences DROP COLUMN IF EXISTS generalised, DROP COLUMN IF EXISTS ever_sensitive, DROP COLUMN IF EXISTS cell_m,
      DROP COLUMN IF EXISTS public_geom, DROP COLUMN IF EXISTS public_region_codes, DROP COLUMN IF EXISTS public_priority_area,
      DROP COLUMN IF EXISTS public_in_counted_pa, DROP COLUMN IF EXISTS owner_station`.execute(db);
  await sql`DROP FUNCTION IF EXISTS biomon_fits_in_cell(geometry, double precision)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS biomon_representative_point(geometry)`.execute(db);
  await sql`DROP TABLE IF EXISTS sensitive_events`.execute(db);
  await sql`DROP FUNCTION IF EXISTS biomon_taxon_cell(integer)`.execute(db);
  await sql`ALTER TABLE occurrences DROP CONSTRAINT IF EXISTS occurrences_taxon_match_check`.execute(db);
  await sql`ALTER TABLE occurrences ADD CONSTRAINT occurrences_taxon_match_check CHECK (taxon_match IN ('exact', 'synonym', 'chinese', 'infraspecific', 'fuzzy', 'none'))`.execute(
    db,
  );
  await sql`ALTER TABLE taxa DROP CONSTRAINT IF EXISTS taxa_rank_check`.execute(db);
  await sql`ALTER TABLE taxa ADD CONSTRAINT taxa_rank_check CHECK (rank IN ('species', 'subspecies', 'variety', 'form'))`.execute(db);
}
