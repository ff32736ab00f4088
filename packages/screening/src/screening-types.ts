import type { ScreeningSpeciesOut, ScreeningSpeciesStored } from '@biomon/sensitive';

export type VerdictLevel = 'avoid' | 'mitigate' | 'proceed';

/** A protected-area feature (a whole site, or one zone of it) near the footprint. */
export interface ScreeningProtectedArea {
  paId: string;
  name: string;
  nameEn: string | null;
  designation: string;
  level: string | null;
  status: string;
  /** the zone code (core, buffer, experimental, core_control, general_control) or null: the layer gives none */
  zone: string | null;
  /** the zone as the layer names it (核心区 …) */
  zoneLabel: string | null;
  /** counted in the indicators (designated, established, not a biosphere reserve) */
  counted: boolean;
  /** area of the footprint inside it, ha (ellipsoid) */
  overlapHa: number;
  /** shortest distance to the footprint, m (0: they touch or overlap) */
  distanceM: number;
  /** per buffer: whether it lies within, and its area inside the buffer, ha */
  buffers: { km: number; within: boolean; overlapHa: number }[];
}

export interface ScreeningLandCover {
  class: string;
  natural: boolean | null;
  ha: number;
}

export interface ScreeningEcosystem {
  type: string;
  terrestrial: boolean;
  ha: number;
  /** inside the counted protected areas, ha */
  protectedHa: number;
  /** the type's protected extent in the province (from the indicator run on the same datasets), ha; null: none */
  provincialProtectedHa: number | null;
  /** share of that extent the footprint would remove, % */
  shareOfProtectedPct: number | null;
}

export interface ScreeningWetland {
  naturalHa: number;
  naturalProtectedHa: number;
  province: {
    regionCode: string;
    runId: string;
    runYear: number;
    naturalWetlandHa: number;
    protectedHa: number;
    ratePct: number | null;
    rateAfterPct: number | null;
    changePp: number | null;
  } | null;
  note: string | null;
}

export interface FiredRule {
  id: string;
  verdict: VerdictLevel;
  zh: string;
  en: string;
  /** what made it fire (names, never a distance of a sensitive species) */
  evidence: string[];
}

export interface ScreeningVerdict {
  level: VerdictLevel;
  zh: string;
  en: string;
  rulesVersion: string;
  fired: FiredRule[];
}

export interface LedgerConcern {
  no: number;
  why: string;
}
export interface IndicatorConcern {
  code: string;
  nameZh: string;
  nameEn: string;
  why: string;
}

/** Geometry kept for the report's map (lon/lat, simplified); never part of the JSON answer. */
export interface ScreeningMap {
  bbox: [number, number, number, number];
  footprint: unknown;
  buffers: { km: number; geometry: unknown }[];
  protectedAreas: { name: string; zone: string | null; geometry: unknown }[];
  /** 10 km cells by id */
  cells: Record<string, unknown>;
}

/** What the worker stores: exact values. */
export interface ScreeningResultStored {
  footprintHa: number;
  buffersKm: number[];
  speciesWindow: [number, number];
  protectedAreas: ScreeningProtectedArea[];
  species: ScreeningSpeciesStored[];
  landCover: ScreeningLandCover[];
  ecosystems: ScreeningEcosystem[];
  wetland: ScreeningWetland;
  ledgerTasks: LedgerConcern[];
  indicators: IndicatorConcern[];
  verdict: ScreeningVerdict;
  /** the indicator run the provincial figures come from (same dataset versions); null: none */
  baseline: { runId: string; year: number; regionCode: string } | null;
  warnings: string[];
  map: ScreeningMap;
  computedMs: number;
  /** milliseconds per part of the computation */
  stepsMs: Record<string, number>;
}

/** The result as a viewer sees it. */
export interface ScreeningResultOut extends Omit<ScreeningResultStored, 'species' | 'map' | 'stepsMs'> {
  species: ScreeningSpeciesOut[];
  /** true: sensitive species are shown by band only, counts under 3 as "<3" */
  generalised: boolean;
}

export interface ScreeningDatasets {
  protectedAreas: number | null;
  landCover: number | null;
  ecosystems: number | null;
  regions: number | null;
}
