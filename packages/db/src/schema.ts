import type { ColumnType, Generated } from 'kysely';

// Hand-written row types of the migrated schema (snake_case, as the database has them).
// Conventions of the driver set up in db.ts: int8 → number (ids stay below 2^53),
// numeric → string (never silently a float), date → 'YYYY-MM-DD' string, timestamptz → Date.
// Geometry columns are typed `unknown`: they are only read through ST_AsGeoJSON and friends.

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string | T | undefined, string | T>;

export interface SeedRunsTable {
  name: string;
  version: string;
  applied_at: Timestamp;
  summary: Json;
}

export interface DepartmentsTable {
  id: Generated<number>;
  name: string;
  kind: Generated<string>;
}

export interface ApiTokensTable {
  id: Generated<string>;
  token_hash: Buffer;
  prefix: string;
  role: string;
  team: string | null;
  station_id: string | null;
  department_id: number | null;
  label: Generated<string>;
  created_at: Timestamp;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  token_id: string | null;
  role: string;
  actor: Generated<string>;
  action: string;
  route: string | null;
  entity: string;
  entity_ids: ColumnType<string[], string[] | undefined, string[]>;
  summary: Json;
}

export interface OutboxTable {
  id: Generated<number>;
  queue: string;
  job_name: string;
  payload: Json;
  created_at: Timestamp;
  enqueued_at: Date | null;
  attempts: Generated<number>;
  last_error: string | null;
}

export interface LayerDatasetsTable {
  id: Generated<number>;
  kind: string;
  vintage_year: number;
  source: Generated<string>;
  name: Generated<string>;
  crs_in: Generated<string>;
  feature_count: Generated<number>;
  content_hash: string | null;
  report: Json;
  created_at: Timestamp;
  created_by: string | null;
}

interface LayerFeature {
  id: Generated<number>;
  dataset_id: number;
  properties: Json;
  geom: unknown;
}

export interface RegionsTable extends LayerFeature {
  code: string;
  name: string;
  name_en: string | null;
  level: string;
  parent_code: string | null;
  official_area_km2: string | null;
}
export interface ProtectedAreasTable extends LayerFeature {
  pa_id: string;
  name: string;
  name_en: string | null;
  designation: string;
  level: string | null;
  status: string;
  established_year: number | null;
}
export interface LandCoverTable extends LayerFeature {
  class: string;
  grassland_type: string | null;
  wetland_type: string | null;
  is_natural: boolean | null;
  year: number | null;
}
export interface GrasslandPlotsTable extends LayerFeature {
  plot_id: string;
  grassland_type: string;
  vegetation_cover_pct: string;
  survey_date: string;
}
export interface EcosystemsTable extends LayerFeature {
  ecosystem_type: string;
  terrestrial: boolean;
}

export interface TaxaTable {
  id: Generated<number>;
  scientific_name: string;
  chinese_name: string | null;
  english_name: string | null;
  rank: string;
  kingdom: string;
  taxon_class: string | null;
  taxon_order: string | null;
  family: string | null;
  genus: string;
  parent_id: number | null;
  protection_class: string | null;
  protection_note: string | null;
  wild_only: Generated<boolean>;
  sensitive: Generated<boolean>;
  generalize_cell_m: Generated<number>;
  invasive: Generated<boolean>;
  in_jilin: Generated<boolean>;
  sources: ColumnType<string[], string[] | undefined, string[]>;
  updated_at: Timestamp;
}
export interface TaxonNamesTable {
  name_key: string;
  name: string;
  taxon_id: number;
  kind: string;
}
export interface TaxonRulesTable {
  id: Generated<number>;
  rank: string;
  scientific_name: string;
  chinese_name: string;
  kingdom: string;
  protection_class: string;
  note: string | null;
  wild_only: Generated<boolean>;
  exclude_chinese: ColumnType<string[], string[] | undefined, string[]>;
  sources: ColumnType<string[], string[] | undefined, string[]>;
}

export interface LedgerSectionsTable {
  code: string;
  ord: number;
  title: string;
}
export interface LedgerMeasuresTable {
  code: string;
  ord: number;
  section_code: string;
  title: string;
  text: string;
}
export interface LedgerTasksTable {
  no: number;
  section_code: string;
  measure_code: string;
  text: string;
  responsibility_note: string | null;
  timeline_kind: string;
  timeline_start: string | null;
  timeline_end: string | null;
  timeline_text: string;
}
export interface LedgerTaskDepartmentsTable {
  task_no: number;
  department_id: number;
  role: string;
  ord: number;
}
export interface LedgerTaskLinksTable {
  task_no: number;
  kind: string;
  ref: string;
}
export interface LedgerProgressTable {
  id: Generated<number>;
  task_no: number;
  department_id: number | null;
  status: string;
  note: Generated<string>;
  evidence: Json;
  as_of: string;
  reported_at: Timestamp;
  token_id: string | null;
}

