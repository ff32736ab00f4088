import type { DbOrTx } from '@biomon/db';
import { sql } from '@biomon/db';
import { nameKey } from '@biomon/taxa';
import { accessionShown, type Viewer } from '@biomon/sensitive';

/** The SQL of germplasm institutions and accessions (tables of migration 0014). */

export interface InstitutionValues {
  code: string;
  name: string;
  nameEn: string | null;
  type: string;
  lon: number | null;
  lat: number | null;
  address: string | null;
  department: string | null;
  createdBy: string | null;
}

/** Inserts or updates an institution by code; whether it was new. */
export async function upsertInstitution(db: DbOrTx, v: InstitutionValues): Promise<{ id: number; inserted: boolean }> {
  const r = await sql<{ id: number; inserted: boolean }>`
    INSERT INTO germplasm_institutions AS g (code, name, name_en, type, location, address, department, created_by)
    VALUES (${v.code}, ${v.name}, ${v.nameEn}, ${v.type},
      CASE WHEN ${v.lon}::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(${v.lon}::float8, ${v.lat}::float8), 4326) END,
      ${v.address}, ${v.department}, ${v.createdBy})
    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, type = EXCLUDED.type, location = EXCLUDED.location,
      address = EXCLUDED.address, department = EXCLUDED.department, updated_at = now()
    RETURNING id, (xmax = 0) AS inserted`.execute(db);
  return r.rows[0];
}

export interface InstitutionRow {
  code: string;
  name: string;
  name_en: string | null;
  type: string;
  lon: number | null;
  lat: number | null;
  address: string | null;
  department: string | null;
  accessions: number;
  living_accessions: number;
  taxa: number;
}

export async function listInstitutions(db: DbOrTx, q: { type?: string; code?: string }): Promise<InstitutionRow[]> {
  const r = await sql<InstitutionRow>`
    SELECT i.code, i.name, i.name_en, i.type, ST_X(i.location) AS lon, ST_Y(i.location) AS lat, i.address, i.department,
      coalesce(c.n, 0)::int AS accessions, coalesce(c.living, 0)::int AS living_accessions, coalesce(c.taxa, 0)::int AS taxa
    FROM germplasm_institutions i
    LEFT JOIN LATERAL (
      SELECT count(*) AS n, count(*) FILTER (WHERE a.storage && ${sql.raw(`ARRAY[10,11,12,13,20,30,40]`)}) AS living, count(DISTINCT a.taxon_id) AS taxa
      FROM germplasm_accessions a WHERE a.instcode = i.code
    ) c ON true
    WHERE ${q.type ? sql`i.type = ${q.type}` : sql`true`} AND ${q.code ? sql`i.code = ${q.code}` : sql`true`}
    ORDER BY i.code`.execute(db);
  return r.rows;
}

/** Which of these institution codes are registered. */
export async function knownInstitutionCodes(db: DbOrTx, codes: string[]): Promise<Set<string>> {
  if (!codes.length) return new Set();
  const r = await sql<{ code: string }>`SELECT code FROM germplasm_institutions WHERE code = ANY(${codes}::text[])`.execute(db);
  return new Set(r.rows.map((x) => x.code));
}

export interface AccessionValues {
  instcode: string;
  accenumb: string;
  domain: string;
  scientificName: string;
  taxonId: number | null;
  taxonMatch: string;
  cropname: string | null;
  sampstat: number | null;
  storage: number[];
  mlsstat: number | null;
  origcty: string | null;
  acqdate: string | null;
  colldate: string | null;
  lon: number | null;
  lat: number | null;
  passport: string;
  contentHash: string;
}

/**
 * Upserts accessions by (INSTCODE, ACCENUMB) in one statement; a row whose content hash is the
 * stored one is left alone (unchanged). The generalisation cell is decided here: the taxon's cell
 * (biomon_taxon_cell: the taxon or an ancestor flagged sensitive, a genus that holds one) or 10 km
 * for a name that matched nothing; once set it stays (sticky, the larger cell kept).
 * Keys must be distinct within the call.
 */
