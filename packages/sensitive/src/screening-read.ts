import { SMALL_COUNT } from './aggregates';
import { seesExact, type Viewer } from './viewer';

/**
 * Project impact screenings (issue 19) as a viewer sees them. The stored result holds exact values:
 * for every protected or sensitive species near the footprint, each qualifying record's distance to
 * the footprint (`d`, metres, from the point), the distance of its 10 km grid cell (`cd`, metres, from
 * the cell's polygon — BRIEF §8 grid) and whether the record is generalised for viewers below
 * evaluator (`g`: a sensitive taxon, a sensitive event, an unmatched name …). This file turns them
 * into what the viewer may see — the one place that decides it, for the JSON and the HTML report:
 *
 * - evaluators and admins (seesExact): per buffer the records and the nearest distance, for every
 *   species, and the bands;
 * - everyone else: a species that is sensitive (its taxon is flagged, or one of its records whose
 *   cell lies within the widest band is generalised) is shown only by fixed distance band — within
 *   1 / 5 / 10 km, measured from the records' 10 km cells, never from the points — with counts
 *   under 3 as "<3" and no distance at all; several small footprints then learn nothing but cells.
 *   Other species show per buffer their records that are not generalised, with the nearest
 *   distance; a generalised record farther out is counted nowhere.
 */

/** The fixed bands of sensitive species, km (issue 19). */
export const SCREENING_BANDS_KM = [1, 5, 10] as const;
/** The grid cell bands are measured from (BRIEF §8: 10 km cells), metres. */
export const SCREENING_BAND_CELL_M = 10_000;

/** One qualifying record near the footprint, as stored (exact). */
export interface ScreeningRecord {
  /** distance of the point to the footprint, m (0 inside) */
  d: number;
  /** distance of its 10 km cell polygon to the footprint, m */
  cd: number;
  /** generalised for viewers below evaluator */
  g: boolean;
  /** its 10 km cell: "10000:col:row" */
  c: string;
}

export interface ScreeningSpeciesStored {
  scientificName: string;
  chineseName: string | null;
  protectionClass: string | null;
  /** the taxon (or an ancestor) is flagged sensitive */
  taxonSensitive: boolean;
  records: ScreeningRecord[];
}

export type Count = number | '<3';

export interface ScreeningBand {
  km: number;
  records: Count;
}

/** A species as the viewer sees it. */
export interface ScreeningSpeciesOut {
  scientificName: string;
  chineseName: string | null;
  protectionClass: string | null;
  /** shown by band only (below evaluator), or marked sensitive (evaluators) */
  sensitive: boolean;
  /** per requested buffer: records within it and the nearest distance (m); absent when shown by band only */
  buffers?: { km: number; records: number; nearestM: number | null }[];
  nearestM?: number | null;
  /** the nearest fixed band (1, 5, 10 km) that one of its cells lies within; null: none within 10 km */
  nearestBandKm: number | null;
  /** records whose cell lies within each fixed band (cumulative) */
  bands: ScreeningBand[];
  /** the 10 km cells of the records within the widest band (the map draws only these) */
  cells: string[];
}

const round1 = (m: number) => Math.round(m * 10) / 10;

function smallCount(n: number): Count {
  return n > 0 && n < SMALL_COUNT ? '<3' : n;
}

function bandsOf(records: ScreeningRecord[], masked: boolean): { bands: ScreeningBand[]; nearestBandKm: number | null; cells: string[] } {
  const bands = SCREENING_BANDS_KM.map((km) => {
    const n = records.filter((r) => r.cd <= km * 1000).length;
    return { km, records: masked ? smallCount(n) : n };
  });
  const nearest = SCREENING_BANDS_KM.find((km) => records.some((r) => r.cd <= km * 1000)) ?? null;
  const widest = SCREENING_BANDS_KM[SCREENING_BANDS_KM.length - 1] * 1000;
  const cells = [...new Set(records.filter((r) => r.cd <= widest).map((r) => r.c))].sort();
  return { bands, nearestBandKm: nearest, cells };
}

function perBuffer(
  records: ScreeningRecord[],
  buffersKm: number[],
): { buffers: { km: number; records: number; nearestM: number | null }[]; nearestM: number | null } {
  const buffers = buffersKm.map((km) => {
    const inside = records.filter((r) => r.d <= km * 1000);
    return { km, records: inside.length, nearestM: inside.length ? round1(Math.min(...inside.map((r) => r.d))) : null };
  });
  const nearestM = records.length ? round1(Math.min(...records.map((r) => r.d))) : null;
  return { buffers, nearestM };
}

/**
 * Whether a species is shown by band only below evaluator: its taxon is sensitive, or a record whose
 * cell is within the widest band is generalised (a decision made from cells, never from points).
 */
export function shownByBand(s: ScreeningSpeciesStored): boolean {
  const widest = SCREENING_BANDS_KM[SCREENING_BANDS_KM.length - 1] * 1000;
  return s.taxonSensitive || s.records.some((r) => r.g && r.cd <= widest);
}

/** The species of a stored screening as the viewer sees them (see the file's comment). */
export function projectScreeningSpecies(species: ScreeningSpeciesStored[], buffersKm: number[], viewer: Viewer): ScreeningSpeciesOut[] {
  const exact = seesExact(viewer);
  const maxKm = Math.max(...buffersKm);
  const out: ScreeningSpeciesOut[] = [];
  for (const s of species) {
    const base = { scientificName: s.scientificName, chineseName: s.chineseName, protectionClass: s.protectionClass };
    const byBand = shownByBand(s);
    if (exact) {
      const b = bandsOf(s.records, false);
      const pb = perBuffer(s.records, buffersKm);
      if (!pb.buffers.some((x) => x.records > 0) && b.nearestBandKm === null) continue;
      out.push({ ...base, sensitive: byBand, ...pb, ...b });
    } else if (byBand) {
      const b = bandsOf(s.records, true);
      if (b.nearestBandKm === null) continue;
      out.push({ ...base, sensitive: true, ...b });
    } else {
      // not generalised anywhere near: the records that are shown exactly, by their points
      const shown = s.records.filter((r) => !r.g);
      const pb = perBuffer(shown, buffersKm);
      if (!shown.some((r) => r.d <= maxKm * 1000)) continue;
      out.push({ ...base, sensitive: false, ...pb, ...bandsOf(shown, false) });
    }
  }
  return out.sort(
    (a, b) =>
      (a.protectionClass ?? 'Z').localeCompare(b.protectionClass ?? 'Z') ||
      (a.nearestBandKm ?? 99) - (b.nearestBandKm ?? 99) ||
      a.scientificName.localeCompare(b.scientificName),
  );
}

/** Whether the viewer sees a screening's exact distances of sensitive species. */
export function seesScreeningExact(viewer: Viewer): boolean {
  return seesExact(viewer);
}