export interface SurveyEventsTable {
  id: Generated<number>;
  event_id: string;
  parent_event_id: string | null;
  sampling_protocol: string | null;
  event_start: Date;
  event_end: Date;
  sample_size_value: string | null;
  sample_size_unit: string | null;
  sampling_effort_value: string | null;
  sampling_effort_unit: string | null;
  is_absence_reported: boolean | null;
  target_taxonomic_scope: string | null;
  team: string | null;
  owner_station: string | null;
  footprint: unknown;
  geom: unknown;
  region_codes: ColumnType<string[], string[] | undefined, string[]>;
  priority_area: string | null;
  data: Json;
  content_hash: string;
  version: Generated<number>;
  import_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  created_by: string | null;
  updated_by: string | null;
}

export interface OccurrencesTable {
  id: Generated<number>;
  occurrence_id: string;
  event_id: string | null;
  basis_of_record: string;
  scientific_name: string;
  taxon_id: number | null;
  taxon_match: Generated<string>;
  occurrence_status: string;
  event_start: Date;
  event_end: Date;
  individual_count: number | null;
  coordinate_uncertainty_m: number | null;
  geom: unknown;
  region_codes: ColumnType<string[], string[] | undefined, string[]>;
  priority_area: string | null;
  in_counted_pa: Generated<boolean>;
  flags: ColumnType<string[], string[] | undefined, string[]>;
  flag_notes: Json;
  review_state: Generated<string>;
  team: string | null;
  owner_station: string | null;
  data: Json;
  content_hash: string;
  version: Generated<number>;
  import_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  created_by: string | null;
  updated_by: string | null;
  /** What callers below evaluator see (written with the row, @biomon/sensitive): generalised to cell_m, at public_geom. */
  generalised: Generated<boolean>;
  /** Sticky: once of a sensitive taxon or in a sensitive event, always generalised. */
  ever_sensitive: Generated<boolean>;
  cell_m: number | null;
  public_geom: unknown;
  public_region_codes: ColumnType<string[], string[] | undefined, string[]>;
  public_priority_area: string | null;
  public_in_counted_pa: Generated<boolean>;
  /** public_geom as a native point (generated; GiST INCLUDE (id): public bbox pages by index-only scan, migration 0013). */
  public_xy: ColumnType<{ x: number; y: number } | null, never, never>;
}

/** A counter per source that in-process read caches key on (taxa: bumped by every statement that changes it). */
export interface ReadCacheVersionsTable {
  name: string;
  version: ColumnType<string, string | number, string | number>;
}

/** Events that hold or ever held a sensitive record, and small parents of them (sticky). */
export interface SensitiveEventsTable {
  event_id: string;
  cell_m: number;
  reason: string;
  marked_at: Timestamp;
}
export interface PlatformSecretsTable {
  name: string;
  value: Buffer;
  created_at: Timestamp;
}

export interface OccurrenceHistoryTable {
  id: Generated<number>;
  occurrence_pk: number;
  version: number;
  action: string;
  at: Timestamp;
  token_id: string | null;
  role: string;
  actor: Generated<string>;
  changes: Json;
  previous: Json | null;
  comment: string | null;
}

