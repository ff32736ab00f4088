/** Run parameters where BRIEF §6 leaves a choice; every run records the values it used. */
export interface RunParams {
  /** Species records count when their year is in (year − speciesWindowYears, year]. */
  speciesWindowYears: number;
  /** θ, a fraction: an ecosystem type is effectively protected when f_t ≥ θ. */
  ecosystemThreshold: number;
  /** Types smaller than this in the region (hectares) are not "present". */
  ecosystemMinAreaHa: number;
  /** Records with a larger coordinateUncertaintyInMeters do not qualify. */
  speciesMaxUncertaintyM: number;
  /** When true, only records reviewed as verified qualify (default: anything not rejected). */
  speciesRequireVerified: boolean;
  /** pa_connectivity: median dispersal distance(s) in km; one result per distance. */
  dispersalDistanceKm: number | number[];
  /** pa_connectivity: the probability of a direct link at the dispersal distance (0 < p < 1). */
  probabilityAtDistance: number;
  /** pa_connectivity: links with p*_ij at or above this are kept (for the map), 0 < t ≤ 1. */
  connectivityLinkThreshold: number;
}

export const DEFAULT_PARAMS: RunParams = {
  speciesWindowYears: 10,
  ecosystemThreshold: 0.01,
  ecosystemMinAreaHa: 1,
  speciesMaxUncertaintyM: 10_000,
  speciesRequireVerified: false,
  dispersalDistanceKm: 10,
  probabilityAtDistance: 0.5,
  connectivityLinkThreshold: 0.5,
};

/** The dispersal distances of a run (km), ascending, without repeats; a run made before they existed: the default. */
export function dispersalDistances(params: Partial<RunParams>): number[] {
  const d = params.dispersalDistanceKm ?? DEFAULT_PARAMS.dispersalDistanceKm;
  return [...new Set(Array.isArray(d) ? d : [d])].sort((a, b) => a - b);
}
