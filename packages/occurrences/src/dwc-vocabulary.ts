/** Darwin Core `basisOfRecord` vocabulary (dwc:basisOfRecord, the DwC type vocabulary). */
export const BASIS_OF_RECORD = [
  'HumanObservation',
  'MachineObservation',
  'PreservedSpecimen',
  'LivingSpecimen',
  'FossilSpecimen',
  'MaterialSample',
  'MaterialEntity',
  'MaterialCitation',
  'Occurrence',
  'Event',
  'Taxon',
] as const;

export const OCCURRENCE_STATUS = ['present', 'absent'] as const;
export const REVIEW_STATES = ['unreviewed', 'verified', 'rejected'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/** Accepted `geodeticDatum` values and the datum they stand for. CGCS2000 and WGS84 agree within centimetres. */
export const DATUMS: Record<string, 'wgs84' | 'gcj02' | 'bd09'> = {
  wgs84: 'wgs84',
  'wgs 84': 'wgs84',
  'wgs-84': 'wgs84',
  'epsg:4326': 'wgs84',
  '4326': 'wgs84',
  cgcs2000: 'wgs84',
  'epsg:4490': 'wgs84',
  'gcj-02': 'gcj02',
  gcj02: 'gcj02',
  'bd-09': 'bd09',
  bd09: 'bd09',
};

/** Flags (stored with a usable record) and rejection codes, in the spirit of GBIF's occurrence issues. */
export const FLAG = {
  ZERO_COORDINATE: 'ZERO_COORDINATE',
  PRESUMED_SWAPPED_COORDINATE: 'PRESUMED_SWAPPED_COORDINATE',
  COORDINATE_OUTSIDE_JILIN: 'COORDINATE_OUTSIDE_JILIN',
  COORDINATE_OUTSIDE_DECLARED_REGION: 'COORDINATE_OUTSIDE_DECLARED_REGION',
  COORDINATE_UNCERTAINTY_HIGH: 'COORDINATE_UNCERTAINTY_HIGH',
  GEODETIC_DATUM_CONVERTED: 'GEODETIC_DATUM_CONVERTED',
  GEODETIC_DATUM_ASSUMED_WGS84: 'GEODETIC_DATUM_ASSUMED_WGS84',
  /** basisOfRecord was missing or empty: HumanObservation assumed (no silent defaults) */
  BASIS_OF_RECORD_ASSUMED: 'BASIS_OF_RECORD_ASSUMED',
  /** occurrenceStatus was missing or empty: present assumed */
  OCCURRENCE_STATUS_ASSUMED_PRESENT: 'OCCURRENCE_STATUS_ASSUMED_PRESENT',
  /** keys that are not Darwin Core term names were kept in dynamicProperties */
  TERMS_KEPT_IN_DYNAMIC_PROPERTIES: 'TERMS_KEPT_IN_DYNAMIC_PROPERTIES',
  TAXON_MATCH_NONE: 'TAXON_MATCH_NONE',
  TAXON_MATCH_FUZZY: 'TAXON_MATCH_FUZZY',
  TAXON_MATCH_SYNONYM: 'TAXON_MATCH_SYNONYM',
  TAXON_MATCH_INFRASPECIFIC: 'TAXON_MATCH_INFRASPECIFIC',
  /** the name matched only a genus or family ("Panthera sp.", "豹属"): no species is known */
  TAXON_MATCH_HIGHERRANK: 'TAXON_MATCH_HIGHERRANK',
  INDIVIDUAL_COUNT_ZERO_PRESENT: 'INDIVIDUAL_COUNT_ZERO_PRESENT',
  EVENT_NOT_FOUND: 'EVENT_NOT_FOUND',
} as const;
export type Flag = (typeof FLAG)[keyof typeof FLAG];

/** Terms the platform fills itself: never accepted from clients. */
export const SERVER_TERMS = ['identificationVerificationStatus', 'dataGeneralizations', 'informationWithheld'];
