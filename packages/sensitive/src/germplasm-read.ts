import type { RawBuilder } from '@biomon/db';
import { sql } from '@biomon/db';
import { looksLikeCoordinate } from './text';
import { seesExact, type Viewer } from './viewer';

/**
 * Germplasm accessions (MCPD v2.1 passports, @biomon/germplasm) as a viewer sees them (BRIEF §8,
 * issue 20). The collecting site of an accession of a sensitive taxon (flagged in the checklist, an
 * ancestor flagged, a genus that holds one, or a name that matched nothing — fail closed; sticky once
 * so) tells where the plant grows wild: for every viewer below evaluator it is the centre of its grid
 * cell (`cell_m`, stored with the row by the writer), COORDUNCERT is raised to cover the cell, and
 * the descriptors that describe the place — COLLSITE, ELEVATION, REMARKS, LATITUDE/LONGITUDE (DMS),
 * GEOREFMETH — are withheld, as is any descriptor outside the standard. Free-text names that look like
 * a coordinate are withheld too. Institutions are public places and are shown as registered.
 */

/** The descriptors a generalised accession keeps (besides DECLATITUDE/DECLONGITUDE/COORDUNCERT, computed here). */
export const GENERALISED_PASSPORT_FIELDS = [
  'PUID',
  'INSTCODE',
  'ACCENUMB',
  'COLLNUMB',
  'COLLCODE',
  'COLLNAME',
  'COLLINSTADDRESS',
  'COLLMISSID',
  'GENUS',
  'SPECIES',
  'SPAUTHOR',
  'SUBTAXA',
  'SUBTAUTHOR',
  'CROPNAME',
  'ACCENAME',
  'ACQDATE',
  'ORIGCTY',
  'COORDDATUM',
  'COLLDATE',
  'BREDCODE',
  'BREDNAME',
  'SAMPSTAT',
  'ANCEST',
  'COLLSRC',
  'DONORCODE',
  'DONORNAME',
  'DONORNUMB',
  'OTHERNUMB',
  'DUPLSITE',
  'DUPLINSTNAME',
  'STORAGE',
  'MLSSTAT',
  'DOMAIN',
] as const;

/** Descriptors of free text that may carry a place: withheld when they look like a coordinate. */
const FREE_TEXT = new Set(['COLLNAME', 'COLLINSTADDRESS', 'COLLMISSID', 'ACCENAME', 'BREDNAME', 'ANCEST', 'DONORNAME', 'DUPLINSTNAME', 'CROPNAME', 'COLLNUMB']);

export const PASSPORT_GENERALISATION = '采集地已泛化至 10 公里网格中心 Collecting site generalised to the centre of its 10 km grid cell';
export const PASSPORT_WITHHELD = '采集地点描述、海拔、备注已隐去 COLLSITE, ELEVATION, REMARKS and the DMS coordinates withheld';

/**
 * The generalisation cell of an accession row (`a`) for viewers below evaluator, NULL when it is
 * shown exactly: the largest of the cell stored when it was written (sticky), the cell its taxon has
 * in the checklist now (a flag set after the write applies at once) and 10 km for a name that
 * matched nothing (fail closed).
 */
export function accessionCell(a = sql`a`): RawBuilder<number | null> {
  return sql<
    number | null
  >`(SELECT max(c) FROM (VALUES (${a}.cell_m), (biomon_taxon_cell(${a}.taxon_id)), (CASE WHEN ${a}.taxon_id IS NULL THEN 10000 END)) v(c))`;
}

/**
 * Whether an accession row (`a`) is generalised for the viewer, its cell (NULL for viewers who see it
 * exactly) and the position shown (SQL over `a.cell_m`, `a.taxon_id` and `a.geom`). Filters and
 * bounding boxes of public reads apply to this position.
 */
export function accessionShown(
  viewer: Viewer,
  a = sql`a`,
): { generalised: RawBuilder<boolean>; location: RawBuilder<unknown>; cellM: RawBuilder<number | null> } {
  if (seesExact(viewer)) return { generalised: sql<boolean>`false`, location: sql`${a}.geom`, cellM: sql<null>`NULL::int` };
  const cellM = accessionCell(a);
  return {
    generalised: sql<boolean>`(${cellM} IS NOT NULL)`,
    cellM,
    location: sql`(CASE WHEN ${cellM} IS NOT NULL AND ${a}.geom IS NOT NULL THEN biomon_cell_centre(${a}.geom, ${cellM}) ELSE ${a}.geom END)`,
  };
}

export interface AccessionRow {
  passport: Record<string, string>;
  /** whether this viewer sees it generalised (from accessionShown) */
  generalised: boolean;
  /** the position shown (from accessionShown), or null when the accession has no collecting site */
  lon: number | null;
  lat: number | null;
  cellM: number | null;
}

export interface PassportShown {
  passport: Record<string, string>;
  generalised: boolean;
  dataGeneralizations: string | null;
  informationWithheld: string | null;
}

const round6 = (x: number) => String(Math.round(x * 1e6) / 1e6);

/** The passport the viewer may see: the whole passport, or the allow-list with the cell centre. */
export function projectPassport(row: AccessionRow): PassportShown {
  if (!row.generalised) return { passport: row.passport, generalised: false, dataGeneralizations: null, informationWithheld: null };
  const out: Record<string, string> = {};
  for (const k of GENERALISED_PASSPORT_FIELDS) {
    const v = row.passport[k];
    if (v === undefined) continue;
    if (FREE_TEXT.has(k) && looksLikeCoordinate(v)) continue;
    out[k] = v;
  }
  if (row.lon !== null && row.lat !== null) {
    out.DECLATITUDE = round6(row.lat);
    out.DECLONGITUDE = round6(row.lon);
    // half the cell's diagonal: the true site lies within it
    out.COORDUNCERT = String(Math.ceil(((row.cellM ?? 10_000) * Math.SQRT2) / 2));
    out.COORDDATUM = 'WGS84';
  }
  return { passport: out, generalised: true, dataGeneralizations: PASSPORT_GENERALISATION, informationWithheld: PASSPORT_WITHHELD };
}
