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
}

export const DEFAULT_PARAMS: RunParams = {
  speciesWindowYears: 10,
  ecosystemThreshold: 0.01,
  ecosystemMinAreaHa: 1,
  speciesMaxUncertaintyM: 10_000,
  speciesRequireVerified: false,
};