export async function upsertAccessions(
  tx: DbOrTx,
  rows: AccessionValues[],
  meta: { importId: string | null; createdBy: string | null; defaultCellM: number },
): Promise<{ inserted: number; updated: number }> {
  if (!rows.length) return { inserted: 0, updated: 0 };
  const col = <T>(f: (r: AccessionValues) => T) => rows.map(f);
  const r = await sql<{ inserted: boolean }>`
    INSERT INTO germplasm_accessions AS g (instcode, accenumb, domain, scientific_name, taxon_id, taxon_match, cropname, sampstat, storage, mlsstat,
      origcty, acqdate, colldate, geom, passport, cell_m, ever_sensitive, content_hash, import_id, created_by)
    SELECT i.instcode, i.accenumb, i.domain, i.sci, i.taxon_id, i.taxon_match, i.cropname, i.sampstat, i.storage::int[], i.mlsstat,
      i.origcty, i.acqdate, i.colldate,
      CASE WHEN i.lon IS NULL OR i.lat IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(i.lon, i.lat), 4326) END,
      i.passport::jsonb, c.cell, c.cell IS NOT NULL, i.hash, ${meta.importId}::uuid, ${meta.createdBy}
    FROM unnest(${col((r) => r.instcode)}::text[], ${col((r) => r.accenumb)}::text[], ${col((r) => r.domain)}::text[], ${col((r) => r.scientificName)}::text[],
      ${col((r) => r.taxonId)}::int[], ${col((r) => r.taxonMatch)}::text[], ${col((r) => r.cropname)}::text[], ${col((r) => r.sampstat)}::int[],
      ${col((r) => `{${r.storage.join(',')}}`)}::text[], ${col((r) => r.mlsstat)}::int[], ${col((r) => r.origcty)}::text[], ${col((r) => r.acqdate)}::text[],
      ${col((r) => r.colldate)}::text[], ${col((r) => r.lon)}::float8[], ${col((r) => r.lat)}::float8[], ${col((r) => r.passport)}::text[], ${col((r) => r.contentHash)}::text[])
      AS i(instcode, accenumb, domain, sci, taxon_id, taxon_match, cropname, sampstat, storage, mlsstat, origcty, acqdate, colldate, lon, lat, passport, hash)
    -- the taxon cell once per distinct taxon (a chunk of 2,000 accessions names a handful)
    LEFT JOIN (SELECT x.id, biomon_taxon_cell(x.id) AS cell FROM (SELECT DISTINCT unnest(${[...new Set(rows.map((r) => r.taxonId).filter((x): x is number => x !== null))]}::int[]) AS id) x) tc
      ON tc.id = i.taxon_id
    CROSS JOIN LATERAL (SELECT CASE WHEN i.taxon_id IS NULL THEN ${meta.defaultCellM}::int ELSE tc.cell END AS cell) c
    ON CONFLICT (instcode, accenumb) DO UPDATE SET
      domain = EXCLUDED.domain, scientific_name = EXCLUDED.scientific_name, taxon_id = EXCLUDED.taxon_id, taxon_match = EXCLUDED.taxon_match,
      cropname = EXCLUDED.cropname, sampstat = EXCLUDED.sampstat, storage = EXCLUDED.storage, mlsstat = EXCLUDED.mlsstat, origcty = EXCLUDED.origcty,
      acqdate = EXCLUDED.acqdate, colldate = EXCLUDED.colldate, geom = EXCLUDED.geom, passport = EXCLUDED.passport,
      cell_m = CASE WHEN g.cell_m IS NULL THEN EXCLUDED.cell_m WHEN EXCLUDED.cell_m IS NULL THEN g.cell_m ELSE greatest(g.cell_m, EXCLUDED.cell_m) END,
      ever_sensitive = g.ever_sensitive OR EXCLUDED.ever_sensitive,
      content_hash = EXCLUDED.content_hash, import_id = EXCLUDED.import_id, version = g.version + 1, updated_at = now()
    WHERE g.content_hash IS DISTINCT FROM EXCLUDED.content_hash
    RETURNING (xmax = 0) AS inserted`.execute(tx);
  let inserted = 0;
  for (const x of r.rows) if (x.inserted) inserted++;
  return { inserted, updated: r.rows.length - inserted };
}