export interface ImportsTable {
  id: Generated<string>;
  content_hash: string;
  file_name: string;
  file_path: string;
  size_bytes: number;
  format: string | null;
  status: Generated<string>;
  rows_total: number | null;
  rows_done: Generated<number>;
  counts: Json;
  error: Json | null;
  team: string | null;
  token_id: string | null;
  /** the uploading token's role and station: the import writes as that actor */
  role: string | null;
  station_id: string | null;
  /** how each source column was mapped: [{ file, columns: [{ column, header, term, via }] }] */
  columns: ColumnType<unknown, string | undefined, string>;
  /** the saved mapping applied (?mapping=name), by name and as it was then */
  mapping_name: string | null;
  mapping: Json | null;
  /** options of the upload, e.g. { crs: 'gcj02' } for coordinates the file does not declare */
  options: Json<{ crs?: 'wgs84' | 'gcj02' | 'bd09'; kind?: 'mcpd' }>;
  created_at: Timestamp;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface ImportMappingsTable {
  id: Generated<number>;
  owner: string;
  name: string;
  columns: Json;
  description: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface ImportErrorsTable {
  import_id: string;
  file: string;
  row_number: number;
  record_id: string | null;
  errors: Json;
}

export interface IndicatorRunsTable {
  id: Generated<string>;
  year: number;
  region_codes: string[] | null;
  indicators: ColumnType<string[], string[], string[]>;
  datasets: Json;
  params: Json;
  method_version: string;
  status: Generated<string>;
  progress_done: Generated<number>;
  progress_total: Generated<number>;
  error: string | null;
  trigger: Generated<string>;
  requested_by: string | null;
  created_at: Timestamp;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface IndicatorResultsTable {
  run_id: string;
  indicator: string;
  region_code: string;
  year: number;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  unit: string;
  reason: string | null;
  details: Json;
  computed_at: Timestamp;
  /** '' for one value per region; e.g. 'd=10km' for one of several (migration 0017) */
  variant: Generated<string>;
}

export interface IndicatorStalenessTable {
  kind: string;
  since: Timestamp;
}
export interface LayerSubdividedTable {
  id: Generated<number>;
  dataset_id: number;
  feature_id: number;
  geom: unknown;
}

// ---- land-cover change (0018) -------------------------------------------------------------------
export interface LandCoverChangesTable {
  id: Generated<number>;
  /** 'vector': from/to_dataset_id (layer_datasets); 'raster': from/to_raster_id (raster_datasets), migration 0021 */
  source: Generated<'vector' | 'raster'>;
  from_dataset_id: number | null;
  to_dataset_id: number | null;
  from_raster_id: number | null;
  to_raster_id: number | null;
  regions_dataset_id: number | null;
  pa_dataset_id: number | null;
  from_year: number;
  to_year: number;
  method_version: string;
  status: Generated<'pending' | 'completed' | 'failed'>;
  cell_deg: number | null;
  cells: Generated<number>;
  ms: number | null;
  error: string | null;
  created_at: Timestamp;
  computed_at: Date | null;
}
export interface LandCoverChangeAreasTable {
  change_id: number;
  cell: number;
  from_class: string;
  to_class: string;
  area_m2: number;
  geom: unknown;
}
export interface LandCoverTransitionsTable {
  change_id: number;
  scope: 'region' | 'region_pa' | 'pa';
  scope_code: string;
  from_class: string;
  to_class: string;
  area_m2: number;
}

// ---- stations (0005): SensorThings Thing → Datastream → Observation -----------------------------
export interface StationsTable {
  id: Generated<number>;
  station_id: string;
  name: string;
  description: string | null;
  type: string;
  location: unknown;
  elevation_m: number | null;
  priority_area: string | null;
  department: string | null;
  department_id: number | null;
  time_zone: Generated<string>;
  properties: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
  created_by: string | null;
}

/** `expected_interval` is a PostgreSQL interval; the driver returns it as a postgres-interval object. */
export interface PgInterval {
  years?: number;
  months?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
}

export interface DatastreamsTable {
  id: Generated<number>;
  datastream_id: string;
  station_pk: number;
  name: string | null;
  description: string | null;
  observed_property: string;
  unit: Json<{ symbol: string; name?: string; definition?: string }>;
  result_type: string;
  valid_min: number | null;
  valid_max: number | null;
  expected_interval: ColumnType<PgInterval | null, string | null | undefined, string | null>;
  last_received_at: Date | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ObservationsTable {
  datastream_pk: number;
  phenomenon_time: ColumnType<Date, Date | string, Date | string>;
  result_number: number | null;
  result_json: ColumnType<unknown, string | null | undefined, string | null>;
  received_at: Timestamp;
}

export interface ObservationHistoryTable {
  datastream_pk: number;
  phenomenon_time: ColumnType<Date, Date | string, Date | string>;
  result_number: number | null;
  result_json: ColumnType<unknown, string | null | undefined, string | null>;
  received_at: ColumnType<Date, Date | string, Date | string>;
  superseded_at: Timestamp;
  superseded_by: string | null;
}

// ---- ledger evidence files, frozen reports and their sign-off (0007) ---------------------------
export interface FilesTable {
  id: Generated<string>;
  sha256: string;
  mime: string;
  size_bytes: number;
  original_name: string;
  storage_key: string;
  uploaded_by: string | null;
  department_id: number | null;
  created_at: Timestamp;
}
export interface LedgerProgressFilesTable {
  progress_id: number;
  file_id: string;
}
export interface ReportsTable {
  id: Generated<string>;
  kind: Generated<string>;
  year: number;
  region_code: string;
  as_of: string;
  snapshot: Json;
  snapshot_sha256: string;
  run_ids: ColumnType<string[], string[] | undefined, string[]>;
  created_by: string | null;
  created_by_label: Generated<string>;
  created_at: Timestamp;
}
export interface ReportReviewsTable {
  id: Generated<number>;
  report_id: string;
  decision: string;
  comment: Generated<string>;
  reviewed_by: string | null;
  reviewer_role: string;
  reviewer_label: Generated<string>;
  reviewed_at: Timestamp;
}

// ---- open-data exports (0008) -------------------------------------------------------------------
export interface ExportsTable {
  id: Generated<string>;
  kind: string;
  filters: Json;
  exact: boolean;
  requester_role: string;
  token_id: string | null;
  status: Generated<string>;
  core: string | null;
  counts: Json;
  file_path: string | null;
  size_bytes: number | null;
  sha256: string | null;
  error: Json | null;
  created_at: Timestamp;
  started_at: Date | null;
  finished_at: Date | null;
}

// ---- alerts and webhooks (0009) ---------------------------------------------------------------
export interface AlertRulesTable {
  code: string;
  enabled: Generated<boolean>;
  severity: string;
  params: Json<Record<string, unknown>>;
  updated_at: Timestamp;
  updated_by: string | null;
}
export interface AlertsTable {
  id: Generated<number>;
  rule_code: string;
  subject_key: string;
  severity: string;
  status: Generated<string>;
  privileged: Generated<boolean>;
  title_zh: string;
  title_en: string;
  details: Json<Record<string, unknown>>;
  region_code: string | null;
  region_name: string | null;
  region_codes: ColumnType<string[], string[] | undefined, string[]>;
  taxon_id: number | null;
  cell_id: string | null;
  first_seen: Timestamp;
  last_seen: Timestamp;
  occurrences: Generated<number>;
  acknowledged_by: string | null;
  acknowledged_by_label: string | null;
  acknowledged_at: Date | null;
  resolved_by: string | null;
  resolved_by_label: string | null;
  resolved_at: Date | null;
  cleared_at: Date | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface AlertTriggersTable {
  alert_id: number;
  trigger_key: string;
  occurrence_pk: number | null;
  at: Timestamp;
}
export interface AlertEventsTable {
  id: Generated<number>;
  alert_id: number;
  kind: string;
  at: Timestamp;
  token_id: string | null;
  role: Generated<string>;
  actor: Generated<string>;
  note: string | null;
  snapshot: Json<Record<string, unknown>>;
}
export interface WebhookSubscriptionsTable {
  id: Generated<string>;
  url: string;
  secret: string;
  description: Generated<string>;
  include_sensitive: Generated<boolean>;
  rules: string[] | null;
  min_severity: Generated<string>;
  events: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
  created_by: string | null;
  deleted_at: Date | null;
}
export interface WebhookDeliveriesTable {
  alert_event_id: number;
  subscription_id: string;
  status: Generated<string>;
  attempts: Generated<number>;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Timestamp;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
}
export interface WebhookDeadLettersTable {
  id: Generated<number>;
  alert_event_id: number;
  subscription_id: string;
  idempotency_key: string;
  payload: Json<Record<string, unknown>>;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  failed_at: Timestamp;
}

// ---- germplasm (0014): MCPD v2.1 institutions and accessions ------------------------------------
export interface GermplasmInstitutionsTable {
  id: Generated<number>;
  code: string;
  name: string;
  name_en: string | null;
  type: string;
  location: unknown;
  address: string | null;
  department: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  created_by: string | null;
}

export interface GermplasmAccessionsTable {
  id: Generated<string>;
  instcode: string;
  accenumb: string;
  domain: string;
  scientific_name: string;
  taxon_id: number | null;
  taxon_match: string;
  cropname: string | null;
  sampstat: number | null;
  storage: ColumnType<number[], number[] | undefined, number[]>;
  mlsstat: number | null;
  origcty: string | null;
  acqdate: string | null;
  colldate: string | null;
  geom: unknown;
  passport: ColumnType<Record<string, string>, string | Record<string, string>, string | Record<string, string>>;
  cell_m: number | null;
  ever_sensitive: Generated<boolean>;
  content_hash: string;
  import_id: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  created_by: string | null;
}

/** Raster datasets (migration 0015): COGs in the file store, metadata here. */
export interface RasterDatasetsTable {
  id: Generated<number>;
  kind: string;
  version: number;
  vintage_year: number;
  source: Generated<string>;
  original_name: Generated<string>;
  status: Generated<string>;
  error: Json | null;
  crs_wkt: string;
  epsg: number | null;
  geographic: boolean;
  geotransform: number[];
  width: number;
  height: number;
  band_type: string;
  nodata: number | null;
  scale: Generated<number>;
  value_offset: Generated<number>;
  fvc_scale: string | null;
  class_map: Json | null;
  stats: Json | null;
  bbox: unknown;
  source_key: string | null;
  storage_key: string | null;
  size_bytes: Generated<number>;
  sha256: string;
  created_at: Timestamp;
  created_by: string | null;
  ready_at: Date | null;
}

export interface RasterZonalCacheTable {
  raster_id: number;
  zone_dataset_id: number;
  zone_key: string;
  method_version: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  valid_area_m2: number;
  pixels: number;
  classes: Json<{ code: number; areaM2: number; pixels: number }[]> | null;
  computed_at: Timestamp;
}

// ---- screenings (0016): project impact screenings (task 29), immutable -----------------------------
export interface ScreeningsTable {
  id: Generated<string>;
  name: string;
  status: Generated<string>;
  footprint: unknown;
  source: Json;
  buffers_km: ColumnType<number[], number[], number[]>;
  species_years: number;
  as_of: string;
  datasets: Json;
  rules_version: string;
  result: Json | null;
  error: string | null;
  rerun_of: string | null;
  token_id: string | null;
  requester_role: string;
  requester_label: Generated<string>;
  team: string | null;
  department_id: number | null;
  created_at: Timestamp;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface Database {
  exports: ExportsTable;
  indicator_runs: IndicatorRunsTable;
  indicator_results: IndicatorResultsTable;
  indicator_staleness: IndicatorStalenessTable;
  layer_subdivided: LayerSubdividedTable;
  land_cover_changes: LandCoverChangesTable;
  land_cover_transitions: LandCoverTransitionsTable;
  land_cover_change_areas: LandCoverChangeAreasTable;
  survey_events: SurveyEventsTable;
  occurrences: OccurrencesTable;
  occurrence_history: OccurrenceHistoryTable;
  sensitive_events: SensitiveEventsTable;
  read_cache_versions: ReadCacheVersionsTable;
  platform_secrets: PlatformSecretsTable;
  imports: ImportsTable;
  import_errors: ImportErrorsTable;
  import_mappings: ImportMappingsTable;
  seed_runs: SeedRunsTable;
  departments: DepartmentsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  layer_datasets: LayerDatasetsTable;
  regions: RegionsTable;
  protected_areas: ProtectedAreasTable;
  land_cover: LandCoverTable;
  grassland_plots: GrasslandPlotsTable;
  ecosystems: EcosystemsTable;
  taxa: TaxaTable;
  taxon_names: TaxonNamesTable;
  taxon_rules: TaxonRulesTable;
  ledger_sections: LedgerSectionsTable;
  ledger_measures: LedgerMeasuresTable;
  ledger_tasks: LedgerTasksTable;
  ledger_task_departments: LedgerTaskDepartmentsTable;
  ledger_task_links: LedgerTaskLinksTable;
  ledger_progress: LedgerProgressTable;
  files: FilesTable;
  ledger_progress_files: LedgerProgressFilesTable;
  reports: ReportsTable;
  report_reviews: ReportReviewsTable;
  stations: StationsTable;
  datastreams: DatastreamsTable;
  observations: ObservationsTable;
  observation_history: ObservationHistoryTable;
  alert_rules: AlertRulesTable;
  alerts: AlertsTable;
  alert_triggers: AlertTriggersTable;
  alert_events: AlertEventsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_dead_letters: WebhookDeadLettersTable;
  germplasm_institutions: GermplasmInstitutionsTable;
  germplasm_accessions: GermplasmAccessionsTable;
  screenings: ScreeningsTable;
  raster_datasets: RasterDatasetsTable;
  raster_zonal_cache: RasterZonalCacheTable;
}