export interface AccessionFilter {
  taxon?: string;
  institution?: string;
  domain?: string;
  storage?: number;
  sampstat?: number;
  /** SAMPSTAT range (e.g. 100–199 wild) */
  sampstatMin?: number;
  sampstatMax?: number;
}

export interface AccessionReadRow {
  id: string;
  instcode: string;
  institution_name: string;
  domain: string;
  scientific_name: string;
  taxon_match: string;
  accepted_name: string | null;
  chinese_name: string | null;
  protection_class: string | null;
  passport: Record<string, string>;
  generalised: boolean;
  lon: number | null;
  lat: number | null;
  cell_m: number | null;
  version: number;
  updated_at: Date;
}

function whereOf(q: AccessionFilter) {
  const conds = [sql`true`];
  if (q.taxon) {
    const key = nameKey(q.taxon);
    // the taxon, its synonyms (same id) and its infraspecific taxa (two levels)
    conds.push(sql`a.taxon_id IN (
      SELECT x.id FROM taxa x LEFT JOIN taxa xp ON xp.id = x.parent_id
      WHERE x.id IN (SELECT taxon_id FROM taxon_names WHERE name_key = ${key})
         OR x.parent_id IN (SELECT taxon_id FROM taxon_names WHERE name_key = ${key})
         OR xp.parent_id IN (SELECT taxon_id FROM taxon_names WHERE name_key = ${key}))`);
  }
  if (q.institution) conds.push(sql`a.instcode = ${q.institution}`);
  if (q.domain) conds.push(sql`a.domain = ${q.domain}`);
  if (q.storage !== undefined) conds.push(sql`${q.storage}::int = ANY(a.storage)`);
  if (q.sampstat !== undefined) conds.push(sql`a.sampstat = ${q.sampstat}`);
  if (q.sampstatMin !== undefined) conds.push(sql`a.sampstat >= ${q.sampstatMin}`);
  if (q.sampstatMax !== undefined) conds.push(sql`a.sampstat <= ${q.sampstatMax}`);
  return sql.join(conds, sql` AND `);
}

/** A page of accessions in id order as the viewer sees them (the position through @biomon/sensitive). */
export async function readAccessionRows(db: DbOrTx, viewer: Viewer, q: AccessionFilter & { limit: number; afterId?: string }): Promise<AccessionReadRow[]> {
  const shown = accessionShown(viewer, sql`a`);
  const r = await sql<AccessionReadRow>`
    SELECT a.id::text AS id, a.instcode, i.name AS institution_name, a.domain, a.scientific_name, a.taxon_match,
      t.scientific_name AS accepted_name, t.chinese_name, coalesce(t.protection_class, pt.protection_class) AS protection_class,
      a.passport, ${shown.generalised} AS generalised, ST_X(p.loc) AS lon, ST_Y(p.loc) AS lat, ${shown.cellM} AS cell_m, a.version, a.updated_at
    FROM germplasm_accessions a
    JOIN germplasm_institutions i ON i.code = a.instcode
    LEFT JOIN taxa t ON t.id = a.taxon_id
    LEFT JOIN taxa pt ON pt.id = t.parent_id
    CROSS JOIN LATERAL (SELECT ${shown.location} AS loc) p
    WHERE ${whereOf(q)} AND ${q.afterId ? sql`a.id > ${q.afterId}::bigint` : sql`true`}
    ORDER BY a.id LIMIT ${q.limit}`.execute(db);
  return r.rows;
}

export async function countAccessions(db: DbOrTx, q: AccessionFilter): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM germplasm_accessions a WHERE ${whereOf(q)}`.execute(db);
  return r.rows[0].n;
}
